"""Corrections become training data (``data import-corrections``, issue 24): a recording of
synthetic speech transcribed once by the real default model; in each test some of its segments
are corrected and confirmed as in the app's editor, speakers assigned and named, and the
transcripts saved as the app saves them. Only confirmed segments are imported, with their
corrected text, padded and joined; a named speaker is one person across recordings, an unnamed
one is local to its recording; no recording is in two splits; excluded recordings stay out; a
missing recording or a damaged file is one line and the others are imported."""

from __future__ import annotations

import copy
import dataclasses
import itertools
import json
import os
from pathlib import Path

import numpy as np
import pytest

from hsb_whisper.data import read_manifest
from hsb_whisper.data.manifest import normalize_text
from hsb_whisper.transcription import TranscribeOptions, Transcriber, formats
from hsb_whisper.transcription.transcript import Transcript

from testsupport.cli_runner import one_error_line, run_cli
from testsupport.speech import read_wav, speak, write_wav

# Five sentences; the pauses after them make Whisper's segment gaps short (merged when both
# are confirmed) or long (never merged).
SENTENCES = (
    "Please call Stella.",
    "Ask her to bring these things with her from the store.",
    "Six spoons of fresh snow peas for her brother.",
    "We also need a small plastic snake.",
    "And a big toy frog for the kids.",
)
PAUSES_S = (0.5, 2.0, 0.5, 2.0, 1.0)
PAD_S, JOIN_GAP_S, JOIN_MAX_S = 0.15, 1.0, 25.0  # the import's padding and joining
SPLITS = ("train", "dev", "test")


@pytest.fixture(scope="module")
def recorded(tmp_path_factory, default_model) -> tuple[Path, Transcript]:
    """The recording and its transcript by the default model (made once)."""
    folder = tmp_path_factory.mktemp("recorded")
    parts, rate = [], 22050
    for i, (sentence, pause) in enumerate(zip(SENTENCES, PAUSES_S)):
        samples, rate = read_wav(speak(sentence, "en", folder / f"{i}.wav"))
        parts += [samples, np.zeros((int(pause * rate), 1), np.int16)]
    path = write_wav(folder / "recording.wav", np.concatenate(parts), rate)
    transcript = Transcriber(default_model, TranscribeOptions(language="en")).transcribe_all(path)
    segments = transcript.segments
    assert len(segments) == len(SENTENCES), segments
    gaps = [b.start - a.end for a, b in itertools.pairwise(segments)]
    assert gaps[0] <= JOIN_GAP_S < gaps[1] and gaps[2] <= JOIN_GAP_S < gaps[3], gaps
    return path, transcript


def save(
    recorded: tuple[Path, Transcript],
    folder: Path,
    name: str,
    *,
    confirm: tuple[int, ...] = (),
    edit: dict[int, str] | None = None,
    speakers: dict[int, str] | None = None,
    names: dict[str, str] | None = None,
    gain: float | None = 1.0,
    excluded: bool = False,
) -> Path:
    """Save, as the app does, a transcript of ``name``.wav: the module's recording (its
    samples times ``gain``, so that no two recordings are the same audio; ``None``: no
    recording) with the module's transcript, corrected through the editor's methods."""
    source, base = recorded
    recording = folder / f"{name}.wav"
    if gain is not None:
        samples, rate = read_wav(source)
        write_wav(recording, (samples * gain).astype(np.int16), rate)
    t = copy.deepcopy(base)
    t.info = dataclasses.replace(t.info, path=recording)
    for i, speaker in (speakers or {}).items():
        t.reassign(i, speaker)
    for speaker, person in (names or {}).items():
        t.rename_speaker(speaker, person)
    for i, text in (edit or {}).items():
        t.edit_text(i, text)
    for i in confirm:
        t.confirm(i)
    t.excluded_from_training = excluded
    return formats.save(t, folder / f"{name}.json", "json")


