"""The training libraries (the ``finetune`` extra): whether they are installed, and one clear
line when they are not. Training, merging, exporting and importing a Hugging Face Whisper need
them; a transcription-only install and the transcriber installer have none of them."""

from __future__ import annotations

import importlib.util
import sys

from hsb_whisper.errors import HsbWhisperError

# What training, merging and converting import (inside the functions that need them).
TRAINING_LIBRARIES = ("torch", "transformers", "peft", "accelerate")


def missing_training_libraries() -> list[str]:
    """Those of :data:`TRAINING_LIBRARIES` that are not installed."""
    return [name for name in TRAINING_LIBRARIES if importlib.util.find_spec(name) is None]


def require_training_libraries(what: str) -> None:
    """Raise one line saying what to install when a training library is missing, instead of a
    ``ModuleNotFoundError`` half-way; the command line and the app call it before such work."""
    missing = missing_training_libraries()
    if not missing:
        return
    if getattr(sys, "frozen", False):  # an installer's bundle: nothing can be pip-installed
        how = (
            "this is the transcriber build of hsb-whisper; use the full build for this (a model "
            "pack made with it installs in either)"
        )
    else:
        how = (
            "install torch for your hardware, then pip install 'hsb-whisper[finetune]' (see "
            "Installing in the README)"
        )
    verb = "is" if len(missing) == 1 else "are"
    raise HsbWhisperError(f"{what} needs {', '.join(missing)}, which {verb} not installed: {how}")
