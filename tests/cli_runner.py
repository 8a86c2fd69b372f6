"""Run ``hsb-whisper`` in-process and capture what it prints."""

from __future__ import annotations

import dataclasses

import pytest

from hsb_whisper.desktop.cli import main


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
