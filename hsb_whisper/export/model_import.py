"""Someone else's Hugging Face Whisper (a folder, or a Hub id when online) → a verified model in
the store: :func:`import_facts` reads what its model card and configs say (licence, base, the
language token), :func:`import_model` stages a checked copy (:mod:`.hf_folder`: plain files
inside the folder only, no pickles, bounded configs), converts it without torch
(:mod:`.ct2_writer`, through :func:`.convert.build_model`) and checks it with faster-whisper
on a second of the bundled sample, the token forced.

Nothing here needs torch or transformers: every install can import a model, the transcriber
installer too (``models get`` downloads a catalogued model and imports it with this).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hsb_whisper.audio import load_audio
from hsb_whisper.errors import ModelError, OptionError
from hsb_whisper.export import hf_folder
from hsb_whisper.export.convert import QUANTIZATIONS, build_model, feature_extractor_settings
from hsb_whisper.export.metadata import ModelInfo
from hsb_whisper.export.store import ModelStore
from hsb_whisper.offline import forbid_hub_downloads

log = logging.getLogger(__name__)

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


def whisper_tokens() -> tuple[str, ...]:
    """Whisper's language tokens (``cs``, ``de``, …), as faster-whisper knows them."""
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return tuple(_LANGUAGE_CODES)


def _stated_language(card: dict[str, Any], generation: dict[str, Any]) -> str | None:
    """The one language token a model card or generation config clearly states, or None."""
    known = whisper_tokens()
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
    from hsb_whisper.export.hf import hf_base_folder

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
    source: str | None = None,
    base: str | None = None,
    license: str | None = None,
) -> tuple[Path, ModelInfo]:
    """Import a Hugging Face Whisper (a folder, or a Hub id when online) as model ``name``:
    its files copied and checked (:func:`~hsb_whisper.export.hf_folder.stage_hf_folder`: no
    symlinks out of the folder, no pickles, bounded configs, weights that match the config),
    converted with CTranslate2 as an export is, checked with faster-whisper offline on a second
    of the bundled sample with the language token forced, and recorded with its source, base,
    licence and token. The token is never guessed: without ``language`` it must be stated by the
    model card or generation config, and the tokenizer must have it. ``source``, ``base`` and
    ``license``: what to record instead of what the folder says (the catalogue's facts, for a
    model it downloaded; a licence the card states wins over ``license``)."""
    if quantization not in QUANTIZATIONS:
        raise OptionError(
            f"quantization {quantization!r}; choose one of {', '.join(QUANTIZATIONS)}"
        )
    store = store or ModelStore()
    check_name(store, name)
    if language is not None and language not in whisper_tokens():
        raise OptionError(
            f"--language {language!r} is not a Whisper language token; for Upper Sorbian use "
            f"one of {', '.join(HSB_TOKENS)}"
        )
    folder, given, hub_id = _locate(spec)
    store.root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".export-import-", dir=store.root) as tmp:
        staged = Path(tmp)
        try:
            recorded = {"source": source, "base": base, "license": license}
            return _import_staged(
                folder, staged, source or given, hub_id, spec, name, language, quantization,
                store, progress, recorded,
            )  # fmt: skip
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
    recorded: dict[str, str | None],
) -> tuple[Path, ModelInfo]:
    hf_folder.stage_hf_folder(folder, staged)
    facts = dataclasses.replace(_facts(folder, staged, source, hub_id), folder=staged)
    facts = dataclasses.replace(
        facts,
        base=recorded["base"] or facts.base,
        license=facts.license
        if facts.license != "unknown" or not recorded["license"]
        else recorded["license"],
    )
    tokens = hf_folder.language_tokens(
        hf_folder.read_json(staged, "tokenizer.json"), whisper_tokens()
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
    progress(f"converting {folder} ({quantization})")
    # computed as transcribe computes on a CPU: int8 weights in int8, others in float32 (CTranslate2
    # would otherwise warn that float16 is not efficient here)
    compute = "int8" if quantization.startswith("int8") else "float32"

    def verify(staged_model: Path, merged: Path) -> list[str]:
        try:
            return [verify_with_faster_whisper(staged_model, audio[0], language, compute)]
        except (RuntimeError, ValueError, OSError) as e:
            raise ModelError(
                f"verification failed: faster-whisper cannot use the import ({e})"
            ) from e

    dest = store.root / name
    info, transcripts = build_model(
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
    log.info("verified %s: %s", dest, transcripts)
    return dest, info


def verify_with_faster_whisper(
    folder: Path, audio: Any, language: str, compute_type: str = "int8"
) -> str:
    """The text faster-whisper writes for ``audio`` with the CTranslate2 model in ``folder``:
    loaded offline (no Hub download can happen), greedy, the language token forced. It proves
    that the model loads, that its tokenizer and feature extractor fit it, and that it decodes."""
    forbid_hub_downloads()
    from faster_whisper import WhisperModel

    model = WhisperModel(
        str(folder), device="cpu", compute_type=compute_type, local_files_only=True
    )
    segments, _ = model.transcribe(
        audio,
        language=language,
        beam_size=1,
        temperature=0.0,
        without_timestamps=True,
        vad_filter=False,
        condition_on_previous_text=False,
    )
    return " ".join(s.text.strip() for s in segments).strip()


def check_name(store: ModelStore, name: str) -> None:
    """Refuse a name the store would refuse (:meth:`ModelStore.name_problem`: the same check as
    for installing a pack) before minutes of work, not after."""
    problem = store.name_problem(name)
    if problem:
        raise OptionError(f"--name {name!r} {problem}; choose another name")
