"""``hsb-whisper archive`` on Ray's own two-node test cluster (127.0.0.1 only): outputs identical
to ``hsb-whisper transcribe``, long files in pieces over workers, a killed worker, a killed
driver, bad files among good ones.

One cluster for the module (two nodes of one CPU each, small object stores, no dashboard), shut
down at its end. The long files are "long" for pieces of 20 s (``engine.PIECE_S`` patched here:
the driver reads it and sends it to the workers), so that they take seconds, not minutes.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hsb_whisper import cli
from hsb_whisper.archive import MAX_ATTEMPTS, ArchiveSettings, run_archive
from hsb_whisper.transcription import TranscribeOptions
from hsb_whisper.transcription import engine as engine_module

from testsupport.speech import EN_SENTENCES, speak, speak_sentences

PIECE_S = 20.0  # a file over PIECE_S + CUT_SEARCH_S (50 s) is cut into pieces
OPTIONS = ["-l", "en", "--beam-size", "1"]
FORMATS = "txt,json,srt"
WORDS = [
    "Please call Stella",
    "Ask her to bring these things",
    "Six spoons of fresh snow peas",
    "Five thick slabs of blue cheese",
    "A snack for her brother",
    "A small plastic snake",
    "A big toy frog for the kids",
    "We will go meet her Wednesday at the train station",
]
STORE_BYTES = 300 * 1024**2  # each node's object store: the model (145 MB) and some audio


@pytest.fixture(scope="module")
def cluster(default_model):
    """Two Ray nodes on 127.0.0.1, the test process connected as a driver."""
    # Ray's loopback-only mode (its default on Windows and macOS): every node, the drivers
    # (also the command run as a subprocess below, which inherits it) and the workers on
    # 127.0.0.1; otherwise ray.init turns 127.0.0.1 into the machine's address.
    patch = pytest.MonkeyPatch()
    patch.setenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    ray = pytest.importorskip("ray")
    from ray.cluster_utils import Cluster

    node = {"num_cpus": 1, "object_store_memory": STORE_BYTES, "node_ip_address": "127.0.0.1"}
    cluster = Cluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
    try:
        cluster.add_node(**node)
        cluster.wait_for_nodes()
        ray.init(address=cluster.address, log_to_driver=False)
        yield cluster
    finally:
        ray.shutdown()
        cluster.shutdown()
        patch.undo()


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """20 files: 18 sentences (one in a subfolder, each ~2-4 s) and two long recordings."""
    src = tmp_path_factory.mktemp("archive-src")
    (src / "sub").mkdir()
    files = []
    for number in range(18):
        folder = src / "sub" if number == 17 else src
        text = f"{WORDS[number % len(WORDS)]}, number {number}."
        files.append(speak(text, "en", folder / f"clip{number:02}.wav"))
    long_folder = src / "long"
    long_folder.mkdir()
    for number in range(2):
        sentences = EN_SENTENCES * 4 if number == 0 else EN_SENTENCES[::-1] * 4
        path = long_folder / f"long{number}.wav"
        files.append(speak_sentences(sentences, "en", path, pause_s=1.5 + number * 0.5))
    return src, files


@pytest.fixture(scope="module")
def reference(archive, tmp_path_factory, default_model):
    """``hsb-whisper transcribe`` of every file, output folder by output folder (the mirror)."""
    src, files = archive
    ref = tmp_path_factory.mktemp("reference")
    patch = pytest.MonkeyPatch()
    patch.setattr(engine_module, "PIECE_S", PIECE_S)
    try:
        by_folder: dict[Path, list[Path]] = {}
        for path in files:
            by_folder.setdefault(ref / path.parent.relative_to(src), []).append(path)
        for folder, paths in by_folder.items():
            argv = ["transcribe", "-q", *OPTIONS, "-f", FORMATS, "-o", str(folder)]
            assert cli.main([*argv, *map(str, paths)]) == 0
    finally:
        patch.undo()
    return ref


@pytest.fixture
def piece_s(monkeypatch):
    monkeypatch.setattr(engine_module, "PIECE_S", PIECE_S)


def settings(sources, out: Path, **kw) -> ArchiveSettings:
    options = TranscribeOptions(language="en", beam_size=1)
    return ArchiveSettings(
        sources=tuple(sources), out=out, formats=tuple(FORMATS.split(",")), options=options, **kw
    )


def outputs(folder: Path) -> dict[str, bytes]:
    names = ("ledger.jsonl", "worklist.json", "summary.json")
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name not in names
    }


def undated(eaf: bytes) -> bytes:
    return re.sub(rb' DATE="[^"]*"', b"", eaf, count=1)


def ledger(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "ledger.jsonl").read_text().splitlines()]


@pytest.mark.slow
def test_every_output_is_the_one_transcribe_writes(cluster, archive, reference, tmp_path, piece_s):
    src, _ = archive
    events = []
    summary = run_archive(settings([src], tmp_path / "out"), events.append)
    got, want = outputs(tmp_path / "out"), outputs(reference)
    assert len(want) == 20 * 3
    assert sorted(got) == sorted(want)
    different = [name for name in want if got[name] != want[name]]
    assert not different, different
    assert (summary.done, summary.failed, summary.skipped) == (20, 0, 0)
    assert len(summary.workers) == 2  # both nodes' workers worked
    for name in ("long/long0.wav", "long/long1.wav"):  # a split, then at least 2 pieces
        assert sum(e.kind == "submitted" and e.file == name for e in events) >= 3
    saved = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert saved["files_done"] == 20 and saved["audio_hours"] > 0 and saved["real_time_factor"]
    work = json.loads((tmp_path / "out" / "worklist.json").read_text())
    assert {f["relative"] for f in work["files"]} >= {"sub/clip17.wav", "long/long1.wav"}
    assert all(len(f["sha256"]) == 64 and f["duration"] > 0 for f in work["files"])

    again = run_archive(settings([src], tmp_path / "out"))  # a second run: nothing to do
    assert (again.done, again.failed, again.skipped) == (0, 0, 20)


@pytest.mark.slow
def test_speakers_of_a_long_file_in_pieces_are_those_transcribe_finds(
    cluster, archive, tmp_path, piece_s
):
    _, files = archive
    chosen = [files[0], files[19]]  # a sentence and a long file (the turns over the whole file)
    argv = ["--speakers", "2", "--speaker-names", "Jan,Marja", "-f", "json,eaf"]
    ref = tmp_path / "ref"
    for path, folder in ((files[0], ref), (files[19], ref / "long")):
        assert cli.main(["transcribe", "-q", *OPTIONS, *argv, "-o", str(folder), str(path)]) == 0
    out = tmp_path / "out"
    options = TranscribeOptions(language="en", beam_size=1, speakers=2)
    summary = run_archive(
        ArchiveSettings(
            tuple(chosen), out, ("json", "eaf"), options, speaker_names=("Jan", "Marja")
        )
    )
    assert (summary.done, summary.failed) == (2, 0)
    got, want = outputs(out), outputs(ref)
    assert sorted(got) == sorted(want) and len(got) == 4
    # the same bytes, but for the one run-specific field: ELAN's DATE, when the file was written
    assert all(undated(got[name]) == undated(want[name]) for name in want)
    assert b'"name": "Jan"' in got["long/long1.json"]


@pytest.mark.slow
def test_with_the_language_detected_later_pieces_wait_for_the_first_s(
    cluster, archive, tmp_path, piece_s
):
    _, files = archive
    long = files[19]
    ref = tmp_path / "ref"
    argv = ["transcribe", "-q", "-l", "auto", "--beam-size", "1", "-f", "json", "-o", str(ref)]
    assert cli.main([*argv, str(long)]) == 0
    options = TranscribeOptions(language="auto", beam_size=1)
    events = []
    summary = run_archive(
        ArchiveSettings((long,), tmp_path / "out", ("json",), options), events.append
    )
    assert (summary.done, summary.failed) == (1, 0)
    assert (tmp_path / "out" / "long1.json").read_bytes() == (ref / "long1.json").read_bytes()
    assert sum(e.kind == "submitted" for e in events) >= 3  # the split and its pieces


@pytest.mark.slow
def test_a_killed_worker_s_file_is_retried_and_finished(
    cluster, archive, reference, tmp_path, piece_s
):
    _, files = archive
    chosen = [files[0], files[1], files[18]]  # two sentences and a long file
    killed = []

    def kill_the_first_piece_s_worker(event):
        if event.kind != "submitted" or event.file != "long/long0.wav" or killed:
            return
        submissions.append(event)
        if len(submissions) == 2 and event.worker_pid:  # the split, then its first piece
            os.kill(event.worker_pid, signal.SIGKILL)
            killed.append(event.worker_pid)

    submissions: list = []
    out = tmp_path / "out"
    summary = run_archive(settings(chosen, out), kill_the_first_piece_s_worker)
    assert killed
    assert (summary.done, summary.failed) == (3, 0)
    done = [e for e in ledger(out) if e["status"] == "done"]
    assert sorted(e["file"] for e in done) == ["clip00.wav", "clip01.wav", "long/long0.wav"]
    assert next(e for e in done if e["file"] == "long/long0.wav")["attempts"] == 2
    # nothing lost or doubled: the same bytes as transcribe's
    got, want = outputs(out), outputs(reference)
    assert len(got) == 3 * 3
    assert all(data == want[name] for name, data in got.items())


@pytest.mark.slow
def test_a_file_whose_worker_dies_every_time_fails_after_three_tries(cluster, archive, tmp_path):
    _, files = archive
    killed = []

    def kill_every_worker_that_gets_clip02(event):
        if event.kind == "submitted" and event.file == "clip02.wav":
            os.kill(event.worker_pid, signal.SIGKILL)
            killed.append(event.worker_pid)

    out = tmp_path / "out"
    summary = run_archive(settings(files[2:4], out), kill_every_worker_that_gets_clip02)
    assert len(set(killed)) == MAX_ATTEMPTS == 3
    assert (summary.done, summary.failed) == (1, 1)
    last = {e["file"]: e for e in ledger(out)}
    assert last["clip02.wav"]["status"] == "failed" and last["clip02.wav"]["attempts"] == 3
    assert re.fullmatch(
        rf"{re.escape(str(files[2]))}: its worker died 3 times \(\w+\); not tried again",
        last["clip02.wav"]["reason"],
    )
    assert last["clip03.wav"]["status"] == "done" and not (out / "clip02.txt").exists()


@pytest.mark.slow
def test_a_killed_driver_is_resumed_and_only_the_rest_is_done(cluster, archive, tmp_path):
    _, files = archive
    out = tmp_path / "out"
    sources = [str(p) for p in files[:12]]
    argv = [sys.executable, "-m", "hsb_whisper", "archive", *sources, "--out", str(out)]
    argv += ["--cluster", cluster.address, *OPTIONS, "-f", FORMATS, "-q", "--workers", "2"]
    driver = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and driver.poll() is None:
            if (out / "ledger.jsonl").exists() and sum(
                e["status"] == "done" for e in ledger(out)
            ) >= 3:
                break
            time.sleep(0.05)
        assert driver.poll() is None, driver.stderr.read().decode()
        driver.send_signal(signal.SIGKILL)
    finally:
        driver.wait()
    first = {e["file"] for e in ledger(out) if e["status"] == "done"}
    assert 3 <= len(first) < 12

    events = []
    summary = run_archive(settings(files[:12], out), events.append)
    transcribed = {e.file for e in events if e.kind == "done"}
    assert summary.skipped == len(first) and summary.failed == 0
    assert transcribed == {p.name for p in files[:12]} - first  # only the rest
    got = outputs(out)
    assert sorted(got) == sorted(
        f"{p.stem}{s}" for p in files[:12] for s in (".txt", ".json", ".srt")
    )


@pytest.mark.slow
def test_bad_files_are_recorded_with_the_reason_and_the_rest_is_done(
    cluster, archive, clips, tmp_path, capsys
):
    _, files = archive
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in ("garbage.mp3", "empty.mp3", "truncated.mp3", "silence.wav"):
        (folder / name).write_bytes(clips[name.split(".")[0]].read_bytes())
    for path in files[:2]:
        (folder / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out"
    code = cli.main(["archive", str(folder), "--out", str(out), *OPTIONS, "-f", "txt"])
    assert code == 1
    err = capsys.readouterr().err
    last = {e["file"]: e for e in ledger(out)}
    failed = {name for name, e in last.items() if e["status"] == "failed"}
    assert failed == {"garbage.mp3", "empty.mp3", "truncated.mp3", "silence.wav"}
    for name in failed:
        reason = last[name]["reason"]
        assert reason.startswith(f"{folder / name}: ") and "\n" not in reason
        assert f"hsb-whisper: error: {reason}" in err
    assert last[files[0].name]["status"] == "done" and (out / f"{files[0].stem}.txt").is_file()
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["files_done"], summary["files_failed"]) == (2, 4)
    assert last["garbage.mp3"]["attempts"] == 1  # a bad file is not retried


@pytest.mark.slow
def test_an_output_the_archive_did_not_write_is_not_overwritten(cluster, archive, tmp_path):
    _, files = archive
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{files[0].stem}.txt").write_text("someone's own notes\n")
    summary = run_archive(settings(files[:2], out))
    assert (summary.done, summary.failed) == (1, 1)
    assert (out / f"{files[0].stem}.txt").read_text() == "someone's own notes\n"
    assert "was not written by 'hsb-whisper archive'" in summary.failures[0]["reason"]


def test_without_ray_one_line_names_the_extra(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    code = cli.main(["archive", str(tmp_path), "--out", str(tmp_path / "out")])
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "hsb-whisper: error: hsb-whisper archive needs ray, which is not installed: "
        'pip install "hsb-whisper[cluster]"'
    ]


@pytest.mark.slow
def test_a_language_the_model_lacks_and_too_many_workers_are_one_line_each(
    cluster, archive, tmp_path, capsys
):
    _, files = archive
    base = ["archive", str(files[0]), "--out", str(tmp_path / "out"), "-q"]
    assert cli.main([*base, "-l", "xx"]) == 2
    assert cli.main([*base, "--workers", "3"]) == 2  # the cluster has 2 CPUs
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("hsb-whisper: error: language token 'xx' is not one this model")
    assert lines[1] == (
        "hsb-whisper: error: --workers 3 × --threads 1 needs 3 CPUs; the cluster has 2"
    )


def test_a_ledger_line_torn_by_a_killed_driver_is_skipped_and_the_next_is_whole(tmp_path):
    from hsb_whisper.archive.ledger import Ledger

    ledger = Ledger(tmp_path)
    ledger.record("a.wav", "done", sha256="1", options="o", outputs=["a.txt"])
    ledger.close()
    with open(tmp_path / "ledger.jsonl", "a", encoding="utf-8") as f:
        f.write('{"file": "b.wav", "sta')  # the driver died here
    again = Ledger(tmp_path)
    assert again.is_done("a.wav", "1", "o") and again.last("b.wav") is None
    again.record("b.wav", "done", sha256="2", options="o", outputs=["b.txt"])
    again.close()
    third = Ledger(tmp_path)
    assert third.is_done("b.wav", "2", "o") and third.wrote("b.txt")
    third.close()
