"""``hsb-whisper data …``: import, check and describe training data from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from hsb_whisper import data
from hsb_whisper.cli.terminal import ClipBars
from hsb_whisper.errors import OptionError


def _path(value: str) -> Path:
    """A path option's value: "" would be the current folder, and is refused (exit code 2)."""
    if not value:
        raise argparse.ArgumentTypeError("empty; give a path")
    return Path(value)


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
        description="Write train/dev/test manifests (JSON Lines) and report.json into OUT, and "
        "rejects.jsonl when clips were rejected (exit code 1 then).",
    )
    p.add_argument("source", type=Path, help="cv-corpus-….tar.gz or its extracted folder")
    p.add_argument("--locale", required=True, help="Common Voice locale, e.g. hsb or cs")
    p.add_argument("--out", required=True, type=_path, help="output folder")
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
        "speaker in one split when speakers are known and fill every split, else each "
        "recording (the report names the unit and warns).",
    )
    p.add_argument("source", type=Path, help="folder of recordings")
    p.add_argument("--out", type=_path, help="output folder (default: SOURCE/manifests)")
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

    for command, kind, what in (
        ("import-eaf", "elan", "ELAN .eaf files"),
        ("import-textgrid", "textgrid", "Praat .TextGrid files"),
    ):
        p = sub.add_parser(
            command,
            parents=[common],
            help=f"a transcribed corpus: {what} with their recordings",
            description=f"Cut every annotation of the chosen tiers of {what} into a 16 kHz WAV "
            "clip under OUT/clips/ and write train/dev/test manifests and report.json into OUT "
            "(and rejects.jsonl when clips were rejected). Each speaker's clips go to one "
            "split; with too few speakers to fill every split, each recording's, else each "
            f"{data.BLOCK_SECONDS:.0f}-s stretch's (the report names the unit and warns). "
            "Tiers that subdivide another (word tiers) are never imported. "
            + (
                "The recording is the file's linked media (relative URL first), else a "
                "same-named audio file beside it; the speaker is the tier's PARTICIPANT, else "
                "its name. "
                if kind == "elan"
                else "The recording is the same-named audio file beside each TextGrid; the "
                "speaker is the tier's name. "
            )
            + "Exit code 1 when clips were rejected.",
        )
        p.add_argument("source", type=Path, nargs="+", help=f"{what} or folders searched for them")
        p.add_argument("--out", required=True, type=_path, help="output folder")
        p.add_argument(
            "--tier",
            action="append",
            default=[],
            help="a tier to import (repeatable); needed when a file has more than one tier "
            "with annotations (the tiers are listed then)",
        )
        p.add_argument(
            "--join-max",
            type=float,
            default=data.annotations.JOIN_MAX_SECONDS,
            metavar="SECONDS",
            help="join adjacent annotations of one tier into clips up to this long "
            f"(default {data.annotations.JOIN_MAX_SECONDS:g}; below Whisper's 30 s)",
        )
        p.add_argument(
            "--join-gap",
            type=float,
            default=data.annotations.JOIN_GAP_SECONDS,
            metavar="SECONDS",
            help="…when at most this much silence lies between them "
            f"(default {data.annotations.JOIN_GAP_SECONDS:g})",
        )
        p.add_argument("--no-join", action="store_true", help="one clip per annotation")
        p.add_argument(
            "--skip-pattern",
            action="append",
            default=[],
            metavar="REGEX",
            help="skip annotations whose whole text matches (repeatable, ignoring case), "
            "besides the defaults: "
            + "  ".join(data.DEFAULT_SKIP_PATTERNS).replace("%", "%%")
            + " ([laughter], (laughs), <noise>, xxx, ???). Bracketed parts inside longer "
            "text are kept and counted",
        )
        p.add_argument(
            "--no-default-skip",
            action="store_true",
            help="skip only what --skip-pattern and empty annotations say",
        )
        p.add_argument(
            "--skip-overlaps",
            action="store_true",
            help="leave out annotations that overlap another tier's (two people speaking)",
        )
        p.add_argument("--split", default="0.8,0.1,0.1", help="train,dev,test fractions")
        p.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
        p.add_argument("--locale", default="hsb", help="for the character check (default hsb)")
        p.set_defaults(func=_import_annotations, kind=kind)

    p = sub.add_parser(
        "import-corrections",
        parents=[common],
        help="your corrected transcripts: the segments you confirmed or edited",
        description="Cut every confirmed segment (edited, or marked as checked, in the app's "
        "editor) of saved transcripts (the app's, or transcribe -f json output) from its "
        "recording into a 16 kHz WAV clip under OUT/clips/, with its text as corrected, and "
        "write train/dev/test manifests and report.json into OUT (and rejects.jsonl when clips "
        "were rejected). Unconfirmed segments are never used. Consecutive confirmed segments of "
        f"one speaker are joined into clips of up to {data.annotations.JOIN_MAX_SECONDS:g} s "
        f"(gaps up to {data.annotations.JOIN_GAP_SECONDS:g} s). A speaker's name is the same "
        "person in every recording; an unnamed one (S1) counts within its recording. No "
        "recording is divided between splits, and recordings sharing a named speaker go to the "
        "same split while there are enough of them (the report names the unit and warns). "
        "Transcripts excluded from training are skipped, as is every transcript of their "
        "recording. Exit code 1 when clips were rejected, or when nothing could be imported.",
    )
    p.add_argument(
        "source",
        type=Path,
        nargs="*",
        help="saved transcripts (.json) or folders searched for them (default: the app's "
        "transcripts folder)",
    )
    p.add_argument("--out", required=True, type=_path, help="output folder")
    for option, what in (
        ("--exclude", "mark as excluded from training for good (privacy) and skip"),
        ("--include", "undo --exclude (mark as usable for training again)"),
    ):
        p.add_argument(
            option,
            action="append",
            default=[],
            type=_path,
            metavar="TRANSCRIPT_OR_RECORDING",
            help=f"{what}: a transcript, or a recording (all its transcripts); repeatable. "
            "The saved transcript is rewritten",
        )
    p.add_argument("--split", default="0.8,0.1,0.1", help="train,dev,test fractions")
    p.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    p.add_argument("--locale", default="hsb", help="for the character check (default hsb)")
    p.set_defaults(func=_import_corrections)

    p = sub.add_parser(
        "check",
        parents=[common],
        help="check a manifest; rejects (if any) go to MANIFEST.rejects.jsonl",
        description="Decode every clip and check every transcript. Exit code 1 when clips were "
        "rejected.",
    )
    p.add_argument("manifest", type=Path, help="JSON Lines manifest or a seed-style JSON list")
    p.add_argument("--clean", type=_path, help="write the clips that passed to this manifest")
    p.add_argument("--locale", default=None, help="alphabet for the character check (hsb, cs, …)")
    p.set_defaults(func=_check)

    p = sub.add_parser("stats", parents=[common], help="hours, clips, speakers, durations")
    p.add_argument("manifest", type=Path)
    p.add_argument("--png", type=Path, help="also save the duration histogram as PNG")
    p.set_defaults(func=_stats)


