"""Hugging Face Whisper folders as training bases: from a model-store name, a CTranslate2 folder,
a Hugging Face folder, or (online only) a Hub id."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

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


def hf_base_folder(spec: str, cache: Path) -> Path:
    """A Hugging Face Whisper folder for ``spec``.

    A Hugging Face folder is used as it is. A model-store name or a CTranslate2 folder is
    converted once into ``cache/<name>-hf``. Anything else is taken as a Hugging Face Hub id and
    downloaded into ``cache`` (the only case that needs the network).
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
    if path.exists() or not re.fullmatch(r"[\w.-]+/[\w.-]+", spec):
        raise ModelError(
            f"base {spec!r} is neither a model in the store, nor a CTranslate2 or Hugging Face "
            "Whisper folder, nor a Hugging Face Hub id (owner/name)"
        )
    return _download(spec, cache / spec.replace("/", "--"))


def _download(hub_id: str, target: Path) -> Path:
    if is_hf_whisper(target):
        return target
    from transformers import WhisperForConditionalGeneration, WhisperProcessor

    try:
        model = WhisperForConditionalGeneration.from_pretrained(hub_id)
        processor = WhisperProcessor.from_pretrained(hub_id)
    except OSError as e:
        raise ModelError(
            f"base {hub_id!r}: not found locally and could not be downloaded from the Hugging "
            f"Face Hub ({e}); give a local model folder instead"
        ) from e
    with staging_dir(target) as tmp:
        model.save_pretrained(tmp, safe_serialization=True)
        processor.save_pretrained(tmp)
        processor.feature_extractor.save_pretrained(tmp)
        model.generation_config.save_pretrained(tmp)
    return target
