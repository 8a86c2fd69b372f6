"""A transcript as the app, the writers in :mod:`~hsb_whisper.transcription.formats` and the
editor see it: segments with their words and speakers, the file's facts, and the editor's speaker
edits (names, merges, reassignments). No decoding here: :mod:`.engine` makes these.
"""

from __future__ import annotations

import dataclasses
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


@dataclasses.dataclass(frozen=True)
class Segment:
    start: float  # seconds from the start of the file
    end: float
    text: str  # without Whisper's leading space
    avg_logprob: float
    no_speech_prob: float
    words: tuple[Word, ...] = ()
    speaker: str | None = None  # "S1", "S2", … with diarization; its name is in the Transcript


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
