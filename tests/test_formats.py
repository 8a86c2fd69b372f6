"""The transcript writers on a hand-made transcript."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from hsb_whisper.errors import OptionError
from hsb_whisper.transcription import formats
from hsb_whisper.transcription.transcript import AudioInfo, Segment, Transcript, Word

TRANSCRIPT = Transcript(
    AudioInfo(Path("a.wav"), 3725.5, "cs", 1.0),
    [
        Segment(0.0, 1.5, "Dobry dźeń.", -0.2, 0.01, (Word(0.0, 0.7, "Dobry", 0.9),)),
        Segment(3661.25, 3662.0, "a --> b", -0.4, 0.02),
    ],
    "whisper-base",
)


def render(fmt: str) -> str:
    f = io.StringIO()
    formats.WRITERS[fmt](TRANSCRIPT, f)
    return f.getvalue()


def test_srt():
    assert render("srt") == (
        "1\n00:00:00,000 --> 00:00:01,500\nDobry dźeń.\n\n"
        "2\n01:01:01,250 --> 01:01:02,000\na -> b\n\n"
    )


def test_vtt_and_txt():
    assert render("vtt") == (
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nDobry dźeń.\n\n"
        "01:01:01.250 --> 01:01:02.000\na -> b\n\n"
    )
    assert render("txt") == "Dobry dźeń.\na --> b\n"


def test_json_keeps_diacritics_and_words():
    data = json.loads(render("json"))
    assert data["text"] == "Dobry dźeń. a --> b"
    assert data["segments"][0]["words"] == [
        {"start": 0.0, "end": 0.7, "text": "Dobry", "probability": 0.9}
    ]
    assert "words" not in data["segments"][1]
    assert "dźeń" in render("json")  # not \u escaped


def test_parse_formats():
    assert formats.parse_formats(["srt,vtt", "json", "SRT"]) == ["srt", "vtt", "json"]
    assert formats.parse_formats(["all"]) == ["txt", "srt", "vtt", "json", "eaf", "textgrid"]
    with pytest.raises(OptionError, match="unknown output format 'pdf'"):
        formats.parse_formats(["pdf"])


def test_save_is_atomic(tmp_path, monkeypatch):
    out = tmp_path / "a.srt"
    out.write_text("old")

    def explode(transcript, f):
        f.write("half")
        raise RuntimeError("disk full")

    monkeypatch.setitem(formats.WRITERS, "srt", explode)
    with pytest.raises(RuntimeError):
        formats.save(TRANSCRIPT, out, "srt")
    assert out.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.srt"]
