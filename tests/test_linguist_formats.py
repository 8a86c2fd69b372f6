"""ELAN (.eaf) and Praat (.TextGrid) output, read back with pympi and praatio."""

from __future__ import annotations

import io
import itertools
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from praatio import textgrid
from pympi import Elan

from hsb_whisper.transcription import TranscribeOptions, Transcriber, formats
from hsb_whisper.transcription.transcript import AudioInfo, Segment, Transcript, Word

from testsupport.cli_runner import run_cli


def ms(seconds: float) -> int:
    return round(seconds * 1000)


def json_segments(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["segments"]


def eaf_tier(path: Path, tier: str) -> list[tuple[int, int, str]]:
    return sorted(Elan.Eaf(str(path)).get_annotation_data_for_tier(tier))


def textgrid_tier(path: Path, tier: str) -> list[tuple[int, int, str]]:
    """The labelled intervals (Praat's blank fillers left out), in milliseconds."""
    tg = textgrid.openTextgrid(str(path), includeEmptyIntervals=True)
    entries = tg.getTier(tier).entries
    for a, b in itertools.pairwise(entries):
        assert a.end <= b.start + 1e-9, f"overlap in {tier}: {a} {b}"
    assert entries[0].start == 0.0 and entries[-1].end == tg.maxTimestamp
    return [(ms(e.start), ms(e.end), e.label) for e in entries if e.label]


def check_eaf_header(path: Path, audio: Path, language: str) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == "ANNOTATION_DOCUMENT"
    assert root.get("FORMAT") == "3.0" and root.get("VERSION") and root.get("AUTHOR")
    assert root.get("DATE")
    media = root.find("HEADER/MEDIA_DESCRIPTOR")
    assert media is not None
    assert media.get("MEDIA_URL") == audio.resolve().as_uri()
    assert (path.parent / media.get("RELATIVE_MEDIA_URL")).resolve() == audio.resolve()
    assert media.get("MIME_TYPE") == formats.MIME_TYPES[audio.suffix]
    properties = {p.get("NAME"): p.text for p in root.findall("HEADER/PROPERTY")}
    assert properties["hsb-whisper:model"]
    assert properties["hsb-whisper:language"] == language
    assert root.find("TIME_ORDER") is not None
    types = {t.get("LINGUISTIC_TYPE_ID") for t in root.findall("LINGUISTIC_TYPE")}
    for tier in root.findall("TIER"):
        assert tier.get("LINGUISTIC_TYPE_REF") in types
    return root


def expected_segments(segments: list[dict]) -> list[tuple[int, int, str]]:
    return [(ms(s["start"]), ms(s["end"]), s["text"].strip()) for s in segments]


def test_cli_writes_eaf_and_textgrid_matching_json(capsys, clips, tmp_path):
    result = run_cli(
        capsys, "transcribe", clips["en"], "-l", "en", "-f", "json,eaf,textgrid", "-o", tmp_path
    )
    assert result.code == 0, result.err
    segments = json_segments(tmp_path / "en.json")
    expected = expected_segments(segments)
    assert expected
    assert eaf_tier(tmp_path / "en.eaf", formats.SEGMENT_TIER) == expected
    root = check_eaf_header(tmp_path / "en.eaf", clips["en"], "en")
    assert [t.get("TIER_ID") for t in root.findall("TIER")] == [formats.SEGMENT_TIER]
    assert textgrid_tier(tmp_path / "en.TextGrid", formats.SEGMENT_TIER) == expected
    tg = textgrid.openTextgrid(str(tmp_path / "en.TextGrid"), includeEmptyIntervals=True)
    assert list(tg.tierNames) == [formats.SEGMENT_TIER]
    assert tg.minTimestamp == 0
    duration = json.loads((tmp_path / "en.json").read_text())["duration"]
    assert tg.maxTimestamp == pytest.approx(duration, abs=0.001)
    text = (tmp_path / "en.TextGrid").read_text(encoding="utf-8")
    assert text.startswith('File type = "ooTextFile"\nObject class = "TextGrid"\n')
    assert "item [1]:" in text  # the long text format


def test_all_includes_the_linguist_formats():
    assert {"eaf", "textgrid"} <= set(formats.parse_formats(["all"]))
    assert formats.parse_formats(["EAF,TextGrid"]) == ["eaf", "textgrid"]


@pytest.fixture(scope="module")
def word_transcript(default_model, clips) -> Transcript:
    transcriber = Transcriber(default_model, TranscribeOptions(language="en", word_timestamps=True))
    return transcriber.transcribe_all(clips["en_long"])


def test_save_writes_words_tiers(word_transcript, clips, tmp_path):
    assert any(s.words for s in word_transcript.segments)
    out = tmp_path / "sub"
    out.mkdir()
    formats.save(word_transcript, out / "t.json", "json")
    eaf = formats.save(word_transcript, out / "t.eaf", "eaf")
    tg = formats.save(word_transcript, out / "t.textgrid", "textgrid")
    assert sorted(p.name for p in out.iterdir()) == ["t.eaf", "t.json", "t.textgrid"]
    segments = json_segments(out / "t.json")
    expected = expected_segments(segments)
    words = [
        (ms(w["start"]), ms(w["end"]), w["text"].strip()) for s in segments for w in s["words"]
    ]
    words = [w for w in words if w[1] > w[0]]  # zero-length words are dropped
    assert len(words) > 10
    check_eaf_header(eaf, clips["en_long"], "en")
    for read in (eaf_tier, textgrid_tier):
        path = eaf if read is eaf_tier else tg
        assert read(path, formats.SEGMENT_TIER) == expected
        assert read(path, formats.WORD_TIER) == words
    document = Elan.Eaf(str(eaf))
    assert document.tiers[formats.WORD_TIER][2]["PARENT_REF"] == formats.SEGMENT_TIER
    for start, end, _ in eaf_tier(eaf, formats.WORD_TIER):  # every word inside a segment
        assert any(s <= start and end <= e for s, e, _ in expected)


def render(transcript: Transcript, fmt: str) -> str:
    f = io.StringIO()
    formats.WRITERS[fmt](transcript, f)
    return f.getvalue()


BROKEN = Transcript(
    AudioInfo(Path("talk.flac"), 4.0, "cs", 1.0),
    [
        Segment(
            0.0,
            1.5,
            "Dobry dźeń.",
            -0.2,
            0.01,
            (Word(0.0, 0.8, " Dobry", 0.9), Word(0.7, 1.6, " dźeń.", 0.9)),
        ),
        Segment(1.5, 1.5, "zero length", -0.2, 0.01),
        Segment(
            1.2,
            2.0,
            "starts too early",
            -0.2,
            0.01,
            (
                Word(1.2, 1.4, " starts", 0.9),
                Word(1.6, 1.6, " too", 0.9),
                Word(1.7, 2.0, " early", 0.9),
            ),
        ),
        Segment(1.8, 1.9, "inside the previous one", -0.2, 0.01),
        Segment(3.0, 4.2, "past the end", -0.2, 0.01),
    ],
    "my-model",
)
REPAIRED = [
    (0, 1500, "Dobry dźeń."),
    (1500, 2000, "starts too early"),
    (3000, 4200, "past the end"),
]
REPAIRED_WORDS = [(0, 800, "Dobry"), (800, 1500, "dźeń."), (1700, 2000, "early")]


def test_overlaps_and_zero_lengths_are_repaired(tmp_path):
    (tmp_path / "talk.flac").write_bytes(b"")
    eaf = tmp_path / "talk.eaf"
    eaf.write_text(render(BROKEN, "eaf"), encoding="utf-8")
    tg = tmp_path / "talk.TextGrid"
    tg.write_text(render(BROKEN, "textgrid"), encoding="utf-8")
    for read, path in ((eaf_tier, eaf), (textgrid_tier, tg)):
        assert read(path, formats.SEGMENT_TIER) == REPAIRED
        assert read(path, formats.WORD_TIER) == REPAIRED_WORDS
    grid = textgrid.openTextgrid(str(tg), includeEmptyIntervals=True)
    assert grid.maxTimestamp == pytest.approx(4.2)  # the audio's duration, or the last end
    root = ET.parse(eaf).getroot()
    media = root.find("HEADER/MEDIA_DESCRIPTOR")
    assert media.get("MIME_TYPE") == "audio/flac"
    # relative to the current folder for a document not written by save
    assert Path(media.get("RELATIVE_MEDIA_URL")) == Path("./talk.flac")


def test_relative_media_url_from_another_folder(tmp_path):
    audio = tmp_path / "audio" / "rec ording.mp3"
    audio.parent.mkdir()
    audio.write_bytes(b"")
    transcript = Transcript(AudioInfo(audio, 2.0, "cs", 1.0), [], "m")
    (tmp_path / "notes").mkdir()
    out = formats.save(transcript, tmp_path / "notes" / "x.eaf", "eaf")
    media = ET.parse(out).getroot().find("HEADER/MEDIA_DESCRIPTOR")
    assert media.get("RELATIVE_MEDIA_URL") == "../audio/rec ording.mp3"
    assert media.get("MEDIA_URL") == audio.as_uri()
    assert media.get("MIME_TYPE") == "audio/mpeg"
    assert Elan.Eaf(str(out)).get_annotation_data_for_tier(formats.SEGMENT_TIER) == []
    formats.save(transcript, tmp_path / "notes" / "x.textgrid", "textgrid")
    grid = textgrid.openTextgrid(str(tmp_path / "notes" / "x.textgrid"), includeEmptyIntervals=True)
    assert grid.maxTimestamp == pytest.approx(2.0)


def test_eaf_save_is_atomic(tmp_path, monkeypatch):
    out = tmp_path / "a.eaf"
    out.write_text("old")
    monkeypatch.setattr(Elan, "to_string", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        formats.save(BROKEN, out, "eaf")
    assert out.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.eaf"]
