"""Training data: a recordings folder imported into manifests, manifests read in every layout,
the checks (``data check``) and the statistics (``data stats``), the character inventory and the
split. And data from others (issue 10): zero-filled clips, absurd manifests, bad split options,
files too large to read at once; each is one clear line or one reject among many, never a
traceback; any file is a list of clips or a ManifestError (property test)."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hsb_whisper.audio import inspect_audio, probe_duration
from hsb_whisper.data import checks, read_manifest
from hsb_whisper.data.characters import character_inventory
from hsb_whisper.data.checks import check_clips, file_digest
from hsb_whisper.data.commonvoice import read_tsv
from hsb_whisper.data.folder import parse_fractions
from hsb_whisper.data.manifest import AUDIO_KEYS, SPEAKER_KEYS, TEXT_KEYS, Clip, ManifestError
from hsb_whisper.data.split import split_clips
from hsb_whisper.data.stats import HISTOGRAM_TOP_SECONDS, histogram
from hsb_whisper.errors import AudioError, HsbWhisperError, OptionError

from testsupport.cli_runner import no_traceback, run_cli
from testsupport.cv_fixture import BAD_IDS, add_rows, copy_release, read_jsonl
from testsupport.speech import speak, write_wav


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


# --- from others: a zero-filled ".mp3" is one reject among many (issue 10) ------------------


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


# --- from others: absurd manifests, bad options, files too large to read at once ------------


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


@pytest.mark.parametrize("target", ["/dev/zero", "folder"])
def test_manifest_reader_refuses_what_is_not_a_regular_file(tmp_path, target):
    path = Path(target) if target.startswith("/") else tmp_path
    with pytest.raises(ManifestError, match="not a regular file"):
        read_manifest(path)


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


# --- property: any file is a list of clips or a ManifestError --------------------------------


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
