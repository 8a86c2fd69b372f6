"""``hsb-whisper app``: the desktop application."""

from __future__ import annotations

import argparse

from hsb_whisper.errors import HsbWhisperError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("app", help="the desktop application (record, transcribe, edit)")
    p.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        from hsb_whisper.desktop.ui import run_app
    except ImportError as e:  # PySide6 missing, or a system library its Qt links against
        raise HsbWhisperError(_import_problem(e)) from e
    return run_app(args.log_file)


def _import_problem(error: ImportError) -> str:
    """One line for an ``ImportError`` of the desktop UI: what is missing, how to install it."""
    from hsb_whisper.desktop.system_libraries import install_hint, not_found_in

    if error.name in ("PySide6", "shiboken6"):
        return "the desktop libraries are not installed: pip install 'hsb-whisper[desktop]'"
    missing = not_found_in(str(error))
    if missing:
        return f"the desktop app needs {', '.join(missing)}, not installed; {install_hint(missing)}"
    return f"the desktop app cannot start: {error}"
