"""Run ``hsb-whisper`` in-process and capture what it prints."""

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
