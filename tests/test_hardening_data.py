"""Hostile training data (issue 10): paths out of a release, zero-filled clips, absurd manifests,
damaged archives and tables, oversized members, bad split options. Each is one clear line or one
reject among many, never a traceback and never a file read or written outside where it belongs."""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import struct
import tarfile
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hsb_whisper.audio import inspect_audio, probe_duration
from hsb_whisper.data import checks, read_manifest
from hsb_whisper.data.checks import MAX_CLIP_BYTES, REASONS, check_clips, file_digest
from hsb_whisper.data.commonvoice import (
    CommonVoiceError,
    open_release,
    path_problem,
    read_tsv,
)
from hsb_whisper.data.folder import parse_fractions
from hsb_whisper.data.manifest import AUDIO_KEYS, SPEAKER_KEYS, TEXT_KEYS, Clip, ManifestError
from hsb_whisper.data.stats import HISTOGRAM_TOP_SECONDS, histogram
from hsb_whisper.errors import AudioError, HsbWhisperError, OptionError

from testsupport.cli_runner import run_cli
from testsupport.cv_fixture import BAD_IDS, read_jsonl
from testsupport.speech import encode, speak, write_wav


def copy_release(cv_release: Path, folder: Path) -> Path:
    """A private copy of the fixture release; returns its locale folder (…/hsb)."""
    root = folder / cv_release.name
    shutil.copytree(cv_release, root, symlinks=True)
    return root / "hsb"


def add_rows(locale_dir: Path, table: str, paths: list[str]) -> None:
    """Append rows with these ``path`` values (and a sentence each) to ``table``.tsv."""
    tsv = locale_dir / f"{table}.tsv"
    lines = tsv.read_text(encoding="utf-8").splitlines()
    columns = lines[0].split("\t")
    for i, path in enumerate(paths):
        values = {"client_id": "spk-a", "path": path, "sentence": f"Sada {i}.", "locale": "hsb"}
        lines.append("\t".join(values.get(c, "") for c in columns))
    tsv.write_text("\n".join(lines) + "\n", encoding="utf-8")


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


def no_traceback(result) -> None:
    assert "Traceback" not in result.err and "unexpected error" not in result.err, result.err


# ---------------------------------------------------------------------------------------------
# 1. Common Voice paths outside the release's clips/ folder


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


# ---------------------------------------------------------------------------------------------
# 2. A zero-filled ".mp3" is one reject among many


ZERO_SIZES = (100_000, 1_000_000)  # FFmpeg probes these as MP3 with no sample rate


def test_zero_filled_mp3_is_an_audio_error(tmp_path):
    for size in ZERO_SIZES:
        zeros = tmp_path / f"zeros-{size}.mp3"
        zeros.write_bytes(bytes(size))
        for read in (inspect_audio, probe_duration):
            with pytest.raises(AudioError, match="not a readable audio file") as e:
                read(zeros)
            assert e.value.kind == "unreadable"


def test_zero_filled_mp3_in_check_stats_and_import(capsys, cv_release, tmp_path):
    clips_dir = cv_release / "hsb" / "clips"
    good = [clips_dir / f"common_voice_hsb_{i}.mp3" for i in (1, 2, 3)]
    zeros = []
    for size in ZERO_SIZES:
        zeros.append(tmp_path / f"zeros-{size}.mp3")
        zeros[-1].write_bytes(bytes(size))
    records = [{"audio": str(p), "text": "Dobry dźeń."} for p in [good[0], *zeros, *good[1:]]]
    manifest = tmp_path / "m.jsonl"
    manifest.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    for fast in ([], ["--fast"]):
        result = run_cli(capsys, "data", "check", manifest, "--clean", tmp_path / "c.jsonl", *fast)
        no_traceback(result)
        assert result.code == 1
        rejects = read_jsonl(tmp_path / "m.rejects.jsonl")
        assert [(Path(r["audio"]).name, r["reason"]) for r in rejects] == [
            (p.name, "unreadable_audio") for p in zeros
        ]
        assert all("not a readable audio file" in r["detail"] for r in rejects)
        assert [c.audio for c in read_manifest(tmp_path / "c.jsonl")] == good
    result = run_cli(capsys, "data", "stats", manifest, "-q")
    no_traceback(result)
    assert result.code == 0
    assert "clips: 5 " in result.out and "unreadable clips (not counted): 2" in result.out

    locale_dir = copy_release(cv_release, tmp_path / "rel")
    (locale_dir / "clips" / "zeros.mp3").write_bytes(bytes(ZERO_SIZES[0]))
    add_rows(locale_dir, "train", ["zeros.mp3"])
    out = tmp_path / "out"
    result = run_cli(
        capsys, "data", "import-cv", locale_dir.parent, "--locale", "hsb", "--out", out
    )
    no_traceback(result)
    reasons = {r["id"]: r["reason"] for r in read_jsonl(out / "rejects.jsonl")}
    assert reasons == {**BAD_IDS, "zeros": "unreadable_audio"}


