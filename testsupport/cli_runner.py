"""Run ``hsb-whisper`` in-process and capture what it prints; check that a failure is one line."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import pytest

from hsb_whisper.cli import main


@dataclasses.dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(capsys: pytest.CaptureFixture, *args: object) -> Result:
    capsys.readouterr()
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


_OFFLINE_SCRIPT = """
import json, socket, sys

class NoNetwork(socket.socket):
    def __init__(self, *args, **kwargs):
        raise OSError("network access attempted")

socket.socket = NoNetwork
socket.create_connection = NoNetwork
from hsb_whisper.cli import main
code = main(json.loads(sys.argv[1]))
heavy = sorted(m for m in ("torch", "transformers", "peft", "PySide6") if m in sys.modules)
print("heavy:", heavy)
sys.exit(code)
"""


def run_cli_offline(*args: object) -> subprocess.CompletedProcess:
    """``hsb-whisper ARGS`` in a fresh process where creating a socket raises, with the Hugging
    Face offline switches unset (the product must set them itself). Prints ``heavy: [...]``: the
    heavy libraries that ended up imported."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    }
    command = [sys.executable, "-c", _OFFLINE_SCRIPT, json.dumps([str(a) for a in args])]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def one_error_line(err: str, expected: str) -> str:
    """The stderr line that holds ``expected``: an error line, and no traceback anywhere."""
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if expected in line]
    assert len(lines) == 1, err
    assert lines[0].startswith("hsb-whisper: error: "), err
    return lines[0]


def one_line_error(result, *fragments: str) -> None:
    """The CLI failed with exactly one line, a user error (no traceback, no 'unexpected')."""
    assert result.code == 1, (result.out, result.err)
    assert result.err.count("\n") == 1 and result.err.startswith("hsb-whisper: error: "), result.err
    assert "Traceback" not in result.err and "unexpected error" not in result.err
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)


def no_traceback(result) -> None:
    """Whatever the CLI printed holds no traceback and no 'unexpected error'."""
    assert "Traceback" not in result.err and "unexpected error" not in result.err, result.err