def expected_clips(path: Path) -> list[tuple[str, str, str | None, float]]:
    """What the import should make of the saved transcript ``path``, worked out here from the
    rule (consecutive confirmed segments of one speaker, gaps ≤ 1 s, ≤ 25 s; padded by 0.15 s
    but not into a neighbour or past the end): ``(recording, text, speaker, duration)``."""
    t = formats.read_json(path)
    segments, runs = t.segments, []
    for i, s in enumerate(segments):
        if not s.confirmed:
            continue
        run = runs[-1] if runs else None
        if (
            run
            and run[-1] == i - 1
            and segments[i - 1].speaker == s.speaker
            and s.start - segments[i - 1].end <= JOIN_GAP_S
            and s.end - segments[run[0]].start <= JOIN_MAX_S
        ):
            run.append(i)
        else:
            runs.append([i])
    clips = []
    for run in runs:
        first, last = segments[run[0]], segments[run[-1]]
        before = segments[run[0] - 1].end if run[0] else 0.0
        after = segments[run[-1] + 1].start if run[-1] + 1 < len(segments) else t.info.duration
        start, end = max(first.start - PAD_S, before), min(last.end + PAD_S, after)
        text = " ".join(normalize_text(segments[i].text) for i in run)
        local = f"{path.stem}#{first.speaker}"  # an unnamed speaker: within its recording
        speaker = first.speaker and (t.speaker_names.get(first.speaker) or local)
        clips.append((path.stem, text, speaker, end - start))
    return clips


def imported(out: Path) -> dict[str, list]:
    """Each split's clips as ``(recording, text, speaker, duration)``."""
    return {
        split: [
            (c.audio.parent.name, c.text, c.speaker, c.duration)
            for c in read_manifest(out / f"{split}.jsonl")
        ]
        for split in SPLITS
    }


def assert_same_clips(got: list[tuple], expected: list[tuple]) -> None:
    assert sorted(g[:3] for g in got) == sorted(e[:3] for e in expected)
    durations = {e[:3]: e[3] for e in expected}
    for g in got:
        assert g[3] == pytest.approx(durations[g[:3]], abs=0.02), g


def recordings_per_split(clips: dict[str, list]) -> dict[str, set[str]]:
    """Each recording's splits."""
    where: dict[str, set[str]] = {}
    for split, items in clips.items():
        for recording, *_ in items:
            where.setdefault(recording, set()).add(split)
    return where


@pytest.fixture
def corpus(recorded, tmp_path) -> Path:
    """Saved transcripts: four to import (a and b share the named speaker Jan Nowak, d has an
    unnamed one, c none), one excluded, one whose recording is gone, one damaged, one with
    nothing confirmed."""
    folder = tmp_path / "transcripts"
    folder.mkdir()
    jan = {"S1": "Jan Nowak"}
    save(
        recorded, folder, "a",
        edit={0: "Please call Stella!", 2: "Six spoons of fresh snow peas for her brother."},
        confirm=(1,), speakers={0: "S1", 1: "S1", 2: "S2", 3: "S2", 4: "S1"}, names=jan,
    )  # fmt: skip
    save(recorded, folder, "b", gain=0.8, confirm=(3, 4), speakers=dict.fromkeys(range(5), "S1"),
         names=jan)  # fmt: skip
    save(recorded, folder, "c", gain=0.6, confirm=(0, 1))
    save(recorded, folder, "d", gain=0.7, confirm=(2, 3), speakers=dict.fromkeys(range(5), "S1"))
    save(recorded, folder, "e", gain=0.5, confirm=(0, 1), excluded=True)
    save(recorded, folder, "f", gain=None, confirm=(0,))
    (folder / "g.json").write_text('{"format_version": 2, "segments": [', encoding="utf-8")
    save(recorded, folder, "h", gain=0.4)
    return folder


