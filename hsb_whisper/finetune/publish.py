"""``hsb-whisper export``: a training run (or a Whisper + adapter) → a verified model in the store.

The export itself (merge, CTranslate2 conversion, metadata, faster-whisper check) is
:func:`hsb_whisper.export.convert.build_model`. This module knows about runs and manifests: it finds
the run's final base and adapter, its recipe, language token and training data, verifies on the
dev manifest's first clips, and measures the exported model's WER on the dev manifest next to a
float32 conversion, so a linguist sees what int8 costs before handing the model out.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hsb_whisper.audio import load_audio
from hsb_whisper.errors import HsbWhisperError, ModelError, OptionError
from hsb_whisper.export.convert import (
    QUANTIZATIONS,
    build_model,
    convert,
    faster_whisper_transcripts,
)
from hsb_whisper.export.hf import is_hf_whisper
from hsb_whisper.export.metadata import ModelInfo
from hsb_whisper.export.store import ModelStore
from hsb_whisper.finetune.evaluate import unique_ids
from hsb_whisper.finetune.manifest import read_manifest
from hsb_whisper.finetune.metrics import corpus_scores, score_utterances

log = logging.getLogger(__name__)

VERIFY_CLIPS = 3  # dev clips transcribed by both engines inside the export


@dataclasses.dataclass(frozen=True)
class Source:
    hf_dir: Path
    adapter: Path | None
    language: str
    base: str
    recipe: dict[str, Any] | None
    run: Path | None
    dev: Path | None


def find_source(spec: Path, language: str | None) -> Source:
    """What to export: a run folder, an adapter folder or a Hugging Face Whisper folder."""
    if (spec / "result.json").is_file():
        result = json.loads((spec / "result.json").read_text(encoding="utf-8"))
        recipe = json.loads((spec / "recipe.json").read_text(encoding="utf-8"))
        return Source(
            hf_dir=Path(result["base"]),
            adapter=Path(result["adapter"]),
            language=language or result["language"],
            base=recipe["base"],
            recipe=recipe,
            run=spec,
            dev=Path(recipe["stages"][-1]["dev"]),
        )
    if (spec / "train.log").is_file() or (spec / "recipe.json").is_file():
        raise OptionError(f"{spec}: the training run has not finished (no result.json)")
    if (spec / "adapter_config.json").is_file():
        config = json.loads((spec / "adapter_config.json").read_text(encoding="utf-8"))
        base = Path(config.get("base_model_name_or_path") or "")
        if not is_hf_whisper(base):
            raise ModelError(f"{spec}: the adapter's base {base} is not a Hugging Face folder here")
        return Source(base, spec, language or "cs", str(base), None, None, None)
    if is_hf_whisper(spec):
        return Source(spec, None, language or "cs", str(spec), None, None, None)
    raise OptionError(f"{spec}: not a training run, LoRA adapter or Hugging Face Whisper folder")


def _training_data(recipe: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    if recipe is None:
        return None
    data = []
    for stage in recipe["stages"]:
        entry: dict[str, Any] = {"stage": stage["name"], "train": stage["train"]}
        try:
            clips = read_manifest(Path(stage["train"]))
            entry["clips"] = len(clips)
            entry["hours"] = round(sum(c.duration or 0 for c in clips) / 3600, 3)
            entry["speakers"] = len({c.speaker for c in clips if c.speaker})
        except (HsbWhisperError, OSError) as e:  # moved since training: say so, don't fail
            entry["unavailable"] = str(e)
        data.append(entry)
    return data


def export_run(
    spec: Path,
    *,
    name: str,
    quantization: str = "int8",
    language: str | None = None,
    dev: Path | None = None,
    wer_clips: int = 0,
    store: ModelStore | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> tuple[Path, ModelInfo]:
    """Export ``spec`` as model ``name`` into the store; returns its folder and metadata."""
    if quantization not in QUANTIZATIONS:
        raise OptionError(
            f"quantization {quantization!r}; choose one of {', '.join(QUANTIZATIONS)}"
        )
    store = store or ModelStore()
    source = find_source(spec, language)
    dev = dev or source.dev
    dev_clips = read_manifest(dev) if dev else []
    if wer_clips:
        dev_clips = dev_clips[:wer_clips]
    verify_audio = [load_audio(c.audio) for c in dev_clips[:VERIFY_CLIPS]]
    keep = source.run / "export" / f"{name}-hf" if source.run and source.adapter else None
    recipe_name = source.recipe["name"] if source.recipe else None
    progress(f"merging and converting ({quantization})")
    dest = store.root / name
    info, verification = build_model(
        source.hf_dir,
        source.adapter,
        dest,
        quantization=quantization,
        base=source.base,
        language=source.language,
        source=f"fine-tuned with hsb-whisper ({recipe_name or 'adapter'}) from {source.base}",
        recipe={"recipe": source.recipe, "training_data": _training_data(source.recipe)}
        if source.recipe
        else None,
        verify_audio=verify_audio,
        keep_merged=keep,
    )
    log.info("verified %s: %s", dest, verification.transcripts)
    if dev_clips:
        progress(f"measuring WER on {len(dev_clips)} dev clips")
        evaluation = _dev_wer(dest, keep or source.hf_dir, dev_clips, source.language, quantization)
        evaluation["dev_manifest"] = str(dev)
        evaluation["verified_clips"] = len(verify_audio)
        evaluation["float32_parity"] = verification.identical
        info = dataclasses.replace(info, evaluation=evaluation)
        info.save(dest)
    return dest, info


def _dev_wer(folder: Path, merged: Path, clips, language: str, quantization: str) -> dict:
    audio = [load_audio(c.audio) for c in clips]
    ids = unique_ids(clips)
    refs = [c.text for c in clips]

    def wer(model_dir: Path) -> float:
        hyps = faster_whisper_transcripts(model_dir, audio, language)
        return corpus_scores(score_utterances(ids, refs, hyps))["wer"]

    result: dict[str, Any] = {"clips": len(clips), "wer": wer(folder)}
    if quantization != "float32" and (merged / "config.json").is_file():
        with tempfile.TemporaryDirectory(prefix=".float32-", dir=folder.parent) as tmp:
            convert(merged, Path(tmp), "float32")
            result["wer_float32"] = wer(Path(tmp))
        result["wer_difference"] = result["wer"] - result["wer_float32"]
    return result
