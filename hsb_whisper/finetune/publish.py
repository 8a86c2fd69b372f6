"""A training run (or a Whisper + adapter) → a verified model in the store.

The artifact itself (merge, CTranslate2 conversion, metadata) is
:func:`hsb_whisper.export.build_model`. This module knows about runs and manifests: it finds the
run's final base and adapter (the best by dev WER unless told ``last``), its recipe, language token
and training data; checks the staged model on the dev manifest's first clips with the decoders of
:mod:`hsb_whisper.evaluation.decoding` (float32: faster-whisper's greedy transcripts must equal the
merged transformers model's); measures the exported model's WER on the dev manifest next to a
float32 conversion, so a linguist sees what int8 costs before handing the model out; and notes in
the run's ``result.json`` which adapter each exported model came from.
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from hsb_whisper.audio import load_audio
from hsb_whisper.data import Clip, read_manifest
from hsb_whisper.errors import HsbWhisperError, ModelError, OptionError
from hsb_whisper.evaluation import (
    CT2Decoder,
    DecodingOptions,
    HFDecoder,
    corpus_scores,
    resolve_model,
    score_clips,
)
from hsb_whisper.export import (
    DEFAULT_LANGUAGE,
    QUANTIZATIONS,
    ModelInfo,
    ModelStore,
    build_model,
    convert,
    is_hf_whisper,
)
from hsb_whisper.export.model_import import check_name
from hsb_whisper.finetune.config import Recipe
from hsb_whisper.finetune.run import Run

log = logging.getLogger(__name__)

VERIFY_CLIPS = 3  # dev clips transcribed by both engines inside the export


@dataclasses.dataclass(frozen=True)
class Source:
    hf_dir: Path
    adapter: Path | None
    language: str
    base: str
    recipe: Recipe | None
    run: Run | None
    dev: Path | None
    which: str | None = None  # "best" or "last" for runs


@dataclasses.dataclass(frozen=True)
class Verification:
    transcripts: list[str]  # faster-whisper on the exported model, greedy
    reference: list[str] | None  # the merged transformers model, greedy (float32 exports)

    @property
    def identical(self) -> bool | None:
        return None if self.reference is None else self.transcripts == self.reference


def find_source(spec: Path, language: str | None, adapter: str | None = None) -> Source:
    """What to export: a run folder, an adapter folder or a Hugging Face Whisper folder."""
    if Run.is_run(spec):
        run = Run(spec)
        result = run.result()
        recipe = run.load_recipe()
        which = adapter or result.default_adapter
        return Source(
            hf_dir=result.base,
            adapter=result.adapter(which),
            language=language or result.language,
            base=recipe.base,
            recipe=recipe,
            run=run,
            dev=recipe.stages[-1].dev,
            which=which,
        )
    if adapter is not None:
        raise OptionError(f"--adapter {adapter}: {spec} is not a training run folder")
    if (spec / "adapter_config.json").is_file() or is_hf_whisper(spec):
        model = resolve_model(str(spec))
        language = language or DEFAULT_LANGUAGE
        return Source(model.path, model.adapter, language, str(model.path), None, None, None)
    raise OptionError(f"{spec}: not a training run, LoRA adapter or Hugging Face Whisper folder")


def _training_data(recipe: Recipe) -> list[dict[str, Any]]:
    data = []
    for stage in recipe.stages:
        entry: dict[str, Any] = {"stage": stage.name, "train": str(stage.train)}
        try:
            clips = read_manifest(stage.train)
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
    adapter: str | None = None,
    dev: Path | None = None,
    wer_clips: int = 0,
    store: ModelStore | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> tuple[Path, ModelInfo]:
    """Export ``spec`` as model ``name`` into the store; returns its folder and metadata.

    ``adapter``: for a run, ``best`` (lowest dev WER, the default) or ``last``."""
    if quantization not in QUANTIZATIONS:
        raise OptionError(
            f"quantization {quantization!r}; choose one of {', '.join(QUANTIZATIONS)}"
        )
    store = store or ModelStore()
    check_name(store, name)
    source = find_source(spec, language, adapter)
    dev = dev or source.dev
    dev_clips = read_manifest(dev) if dev else []
    if wer_clips:
        dev_clips = dev_clips[:wer_clips]
    options = DecodingOptions(language=source.language)
    verify_audio = [load_audio(c.audio) for c in dev_clips[:VERIFY_CLIPS]]
    keep = source.run.export_dir(name) if source.run and source.adapter else None
    recipe_name = source.recipe.name if source.recipe else None
    recipe = None
    if source.recipe:
        recipe = {
            "recipe": source.recipe.to_dict(),
            "training_data": _training_data(source.recipe),
            "adapter": source.which,
        }
    progress(f"merging and converting ({quantization})")
    dest = store.root / name

    def verify(staged: Path, merged: Path) -> Verification:
        return _verify(staged, merged, verify_audio, options, quantization)

    info, verification = build_model(
        source.hf_dir,
        source.adapter,
        dest,
        quantization=quantization,
        base=source.base,
        language=source.language,
        source=f"fine-tuned with hsb-whisper ({recipe_name or 'adapter'}) from {source.base}",
        recipe=recipe,
        verify=verify,
        keep_merged=keep,
    )
    log.info("verified %s: %s", dest, verification.transcripts)
    if dev_clips:
        progress(f"measuring WER on {len(dev_clips)} dev clips")
        evaluation = _dev_wer(dest, keep or source.hf_dir, dev_clips, options, quantization)
        evaluation["dev_manifest"] = str(dev)
        evaluation["verified_clips"] = len(verify_audio)
        evaluation["float32_parity"] = verification.identical
        info = dataclasses.replace(info, evaluation=evaluation)
        info.save(dest)
    if source.run is not None:
        source.run.record_export(name, source.which)
    return dest, info


def _verify(
    staged: Path, merged: Path, audio: list[np.ndarray], options: DecodingOptions, quantization: str
) -> Verification:
    """faster-whisper must load the staged model offline and transcribe; a float32 export must
    give the merged transformers model's transcripts exactly."""
    try:
        transcripts = CT2Decoder(staged).decode(audio, options)
    except (RuntimeError, ValueError, OSError) as e:
        raise ModelError(f"verification failed: faster-whisper cannot use the export ({e})") from e
    reference = None
    if quantization == "float32" and audio:
        reference = HFDecoder.load(merged).decode(audio, options)
        for i, (got, want) in enumerate(zip(transcripts, reference)):
            if got != want:
                raise ModelError(
                    f"verification failed: clip {i + 1}: faster-whisper gives {got!r} but the "
                    f"merged model gives {want!r}; the export was not kept"
                )
    return Verification(transcripts, reference)


def _dev_wer(
    folder: Path, merged: Path, clips: list[Clip], options: DecodingOptions, quantization: str
) -> dict[str, Any]:
    audio = [load_audio(c.audio) for c in clips]

    def wer(model_dir: Path) -> float:
        hypotheses = CT2Decoder(model_dir).decode(audio, options)
        return corpus_scores(score_clips(clips, hypotheses))["wer"]

    result: dict[str, Any] = {"clips": len(clips), "wer": wer(folder)}
    if quantization != "float32" and (merged / "config.json").is_file():
        with tempfile.TemporaryDirectory(prefix=".float32-", dir=folder.parent) as tmp:
            convert(merged, Path(tmp), "float32")
            result["wer_float32"] = wer(Path(tmp))
        result["wer_difference"] = result["wer"] - result["wer_float32"]
    return result
