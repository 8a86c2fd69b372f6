"""The catalogue of known Upper Sorbian Whisper models, and getting one: ``hsb-whisper models get``.

The catalogue is data shipped in the package (``assets/hsb-models.json``): for each model its
Hugging Face Hub id, the revision where one is known, its base and size, its licence, the
language token it was trained to write Upper Sorbian under (Whisper has no ``hsb`` token), the
word error rate its authors report with the test set they measured it on, and where each fact
came from. Reported figures come from different test sets and cannot be compared with each
other; the catalogue says so rather than ranking them.

:func:`get_model` downloads one model once (:mod:`.hub`: only safetensors and JSON, resumable,
every file checked against the Hub's checksum), imports it torch-free
(:func:`.model_import.import_model`: converted, verified with faster-whisper on the bundled
sample, source, revision and licence recorded), and removes the download. Nothing is installed
unless all of it succeeded; an interrupted download is continued by the next call.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hsb_whisper import paths
from hsb_whisper.errors import ModelError, OptionError

log = logging.getLogger(__name__)

CATALOGUE_FILE = Path(__file__).resolve().parents[1] / "assets" / "hsb-models.json"
# Licence identifiers as the Hub's model cards write them (lower case), and "unknown" where a
# card states none: then the user is told so before downloading.
KNOWN_LICENCES = (
    "apache-2.0", "mit", "bsd-3-clause", "cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0",
    "cc-by-nc-sa-4.0", "openrail", "gpl-3.0", "lgpl-3.0", "agpl-3.0", "mpl-2.0", "unknown",
)  # fmt: skip
TASKS = ("transcribe", "translate")  # translate: Upper Sorbian speech, German text
FIELDS = (
    "name", "hub_id", "revision", "base", "parameters", "license", "language",
    "language_source", "task", "reported_wer", "test_set", "weights", "summary", "sources",
)  # fmt: skip
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")
_REVISION = re.compile(r"[0-9a-f]{40}")
# whisper-base, the embedded default: the yardstick of the speed estimate (parameters)
DEFAULT_PARAMETERS = 74_000_000
# Expected real-time factors (seconds of work per second of audio) and their words.
SPEED_CLASSES = (
    (0.5, "fast"), (1.5, "about real time"), (4.0, "slow"), (float("inf"), "very slow"),
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class CatalogueEntry:
    """One known Upper Sorbian Whisper model. ``reported_wer`` is a percentage as its authors
    report it, on ``test_set``; ``None`` when they report none. ``weights``: the stored type
    of the safetensors on the Hub (``float32``/``float16``), which sets the download size."""

    name: str  # the name it gets in the model store
    hub_id: str
    revision: str | None
    base: str
    parameters: int
    license: str
    language: str
    language_source: str  # where the choice of token comes from
    task: str
    reported_wer: float | None
    test_set: str
    weights: str
    summary: str
    sources: tuple[str, ...]

    @property
    def download_bytes(self) -> int:
        """About how much is downloaded: the weights in their stored type (the JSON files are
        a few MB)."""
        return self.parameters * (4 if self.weights == "float32" else 2) + 3_000_000

    def disk_bytes(self, quantization: str = "int8") -> int:
        """About what the installed model takes on disk (and in memory once loaded)."""
        per_weight = {"int8": 1, "int8_float16": 1, "int8_float32": 1, "float16": 2}.get(
            quantization, 4
        )
        return self.parameters * per_weight + 3_000_000

    @property
    def copyleft(self) -> bool:
        return self.license.startswith(("agpl", "gpl", "lgpl", "cc-by-sa", "cc-by-nc-sa", "mpl"))


def entry_problem(data: Any) -> str | None:
    """What is wrong with one catalogue entry (JSON), or ``None``."""
    from hsb_whisper.export.model_import import whisper_tokens
    from hsb_whisper.export.store import name_problem

    if not isinstance(data, dict):
        return "an entry is not a JSON object"
    missing = [f for f in FIELDS if f not in data]
    if missing:
        return f"{data.get('name', '?')}: missing {', '.join(missing)}"
    extra = sorted(set(data) - set(FIELDS))
    if extra:
        return f"{data['name']}: unknown fields {', '.join(extra)}"
    name = data["name"]
    checks = [
        (isinstance(name, str) and name_problem(name) is None, "a store name"),
        (isinstance(data["hub_id"], str) and _HUB_ID.fullmatch(data["hub_id"]), "hub_id"),
        (data["revision"] is None or _REVISION.fullmatch(str(data["revision"])), "revision a sha"),
        (isinstance(data["base"], str) and data["base"].startswith("openai/whisper-"), "base"),
        (type(data["parameters"]) is int and 10**7 < data["parameters"] < 10**10, "parameters"),
        (data["license"] in KNOWN_LICENCES, f"license one of {', '.join(KNOWN_LICENCES)}"),
        (data["language"] in whisper_tokens(), "language a Whisper token"),
        (isinstance(data["language_source"], str) and data["language_source"], "language_source"),
        (data["task"] in TASKS, f"task one of {', '.join(TASKS)}"),
        (
            data["reported_wer"] is None
            or (type(data["reported_wer"]) in (int, float) and 0 <= data["reported_wer"] <= 100),
            "reported_wer a percentage or null",
        ),
        (isinstance(data["test_set"], str) and data["test_set"].strip(), "test_set"),
        (data["weights"] in ("float32", "float16"), "weights float32 or float16"),
        (isinstance(data["summary"], str) and 0 < len(data["summary"]) <= 200, "summary"),
        (
            isinstance(data["sources"], list)
            and data["sources"]
            and all(isinstance(s, str) and s.startswith("https://") for s in data["sources"]),
            "sources: https addresses",
        ),
    ]
    for ok, what in checks:
        if not ok:
            return f"{name}: bad field ({what})"
    return None


def load_catalogue(path: Path | None = None) -> list[CatalogueEntry]:
    """The known Upper Sorbian Whisper models, in the catalogue's order (smallest first):
    :data:`CATALOGUE_FILE`'s unless ``path`` is given."""
    path = path or CATALOGUE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ModelError(f"{path}: the model catalogue cannot be read ({e})") from e
    models = data.get("models") if isinstance(data, dict) else None
    if not isinstance(models, list):
        raise ModelError(f"{path}: the model catalogue has no list 'models'")
    entries = []
    for item in models:
        problem = entry_problem(item)
        if problem:
            raise ModelError(f"{path}: {problem}")
        entries.append(CatalogueEntry(**{**item, "sources": tuple(item["sources"])}))
    return entries


