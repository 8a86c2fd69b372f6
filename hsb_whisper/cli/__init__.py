"""The ``hsb-whisper`` command: one entry point, one module per command group.

The outermost layer. Its modules only parse arguments, call the public API of the packages below
(``selftest``, ``desktop``, ``finetune``, ``evaluation``, ``data``, ``archive``,
``transcription``, ``export``), print and choose exit codes:
0 success, 1 something failed, 2 bad usage, 3 training paused as asked (``finetune --pause``),
130 interrupted. This module assembles the commands
and configures logging (a log file in the user log folder, short messages on stderr).

A usage mistake found only after parsing (an unknown output format, a language token the model
does not have) is raised by the command as :class:`argparse.ArgumentError`: one line, exit code 2,
like the mistakes argparse finds itself.

``python -m hsb_whisper`` is the same command (``accelerate launch -m hsb_whisper finetune …``).
"""

from __future__ import annotations

import argparse
import copy
import logging
import logging.handlers
import sys
from pathlib import Path

from hsb_whisper import __version__, paths
from hsb_whisper.cli import (
    app,
    archive,
    data,
    evaluate,
    export,
    finetune,
    improve,
    models,
    selftest,
    transcribe,
)
from hsb_whisper.errors import HsbWhisperError

log = logging.getLogger("hsb_whisper")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
_LOG_BYTES, _LOG_BACKUPS = 2_000_000, 3
_handlers: list[logging.Handler] = []


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hsb-whisper",
        description="Offline speech recognition for Upper Sorbian (hsb) with Whisper.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show informational messages on stderr"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    groups = (transcribe, archive, app, models, data, finetune, improve, evaluate, export, selftest)
    for group in groups:
        group.register(sub)
    return parser


class _LogFileHandler(logging.handlers.RotatingFileHandler):
    """The log file; when it cannot be written (a full disk, a removed folder) the program says
    so in one line and goes on without it, instead of logging's traceback on every record."""

    def handleError(self, record: logging.LogRecord) -> None:
        error = sys.exc_info()[1]
        logging.getLogger().removeHandler(self)
        print(
            f"hsb-whisper: warning: cannot write the log file {self.baseFilename} ({error}); "
            "going on without it",
            file=sys.stderr,
        )


class _ConsoleFormatter(logging.Formatter):
    """One line per record on the terminal: a traceback logged with a record goes to the log
    file only, and the line names the exception and where its traceback is."""

    def __init__(self, log_file: Path | None = None) -> None:
        super().__init__("hsb-whisper: %(levelname)s: %(message)s")
        self.log_file = log_file

    def format(self, record: logging.LogRecord) -> str:
        if not (record.exc_info or record.stack_info):
            return super().format(record)
        short = copy.copy(record)  # the file handler formats the same record, traceback and all
        short.exc_info = short.exc_text = short.stack_info = None
        line = super().format(short)
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            line += f" ({type(error).__name__}: {error})"
        if self.log_file is not None:
            line += f"; traceback in {self.log_file}"
        return line


def setup_logging(verbose: bool = False) -> Path | None:
    """Everything (DEBUG) to the log file, warnings (INFO with -v) to stderr, one line per
    record without tracebacks (:class:`_ConsoleFormatter`). Returns the file."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    for old in _handlers:  # main() may run several times in one process (tests, the app)
        root.removeHandler(old)
        old.close()
    _handlers.clear()
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.INFO if verbose else logging.WARNING)
    formatter = _ConsoleFormatter()
    console.setFormatter(formatter)
    root.addHandler(console)
    _handlers.append(console)
    log_file = paths.log_dir() / "hsb-whisper.log"
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = _LogFileHandler(
            log_file, maxBytes=_LOG_BYTES, backupCount=_LOG_BACKUPS, encoding="utf-8"
        )
    except OSError as e:
        log.warning("cannot write the log file %s (%s)", log_file, e)
        return None
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(name)s %(levelname)s %(message)s")
    )
    root.addHandler(handler)
    _handlers.append(handler)
    formatter.log_file = log_file
    return log_file


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.log_file = setup_logging(args.verbose)
    log.debug("hsb-whisper %s: %s", __version__, sys.argv if argv is None else argv)
    try:
        return args.func(args)
    except argparse.ArgumentError as e:
        log.debug("usage error", exc_info=True)
        print(f"hsb-whisper: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except HsbWhisperError as e:
        log.debug("user error", exc_info=True)
        print(f"hsb-whisper: error: {e}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("hsb-whisper: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as e:  # the boundary: any bug becomes one line plus a logged traceback
        log.debug("unexpected error", exc_info=True)
        where = f"; details in {args.log_file}" if args.log_file else ""
        print(f"hsb-whisper: unexpected error: {type(e).__name__}: {e}{where}", file=sys.stderr)
        return EXIT_FAILED


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
