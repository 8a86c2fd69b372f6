"""``hsb-whisper data …``: import, check and describe training data from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from hsb_whisper import data
from hsb_whisper.cli.terminal import ClipBars


def register(subparsers: argparse._SubParsersAction) -> None:
    group = subparsers.add_parser("data", help="import, check and describe training data")
    sub = group.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--fast",
        action="store_true",
        help="read durations from file headers only: faster, but damaged or silent audio is "
        "not found",
    )
    common.add_argument("-q", "--quiet", action="store_true", help="no progress bars")

    p = sub.add_parser(
        "import-cv",
        parents=[common],
        help="a Common Voice archive (.tar.gz) or extracted folder",
        description="Write train/dev/test manifests (JSON Lines), rejects.jsonl and report.json "
        "into OUT. Exit code 1 when clips were rejected.",
    )
    p.add_argument("source", type=Path, help="cv-corpus-….tar.gz or its extracted folder")
    p.add_argument("--locale", required=True, help="Common Voice locale, e.g. hsb or cs")
    p.add_argument("--out", required=True, type=Path, help="output folder")
    p.add_argument(
        "--train-from",
        choices=("train", "validated"),
        default="train",
        help="validated: every validated clip not in dev/test (same speakers and sentences "
        "left out too), much more than Common Voice's own train (default: train)",
    )
    p.add_argument(
        "--add-other", action="store_true", help="also train on clips not yet validated (other.tsv)"
    )
    p.set_defaults(func=_import_cv)

    p = sub.add_parser(
        "import-folder",
        parents=[common],
        help="your own recordings with transcripts",
        description="Audio files with sidecar .txt transcripts, or a metadata table (CSV/TSV "
        "with a header: path, text and optionally speaker). Split into train/dev/test, each "
        "speaker in one split when speakers are known.",
    )
    p.add_argument("source", type=Path, help="folder of recordings")
    p.add_argument("--out", type=Path, help="output folder (default: SOURCE/manifests)")
    p.add_argument("--table", type=Path, help="metadata table (default: SOURCE/metadata.csv|tsv)")
    p.add_argument("--split", default="0.8,0.1,0.1", help="train,dev,test fractions of duration")
    p.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    p.add_argument(
        "--speaker-from-folder",
        action="store_true",
        help="the first subfolder of each file names its speaker",
    )
    p.add_argument("--locale", default="hsb", help="for the character check (default hsb)")
    p.set_defaults(func=_import_folder)

    p = sub.add_parser(
        "check",
        parents=[common],
        help="check a manifest; rejects go to MANIFEST.rejects.jsonl",
        description="Decode every clip and check every transcript. Exit code 1 when clips were "
        "rejected.",
    )
    p.add_argument("manifest", type=Path, help="JSON Lines manifest or a seed-style JSON list")
    p.add_argument("--clean", type=Path, help="write the clips that passed to this manifest")
    p.add_argument("--locale", default=None, help="alphabet for the character check (hsb, cs, …)")
    p.set_defaults(func=_check)

    p = sub.add_parser("stats", parents=[common], help="hours, clips, speakers, durations")
    p.add_argument("manifest", type=Path)
    p.add_argument("--png", type=Path, help="also save the duration histogram as PNG")
    p.set_defaults(func=_stats)


def _finish(outcome, bars: ClipBars) -> int:
    bars.close()
    print(data.render_report(outcome.report))
    for split, path in outcome.manifests.items():
        print(f"{split}: {path}")
    if outcome.rejects:
        print(f"rejects: {outcome.rejects}")
    return 1 if outcome.rejected else 0


def _import_cv(args: argparse.Namespace) -> int:
    bars = ClipBars(args.quiet)
    outcome = data.import_common_voice(
        args.source,
        args.locale,
        args.out,
        use_validated=args.train_from == "validated",
        add_other=args.add_other,
        decode=not args.fast,
        progress=bars.progress(),
    )
    return _finish(outcome, bars)


def _import_folder(args: argparse.Namespace) -> int:
    bars = ClipBars(args.quiet)
    outcome = data.import_folder(
        args.source,
        args.out or args.source / "manifests",
        table=args.table,
        fractions=data.parse_fractions(args.split),
        seed=args.seed,
        speaker_from_folder=args.speaker_from_folder,
        locale=args.locale,
        decode=not args.fast,
        progress=bars.progress(),
    )
    return _finish(outcome, bars)


def _check(args: argparse.Namespace) -> int:
    bars = ClipBars(args.quiet)
    outcome = data.check_manifest(
        args.manifest,
        clean=args.clean,
        locale=args.locale,
        decode=not args.fast,
        progress=bars.progress(),
    )
    return _finish(outcome, bars)


def _stats(args: argparse.Namespace) -> int:
    clips = data.read_manifest(args.manifest)
    bars = ClipBars(args.quiet)
    bars.stage("reading durations", len(clips))
    stats = data.manifest_stats(clips, bars.advance)
    bars.close()
    print(data.render_stats(stats))
    if args.png:
        data.save_histogram_png(stats, args.png, args.manifest.name)
        print(f"histogram: {args.png}")
    return 0
