"""Transcript writers: plain text, SubRip (SRT), WebVTT, JSON, ELAN (EAF) and Praat (TextGrid).
Used by the CLI and the app.

Speakers (diarization) appear in every format once a segment has one: text lines and subtitle cues
start with the speaker's name (WebVTT: a ``<v Name>`` voice span), JSON keeps ids and names, and
ELAN and Praat get a tier per speaker. A transcript without speakers is written exactly as before.

Files are written under a temporary name and renamed when complete, so an interrupted run never
leaves a half-written subtitle file.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from hsb_whisper.errors import HsbWhisperError, OptionError
from hsb_whisper.files import atomic_open
from hsb_whisper.transcription.transcript import (
    AudioInfo,
    Segment,
    Transcript,
    Word,
    clean_speaker_name,
)

# The tiers of hsb-whisper's ELAN and Praat files (``transcribe -f eaf,textgrid``): segments, and
# with word timestamps their words; with speakers a pair per speaker, "Name" and "words (Name)".
# The corpus import (hsb_whisper.data) reads them back by these names.
SEGMENT_TIER = "transcript"
WORD_TIER = "words"
# The version of the JSON a transcript is saved as (the app reopens saved edits). 2: a segment may
# have "original_text" (the model's, once edited) and "confirmed"; the top level
# "excluded_from_training". Version 1 files read as before (nothing confirmed).
JSON_FORMAT_VERSION = 2


def words_tier(tier: str) -> str:
    """The name of the tier of words of speaker tier ``tier``."""
    return f"{WORD_TIER} ({tier})"


def timestamp(seconds: float, decimal_marker: str = ".", always_hours: bool = True) -> str:
    """``HH:MM:SS.mmm`` (SRT uses ``,`` as the marker)."""
    millis = round(max(seconds, 0.0) * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    head = f"{hours:02d}:" if always_hours or hours else ""
    return f"{head}{minutes:02d}:{secs:02d}{decimal_marker}{millis:03d}"


def speaker_label(transcript: Transcript, speaker: str | None) -> str | None:
    """How ``speaker`` is shown in the files: its name (else its id) on one line, runs of
    whitespace made one space, without control or invisible characters (a name read from a
    saved transcript may hold any: they would make an EAF that is not XML and put terminal
    escapes into subtitles); None for no speaker."""
    name = transcript.speaker_name(speaker)
    if name is None:
        return None
    return clean_speaker_name(name) or clean_speaker_name(speaker) or "?"


def _named(transcript: Transcript, segment: Segment, text: str) -> str:
    """``text`` as ``Name: text`` when the segment has a speaker."""
    name = speaker_label(transcript, segment.speaker)
    return text if name is None else f"{name}: {text}"


def write_txt(transcript: Transcript, f: TextIO) -> None:
    """One segment per line, ``Name: `` before it when it has a speaker."""
    for segment in transcript.segments:
        f.write(_named(transcript, segment, segment.text) + "\n")


def write_srt(transcript: Transcript, f: TextIO) -> None:
    """Numbered cues, ``Name: `` before the text of a cue that has a speaker."""
    for i, s in enumerate(transcript.segments, start=1):
        f.write(f"{i}\n{timestamp(s.start, ',')} --> {timestamp(s.end, ',')}\n")
        f.write(f"{_named(transcript, s, _cue_text(s.text))}\n\n")


def write_vtt(transcript: Transcript, f: TextIO) -> None:
    """WebVTT cues; a cue that has a speaker is a voice span, ``<v Name>text``."""
    f.write("WEBVTT\n\n")
    for s in transcript.segments:
        text = _cue_text(s.text)
        name = speaker_label(transcript, s.speaker)
        if name is not None:
            text = f"<v {_vtt_escape(name)}>{text}"
        f.write(f"{timestamp(s.start)} --> {timestamp(s.end)}\n{text}\n\n")


def _vtt_escape(text: str) -> str:
    """``text`` as WebVTT annotation text (the voice's name): ``&``, ``<`` and ``>`` escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_json(transcript: Transcript, f: TextIO) -> None:
    """The whole transcript. With speakers (a segment has one, or a speaker has a name) each
    segment and word has ``"speaker"`` (an id, or null) and the top level has ``"speakers"``:
    ``[{"id", "name"}]`` in order of first appearance (name: the given name, else the id), then
    named ids no segment uses any more, so that :func:`read_json` gets every name back. Without
    speakers none of these keys is written."""
    info = transcript.info
    speakers = bool(transcript.speakers or transcript.speaker_names)
    data = {
        "format_version": JSON_FORMAT_VERSION,
        "file": str(info.path),
        "duration": round(info.duration, 3),
        "language": info.language,
        "model": transcript.model,
    }
    if speakers:
        ids = dict.fromkeys([*transcript.speakers, *transcript.speaker_names])
        data["speakers"] = [{"id": i, "name": transcript.speaker_name(i)} for i in ids]
    if transcript.excluded_from_training:
        data["excluded_from_training"] = True
    data["text"] = " ".join(s.text for s in transcript.segments)
    data["segments"] = [_segment_json(i, s, speakers) for i, s in enumerate(transcript.segments)]
    json.dump(data, f, ensure_ascii=False, indent=2)
    f.write("\n")


def read_json(path: Path) -> Transcript:
    """A transcript saved by :func:`write_json` (the editor's autosave uses this format)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        names = {}
        for entry in data.get("speakers", ()):  # files written before diarization have none
            speaker, name = _speaker_id(entry["id"]), entry.get("name")
            if not isinstance(name, str | None):
                raise ValueError(f"speaker name {name!r} is not text")
            if name and name != speaker:
                names[speaker] = name
        segments = [
            Segment(
                start=_seconds(s["start"]),
                end=_seconds(s["end"]),
                text=_text(s["text"]),
                avg_logprob=s["avg_logprob"],
                no_speech_prob=s["no_speech_prob"],
                words=tuple(
                    Word(w["start"], w["end"], w["text"], w["probability"])
                    for w in s.get("words", ())
                ),
                speaker=_speaker_id(s.get("speaker")),
                original_text=_text_or_none(s.get("original_text")),
                confirmed=_flag(s.get("confirmed", False)),
            )
            for s in data["segments"]
        ]
        info = AudioInfo(Path(data["file"]), data["duration"], data["language"], 1.0)
        excluded = _flag(data.get("excluded_from_training", False))
        return Transcript(info, segments, data["model"], names, excluded)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as e:
        raise HsbWhisperError(f"{path}: not a transcript saved by hsb-whisper ({e})") from e


def _seconds(value: object) -> float:
    if type(value) not in (int, float) or not 0 <= value < 1e7:
        raise ValueError(f"time {value!r} is not seconds")
    return float(value)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"text {value!r} is not text")
    return value


def _text_or_none(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"original_text {value!r} is not text")
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} is not true or false")
    return value


def _speaker_id(value: object) -> str | None:
    if value is not None and not (isinstance(value, str) and value):
        raise ValueError(f"speaker {value!r} is not an id")
    return value


def _segment_json(index: int, segment: Segment, speakers: bool) -> dict:
    """``segment`` as JSON; ``speakers``: the transcript has speakers, so the segment and each
    word get ``"speaker"`` (otherwise neither has the key)."""
    data = {"id": index, **dataclasses.asdict(segment)}
    for key in ("start", "end"):
        data[key] = round(data[key], 3)
    extra = {"speaker": segment.speaker} if speakers else {}
    if not speakers:
        del data["speaker"]
    if data["original_text"] is None:  # only once edited
        del data["original_text"]
    if not data["confirmed"]:
        del data["confirmed"]
    if not segment.words:
        del data["words"]
    else:
        data["words"] = [
            {**w, "start": round(w["start"], 3), "end": round(w["end"], 3), **extra}
            for w in data["words"]
        ]
    return data


def _cue_text(text: str) -> str:
    # A blank line ends a cue in both SRT and WebVTT; "-->" would be read as a timing line.
    return text.replace("-->", "->").replace("\n\n", "\n") or "…"


# Interval repair for the linguists' formats -------------------------------------------------------


def _ms(seconds: float) -> int:
    return round(max(seconds, 0.0) * 1000)


@dataclasses.dataclass(frozen=True)
class Interval:
    start: int  # milliseconds
    end: int
    text: str


def segment_intervals(transcript: Transcript) -> list[tuple[Interval, list[Interval]]]:
    """The segments (and each one's words) as non-overlapping intervals in whole milliseconds, as
    ELAN and Praat require: a segment starting before the previous one ends starts at that end, a
    segment left empty by this (or zero-length from Whisper) is dropped with its words, and words
    are kept inside their segment and after the previous word in the same way."""
    return _intervals(transcript.segments)


def _intervals(segments: Iterable[Segment]) -> list[tuple[Interval, list[Interval]]]:
    """:func:`segment_intervals` of some of a transcript's segments (one speaker's)."""
    result: list[tuple[Interval, list[Interval]]] = []
    previous_end = 0
    for segment in segments:
        start, end = max(_ms(segment.start), previous_end), _ms(segment.end)
        if end <= start:
            continue
        words: list[Interval] = []
        word_end = start
        for word in segment.words:
            w_start, w_end = max(_ms(word.start), word_end), min(_ms(word.end), end)
            text = word.text.strip()
            if w_end > w_start and text:
                words.append(Interval(w_start, w_end, text))
                word_end = w_end
        result.append((Interval(start, end, segment.text.strip()), words))
        previous_end = end
    return result


# Tiers: one for the transcript, or one per speaker ------------------------------------------------

NO_SPEAKER_TIER = "unknown speaker"  # segments of no one, in a transcript with speakers


@dataclasses.dataclass(frozen=True)
class SpeakerTier:
    """A tier of segments and the name of its tier of words (when there are words)."""

    name: str
    words_name: str
    participant: str | None  # the speaker's name (ELAN's PARTICIPANT); None: no speaker
    intervals: list[tuple[Interval, list[Interval]]]


def speaker_tiers(transcript: Transcript) -> list[SpeakerTier]:
    """The tiers of the ELAN and Praat files. Without speakers one, :data:`SEGMENT_TIER` (words:
    :data:`WORD_TIER`). With speakers one per speaker in order of first appearance, named by
    :func:`speaker_label` (its words: ``"words (Name)"``); two speakers with the same name get
    their ids added (``"Jan (S2)"``), so tier names stay unique. Segments of no speaker in a
    transcript with speakers go to a last tier, :data:`NO_SPEAKER_TIER`, without participant.
    Each tier is repaired on its own (:func:`segment_intervals`): a tier never overlaps itself,
    while tiers of different speakers may overlap in time (people talking at once)."""
    if not transcript.speakers:
        return [SpeakerTier(SEGMENT_TIER, WORD_TIER, None, segment_intervals(transcript))]
    speakers: list[str | None] = list(transcript.speakers)
    if any(s.speaker is None for s in transcript.segments):
        speakers.append(None)
    used = {NO_SPEAKER_TIER} if None in speakers else set()
    names = {
        s: NO_SPEAKER_TIER if s is None else _unique(speaker_label(transcript, s), s, used)
        for s in speakers
    }
    words = {s: _unique(words_tier(names[s]), s or "-", used) for s in speakers}
    return [
        SpeakerTier(
            names[s],
            words[s],
            speaker_label(transcript, s),
            _intervals(segment for segment in transcript.segments if segment.speaker == s),
        )
        for s in speakers
    ]


def _unique(name: str, tag: str, used: set[str]) -> str:
    """``name``, else ``"name (tag)"``, else ``"name (tag 2)"``, … : the first not yet in ``used``
    (which then holds it); ``tag`` cleaned as names are (an id read from a file may hold
    anything)."""
    tag = clean_speaker_name(tag) or "?"
    numbered = (f"{name} ({tag} {n})" for n in itertools.count(2))
    result = next(c for c in itertools.chain((name, f"{name} ({tag})"), numbered) if c not in used)
    used.add(result)
    return result


# ELAN -------------------------------------------------------------------------------------------

MIME_TYPES = {
    ".wav": "audio/x-wav",
    ".mp3": "audio/mpeg",
    ".mpga": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".flac": "audio/flac",
    ".m4a": "audio/mp4",
    ".aac": "audio/mp4",
    ".mp4": "video/mp4",
    ".webm": "audio/webm",
    ".mpg": "video/mpeg",
    ".mpeg": "video/mpeg",
}


def write_eaf(transcript: Transcript, f: TextIO, folder: Path | None = None) -> None:
    """An ELAN annotation document (EAF 3.0) linked to the audio file: a tier of segments and,
    with word timestamps, a tier of words included in it (ELAN's "Included_In" stereotype, which
    keeps each word's own times). With speakers, such a pair of tiers per speaker, both with the
    speaker's name as PARTICIPANT (see :func:`speaker_tiers`). ``folder`` is where the .eaf will
    lie, for the media's relative path (the current folder when None)."""
    from pympi import Elan

    info = transcript.info
    eaf = Elan.Eaf(author="hsb-whisper")
    eaf.adocument.update(
        {
            "VERSION": "3.0",
            "FORMAT": "3.0",
            "xsi:noNamespaceSchemaLocation": "http://www.mpi.nl/tools/elan/EAFv3.0.xsd",
        }
    )
    eaf.header = {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"}
    audio = Path(info.path).absolute()
    try:
        relative = Path(os.path.relpath(audio, Path(folder or Path.cwd()).absolute())).as_posix()
        relative = relative if relative.startswith("../") else f"./{relative}"
    except ValueError:  # another drive (Windows): no relative path
        relative = None
    eaf.add_linked_file(
        audio.as_uri(), relpath=relative, mimetype=MIME_TYPES.get(audio.suffix.lower(), "audio/*")
    )
    eaf.properties = [
        ("hsb-whisper:model", transcript.model),
        ("hsb-whisper:language", info.language),
    ]
    eaf.remove_tier("default")
    eaf.remove_linguistic_type("default-lt")
    eaf.add_linguistic_type("segment", timealignable=True)
    tiers = speaker_tiers(transcript)
    with_words = any(words for tier in tiers for _, words in tier.intervals)
    if with_words:
        eaf.add_linguistic_type("word", constraints="Included_In", timealignable=True)
    for tier in tiers:
        eaf.add_tier(tier.name, ling="segment", part=tier.participant)
        if with_words:
            eaf.add_tier(tier.words_name, ling="word", parent=tier.name, part=tier.participant)
    for tier in tiers:
        for segment, words in tier.intervals:
            eaf.add_annotation(tier.name, segment.start, segment.end, segment.text)
            for word in words:
                eaf.add_annotation(tier.words_name, word.start, word.end, word.text)
    # ELAN numbers the next annotation the user adds from this: it must be the highest id written
    # (pympi's ids start at a2, not a1, so the number of annotations is one too few)
    eaf.properties.append(("lastUsedAnnotationId", _last_annotation_id(eaf)))
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    f.write(Elan.to_string(eaf))
    f.write("\n")


def _last_annotation_id(eaf) -> int:
    """The highest number of the annotation ids (``a17``) of a pympi ``Eaf``; 0 for none."""
    ids = [aid for aligned, reference, *_ in eaf.tiers.values() for aid in (*aligned, *reference)]
    return max((int(aid.lstrip("a")) for aid in ids), default=0)


# Praat ------------------------------------------------------------------------------------------


def write_textgrid(transcript: Transcript, f: TextIO) -> None:
    """A Praat TextGrid (long text format): an interval tier of segments and, with word
    timestamps, one of words (with speakers, such a pair per speaker, see :func:`speaker_tiers`);
    gaps are filled with empty intervals, as Praat expects."""
    from praatio import textgrid

    tiers = speaker_tiers(transcript)
    last_end = max((s.end for tier in tiers for s, _ in tier.intervals), default=0)
    xmax = max(_ms(transcript.info.duration), last_end, 1) / 1000

    def tier(name: str, entries: list[Interval]):
        return textgrid.IntervalTier(
            name, [(i.start / 1000, i.end / 1000, i.text) for i in entries], 0.0, xmax
        )

    tg = textgrid.Textgrid(0.0, xmax)
    with_words = any(words for t in tiers for _, words in t.intervals)
    for t in tiers:
        tg.addTier(tier(t.name, [segment for segment, _ in t.intervals]))
        if with_words:
            tg.addTier(tier(t.words_name, [w for _, ws in t.intervals for w in ws]))
    f.write(_textgrid_text(tg))


def _textgrid_text(tg) -> str:
    """What praatio saves (long text format, gaps filled, no interval merged away), as text:
    praatio writes only to a named file, so it writes to a private temporary one."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="hsb-whisper-") as folder:
        path = Path(folder) / "transcript.TextGrid"
        tg.save(
            str(path),
            format="long_textgrid",
            includeBlankSpaces=True,
            minimumIntervalLength=None,
            reportingMode="error",
        )
        return path.read_text(encoding="utf-8")


WRITERS: dict[str, Callable[[Transcript, TextIO], None]] = {
    "txt": write_txt,
    "srt": write_srt,
    "vtt": write_vtt,
    "json": write_json,
    "eaf": write_eaf,
    "textgrid": write_textgrid,
}
FORMATS = tuple(WRITERS)


def parse_formats(values: list[str]) -> list[str]:
    """``["srt,vtt", "json"]`` → ``["srt", "vtt", "json"]``; ``all`` means every format."""
    result: list[str] = []
    for value in values:
        for name in filter(None, (v.strip().lower() for v in value.split(","))):
            names = FORMATS if name == "all" else (name,)
            for n in names:
                if n not in WRITERS:
                    raise OptionError(
                        f"unknown output format {n!r}; choose from {', '.join(FORMATS)} or all"
                    )
                if n not in result:
                    result.append(n)
    return result


def suffix(fmt: str) -> str:
    """The file name ending of format ``fmt`` (Praat's own spelling for TextGrids)."""
    return ".TextGrid" if fmt == "textgrid" else f".{fmt}"


def save(transcript: Transcript, path: Path, fmt: str) -> Path:
    """Write ``transcript`` to ``path`` in format ``fmt`` atomically; returns ``path``."""
    writer = WRITERS[fmt]
    if fmt == "eaf":  # the linked audio's path is written relative to the .eaf's folder
        writer = functools.partial(writer, folder=Path(path).parent)
    with atomic_open(path, "w") as f:
        writer(transcript, f)
    return path
