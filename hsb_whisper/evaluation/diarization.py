"""Diarization error rate (DER): how much of the speech is attributed to the wrong speaker,
missed, or invented, as NIST's md-eval scores it.

Written here (100 lines of NumPy) rather than taken from pyannote.metrics, which would bring
pyannote.core, pandas and scipy for one number. Time is scored in 10 ms frames; ``collar``
seconds on each side of every reference boundary are not scored (people do not agree on a
turn's edge to the hundredth of a second); reference and hypothesis speakers are paired to
maximise their common time (every pairing tried for up to :data:`EXACT_PAIRING` speakers,
greedily beyond).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence

import numpy as np

STEP = 0.01  # seconds per scored frame
EXACT_PAIRING = 7


@dataclasses.dataclass(frozen=True)
class DiarizationError:
    speech: float  # seconds of scored reference speech
    missed: float  # seconds of reference speech with too few hypothesis speakers
    false_alarm: float  # seconds of hypothesis speech beyond the reference's
    confusion: float  # seconds given to the wrong speaker
    pairing: dict  # reference speaker → hypothesis speaker

    @property
    def rate(self) -> float:
        """(missed + false alarm + confusion) / speech; 0 when there is no reference speech."""
        if self.speech <= 0:
            return 0.0
        return (self.missed + self.false_alarm + self.confusion) / self.speech


Turns = Sequence[tuple[float, float, object]]  # (start, end, speaker)


def _frames(turns: Turns, speakers: list, count: int) -> np.ndarray:
    active = np.zeros((count, len(speakers)), dtype=bool)
    index = {s: i for i, s in enumerate(speakers)}
    for start, end, speaker in turns:
        active[round(start / STEP) : round(end / STEP), index[speaker]] = True
    return active


def diarization_error(
    reference: Turns, hypothesis: Turns, collar: float = 0.25
) -> DiarizationError:
    """Score ``hypothesis`` turns against ``reference`` turns (``(start, end, speaker)``)."""
    ref_speakers = sorted({s for _, _, s in reference}, key=str)
    hyp_speakers = sorted({s for _, _, s in hypothesis}, key=str)
    last = max([e for _, e, _ in (*reference, *hypothesis)], default=0.0)
    count = round(last / STEP) + 1
    ref = _frames(reference, ref_speakers, count)
    hyp = _frames(hypothesis, hyp_speakers, count)
    scored = np.ones(count, dtype=bool)
    width = round(collar / STEP)
    for start, end, _ in reference:
        for edge in (round(start / STEP), round(end / STEP)):
            scored[max(0, edge - width) : edge + width] = False
    ref, hyp = ref[scored], hyp[scored]
    n_ref, n_hyp = ref.sum(axis=1), hyp.sum(axis=1)
    common = ref.T.astype(np.int64) @ hyp.astype(np.int64)  # frames each pair shares
    pairs = _pairing(common)
    correct = sum(common[i, j] for i, j in pairs)
    seconds = STEP
    return DiarizationError(
        speech=float(n_ref.sum()) * seconds,
        missed=float(np.maximum(n_ref - n_hyp, 0).sum()) * seconds,
        false_alarm=float(np.maximum(n_hyp - n_ref, 0).sum()) * seconds,
        confusion=float(np.minimum(n_ref, n_hyp).sum() - correct) * seconds,
        pairing={ref_speakers[i]: hyp_speakers[j] for i, j in pairs},
    )


def _pairing(common: np.ndarray) -> list[tuple[int, int]]:
    """Reference–hypothesis pairs (each speaker in at most one) with the most common time."""
    n_ref, n_hyp = common.shape
    if not n_ref or not n_hyp:
        return []
    if min(n_ref, n_hyp) <= EXACT_PAIRING and max(n_ref, n_hyp) <= EXACT_PAIRING + 2:
        if n_ref <= n_hyp:
            options = (
                list(zip(range(n_ref), p)) for p in itertools.permutations(range(n_hyp), n_ref)
            )
        else:
            options = (
                list(zip(p, range(n_hyp))) for p in itertools.permutations(range(n_ref), n_hyp)
            )
        return max(options, key=lambda pairs: sum(common[i, j] for i, j in pairs))
    pairs, left = [], common.astype(float).copy()
    for _ in range(min(n_ref, n_hyp)):  # greedy: the largest shared time first
        i, j = np.unravel_index(np.argmax(left), left.shape)
        pairs.append((int(i), int(j)))
        left[i, :] = -1
        left[:, j] = -1
    return pairs
