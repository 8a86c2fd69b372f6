"""hsb-whisper: offline speech recognition for Upper Sorbian (hsb).

The project is split into three layers (checked by import-linter in CI):

- ``hsb_whisper.export``: model artifacts (CTranslate2 folders, the model store, the embedded
  default model). Depends on nothing else of ours.
- ``hsb_whisper.finetune``: training and evaluation. May use ``export``.
- ``hsb_whisper.desktop``: transcription core, command line and the Qt app. May use both.

Modules directly under ``hsb_whisper`` (errors, audio, files) are shared by every layer.
"""

__version__ = "0.1.0"
