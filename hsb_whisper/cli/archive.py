"""``hsb-whisper archive SRC… --out DIR``: transcribe a whole archive with Ray, resumably.

Every audio file under the sources is transcribed into DIR, the sources' folders mirrored, in
every format asked for (default txt), by workers of a local Ray instance (one machine) or of a
running Ray cluster (``--cluster auto`` or ``ray://HOST:PORT``). DIR also gets the work list
(worklist.json), the ledger (ledger.jsonl) and the summary (summary.json). Run it again to
resume: files done for the same content and options are skipped. An output that exists but was
not written by the archive is never overwritten (its file is refused). A file that cannot be
transcribed is recorded with the reason and the others go on; the exit code is 1 if any failed.
Needs the extra: pip install "hsb-whisper[cluster]" (see docs/archive.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from hsb_whisper.archive import ArchiveSettings, Event, require_ray, run_archive
from hsb_whisper.cli.transcribe import (
    UNTRAINED_NOTICE,
    add_transcription_options,
    transcription_options,
)
from hsb_whisper.errors import OptionError

_BAR_FORMAT = (
    "{desc}: {percentage:3.0f}%|{bar}| {n:.3f}/{total:.3f} h of audio{postfix} "
    "[{elapsed}<{remaining}]"
)

DESCRIPTION = __doc__.split("\n\n", 1)[1].replace("``", "'")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "archive",
        help="transcribe whole archives with Ray (one machine or a cluster), resumably",
        description=DESCRIPTION,
    )
    p.add_argument("sources", nargs="+", type=Path, metavar="SRC", help="audio files and folders")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="the output folder")
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="a running Ray cluster: 'auto' (this machine is one of its nodes) or "
        "ray://HOST:PORT (default: a local Ray instance on this machine)",
    )
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="workers, one loaded model each (default: the cluster's CPUs / --threads)",
    )
    add_transcription_options(p, threads_help="CPU threads per worker (default 1)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    fmts, options, names = transcription_options(args, ["txt"])
    try:
        settings = ArchiveSettings(
            sources=tuple(args.sources),
            out=args.out,
            formats=tuple(fmts),
            options=options,
            speaker_names=tuple(names),
            model=args.model,
            cluster=args.cluster,
            workers=args.workers,
        )
    except OptionError as e:
        raise argparse.ArgumentError(None, str(e)) from e
    require_ray()  # before anything is read: one line naming the extra
    with _Progress(disable=args.quiet) as progress:
        try:
            summary = run_archive(settings, progress.event)
        except OptionError as e:  # a language the model lacks, more workers than CPUs
            raise argparse.ArgumentError(None, str(e)) from e
    if not args.quiet:
        for line in summary.lines():
            print(line, file=sys.stderr)
        print(f"summary: {args.out / 'summary.json'}", file=sys.stderr)
        if summary.done and settings.model is None and _untrained_default():
            print(UNTRAINED_NOTICE, file=sys.stderr)
    return 1 if summary.failed else 0


class _Progress:
    """The progress bar on stderr: hours of audio done of those to do, files, ETA; each failure
    as its own line above it."""

    def __init__(self, disable: bool) -> None:
        self.disable = disable
        self.bar: tqdm | None = None
        self.files = self.done = 0

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()

    def event(self, event: Event) -> None:
        if event.kind == "failed":
            line = f"hsb-whisper: error: {event.reason}"
            if self.bar is not None:
                self.bar.write(line, file=sys.stderr)
            else:
                print(line, file=sys.stderr)
        if self.disable:
            return
        if event.kind == "start":
            self.files = event.files
            self.bar = tqdm(
                total=round(event.seconds / 3600, 4),
                desc="archive",
                file=sys.stderr,
                bar_format=_BAR_FORMAT,
            )
            self._postfix()
        elif self.bar is None:
            return
        elif event.kind == "audio":
            self.bar.update(min(event.seconds / 3600, self.bar.total - self.bar.n))
        elif event.kind in ("done", "failed"):
            self.done += 1
            self._postfix()

    def _postfix(self) -> None:
        self.bar.set_postfix_str(f"{self.done}/{self.files} files", refresh=True)


def _untrained_default() -> bool:
    from hsb_whisper.export import ModelStore

    return ModelStore().resolve(None).untrained_default
