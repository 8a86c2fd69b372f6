"""``hsb-whisper selftest``: check this installation without a window (the frozen app's
``--selftest``). One line per check as it completes, then a summary; exit code 1 if any failed."""

from __future__ import annotations

import argparse
import time

from hsb_whisper.selftest import Check, run_selftest

_STATUS_WIDTH = 6  # "FAIL" and two spaces
_NAME_WIDTH = 11  # the longest check name, "transcribe", and a space


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "selftest",
        help="check this installation without a window: model, VAD, transcription, output "
        "formats, worker processes, Qt, no network",
    )
    p.set_defaults(func=_run)


def _show(check: Check) -> None:
    print(f"{check.status:<{_STATUS_WIDTH}}{check.name:<{_NAME_WIDTH}}{check.detail}", flush=True)


def _run(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    checks = run_selftest(report=_show)
    count = {status: sum(c.status == status for c in checks) for status in ("ok", "skip", "FAIL")}
    print(
        f"selftest: {count['ok']} ok, {count['skip']} skipped, {count['FAIL']} failed "
        f"in {time.perf_counter() - start:.1f} s"
    )
    return 1 if count["FAIL"] else 0
