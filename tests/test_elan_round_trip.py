"""The linguist's round trip: ``transcribe -f eaf`` (and ``textgrid``), correct in ELAN or Praat,
import back as training data. Files made by the real transcriber import without ``--tier`` (word
tiers are subdivisions, never candidates), the split falls back from the single speaker to
recordings and to time blocks so that dev and test are not empty, and the report says which unit
it used and where each recording was found."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from pympi import Elan

from hsb_whisper.cli import main
from hsb_whisper.data import CutOptions, import_annotations
from hsb_whisper.data.annotations import read_eaf, read_textgrid
from hsb_whisper.data.manifest import Clip, read_manifest
from hsb_whisper.data.split import BLOCK_SECONDS, Origin, split_clips
from hsb_whisper.errors import OptionError
from hsb_whisper.transcription import formats
from hsb_whisper.transcription.transcript import AudioInfo, Segment, Transcript, Word

from testsupport.cli_runner import run_cli
from testsupport.speech import read_wav, speak, write_wav

SPLITS = ("train", "dev", "test")
SECOND_STRETCH_S = BLOCK_SECONDS + 2.0  # the second stretch of speech lies in the second block
FIRST = (
    "Good morning, and welcome to our village.",
    "The old school stands next to the church.",
)
SECOND = (
    "In the evening we sang songs together.",
    "My grandmother told long stories by the fire.",
)


def _recording(path: Path, stretches: list[tuple[float, tuple[str, ...]]]) -> Path:
    """A recording of espeak-ng speech: each stretch's sentences from its start (seconds), 0.7 s
    apart, silence elsewhere (voice activity detection skips it, so transcribing stays fast)."""
    rate, pieces = 22050, []
    for start, sentences in stretches:
        at = round(start * rate)
        for sentence in sentences:
            samples, rate = read_wav(speak(sentence, "en", path.with_suffix(".tmp.wav")))
            pieces.append((at, samples[:, 0]))
            at += len(samples) + round(0.7 * rate)
    path.with_suffix(".tmp.wav").unlink()
    mix = np.zeros(max(at + len(s) for at, s in pieces) + rate, np.int16)
    for at, samples in pieces:
        mix[at : at + len(samples)] = samples
    return write_wav(path, mix, rate)


@pytest.fixture(scope="module")
def transcribed(tmp_path_factory, default_model) -> Path:
    """A folder of two recordings, each with the .eaf and .TextGrid that ``hsb-whisper
    transcribe`` (run in-process, quietly) wrote beside it, the second with word timestamps: 4
    stretches of speech in 4 blocks, 2 recordings, 1 tier without speaker."""
    folder = tmp_path_factory.mktemp("round-trip")
    _recording(folder / "wjes.wav", [(0.5, FIRST), (SECOND_STRETCH_S, SECOND)])
    _recording(folder / "spewy.wav", [(0.5, SECOND), (SECOND_STRETCH_S, FIRST)])
    for name, extra in (("wjes", []), ("spewy", ["--word-timestamps"])):
        args = [folder / f"{name}.wav", "-l", "en", "--beam-size", "1", "-f", "eaf,textgrid"]
        code = main(["transcribe", *map(str, args), "-o", str(folder), "-q", *extra])
        assert code == 0
    return folder


def _report(out: Path) -> dict:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def _block(clip: Clip) -> tuple[str, int]:
    """A clip's recording (file name) and block, from its id ``<file>_<tier>_<start ms>``."""
    start_ms = int(re.search(r"_(\d{8})$", clip.id).group(1))
    return clip.id.split("_")[0], int(start_ms / 1000 // BLOCK_SECONDS)


@pytest.mark.slow
def test_transcribed_eafs_import_without_tier_into_every_split(capsys, transcribed, tmp_path):
    words = Elan.Eaf(str(transcribed / "spewy.eaf"))
    assert set(words.get_tier_names()) == {formats.SEGMENT_TIER, formats.WORD_TIER}
    out = tmp_path / "data"
    result = run_cli(capsys, "data", "import-eaf", transcribed, "--out", out, "-q")
    assert result.code == 0, result.out + result.err

    report = _report(out)
    assert report["tiers"] == {
        str(transcribed / "spewy.eaf"): [formats.SEGMENT_TIER],
        str(transcribed / "wjes.eaf"): [formats.SEGMENT_TIER],
    }
    split = report["split"]
    assert (split["unit"], split["speakers"], split["recordings"]) == ("block", 1, 2)
    assert split["units"] == 4 and not split["speaker_disjoint"]
    clips = {s: read_manifest(out / f"{s}.jsonl") for s in SPLITS}
    assert all(clips.values()), {s: len(c) for s, c in clips.items()}
    owners: dict[tuple[str, int], set[str]] = {}
    for name, part in clips.items():
        for clip in part:
            assert clip.speaker == formats.SEGMENT_TIER  # the tier's name: it has no participant
            owners.setdefault(_block(clip), set()).add(name)
    assert len(owners) == 4 and all(len(s) == 1 for s in owners.values()), owners
    assert not any("is empty" in w for w in report["warnings"])
    [warning] = report["warnings"]
    assert warning.startswith("only 1 speaker ('transcript'), too few")
    assert f"WARNING: {warning}" in result.out
    assert "split by time block (each 60-s stretch of a recording in one split): 4 blocks" in (
        result.out
    )
    for name in ("spewy", "wjes"):
        assert f"{transcribed / name}.eaf: {transcribed / name}.wav, by RELATIVE_MEDIA_URL" in (
            result.out
        )

    # Praat: the same two files as TextGrids, "words" inside "transcript" is no candidate either
    out = tmp_path / "praat"
    result = run_cli(capsys, "data", "import-textgrid", transcribed, "--out", out, "-q")
    assert result.code == 0, result.out + result.err
    assert set(map(tuple, _report(out)["tiers"].values())) == {(formats.SEGMENT_TIER,)}
    assert _report(out)["split"]["unit"] == "block"
    assert all(read_manifest(out / f"{s}.jsonl") for s in SPLITS)


@pytest.mark.slow
def test_transcribed_eaf_counts_its_annotation_ids(transcribed):
    for name in ("wjes", "spewy"):
        _check_last_used_id((transcribed / f"{name}.eaf").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_report_names_the_absolute_media_url_when_the_relative_one_is_missing(
    capsys, transcribed, tmp_path
):
    corpus = tmp_path / "moved"
    corpus.mkdir()
    tree = ET.parse(transcribed / "wjes.eaf")
    media = tree.getroot().find("HEADER/MEDIA_DESCRIPTOR")
    del media.attrib["RELATIVE_MEDIA_URL"]
    tree.write(corpus / "wjes.eaf", encoding="UTF-8", xml_declaration=True)
    tree = ET.parse(transcribed / "spewy.eaf")  # its relative link leads nowhere from here
    tree.write(corpus / "spewy.eaf", encoding="UTF-8", xml_declaration=True)

    out = tmp_path / "data"
    result = run_cli(capsys, "data", "import-eaf", corpus, "--out", out, "-q")
    assert result.code == 0, result.out + result.err
    recordings = {Path(r["annotations"]).name: r for r in _report(out)["recordings"]}
    assert recordings["wjes.eaf"] == {
        "annotations": str(corpus / "wjes.eaf"),
        "recording": str(transcribed / "wjes.wav"),
        "found": "by MEDIA_URL (no RELATIVE_MEDIA_URL)",
    }
    assert recordings["spewy.eaf"]["recording"] == str(transcribed / "spewy.wav")
    assert recordings["spewy.eaf"]["found"] == (
        "by MEDIA_URL (RELATIVE_MEDIA_URL ./spewy.wav: no such file)"
    )
    wjes = f"{corpus / 'wjes.eaf'}: {transcribed / 'wjes.wav'}"
    assert f"{wjes}, by MEDIA_URL (no RELATIVE_MEDIA_URL)" in result.out


# -- the EAF writer's lastUsedAnnotationId ---------------------------------------------------------


def _check_last_used_id(text: str) -> int:
    """ELAN gives the next annotation the user adds the id after lastUsedAnnotationId: it must be
    the highest id in the file. Returns that id."""
    root = ET.fromstring(text.encode("utf-8"))
    ids = [
        int(a.get("ANNOTATION_ID").removeprefix("a"))
        for a in root.iter()
        if a.tag in ("ALIGNABLE_ANNOTATION", "REF_ANNOTATION")
    ]
    assert len(ids) == len(set(ids))
    properties = {p.get("NAME"): p.text for p in root.findall("HEADER/PROPERTY")}
    assert int(properties["lastUsedAnnotationId"]) == max(ids, default=0)
    return max(ids, default=0)


def _transcript(speakers: bool, words: bool) -> Transcript:
    segments = []
    for i, text in enumerate(["Dobry dźeń.", "Witaj k nam.", "Dźakuju so."]):
        start = 2.0 * i
        parts = text.split()
        times = [(start + j * 0.5, start + j * 0.5 + 0.4) for j in range(len(parts))]
        said = tuple(Word(a, b, w, 0.9) for (a, b), w in zip(times, parts)) if words else ()
        speaker = ("S1", "S2", "S1")[i] if speakers else None
        segments.append(Segment(start, start + 1.5, text, -0.2, 0.01, said, speaker))
    return Transcript(AudioInfo(Path("rozmolwa.wav"), 7.0, "hsb", 1.0), segments, "test")


@pytest.mark.parametrize("speakers", [False, True])
@pytest.mark.parametrize("words", [False, True])
def test_last_used_annotation_id_is_the_highest_written(speakers, words):
    f = io.StringIO()
    formats.write_eaf(_transcript(speakers, words), f)
    highest = _check_last_used_id(f.getvalue())
    assert highest >= 3 + 6 * words  # 3 segments, 6 words


def test_last_used_annotation_id_of_an_empty_transcript():
    f = io.StringIO()
    formats.write_eaf(Transcript(AudioInfo(Path("ticho.wav"), 3.0, "hsb", 1.0), [], "test"), f)
    assert _check_last_used_id(f.getvalue()) == 0


# -- tiers that subdivide another are never candidates ---------------------------------------------


def _eaf_with_children(path: Path, seconds: float) -> None:
    """An ELAN file with one tier of speech and two word tiers under it: Included_In (own times)
    and Symbolic_Subdivision (no times), the two ELAN types a user picks for words."""
    eaf = Elan.Eaf(author="test")
    eaf.remove_tier("default")
    eaf.add_linguistic_type("utterance")
    eaf.add_linguistic_type("included", constraints="Included_In")
    eaf.add_linguistic_type("symbolic", constraints="Symbolic_Subdivision", timealignable=False)
    eaf.add_tier("A", ling="utterance")
    eaf.add_tier("A-words", ling="included", parent="A")
    eaf.add_tier("A-glosses", ling="symbolic", parent="A")
    end = round(seconds * 1000)
    eaf.add_annotation("A", 0, end, "Dobry dźeń, mje rěka Jan.")
    eaf.add_annotation("A-words", 0, end // 2, "Dobry")
    eaf.add_annotation("A-words", end // 2, end, "dźeń")
    eaf.add_ref_annotation("A-glosses", "A", end // 2, "greeting")
    eaf.add_linked_file(str(path.with_suffix(".wav")), relpath=f"./{path.stem}.wav")
    eaf.to_file(str(path))


def test_child_tiers_are_not_candidates(capsys, tmp_path):
    speech = speak("Dobry dźeń, mje rěka Jan.", "cs", tmp_path / "jan.wav")
    samples, rate = read_wav(speech)
    _eaf_with_children(tmp_path / "jan.eaf", len(samples) / rate)
    parsed = read_eaf(tmp_path / "jan.eaf")
    assert [t.name for t in parsed.candidates] == ["A"]
    assert parsed.tiers["A-words"].parent == "A"

    out = tmp_path / "out"
    result = run_cli(capsys, "data", "import-eaf", tmp_path / "jan.eaf", "--out", out, "-q")
    assert result.code == 0, result.out + result.err
    report = _report(out)
    assert report["tiers"] == {str(tmp_path / "jan.eaf"): ["A"]}
    assert report["annotations"] == 1
    # one clip: dev and test stay empty, which is a loud warning in the report and the terminal
    assert [s["clips"] for s in report["splits"].values()] == [1, 0, 0]
    assert report["warnings"][:2] == [
        "dev is empty: training cannot measure its progress or keep the best checkpoint",
        "test is empty: there is nothing to measure the finished model on",
    ]
    assert "WARNING: dev is empty" in result.out and "WARNING: test is empty" in result.out

    # naming a word tier is refused, with the tiers that can be imported
    with pytest.raises(OptionError, match=r"--tier 'A' .*\n.*subdivisions, never imported: "):
        options = CutOptions(tiers=("A-words",))
        import_annotations([tmp_path / "jan.eaf"], tmp_path / "out2", kind="elan", options=options)


def test_textgrid_word_tiers_subdivide_their_speaker_tier(tmp_path):
    for speakers in (False, True):
        path = tmp_path / f"rozmolwa-{speakers}.TextGrid"
        with path.open("w", encoding="utf-8") as f:
            formats.write_textgrid(_transcript(speakers, words=True), f)
        tiers = read_textgrid(path).tiers
        parents = {name: t.parent for name, t in tiers.items()}
        if speakers:
            assert parents == {"S1": None, "words (S1)": "S1", "S2": None, "words (S2)": "S2"}
        else:
            assert parents == {"transcript": None, "words": "transcript"}


# -- the split units, without audio ----------------------------------------------------------------


def _clips(recordings: int, minutes: float, speakers: int = 1) -> tuple[list[Clip], dict]:
    """A clip every 10 s of each recording, 8 s long; speaker i of recording i % speakers."""
    clips, origins = [], {}
    for r in range(recordings):
        for start in np.arange(0.0, minutes * 60, 10.0):
            clip = Clip(Path(f"r{r}_{start:05.0f}.wav"), "t", 8.0, f"s{r % speakers}")
            clips.append(clip)
            origins[clip.audio] = Origin(f"r{r}.wav", float(start))
    return clips, origins


def test_split_falls_back_from_speaker_to_recording_to_block():
    clips, origins = _clips(recordings=12, minutes=1, speakers=12)
    split = split_clips(clips, (0.8, 0.1, 0.1), 0, origins)
    assert (split.unit, split.groups, split.warnings) == ("speaker", 12, [])

    clips, origins = _clips(recordings=6, minutes=2)  # one speaker, 6 recordings
    split = split_clips(clips, (0.8, 0.1, 0.1), 0, origins)
    assert (split.unit, split.groups, split.speakers) == ("recording", 6, ["s0"])
    assert split.warnings[0].startswith("only 1 speaker ('s0')")
    for name, part in split.clips.items():
        assert part
        for other in SPLITS:
            if other != name:
                recordings = {origins[c.audio].recording for c in part}
                assert recordings.isdisjoint(origins[c.audio].recording for c in split.clips[other])

    clips, origins = _clips(recordings=1, minutes=20)  # one 20-minute recording
    for seed in range(3):
        split = split_clips(clips, (0.8, 0.1, 0.1), seed, origins)
        assert (split.unit, split.groups) == ("block", 20)
        owners: dict[int, str] = {}
        for name, part in split.clips.items():
            for c in part:
                assert owners.setdefault(int(origins[c.audio].start // 60), name) == name
        seconds = {n: sum(c.duration for c in p) for n, p in split.clips.items()}
        assert seconds == {"train": 16 * 48.0, "dev": 2 * 48.0, "test": 2 * 48.0}
        assert split_clips(clips, (0.8, 0.1, 0.1), seed, origins).clips == split.clips

    # files without speakers (a folder import): each file a recording, as before
    clips = [Clip(Path(f"{i}.wav"), "t", 3.0) for i in range(10)]
    split = split_clips(clips, (0.8, 0.1, 0.1))
    assert (split.unit, split.groups, split.speakers) == ("recording", 10, [])
    assert split.warnings[0].startswith("speakers unknown")
    assert [len(split.clips[s]) for s in SPLITS] == [8, 1, 1]