def test_confirmed_segments_become_clips(capsys, corpus, tmp_path):
    out = tmp_path / "out"
    result = run_cli(capsys, "data", "import-corrections", corpus, "--out", out, "-q")
    assert result.code == 0, result.out + result.err

    clips = imported(out)
    expected = [c for name in "abcd" for c in expected_clips(corpus / f"{name}.json")]
    assert_same_clips([c for split in SPLITS for c in clips[split]], expected)
    texts = {c[1] for c in expected}
    assert "Please call Stella! Ask her to bring these things with her from the store." in texts
    assert "Six spoons of fresh snow peas for her brother." in texts  # joined with no unconfirmed
    assert len(expected) == 6  # a: 2 (one of two segments), b: 2 (a long gap), c: 1, d: 1
    speakers = {(c[0], c[2]) for c in expected}
    assert speakers == {("a", "Jan Nowak"), ("a", "a#S2"), ("b", "Jan Nowak"), ("c", None),
                        ("d", "d#S1")}  # fmt: skip

    where = recordings_per_split(clips)
    assert all(len(splits) == 1 for splits in where.values()), where
    assert where["a"] == where["b"]  # Jan Nowak's recordings stay together
    assert {next(iter(s)) for s in where.values()} == set(SPLITS)

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["kind"] == "corrections" and report["rejected"] == 0
    assert report["split"]["unit"] == "group" and report["split"]["units"] == 3
    assert report["segments"] == {"confirmed": 9, "corrected": 2, "unconfirmed": 11, "skipped": {}}
    assert report["joined"]["clips_of_several_segments"] == 3
    reasons = {Path(lo["transcript"]).name: lo["reason"] for lo in report["left_out"]}
    assert reasons == {"e.json": "excluded", "f.json": "recording", "g.json": "not_a_transcript",
                       "h.json": "nothing_confirmed"}  # fmt: skip

    assert "9 confirmed (2 corrected), 11 unconfirmed (never used)" in result.out
    assert "split by recording group" in result.out
    lines = {name: [line for line in result.out.splitlines() if f"{name}.json" in line]
             for name in "efgh"}  # fmt: skip
    assert all(len(found) == 1 for found in lines.values()), lines
    assert "excluded by the user" in lines["e"][0]
    assert str(corpus / "f.wav") in lines["f"][0] and "no such file" in lines["f"][0]
    assert "not a transcript saved by hsb-whisper" in lines["g"][0]
    assert "no confirmed segment (5 unconfirmed)" in lines["h"][0]


def test_confirmed_seconds_count_what_an_import_would_use(corpus, tmp_path, monkeypatch):
    from hsb_whisper.data import confirmed_seconds

    # a, b, c and d: not e (excluded), f (its recording is gone), g (damaged), h (none confirmed)
    used = [formats.read_json(corpus / f"{name}.json") for name in "abcd"]
    expected = sum(s.end - s.start for t in used for s in t.confirmed_segments)
    assert expected > 0 and confirmed_seconds([corpus]) == pytest.approx(expected)
    monkeypatch.setenv("HSB_WHISPER_HOME", str(tmp_path / "home"))  # the app's: none saved yet
    assert confirmed_seconds() == 0


def test_exclude_is_kept_in_the_transcript_and_include_undoes_it(capsys, corpus, tmp_path):
    out = tmp_path / "out"
    args = ("data", "import-corrections", corpus, "--out", out, "-q")
    result = run_cli(capsys, *args, "--exclude", corpus / "c.wav")  # by its recording
    assert result.code == 0, result.out + result.err
    assert json.loads((corpus / "c.json").read_text(encoding="utf-8"))["excluded_from_training"]
    assert formats.read_json(corpus / "c.json").excluded_from_training
    clips = imported(out)
    where = recordings_per_split(clips)
    assert set(where) == {"a", "b", "d"}
    assert all(len(splits) == 1 for splits in where.values()), where
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    # Two groups cannot fill three splits: each recording whole, and a warning
    assert report["split"]["unit"] == "recording" and not report["split"]["speaker_disjoint"]
    assert "WARNING: only 3 speakers" in result.out and "split by recording" in result.out
    assert [line for line in result.out.splitlines() if "c.json" in line] == [
        f"  {corpus / 'c.json'}: excluded by the user"
    ]

    result = run_cli(capsys, *args)  # stays excluded
    assert "c" not in recordings_per_split(imported(out))

    result = run_cli(capsys, *args, "--include", corpus / "c.json")
    assert result.code == 0, result.out + result.err
    assert not formats.read_json(corpus / "c.json").excluded_from_training
    assert "c" in recordings_per_split(imported(out))

    result = run_cli(capsys, *args, "--exclude", corpus / "nothing.wav")
    assert result.code == 1
    one_error_line(result.err, "--exclude")
    assert "neither a transcript read here nor the recording of one" in result.err


def test_nothing_confirmed_imports_nothing_and_says_why(capsys, recorded, tmp_path, monkeypatch):
    monkeypatch.setenv("HSB_WHISPER_HOME", str(tmp_path / "home"))  # the app's folders
    folder = tmp_path / "home" / "transcripts"
    folder.mkdir(parents=True)
    save(recorded, folder, "only-checked-by-the-model")
    out = tmp_path / "out"
    result = run_cli(capsys, "data", "import-corrections", "--out", out, "-q")  # the app's folder
    assert result.code == 1
    head = f"hsb-whisper: error: nothing to import (1 transcript in {folder}):"
    assert result.err.startswith(head)
    assert "only-checked-by-the-model.json: no confirmed segment (5 unconfirmed)" in result.err
    assert not (out / "train.jsonl").exists()


