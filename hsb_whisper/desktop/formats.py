"""Transcript writers: plain text, SubRip (SRT), WebVTT, JSON, ELAN (EAF) and Praat (TextGrid).
Used by the CLI and the app.

Files are written under a temporary name and renamed when complete, so an interrupted run never
leaves a half-written subtitle file.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from hsb_whisper.desktop.transcriber import Transcript
from hsb_whisper.errors import OptionError
from hsb_whisper.files import atomic_open

JSON_FORMAT_VERSION = 1


def timestamp(seconds: float, decimal_marker: str = ".", always_hours: bool = True) -> str:
    """``HH:MM:SS.mmm`` (SRT uses ``,`` as the marker)."""
    millis = round(max(seconds, 0.0) * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    head = f"{hours:02d}:" if always_hours or hours else ""
    return f"{head}{minutes:02d}:{secs:02d}{decimal_marker}{millis:03d}"


def write_txt(transcript: Transcript, f: TextIO) -> None:
    for segment in transcript.segments:
        f.write(segment.text + "\n")


def write_srt(transcript: Transcript, f: TextIO) -> None:
    for i, s in enumerate(transcript.segments, start=1):
        f.write(f"{i}\n{timestamp(s.start, ',')} --> {timestamp(s.end, ',')}\n")
        f.write(f"{_cue_text(s.text)}\n\n")


def write_vtt(transcript: Transcript, f: TextIO) -> None:
    f.write("WEBVTT\n\n")
    for s in transcript.segments:
        f.write(f"{timestamp(s.start)} --> {timestamp(s.end)}\n{_cue_text(s.text)}\n\n")


def write_json(transcript: Transcript, f: TextIO) -> None:
    info = transcript.info
    data = {
        "format_version": JSON_FORMAT_VERSION,
        "file": str(info.path),
        "duration": round(info.duration, 3),
        "language": info.language,
        "model": transcript.model,
        "text": " ".join(s.text for s in transcript.segments),
        "segments": [_segment_json(i, s) for i, s in enumerate(transcript.segments)],
    }
    json.dump(data, f, ensure_ascii=False, indent=2)
    f.write("\n")


def read_json(path: Path) -> Transcript:
    """A transcript saved by :func:`write_json` (the editor's autosave uses this format)."""
    from hsb_whisper.desktop.transcriber import AudioInfo, Segment, Word
    from hsb_whisper.errors import HsbWhisperError

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        segments = [
            Segment(
                start=s["start"],
                end=s["end"],
                text=s["text"],
                avg_logprob=s["avg_logprob"],
                no_speech_prob=s["no_speech_prob"],
                words=tuple(
                    Word(w["start"], w["end"], w["text"], w["probability"])
                    for w in s.get("words", ())
                ),
            )
            for s in data["segments"]
        ]
        info = AudioInfo(Path(data["file"]), data["duration"], data["language"], 1.0)
        return Transcript(info, segments, data["model"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise HsbWhisperError(f"{path}: not a transcript saved by hsb-whisper ({e})") from e


def _segment_json(index: int, segment) -> dict:
    data = {"id": index, **dataclasses.asdict(segment)}
    for key in ("start", "end"):
        data[key] = round(data[key], 3)
    if not segment.words:
        del data["words"]
    else:
        data["words"] = [
            {**w, "start": round(w["start"], 3), "end": round(w["end"], 3)} for w in data["words"]
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
    result: list[tuple[Interval, list[Interval]]] = []
    previous_end = 0
    for segment in transcript.segments:
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


# ELAN -------------------------------------------------------------------------------------------

SEGMENT_TIER = "transcript"
WORD_TIER = "words"
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
    keeps each word's own times). ``folder`` is where the .eaf will lie, for the media's relative
    path (the current folder when None)."""
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
    eaf.add_tier(SEGMENT_TIER, ling="segment", language=None)
    intervals = segment_intervals(transcript)
    if any(words for _, words in intervals):
        eaf.add_linguistic_type("word", constraints="Included_In", timealignable=True)
        eaf.add_tier(WORD_TIER, ling="word", parent=SEGMENT_TIER)
    for segment, words in intervals:
        eaf.add_annotation(SEGMENT_TIER, segment.start, segment.end, segment.text)
        for word in words:
            eaf.add_annotation(WORD_TIER, word.start, word.end, word.text)
    count = sum(1 + len(words) for _, words in intervals)
    eaf.properties.append(("lastUsedAnnotationId", count))
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    f.write(Elan.to_string(eaf))
    f.write("\n")


# Praat ------------------------------------------------------------------------------------------


def write_textgrid(transcript: Transcript, f: TextIO) -> None:
    """A Praat TextGrid (long text format): an interval tier of segments and, with word
    timestamps, one of words; gaps are filled with empty intervals, as Praat expects."""
    from praatio import textgrid

    intervals = segment_intervals(transcript)
    last_end = max((segment.end for segment, _ in intervals), default=0)
    xmax = max(_ms(transcript.info.duration), last_end, 1) / 1000

    def tier(name: str, entries: list[Interval]):
        return textgrid.IntervalTier(
            name, [(i.start / 1000, i.end / 1000, i.text) for i in entries], 0.0, xmax
        )

    tg = textgrid.Textgrid(0.0, xmax)
    tg.addTier(tier(SEGMENT_TIER, [segment for segment, _ in intervals]))
    words = [w for _, ws in intervals for w in ws]
    if words:
        tg.addTier(tier(WORD_TIER, words))
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
