"""ELAN and Praat TextGrid corpora in: a generated two-speaker conversation (espeak-ng voices
reading Upper Sorbian) with empty, non-speech and overlapping annotations and a missing recording,
imported into manifests and checked clip by clip."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from hsb_whisper.data import CutOptions, import_annotations, read_manifest

from testsupport.cli_runner import run_cli
from testsupport.speech import read_wav, speak, write_wav

RATE = 22050  # espeak-ng's rate


def _track(items: list[tuple], path: Path) -> dict[str, list[tuple[float, float, str]]]:
    """Mix a recording from ``(tier, start_s, text, voice_or_seconds)``: a voice speaks the text
    there; a number is that many seconds of no speech (a non-speech or empty annotation). Returns
    each tier's annotations ``(start, end, text)`` with times on whole milliseconds."""
    pieces, tiers = [], {}
    for tier, start, text, what in items:
        if isinstance(what, str):
            samples, rate = read_wav(speak(text, what, path.with_suffix(".tmp.wav")))
            assert rate == RATE
            samples = samples[:, 0]
        else:
            samples = np.zeros(int(what * RATE), np.int16)
        begin = round(start * 1000) / 1000
        end = round((begin + len(samples) / RATE) * 1000) / 1000
        pieces.append((round(begin * RATE), samples))
        tiers.setdefault(tier, []).append((begin, end, text))
    path.with_suffix(".tmp.wav").unlink(missing_ok=True)
    total = max(at + len(s) for at, s in pieces) + RATE // 2
    mix = np.zeros(total, np.int32)
    for at, samples in pieces:
        mix[at : at + len(samples)] += samples
    write_wav(path, np.clip(mix, -32768, 32767), RATE)
    return tiers


def _eaf(path: Path, tiers: dict, participants: dict, media: str, relative: str | None) -> None:
    from pympi import Eaf

    eaf = Eaf(author="test")
    eaf.remove_tier("default")
    for name, spans in tiers.items():
        eaf.add_tier(name, part=participants[name])
        for start, end, text in spans:
            eaf.add_annotation(name, round(start * 1000), round(end * 1000), text)
    eaf.add_linked_file(media, relpath=relative, mimetype="audio/x-wav")
    eaf.to_file(str(path))


def _after(tiers: dict, tier: str, gap: float) -> float:
    return tiers[tier][-1][1] + gap


@pytest.fixture(scope="module")
def elan_corpus(tmp_path_factory) -> tuple[Path, dict[str, tuple[float, float]]]:
    """Three EAF files; returns the folder and each expected clip's span by clip id."""
    root = tmp_path_factory.mktemp("elan")
    # rozmolwa: Jan (tier A, cs voice) and Marja (tier B, pl voice); B2 and A4 overlap
    a1 = _track([("A", 0.2, "Dobry dźeń.", "cs")], root / "a1.wav")
    a1_end = a1["A"][0][1]
    spans = _track(
        [
            ("A", 0.2, "Dobry dźeń.", "cs"),
            ("A", a1_end + 0.3, "Mje rěka Jan.", "cs"),  # joined with the first
        ],
        root / "part.wav",
    )
    b_start = _after(spans, "A", 0.5)
    items = [
        ("A", 0.2, "Dobry dźeń.", "cs"),
        ("A", a1_end + 0.3, "Mje rěka Jan.", "cs"),
        ("B", b_start, "[smjech]", 0.6),
        ("A", b_start + 0.2, "", 0.3),  # empty annotation
        ("B", b_start + 2.0, "Witaj k nam, Jan.", "pl"),
    ]
    spans = _track(items, root / "part.wav")
    b2_start, b2_end, _ = spans["B"][-1]
    items += [
        ("A", (b2_start + b2_end) / 2, "Haj, dźakuju so.", "cs"),  # overlaps Marja's
        ("B", b2_end + 2.5, "xxx", 0.5),
    ]
    (root / "a1.wav").unlink()
    (root / "part.wav").unlink()
    conversation = _track(items, root / "rozmolwa.wav")
    _eaf(root / "rozmolwa.eaf", conversation, {"A": "Jan", "B": "Marja"}, "rozmolwa.wav", None)

    # powedancko: Pětr (tier C) on media linked by relative URL into media/; the absolute URL is
    # stale (the corpus moved)
    (root / "media").mkdir()
    c = _track([("C", 0.1, "Serbska rěč je rjana.", "pl")], root / "media" / "x.wav")
    c_end = c["C"][0][1]
    c = _track(
        [("C", 0.1, "Serbska rěč je rjana.", "pl"), ("C", c_end + 0.4, "Wjele zboža!", "pl")],
        root / "media" / "x.wav",
    )
    items = [
        ("C", 0.1, "Serbska rěč je rjana.", "pl"),
        ("C", c_end + 0.4, "Wjele zboža!", "pl"),
        ("C", c["C"][-1][1] + 2.0, "Budyšin je stare město.", "pl"),
    ]
    (root / "media" / "x.wav").unlink()
    story = _track(items, root / "media" / "nahrawka.wav")
    _eaf(
        root / "powedancko.eaf",
        story,
        {"C": "Pětr"},
        "file:///nowhere/old/nahrawka.wav",
        "./media/nahrawka.wav",
    )

    # zhubjeny: its recording is missing
    lost = {"A": [(0.5, 1.5, "Hdźe je moja nahrawka?"), (4.0, 5.0, "Njewěm.")]}
    _eaf(root / "zhubjeny.eaf", lost, {"A": "Jan"}, "zhubjeny.wav", "./zhubjeny.wav")

    expected = {}
    a = conversation["A"]
    expected["rozmolwa_A_00000200"] = (a[0][0], a[1][1])  # joined
    expected[f"rozmolwa_A_{round(a[3][0] * 1000):08d}"] = a[3][:2]
    b = conversation["B"]
    expected[f"rozmolwa_B_{round(b[1][0] * 1000):08d}"] = b[1][:2]
    expected["powedancko_C_00000100"] = (story["C"][0][0], story["C"][1][1])  # joined
    expected[f"powedancko_C_{round(story['C'][2][0] * 1000):08d}"] = story["C"][2][:2]
    return root, expected


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2)
        return w.getnframes() / w.getframerate()


