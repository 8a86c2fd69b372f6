"""``data import-cv``: a Common Voice release (a folder or its archive) into manifests, on a
miniature release in the real layout; and releases from others (issue 10): paths out of the
release's clips/ folder, damaged archives and tables, oversized members and archives that would
unpack to far more than their size. Each is one clear line or one reject among many, never a
traceback and never a file read or written outside where it belongs."""

from __future__ import annotations

import io
import json
import random
import shutil
import tarfile
import unicodedata
from pathlib import Path

import pytest

from hsb_whisper.data import checks, read_manifest
from hsb_whisper.data.checks import MAX_CLIP_BYTES, REASONS
from hsb_whisper.data.commonvoice import (
    CommonVoiceError,
    open_release,
    path_problem,
    read_tsv,
)

from testsupport.cli_runner import no_traceback, run_cli
from testsupport.cv_fixture import (
    BAD_IDS,
    LOOKALIKE_SENTENCE,
    add_rows,
    build_release,
    copy_release,
    read_jsonl,
)
from testsupport.speech import encode, speak


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


# --- from others: paths out of the release, damaged archives and tables (issue 10) ----------


def good_mp3(path: Path, text: str = "Zwonka zwoni.") -> Path:
    """A decodable MP3 not among the release's clips (so it cannot be a duplicate)."""
    return encode(speak(text, "cs", path.with_suffix(".wav")), path, "libmp3lame", 48000)


def pack(locale_dir: Path, archive: Path, extra=(), *, tables_first=False, level=6) -> Path:
    """The release as .tar.gz plus ``extra`` members: (TarInfo, bytes or None)."""
    root = locale_dir.parent
    with tarfile.open(archive, "w:gz", compresslevel=level) as tar:
        tables = sorted(locale_dir.glob("*.tsv"))
        if tables_first:
            for tsv in tables:
                tar.add(tsv, arcname=f"{root.name}/hsb/{tsv.name}")
            for clip in sorted((locale_dir / "clips").iterdir()):
                tar.add(clip, arcname=f"{root.name}/hsb/clips/{clip.name}")
        else:
            tar.add(root, arcname=root.name)
        for info, data in extra:
            tar.addfile(info, None if data is None else io.BytesIO(data))
    return archive


