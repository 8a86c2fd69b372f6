"""Training inputs: log-mel features computed once per clip and cached on disk, tokenised labels,
batches grouped by length and, for fast training on a CPU, clips packed into shared 30 s windows.

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
# Packing: the silence between two clips of a window, in mel frames (10 ms each): 0.3 s.
SILENCE_FRAMES = 30
# A label is <|lang|><|transcribe|><|notimestamps|> text <|endoftext|> (see label_ids).
PROMPT_TOKENS = 3
# The log-mel floor of the extractor (log10 of its 1e-10 clamp): what digital silence gives.
_SILENCE_LOG_MEL = -10.0
# faster-whisper's normalisation: log_spec = max(log_spec, max - 8); (log_spec + 4) / 4
_DYNAMIC_RANGE = 8.0


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

    def __init__(
        self, lengths: list[int], batch_size: int, seed: int, frames: list[int] | None = None
    ) -> None:
        self.lengths = lengths
        self.batch_size = batch_size
        self.seed = seed
        # Packing: each clip's mel frames. Batches then hold clips whose durations add up to
        # about the same total (so that each packs into as few 30 s windows as it can),
        # instead of clips of similar label length.
        self.frames = frames
        self.epoch = 0
        self.skip = 0

    def batches(self, epoch: int) -> list[list[int]]:
        """Every clip exactly once, in batches of ``batch_size`` (one shorter batch at the end of
        a group of 32 batches when the clips do not divide evenly); the same for the same seed
        and epoch, so that a resumed run sees the order an uninterrupted one would."""
        rng = random.Random(self.seed * 100_003 + epoch)
        order = list(range(len(self.lengths)))
        rng.shuffle(order)
        mega = self.batch_size * _MEGABATCH
        batches = []
        for start in range(0, len(order), mega):
            if self.frames is not None:
                batches += self._balanced(order[start : start + mega])
                continue
            group = sorted(order[start : start + mega], key=lambda i: -self.lengths[i])
            batches += [
                group[i : i + self.batch_size] for i in range(0, len(group), self.batch_size)
            ]
        rng.shuffle(batches)
        return batches

    def _balanced(self, group: list[int]) -> list[list[int]]:
        """``group`` dealt into batches of equal durations: longest clip first, each to the
        batch with room whose clips are shortest in total (greedy number partitioning)."""
        count = math.ceil(len(group) / self.batch_size)
        batches: list[list[int]] = [[] for _ in range(count)]
        totals = [0] * count
        for i in sorted(group, key=lambda i: -self.frames[i]):  # stable: ties keep the order
            room = [b for b in range(count) if len(batches[b]) < self.batch_size]
            target = min(room, key=lambda b: totals[b])
            batches[target].append(i)
            totals[target] += self.frames[i]
        return [b for b in batches if b]

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


# ---- packing -------------------------------------------------------------------------------


def frame_counts(feature_paths: list[Path]) -> list[int]:
    """The number of mel frames of each cached feature file (read from the file's header)."""
    return [np.load(path, mmap_mode="r").shape[1] for path in feature_paths]


def pack_windows(
    frames: list[int], tokens: list[int], max_frames: int, max_tokens: int
) -> list[list[int]]:
    """Clips (given by their mel frames and label lengths) grouped into windows: positions into
    ``frames``, first-fit by decreasing duration, each window's clips in their given order.

    A window holds its clips' frames with :data:`SILENCE_FRAMES` between them, at most
    ``max_frames`` (3000: 30 s) in all, and one label of the clips' texts after one prompt, at
    most ``max_tokens`` (the decoder's 448 positions). A clip that alone exceeds a limit gets a
    window of its own (as it would unpacked)."""
    windows: list[list[int]] = []
    used: list[tuple[int, int]] = []  # (frames, tokens) of each window
    for i in sorted(range(len(frames)), key=lambda i: -frames[i]):
        text = tokens[i] - PROMPT_TOKENS - 1
        for w, (f, t) in enumerate(used):
            if f + SILENCE_FRAMES + frames[i] <= max_frames and t + text <= max_tokens:
                windows[w].append(i)
                used[w] = (f + SILENCE_FRAMES + frames[i], t + text)
                break
        else:
            windows.append([i])
            used.append((frames[i], tokens[i]))
    return [sorted(w) for w in windows]


def pack_frames(config) -> int:
    """The mel frames a packed window's clips may fill (``training.pack_seconds``: 100 a
    second)."""
    return round(config.pack_seconds * 100)


def choose_alone(n: int, share: float, key: str) -> list[int]:
    """Which of a batch's ``n`` clips train alone, one clip per window as unpacked
    (``training.pack_alone``): ``round(share × n)`` positions drawn with a generator seeded by
    ``key`` (the batch's clips), so a batch is packed the same way when a run is resumed."""
    count = round(share * n)
    if count <= 0:
        return []
    rng = random.Random(hashlib.blake2b(key.encode(), digest_size=8).hexdigest())
    return sorted(rng.sample(range(n), min(count, n)))


def plan_windows(
    frames: list[int], tokens: list[int], max_frames: int, max_tokens: int, alone: list[int]
) -> list[list[int]]:
    """A batch's windows: each clip of ``alone`` in a window of its own, then the others packed
    by :func:`pack_windows` (positions into ``frames``)."""
    solo = set(alone)
    rest = [i for i in range(len(frames)) if i not in solo]
    packed = pack_windows(
        [frames[i] for i in rest], [tokens[i] for i in rest], max_frames, max_tokens
    )
    return [[i] for i in sorted(solo)] + [[rest[j] for j in w] for w in packed]


def packed_features(clips: list[np.ndarray], n_frames: int) -> np.ndarray:
    """The encoder input (mel × ``n_frames``, float32) for the clips' audio joined with
    :data:`SILENCE_FRAMES` of silence between them, computed from their cached frames.

    Each clip's frames were normalised by the extractor to the clip's own loudest frame
    (``max(log_mel, max - 8)``, then ``(x + 4) / 4``); the extractor run on the joined audio
    normalises to the window's loudest. So each clip's normalisation is undone (which is exact:
    what the clip's clamp cut off lies below the window's floor too), the clips are joined with
    the extractor's log-mel of silence, and the window is normalised once. Measured on the test
    clips, one of them 26 dB quieter: this matches the extractor on the joined audio to 5e-4 (the
    cache's float16), where joining the per-clip frames as they are differs by up to 0.7 on
    the quieter clip and in the silences. Only the frame at each clip's edge and its neighbours
    may differ from the joined audio's (their 25 ms STFT windows reach over the edge, where the
    extractor padded the lone clip by reflection): 3 frames of the 740 measured."""
    silence = np.full((clips[0].shape[0], SILENCE_FRAMES), _SILENCE_LOG_MEL, np.float32)
    parts: list[np.ndarray] = []
    for i, frames in enumerate(clips):
        if i:
            parts.append(silence)
        parts.append(frames.astype(np.float32) * 4.0 - 4.0)
    log_mel = np.concatenate(parts, axis=1)
    log_mel = np.maximum(log_mel, log_mel.max() - _DYNAMIC_RANGE)
    return pad_frames((log_mel + 4.0) / 4.0, n_frames)


def packed_label(labels: list[list[int]]) -> list[int]:
    """One target for clips packed together: the first clip's prompt, every clip's text (each
    starts with a space, so they read "t1 t2 …"), one ``<|endoftext|>``."""
    ids = list(labels[0][:PROMPT_TOKENS])
    for label in labels:
        ids += label[PROMPT_TOKENS:-1]
    return [*ids, labels[0][-1]]


def collate_packed(
    items: list[tuple[Path, list[int]]],
    n_frames: int,
    max_tokens: int,
    alone: float = 0.0,
    fill_frames: int | None = None,
) -> dict:
    """Like :func:`collate`, with the batch's clips packed into as few windows as
    :func:`pack_windows` finds — but the share ``alone`` of them (:func:`choose_alone`) in
    windows of their own, and each window's clips (with their silences) at most ``fill_frames``
    long (default ``n_frames``), silence after them to ``n_frames``: ``input_features``
    (windows × mel × n_frames) and ``labels`` (windows × tokens, padded with -100)."""
    import torch

    frames = [np.load(path) for path, _ in items]
    labels = [ids for _, ids in items]
    solo = choose_alone(len(items), alone, "|".join(str(path) for path, _ in items))
    windows = plan_windows(
        [f.shape[1] for f in frames],
        [len(ids) for ids in labels],
        min(fill_frames or n_frames, n_frames),
        max_tokens,
        solo,
    )
    features = np.stack([packed_features([frames[i] for i in w], n_frames) for w in windows])
    targets = [packed_label([labels[i] for i in w]) for w in windows]
    padded = np.full((len(targets), max(map(len, targets))), IGNORE_INDEX, dtype=np.int64)
    for row, ids in enumerate(targets):
        padded[row, : len(ids)] = ids
    return {"input_features": torch.from_numpy(features), "labels": torch.from_numpy(padded)}
