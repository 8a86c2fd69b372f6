"""Data imports and checks on a miniature Common Voice release and a recordings folder."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from hsb_whisper.data import read_manifest
from hsb_whisper.data.characters import character_inventory
from hsb_whisper.data.checks import check_clips
from hsb_whisper.data.commonvoice import CommonVoiceError, read_tsv
from hsb_whisper.data.manifest import Clip, ManifestError
from hsb_whisper.data.split import split_clips

from testsupport.cli_runner import run_cli
from testsupport.cv_fixture import BAD_IDS, LOOKALIKE_SENTENCE, build_release, read_jsonl
from testsupport.speech import speak


def tsv_ids(release: Path, table: str) -> list[str]:
    rows = read_tsv((release / "hsb" / f"{table}.tsv").read_text(encoding="utf-8"), table)
    return [r["path"][:-4] for r in rows]


def test_import_cv_archive(capsys, cv_archive, cv_release, tmp_path):
    out = tmp_path / "out"
    result = run_cli(capsys, "data", "import-cv", cv_archive, "--locale", "hsb", "--out", out, "-q")
    assert result.code == 1  # something was rejected
    rejects = read_jsonl(out / "rejects.jsonl")
    assert {r["id"]: r["reason"] for r in rejects} == BAD_IDS
    assert all(r["split"] == "train" and r["detail"] is not None for r in rejects)

    for split in ("train", "dev", "test"):
        ids = [r["id"] for r in read_jsonl(out / f"{split}.jsonl")]
        assert ids == [i for i in tsv_ids(cv_release, split) if i not in BAD_IDS]
    train = read_manifest(out / "train.jsonl")
    assert all(c.audio.is_file() and 0.5 < c.duration < 30 and c.speaker for c in train)
    texts = {c.text for c in train}
    assert 'Wón praji: "Witajće k nam!"' in texts  # quotes survive
    lookalike = unicodedata.normalize("NFC", LOOKALIKE_SENTENCE)
    assert lookalike in texts and len(lookalike) == len(LOOKALIKE_SENTENCE) - 1  # ě composed

    # only the clips the splits use were extracted (not other.tsv's)
    extracted = {p.stem for p in (out / "clips").iterdir()}
    listed = set(tsv_ids(cv_release, "train") + tsv_ids(cv_release, "dev"))
    listed |= set(tsv_ids(cv_release, "test"))
    assert extracted == listed - {"common_voice_hsb_900"}
    assert not extracted & set(tsv_ids(cv_release, "other"))

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["rejects_by_reason"] == {reason: 1 for reason in BAD_IDS.values()}
    assert report["splits"]["dev"]["speakers"] == 1
    flagged = {c["char"]: c["suspicious"] for c in report["characters"] if c["suspicious"]}
    assert flagged == {"у": "not a Latin letter (a look-alike?)"}
    assert "check 'у' CYRILLIC SMALL LETTER U ×1" in result.out


def test_reimport_is_idempotent(capsys, cv_archive, tmp_path):
    out = tmp_path / "out"
    run_cli(capsys, "data", "import-cv", cv_archive, "--locale", "hsb", "--out", out, "-q")
    files = ("train.jsonl", "dev.jsonl", "test.jsonl", "rejects.jsonl", "report.json")
    before = {name: (out / name).read_bytes() for name in files}
    mtimes = {p.name: p.stat().st_mtime_ns for p in (out / "clips").iterdir()}
    run_cli(capsys, "data", "import-cv", cv_archive, "--locale", "hsb", "--out", out, "-q")
    assert {name: (out / name).read_bytes() for name in files} == before
    assert {p.name: p.stat().st_mtime_ns for p in (out / "clips").iterdir()} == mtimes


def test_old_release_layout_from_folder(capsys, tmp_path):
    release = build_release(tmp_path / "old", "hsb", layout="old")
    header = (release / "hsb" / "train.tsv").read_text().splitlines()[0]
    assert "sentence_id" not in header and "accent" in header
    out = tmp_path / "out"
    result = run_cli(
        capsys, "data", "import-cv", release.parent, "--locale", "hsb", "--out", out, "--fast", "-q"
    )
    assert result.code == 1
    train = read_manifest(out / "train.jsonl")
    assert train and all(c.sentence_id is None and c.speaker for c in train)
    assert all(c.audio.parent == release / "hsb" / "clips" for c in train)  # used in place
    # --fast reads headers only: the truncated clip is not found, the others are
    reasons = {r["reason"] for r in read_jsonl(out / "rejects.jsonl")}
    assert reasons == set(BAD_IDS.values()) - {"truncated_audio"}


def test_validated_and_other_keep_dev_test_unseen(capsys, cv_release, tmp_path):
    out = tmp_path / "out"
    run_cli(
        capsys,
        "data",
        "import-cv",
        cv_release,
        "--locale",
        "hsb",
        "--out",
        out,
        "--train-from",
        "validated",
        "--add-other",
        "-q",
    )
    train = read_manifest(out / "train.jsonl")
    held_out = read_manifest(out / "dev.jsonl") + read_manifest(out / "test.jsonl")
    assert {c.speaker for c in train}.isdisjoint({c.speaker for c in held_out})
    assert {c.text for c in train}.isdisjoint({c.text for c in held_out})
    assert set(tsv_ids(cv_release, "other")) <= {c.id for c in train}
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["left_out_to_keep_dev_test_unseen"] == 8  # validated's dev+test rows


def test_missing_columns_and_locale_are_clear(tmp_path, cv_release):
    with pytest.raises(CommonVoiceError, match=r"x.tsv: not a Common Voice table \(no sentence"):
        read_tsv("client_id\tpath\nA\ta.mp3\n", "x.tsv")
    from hsb_whisper.data.commonvoice import open_release

    with pytest.raises(CommonVoiceError, match="no Common Voice tables for locale 'dsb'"):
        open_release(cv_release.parent, "dsb", ["train"], tmp_path)


def make_recordings(cv_release: Path, folder: Path) -> list[str]:
    """Speaker subfolders with sidecar transcripts, from the fixture's good clips."""
    speakers = []
    for table in ("train", "dev", "test"):
        rows = read_tsv((cv_release / "hsb" / f"{table}.tsv").read_text(encoding="utf-8"), table)
        for row in rows:
            if row["path"][:-4] in BAD_IDS:
                continue
            target = folder / row["client_id"] / row["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cv_release / "hsb" / "clips" / row["path"], target)
            target.with_suffix(".txt").write_text(row["sentence"] + "\n", encoding="utf-8")
            speakers.append(row["client_id"])
    return speakers


def test_import_folder_with_sidecars_is_speaker_disjoint(capsys, cv_release, tmp_path):
    rec = tmp_path / "rec"
    make_recordings(cv_release, rec)
    speak("Bjez teksta.", "cs", rec / "no-transcript.wav")  # no .txt beside it
    result = run_cli(
        capsys,
        "data",
        "import-folder",
        rec,
        "--speaker-from-folder",
        "--split",
        "0.5,0.25,0.25",
        "-q",
    )
    assert result.code == 1
    assert [r["reason"] for r in read_jsonl(rec / "manifests" / "rejects.jsonl")] == ["empty_text"]
    splits = {s: read_manifest(rec / "manifests" / f"{s}.jsonl") for s in ("train", "dev", "test")}
    speakers = {s: {c.speaker for c in clips} for s, clips in splits.items()}
    assert all(speakers.values())
    assert speakers["train"].isdisjoint(speakers["dev"] | speakers["test"])
    assert speakers["dev"].isdisjoint(speakers["test"])
    assert sum(len(c) for c in splits.values()) == 17  # 16 sentences + the look-alike
    # relative paths: the folder can be moved with its manifests
    line = (rec / "manifests" / "train.jsonl").read_text(encoding="utf-8").splitlines()[0]
    assert json.loads(line)["audio"].startswith("../spk-")
    first = {s: (rec / "manifests" / f"{s}.jsonl").read_bytes() for s in splits}
    run_cli(
        capsys,
        "data",
        "import-folder",
        rec,
        "--speaker-from-folder",
        "--split",
        "0.5,0.25,0.25",
        "-q",
    )
    assert {s: (rec / "manifests" / f"{s}.jsonl").read_bytes() for s in splits} == first


def test_import_folder_with_table(capsys, cv_release, tmp_path):
    rec = tmp_path / "rec"
    make_recordings(cv_release, rec)
    rows = ["path,text,speaker"]
    for txt in sorted(rec.rglob("*.txt")):
        text = txt.read_text(encoding="utf-8").strip().replace('"', '""')
        rows.append(
            f'{txt.with_suffix(".mp3").relative_to(rec)},"{text}, a dale",{txt.parent.name}'
        )
        txt.unlink()
    (rec / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli(capsys, "data", "import-folder", rec, "--out", tmp_path / "m", "-q")
    assert result.code == 0, result.out
    clips = [
        c for s in ("train", "dev", "test") for c in read_manifest(tmp_path / "m" / f"{s}.jsonl")
    ]
    assert len(clips) == 17 and all(c.text.endswith(", a dale") for c in clips)
    assert 'Wón praji: "Witajće k nam!", a dale' in {c.text for c in clips}


def test_check_seed_json_and_clean(capsys, cv_release, tmp_path):
    clips_dir = cv_release / "hsb" / "clips"
    seed = [
        {
            "path": str(clips_dir / "common_voice_hsb_1.mp3"),
            "sentence": "Dobry dźeń, mje rěka Jan.",
        },
        {"path": str(clips_dir / "common_voice_hsb_902.mp3"), "sentence": "Překrótka."},
        {"path": str(clips_dir / "common_voice_hsb_2.mp3"), "sentence": "Bydlu w Budyšinje."},
        {"path": str(clips_dir / "common_voice_hsb_2.mp3"), "sentence": "Bydlu w Budyšinje."},
    ]
    manifest = tmp_path / "sorbian_train.json"
    manifest.write_text(json.dumps(seed, ensure_ascii=False), encoding="utf-8")
    result = run_cli(capsys, "data", "check", manifest, "--clean", tmp_path / "clean.jsonl", "-q")
    assert result.code == 1
    rejects = read_jsonl(tmp_path / "sorbian_train.rejects.jsonl")
    assert [(r["id"], r["reason"]) for r in rejects] == [
        (None, "truncated_audio"),
        (None, "duplicate_audio"),
    ]
    assert [c.audio.name for c in read_manifest(tmp_path / "clean.jsonl")] == [
        "common_voice_hsb_1.mp3",
        "common_voice_hsb_2.mp3",
    ]
    result = run_cli(capsys, "data", "check", tmp_path / "clean.jsonl", "-q")
    assert result.code == 0 and "rejected: none" in result.out
    assert not (tmp_path / "clean.rejects.jsonl").exists()


def test_duplicates_are_dropped_from_train_not_test(cv_release, tmp_path):
    clip = cv_release / "hsb" / "clips" / "common_voice_hsb_1.mp3"
    copy = tmp_path / "copy.mp3"
    shutil.copyfile(clip, copy)
    result = check_clips({"train": [Clip(clip, "a")], "test": [Clip(copy, "a")]}, count_tokens=len)
    assert [c.audio for c in result.kept["test"]] == [copy]
    assert result.kept["train"] == []
    assert [(r.split, r.reason) for r in result.rejects] == [("train", "duplicate_audio")]


def test_too_long_transcript_is_rejected(cv_release, default_model):
    clip = cv_release / "hsb" / "clips" / "common_voice_hsb_1.mp3"
    result = check_clips({"train": [Clip(clip, "Dobry dźeń. " * 120)]})
    assert [r.reason for r in result.rejects] == ["too_long_text"]
    assert int(result.rejects[0].detail.split()[0]) > 443


def test_stats_text_and_png(capsys, cv_archive, tmp_path):
    out = tmp_path / "out"
    run_cli(capsys, "data", "import-cv", cv_archive, "--locale", "hsb", "--out", out, "-q")
    train = read_manifest(out / "train.jsonl")
    result = run_cli(capsys, "data", "stats", out / "train.jsonl", "--png", tmp_path / "h.png")
    assert result.code == 0
    hours = sum(c.duration for c in train) / 3600
    assert f"clips: {len(train)}   total: {hours * 60:.1f} min   speakers: 2" in result.out
    bins = re.findall(r"^\s*(\d+)–(\d+)\s*s\s+(\d+)", result.out, re.M)
    assert sum(int(n) for _, _, n in bins) == len(train)
    assert bins[0][:2] == ("0", "2") and int(bins[0][2]) == sum(c.duration < 2 for c in train)
    png = (tmp_path / "h.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000


def test_manifest_layouts(tmp_path):
    (tmp_path / "a.mp3").write_bytes(b"x")
    pandas = {"path": {"0": "a.mp3", "1": "b.mp3"}, "sentence": {"0": "Jedyn", "1": "Dwaj"}}
    (tmp_path / "p.json").write_text(json.dumps(pandas))
    assert [(c.audio.name, c.text) for c in read_manifest(tmp_path / "p.json")] == [
        ("a.mp3", "Jedyn"),
        ("b.mp3", "Dwaj"),
    ]
    (tmp_path / "d.json").write_text(json.dumps({"a.mp3": "  Jedyn   dwaj "}))
    assert read_manifest(tmp_path / "d.json")[0].text == "Jedyn dwaj"
    (tmp_path / "bad.jsonl").write_text('{"audio": "a.mp3", "text": "x"}\n{oops\n')
    with pytest.raises(ManifestError, match=r"bad.jsonl:2: not a JSON object"):
        read_manifest(tmp_path / "bad.jsonl")
    (tmp_path / "noaudio.jsonl").write_text('{"text": "x"}\n')
    with pytest.raises(ManifestError, match=r"line 1: no audio path"):
        read_manifest(tmp_path / "noaudio.jsonl")


def test_character_inventory_flags():
    inventory = {c.char: c for c in character_inventory(["Dobry dźeń\u200b q", "Qу"], "hsb")}
    assert inventory["у"].suspicious.startswith("not a Latin letter")
    assert inventory["\u200b"].suspicious == "invisible or control character"
    assert inventory["ź"].suspicious == "" and inventory["q"].suspicious == ""
    assert character_inventory(["ß"], "hsb")[0].suspicious == "not in the hsb alphabet"


def test_split_is_speaker_disjoint_and_seeded():
    clips = [Clip(Path(f"{s}-{i}.wav"), "t", 2.0 + i, f"s{s}") for s in range(12) for i in range(4)]
    for seed in range(5):
        splits = split_clips(clips, (0.8, 0.1, 0.1), seed).clips
        owners = {}
        for name, part in splits.items():
            for c in part:
                assert owners.setdefault(c.speaker, name) == name
        seconds = {n: sum(c.duration for c in p) for n, p in splits.items()}
        assert seconds["train"] / sum(seconds.values()) == pytest.approx(0.8, abs=0.1)
        assert split_clips(clips, (0.8, 0.1, 0.1), seed).clips == splits
    assert (
        split_clips(clips, (0.8, 0.1, 0.1), 1).clips != split_clips(clips, (0.8, 0.1, 0.1), 2).clips
    )
