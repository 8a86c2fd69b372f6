"""``hsb-whisper export``: a training run → a verified CTranslate2 model in the store (a .zip)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hsb_whisper.cli.terminal import quiet_libraries, require_training_libraries
from hsb_whisper.export import QUANTIZATIONS, make_pack
from hsb_whisper.finetune.run import ADAPTERS


def register(subparsers: argparse._SubParsersAction) -> None:
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
        choices=QUANTIZATIONS,
        help="weight type (default int8: smallest and fastest on CPU)",
    )
    p.add_argument("-l", "--language", help="language token (default: the run's)")
    p.add_argument(
        "--adapter",
        choices=ADAPTERS,
        help="for a run: the adapter with the best dev WER (default) or the last one; "
        "the run's result.json records which one each export took",
    )
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


def _export(args: argparse.Namespace) -> int:
    from hsb_whisper.finetune import export_run

    require_training_libraries("exporting a trained model")  # merging needs torch and peft
    quiet_libraries()
    folder, info = export_run(
        args.source,
        name=args.name,
        quantization=args.quantization,
        language=args.language,
        adapter=args.adapter,
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
        zip_path = Path(args.pack or f"{args.name}.zip")
        make_pack(folder, zip_path)
        print(f"pack: {zip_path}")
    return 0
