"""Transcript writers: plain text, SubRip (SRT), WebVTT and JSON. Used by the CLI and the app.

Files are written under a temporary name and renamed when complete, so an interrupted run never
leaves a half-written subtitle file.
"""

from __future__ import annotations

import dataclasses
import json
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


WRITERS: dict[str, Callable[[Transcript, TextIO], None]] = {
    "txt": write_txt,
    "srt": write_srt,
    "vtt": write_vtt,
    "json": write_json,
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


def save(transcript: Transcript, path: Path, fmt: str) -> Path:
    """Write ``transcript`` to ``path`` in format ``fmt`` atomically; returns ``path``."""
    with atomic_open(path, "w") as f:
        WRITERS[fmt](transcript, f)
    return path