def test_import_eaf_lists_tiers_when_ambiguous(capsys, elan_corpus, tmp_path):
    root, _ = elan_corpus
    result = run_cli(capsys, "data", "import-eaf", root, "--out", tmp_path / "out", "-q")
    assert result.code == 1
    assert "choose with --tier" in result.err
    assert "rozmolwa.eaf:" in result.err
    assert "--tier 'A'  (3 annotations, speaker Jan)" in result.err
    assert "--tier 'B'  (3 annotations, speaker Marja)" in result.err
    assert "powedancko" not in result.err  # one tier: taken without asking
    assert not (tmp_path / "out").exists()  # nothing cut before the tiers are settled


def test_import_eaf(capsys, elan_corpus, tmp_path):
    root, expected = elan_corpus
    out = tmp_path / "out"
    args = ["data", "import-eaf", root, "--out", out, "--split", "0.4,0.3,0.3", "-q"]
    result = run_cli(capsys, *args, "--tier", "A", "--tier", "B", "--tier", "C")
    assert result.code == 1, result.err  # the missing recording's annotations were rejected

    rejects = _jsonl(out / "rejects.jsonl")
    assert [(r["reason"], r["speaker"], r["text"]) for r in rejects] == [
        ("missing_audio", "Jan", "Hdźe je moja nahrawka?"),
        ("missing_audio", "Jan", "Njewěm."),
    ]
    clips = {s: read_manifest(out / f"{s}.jsonl") for s in ("train", "dev", "test")}
    every = [c for split in clips.values() for c in split]
    assert sorted(c.id for c in every) == sorted(expected)
    texts = {c.id: c.text for c in every}
    assert texts["rozmolwa_A_00000200"] == "Dobry dźeń. Mje rěka Jan."
    assert texts["powedancko_C_00000100"] == "Serbska rěč je rjana. Wjele zboža!"
    assert {c.speaker for c in every} == {"Jan", "Marja", "Pětr"}
    # speaker-disjoint: each speaker in exactly one split
    owners = {c.speaker: {s for s, cs in clips.items() if c.speaker in {x.speaker for x in cs}}
              for c in every}  # fmt: skip
    assert all(len(splits) == 1 for splits in owners.values()), owners
    for clip in every:
        start, end = expected[clip.id]
        assert clip.audio.parent == out / "clips" / clip.id.split("_")[0]
        assert abs(_wav_seconds(clip.audio) - (end - start)) < 0.01, clip.id
        assert abs(clip.duration - (end - start)) < 0.01

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["kind"] == "elan" and report["files"] == 3
    assert report["annotations"] == 4 + 3 + 3 + 2
    assert report["skipped"] == {"non_speech": 2, "empty": 1}
    assert report["rejects_by_reason"] == {"missing_audio": 2}
    assert report["joined"]["clips_of_several_annotations"] == 2
    assert report["overlaps"]["annotations"] == 2
    b2 = next(v for k, v in expected.items() if k.startswith("rozmolwa_B_"))
    a4 = next(
        v for k, v in expected.items() if k.startswith("rozmolwa_A_") and k[-8:] != "00000200"
    )
    assert report["overlaps"]["seconds"] == pytest.approx(min(a4[1], b2[1]) - a4[0], abs=0.002)
    assert report["split"]["speaker_disjoint"]
    assert "annotations: 12 in 3 files; skipped: 2 non_speech, 1 empty" in result.out
    assert "overlapping: 2 annotations" in result.out


