"""A transcript as the app, the writers in :mod:`~hsb_whisper.transcription.formats` and the
editor see it: segments with their words and speakers, the file's facts, and the editor's speaker
edits (names, merges, reassignments). No decoding here: :mod:`.engine` makes these.
"""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hsb_whisper.transcription.speakers import SpeakerTrack


@dataclasses.dataclass(frozen=True)
class Word:
    start: float  # seconds from the start of the file
    end: float
    text: str
    probability: float


# A word the model gave a probability under this is shown as uncertain in the editor, and a
# segment holding one is where "next uncertain" goes (Whisper's word probabilities: most words of
# a good transcription are above 0.8, misheard ones often under 0.5).
UNCERTAIN_BELOW = 0.5


@dataclasses.dataclass(frozen=True)
class Segment:
    start: float  # seconds from the start of the file
    end: float
    text: str  # without Whisper's leading space
    avg_logprob: float
    no_speech_prob: float
    words: tuple[Word, ...] = ()
    speaker: str | None = None  # "S1", "S2", … with diarization; its name is in the Transcript
    # What the model wrote, once the text has been edited (None: ``text`` is the model's). The
    # words and their probabilities stay the model's.
    original_text: str | None = None
    # The user vouched for the text: edited it, or marked it as checked without a change. Only
    # confirmed segments become training data or count in the WER on the user's corrections.
    confirmed: bool = False

    @property
    def model_text(self) -> str:
        """What the model wrote for this segment."""
        return self.text if self.original_text is None else self.original_text

    @property
    def edited(self) -> bool:
        return self.original_text is not None and self.original_text != self.text

    @property
    def confidence(self) -> float:
        """How sure the model was of its text, 0–1: its least probable word, else (no word
        times) the segment's mean token probability."""
        if self.words:
            return min(w.probability for w in self.words)
        return math.exp(min(self.avg_logprob, 0.0))

    def uncertain_words(self, threshold: float = UNCERTAIN_BELOW) -> list[Word]:
        """The model's words it gave a probability under ``threshold``."""
        return [w for w in self.words if w.probability < threshold]


@dataclasses.dataclass(frozen=True)
class AudioInfo:
    path: Path
    duration: float  # seconds
    language: str  # the token used (forced or detected)
    language_probability: float  # 1.0 when forced
    # The voices of the recording, fed as it is read, when the options ask for speakers.
    speakers: SpeakerTrack | None = dataclasses.field(default=None, compare=False, repr=False)


# Characters a speaker's name never keeps: controls (C0, DEL, C1), format characters (bidi
# overrides, zero widths) and lone surrogates (undecodable bytes of a command line)
_UNSEEN_CATEGORIES = ("Cc", "Cf", "Cs")


def clean_speaker_name(name: str) -> str:
    """``name`` as files and the editor show it: control and format characters and lone
    surrogates removed (a control that is whitespace, like a tab, becomes a space), runs of
    whitespace one space; "" when no letter, digit, punctuation or symbol is left (a name of
    only U+200B)."""
    kept = "".join(
        " " if ch.isspace() else "" if unicodedata.category(ch) in _UNSEEN_CATEGORIES else ch
        for ch in name
    )
    kept = " ".join(kept.split())
    return kept if any(unicodedata.category(ch)[0] in "LNPS" for ch in kept) else ""


def speaker_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a speaker's name as given (see :func:`clean_speaker_name`), or
    None."""
    cleaned = clean_speaker_name(name)
    if not cleaned:
        return f"{name!r} has no visible character"
    if cleaned != " ".join(name.split()):
        return f"{name!r} holds control or invisible characters (or bytes that are not UTF-8)"
    return None


@dataclasses.dataclass
class Transcript:
    """A finished transcription: what the writers in :mod:`formats` take."""

    info: AudioInfo
    segments: list[Segment]
    model: str
    # Names given to speaker ids ("S1" → "Jan Nowak"); an id without a name is shown as itself.
    speaker_names: dict[str, str] = dataclasses.field(default_factory=dict)
    # The user keeps this recording out of training data (privacy): no import takes its segments.
    excluded_from_training: bool = False

    # The editor's text edits and confirmations (saved with the transcript) ---------------------

    def edit_text(self, index: int, text: str) -> None:
        """The user wrote ``text`` for segment ``index``: the model's text is kept beside it
        (the first time), and the segment counts as confirmed."""
        segment = self.segments[index]
        if text == segment.text:
            return
        self.segments[index] = dataclasses.replace(
            segment, text=text, original_text=segment.model_text, confirmed=True
        )

    def confirm(self, index: int, confirmed: bool = True) -> None:
        """Segment ``index`` was checked (its text is right as it stands), or not any more."""
        self.segments[index] = dataclasses.replace(self.segments[index], confirmed=confirmed)

    def next_uncertain(self, after: int = -1, threshold: float = UNCERTAIN_BELOW) -> int | None:
        """The first segment after ``after`` not yet confirmed whose model text is uncertain
        (a word, or without words the segment, under ``threshold``), wrapping around; None when
        there is none."""
        count = len(self.segments)
        for step in range(1, count + 1):
            i = (after + step) % count
            segment = self.segments[i]
            if not segment.confirmed and segment.confidence < threshold:
                return i
        return None

    @property
    def confirmed_segments(self) -> list[Segment]:
        return [s for s in self.segments if s.confirmed]

    def speaker_name(self, speaker: str | None) -> str | None:
        """What a segment's speaker is called: its given name, else its id (None: no speaker)."""
        if speaker is None:
            return None
        return self.speaker_names.get(speaker) or speaker

    @property
    def speakers(self) -> list[str]:
        """The speaker ids of the segments, in order of first appearance."""
        return list(dict.fromkeys(s.speaker for s in self.segments if s.speaker is not None))

    # The editor's speaker edits (saved with the transcript: JSON keeps ids and names) ----------

    def rename_speaker(self, speaker: str, name: str) -> None:
        """Call ``speaker`` ``name`` everywhere (an empty name goes back to the id); the name is
        cleaned by :func:`clean_speaker_name` (a name with nothing visible goes back to the id)."""
        name = clean_speaker_name(name)
        if name and name != speaker:
            self.speaker_names[speaker] = name
        else:
            self.speaker_names.pop(speaker, None)

    def reassign(self, index: int, speaker: str | None) -> None:
        """Segment ``index`` was said by ``speaker`` (an id; None: by no one known)."""
        self.segments[index] = dataclasses.replace(self.segments[index], speaker=speaker)

    def merge_speakers(self, source: str, target: str) -> None:
        """``source`` and ``target`` are one person: ``source``'s segments become ``target``'s,
        and ``source``'s name is dropped (``target`` keeps its own)."""
        if source == target:
            return
        for i, segment in enumerate(self.segments):
            if segment.speaker == source:
                self.segments[i] = dataclasses.replace(segment, speaker=target)
        self.speaker_names.pop(source, None)

    def new_speaker(self) -> str:
        """An id no segment or name uses yet ("S3" after S1 and S2)."""
        used = {*self.speakers, *self.speaker_names}
        return next(f"S{n}" for n in range(1, len(used) + 2) if f"S{n}" not in used)