def _finish(outcome, bars: ClipBars, summary: str = "") -> int:
    """Print where the files are, ``summary`` and the report, whose warnings come last."""
    bars.close()
    for split, path in outcome.manifests.items():
        print(f"{split}: {path}")
    if outcome.rejects:
        print(f"rejects: {outcome.rejects}")
    if summary:
        print(summary)
    print()
    print(data.render_report(outcome.report))
    return 1 if outcome.rejected or outcome.report.get("unreadable_files") else 0


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


def _import_annotations(args: argparse.Namespace) -> int:
    if not 0 < args.join_max <= 30 or not args.join_gap >= 0:
        raise OptionError("--join-max takes seconds from 0 to 30, --join-gap seconds ≥ 0")
    defaults = () if args.no_default_skip else data.DEFAULT_SKIP_PATTERNS
    options = data.CutOptions(
        tiers=tuple(args.tier),
        skip_patterns=(*defaults, *args.skip_pattern),
        join_max=0 if args.no_join else args.join_max,
        join_gap=args.join_gap,
        skip_overlaps=args.skip_overlaps,
    )
    with ClipBars(args.quiet) as bars:
        outcome = data.import_annotations(
            args.source,
            args.out,
            kind=args.kind,
            options=options,
            fractions=data.parse_fractions(args.split),
            seed=args.seed,
            locale=args.locale,
            decode=not args.fast,
            progress=bars.progress(),
        )
    report = outcome.report
    skipped = ", ".join(f"{n} {reason}" for reason, n in report["skipped"].items()) or "none"
    overlaps = report["overlaps"]
    summary = (
        f"annotations: {report['annotations']} in {report['files']} files; skipped: {skipped}; "
        f"joined clips: {report['joined']['clips_of_several_annotations']}; overlapping: "
        f"{overlaps['annotations']} annotations, {overlaps['seconds']:.1f} s"
        + (" (left out)" if overlaps["skipped"] else "")
        + f"; bracketed text kept: {report['inline_bracketed_kept']}"
    )
    return _finish(outcome, bars, summary)


def _import_corrections(args: argparse.Namespace) -> int:
    with ClipBars(args.quiet) as bars:
        outcome = data.import_corrections(
            args.source or None,
            args.out,
            exclude=args.exclude,
            include=args.include,
            fractions=data.parse_fractions(args.split),
            seed=args.seed,
            locale=args.locale,
            decode=not args.fast,
            progress=bars.progress(),
        )
    return _finish(outcome, bars, data.corrections.render_summary(outcome.report))


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
