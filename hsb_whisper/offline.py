"""Keeping model loading local: the Hugging Face Hub's offline switches.

Set before faster-whisper or transformers is imported, so that nothing in the transcription or
export path can reach for the network. A user may still opt in by setting them to 0.

The one download a user asks for (``models get``, ``models import OWNER/NAME``) must still work
in a process that has transcribed before (the app): :func:`user_wants_offline` tells the user's
own ``HF_HUB_OFFLINE`` from the one set here, and :func:`hub_requests_allowed` lifts
huggingface_hub's copy of the switch (read once, when it was first imported) for that download.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

_SWITCHES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")
_TRUE = ("1", "ON", "YES", "TRUE")
# The user's own setting, as it was before anything here set it (this module is imported before
# the switches are first set).
_USER_OFFLINE = os.environ.get("HF_HUB_OFFLINE", "").strip().upper() in _TRUE
_set_here = False


def user_wants_offline() -> bool:
    """Whether the user switched the Hub off (``HF_HUB_OFFLINE=1``), not this program."""
    value = os.environ.get("HF_HUB_OFFLINE", "").strip().upper() in _TRUE
    return _USER_OFFLINE or (value and not _set_here)


@contextlib.contextmanager
def hub_requests_allowed() -> Iterator[None]:
    """huggingface_hub may make requests inside this block although :func:`forbid_hub_downloads`
    switched it off when it was imported (only for a download the user asked for; model loading
    passes ``local_files_only`` and stays local either way)."""
    import huggingface_hub.constants as constants

    before = constants.HF_HUB_OFFLINE
    constants.HF_HUB_OFFLINE = user_wants_offline()
    try:
        yield
    finally:
        constants.HF_HUB_OFFLINE = before


def forbid_hub_downloads() -> None:
    global _set_here
    if "HF_HUB_OFFLINE" not in os.environ:
        _set_here = True
    for name in _SWITCHES:
        os.environ.setdefault(name, "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
