"""Keeping model loading local: the Hugging Face Hub's offline switches.

Set before faster-whisper or transformers is imported, so that nothing in the transcription or
export path can reach for the network. A user may still opt in by setting them to 0.
"""

from __future__ import annotations

import os

_SWITCHES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")


def forbid_hub_downloads() -> None:
    for name in _SWITCHES:
        os.environ.setdefault(name, "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
