"""``hsb-whisper selftest`` on the real default model, and its failures: one line per check, the
others still run, exit code 1."""

from __future__ import annotations

import importlib.util
import json
import multiprocessing.spawn
import os
import re
import shutil
import socket
import sys
from multiprocessing import resource_tracker

import pytest

import hsb_whisper.selftest as selftest
from hsb_whisper.export import default_model as dm
from hsb_whisper.transcription import formats

from testsupport.cli_runner import run_cli

NAMES = [
    "build", "model", "vad", "transcribe", "import", "scoring", "formats", "speakers",
    "workers", "qt", "training", "finetune", "network",
]  # fmt: skip
LINE_RE = re.compile(r"(ok|FAIL|skip) +(\w+) +(.*)")
SUMMARY_RE = re.compile(r"selftest: (\d+) ok, (\d+) skipped, (\d+) failed in \d+\.\d s")


def check_lines(out: str) -> tuple[dict[str, tuple[str, str]], list[str], re.Match | None]:
    """{name: (status, detail)}, the names in order, and the summary line's match."""
    lines = out.splitlines()
    checks = [LINE_RE.fullmatch(line) for line in lines[:-1]]
    assert all(checks), out
    found = {m.group(2): (m.group(1), m.group(3)) for m in checks}
    return found, [m.group(2) for m in checks], SUMMARY_RE.fullmatch(lines[-1])


def only(monkeypatch, *checks) -> None:
    """Run just these (name, function) checks; a name alone means the real check."""
    real = dict(selftest.CHECKS)
    chosen = tuple((c, real[c]) if isinstance(c, str) else c for c in checks)
    monkeypatch.setattr(selftest, "CHECKS", chosen)


@pytest.mark.slow
def test_selftest_passes_on_this_installation(capsys, default_model):
    result = run_cli(capsys, "selftest")
    assert result.code == 0, result.out + result.err
    found, names, summary = check_lines(result.out)
    assert names == NAMES
    assert all(status in ("ok", "skip") for status, _ in found.values()), result.out
    must_pass = (
        "build", "model", "vad", "transcribe", "import", "scoring", "formats", "speakers",
        "workers", "network",
    )  # fmt: skip
    for name in must_pass:
        assert found[name][0] == "ok", result.out
    assert "pip install" in found["build"][1]
    assert f"every file's SHA-256 verified ({default_model.path})" in found["model"][1]
    assert "stella" in found["transcribe"][1].lower()
    assert "Whisper converted (int8), verified with faster-whisper" in found["import"][1]
    assert found["formats"][1] == "txt, srt, vtt, json, eaf, textgrid written and read back"
    if importlib.util.find_spec("peft") is not None:  # the finetune extra: a real LoRA step
        assert found["training"][0] == "ok", result.out
        assert "one LoRA step on a tiny random Whisper: loss" in found["training"][1]
        assert found["finetune"][0] == "ok", result.out  # a real run in a process of its own
        assert "2 steps on a tiny random Whisper" in found["finetune"][1]
    assert summary is not None
    ok, skipped, failed = map(int, summary.groups())
    assert (ok + skipped, failed) == (len(NAMES), 0)


@pytest.mark.slow
def test_damaged_model_fails_and_the_other_checks_still_run(
    capsys, default_model, tmp_path, monkeypatch
):
    monkeypatch.setenv("HSB_WHISPER_HOME", str(tmp_path))
    folder = tmp_path / "models" / default_model.path.name
    shutil.copytree(default_model.path, folder)
    with open(folder / "model.bin", "r+b") as f:  # same size: only the SHA-256 tells
        f.seek(12345)
        byte = f.read(1)[0]
        f.seek(12345)
        f.write(bytes([byte ^ 1]))
    result = run_cli(capsys, "selftest")
    assert result.code == 1
    found, names, summary = check_lines(result.out)
    assert names == NAMES
    assert found["model"] == (
        "FAIL",
        f"whisper-base at {folder}: model.bin is damaged (SHA-256 mismatch)",
    )
    assert [name for name, (status, _) in found.items() if status == "FAIL"] == ["model"]
    assert summary is not None and summary.group(3) == "1"


def test_an_exception_is_one_fail_line_and_the_next_checks_run(capsys, monkeypatch):
    def broken(ctx):
        raise RuntimeError("boom\nsecond line")

    only(monkeypatch, "build", ("broken", broken), "network")
    result = run_cli(capsys, "selftest")
    assert result.code == 1
    found, names, summary = check_lines(result.out)
    assert names == ["build", "broken", "network"]
    assert found["broken"] == ("FAIL", "RuntimeError: boom second line")
    assert found["network"][0] == "ok"
    assert summary is not None and summary.groups() == ("2", "0", "1")


