"""Speakers (diarization) in every output format, on hand-made transcripts; speaker names from
others are cleaned when renamed, and no writer writes a control character."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest
from praatio import textgrid
from pympi import Elan

from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.transcription import formats
from hsb_whisper.transcription.transcript import AudioInfo, Segment, Transcript, Word


def segment(start: float, end: float, speaker: str | None, *words: tuple[float, float, str]):
    """A segment of ``words`` (start, end, text), its text theirs."""
    text = " ".join(w for _, _, w in words)
    timed = tuple(Word(a, b, f" {w}", 0.9) for a, b, w in words)
    return Segment(start, end, text, -0.2, 0.01, timed, speaker)


def talk() -> Transcript:
    """Two speakers, S1 named, S2 not; S2 starts while S1 is still talking, and S2's own
    segments overlap (ELAN and Praat need that repaired within S2's tier); the last segment is
    nobody's."""
    segments = [
        segment(0.0, 1.5, "S1", (0, 0.7, "Dobry"), (0.7, 1.5, "dźeń.")),
        segment(1.2, 2.5, "S2", (1.2, 1.8, "Witaj,"), (1.8, 2.5, "Jan.")),
        segment(2.5, 3.0, "S1", (2.5, 2.7, "Kak"), (2.7, 2.8, "so"), (2.8, 3.0, "maš?")),
        segment(2.8, 3.6, "S2", (2.8, 3.6, "Derje.")),
        segment(3.4, 4.0, "S2", (3.4, 3.7, "A"), (3.7, 4.0, "ty?")),
        segment(4.5, 5.0, None, (4.5, 5.0, "Hm.")),
    ]
    return Transcript(AudioInfo(Path("talk.flac"), 6.0, "cs", 1.0), segments, "m", {"S1": "Jan"})


# Each speaker's tier, repaired on its own: S2's "Witaj" keeps its start inside S1's first
# segment, S2's "A ty?" starts where S2's "Derje." ends.
JAN = [(0, 1500, "Dobry dźeń."), (2500, 3000, "Kak so maš?")]
JAN_WORDS = [(0, 700, "Dobry"), (700, 1500, "dźeń."), (2500, 2700, "Kak"), (2700, 2800, "so")]
JAN_WORDS += [(2800, 3000, "maš?")]
S2 = [(1200, 2500, "Witaj, Jan."), (2800, 3600, "Derje."), (3600, 4000, "A ty?")]
S2_WORDS = [(1200, 1800, "Witaj,"), (1800, 2500, "Jan."), (2800, 3600, "Derje.")]
S2_WORDS += [(3600, 3700, "A"), (3700, 4000, "ty?")]
NOBODY = [(4500, 5000, "Hm.")]


def render(transcript: Transcript, fmt: str) -> str:
    f = io.StringIO()
    formats.WRITERS[fmt](transcript, f)
    return f.getvalue()


def without_words(transcript: Transcript) -> Transcript:
    segments = [dataclasses.replace(s, words=()) for s in transcript.segments]
    return dataclasses.replace(transcript, segments=segments)


def without_speakers(transcript: Transcript) -> Transcript:
    segments = [dataclasses.replace(s, speaker=None) for s in transcript.segments]
    return dataclasses.replace(transcript, segments=segments, speaker_names={})


# JSON -------------------------------------------------------------------------------------------


def test_json_round_trips_speakers_and_names(tmp_path):
    transcript = talk()
    transcript.rename_speaker("S3", "Marja")  # a name no segment uses (any more) is kept too
    path = formats.save(transcript, tmp_path / "talk.json", "json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["speakers"] == [
        {"id": "S1", "name": "Jan"},
        {"id": "S2", "name": "S2"},
        {"id": "S3", "name": "Marja"},
    ]
    assert [s["speaker"] for s in data["segments"]] == ["S1", "S2", "S1", "S2", "S2", None]
    for segment in data["segments"]:
        assert {w["speaker"] for w in segment["words"]} == {segment["speaker"]}
    back = formats.read_json(path)
    assert back.segments == transcript.segments
    assert back.speaker_names == {"S1": "Jan", "S3": "Marja"}
    assert back.speakers == ["S1", "S2"]
    back.rename_speaker("S1", "Jan Nowak")  # the editor renames, autosaves, reopens
    formats.save(back, path, "json")
    assert formats.read_json(path).speaker_names == {"S1": "Jan Nowak", "S3": "Marja"}


def test_json_without_speakers_has_no_speaker_keys(tmp_path):
    text = render(without_speakers(talk()), "json")
    assert '"speaker' not in text
    path = tmp_path / "plain.json"
    path.write_text(text, encoding="utf-8")
    back = formats.read_json(path)
    assert [s.speaker for s in back.segments] == [None] * 6
    assert back.speaker_names == {}


def test_old_json_without_speakers_still_reads(tmp_path):
    path = tmp_path / "old.json"
    segment = {"id": 0, "start": 0.0, "end": 1.0, "text": "Dobry dźeń.", "avg_logprob": -0.2}
    segment |= {"no_speech_prob": 0.01, "words": [{"start": 0.0, "end": 1.0, "text": "Dobry"}]}
    segment["words"][0]["probability"] = 0.9
    old = {"format_version": 1, "file": "a.wav", "duration": 2.0, "language": "cs", "model": "m"}
    old |= {"text": "Dobry dźeń.", "segments": [segment]}
    path.write_text(json.dumps(old), encoding="utf-8")
    back = formats.read_json(path)
    assert back.segments == [
        Segment(0.0, 1.0, "Dobry dźeń.", -0.2, 0.01, (Word(0.0, 1.0, "Dobry", 0.9),))
    ]
    assert back.speakers == [] and back.speaker_names == {}


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["segments"][0].update(speaker=3),
        lambda d: d["segments"][0].update(speaker=""),
        lambda d: d.update(speakers=[{"name": "Jan"}]),
        lambda d: d.update(speakers=[{"id": "S1", "name": ["Jan"]}]),
        lambda d: d.update(speakers="S1"),
    ],
)
def test_json_with_broken_speakers_is_refused(tmp_path, change):
    data = json.loads(render(talk(), "json"))
    change(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(HsbWhisperError, match="not a transcript saved by hsb-whisper"):
        formats.read_json(path)


# Text and subtitles -----------------------------------------------------------------------------


def test_txt_lines_start_with_the_name():
    transcript = talk()
    assert render(transcript, "txt").splitlines() == [
        "Jan: Dobry dźeń.",
        "S2: Witaj, Jan.",
        "Jan: Kak so maš?",
        "S2: Derje.",
        "S2: A ty?",
        "Hm.",
    ]
    transcript.rename_speaker("S2", "Marja")
    assert render(transcript, "txt").splitlines()[1] == "Marja: Witaj, Jan."


def cues(text: str) -> list[str]:
    """The text of each cue (SRT or WebVTT), after its timing line."""
    result = []
    for block in text.strip().split("\n\n"):
        lines = block.split("\n")
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is not None:  # not the WebVTT header
            result.append("\n".join(lines[timing + 1 :]))
    return result


def test_srt_cues_start_with_the_name():
    transcript = talk()
    transcript.rename_speaker("S2", "Marja")
    text = render(transcript, "srt")
    assert cues(text) == [
        "Jan: Dobry dźeń.",
        "Marja: Witaj, Jan.",
        "Jan: Kak so maš?",
        "Marja: Derje.",
        "Marja: A ty?",
        "Hm.",
    ]
    assert text.startswith("1\n00:00:00,000 --> 00:00:01,500\n")


def test_vtt_voice_spans_escape_the_name():
    transcript = talk()
    transcript.rename_speaker("S1", "Jan <Nowak> & syn")
    text = render(transcript, "vtt")
    assert text.startswith("WEBVTT\n\n")
    assert cues(text) == [
        "<v Jan &lt;Nowak&gt; &amp; syn>Dobry dźeń.",
        "<v S2>Witaj, Jan.",
        "<v Jan &lt;Nowak&gt; &amp; syn>Kak so maš?",
        "<v S2>Derje.",
        "<v S2>A ty?",
        "Hm.",
    ]


def test_subtitles_without_speakers_have_no_prefix():
    plain = without_speakers(talk())
    assert render(plain, "txt").splitlines() == [s.text for s in plain.segments]
    assert cues(render(plain, "srt")) == [s.text for s in plain.segments]
    assert cues(render(plain, "vtt")) == [s.text for s in plain.segments]


def test_names_are_one_line():
    transcript = talk()  # names not typed in the editor (a JSON file edited by hand)
    transcript.speaker_names.update({"S1": "Jan\n Nowak", "S2": " \t"})
    assert render(transcript, "txt").splitlines()[:2] == [
        "Jan Nowak: Dobry dźeń.",
        "S2: Witaj, Jan.",
    ]
    assert cues(render(transcript, "vtt"))[:2] == ["<v Jan Nowak>Dobry dźeń.", "<v S2>Witaj, Jan."]
    assert [t.name for t in formats.speaker_tiers(transcript)][:2] == ["Jan Nowak", "S2"]


# ELAN and Praat ---------------------------------------------------------------------------------


def write(tmp_path: Path, transcript: Transcript, fmt: str) -> Path:
    return formats.save(transcript, tmp_path / f"talk{formats.suffix(fmt)}", fmt)


def eaf_tiers(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    eaf = Elan.Eaf(str(path))
    return {t: sorted(eaf.get_annotation_data_for_tier(t)) for t in eaf.get_tier_names()}


def textgrid_tiers(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    grid = textgrid.openTextgrid(str(path), includeEmptyIntervals=False)
    return {
        tier.name: [(round(e.start * 1000), round(e.end * 1000), e.label) for e in tier.entries]
        for tier in grid.tiers
    }


def test_eaf_has_a_tier_per_speaker(tmp_path):
    path = write(tmp_path, talk(), "eaf")
    tiers = eaf_tiers(path)
    assert tiers == {
        "Jan": JAN,
        "words (Jan)": JAN_WORDS,
        "S2": S2,
        "words (S2)": S2_WORDS,
        formats.NO_SPEAKER_TIER: NOBODY,
        f"words ({formats.NO_SPEAKER_TIER})": [(4500, 5000, "Hm.")],
    }
    assert list(tiers) == list(Elan.Eaf(str(path)).tiers)  # in order of first appearance
    attributes = {name: t[2] for name, t in Elan.Eaf(str(path)).tiers.items()}
    assert attributes["Jan"]["PARTICIPANT"] == "Jan"
    assert attributes["S2"]["PARTICIPANT"] == "S2"
    assert not attributes[formats.NO_SPEAKER_TIER].get("PARTICIPANT")
    for tier in ("Jan", "S2", formats.NO_SPEAKER_TIER):
        assert attributes[f"words ({tier})"]["PARENT_REF"] == tier
        assert attributes[f"words ({tier})"].get("PARTICIPANT") == attributes[tier].get(
            "PARTICIPANT"
        )
        assert attributes[tier].get("PARENT_REF") is None


def test_eaf_without_words_or_speakers(tmp_path):
    tiers = eaf_tiers(write(tmp_path, without_words(talk()), "eaf"))
    assert tiers == {"Jan": JAN, "S2": S2, formats.NO_SPEAKER_TIER: NOBODY}
    plain = eaf_tiers(write(tmp_path, without_speakers(talk()), "eaf"))
    assert list(plain) == [formats.SEGMENT_TIER, formats.WORD_TIER]
    # one tier: the whole transcript repaired at once
    assert plain[formats.SEGMENT_TIER][1] == (1500, 2500, "Witaj, Jan.")


def test_equal_names_make_unique_tiers(tmp_path):
    transcript = without_words(talk())
    transcript.rename_speaker("S2", "Jan")
    transcript.reassign(5, "S3")
    transcript.rename_speaker("S3", formats.NO_SPEAKER_TIER)  # no None segment left: no clash
    tiers = eaf_tiers(write(tmp_path, transcript, "eaf"))
    assert tiers == {"Jan": JAN, "Jan (S2)": S2, formats.NO_SPEAKER_TIER: NOBODY}
    attributes = {name: t[2] for name, t in Elan.Eaf(str(tmp_path / "talk.eaf")).tiers.items()}
    assert attributes["Jan (S2)"]["PARTICIPANT"] == "Jan"
    assert textgrid_tiers(write(tmp_path, transcript, "textgrid")) == tiers


def test_equal_names_with_words_and_nobody(tmp_path):
    transcript = talk()
    transcript.rename_speaker("S2", formats.NO_SPEAKER_TIER)
    names = [t.name for t in formats.speaker_tiers(transcript)]
    words = [t.words_name for t in formats.speaker_tiers(transcript)]
    assert names == ["Jan", f"{formats.NO_SPEAKER_TIER} (S2)", formats.NO_SPEAKER_TIER]
    assert len(set(names + words)) == 6
    tiers = eaf_tiers(write(tmp_path, transcript, "eaf"))
    assert tiers[f"{formats.NO_SPEAKER_TIER} (S2)"] == S2
    assert tiers[formats.NO_SPEAKER_TIER] == NOBODY
    assert textgrid_tiers(write(tmp_path, transcript, "textgrid")) == tiers


def test_textgrid_has_a_tier_per_speaker(tmp_path):
    path = write(tmp_path, talk(), "textgrid")
    tiers = textgrid_tiers(path)
    assert list(tiers) == [
        "Jan",
        "words (Jan)",
        "S2",
        "words (S2)",
        formats.NO_SPEAKER_TIER,
        f"words ({formats.NO_SPEAKER_TIER})",
    ]
    assert tiers["Jan"] == JAN and tiers["words (Jan)"] == JAN_WORDS
    assert tiers["S2"] == S2 and tiers["words (S2)"] == S2_WORDS
    assert tiers[formats.NO_SPEAKER_TIER] == NOBODY
    grid = textgrid.openTextgrid(str(path), includeEmptyIntervals=True)
    assert grid.maxTimestamp == pytest.approx(6.0)
    for tier in grid.tiers:  # Praat's gaps filled: every tier covers the whole file
        assert tier.entries[0].start == 0.0 and tier.entries[-1].end == grid.maxTimestamp


def test_textgrid_without_words(tmp_path):
    tiers = textgrid_tiers(write(tmp_path, without_words(talk()), "textgrid"))
    assert tiers == {"Jan": JAN, "S2": S2, formats.NO_SPEAKER_TIER: NOBODY}


# --- speaker names from others: cleaned, and never written with control characters ----------


def _talk() -> Transcript:
    segments = [Segment(0.0, 1.0, "Dobry dźeń.", -0.1, 0.0, speaker="S1")]
    segments.append(Segment(1.0, 2.0, "Witaj.", -0.1, 0.0, speaker="S2"))
    return Transcript(AudioInfo(Path("a.wav"), 2.0, "hsb", 1.0), segments, "m")


def test_rename_cleans_the_name_like_the_command_line():
    transcript = _talk()
    transcript.rename_speaker("S1", "Jan\x1b[31m\u202e Nowak")
    transcript.rename_speaker("S2", "\u200b")
    assert transcript.speaker_names == {"S1": "Jan[31m Nowak"}


@pytest.mark.parametrize("fmt", ["txt", "srt", "vtt", "eaf", "textgrid", "json"])
def test_writers_never_write_control_characters(tmp_path, fmt):
    import xml.etree.ElementTree as ET

    transcript = _talk()
    transcript.speaker_names.update({"S1": "Jan\x00\x1b]0;x\x07", "S2": "\u200b\u202e"})
    path = tmp_path / f"t.{fmt}"
    formats.save(transcript, path, fmt)
    text = path.read_text(encoding="utf-8")
    if fmt == "eaf":
        ET.fromstring(text.encode())  # XML
    if fmt != "json":  # JSON keeps names as given, escaped
        assert not any(c in text for c in "\x00\x1b\x07\u200b\u202e"), text
        assert "Jan]0;x" in text
