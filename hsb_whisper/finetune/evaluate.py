"""Evaluating a model on a manifest: transcribe every clip, score against the references.

A model is any of: a training run folder (its final base + adapter), a LoRA adapter folder, a
Hugging Face Whisper folder (decoded with ``generate``), or a CTranslate2 folder / model-store name
(decoded with faster-whisper, as the app does). Decoding is deterministic: beam search of the given
width (default greedy), no timestamps, no VAD, the language token forced.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hsb_whisper.audio import load_audio
from hsb_whisper.errors import ModelError
from hsb_whisper.export.hf import is_hf_whisper
from hsb_whisper.export.store import ModelStore
from hsb_whisper.finetune.manifest import Clip, read_manifest
from hsb_whisper.finetune.metrics import score_utterances, write_evaluation
from hsb_whisper.melspec import model_input

log = logging.getLogger(__name__)

_MAX_NEW_TOKENS = 440  # the decoder's 448 minus the prompt


def _resolve(spec: str) -> tuple[str, Path, Path | None, str | None]:
    """(kind, model folder, adapter folder, trained language) for a model argument."""
    path = Path(spec).expanduser()
    if (path / "result.json").is_file():  # a training run
        result = json.loads((path / "result.json").read_text(encoding="utf-8"))
        return "hf", Path(result["base"]), Path(result["adapter"]), result["language"]
    if (path / "adapter_config.json").is_file():
        config = json.loads((path / "adapter_config.json").read_text(encoding="utf-8"))
        base = Path(config.get("base_model_name_or_path") or "")
        if not is_hf_whisper(base):
            raise ModelError(f"{path}: the adapter's base {base} is not a Hugging Face folder here")
        return "hf", base, path, None
    if path.is_dir() and is_hf_whisper(path):
        return "hf", path, None, None
    local = ModelStore().resolve(spec)
    return "ct2", local.path, None, local.language


def _hf_transcriber(model_dir: Path, adapter: Path | None, language: str, beam: int):
    import torch
    from transformers import WhisperForConditionalGeneration, WhisperProcessor

    processor = WhisperProcessor.from_pretrained(model_dir, local_files_only=True)
    model = WhisperForConditionalGeneration.from_pretrained(
        model_dir, dtype=torch.float32, local_files_only=True
    )
    if adapter is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, adapter)
    model.eval()

    def transcribe(clip: Clip) -> str:
        extractor = processor.feature_extractor
        frames = model_input(load_audio(clip.audio), extractor.to_dict(), extractor.nb_max_frames)
        features = torch.from_numpy(frames)[None]
        with torch.no_grad():
            ids = model.generate(
                input_features=features,
                language=language,
                task="transcribe",
                num_beams=beam,
                do_sample=False,
                max_new_tokens=_MAX_NEW_TOKENS,
            )
        return processor.batch_decode(ids, skip_special_tokens=True)[0].strip()

    return transcribe


def _ct2_transcriber(model_dir: Path, language: str, beam: int, compute_type: str):
    from faster_whisper import WhisperModel

    model = WhisperModel(
        str(model_dir), device="cpu", compute_type=compute_type, local_files_only=True
    )

    def transcribe(clip: Clip) -> str:
        segments, _ = model.transcribe(
            load_audio(clip.audio),
            language=language,
            beam_size=beam,
            without_timestamps=True,
            vad_filter=False,
            temperature=0.0,
            condition_on_previous_text=False,
        )
        return " ".join(s.text.strip() for s in segments)

    return transcribe


def unique_ids(clips: list[Clip]) -> list[str]:
    """Clip names, made unique with ``#2``, ``#3``… where a manifest repeats one."""
    seen: dict[str, int] = {}
    ids = []
    for clip in clips:
        seen[clip.name] = seen.get(clip.name, 0) + 1
        ids.append(clip.name if seen[clip.name] == 1 else f"{clip.name}#{seen[clip.name]}")
    return ids


def evaluate(
    model: str,
    manifest: Path,
    out: Path,
    *,
    name: str | None = None,
    language: str | None = None,
    beam_size: int = 1,
    compute_type: str = "int8",
    max_clips: int = 0,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Transcribe every clip of ``manifest`` with ``model``, write the evaluation into ``out``
    (utterances.csv, summary.json, wer_histogram.png) and return the summary."""
    kind, model_dir, adapter, trained = _resolve(model)
    language = language or trained or "cs"
    clips = read_manifest(manifest)
    if max_clips:
        clips = clips[:max_clips]
    if kind == "hf":
        transcribe = _hf_transcriber(model_dir, adapter, language, beam_size)
    else:
        transcribe = _ct2_transcriber(model_dir, language, beam_size, compute_type)
    hypotheses = []
    for clip in clips:
        hypotheses.append(transcribe(clip))
        if progress:
            progress(1)
    scores = score_utterances(unique_ids(clips), [c.text for c in clips], hypotheses)
    meta = {
        "model": model,
        "engine": "transformers" if kind == "hf" else f"faster-whisper ({compute_type})",
        "adapter": str(adapter) if adapter else None,
        "manifest": str(manifest),
        "language": language,
        "beam_size": beam_size,
    }
    return write_evaluation(out, name or Path(model).name, scores, meta)
