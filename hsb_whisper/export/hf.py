"""Hugging Face Whisper folders as training bases: from a model-store name, a CTranslate2 folder,
a Hugging Face folder, or (online only) a Hub id."""

from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path

from hsb_whisper import paths
from hsb_whisper.errors import ModelError
from hsb_whisper.files import staging_dir

log = logging.getLogger(__name__)


def is_hf_whisper(folder: Path) -> bool:
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    has_weights = any(folder.glob("model*.safetensors")) or any(folder.glob("pytorch_model*.bin"))
    return config.get("model_type") == "whisper" and has_weights


# Short names of OpenAI's multilingual Whisper models on the Hugging Face Hub. The original
# research trained whisper-small; the recipes name it, and it is looked for under this name.
OPENAI_MODELS = {
    f"whisper-{size}": f"openai/whisper-{size}"
    for size in ("tiny", "base", "small", "medium", "large-v2", "large-v3", "large-v3-turbo")
}
_HF_FILES = ["*.json", "*.safetensors", "*.txt"]  # config, tokenizer, weights; not *.bin/*.msgpack


def hf_base_folder(spec: str, cache: Path) -> Path:
    """A Hugging Face Whisper folder for ``spec``, looked for in this order:

    1. a Hugging Face Whisper folder at that path: used as it is;
    2. a model-store name or a CTranslate2 folder: converted once into ``cache/<name>-hf``;
    3. a Hub id (``owner/name``, or a short name such as ``whisper-small`` for
       ``openai/whisper-small``): taken from the shared download folder
       (``<user cache>/bases``) or the Hugging Face cache, else downloaded once, with progress,
       into the shared folder. Only this needs the network, and only the first time.
    """
    from hsb_whisper.export.ct2 import ct2_to_hf
    from hsb_whisper.export.store import ModelStore

    path = Path(spec).expanduser()
    if path.is_dir() and is_hf_whisper(path):
        return path
    try:
        local = ModelStore().resolve(spec)
    except ModelError:
        local = None
    if local is not None:
        target = cache / f"{local.name}-hf"
        if not is_hf_whisper(target):
            log.info("converting %s to a Hugging Face model in %s", local.path, target)
            ct2_to_hf(local.path, target)
        return target
    hub_id = OPENAI_MODELS.get(spec, spec)
    if path.exists() or not re.fullmatch(r"[\w.-]+/[\w.-]+", hub_id):
        raise ModelError(
            f"base {spec!r} is neither a model in the store, nor a CTranslate2 or Hugging Face "
            "Whisper folder, nor a Hugging Face Hub id (owner/name)"
        )
    return _download(spec, hub_id, paths.cache_dir() / "bases" / hub_id.replace("/", "--"))


def _download(spec: str, hub_id: str, target: Path) -> Path:
    """``hub_id`` in ``target``: from there, copied from the Hugging Face cache, or downloaded."""
    if is_hf_whisper(target):
        return target
    from huggingface_hub import snapshot_download

    try:
        cached = Path(snapshot_download(hub_id, allow_patterns=_HF_FILES, local_files_only=True))
    except Exception:  # not in the Hugging Face cache (or no such id): the Hub decides
        cached = None
    with staging_dir(target) as tmp:
        if cached is not None:
            log.info("base %s found in the Hugging Face cache: %s", hub_id, cached)
            for item in cached.iterdir():
                if item.is_file():
                    shutil.copyfile(item, tmp / item.name)  # the cache holds links
        else:
            log.info("downloading %s from the Hugging Face Hub into %s", hub_id, target)
            _fetch(spec, hub_id, tmp)
        if not is_hf_whisper(tmp):
            raise ModelError(f"base {hub_id}: the download is not a Hugging Face Whisper model")
        _ensure_preprocessor_config(tmp)
    return target


def _fetch(spec: str, hub_id: str, folder: Path) -> None:
    """``hub_id``'s files into ``folder`` through :func:`.hub.download_whisper` (the downloader
    of ``models get``: safetensors and JSON only, checked, with a progress bar). What has arrived
    is kept beside ``folder``'s final place, so an interrupted download continues next time."""
    from tqdm import tqdm

    from hsb_whisper.export.hub import OfflineError, download_whisper

    partial = folder.parent / f".{hub_id.replace('/', '--')}.download"
    bar: tqdm | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, initial=done, unit="B", unit_scale=True, desc=hub_id)
        bar.update(done - bar.n)

    try:
        download_whisper(hub_id, partial, progress=progress)
    except OfflineError as e:
        raise ModelError(
            f"base {spec!r} ({hub_id}) is not here and could not be downloaded: the Hugging Face "
            "Hub cannot be reached. Offline, train the embedded model instead: 'hsb-whisper "
            "finetune classic --set base=whisper-base'; or give a Hugging Face Whisper folder: "
            "--set base=FOLDER"
        ) from e
    except ModelError as e:
        raise ModelError(f"base {spec!r} could not be downloaded: {e}") from e
    finally:
        if bar is not None:
            bar.close()
    for item in partial.iterdir():
        if item.is_file():
            shutil.move(item, folder / item.name)
    shutil.rmtree(partial, ignore_errors=True)


def _ensure_preprocessor_config(folder: Path) -> None:
    """faster-whisper reads the mel count from ``preprocessor_config.json``; a Hub snapshot has
    it, but make sure (an 80-bin Whisper's defaults otherwise)."""
    if (folder / "preprocessor_config.json").is_file():
        return
    from transformers import WhisperFeatureExtractor

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    WhisperFeatureExtractor(feature_size=config.get("num_mel_bins", 80)).save_pretrained(folder)