def test_zero_filled_mp3_among_many_in_worker_processes(tmp_path):
    """Enough clips for the process pool: an exception there would end the whole check."""
    rng = np.random.default_rng(0)
    clips = []
    for i in range(70):
        noise = (rng.standard_normal(8000) * 3000).astype(np.int16)
        clips.append(Clip(write_wav(tmp_path / f"{i}.wav", noise, 16000), "a"))
    for i, size in enumerate(ZERO_SIZES):
        (tmp_path / f"z{i}.mp3").write_bytes(bytes(size))
        clips.insert(10 * i + 5, Clip(tmp_path / f"z{i}.mp3", "a"))
    for decode in (True, False):
        result = check_clips({"train": clips}, decode=decode, count_tokens=len, workers=2)
        assert [(r.clip.audio.name, r.reason) for r in result.rejects] == [
            ("z0.mp3", "unreadable_audio"),
            ("z1.mp3", "unreadable_audio"),
        ]
        assert len(result.kept["train"]) == 70


def test_a_decoder_bug_is_one_reject_not_a_lost_run(cv_release, tmp_path, monkeypatch):
    """Whatever a hostile file makes the decoder raise, the other clips are still checked (and
    the traceback goes to the log)."""
    clips_dir = cv_release / "hsb" / "clips"
    good = [clips_dir / f"common_voice_hsb_{i}.mp3" for i in (1, 2)]
    hostile = tmp_path / "hostile.mp3"
    hostile.write_bytes(b"\xff\xfb" * 100)

    def decoder(path, original=checks.inspect_audio):
        if path == hostile:
            raise IndexError("a decoder bug")
        return original(path)

    monkeypatch.setattr(checks, "inspect_audio", decoder)
    clips = [Clip(good[0], "a"), Clip(hostile, "b"), Clip(good[1], "c")]
    result = check_clips({"train": clips}, count_tokens=len)
    assert [(r.clip.audio, r.reason, r.detail) for r in result.rejects] == [
        (hostile, "unreadable_audio", "unexpected IndexError: a decoder bug")
    ]
    assert [c.audio for c in result.kept["train"]] == good


# ---------------------------------------------------------------------------------------------
# 3. Absurd manifests, damaged tables and archives, oversized members, bad options

BAD_DURATIONS = ["1e15", "NaN", "Infinity", "-Infinity", "-1", "-0.5", "1e400", "9" * 400, "true"]


@pytest.mark.parametrize("duration", BAD_DURATIONS)
def test_absurd_durations_are_one_line(capsys, tmp_path, duration):
    manifest = tmp_path / "m.jsonl"
    lines = ['{"audio": "a.wav", "text": "x", "duration": 2.5}']
    lines.append(f'{{"audio": "b.wav", "text": "y", "duration": {duration}}}')
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"m.jsonl, line 2: duration"):
        read_manifest(manifest)
    for command in ("stats", "check"):
        result = run_cli(capsys, "data", command, manifest, "-q")
        no_traceback(result)
        assert result.code == 1
        assert result.err.count("\n") == 1
        assert result.err.startswith(f"hsb-whisper: error: {manifest}, line 2: duration ")