def test_import_eaf_no_join_and_skip_overlaps(elan_corpus, tmp_path):
    root, _ = elan_corpus
    options = CutOptions(tiers=("A", "B", "C"), join_max=0, skip_overlaps=True)
    outcome = import_annotations([root], tmp_path / "out", kind="elan", options=options)
    kept = sum(s["clips"] for s in outcome.report["splits"].values())
    # A: 2 single sentences (the overlapping one left out), B: none (overlap), C: 3
    assert kept == 5
    assert outcome.report["skipped"] == {"non_speech": 2, "overlap": 2, "empty": 1}
    assert outcome.report["joined"]["clips_of_several_annotations"] == 0

    # a user pattern skips whole annotations too; bracketed text inside is kept and counted
    options = CutOptions(tiers=("C",), skip_patterns=(r"wjele zboža!",))
    outcome = import_annotations(
        [root / "powedancko.eaf"], tmp_path / "out2", kind="elan", options=options
    )
    assert outcome.report["skipped"] == {"non_speech": 1}
    assert sum(s["clips"] for s in outcome.report["splits"].values()) == 2


def test_import_textgrid(capsys, tmp_path):
    from praatio import textgrid
    from praatio.data_classes.interval_tier import IntervalTier

    corpus = tmp_path / "tg"
    corpus.mkdir()
    first = _track([("Jan", 0.3, "Dobry wječor.", "cs")], corpus / "tmp.wav")
    end = first["Jan"][0][1]
    tiers = _track(
        [
            ("Jan", 0.3, "Dobry wječor.", "cs"),
            ("Marja", end + 0.5, "Dobry wječor [smjech] tebi.", "pl"),
            ("Jan", end + 0.6, "(kašel)", 0.4),
        ],
        corpus / "wjecor.wav",
    )
    (corpus / "tmp.wav").unlink()
    grid = textgrid.Textgrid()
    length = max(e for t in tiers.values() for _, e, _ in t) + 0.5
    for name, entries in tiers.items():
        grid.addTier(IntervalTier(name, entries, 0, length))
    grid.save(str(corpus / "wjecor.TextGrid"), format="long_textgrid", includeBlankSpaces=True)

    out = tmp_path / "out"
    result = run_cli(capsys, "data", "import-textgrid", corpus, "--out", out, "-q")
    assert result.code == 1 and "--tier 'Marja'  (1 annotations" in result.err

    args = ["--tier", "Jan", "--tier", "Marja", "--split", "0.5,0.5,0", "--locale", "hsb", "-q"]
    result = run_cli(capsys, "data", "import-textgrid", corpus, "--out", out, *args)
    assert result.code == 0, result.out + result.err
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["kind"] == "textgrid"
    assert report["skipped"] == {"non_speech": 1}
    assert report["inline_bracketed_kept"] == 1
    every = [c for s in ("train", "dev", "test") for c in read_manifest(out / f"{s}.jsonl")]
    assert {c.speaker: c.text for c in every} == {
        "Jan": "Dobry wječor.",
        "Marja": "Dobry wječor [smjech] tebi.",
    }
    for clip in every:
        start, end, _ = tiers[clip.speaker][0]
        assert abs(_wav_seconds(clip.audio) - (end - start)) < 0.01
    assert not (out / "rejects.jsonl").exists()


def test_import_eaf_unknown_tier_and_bad_options(capsys, elan_corpus, tmp_path):
    root, _ = elan_corpus
    out = tmp_path / "out"
    result = run_cli(capsys, "data", "import-eaf", root, "--out", out, "--tier", "Z", "-q")
    assert result.code == 1 and "no tier named 'Z'" in result.err
    assert "--tier 'C'  (3 annotations, speaker Pětr)" in result.err
    result = run_cli(capsys, "data", "import-eaf", root, "--out", out, "--join-max", "40")
    assert result.code == 1 and "--join-max" in result.err
    result = run_cli(capsys, "data", "import-eaf", root, "--out", out, "--skip-pattern", "[")
    assert result.code == 1 and "not a regular expression" in result.err
