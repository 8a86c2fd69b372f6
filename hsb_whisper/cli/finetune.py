"""``hsb-whisper finetune``: train a recipe (classic, two-stage or a TOML file) in a run folder."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import time
from pathlib import Path

from hsb_whisper.cli.terminal import TrainingBar, quiet_libraries, require_training_libraries
from hsb_whisper.errors import OptionError
from hsb_whisper.files import remove_tree
from hsb_whisper.finetune import EXIT_PAUSED


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "finetune",
        help="train a recipe (classic, two-stage, or your TOML file)",
        description="Train LoRA adapters as the recipe says. Interrupt any time; --resume RUN "
        "continues from the last checkpoint. --pause RUN (from another terminal) stops a running "
        "run after its next checkpoint, with exit code 3. --estimate measures a few steps and "
        "says how long the recipe would train here. Runs unchanged under 'accelerate launch' or "
        "'torchrun' on several GPUs.",
    )
    p.add_argument("recipe", nargs="?", help="a shipped recipe (classic, two-stage) or a TOML file")
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a recipe key, e.g. training.batch_size=4 or "
        "stages.hsb.train=data/hsb/train.jsonl (repeatable)",
    )
    # str, not Path: Path("") is "." and an empty --run-dir would train into the current folder
    p.add_argument("--run-dir", help="run folder (default: runs/<recipe>-<time>)")
    p.add_argument("--resume", metavar="RUN", help="continue the run in this folder")
    p.add_argument(
        "--pause",
        metavar="RUN",
        help="ask the training running in this folder to stop after its next checkpoint",
    )
    p.add_argument(
        "--estimate",
        action="store_true",
        help="do not train: time a few warm-up steps and print how long training would take here",
    )
    p.add_argument(
        "--estimate-steps",
        type=int,
        default=3,
        metavar="N",
        help="warm-up steps timed by --estimate (after one untimed step; default 3)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="with --estimate: print the estimate as one JSON object (for programs)",
    )
    p.add_argument("--list", action="store_true", help="list the shipped recipes and exit")
    p.set_defaults(func=_finetune)


def _finetune(args: argparse.Namespace) -> int:
    from hsb_whisper.finetune import Run, TrainingPaused, load_recipe, shipped_recipes, train
    from hsb_whisper.finetune.config import check_manifests

    if args.list:
        for name, path in shipped_recipes().items():
            print(f"{name:<10} {path}")
        return 0
    if args.json and not args.estimate:
        raise OptionError("--json goes with --estimate")
    if args.estimate and (args.resume is not None or args.pause is not None):
        raise OptionError(
            "--estimate takes a recipe (RUN/recipe.toml of a run), not --resume/--pause"
        )
    for option, value in (("--run-dir", args.run_dir), ("--resume", args.resume)):
        if value is not None and not value.strip():
            raise OptionError(f"{option}: give a folder (an empty path would be the current one)")
    if args.pause is not None:
        return _pause(args)
    if args.resume is not None:
        if args.recipe or args.overrides:
            raise OptionError("--resume takes the recipe saved in the run; give no other recipe")
        run = Run(Path(args.resume))
        recipe = run.check("--resume")
    else:
        if not args.recipe:
            raise OptionError("give a recipe (classic, two-stage or a TOML file) or --resume RUN")
        recipe = load_recipe(args.recipe, args.overrides)
        if args.estimate:
            return _estimate(recipe, args.estimate_steps, args.json)
        run = Run(
            Path(args.run_dir or Path("runs") / f"{recipe.name}-{time.strftime('%Y%m%d-%H%M%S')}")
        )
    _check_run_folder(run.path)
    # missing data fails here, before the run folder is made (train() checks it too)
    check_manifests(s for s in recipe.stages if not run.done_file(s.name).is_file())
    require_training_libraries("fine-tuning")
    print(f"run folder: {run.path}\nrecipe:\n{recipe.to_json()}", file=sys.stderr)
    quiet_libraries()
    made = _make_run_folder(run.path)
    handler = logging.FileHandler(run.log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logging.getLogger().addHandler(handler)
    bar = TrainingBar()
    trained = False  # a first optimiser step was taken: the folder is a run worth keeping

    def on_event(event) -> None:
        nonlocal trained
        trained = trained or event.kind == "step"
        bar(event)

    try:
        result = train(recipe, run.path, on_event=on_event)
    except TrainingPaused as paused:
        _close(bar, handler)
        print(paused, file=sys.stderr)
        return EXIT_PAUSED
    except BaseException:
        # A start that failed (a bad base, rejected clips, Ctrl-C while preparing) leaves no
        # folder behind: a second try with a fixed recipe would be refused as another recipe.
        # Only the folder this process made, and only when it runs alone (no torchrun ranks).
        if made and not trained and os.environ.get("WORLD_SIZE", "1") == "1":
            _close(bar, handler)
            remove_tree(made[0])
            for parent in made[1:]:  # e.g. runs/, unless another run appeared in it meanwhile
                with contextlib.suppress(OSError):
                    parent.rmdir()
            print(f"removed {made[0]}: training had not started", file=sys.stderr)
        raise
    finally:
        _close(bar, handler)
    print(
        f"adapter: {result.best_adapter} (best dev WER {result.best_dev_wer:.3f})\n"
        f"last adapter: {result.last_adapter} (dev WER {result.last_dev_wer:.3f})\n"
        f"base: {result.base}"
    )
    return 0


def _estimate(recipe, steps: int, as_json: bool = False) -> int:
    """Print the hardware, each stage's steps and measured time per step, and the total."""
    from tqdm import tqdm

    from hsb_whisper.finetune import estimate, format_duration

    require_training_libraries("estimating the training time")
    quiet_libraries()
    bar: tqdm | None = None

    def progress(message: str, done: int, total: int) -> None:
        nonlocal bar
        if not done:
            print(message, file=sys.stderr)
            return
        if bar is None:
            bar = tqdm(total=total, desc="warm-up", unit="step", file=sys.stderr, leave=False)
        bar.update(done - bar.n)

    try:
        result = estimate(recipe, steps, progress)
    finally:
        if bar is not None:
            bar.close()
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
        return 0
    print(f"hardware: {result.hardware.describe()}")
    for stage in result.stages:
        print(
            f"stage {stage.name}: {stage.steps} steps × {stage.seconds_per_step:.2f} s/step "
            f"({stage.device}) = {format_duration(stage.seconds)}"
        )
    print(
        f"total: {format_duration(result.total_seconds)} (hours:minutes; training steps only, "
        "without the dev evaluations)"
    )
    if result.warning:
        print(result.warning)
    return 0