def test_deep_json_is_a_manifest_error(tmp_path):
    deep = ["[" * 100_000, '{"a":' * 100_000, "[" * 100_000 + "]" * 100_000]
    for i, text in enumerate(deep):
        for suffix in (".json", ".jsonl"):
            path = tmp_path / f"deep{i}{suffix}"
            path.write_text(text, encoding="utf-8")
            with pytest.raises(ManifestError, match=r"deep.*(nested too deeply|not a JSON)"):
                read_manifest(path)
    (tmp_path / "nested.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ManifestError, match="nested too deeply"):
        read_manifest(tmp_path / "nested.json")


@pytest.mark.parametrize(
    "columns",
    [
        {"path": {"0": "a.mp3", "1": "b.mp3"}, "sentence": {"0": "Jedyn"}},
        {"path": {"0": "a.mp3"}, "sentence": {"1": "Jedyn"}},
        {"path": ["a.mp3", "b.mp3"], "sentence": ["Jedyn"]},
        {"path": ["a.mp3"], "sentence": {"0": "Jedyn"}},
        {"path": {"0": "a.mp3"}, "sentence": ["Jedyn"]},
    ],
)
def test_pandas_columns_of_unequal_length(tmp_path, columns):
    (tmp_path / "p.json").write_text(json.dumps(columns))
    with pytest.raises(ManifestError, match=r"p.json: pandas columns 'path' and 'sentence' do"):
        read_manifest(tmp_path / "p.json")


@pytest.mark.parametrize(
    "text, message",
    [
        ('{"audio": "a\\u0000b.wav", "text": "x"}', "NUL"),
        ('{"audio": "~nosuchuser-hsb/a.wav", "text": "x"}', "cannot expand"),
        ('{"audio": "a.wav", "text": "\\ud800"}', "text is not valid Unicode"),
        ('{"audio": "\\udfff.wav", "text": "x"}', "audio path is not valid Unicode"),
        ('{"audio": "a.wav", "text": "x", "speaker": [[1]]}', "speaker must be a string"),
        ('{"audio": "a.wav", "text": "x", "id": {"a": 1}}', "id must be a string"),
        ('{"audio": "a.wav", "text": "x", "duration": ' + "1" * 5000 + "}", "not a JSON|duration"),
    ],
)
def test_other_hostile_records(tmp_path, text, message):
    (tmp_path / "m.jsonl").write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=message):
        read_manifest(tmp_path / "m.jsonl")


def test_json_lines_split_only_at_newlines(tmp_path):
    # U+2028 and U+0085 may stand unescaped inside a JSON string; they do not end a line
    text = '\ufeff{"audio": "a.wav", "text": "x\u2028y\u0085z"}\r\n{"audio": "b.wav", "text": "w"}'
    (tmp_path / "m.jsonl").write_text(text, encoding="utf-8")
    clips = read_manifest(tmp_path / "m.jsonl")
    assert [c.text for c in clips] == ["x y z", "w"]


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


BAD_SPLITS = [
    "nan,nan,nan",
    "inf,0,0",
    "inf,-inf,1",
    "-1,1,1",
    "0.5,0.5,0.5",
    "1,0",
    "0.8,0.1,0.1,0",
    "a,b,c",
    "",
    "1e308,1e308,-1e308",
    "nan,0.5,0.5",
]


@pytest.mark.parametrize("split", BAD_SPLITS)
def test_bad_split_is_an_option_error(capsys, tmp_path, split):
    with pytest.raises(OptionError, match=f"split {split!r}: expected"):
        parse_fractions(split)
    result = run_cli(capsys, "data", "import-folder", tmp_path, f"--split={split}", "-q")
    no_traceback(result)
    assert result.code == 1
    assert result.err.startswith(f"hsb-whisper: error: split {split!r}: expected three")
    assert parse_fractions("0.5,0.25,0.25") == (0.5, 0.25, 0.25)


