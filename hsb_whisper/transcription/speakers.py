"""Who spoke when: speaker diarization without a network, torch or a model hub.

A :class:`SpeakerTrack` is fed a recording's samples in order, in pieces of any size, as the
transcriber reads them. Every :data:`BLOCK_S` seconds it finds the speech (faster-whisper's
Silero VAD), cuts it into windows of :data:`WINDOW_S` every :data:`HOP_S` and keeps one voice
embedding per window (the ONNX speaker encoder of :mod:`hsb_whisper.export.speaker_encoder`):
1 KB per 0.75 s of speech (~10 MB for 2 hours), whatever the recording's length.

At the end, :meth:`SpeakerTrack.turns` groups the windows by voice with agglomerative
clustering (average linkage on cosine distance; stopped at :data:`THRESHOLD`, or at the number of
speakers given), gives each window the speaker whose mean voice is closest, and returns the
turns: who spoke from when to when. :func:`label_segments` then gives every transcript segment
its speaker and splits a segment that spans a change at the word where it happens.

The clustering is written here (NumPy, the nearest-neighbour-chain algorithm: O(n²) time and
memory): scipy and scikit-learn do it too, but would add ~60 MB to the installers for one
function. Recordings with more than :data:`MAX_ITEMS` windows are clustered in runs of
neighbouring windows (each run's mean voice, weighted by its length), which keeps 3 hours
under a second and ~40 MB; every window is then assigned on its own.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging

import numpy as np

from hsb_whisper.audio import SAMPLE_RATE
from hsb_whisper.export.speaker_encoder import SpeakerEncoder, mel_frames, normalize_volume

log = logging.getLogger(__name__)

WINDOW_S = 1.5  # each embedding's stretch of speech
HOP_S = 0.75  # the step between windows: a change is placed to within ~HOP_S / 2
# Speech found and embedded this much audio at a time: the VAD's and the mel frames' memory grow
# with it (measured on 42 minutes fed: +127 MB peak RSS at 60 s blocks, +59 MB at 20 s).
BLOCK_S = 20.0
# Cosine distance at which two groups of windows count as different speakers (average
# linkage). Measured on Resemblyzer's encoder: 0.40 split voices, 0.48 merged some.
THRESHOLD = 0.45
# A speaker found automatically needs at least this much speech; less (a cough, a laugh, one
# odd window) joins the nearest speaker instead.
MIN_SPEAKER_S = 2.0
MAX_ITEMS = 2000  # items clustered directly (a 2000² matrix of float32: 16 MB)
EMBED_BATCH = 32
# Silero VAD settings for diarization: pauses of a quarter second split speech, so that turns
# taken after a short pause fall into different windows.
VAD_THRESHOLD = 0.5
VAD_MIN_SILENCE_MS = 250
VAD_PAD_MS = 30


@dataclasses.dataclass(frozen=True)
class Turn:
    start: float  # seconds from the start of the recording
    end: float
    speaker: str  # "S1", "S2", …: numbered by first appearance


class SpeakerTrack:
    """The voice embeddings of one recording, fed its samples in order (float32 mono 16 kHz)."""

    def __init__(self, encoder: SpeakerEncoder) -> None:
        self._encoder = encoder
        self._pending = np.zeros(0, dtype=np.float32)
        self._pending_start = 0  # sample index of _pending[0] in the recording
        self._block = round(BLOCK_S * SAMPLE_RATE)
        self._embeddings: list[np.ndarray] = []
        self._spans: list[tuple[float, float]] = []  # the stretch each window labels (seconds)
        self._region: list[int] = []  # which speech region each window is in
        self._regions = 0
        self._closed = False
        self.seconds_fed = 0.0

    def feed(self, audio: np.ndarray) -> None:
        """The next samples of the recording (any length, copied only a block at a time)."""
        audio = np.asarray(audio, dtype=np.float32)
        self.seconds_fed += len(audio) / SAMPLE_RATE
        at = 0
        while len(self._pending) + len(audio) - at >= self._block:
            take = self._block - len(self._pending)
            block = np.concatenate([self._pending, audio[at : at + take]])
            at += take
            self._pending = self._process(block, final=False)
        self._pending = np.concatenate([self._pending, audio[at:]])

    def close(self) -> None:
        """The recording has ended: embed what is left."""
        if not self._closed:
            self._process(self._pending, final=True)
            self._pending = np.zeros(0, dtype=np.float32)
            self._closed = True

    def _process(self, block: np.ndarray, final: bool) -> np.ndarray:
        """Embed the speech of ``block`` (which starts at ``_pending_start``); returns the samples
        kept for the next block: from the start of a speech region still going on at its end."""
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        if not len(block):
            return block
        options = VadOptions(
            threshold=VAD_THRESHOLD,
            min_silence_duration_ms=VAD_MIN_SILENCE_MS,
            speech_pad_ms=VAD_PAD_MS,
        )
        regions = [(r["start"], r["end"]) for r in get_speech_timestamps(block, options)]
        keep = len(block)
        # a region still going on at the block's end is carried into the next block (one as
        # long as the block itself is cut there)
        ongoing = regions and regions[-1][1] >= len(block) - SAMPLE_RATE // 10
        if not final and ongoing and regions[-1][0] > 0:
            keep = regions[-1][0]
            regions = regions[:-1]
        windows: list[np.ndarray] = []
        for start, end in regions:
            windows.extend(self._windows(block, start, end))
            self._regions += 1
        for first in range(0, len(windows), EMBED_BATCH):
            batch = np.stack(windows[first : first + EMBED_BATCH])
            self._embeddings.append(self._encoder.embed(batch))
        self._pending_start += keep
        return block[keep:].copy()

    def _windows(self, block: np.ndarray, start: int, end: int) -> list[np.ndarray]:
        """The mel windows of the speech region ``start:end`` of ``block``, each labelling the
        middle of its stretch (the first and last reach the region's ends)."""
        window = round(WINDOW_S * SAMPLE_RATE)
        hop = round(HOP_S * SAMPLE_RATE)
        frames = window // (SAMPLE_RATE // 100)
        if end - start < window:  # a short region: the window around it, context included
            middle = (start + end) // 2
            first = min(max(0, middle - window // 2), max(0, len(block) - window))
            audio = block[first : first + window]
            if len(audio) < window:
                audio = np.pad(audio, (0, window - len(audio)))
            mels = mel_frames(normalize_volume(audio))[:frames][None]
            spans = [(start, end)]
        else:
            count = 1 + -(-(end - start - window) // hop)
            starts = [min(start + i * hop, end - window) for i in range(count)]
            mels_all = mel_frames(normalize_volume(block[start:end]))
            step = SAMPLE_RATE // 100
            mels = np.stack([mels_all[(s - start) // step :][:frames] for s in starts])
            middles = [s + window // 2 for s in starts]
            cuts = [start] + [(a + b) // 2 for a, b in itertools.pairwise(middles)] + [end]
            spans = list(itertools.pairwise(cuts))
        offset = self._pending_start
        for lo, hi in spans:
            self._spans.append(((offset + lo) / SAMPLE_RATE, (offset + hi) / SAMPLE_RATE))
            self._region.append(self._regions)
        return list(mels)

    def turns(self, speakers: int = 0) -> list[Turn]:
        """Who spoke when. ``speakers``: 0 finds the number of speakers; N > 0 gives exactly N
        (fewer if there is too little speech)."""
        self.close()
        if not self._spans:
            return []
        embeddings = np.concatenate(self._embeddings)
        labels = cluster(embeddings, speakers, self._spans, self._region)
        labels = _smooth(labels, self._region)
        names: dict[int, str] = {}
        for label in labels:
            names.setdefault(int(label), f"S{len(names) + 1}")
        result: list[Turn] = []
        for (start, end), label in zip(self._spans, labels):
            speaker = names[int(label)]
            if result and result[-1].speaker == speaker and start - result[-1].end < 1e-6:
                result[-1] = dataclasses.replace(result[-1], end=end)
            else:
                result.append(Turn(start, end, speaker))
        return result


# Clustering --------------------------------------------------------------------------------------


def cluster(
    embeddings: np.ndarray, speakers: int, spans: list[tuple[float, float]], regions: list[int]
) -> np.ndarray:
    """A speaker label (0 …) for every window: agglomerative clustering, then every window given
    the cluster whose mean voice is nearest."""
    n = len(embeddings)
    speakers = min(speakers, n)
    if n == 1 or speakers == 1:
        return np.zeros(n, dtype=int)
    groups = _runs(regions)
    count = groups[-1] + 1
    means = np.zeros((count, embeddings.shape[1]), dtype=np.float64)
    np.add.at(means, groups, embeddings)
    weights = np.bincount(groups).astype(np.float64)
    means /= np.linalg.norm(means, axis=1, keepdims=True) + 1e-12
    merges = average_linkage(means, weights)
    if speakers:
        group_labels = cut(merges, count, clusters=speakers)
    else:
        group_labels = cut(merges, count, threshold=THRESHOLD)
    labels = group_labels[groups]
    seconds = np.array([end - start for start, end in spans])
    for _ in range(2):  # nearest mean voice, twice (the means move once windows move)
        kept = _kept_clusters(labels, seconds, automatic=not speakers)
        centroids = np.stack([_mean(embeddings[labels == k]) for k in kept])
        labels = np.asarray(kept)[np.argmax(embeddings @ centroids.T, axis=1)]
    return labels


def _runs(regions: list[int]) -> np.ndarray:
    """Which run each window is clustered in: itself while there are at most
    :data:`MAX_ITEMS` windows; beyond, runs of neighbouring windows of one speech region (a run
    rarely holds two voices: turns are mostly taken after a pause), as short as keeps the runs
    within :data:`MAX_ITEMS`; failing that, runs of neighbouring windows."""
    n = len(regions)
    size = 1
    while size <= n:
        groups, group, count, previous = np.empty(n, dtype=int), -1, 0, None
        for i, region in enumerate(regions):
            if region != previous or count == size:
                group, count, previous = group + 1, 0, region
            groups[i] = group
            count += 1
        if group < MAX_ITEMS:
            return groups
        size *= 2
    return np.arange(n) // -(-n // MAX_ITEMS)


def _kept_clusters(labels: np.ndarray, seconds: np.ndarray, automatic: bool) -> list[int]:
    """The clusters that are speakers: found automatically, one with less than
    :data:`MIN_SPEAKER_S` of speech is not (its windows go to the nearest one kept)."""
    found = sorted(set(labels.tolist()))
    if not automatic:
        return found
    speech = {k: float(seconds[labels == k].sum()) for k in found}
    kept = [k for k in found if speech[k] >= MIN_SPEAKER_S]
    return kept or [max(found, key=speech.get)]


def _mean(vectors: np.ndarray) -> np.ndarray:
    mean = vectors.mean(axis=0)
    return mean / (np.linalg.norm(mean) + 1e-12)


def average_linkage(vectors: np.ndarray, weights: np.ndarray) -> list[tuple[float, int, int]]:
    """Average-linkage (UPGMA) merges of L2-normalised ``vectors`` on cosine distance, each
    item weighing ``weights[i]`` windows: ``(distance, a, b)`` sorted by distance, ``a`` and
    ``b`` being any member of the two clusters merged. The nearest-neighbour chain algorithm
    (Murtagh 1983), valid for average linkage, which is reducible."""
    n = len(vectors)
    vectors = vectors.astype(np.float32)
    distance = vectors @ vectors.T  # one n × n matrix, changed in place from here on
    np.subtract(np.float32(1.0), distance, out=distance)
    np.fill_diagonal(distance, np.inf)
    size = weights.astype(np.float64).copy()
    active = np.ones(n, dtype=bool)
    merges: list[tuple[float, int, int]] = []
    chain: list[int] = []
    for _ in range(n - 1):
        if not chain:
            chain.append(int(np.flatnonzero(active)[0]))
        while True:
            a = chain[-1]
            b = int(np.argmin(distance[a]))
            if len(chain) > 1 and distance[a, chain[-2]] <= distance[a, b]:
                b = chain[-2]
            if len(chain) > 1 and b == chain[-2]:
                break
            chain.append(b)
        chain.pop()
        chain.pop()
        merges.append((float(distance[a, b]), a, b))
        total = size[a] + size[b]
        row = distance[a] * np.float32(size[a] / total) + distance[b] * np.float32(size[b] / total)
        distance[a] = row
        distance[:, a] = row
        distance[a, a] = np.inf
        distance[b] = np.inf
        distance[:, b] = np.inf
        size[a] += size[b]
        active[b] = False
    merges.sort()
    return merges


def cut(
    merges: list[tuple[float, int, int]],
    n: int,
    clusters: int | None = None,
    threshold: float | None = None,
) -> np.ndarray:
    """Cluster labels from sorted merges: merged up to ``threshold`` (distance), or until
    ``clusters`` are left."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    left = n
    for d, a, b in merges:
        if (threshold is not None and d > threshold) or (clusters is not None and left <= clusters):
            break
        parent[root(b)] = root(a)
        left -= 1
    roots = np.array([root(i) for i in range(n)])
    return np.unique(roots, return_inverse=True)[1]


def _smooth(labels: np.ndarray, regions: list[int]) -> np.ndarray:
    """A single window whose two neighbours in the same speech region agree with each other
    takes their label: a change of speaker lasting one window (0.75 s) inside continuous
    speech is the encoder's noise, not a turn."""
    labels = labels.copy()
    for i in range(1, len(labels) - 1):
        same_region = regions[i - 1] == regions[i] == regions[i + 1]
        if same_region and labels[i - 1] == labels[i + 1] != labels[i]:
            labels[i] = labels[i - 1]
    return labels


# Segments ----------------------------------------------------------------------------------------


def label_segments(segments: list, turns: list[Turn]) -> list:
    """Every segment with its ``speaker``; a segment whose words (word timestamps) belong to
    different speakers is split where the speaker changes. Segments and words are
    :class:`~hsb_whisper.transcription.engine.Segment`/``Word``; returns new segments."""
    if not turns:
        return list(segments)
    starts = np.array([t.start for t in turns])
    ends = np.array([t.end for t in turns])
    result = []
    for segment in segments:
        if not segment.words:
            speaker = _speaker(segment, turns, starts, ends)
            result.append(dataclasses.replace(segment, speaker=speaker))
            continue
        speakers = [_speaker(w, turns, starts, ends) for w in segment.words]
        for i in range(1, len(speakers) - 1):  # one word between two of the same speaker
            if speakers[i - 1] == speakers[i + 1] != speakers[i]:
                speakers[i] = speakers[i - 1]
        if len(set(speakers)) == 1:
            result.append(dataclasses.replace(segment, speaker=speakers[0]))
            continue
        runs = itertools.groupby(zip(segment.words, speakers), key=lambda pair: pair[1])
        for speaker, run in runs:
            words = tuple(word for word, _ in run)
            result.append(
                dataclasses.replace(
                    segment,
                    start=segment.start if words[0] is segment.words[0] else words[0].start,
                    end=segment.end if words[-1] is segment.words[-1] else words[-1].end,
                    text=" ".join(w.text for w in words),
                    words=words,
                    speaker=speaker,
                )
            )
    return result


def _speaker(span, turns: list[Turn], starts: np.ndarray, ends: np.ndarray) -> str:
    """The speaker of the turn overlapping ``span`` (a segment or word) most; if none does, of
    the nearest turn."""
    overlap = np.minimum(ends, span.end) - np.maximum(starts, span.start)
    best = int(np.argmax(overlap))
    if overlap[best] <= 0:
        gap = np.maximum(starts - span.end, span.start - ends)
        best = int(np.argmin(gap))
    return turns[best].speaker
