"""Making a self-describing CTranslate2 model folder from a Hugging Face Whisper (plus, optionally,
a LoRA adapter).

:func:`build_model` merges the adapter (PEFT ``merge_and_unload``), converts with ctranslate2's
``TransformersConverter`` (copying ``tokenizer.json`` and ``preprocessor_config.json``, without
which faster-whisper would try to download a tokenizer), writes the metadata (language token,
recipe, base, training data, evaluation, quantization, every file's SHA-256), then hands the
staged folder to the caller's check (``hsb-whisper export`` transcribes dev clips with it, see
:mod:`hsb_whisper.finetune.publish`). Everything happens in a staging folder that is renamed only
when the check passes: a failed export leaves no model.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from hsb_whisper.errors import ModelError
from hsb_whisper.export.merge import merge_adapter
from hsb_whisper.export.metadata import ModelInfo, now_utc, record_files
from hsb_whisper.files import staging_dir

log = logging.getLogger(__name__)

QUANTIZATIONS = ("int8", "int8_float16", "int8_float32", "float16", "float32")  # weights written
# What CTranslate2 may compute in when it loads a model ("default": the stored type).
COMPUTE_TYPES = ("default", *QUANTIZATIONS, "int16")
COPY_FILES = ("tokenizer.json", "preprocessor_config.json")
T = TypeVar("T")


def convert(hf_dir: Path, out: Path, quantization: str) -> None:
    """CTranslate2 conversion of a Hugging Face Whisper folder into the existing folder ``out``."""
    from ctranslate2.converters import TransformersConverter

    if quantization not in QUANTIZATIONS:
        raise ModelError(
            f"quantization {quantization!r} is not supported; "
            f"choose one of {', '.join(QUANTIZATIONS)}"
        )
    missing = [f for f in COPY_FILES if not (hf_dir / f).is_file()]
    if missing:
        raise ModelError(f"{hf_dir}: lacks {', '.join(missing)}, which faster-whisper needs")
    converter = TransformersConverter(str(hf_dir), copy_files=list(COPY_FILES))
    converter.convert(str(out), quantization=quantization, force=True)


def build_model(
    hf_dir: Path,
    adapter: Path | None,
    dest: Path,
    *,
    quantization: str,
    base: str,
    language: str,
    source: str,
    license: str = "MIT",
    recipe: dict[str, Any] | None = None,
    evaluation: dict[str, Any] | None = None,
    verify: Callable[[Path, Path], T] | None = None,
    keep_merged: Path | None = None,
) -> tuple[ModelInfo, T | None]:
    """Write a model folder at ``dest`` (which must not exist); see the module docs.

    ``verify(staged, merged)`` is called with the finished CTranslate2 folder (still under its
    temporary name) and the merged Hugging Face folder; whatever it returns is returned, and if it
    raises, nothing is kept. ``keep_merged``: where to keep the merged Hugging Face model
    (safetensors); by default it is deleted after the conversion.
    """
    if dest.exists():
        raise ModelError(f"{dest} already exists; choose another name or remove it first")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".export-", dir=dest.parent) as work:
        merged = hf_dir
        if adapter is not None:
            merged = keep_merged or Path(work) / "merged"
            if not (merged / "config.json").is_file():
                merge_adapter(hf_dir, adapter, merged)
        with staging_dir(dest) as tmp:
            log.info("converting %s to CTranslate2 (%s)", merged, quantization)
            convert(merged, tmp, quantization)
            info = ModelInfo(
                name=dest.name,
                base=base,
                language=language,
                source=source,
                license=license,
                quantization=quantization,
                created=now_utc(),
                files=record_files(tmp),
                recipe=recipe,
                evaluation=evaluation,
            )
            info.save(tmp)
            verification = verify(tmp, merged) if verify is not None else None
    return info, verification
