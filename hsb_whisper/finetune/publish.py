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
import os
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
    hf_folder,
    is_hf_whisper,
)
from hsb_whisper.export.convert import feature_extractor_settings
from hsb_whisper.finetune.config import Recipe
from hsb_whisper.finetune.libraries import require_training_libraries
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
    _check_name(store, name)
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


# --- importing someone else's Whisper -------------------------------------------------------

# The tokens the Upper Sorbian recipes train on (Whisper has no hsb token).
HSB_TOKENS = ("cs", "de", "pl")
SAMPLE = Path(__file__).resolve().parents[1] / "assets" / "samples" / "hsb-synthetic.mp3"
SAMPLE_AUDIO_SECONDS = 1.0  # of the bundled sample, transcribed to verify an import


@dataclasses.dataclass(frozen=True)
class ImportFacts:
    """What an import learns about a Hugging Face Whisper folder before converting it."""

    folder: Path
    source: str  # the folder path or Hub id, as given
    base: str  # config.json's _name_or_path, else the Hub id, else the folder
    license: str  # from the model card's front matter, else config.json, else "unknown"
    language: str | None  # stated by the model card or generation config; None: not stated


def _front_matter(text: str) -> dict[str, Any]:
    """The top-level keys of a model card's YAML front matter: scalars and lists of scalars
    (all a card's ``license:`` and ``language:`` need; no YAML library required)."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return {}
    data: dict[str, Any] = {}
    key = None
    for line in lines[1:]:
        if line.strip() in ("---", "..."):
            break
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith((" ", "\t", "-")):
            item = line.strip()
            if key and item.startswith("- ") and isinstance(data.get(key), list):
                data[key].append(_scalar(item[2:]))
            continue
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if value.startswith("[") and value.endswith("]"):
            data[key] = [_scalar(v) for v in value[1:-1].split(",") if v.strip()]
        elif value:
            data[key] = _scalar(value)
        else:
            data[key] = []
    return data


def _scalar(value: str) -> str:
    value = value.split(" #", 1)[0].strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return value


def _whisper_tokens() -> tuple[str, ...]:
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return tuple(_LANGUAGE_CODES)


def _stated_language(card: dict[str, Any], generation: dict[str, Any]) -> str | None:
    """The one language token a model card or generation config clearly states, or None."""
    known = _whisper_tokens()
    forced = dict((p, i) for p, i in generation.get("forced_decoder_ids") or [] if p is not None)
    lang_to_id = generation.get("lang_to_id") or {}
    if forced.get(1) is not None:
        by_id = {i: t for t, i in lang_to_id.items()}
        token = by_id.get(forced[1], "").strip("<|>")
        if token in known:
            return token
    language = generation.get("language")
    if isinstance(language, str) and language.strip("<|>") in known:
        return language.strip("<|>")
    stated = card.get("language")
    stated = [stated] if isinstance(stated, str) else stated
    if isinstance(stated, list) and len(stated) == 1 and stated[0] in known:
        return stated[0]
    return None


def _hub_card(hub_id: str) -> str:
    """The Hub model card (README.md) of ``hub_id``, or "" when it cannot be had."""
    from huggingface_hub import hf_hub_download

    for local_only in (True, False):
        try:
            path = hf_hub_download(hub_id, "README.md", local_files_only=local_only)
            return Path(path).read_text(encoding="utf-8")
        except Exception:  # no card, offline, refused: the licence is then "unknown"
            continue
    return ""


def _locate(spec: str) -> tuple[Path, str, str | None]:
    """The folder to import for ``spec`` (downloaded first for a Hub id, when online), the
    source as recorded, and the Hub id (``None`` for a folder). Nothing in a folder is read."""
    from hsb_whisper import paths
    from hsb_whisper.export import hf_base_folder

    path = Path(spec).expanduser()
    if os.path.lexists(path):
        if not path.is_dir():
            raise OptionError(
                f"{spec}: not a Hugging Face Whisper folder (config.json with model_type "
                "whisper and safetensors weights)"
            )
        return path, str(path.resolve()), None
    if spec.startswith((".", "/", "~")) or not (
        "/" in spec.strip("/") or spec.startswith("whisper-")
    ):
        raise OptionError(f"{spec}: no such folder, and not a Hugging Face Hub id (owner/name)")
    try:
        folder = hf_base_folder(spec, paths.cache_dir() / "imports")
    except ModelError as e:
        if "could not be downloaded" not in str(e):
            raise
        message = str(e).split(". Offline", 1)[0]
        raise ModelError(f"{message}. Offline, import a Hugging Face Whisper folder instead") from e
    return folder, spec, spec


def _facts(folder: Path, read: Path, source: str, hub_id: str | None) -> ImportFacts:
    """What the model card and configs in ``read`` (``folder`` or its checked copy) say."""
    if hub_id is not None and "/" in hub_id:
        card_text = _hub_card(hub_id)
    else:
        card_text = hf_folder.read_text(read, "README.md")
    config = hf_folder.read_json(read, "config.json", where=folder / "config.json")
    problem = hf_folder.config_problem(config)
    if problem:
        raise ModelError(f"{folder / 'config.json'}: {problem}")
    generation = {}
    if os.path.lexists(read / "generation_config.json"):
        where = folder / "generation_config.json"
        generation = hf_folder.read_json(read, "generation_config.json", where=where)
        problem = hf_folder.generation_problem(generation, config)
        if problem:
            raise ModelError(f"{where}: {problem}")
    card = _front_matter(card_text)
    license = card.get("license") or config.get("license") or "unknown"
    if isinstance(license, list):
        license = " OR ".join(map(str, license)) or "unknown"
    name_or_path = config.get("_name_or_path")
    base = hub_id or (name_or_path if isinstance(name_or_path, str) and name_or_path else source)
    return ImportFacts(
        folder=folder,
        source=source,
        base=base,
        license=str(license),
        language=_stated_language(card, generation),
    )


def import_facts(spec: str) -> ImportFacts:
    """Find (or download once, with progress, into the user cache) the Hugging Face Whisper
    ``spec`` — a folder, or a Hub id when online — and read its licence, base and language
    (only from plain files inside the folder: see :mod:`hsb_whisper.export.hf_folder`)."""
    folder, source, hub_id = _locate(spec)
    return _facts(folder, folder, source, hub_id)


def import_model(
    spec: str,
    *,
    name: str,
    language: str | None = None,
    quantization: str = "int8",
    store: ModelStore | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> tuple[Path, ModelInfo]:
    """Import a Hugging Face Whisper (a folder, or a Hub id when online) as model ``name``:
    its files copied and checked (:func:`~hsb_whisper.export.hf_folder.stage_hf_folder`: no
    symlinks out of the folder, no pickles, bounded configs, weights that match the config),
    converted with CTranslate2 as an export is, checked with faster-whisper offline on a second
    of the bundled sample with the language token forced, and recorded with its source, base,
    licence and token. The token is never guessed: without ``language`` it must be stated by the
    model card or generation config, and the tokenizer must have it."""
    if quantization not in QUANTIZATIONS:
        raise OptionError(
            f"quantization {quantization!r}; choose one of {', '.join(QUANTIZATIONS)}"
        )
    require_training_libraries("importing a Hugging Face Whisper")  # the converter needs them
    store = store or ModelStore()
    _check_name(store, name)
    if language is not None and language not in _whisper_tokens():
        raise OptionError(
            f"--language {language!r} is not a Whisper language token; for Upper Sorbian use "
            f"one of {', '.join(HSB_TOKENS)}"
        )
    folder, source, hub_id = _locate(spec)
    store.root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".export-import-", dir=store.root) as tmp:
        staged = Path(tmp)
        try:
            return _import_staged(
                folder, staged, source, hub_id, spec, name, language, quantization, store, progress
            )
        except (ModelError, OptionError) as e:  # name the user's folder, not the private copy
            message = str(e).replace(str(staged), str(folder))
            raise type(e)(message) from e


def _import_staged(
    folder: Path,
    staged: Path,
    source: str,
    hub_id: str | None,
    spec: str,
    name: str,
    language: str | None,
    quantization: str,
    store: ModelStore,
    progress: Callable[[str], None],
) -> tuple[Path, ModelInfo]:
    hf_folder.stage_hf_folder(folder, staged)
    facts = dataclasses.replace(_facts(folder, staged, source, hub_id), folder=staged)
    tokens = hf_folder.language_tokens(
        hf_folder.read_json(staged, "tokenizer.json"), _whisper_tokens()
    )
    if language is None and facts.language is None:
        raise OptionError(
            f"{spec}: its model card and generation config state no language; give the token "
            f"to force with --language (for Upper Sorbian models: {', '.join(HSB_TOKENS)})"
        )
    if (language or facts.language) not in tokens:
        given = f"--language {language}" if language else f"the language {facts.language}"
        raise OptionError(
            f"{given}: the model's tokenizer ({folder / 'tokenizer.json'}) has no "
            f"<|{language or facts.language}|> token; it has: {', '.join(tokens) or 'none'}"
        )
    language = language or facts.language
    feature_extractor_settings(staged)  # checked before the conversion, not after
    sample = load_audio(SAMPLE)
    audio = [sample[: int(16000 * SAMPLE_AUDIO_SECONDS)]]
    options = DecodingOptions(language=language)
    progress(f"converting {folder} ({quantization})")

    def verify(staged_model: Path, merged: Path) -> Verification:
        # faster-whisper, downloads forbidden, the token forced; no reference to compare with
        try:
            return Verification(CT2Decoder(staged_model).decode(audio, options), None)
        except (RuntimeError, ValueError, OSError) as e:
            raise ModelError(
                f"verification failed: faster-whisper cannot use the import ({e})"
            ) from e

    dest = store.root / name
    info, verification = build_model(
        staged,
        None,
        dest,
        quantization=quantization,
        base=facts.base,
        language=language,
        source=facts.source,
        license=facts.license,
        verify=verify,
    )
    log.info("verified %s: %s", dest, verification.transcripts)
    return dest, info


def _check_name(store: ModelStore, name: str) -> None:
    """Refuse a name the store would refuse (:meth:`ModelStore.name_problem`: the same check as
    for installing a pack) before minutes of work, not after."""
    problem = store.name_problem(name)
    if problem:
        raise OptionError(f"--name {name!r} {problem}; choose another name")
