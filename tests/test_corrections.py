"""What the user corrected: a transcript keeps the model's text beside the edited one, which
segments the user confirmed, and whether the recording may become training data; saved and read
back, and transcripts saved before (format 1) still open."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.transcription import formats
from hsb_whisper.transcription.transcript import AudioInfo, Segment, Transcript, Word


def made_up() -> Transcript:
    words = (Word(0.0, 0.4, " Dobry", 0.95), Word(0.4, 0.9, " dźeń", 0.31))
    segments = [
        Segment(0.0, 1.0, "Dobry dźeń", -0.3, 0.01, words),
        Segment(1.2, 2.0, "mje rěka Jan", -0.1, 0.01, (Word(1.2, 2.0, " mje", 0.9),)),
        Segment(2.5, 3.5, "a bydlu", -2.0, 0.02),  # no words: the segment's probability
    ]
    return Transcript(AudioInfo(Path("a.wav"), 4.0, "cs", 1.0), segments, "whisper-base")


def test_an_edit_keeps_the_model_text_and_confirms():
    t = made_up()
    t.edit_text(0, "Dobry dźeń!")
    t.edit_text(0, "Dobry dźeń, Jano!")  # a second edit keeps the first original
    assert t.segments[0].text == "Dobry dźeń, Jano!"
    assert t.segments[0].model_text == "Dobry dźeń" and t.segments[0].edited
    assert t.segments[0].confirmed
    t.edit_text(1, "mje rěka Jan")  # no change: not confirmed, nothing kept
    assert t.segments[1].original_text is None and not t.segments[1].confirmed
    t.confirm(1)
    assert [s.confirmed for s in t.segments] == [True, True, False]
    assert not t.segments[1].edited and t.segments[1].model_text == "mje rěka Jan"


def test_next_uncertain_skips_confirmed_and_certain_segments():
    t = made_up()
    assert t.segments[0].confidence == pytest.approx(0.31)
    assert [w.text for w in t.segments[0].uncertain_words()] == [" dźeń"]
    assert t.next_uncertain() == 0
    assert t.next_uncertain(0) == 2  # segment 1 is certain (0.9); 2 has exp(-2) = 0.14
    t.confirm(2)
    assert t.next_uncertain(0) == 0  # wraps around
    t.confirm(0)
    assert t.next_uncertain() is None


def test_corrections_survive_saving_and_reading(tmp_path):
    t = made_up()
    t.edit_text(0, "Dobry dźeń, Jano!")
    t.confirm(1)
    t.excluded_from_training = True
    path = formats.save(t, tmp_path / "a.json", "json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format_version"] == 2 and data["excluded_from_training"] is True
    first, second, third = data["segments"]
    assert first["original_text"] == "Dobry dźeń" and first["confirmed"] is True
    assert "original_text" not in second and second["confirmed"] is True
    assert "original_text" not in third and "confirmed" not in third
    again = formats.read_json(path)
    assert again.segments == t.segments and again.excluded_from_training


def test_a_transcript_of_format_1_opens_with_nothing_confirmed(tmp_path):
    old = {
        "format_version": 1, "file": "a.wav", "duration": 2.0, "language": "cs", "model": "m",
        "text": "x", "segments": [{"id": 0, "start": 0.0, "end": 1.0, "text": "x",
                                   "avg_logprob": -0.2, "no_speech_prob": 0.0}],
    }  # fmt: skip
    (tmp_path / "old.json").write_text(json.dumps(old))
    t = formats.read_json(tmp_path / "old.json")
    assert not t.segments[0].confirmed and t.segments[0].model_text == "x"
    assert not t.excluded_from_training


@pytest.mark.parametrize(
    "segment_change",
    [
        {"confirmed": "yes"},
        {"original_text": 5},
        {"confirmed": 1},
        {"text": ["a"]},
        {"start": "0"},
        {"end": -1},
        {"start": float("nan")},
        {"words": [{"start": 0}]},
    ],
)
def test_bad_correction_fields_are_one_line(tmp_path, segment_change):
    t = made_up()
    path = formats.save(t, tmp_path / "a.json", "json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["segments"][0].update(segment_change)
    path.write_text(json.dumps(data))
    with pytest.raises(HsbWhisperError, match="not a transcript saved by hsb-whisper"):
        formats.read_json(path)
