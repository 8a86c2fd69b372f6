"""``hsb-whisper evaluate | compare``: WER/CER of models on a manifest, and reports side by side."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from hsb_whisper.cli.terminal import quiet_libraries, require_training_libraries
from hsb_whisper.export import COMPUTE_TYPES
from hsb_whisper.finetune.run import ADAPTERS


def register(subparsers: argparse._SubParsersAction) -> None:
    from hsb_whisper.evaluation.decoding import ENGINES  # no torch: a plain module

    p = subparsers.add_parser(
        "evaluate",
        help="WER/CER of a model on a manifest",
        description="MODEL: a training run folder, an adapter folder, a Hugging Face or "
        "CTranslate2 Whisper folder, or a model-store name. Every model is decoded by the same "
        "engine at the same precision, whatever its format, so that evaluations compare.",
    )
    p.add_argument("model")
    p.add_argument("--manifest", required=True, type=Path)
    p.add_argument("--out", type=Path, help="output folder (default: evaluations/<name>)")
    p.add_argument("--name", help="name in reports (default: the model's)")
    p.add_argument("-l", "--language", help="language token (default: the model's)")
    p.add_argument("--beam-size", type=int, default=1, help="default 1 (greedy)")
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default=ENGINES[0],
        help="faster-whisper (what the app runs; default) or transformers (float32)",
    )
    p.add_argument(
        "--compute-type",
        default="int8",
        choices=COMPUTE_TYPES,
        help="faster-whisper's precision (default int8)",
    )
    p.add_argument(
        "--adapter",
        choices=ADAPTERS,
        help="for a run: the adapter with the best dev WER (default) or the last one",
    )
    p.add_argument("--max-clips", type=int, default=0, help="only the first N clips")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=_evaluate)

    p = subparsers.add_parser(
        "compare", help="side-by-side report of several evaluations (Markdown and HTML)"
    )
    p.add_argument("evaluations", nargs="+", type=Path, help="folders written by 'evaluate'")
    p.add_argument("--out", type=Path, default=Path("comparison"), help="default: comparison/")
    p.add_argument("--worst", type=int, default=10, help="worst utterances shown per model")
    p.set_defaults(func=_compare)


def _evaluate(args: argparse.Namespace) -> int:
    from hsb_whisper.data import read_manifest
    from hsb_whisper.evaluation import engine_label, evaluate
    from hsb_whisper.finetune import resolve_model

    model = resolve_model(args.model, args.adapter)
    if args.engine == "transformers" or model.kind == "hf":  # decoded by, or merged with, torch
        require_training_libraries(f"evaluating {args.model} with {args.engine}")
    quiet_libraries()
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
            model,
            args.manifest,
            out,
            name=name,
            language=args.language,
            beam_size=args.beam_size,
            engine=args.engine,
            compute_type=args.compute_type,
            max_clips=args.max_clips,
            progress=bar.update,
        )
    s = summary["corpus"]
    print(
        f"{name}: WER {s['wer']:.3f}  CER {s['cer']:.3f}  median utterance WER "
        f"{s['utterance_wer']['median']:.3f}  p90 {s['utterance_wer']['p90']:.3f}  "
        f"({s['utterances']} clips, {engine_label(args.engine, args.compute_type)})"
    )
    print(f"evaluation: {out}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from hsb_whisper.evaluation import compare

    report = compare(args.evaluations, args.out, worst=args.worst)
    print(f"report: {report} and {report.with_suffix('.html')}")
    return 0
