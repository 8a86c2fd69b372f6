"""A tiny random Whisper (d_model 64, 2 + 2 layers) with the real multilingual tokenizer,
feature extractor and generation config: training, merging and export mechanics in seconds."""

from __future__ import annotations

from pathlib import Path

from hsb_whisper.selftest import TINY_WHISPER


def build_tiny_whisper(hf_base: Path, out: Path, seed: int = 0) -> Path:
    """Save a randomly initialised tiny Whisper at ``out``, reusing ``hf_base``'s tokenizer,
    feature extractor and generation config (with alignment heads that exist in 2 layers)."""
    import torch
    from transformers import (
        GenerationConfig,
        WhisperConfig,
        WhisperForConditionalGeneration,
        WhisperProcessor,
    )

    config = WhisperConfig.from_pretrained(hf_base)
    for key, value in TINY_WHISPER.items():  # the self-test trains the same size
        setattr(config, key, value)
    torch.manual_seed(seed)
    model = WhisperForConditionalGeneration(config)
    generation = GenerationConfig.from_pretrained(hf_base)
    generation.alignment_heads = [[1, 0], [1, 1]]
    model.generation_config = generation
    model.save_pretrained(out, safe_serialization=True)
    processor = WhisperProcessor.from_pretrained(hf_base)
    processor.save_pretrained(out)
    processor.feature_extractor.save_pretrained(out)
    return out
