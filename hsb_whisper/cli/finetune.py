"""``hsb-whisper finetune``: train a recipe (classic, two-stage or a TOML file) in a run folder."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from hsb_whisper.cli.terminal import TrainingBar, quiet_libraries
from hsb_whisper.errors import OptionError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "finetune",
        help="train a recipe (classic, two-stage, or your TOML file)",
        description="Train LoRA adapters as the recipe says. Interrupt any time; --resume RUN "
        "continues from the last checkpoint. Runs unchanged under 'accelerate launch' or "
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
    p.add_argument("--run-dir", type=Path, help="run folder (default: runs/<recipe>-<time>)")
    p.add_argument("--resume", type=Path, metavar="RUN", help="continue the run in this folder")
    p.add_argument("--list", action="store_true", help="list the shipped recipes and exit")
    p.set_defaults(func=_finetune)


def _finetune(args: argparse.Namespace) -> int:
    from hsb_whisper.finetune import Run, load_recipe, shipped_recipes, train

    if args.list:
        for name, path in shipped_recipes().items():
            print(f"{name:<10} {path}")
        return 0
    if args.resume:
        if args.recipe or args.overrides:
            raise OptionError("--resume takes the recipe saved in the run; give no other recipe")
        run = Run(args.resume)
        recipe = run.load_recipe()
    else:
        if not args.recipe:
            raise OptionError("give a recipe (classic, two-stage or a TOML file) or --resume RUN")
        recipe = load_recipe(args.recipe, args.overrides)
        run = Run(args.run_dir or Path("runs") / f"{recipe.name}-{time.strftime('%Y%m%d-%H%M%S')}")
    print(f"run folder: {run.path}\nrecipe:\n{recipe.to_json()}", file=sys.stderr)
    quiet_libraries()
    run.path.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(run.log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logging.getLogger().addHandler(handler)
    bar = TrainingBar()
    try:
        result = train(recipe, run.path, on_event=bar)
    finally:
        bar.close()
        logging.getLogger().removeHandler(handler)
        handler.close()
    print(
        f"adapter: {result.best_adapter} (best dev WER {result.best_dev_wer:.3f})\n"
        f"last adapter: {result.last_adapter} (dev WER {result.last_dev_wer:.3f})\n"
        f"base: {result.base}"
    )
    return 0