def member(name: str, data: bytes | None = None, kind: bytes = tarfile.REGTYPE, link: str = ""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    info.size = len(data) if data is not None else 0
    return info, data


UNSAFE_FOLDER_PATHS = [
    "../../../../tmp/x.mp3",  # the example (a good MP3 is waiting there)
    "../../../../outside.mp3",
    "sub/../../../../../outside",  # .mp3 is appended, as for the oldest releases
    "..\\..\\..\\..\\outside.mp3",  # a Windows path
    "C:outside.mp3",  # a Windows drive-relative path
    "link.mp3",  # a link inside clips/ that points out of it
]


def test_unsafe_tsv_paths_in_a_folder_are_rejected_unread(
    capsys, cv_release, tmp_path, monkeypatch
):
    locale_dir = copy_release(cv_release, tmp_path / "rel")
    clips_dir = locale_dir / "clips"
    outside = good_mp3(tmp_path / "outside.mp3")
    (tmp_path / "tmp").mkdir()
    shutil.copyfile(outside, tmp_path / "tmp" / "x.mp3")
    (clips_dir / "link.mp3").symlink_to(outside)
    paths = [*UNSAFE_FOLDER_PATHS, str(outside)]  # and an absolute path
    add_rows(locale_dir, "train", paths)
    read = []
    original = checks._check_audio

    def spy(path, decode):
        read.append(path)
        return original(path, decode)

    monkeypatch.setattr(checks, "_check_audio", spy)
    out = tmp_path / "out"
    result = run_cli(
        capsys, "data", "import-cv", locale_dir.parent, "--locale", "hsb", "--out", out
    )
    no_traceback(result)
    assert result.code == 1
    rejects = read_jsonl(out / "rejects.jsonl")
    unsafe = [r for r in rejects if r["reason"] == "unsafe_path"]
    assert len(unsafe) == len(paths)
    for raw, r in zip(paths, unsafe, strict=True):
        assert repr(raw) in r["detail"] and r["split"] == "train"
    assert {r["id"]: r["reason"] for r in rejects if r["reason"] != "unsafe_path"} == BAD_IDS
    assert "unsafe_path: " + REASONS["unsafe_path"] in result.out
    # nothing outside clips/ was decoded or hashed, nothing of it reached a manifest
    assert read and all(p.resolve().is_relative_to(clips_dir.resolve()) for p in read)
    train = read_manifest(out / "train.jsonl")
    assert all(c.audio.parent == clips_dir for c in train) and len(train) == 9


def test_path_problem_rules(tmp_path):
    clips = tmp_path / "clips"
    clips.mkdir()
    bad = ["/etc/passwd", "a/b.mp3", "../x", "..\\x", "x\0.mp3", "C:\\x.mp3", "\\\\srv\\x.mp3"]
    for raw in bad:
        assert path_problem({"path": raw}, clips), raw
    # ".." gets ".mp3" appended (as the oldest releases' names): "...mp3" is a plain name
    for raw in ["common_voice_hsb_1.mp3", "common_voice_hsb_2", "..", "a b.mp3"]:
        assert path_problem({"path": raw}, clips) is None, raw


def test_unsafe_members_and_rows_of_an_archive(capsys, cv_release, tmp_path):
    locale_dir = copy_release(cv_release, tmp_path / "rel")
    release = locale_dir.parent.name
    evil = good_mp3(tmp_path / "evil-source.mp3").read_bytes()
    extra = [
        member(f"{release}/hsb/clips/../../../evil1.mp3", evil),  # climbs out of clips/
        member("/abs/evil2.mp3", evil),  # absolute
        member(f"{release}/hsb/evil3.mp3", evil),  # beside clips/, not in it
        member("other-release/hsb/clips/evil4.mp3", evil),  # another release's clips/
        member(f"{release}/hsb/clips/sub/evil5.mp3", evil),  # below clips/
        member(f"{release}/hsb/clips/evil6.mp3", None, tarfile.SYMTYPE, "/etc/hostname"),
        member(f"{release}/hsb/clips/evil7.mp3", None, tarfile.LNKTYPE, "../../../x"),
    ]
    unsafe_rows = ["../../../evil1.mp3", "/abs/evil2.mp3", "sub/evil5.mp3"]
    missing_rows = ["evil1.mp3", "evil3.mp3", "evil4.mp3", "evil6.mp3", "evil7.mp3"]
    add_rows(locale_dir, "train", unsafe_rows + missing_rows)
    archive = pack(locale_dir, tmp_path / "hostile.tar.gz", extra)
    shutil.rmtree(tmp_path / "rel")
    out = tmp_path / "work" / "out"
    result = run_cli(capsys, "data", "import-cv", archive, "--locale", "hsb", "--out", out, "-q")
    no_traceback(result)
    assert result.code == 1
    reasons = {r["id"]: r["reason"] for r in read_jsonl(out / "rejects.jsonl")}
    for row in unsafe_rows:
        assert reasons.pop(row[:-4]) == "unsafe_path"
    for row in missing_rows:
        assert reasons.pop(row[:-4]) == "missing_audio"
    assert reasons == BAD_IDS
    assert not [p for p in tmp_path.rglob("evil*") if not p.name.startswith("evil-source.")]
    assert all(p.name.startswith("common_voice_hsb_") for p in (out / "clips").iterdir())


def test_tsv_with_invalid_utf8(capsys, cv_release, tmp_path):
    locale_dir = copy_release(cv_release, tmp_path / "rel")
    tsv = locale_dir / "train.tsv"
    data = tsv.read_bytes()
    lines = data.split(b"\n")
    lines[2] += b"\xff\xfe"  # in the last column
    tsv.write_bytes(b"\n".join(lines))
    offset = len(lines[0]) + len(lines[1]) + 2 + lines[2].index(b"\xff")
    result = run_cli(
        capsys, "data", "import-cv", locale_dir.parent, "--locale", "hsb", "--out", tmp_path / "o"
    )
    no_traceback(result)
    assert result.code == 1
    assert result.err.strip() == (
        f"hsb-whisper: error: {tsv}, line 3: not UTF-8 text (byte {offset}: b'\\xff')"
    )
    archive = pack(locale_dir, tmp_path / "a.tar.gz")
    with pytest.raises(
        CommonVoiceError, match=rf"train.tsv, line 3: not UTF-8 text \(byte {offset}"
    ):
        open_release(archive, "hsb", ["train", "dev", "test"], tmp_path / "clips")


def test_tsv_field_over_the_limit(cv_release, tmp_path):
    huge = "a" * (17 << 20)
    with pytest.raises(CommonVoiceError, match=r"x.tsv, line 2: not a readable table \(field"):
        read_tsv(f"client_id\tpath\tsentence\nA\ta.mp3\t{huge}\n", "x.tsv")
    locale_dir = copy_release(cv_release, tmp_path / "rel")
    add_rows(locale_dir, "dev", [huge])
    with pytest.raises(CommonVoiceError, match=r"dev.tsv, line \d+: not a readable table"):
        open_release(locale_dir.parent, "hsb", ["train", "dev", "test"], tmp_path)
    table = tmp_path / "metadata.csv"
    table.write_text(f"path,text\na.wav,{huge}\n", encoding="utf-8")
    from hsb_whisper.data.folder import FolderError, read_table

    with pytest.raises(FolderError, match=r"metadata.csv, line 2: unreadable table \(field larger"):
        read_table(table, tmp_path)


def damaged_archives(cv_archive: Path, folder: Path) -> dict[str, Path]:
    data = cv_archive.read_bytes()
    made = {}
    for percent in (10, 50, 90):
        made[f"cut at {percent}%"] = data[: len(data) * percent // 100]
    zeroed = bytearray(data)
    zeroed[len(data) * 2 // 5 : len(data) * 9 // 20] = bytes(
        len(data) * 9 // 20 - len(data) * 2 // 5
    )
    made["zeroed middle"] = bytes(zeroed)
    made["garbage"] = random.Random(0).randbytes(50_000)
    made["empty"] = b""
    made["html"] = b"<!DOCTYPE html><title>404</title>" * 40
    paths = {}
    for name, content in made.items():
        paths[name] = folder / f"{name.replace(' ', '-').replace('%', '')}.tar.gz"
        paths[name].write_bytes(content)
    import gzip

    tar = gzip.decompress(data)
    for percent in (30, 70):
        paths[f"plain tar cut at {percent}%"] = folder / f"plain-{percent}.tar"
        paths[f"plain tar cut at {percent}%"].write_bytes(tar[: len(tar) * percent // 100 + 100])
    return paths


def test_damaged_archive_is_reported_as_damaged(capsys, cv_archive, tmp_path):
    for name, archive in damaged_archives(cv_archive, tmp_path).items():
        out = tmp_path / f"out-{archive.stem}"
        result = run_cli(
            capsys, "data", "import-cv", archive, "--locale", "hsb", "--out", out, "-q"
        )
        no_traceback(result)
        assert result.code == 1, name
        assert result.err.startswith(f"hsb-whisper: error: {archive}: the archive is damaged ("), (
            name,
            result.err,
        )
        assert result.err.rstrip().endswith("; download it again") and result.err.count("\n") == 1
        assert not (out / "train.jsonl").exists()


def test_archive_damaged_among_the_clips(capsys, cv_release, tmp_path):
    """Tables first, then clips, cut off: not 'missing clips', a damaged archive."""
    locale_dir = copy_release(cv_release, tmp_path / "rel")
    whole = pack(locale_dir, tmp_path / "whole.tar.gz", tables_first=True)
    data = whole.read_bytes()
    for percent in (40, 75):
        archive = tmp_path / f"cut{percent}.tar.gz"
        archive.write_bytes(data[: len(data) * percent // 100])
        out = tmp_path / f"out{percent}"
        result = run_cli(
            capsys, "data", "import-cv", archive, "--locale", "hsb", "--out", out, "-q"
        )
        no_traceback(result)
        assert result.code == 1
        assert f"{archive}: the archive is damaged" in result.err
        assert not (out / "rejects.jsonl").exists()  # no clip called missing
        assert any((out / "clips").iterdir())  # the tables were read, extraction had begun
    result = run_cli(
        capsys, "data", "import-cv", whole, "--locale", "hsb", "--out", tmp_path / "ok"
    )
    assert result.code == 1 and result.err == ""  # the whole archive is fine (the usual rejects)


def test_damaged_extracted_clip_is_replaced(capsys, cv_archive, cv_release, tmp_path):
    out = tmp_path / "out"
    run_cli(capsys, "data", "import-cv", cv_archive, "--locale", "hsb", "--out", out, "-q")
    clips = out / "clips"
    same_size = clips / "common_voice_hsb_1.mp3"
    shorter = clips / "common_voice_hsb_2.mp3"
    flipped = clips / "common_voice_hsb_3.mp3"
    untouched = clips / "common_voice_hsb_5.mp3"
    same_size.write_bytes(bytes(same_size.stat().st_size))  # same size, zero-filled
    shorter.write_bytes(shorter.read_bytes()[:1000])
    data = bytearray(flipped.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte changed
    flipped.write_bytes(data)
    stamp = untouched.stat().st_mtime_ns
    result = run_cli(capsys, "data", "import-cv", cv_archive, "--locale", "hsb", "--out", out, "-q")
    no_traceback(result)
    for clip in (same_size, shorter, flipped, untouched):
        assert clip.read_bytes() == (cv_release / "hsb" / "clips" / clip.name).read_bytes()
    assert untouched.stat().st_mtime_ns == stamp
    assert {r["id"]: r["reason"] for r in read_jsonl(out / "rejects.jsonl")} == BAD_IDS


def test_oversized_member_is_rejected_not_extracted(capsys, cv_release, tmp_path):
    locale_dir = copy_release(cv_release, tmp_path / "rel")
    release = locale_dir.parent.name
    add_rows(locale_dir, "train", ["huge.mp3"])
    huge = member(f"{release}/hsb/clips/huge.mp3", bytes(MAX_CLIP_BYTES + 1))
    archive = pack(locale_dir, tmp_path / "a.tar.gz", [huge], level=1)
    out = tmp_path / "out"
    result = run_cli(capsys, "data", "import-cv", archive, "--locale", "hsb", "--out", out, "-q")
    no_traceback(result)
    rejects = {r["id"]: r for r in read_jsonl(out / "rejects.jsonl")}
    assert rejects.pop("huge")["reason"] == "too_large_audio"
    assert {i: r["reason"] for i, r in rejects.items()} == BAD_IDS
    assert not (out / "clips" / "huge.mp3").exists()
    assert len(read_manifest(out / "train.jsonl")) == 9


def test_total_extraction_is_capped(capsys, cv_release, tmp_path):
    locale_dir = copy_release(cv_release, tmp_path / "rel")
    release = locale_dir.parent.name
    add_rows(locale_dir, "train", ["big1.mp3", "big2.mp3"])
    big = [member(f"{release}/hsb/clips/big{i}.mp3", bytes(40 << 20)) for i in (1, 2)]
    archive = pack(locale_dir, tmp_path / "bomb.tar.gz", big, level=1)
    assert archive.stat().st_size < 2 << 20  # 80 MiB of clips in an archive of under 2 MiB
    out = tmp_path / "out"
    result = run_cli(capsys, "data", "import-cv", archive, "--locale", "hsb", "--out", out, "-q")
    no_traceback(result)
    assert result.code == 1
    assert f"{archive}: its clips would take more than 4 times the archive's size" in result.err
    assert sum(p.stat().st_size for p in (out / "clips").iterdir()) < 41 << 20
