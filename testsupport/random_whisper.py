"""Hugging Face Whisper folders' weights written with numpy alone (no torch): random values in the
real layout (``export.hf_folder.expected_shapes``), as safetensors files — for the torch-free
converter's tests and ``benchmarks.convert_speed``. bfloat16 is the upper half of a float32."""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

import numpy as np

from hsb_whisper.export import hf_folder
from hsb_whisper.export.hf_folder import expected_shapes

# What a Whisper config.json holds besides its size (whisper-base's token ids and positions)
WHISPER_CONFIG = {
    "model_type": "whisper",
    "vocab_size": 51865,
    "num_mel_bins": 80,
    "max_source_positions": 1500,
    "max_target_positions": 448,
    "bos_token_id": 50257,
    "eos_token_id": 50257,
    "pad_token_id": 50257,
    "decoder_start_token_id": 50258,
    "begin_suppress_tokens": [220, 50257],
}
_NUMPY = {"F32": "<f4", "F16": "<f2", "BF16": "<u2"}


def whisper_config(d_model: int, layers: int, heads: int, ffn: int, **more) -> dict:
    """A config.json of a Whisper of this size (as many encoder as decoder layers)."""
    return {
        **WHISPER_CONFIG,
        "d_model": d_model,
        "encoder_layers": layers,
        "decoder_layers": layers,
        "encoder_attention_heads": heads,
        "decoder_attention_heads": heads,
        "encoder_ffn_dim": ffn,
        "decoder_ffn_dim": ffn,
        **more,
    }


def random_tensor(rng: np.random.Generator, shape, dtype: str, scale: float) -> np.ndarray:
    """Normal values × ``scale`` stored as ``dtype`` ("F32", "F16" or "BF16")."""
    values = rng.standard_normal(shape, dtype=np.float32) * np.float32(scale)
    if dtype == "BF16":
        return (values.view("<u4") >> 16).astype("<u2")
    return values.astype(_NUMPY[dtype])


def random_tensors(
    config: dict, dtype: str, seed: int = 0, scale: float = 0.1
) -> dict[str, tuple[str, np.ndarray]]:
    """Every weight ``config`` describes, random, in memory: name → (dtype, array)."""
    rng = np.random.default_rng(seed)
    return {
        name: (dtype, random_tensor(rng, shape, dtype, scale))
        for name, shape in expected_shapes(config).items()
    }


def write_safetensors(path: Path, tensors: dict[str, tuple[str, np.ndarray]]) -> None:
    """A safetensors file: the product's writer (the self-test writes its tiny model with it)."""
    hf_folder.write_safetensors(path, tensors)


def write_random_safetensors(
    path: Path, config: dict, dtype: str, seed: int = 0, scale: float = 0.02
) -> int:
    """:func:`random_tensors` written one tensor at a time (memory stays that of the largest);
    returns the parameter count."""
    shapes = dict(sorted(expected_shapes(config).items()))
    item = np.dtype(_NUMPY[dtype]).itemsize
    _write_header(path, [(n, dtype, shape, math.prod(shape) * item) for n, shape in shapes.items()])
    rng = np.random.default_rng(seed)
    with open(path, "ab") as f:
        for shape in shapes.values():
            f.write(random_tensor(rng, shape, dtype, scale).tobytes())
    return sum(math.prod(shape) for shape in shapes.values())


def _write_header(path: Path, entries: list[tuple[str, str, tuple, int]]) -> None:
    """The length and JSON header of (name, dtype, shape, bytes) entries, data in that order
    (any dtype name: hostile files are written too)."""
    header, offset = {}, 0
    for name, dtype, shape, size in entries:
        header[name] = {
            "dtype": dtype,
            "shape": list(shape),
            "data_offsets": [offset, offset + size],
        }
        offset += size
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw)
