"""Training inputs: log-mel features computed once per clip and cached on disk, tokenised labels,
and batches grouped by length.

Features are those faster-whisper gives the model at inference (:mod:`hsb_whisper.melspec`). The
cache keeps only the audio's frames (float16, ~120 kB for a 7.5 s clip instead of 480 kB), keyed by
the file's path, size, modification time and the extractor's settings, so a changed file or another
model's mel layout is recomputed."""

from __future__ import annotations

import hashlib
import json
import math
import os
import random
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import numpy as np

from hsb_whisper import paths
from hsb_whisper.audio import load_audio
from hsb_whisper.data.manifest import Clip
from hsb_whisper.files import atomic_open
from hsb_whisper.melspec import EXTRACTOR_KEYS, content_frames, pad_frames
from hsb_whisper.parallel import map_parallel

IGNORE_INDEX = -100  # label positions the loss skips (padding)
_MEGABATCH = 32  # batches sorted by length together before their order is shuffled


def cache_key(clip: Clip, extractor_config: dict) -> str:
    stat = clip.audio.stat()
    ident = f"{clip.audio.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|"
    ident += json.dumps(extractor_config, sort_keys=True)
    return hashlib.blake2b(ident.encode(), digest_size=16).hexdigest()


def _compute(job: tuple[str, str], config: dict) -> str:
    """Runs in a worker: decode one clip, extract features, store its frames."""
    audio_path, target = job
    if os.path.exists(target):
        return target
    frames = content_frames(load_audio(audio_path), config).astype(np.float16)
    with atomic_open(target, "wb", encoding=None) as f:
        np.save(f, frames)
    return target


class FeatureCache:
    """Feature files for clips, under ``root`` (default: the user cache folder)."""

    def __init__(self, extractor_config: dict, root: Path | None = None) -> None:
        self.config = {k: extractor_config[k] for k in EXTRACTOR_KEYS if k in extractor_config}
        self.root = root or paths.cache_dir() / "features"

    def paths(self, clips: list[Clip], progress: Callable[[int], None] | None = None) -> list[Path]:
        """The cached feature file of every clip, computing the missing ones (in parallel)."""
        self.root.mkdir(parents=True, exist_ok=True)
        targets = [self.root / f"{cache_key(c, self.config)}.npy" for c in clips]
        jobs = [(str(c.audio), str(t)) for c, t in zip(clips, targets)]
        map_parallel(partial(_compute, config=self.config), jobs, progress)
        return targets


def load_padded(path: Path, n_frames: int) -> np.ndarray:
    """A cached feature array (mel bins × frames), zero-padded to ``n_frames`` (3000 for 30 s)."""
    return pad_frames(np.load(path), n_frames)


def label_ids(tokenizer, text: str, language: str) -> list[int]:
    """Decoder targets: ``<|lang|><|transcribe|><|notimestamps|> text<|endoftext|>``.

    The leading ``<|startoftranscript|>`` is dropped (the model prepends it when shifting labels
    right) and the text starts with a space, as Whisper's own transcripts do; without the space
    the fine-tuned model glues segments together ("do hork.Ráno").
    """
    tokenizer.set_prefix_tokens(language=language, task="transcribe", predict_timestamps=False)
    ids = tokenizer(" " + text).input_ids
    return ids[1:]


class LengthGroupedBatches:
    """Batch sampler: shuffled with ``seed`` and the epoch, then grouped so that each batch holds
    clips of similar label length (less padding); ``skip`` resumes inside an epoch."""

    def __init__(self, lengths: list[int], batch_size: int, seed: int) -> None:
        self.lengths = lengths
        self.batch_size = batch_size
        self.seed = seed
        self.epoch = 0
        self.skip = 0

    def batches(self, epoch: int) -> list[list[int]]:
        rng = random.Random(self.seed * 100_003 + epoch)
        order = list(range(len(self.lengths)))
        rng.shuffle(order)
        mega = self.batch_size * _MEGABATCH
        batches = []
        for start in range(0, len(order), mega):
            group = sorted(order[start : start + mega], key=lambda i: -self.lengths[i])
            batches += [
                group[i : i + self.batch_size] for i in range(0, len(group), self.batch_size)
            ]
        rng.shuffle(batches)
        return batches

    def __iter__(self) -> Iterator[list[int]]:
        yield from self.batches(self.epoch)[self.skip :]

    def __len__(self) -> int:
        return math.ceil(len(self.lengths) / self.batch_size) - self.skip


class SpeechDataset:
    """(features file, label ids) pairs; items are loaded lazily by the collator."""

    def __init__(self, feature_paths: list[Path], labels: list[list[int]]) -> None:
        self.feature_paths = feature_paths
        self.labels = labels

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> tuple[Path, list[int]]:
        return self.feature_paths[i], self.labels[i]


def collate(items: list[tuple[Path, list[int]]], n_frames: int) -> dict:
    """Batch of ``input_features`` (float32, batch × mel × n_frames) and ``labels`` (int64,
    padded with -100)."""
    import torch

    features = np.stack([load_padded(path, n_frames) for path, _ in items])
    longest = max(len(ids) for _, ids in items)
    labels = np.full((len(items), longest), IGNORE_INDEX, dtype=np.int64)
    for row, (_, ids) in enumerate(items):
        labels[row, : len(ids)] = ids
    return {"input_features": torch.from_numpy(features), "labels": torch.from_numpy(labels)}
