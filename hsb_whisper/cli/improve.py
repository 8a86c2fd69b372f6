"""``hsb-whisper improve``: train a new version of the default model on your corrected
transcripts, and install it only if it is better on recordings it never trained on."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from pathlib import Path

from hsb_whisper.cli.terminal import TrainingBar, quiet_libraries, require_training_libraries
from hsb_whisper.errors import HsbWhisperError, OptionError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "improve",
        help="train the default model on your corrected transcripts; keep it only if better",
        description="The segments you corrected or checked in the app's editor (or in the "
        "transcripts given) become training data, split by recording; a new LoRA adapter is "
        "trained on top of the model (the default, or --model), merged and exported as "
        "NAME-v2; the old and the new model then transcribe the held-out recordings, and the new "
        "one is installed as the default only if it gets fewer words wrong. The old model is "
        "kept either way. With too little checked speech it says how much more is needed.",
    )
    p.add_argument(
        "sources",
        nargs="*",
        type=Path,
        metavar="TRANSCRIPTS_OR_FOLDERS",
        help="saved transcripts (.json) or folders of them (default: the app's transcripts)",
    )
    p.add_argument("-m", "--model", help="the model to improve (default: the default model)")
    p.add_argument("--name", help="the new model's name (default: MODEL-v2, -v3, …)")
    # str, not Path: Path("") is "." and an empty --work-dir would write into the current folder
    p.add_argument(
        "--work-dir", help="where the clips, run and evaluations go (default: improve-<time>)"
    )
    p.add_argument(
        "--min-minutes",
        type=float,
        default=None,
        metavar="M",
        help="checked minutes of speech needed for training (default 5)",
    )
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a key of the classic recipe, e.g. training.epochs=5 (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=_improve)


def _improve(args: argparse.Namespace) -> int:
    from hsb_whisper.finetune import MIN_TRAIN_MINUTES, improve

    if args.work_dir is not None and not args.work_dir.strip():
        raise OptionError("--work-dir is empty; give a folder (or leave it out)")
    require_training_libraries("improving a model")
    quiet_libraries()
    work = Path(args.work_dir or f"improve-{time.strftime('%Y%m%d-%H%M%S')}")
    bar = TrainingBar()
    # the app cancels (and quitting it stops) this process with SIGTERM: as an exception, so
    # that improve() removes a model it installed but did not compare yet
    main_thread = threading.current_thread() is threading.main_thread()  # handlers live there
    previous = signal.signal(signal.SIGTERM, _terminated) if main_thread else None
    try:
        result = improve(
            args.sources or None,
            work,
            base=args.model,
            name=args.name,
            overrides=args.overrides,
            min_minutes=MIN_TRAIN_MINUTES if args.min_minutes is None else args.min_minutes,
            on_event=bar,
            progress=lambda message: print(message, file=sys.stderr),
        )
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
        bar.close()
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        print(result.summary())
        print(f"work folder: {work}")
    return 0


class Terminated(HsbWhisperError):
    """SIGTERM while improving (the app's Cancel, or the app quitting)."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated("stopped (SIGTERM); a model installed but not yet compared was removed")
