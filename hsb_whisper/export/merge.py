"""Merging a LoRA adapter into its base model (PEFT's ``merge_and_unload``).

The result is an ordinary Hugging Face Whisper folder (safetensors) with the base's tokenizer,
feature-extractor and generation files, written under a temporary name and renamed when complete.
Used between the stages of the two-stage recipe and by ``hsb-whisper export``.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from hsb_whisper.errors import ModelError
from hsb_whisper.export.hf_folder import require_safetensors
from hsb_whisper.files import staging_dir

log = logging.getLogger(__name__)

_WEIGHT_PATTERNS = ("model*.safetensors", "model*.safetensors.index.json", "pytorch_model*.bin")


def merge_adapter(base_dir: Path, adapter_dir: Path, out: Path) -> Path:
    """Merge the adapter in ``adapter_dir`` into the Hugging Face model in ``base_dir`` and save
    the merged model at ``out`` (which must not exist). Returns ``out``."""
    import torch
    from peft import PeftModel
    from transformers import WhisperForConditionalGeneration

    if not (base_dir / "config.json").is_file():
        raise ModelError(f"{base_dir}: no config.json; not a Hugging Face model folder")
    if not (adapter_dir / "adapter_config.json").is_file():
        raise ModelError(f"{adapter_dir}: no adapter_config.json; not a LoRA adapter folder")
    require_safetensors(base_dir)  # a run folder's base may come from anyone
    model = WhisperForConditionalGeneration.from_pretrained(
        base_dir, dtype=torch.float32, local_files_only=True
    )
    merged = PeftModel.from_pretrained(model, adapter_dir).merge_and_unload()
    log.info("merged %s into %s", adapter_dir, base_dir)
    with staging_dir(out) as tmp:
        merged.save_pretrained(tmp, safe_serialization=True)
        weights = {p for pattern in _WEIGHT_PATTERNS for p in base_dir.glob(pattern)}
        for path in base_dir.iterdir():
            if path.is_file() and path not in weights and not (tmp / path.name).exists():
                shutil.copyfile(path, tmp / path.name)
    return out