def find(name: str, path: Path | None = None) -> CatalogueEntry:
    """The catalogue entry called ``name`` (or with that Hub id)."""
    entries = load_catalogue(path)
    for entry in entries:
        if name in (entry.name, entry.hub_id):
            return entry
    raise OptionError(
        f"{name!r} is not in the catalogue; choose one of {', '.join(e.name for e in entries)} "
        "(or bring any Hugging Face Whisper with 'hsb-whisper models import')"
    )


def expected_speed(entry: CatalogueEntry, default_rtf: float | None) -> tuple[float | None, str]:
    """The expected real-time factor of ``entry`` on this computer and its class: the default
    model's measured one (:func:`measure_default_speed`) scaled by the parameter count; the
    class from the size alone when nothing was measured."""
    scale = entry.parameters / DEFAULT_PARAMETERS
    if default_rtf is None:
        words = "fast" if scale < 4 else "slow" if scale < 15 else "very slow"
        return None, words
    rtf = default_rtf * scale
    return rtf, next(words for limit, words in SPEED_CLASSES if rtf < limit)


def measure_default_speed(seconds: float = 6.0) -> float:
    """The embedded default model's real-time factor on this computer (beam 5, as
    ``transcribe`` decodes), from ``seconds`` of the bundled sample: a second or two of work."""
    from hsb_whisper.audio import load_audio
    from hsb_whisper.export.model_import import SAMPLE
    from hsb_whisper.export.store import EMBEDDED_NAME, ModelStore
    from hsb_whisper.offline import forbid_hub_downloads

    forbid_hub_downloads()
    from faster_whisper import WhisperModel

    model = WhisperModel(
        str(ModelStore().folder(EMBEDDED_NAME)), device="cpu", compute_type="int8",
        local_files_only=True,
    )  # fmt: skip
    audio = load_audio(SAMPLE)[: int(16000 * seconds)]
    started = time.perf_counter()
    segments, _ = model.transcribe(audio, language="cs", beam_size=5, vad_filter=False)
    list(segments)
    return (time.perf_counter() - started) / (len(audio) / 16000)


