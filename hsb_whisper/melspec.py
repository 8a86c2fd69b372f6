"""Whisper's log-mel input, computed exactly as faster-whisper computes it at inference.

faster-whisper's ``FeatureExtractor`` gives the frames of the audio; for a clip shorter than the
30 s window the rest is zeros (its ``pad_or_trim``). transformers' ``WhisperFeatureExtractor``
pads the *audio* with silence instead, which gives other values after the speech: a model trained
or checked on those does not see what faster-whisper will give it (measured: 2 of 4 greedy
transcripts differed). Training, evaluation and export verification all use these functions.
"""

from __future__ import annotations

import json

import numpy as np

EXTRACTOR_KEYS = ("feature_size", "sampling_rate", "hop_length", "chunk_length", "n_fft")

_extractors: dict[str, object] = {}


def _extractor(config: dict):
    key = json.dumps({k: config[k] for k in EXTRACTOR_KEYS if k in config}, sort_keys=True)
    if key not in _extractors:
        from faster_whisper.feature_extractor import FeatureExtractor

        _extractors[key] = FeatureExtractor(**json.loads(key))
    return _extractors[key]


def content_frames(audio: np.ndarray, extractor_config: dict) -> np.ndarray:
    """Log-mel frames (mel bins × frames, float32) of float32 mono 16 kHz audio; the last frame,
    which only holds the extractor's end padding, is dropped (as faster-whisper does)."""
    return _extractor(extractor_config)(audio)[:, :-1]


def pad_frames(frames: np.ndarray, n_frames: int) -> np.ndarray:
    """Zero-pad (or cut) mel frames to ``n_frames`` (3000 for 30 s), as ``pad_or_trim`` does."""
    frames = frames[:, :n_frames].astype(np.float32)
    return np.pad(frames, ((0, 0), (0, n_frames - frames.shape[1])))


def model_input(audio: np.ndarray, extractor_config: dict, n_frames: int) -> np.ndarray:
    """The encoder input for a clip of at most 30 s: its frames, then zeros up to ``n_frames``."""
    return pad_frames(content_frames(audio, extractor_config), n_frames)
