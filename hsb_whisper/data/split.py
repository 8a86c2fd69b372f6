"""Train/dev/test splits that keep related clips together, seeded and reproducible.

Dev and test should measure the model on speech it has not heard, so clips go to the splits in
groups, never one by one. The group (the *unit*) is the largest of these that still gives every
split with a share some clips:

1. ``speaker``: all clips of one person (only when every clip has a speaker);
2. ``recording``: all clips cut from one recording (a whole file is a recording of its own);
3. ``block``: all clips starting in the same :data:`BLOCK_SECONDS` stretch of a recording.

Each smaller unit lets more leak between the splits (the voice, then the room, microphone and
topic), so the unit is part of the import report, with a warning whenever dev and test are not
speaker-disjoint.

An import whose recordings must never be split (the user's corrected transcripts) tries
``group`` first and then ``recording`` only: a group is every recording connected to another by
a speaker they share, so it keeps each recording whole *and* each speaker in one split.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

from hsb_whisper.data.manifest import Clip

SPLITS = ("train", "dev", "test")
UNITS = ("speaker", "recording", "block")  # the units tried, in this order, unless told others
# A block holds several consecutive clips (one is at most Whisper's 30 s window, a joined
# annotation at most 25 s, most utterances 2–10 s), so clips that continue one another (a sentence
# split in two, question and answer, two people talking at once) mostly share a split. Measured on
# two 20-minute recordings at 0.8,0.1,0.1 (50 seeds): neighbouring clips in different splits are
# 2.7 % of pairs for 5-s clips and 5.5 % for 10-s clips with 60-s blocks (30-s: 5.7 and 11.4 %;
# clip by clip: 34 %). Longer blocks leak less but split more coarsely: 60 s is a tenth of a
# 10-minute recording, the dev share of the default split.
BLOCK_SECONDS = 60.0
UNIT_NAMES = {
    "group": "recording group",
    "speaker": "speaker",
    "recording": "recording",
    "block": "time block",
}
KEPT_TOGETHER = {
    "group": "each recording's clips and those of recordings sharing a speaker with it",
    "speaker": "each person's clips",
    "recording": "each recording's clips",
    "block": f"each {BLOCK_SECONDS:.0f}-s stretch of a recording",
}


@dataclasses.dataclass(frozen=True)
class Origin:
    """Where a clip was cut from: its recording and its start there (seconds)."""

    recording: str
    start: float = 0.0


@dataclasses.dataclass
class Split:
    clips: dict[str, list[Clip]]  # per split, in input order
    unit: str  # a key of UNIT_NAMES
    groups: int  # how many units there were to share out
    speakers: list[str]  # the distinct speakers, sorted (none when some clip has none)
    recordings: int
    warnings: list[str]

    @property
    def speaker_disjoint(self) -> bool:
        """No speaker is in two splits (every clip has a speaker, each in one unit)."""
        return self.unit in ("speaker", "group") and bool(self.speakers)

    def describe(self) -> str:
        """The unit in words, for the report."""
        return f"{UNIT_NAMES[self.unit]} ({KEPT_TOGETHER[self.unit]} in one split): " + _plural(
            self.groups, self.unit
        )

    def to_json(self, fractions: tuple[float, float, float], seed: int) -> dict[str, Any]:
        return {
            "fractions": list(fractions),
            "seed": seed,
            "unit": self.unit,
            "units": self.groups,
            "described": self.describe(),
            "block_seconds": BLOCK_SECONDS if self.unit == "block" else None,
            "speakers": len(self.speakers),
            "recordings": self.recordings,
            "speaker_disjoint": self.speaker_disjoint,
        }


def split_clips(
    clips: list[Clip],
    fractions: tuple[float, float, float],
    seed: int = 0,
    origins: Mapping[Path, Origin] | None = None,
    units: Sequence[str] = UNITS,
) -> Split:
    """Split ``clips`` by duration into train/dev/test in units (see the module docs): the first
    of ``units`` whose split leaves no split with a share empty; when none does, the finest.
    ``origins`` gives each clip's recording and start by its audio path; a clip without one is a
    whole recording of its own."""
    origins = origins or {}

    def origin(clip: Clip) -> Origin:
        return origins.get(clip.audio) or Origin(str(clip.audio))

    speakers = sorted({c.speaker for c in clips if c.speaker})
    group_of = _recording_groups(clips, lambda c: origin(c).recording)
    keys = {
        "group": lambda c: group_of[origin(c).recording],
        "speaker": lambda c: c.speaker,
        "recording": lambda c: origin(c).recording,
        "block": lambda c: (origin(c).recording, int(origin(c).start // BLOCK_SECONDS)),
    }
    every_speaker = bool(clips) and all(c.speaker for c in clips)
    units = [u for u in units if u != "speaker" or every_speaker]
    wanted = [s for s, f in zip(SPLITS, fractions) if f > 0]
    recordings = len({origin(c).recording for c in clips})
    chosen, result, count = units[0], {s: [] for s in SPLITS}, 0
    for unit in units:
        groups: dict[Hashable, list[Clip]] = {}
        for clip in clips:
            groups.setdefault(keys[unit](clip), []).append(clip)
        if _FINER.get(chosen) == unit and len(groups) == count:
            break  # the same units as before (each group one recording, no recording past a block)
        chosen, count = unit, len(groups)
        result = _share_out(clips, groups, fractions, seed)
        if all(result[s] for s in wanted):
            break
    split = Split(result, chosen, count, speakers if every_speaker else [], recordings, [])
    if clips and not split.speaker_disjoint and "train" in wanted and len(wanted) > 1:
        split.warnings.append(_not_speaker_disjoint(split, [s for s in wanted if s != "train"]))
    return split


# A unit's next finer one, whose every unit lies inside one of it: as many units means the same
_FINER = {"group": "recording", "recording": "block"}


def _recording_groups(clips: list[Clip], recording: Callable[[Clip], str]) -> dict[str, str]:
    """Each recording's group: the recordings connected to it by shared speakers (a recording
    shares a speaker with another, which shares one with a third, …), named by the first of
    them in sorted order, so that the same clips always give the same groups."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]  # (path halving)
            node = parent[node]
        return node

    first: dict[str, str] = {}  # speaker → the first recording seen with it
    for clip in clips:
        here = root(recording(clip))
        if clip.speaker:
            there = root(first.setdefault(clip.speaker, here))
            if there != here:
                parent[max(here, there)] = min(here, there)
    return {r: root(r) for r in {recording(c) for c in clips}}


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _not_speaker_disjoint(split: Split, held_out: list[str]) -> str:
    held, unit = " and ".join(held_out), UNIT_NAMES[split.unit]
    if not split.speakers:
        return (
            f"speakers unknown (not every clip has one): split by {unit}, so {held} may hold "
            "voices heard in training, and their error rates may look better than on new speakers"
        )
    names = ", ".join(repr(s) for s in split.speakers[:5])
    more = f" and {len(split.speakers) - 5} more" if len(split.speakers) > 5 else ""
    return (
        f"only {_plural(len(split.speakers), 'speaker')} ({names}{more}), too few to give every "
        f"split its own: split by {unit}, so {held} hold voices heard in training, and their "
        "error rates will look better than on new speakers"
    )


def _share_out(
    clips: list[Clip],
    groups: dict[Hashable, list[Clip]],
    fractions: tuple[float, float, float],
    seed: int,
) -> dict[str, list[Clip]]:
    """Groups shuffled with ``seed``, each to the split furthest below its share of the total
    duration; the last groups go to splits that would otherwise stay empty (one each)."""
    keys = sorted(groups)
    random.Random(seed).shuffle(keys)
    total = sum(c.duration or 1.0 for c in clips) or 1.0
    wanted = [s for s, f in zip(SPLITS, fractions) if f > 0]
    share = dict(zip(SPLITS, fractions))
    filled = dict.fromkeys(SPLITS, 0.0)
    result: dict[str, list[Clip]] = {s: [] for s in SPLITS}
    for i, key in enumerate(keys):
        empty = [s for s in wanted if not result[s]]
        candidates = empty if len(keys) - i <= len(empty) else wanted
        target = max(candidates, key=lambda s: share[s] - filled[s] / total)
        result[target].extend(groups[key])
        filled[target] += sum(c.duration or 1.0 for c in groups[key])
    order = {id(c): i for i, c in enumerate(clips)}
    for split in SPLITS:
        result[split].sort(key=lambda c: order[id(c)])
    return result