def download_dir(entry: CatalogueEntry) -> Path:
    """Where ``entry`` is downloaded to (kept until it is installed, so a download continues)."""
    return paths.cache_dir() / "downloads" / entry.hub_id.replace("/", "--")


def get_model(
    name: str,
    *,
    quantization: str = "int8",
    make_default: bool = False,
    store: Any = None,
    progress: Callable[[str, int, int], None] = lambda phase, done, total: None,
    cancelled: Callable[[], bool] = lambda: False,
) -> Any:
    """Download, convert, verify and install the catalogue's model ``name`` (see the module
    docs); returns the installed :class:`~hsb_whisper.export.store.LocalModel`.

    ``progress(phase, done, total)``: ``"download"`` in bytes, then ``"convert"`` (0 of 1, then
    1 of 1 when the model is verified and installed). ``cancelled()`` is asked between chunks of
    the download; then :class:`~hsb_whisper.export.hub.DownloadCancelled` is raised and what was
    downloaded is kept for the next call."""
    from hsb_whisper.export.convert import QUANTIZATIONS
    from hsb_whisper.export.hub import download_whisper
    from hsb_whisper.export.model_import import check_name, import_model
    from hsb_whisper.export.store import ModelStore

    entry = find(name)
    if quantization not in QUANTIZATIONS:
        raise OptionError(
            f"quantization {quantization!r}; choose one of {', '.join(QUANTIZATIONS)}"
        )
    store = store or ModelStore()
    if (store.root / entry.name).exists():
        raise OptionError(
            f"{entry.name} is installed already (hsb-whisper models default {entry.name} makes it "
            f"the default; hsb-whisper models remove {entry.name} removes it)"
        )
    check_name(store, entry.name)
    folder = download_dir(entry)
    folder, commit = download_whisper(
        entry.hub_id,
        folder,
        revision=entry.revision,
        progress=lambda done, total: progress("download", done, total),
        cancelled=cancelled,
    )
    _complete_from_base(entry, folder, cancelled)
    progress("convert", 0, 1)
    import_model(
        str(folder),
        name=entry.name,
        language=entry.language,
        quantization=quantization,
        store=store,
        source=f"https://huggingface.co/{entry.hub_id} (revision {commit})",
        base=entry.base,
        license=entry.license,
    )
    log.info("installed %s from %s at %s", entry.name, entry.hub_id, commit)
    if make_default:
        store.set_default(entry.name)
    progress("convert", 1, 1)
    _remove_download(folder)
    return store.resolve(entry.name)


# What a fine-tuned model's repository may lack, and its base model's has: faster-whisper's
# tokenizer and the feature extractor's settings (transformers 5 keeps the latter in
# processor_config.json).
_FROM_BASE = {
    "tokenizer.json": ("tokenizer.json",),
    "preprocessor_config.json": ("preprocessor_config.json", "processor_config.json"),
}


def _complete_from_base(entry: CatalogueEntry, folder: Path, cancelled: Callable[[], bool]) -> None:
    """The files ``folder`` lacks of :data:`_FROM_BASE`, from the OpenAI base model the entry
    was fine-tuned from — as the Foundation for the Sorbian People's conversion script does for
    these repositories. The base's weights are never fetched."""
    from hsb_whisper.export.hub import download_whisper

    missing = frozenset(
        name
        for name, any_of in _FROM_BASE.items()
        if not any((folder / n).is_file() for n in any_of)
    )
    if missing:
        log.info("taking %s from %s", ", ".join(sorted(missing)), entry.base)
        download_whisper(entry.base, folder, only=missing, cancelled=cancelled)
        still = sorted(n for n in missing if not (folder / n).is_file())
        if still:
            raise ModelError(f"{entry.hub_id}: lacks {', '.join(still)}, and so does {entry.base}")


def _remove_download(folder: Path) -> None:
    """The download, once installed: the converted model holds everything needed."""
    try:
        shutil.rmtree(folder)
    except OSError as e:  # the model is installed; a leftover download only takes space
        log.warning("could not remove the download %s (%s)", folder, e)


def physical_memory() -> int | None:
    """This computer's memory in bytes, where the platform says (Linux, macOS)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None