def big_sparse_wav(path: Path, data_bytes: int) -> Path:
    """A 16 kHz 16-bit mono WAV whose header declares ``data_bytes`` of samples."""
    fmt = struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
    header = b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVEfmt " + fmt
    with path.open("wb") as f:
        f.write(header + b"data" + struct.pack("<I", data_bytes))
        f.truncate(44 + data_bytes)  # a hole: no disk space, reads as zeros
    return path


def test_fast_check_hashes_in_chunks(tmp_path):
    big = big_sparse_wav(tmp_path / "big.wav", 128 << 20)
    tracemalloc.start()
    try:
        result = check_clips({"train": [Clip(big, "a")]}, decode=False, count_tokens=len)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [r.reason for r in result.rejects] == ["too_long_audio"]  # read, hashed, measured
    assert peak < 16 << 20, f"{peak >> 20} MiB held to hash a 128 MiB file"
    small = tmp_path / "small.bin"
    small.write_bytes(os.urandom(3 * (1 << 20) + 5))
    import hashlib

    assert file_digest(small) == hashlib.blake2b(small.read_bytes(), digest_size=16).hexdigest()


def test_histogram_of_absurd_durations_stays_small():
    bins = histogram([1.0, 29.0, 1e15, 1e6])
    assert len(bins) == int(HISTOGRAM_TOP_SECONDS // 2) + 1
    assert bins[-1] == (HISTOGRAM_TOP_SECONDS, 2) and bins[0] == (0.0, 1)


# ---------------------------------------------------------------------------------------------
# 4. Property: any file is a list of clips or a ManifestError

KEYS = [*AUDIO_KEYS, *TEXT_KEYS, *SPEAKER_KEYS, "duration", "sentence_id", "id", "data"]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["a.wav", "/abs/b.mp3", "~/c.wav", "~nosuchuser-hsb/d", "..", "", "\0"])
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=6)
    ),
    max_leaves=25,
)
RECORDS = st.dictionaries(st.sampled_from(KEYS), JSON_VALUES, max_size=7)
FRAGMENTS = [
    "[", "]", "{", "}", ",", ":", "\n", "\r\n", " ", '"audio"', '"text"', '"duration"',
    '"path"', '"sentence"', '"a.wav"', '"x"', "NaN", "Infinity", "-1", "1e400", "null", "true",
    '"\\ud800"', '"\\u0000"', "\u2028", "\x85", "\ufeff", "\x00", "9" * 4400,
]  # fmt: skip


def documents():
    return st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300),
        st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
        JSON_VALUES.map(json.dumps),
        st.lists(RECORDS, max_size=5).map(json.dumps),
        st.lists(RECORDS, max_size=5).map(lambda rs: "\n".join(json.dumps(r) for r in rs)),
        st.dictionaries(st.sampled_from(KEYS), st.lists(JSON_VALUES, max_size=3)).map(json.dumps),
    )


def check_manifest_file(path: Path, content: str | bytes) -> None:
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    try:
        clips = read_manifest(path)
    except HsbWhisperError as e:
        assert isinstance(e, ManifestError)
        assert "\n" not in str(e).strip() and str(path) in str(e)
        return
    assert isinstance(clips, list)
    for clip in clips:
        assert isinstance(clip, Clip) and clip.audio.is_absolute()
        assert clip.duration is None or (0 <= clip.duration <= 86400)  # never NaN
        for value in (clip.text, str(clip.audio), clip.speaker, clip.id, clip.sentence_id):
            assert value is None or isinstance(value.encode("utf-8"), bytes)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=documents())
@example(content="[" * 100_000)
@example(content='{"path": {"0": "a"}, "sentence": {"1": "b"}}')
@example(content='[{"audio": "a.wav", "duration": 1e15}]')
def test_read_manifest_never_raises_anything_else(tmp_path, content):
    for name in ("m.jsonl", "m.json"):
        check_manifest_file(tmp_path / name, content)
