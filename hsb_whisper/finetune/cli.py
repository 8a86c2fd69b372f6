"""``hsb-whisper finetune | evaluate | compare``: train the recipes and measure the results."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from tqdm import tqdm

log = logging.getLogger(__name__)

QUANTIZATION_CHOICES = ("int8", "int8_float16", "int8_float32", "float16", "float32")


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

    p = subparsers.add_parser(
        "evaluate",
        help="WER/CER of a model on a manifest",
        description="MODEL: a training run folder, an adapter folder, a Hugging Face or "
        "CTranslate2 Whisper folder, or a model-store name.",
    )
    p.add_argument("model")
    p.add_argument("--manifest", required=True, type=Path)
    p.add_argument("--out", type=Path, help="output folder (default: evaluations/<name>)")
    p.add_argument("--name", help="name in reports (default: the model's)")
    p.add_argument("-l", "--language", help="language token (default: the model's)")
    p.add_argument("--beam-size", type=int, default=1, help="default 1 (greedy)")
    p.add_argument("--compute-type", default="int8", help="CTranslate2 models only (default int8)")
    p.add_argument("--max-clips", type=int, default=0, help="only the first N clips")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=_evaluate)

    p = subparsers.add_parser(
        "export",
        help="a training run → a verified CTranslate2 model in the store (and a .zip)",
        description="Merge the run's adapter chain into its base, convert to CTranslate2, write "
        "the model's metadata, load it with faster-whisper offline and check it on dev clips "
        "(float32: greedy transcripts must equal the merged model's), measure its dev WER "
        "(against float32 for quantized exports). Nothing is kept if a check fails.",
    )
    p.add_argument("source", type=Path, help="a run folder, a LoRA adapter or a HF Whisper folder")
    p.add_argument("--name", required=True, help="the model's name in the store")
    p.add_argument(
        "--quantization",
        default="int8",
        choices=QUANTIZATION_CHOICES,
        help="weight type (default int8: smallest and fastest on CPU)",
    )
    p.add_argument("-l", "--language", help="language token (default: the run's)")
    p.add_argument("--dev", type=Path, help="manifest for checks and WER (default: the run's dev)")
    p.add_argument("--wer-clips", type=int, default=0, help="only the first N dev clips for WER")
    p.add_argument(
        "--pack",
        nargs="?",
        const="",
        metavar="ZIP",
        help="also write a .zip pack to hand out (default: NAME.zip here)",
    )
    p.set_defaults(func=_export)

    p = subparsers.add_parser(
        "compare", help="side-by-side report of several evaluations (Markdown and HTML)"
    )
    p.add_argument("evaluations", nargs="+", type=Path, help="folders written by 'evaluate'")
    p.add_argument("--out", type=Path, default=Path("comparison"), help="default: comparison/")
    p.add_argument("--worst", type=int, default=10, help="worst utterances shown per model")
    p.set_defaults(func=_compare)


def _quiet_libraries() -> None:
    """Keep the terminal for our own progress: no weight-loading bars, deprecation notes or
    generation advice from transformers; its errors still show."""
    import warnings

    from transformers.utils import logging as hf_logging

    warnings.filterwarnings("ignore", category=FutureWarning, module=r"transformers(\..*)?$")
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()  # generate()'s advice on arguments we set on purpose
    logging.captureWarnings(True)


class _TrainingBar:
    """Shows training events as a terminal progress bar."""

    def __init__(self) -> None:
        self.bar: tqdm | None = None

    def __call__(self, event) -> None:
        if event.kind == "stage" and event.total_steps:
            self.close()
            self.bar = tqdm(
                total=event.total_steps,
                initial=event.step,
                desc=event.stage,
                unit="step",
                file=sys.stderr,
                dynamic_ncols=True,
            )
        if event.kind == "step" and self.bar is not None:
            self.bar.update(event.step - self.bar.n)
            self.bar.set_postfix(
                loss=f"{event.loss:.3f}",
                lr=f"{event.learning_rate:.1e}",
                sps=f"{event.samples_per_s:.1f}",
                refresh=False,
            )
        elif event.kind == "eval":
            self._print(f"{event.stage} step {event.step}: dev WER {event.dev_wer:.3f}")
        elif event.message and event.kind in ("stage", "prepare", "merge", "done"):
            self._print(event.message)
        if event.kind == "done":
            self.close()

    def _print(self, text: str) -> None:
        (self.bar.write if self.bar is not None else print)(text, file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _finetune(args: argparse.Namespace) -> int:
    from hsb_whisper.errors import OptionError
    from hsb_whisper.finetune.config import load_recipe, shipped_recipes
    from hsb_whisper.finetune.train import RECIPE_FILE, train

    if args.list:
        for name, path in shipped_recipes().items():
            print(f"{name:<10} {path}")
        return 0
    if args.resume:
        if args.recipe or args.overrides:
            raise OptionError("--resume takes the recipe saved in the run; give no other recipe")
        run_dir = args.resume
        recipe = load_recipe(run_dir / RECIPE_FILE)
    else:
        if not args.recipe:
            raise OptionError("give a recipe (classic, two-stage or a TOML file) or --resume RUN")
        recipe = load_recipe(args.recipe, args.overrides)
        run_dir = args.run_dir or Path("runs") / f"{recipe.name}-{time.strftime('%Y%m%d-%H%M%S')}"
    print(f"run folder: {run_dir}\nrecipe:\n{recipe.to_json()}", file=sys.stderr)
    _quiet_libraries()
    run_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(run_dir / "train.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logging.getLogger().addHandler(handler)
    bar = _TrainingBar()
    try:
        result = train(recipe, run_dir, on_event=bar)
    finally:
        bar.close()
        logging.getLogger().removeHandler(handler)
        handler.close()
    print(f"adapter: {result['adapter']}\nbase: {result['base']}\ndev WER: {result['dev_wer']:.3f}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from hsb_whisper.finetune.evaluate import evaluate
    from hsb_whisper.finetune.manifest import read_manifest

    _quiet_libraries()
    name = args.name or Path(args.model).name
    out = args.out or Path("evaluations") / name
    total = len(read_manifest(args.manifest))
    if args.max_clips:
        total = min(total, args.max_clips)
    with tqdm(
        total=total,
        desc=f"evaluating {name}",
        unit="clip",
        file=sys.stderr,
        disable=True if args.quiet else None,
        leave=False,
    ) as bar:
        summary = evaluate(
            args.model,
            args.manifest,
            out,
            name=name,
            language=args.language,
            beam_size=args.beam_size,
            compute_type=args.compute_type,
            max_clips=args.max_clips,
            progress=bar.update,
        )
    s = summary["corpus"]
    print(
        f"{name}: WER {s['wer']:.3f}  CER {s['cer']:.3f}  median utterance WER "
        f"{s['utterance_wer']['median']:.3f}  p90 {s['utterance_wer']['p90']:.3f}  "
        f"({s['utterances']} clips)"
    )
    print(f"evaluation: {out}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from hsb_whisper.finetune.compare import compare

    report = compare(args.evaluations, args.out, worst=args.worst)
    print(f"report: {report} and {report.with_suffix('.html')}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from hsb_whisper.finetune.publish import export_run

    _quiet_libraries()
    folder, info = export_run(
        args.source,
        name=args.name,
        quantization=args.quantization,
        language=args.language,
        dev=args.dev,
        wer_clips=args.wer_clips,
        progress=lambda message: print(message, file=sys.stderr),
    )
    print(f"model: {folder} (language token {info.language}, {info.quantization})")
    if info.evaluation:
        e = info.evaluation
        line = f"dev WER {e['wer']:.3f} on {e['clips']} clips"
        if "wer_float32" in e:
            line += f" (float32 {e['wer_float32']:.3f}, difference {e['wer_difference']:+.3f})"
        print(line)
    if args.pack is not None:
        from hsb_whisper.export.pack import make_pack

        zip_path = Path(args.pack or f"{args.name}.zip")
        make_pack(folder, zip_path)
        print(f"pack: {zip_path}")
    return 0
