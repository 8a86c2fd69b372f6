"""``hsb-whisper app``: the desktop application."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("app", help="the desktop application (record, transcribe, edit)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from hsb_whisper.desktop.ui import run_app

    return run_app(args.log_file)
