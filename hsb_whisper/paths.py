"""Where hsb-whisper keeps its data: models and logs.

By default the platform's user folders (platformdirs): on Linux ``~/.local/share/hsb-whisper`` and
``~/.local/state/hsb-whisper/log``; re-computable data (training features) in the user cache
folder. The environment variable ``HSB_WHISPER_HOME`` moves everything
under one folder (portable installs, tests). This is the only place that reads it.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "hsb-whisper"
HOME_ENV = "HSB_WHISPER_HOME"


def data_dir() -> Path:
    home = os.environ.get(HOME_ENV)
    return Path(home) if home else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def models_dir() -> Path:
    return data_dir() / "models"


def log_dir() -> Path:
    home = os.environ.get(HOME_ENV)
    return (
        Path(home) / "logs" if home else Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    )


def cache_dir() -> Path:
    """Re-computable data (training features)."""
    home = os.environ.get(HOME_ENV)
    return (
        Path(home) / "cache"
        if home
        else Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    )


def transcripts_dir() -> Path:
    """The app's saved transcripts (the editor's autosave: edits, confirmations), where
    ``data import-corrections`` and ``evaluate --corrections`` look by default."""
    return data_dir() / "transcripts"
