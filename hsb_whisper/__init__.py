"""hsb-whisper: offline speech recognition for Upper Sorbian (hsb).

The project is split into layers, each using only those below it (checked by import-linter in
CI, see ``[tool.importlinter]`` in pyproject.toml), from the top:

- ``hsb_whisper.cli``: the ``hsb-whisper`` command; ``hsb_whisper.selftest``: the installation's
  self-test (it touches every layer);
- ``hsb_whisper.desktop``: the Qt app (the only package that imports Qt);
- ``hsb_whisper.finetune``: training (LoRA, both recipes), run folders, exporting runs;
- ``hsb_whisper.evaluation``: WER/CER, decoding a test set, comparing runs;
- ``hsb_whisper.data``: corpus imports, checks, manifests;
- ``hsb_whisper.transcription``: transcribing without Qt (engine, batched decoding, transcripts,
  output formats, speakers, live segmenting, recording);
- ``hsb_whisper.export``: model artifacts (CTranslate2 folders, merging, packs, the model store
  with the embedded default model).

Modules directly under ``hsb_whisper`` (errors, audio, files, paths, melspec, offline, parallel)
are shared by every layer and import none.
"""

__version__ = "0.1.0"
