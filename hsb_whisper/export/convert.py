"""Making a self-describing CTranslate2 model folder from a Hugging Face Whisper (plus, optionally,
a LoRA adapter).

:func:`build_model` merges the adapter (PEFT ``merge_and_unload``), converts without torch
(:mod:`.ct2_writer`, the same model as ctranslate2's ``TransformersConverter``; copying
``tokenizer.json``, without which faster-whisper would try to download a tokenizer, and writing
``preprocessor_config.json``, from which it reads the mel count:
transformers 5 keeps those settings in ``processor_config.json``), writes the metadata (language
token, recipe, base, training data, evaluation, quantization, every file's SHA-256), then hands the
staged folder to the caller's check (``hsb-whisper export`` transcribes dev clips with it, see
:mod:`hsb_whisper.finetune.publish`). Everything happens in a staging folder that is renamed only
when the check passes: a failed export leaves no model.
"""

from __future__ import annotations

import json
import logging
import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from hsb_whisper.errors import ModelError
from hsb_whisper.export.merge import merge_adapter
from hsb_whisper.export.metadata import ModelInfo, now_utc, record_files
from hsb_whisper.export.pack import PREPROCESSOR_LIMITS, preprocessor_problem
from hsb_whisper.files import atomic_write_text, staging_dir

log = logging.getLogger(__name__)

QUANTIZATIONS = ("int8", "int8_float16", "int8_float32", "float16", "float32")  # weights written
# What CTranslate2 may compute in when it loads a model ("default": the stored type).
COMPUTE_TYPES = ("default", *QUANTIZATIONS, "int16")
TOKENIZER = "tokenizer.json"
PREPROCESSOR_CONFIG = "preprocessor_config.json"  # the feature extractor's settings
# transformers 5's processor.save_pretrained writes no preprocessor_config.json, but this, with
# the same settings under "feature_extractor" (and the tokenizer's in tokenizer_config.json).
PROCESSOR_CONFIG = "processor_config.json"
_MAX_CONFIG_BYTES = 1 << 20  # a feature extractor's settings are a few hundred bytes
T = TypeVar("T")
# What transformers and CTranslate2 raise on a folder they cannot load or convert (the safetensors
# error is a subclass of Exception): caught only around the conversion.
CONVERTER_ERRORS = (
    ValueError, TypeError, KeyError, IndexError, AttributeError, RuntimeError, OSError,
    AssertionError,
)  # fmt: skip


def convert(hf_dir: Path, out: Path, quantization: str) -> None:
    """CTranslate2 conversion of a Hugging Face Whisper folder into the existing folder ``out``,
    with its ``tokenizer.json`` and a ``preprocessor_config.json`` (see
    :func:`feature_extractor_settings`). Converted by :mod:`.ct2_writer`, without torch or
    transformers: the same model.bin as ctranslate2's ``TransformersConverter`` (byte for byte,
    tests/test_ct2_writer.py), 2-12× faster and in a third to a quarter of the memory
    (``python -m benchmarks.convert_speed``)."""
    from hsb_whisper.export.ct2_writer import convert_hf_folder

    if quantization not in QUANTIZATIONS:
        raise ModelError(
            f"quantization {quantization!r} is not supported; "
            f"choose one of {', '.join(QUANTIZATIONS)}"
        )
    if not (hf_dir / TOKENIZER).is_file():
        raise ModelError(f"{hf_dir}: lacks {TOKENIZER}, which faster-whisper needs")
    settings = feature_extractor_settings(hf_dir)
    try:
        convert_hf_folder(hf_dir, out, quantization)
    except ModelError:
        raise
    except CONVERTER_ERRORS as e:  # a folder checked by hf_folder should not get here; one that
        # was not (a run's merged model) can still hold what transformers cannot load
        log.debug("conversion of %s failed", hf_dir, exc_info=True)
        first = str(e).strip().splitlines()[0][:200] if str(e).strip() else ""
        raise ModelError(
            f"{hf_dir}: cannot be converted with CTranslate2 ({type(e).__name__}: {first})"
        ) from e
    # Written, never copied: only the settings checked, whatever else the source file held
    # (also from transformers 5's processor_config.json).
    text = json.dumps(_known_settings(settings), indent=2, sort_keys=True) + "\n"
    atomic_write_text(out / PREPROCESSOR_CONFIG, text)


def _known_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The feature extractor's checked settings (:data:`PREPROCESSOR_LIMITS`, defaults filled in)
    and the derived ones, as transformers writes them; nothing else of ``settings``."""
    known = {key: settings.get(key, allowed.start) for key, allowed in PREPROCESSOR_LIMITS.items()}
    known.pop("n_mels")  # transformers' name is feature_size; faster-whisper reads that
    known["feature_size"] = settings.get("feature_size", 80)
    n_samples = known["chunk_length"] * known["sampling_rate"]
    padding = settings.get("padding_value", 0.0)
    return {
        **known,
        "feature_extractor_type": "WhisperFeatureExtractor",
        "n_samples": n_samples,
        "nb_max_frames": n_samples // known["hop_length"],
        "padding_side": "right",
        "padding_value": padding
        if type(padding) in (int, float) and math.isfinite(padding)
        else 0.0,
        "return_attention_mask": settings.get("return_attention_mask") is True,
    }


def feature_extractor_settings(hf_dir: Path) -> dict[str, Any]:
    """The feature extractor's settings of a Hugging Face Whisper folder: its
    ``preprocessor_config.json``, else the ``feature_extractor`` entry of the
    ``processor_config.json`` that transformers 5 writes instead. They must be a Whisper's (the
    bounds a pack's ``preprocessor_config.json`` is held to) and give the model's mel count."""
    path = hf_dir / PREPROCESSOR_CONFIG
    if path.is_file():
        where, settings = str(path), _read_object(path)
    elif (hf_dir / PROCESSOR_CONFIG).is_file():
        where = f"{hf_dir / PROCESSOR_CONFIG}: feature_extractor"
        settings = _read_object(hf_dir / PROCESSOR_CONFIG).get("feature_extractor")
        if not isinstance(settings, dict):
            raise ModelError(f"{where}: missing or not a JSON object; it holds the mel count")
    else:
        raise ModelError(
            f"{hf_dir}: lacks {PREPROCESSOR_CONFIG} (or the {PROCESSOR_CONFIG} of transformers "
            "5 with a feature_extractor entry), whose mel count faster-whisper needs"
        )
    problem = preprocessor_problem(settings)
    if problem is not None:
        raise ModelError(f"{where}: {problem}")
    config = _read_object(hf_dir / "config.json")
    mels, features = config.get("num_mel_bins", 80), settings.get("feature_size", 80)
    if mels != features:
        raise ModelError(
            f"{where}: feature_size is {features}, but the model (config.json) takes "
            f"{mels} mel bins"
        )
    return settings


def _read_object(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read(_MAX_CONFIG_BYTES + 1).decode("utf-8"))
    except OSError as e:
        raise ModelError(f"{path}: cannot be read ({e.strerror or e})") from e
    except (ValueError, RecursionError) as e:  # bad UTF-8 or JSON, or more than the bytes read
        raise ModelError(f"{path}: not valid JSON ({e})") from e
    if not isinstance(data, dict):
        raise ModelError(f"{path}: must be a JSON object")
    return data


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