def test_network_check_fails_when_a_check_opens_a_socket(capsys, monkeypatch):
    def local_only(ctx):
        a, b = socket.socketpair()  # AF_UNIX: a local channel, not network
        a.close()
        b.close()
        return "socketpair"

    def opens_socket(ctx):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
        return "opened one"

    only(monkeypatch, ("local", local_only), "network")
    result = run_cli(capsys, "selftest")
    found, _, _ = check_lines(result.out)
    assert result.code == 0, result.out
    assert "2 local AF_UNIX socket(s) not counted" in found["network"][1]

    only(monkeypatch, ("opens", opens_socket), "network")
    result = run_cli(capsys, "selftest")
    found, _, _ = check_lines(result.out)
    assert result.code == 1
    assert found["opens"][0] == "ok"
    assert found["network"] == (
        "FAIL",
        "1 network socket event(s) during the self-test: socket.__new__ (opens)",
    )


def test_the_audit_hook_is_added_once_and_records_only_during_a_selftest(monkeypatch):
    added = []
    monkeypatch.setattr(selftest, "_hook_installed", False)
    monkeypatch.setattr(sys, "addaudithook", added.append)  # the real hook is never removed
    only(monkeypatch, "network")
    assert [c.status for c in selftest.run_selftest()] == ["ok"]
    assert [c.status for c in selftest.run_selftest()] == ["ok"]
    assert added == [selftest._audit]
    selftest._audit("socket.__new__", (None, socket.AF_INET, socket.SOCK_STREAM, 0))
    assert selftest._recorded is None  # nothing recorded outside a self-test


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for the app")
@pytest.mark.parametrize(
    ("app", "expected"), [("exit 2", "ended"), ("exec sleep 30", "within 2 s")]
)
def test_a_child_that_runs_the_app_again_fails_the_worker_check(
    capsys, monkeypatch, tmp_path, app, expected
):
    """What a frozen app without freeze_support() does in the child: exits with a usage error
    (exit 2) or opens its window and never answers (sleep)."""
    resource_tracker.ensure_running()  # started with the real Python, before the stand-in
    fake = tmp_path / "frozen-app"
    fake.write_text(f"#!/bin/sh\n{app}\n")
    fake.chmod(0o755)
    as_bytes = isinstance(multiprocessing.spawn.get_executable(), bytes)  # POSIX, Python 3.11+
    exe = os.fsencode(fake) if as_bytes else str(fake)
    monkeypatch.setattr(multiprocessing.spawn, "get_executable", lambda: exe)
    monkeypatch.setattr(selftest, "WORKER_TIMEOUT_S", 2.0)
    only(monkeypatch, "workers")
    result = run_cli(capsys, "selftest")
    found, _, _ = check_lines(result.out)
    assert result.code == 1
    assert found["workers"][0] == "FAIL" and expected in found["workers"][1]
    assert "freeze_support()" in found["workers"][1]


def test_build_flavour_from_build_json(capsys, monkeypatch, tmp_path):
    info = tmp_path / "build.json"
    monkeypatch.setattr(selftest, "BUILD_INFO", info)
    only(monkeypatch, "build", "training")
    info.write_text(json.dumps({"flavor": "transcriber", "version": "0.1.0", "built": "today"}))
    result = run_cli(capsys, "selftest")
    found, _, _ = check_lines(result.out)
    assert result.code == 0
    assert "transcriber build of today" in found["build"][1]
    assert found["training"] == ("skip", "transcriber build: training needs the full build")

    info.write_text(json.dumps({"flavor": "huge"}))
    result = run_cli(capsys, "selftest")
    found, _, _ = check_lines(result.out)
    assert result.code == 1
    assert found["build"][0] == "FAIL" and "'huge' is not one of transcriber, full" in result.out


def test_frozen_build_without_build_json_fails(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(selftest, "BUILD_INFO", tmp_path / "build.json")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    only(monkeypatch, "build")
    result = run_cli(capsys, "selftest")
    assert result.code == 1
    assert "frozen: no " in result.out and "build.json" in result.out


def test_a_bundled_default_model_is_reported_as_such(tmp_path, monkeypatch, default_model):
    bundle = tmp_path / "_internal"
    shutil.copytree(default_model.path, bundle / "default-model" / dm.DEFAULT_MODEL_NAME)
    monkeypatch.setattr(dm, "BUNDLED_DIR", bundle / "default-model")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    only(monkeypatch, "model")
    [check] = selftest.run_selftest()
    assert check.status == "ok", check.detail
    assert check.detail.endswith(f"({bundle / 'default-model' / 'whisper-base'}, bundled copy)")


def test_every_output_format_is_read_back():
    assert set(selftest._READ_BACK) == set(formats.FORMATS)


def test_missing_qt_plugin_and_translation_fail_the_qt_check(capsys, monkeypatch, tmp_path):
    app = pytest.importorskip("hsb_whisper.desktop.ui.app")
    monkeypatch.setattr(app.window_system, "default_platform", lambda: "nothing")
    monkeypatch.setattr(app, "TRANSLATIONS", tmp_path)
    only(monkeypatch, "qt")
    result = run_cli(capsys, "selftest")
    found, _, _ = check_lines(result.out)
    assert result.code == 1
    status, detail = found["qt"]
    assert status == "FAIL"
    assert "no Qt platform plugin 'nothing' (this system's) in " in detail
    assert f"the translation {tmp_path / 'hsb_whisper_hsb.qm'} does not load" in detail
