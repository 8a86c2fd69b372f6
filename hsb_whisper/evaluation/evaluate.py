"""Evaluating a model on a manifest: transcribe every clip, score against the references.

A model is a :class:`ModelSource`: a Hugging Face Whisper folder (with a LoRA adapter or not) or a
CTranslate2 folder (a model-store name resolves to one). Training runs are resolved into one by
:func:`hsb_whisper.finetune.resolve_model`, which knows the run folder.

Every model of an evaluation is decoded by the same engine at the same precision, whatever its
format (see :func:`~hsb_whisper.evaluation.decoding.open_decoder`), so that a comparison of a
base model against a run compares models, not engines. The default is faster-whisper at int8,
what the app and ``transcribe`` run; ``engine="transformers"`` decodes in float32 instead.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hsb_whisper.audio import load_audio
from hsb_whisper.data import read_manifest
from hsb_whisper.errors import ModelError, OptionError
from hsb_whisper.evaluation.decoding import HF_PRECISION, DecodingOptions, open_decoder
from hsb_whisper.evaluation.metrics import score_clips, write_evaluation
from hsb_whisper.export import COMPUTE_TYPES, DEFAULT_LANGUAGE, ModelStore, is_hf_whisper

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class ModelSource:
    """A model to decode with: what it is, where, and the token it was trained with."""

    kind: str  # "hf" (Hugging Face folder) or "ct2" (CTranslate2 folder)
    path: Path
    adapter: Path | None = None  # a LoRA adapter on top of a Hugging Face model
    language: str | None = None  # None: unknown (a foreign model)
    name: str = ""  # for reports


def resolve_model(spec: str) -> ModelSource:
    """A LoRA adapter folder, a Hugging Face Whisper folder, a CTranslate2 folder or a model-store
    name → :class:`ModelSource`."""
    path = Path(spec).expanduser()
    if (path / "adapter_config.json").is_file():
        config = json.loads((path / "adapter_config.json").read_text(encoding="utf-8"))
        base = Path(config.get("base_model_name_or_path") or "")
        if not is_hf_whisper(base):
            raise ModelError(f"{path}: the adapter's base {base} is not a Hugging Face folder here")
        return ModelSource("hf", base, path, None, path.name)
    if path.is_dir() and is_hf_whisper(path):
        return ModelSource("hf", path, None, None, path.name)
    local = ModelStore().resolve(spec)
    return ModelSource("ct2", local.path, None, local.language, local.name)


def engine_label(engine: str, compute_type: str) -> str:
    """How reports name the engine and precision, e.g. ``faster-whisper (int8)``."""
    return f"{engine} ({HF_PRECISION if engine == 'transformers' else compute_type})"


def evaluate(
    model: ModelSource,
    manifest: Path,
    out: Path,
    *,
    name: str | None = None,
    language: str | None = None,
    beam_size: int = 1,
    engine: str = "faster-whisper",
    compute_type: str = "int8",
    max_clips: int = 0,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Transcribe every clip of ``manifest`` with ``model``, write the evaluation into ``out``
    (utterances.csv, summary.json, wer_histogram.png) and return the summary."""
    if compute_type not in COMPUTE_TYPES:
        raise OptionError(
            f"compute type {compute_type!r}; choose one of {', '.join(COMPUTE_TYPES)}"
        )
    options = DecodingOptions(
        language=language or model.language or DEFAULT_LANGUAGE, beam_size=beam_size
    )
    clips = read_manifest(manifest)
    if max_clips:
        clips = clips[:max_clips]
    decoder = open_decoder(
        model.kind, model.path, model.adapter, engine=engine, compute_type=compute_type
    )
    hypotheses = []
    for clip in clips:
        hypotheses += decoder.decode([load_audio(clip.audio)], options)
        if progress:
            progress(1)
    meta = {
        "model": model.name or str(model.path),
        "model_path": str(model.path),
        "adapter": str(model.adapter) if model.adapter else None,
        "engine": engine,
        "precision": HF_PRECISION if engine == "transformers" else compute_type,
        "manifest": str(manifest),
        "language": options.language,
        "beam_size": options.beam_size,
        "max_new_tokens": options.max_new_tokens,
    }
    return write_evaluation(
        out, name or model.name or Path(model.path).name, score_clips(clips, hypotheses), meta
    )