def _pause(args: argparse.Namespace) -> int:
    from hsb_whisper.finetune import Run

    if args.recipe or args.overrides or args.resume:
        raise OptionError("--pause takes only the run folder")
    if not args.pause.strip():
        raise OptionError("--pause: give the run folder (an empty path is not one)")
    run = Run(Path(args.pause))
    stages = run.check("--pause").stages
    if run.finished:
        raise OptionError(f"--pause {run.path}: this run has finished")
    try:
        run.request_pause()
    except OSError as e:
        raise OptionError(f"--pause {run.path}: cannot ask it to pause ({e.strerror or e})") from e
    stage = next((s for s in stages if not run.done_file(s.name).is_file()), stages[-1])
    every = stage.training.checkpoint_every
    print(
        f"{run.path} will pause after its next checkpoint (one every {every} steps); "
        f"continue it with: hsb-whisper finetune --resume {run.path}"
    )
    return 0


def _check_run_folder(path: Path) -> None:
    try:
        there = next((p for p in (path, *path.parents) if p.exists()), None)
    except OSError as e:  # ENAMETOOLONG, EACCES
        raise OptionError(f"run folder {path}: cannot be used ({e.strerror or e})") from e
    except ValueError as e:  # a NUL in the name
        raise OptionError(f"run folder {path!r}: not a folder name ({e})") from e
    if there is not None and not there.is_dir():
        raise OptionError(f"run folder {path}: {there} is a file, not a folder; choose another")


def _make_run_folder(path: Path) -> list[Path]:
    """Create the run folder and its missing parents; returns the folders made, innermost
    first (none if the run folder was there)."""
    _check_run_folder(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OptionError(f"run folder {path} cannot be made ({e.strerror or e})") from e
    return missing


def _close(bar, handler: logging.Handler) -> None:
    bar.close()
    logging.getLogger().removeHandler(handler)
    handler.close()