def test_padding_stops_at_neighbours_and_the_end(capsys, recorded, tmp_path):
    """Segments moved close together (as Whisper gives them in fast speech): a clip's padding
    stops where a neighbouring segment starts or ends, and at the recording's end."""
    t = copy.deepcopy(recorded[1])
    s = t.segments
    s[0] = dataclasses.replace(s[0], end=s[1].start - 0.05)
    s[2] = dataclasses.replace(s[2], start=s[1].end + 0.08)
    s[4] = dataclasses.replace(s[4], end=t.info.duration - 0.05)
    t.confirm(1)
    t.confirm(4)
    path = formats.save(t, tmp_path / "close.json", "json")
    out = tmp_path / "out"
    result = run_cli(capsys, "data", "import-corrections", path, "--out", out, "-q")
    assert result.code == 0, result.out + result.err
    clips = [c for split in SPLITS for c in read_manifest(out / f"{split}.jsonl")]
    durations = sorted(c.duration for c in clips)
    expected = sorted([
        (s[1].end + 0.08) - (s[1].start - 0.05),  # both neighbours nearer than the padding
        t.info.duration - (s[4].start - PAD_S),  # the end of the recording
    ])  # fmt: skip
    assert durations == pytest.approx(expected, abs=0.02)
    # One recording is never divided: loud warnings that dev and test are empty
    loud = "WARNING: only 1 recording with confirmed segments, too few for dev and test"
    assert loud in result.out
    assert "WARNING: dev is empty" in result.out and "WARNING: test is empty" in result.out


def test_damaged_transcripts_are_one_line_each(capsys, recorded, tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    good = save(recorded, folder, "good", confirm=(1,))
    hostile = {
        "deep.json": "[" * 100_000,
        "list.json": "[]",
        "keys.json": '{"segments": 5}',
        "binary.json": b"\xff\xfe\x00garbage",
    }
    for name, content in hostile.items():
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    data = json.loads(good.read_text(encoding="utf-8"))
    data["segments"][0]["text"] = 5
    (folder / "number.json").write_text(json.dumps(data), encoding="utf-8")
    data = json.loads(good.read_text(encoding="utf-8"))
    data["duration"] = "long"
    (folder / "duration.json").write_text(json.dumps(data), encoding="utf-8")
    data = json.loads(good.read_text(encoding="utf-8"))
    data["file"] = "no\u0000such.wav"
    (folder / "nul.json").write_text(json.dumps(data), encoding="utf-8")
    data = json.loads(good.read_text(encoding="utf-8"))
    data["file"] = str(folder / "good.wav")  # the same recording: the newer transcript counts
    data["segments"][3]["end"] = data["segments"][3]["start"] - 1  # a confirmed segment
    data["segments"][3]["confirmed"] = True  # ending before it starts: bad_times
    (folder / "times.json").write_text(json.dumps(data), encoding="utf-8")
    os.utime(good, (good.stat().st_atime, good.stat().st_mtime - 60))
    save(recorded, folder, "noise", gain=None, confirm=(0,))
    (folder / "noise.wav").write_bytes(b"RIFF" + bytes(range(256)) * 20)  # no audio in it

    out = tmp_path / "out"
    result = run_cli(capsys, "data", "import-corrections", folder, "--out", out, "-q")
    assert "Traceback" not in result.err + result.out
    assert result.code == 1, result.out + result.err  # the bad_times reject
    names = [*hostile, "number.json", "duration.json", "nul.json", "good.json", "noise.json"]
    for name in names:
        lines = [line for line in result.out.splitlines() if f"{name}:" in line]
        assert len(lines) == 1, (name, result.out)
    noise = next(line for line in result.out.splitlines() if "noise.json:" in line)
    assert f"its recording {folder / 'noise.wav'}: not a readable audio file" in noise
    assert "a newer transcript of its recording" in result.out
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["rejects_by_reason"] == {"bad_times": 1}
    assert len(imported(out)["train"]) == 1
