"""``hsb-whisper evaluate | compare``: WER/CER of models on a manifest or on the user's own
corrections, and reports side by side."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from tqdm import tqdm

from hsb_whisper.cli.terminal import quiet_libraries, require_training_libraries
from hsb_whisper.errors import HsbWhisperError, OptionError
from hsb_whisper.export import COMPUTE_TYPES
from hsb_whisper.finetune.run import ADAPTERS


def register(subparsers: argparse._SubParsersAction) -> None:
    from hsb_whisper.evaluation.decoding import ENGINES  # no torch: a plain module

    p = subparsers.add_parser(
        "evaluate",
        help="WER/CER of a model on a manifest, or on your own corrected transcripts",
        description="MODEL: a training run folder, an adapter folder, a Hugging Face or "
        "CTranslate2 Whisper folder, or a model-store name. Every model is decoded by the same "
        "engine at the same precision, whatever its format, so that evaluations compare. "
        "--corrections: the segments you confirmed in saved transcripts are the test set "
        "(reference: your text; where MODEL wrote the transcript, its own text is scored, "
        "otherwise the segment's audio is decoded with MODEL); recordings excluded from "
        "training are skipped.",
    )
    p.add_argument("model")
    test_set = p.add_mutually_exclusive_group(required=True)
    test_set.add_argument("--manifest", type=Path)
    test_set.add_argument(
        "--corrections",
        nargs="*",
        type=Path,
        metavar="FOLDER_OR_TRANSCRIPT",
        help="saved transcripts (JSON) or folders of them (none given: the app's saved "
        "transcripts)",
    )
    p.add_argument(
        "--only-own",
        action="store_true",
        help="with --corrections: only transcripts MODEL wrote (nothing is decoded)",
    )
    p.add_argument(
        "--out",
        type=Path,
        help="output folder (default: evaluations/<name>, or evaluations/<name>-corrections)",
    )
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
    from hsb_whisper.finetune import resolve_model

    if args.corrections is None and args.only_own:
        raise OptionError("--only-own goes with --corrections (a manifest has no authors)")
    if args.corrections is not None and args.max_clips:
        raise OptionError("--max-clips goes with --manifest; --corrections counts every segment")
    _require_scoring_libraries()
    model = resolve_model(args.model, args.adapter)
    # Only a transformers model or engine needs torch; a store model on faster-whisper does not
    # (nor transformers, which is not even imported then).
    if args.engine == "transformers" or model.kind == "hf":  # decoded by, or merged with, torch
        require_training_libraries(f"evaluating {args.model} with {args.engine}")
        quiet_libraries()
    name = args.name or Path(args.model).name
    if args.corrections is not None:
        return _evaluate_corrections(args, model, name)
    return _evaluate_manifest(args, model, name)


def _require_scoring_libraries() -> None:
    """One line instead of a ``ModuleNotFoundError`` after the decoding: the report's histogram
    needs matplotlib (the ``finetune`` extra); jiwer, the scoring, is a base dependency and is
    checked all the same (an install may have lost it)."""
    missing = [m for m in ("jiwer", "matplotlib") if importlib.util.find_spec(m) is None]
    if missing:
        raise HsbWhisperError(
            f"evaluate needs {' and '.join(missing)}, not installed here: pip install "
            f"{' '.join(missing)} (or the finetune extra: pip install 'hsb-whisper[finetune]')"
        )


def _evaluate_manifest(args: argparse.Namespace, model, name: str) -> int:
    from hsb_whisper.data import read_manifest
    from hsb_whisper.evaluation import engine_label, evaluate

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


def _evaluate_corrections(args: argparse.Namespace, model, name: str) -> int:
    from hsb_whisper import paths
    from hsb_whisper.evaluation import corrections_wer

    out = args.out or Path("evaluations") / f"{name}-corrections"
    with tqdm(
        total=0,
        desc=f"decoding with {name}",
        unit="segment",
        file=sys.stderr,
        disable=True if args.quiet else None,
        leave=False,
    ) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        score = corrections_wer(
            model,
            args.corrections or None,
            only_own=args.only_own,
            language=args.language,
            beam_size=args.beam_size,
            engine=args.engine,
            compute_type=args.compute_type,
            progress=progress,
        )
    skipped = _skipped(score)
    if not score.segments:
        where = (
            ", ".join(map(str, args.corrections))
            or f"your saved transcripts ({paths.transcripts_dir()})"
        )
        if score.problems:
            raise HsbWhisperError(
                f"nothing in {where} could be counted: {_plural(len(score.problems), 'problem')} "
                "above"
            )
        raise HsbWhisperError(
            f"no confirmed segments in {where}{f' ({skipped})' if skipped else ''}: open a "
            "transcript in the app's editor and correct a segment's text or mark it as checked; "
            "confirmed segments are what this counts"
        )
    print(_headline(score, name))
    print(_hypotheses(score, name))
    if skipped:
        print(f"skipped {skipped}")
    if score.recordings > 1:
        print(_table(score))
    score.write(out, name)
    print(f"evaluation: {out}")
    return 0


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _percent(value: float) -> str:
    return f"{100 * value:.1f} %"


def _headline(score, name: str) -> str:
    """The figure in words: 'on your 12.4 corrected minutes (1,830 words in 240 segments of 7
    recordings) MODEL gets 14.2 % of words wrong (CER 5.1 %)'."""
    amount = (
        f"{score.minutes:.1f} corrected minutes"
        if score.seconds >= 60
        else f"{score.seconds:.0f} corrected seconds"
    )
    behind = (
        f"{_plural(score.words, 'word')} in {_plural(score.segments, 'segment')} of "
        f"{_plural(score.recordings, 'recording')}"
    )
    return (
        f"on your {amount} ({behind}) {name} gets {_percent(score.wer)} of words wrong "
        f"(CER {_percent(score.cer)})"
    )


def _hypotheses(score, name: str) -> str:
    """Where the scored text came from: the model's own transcripts, or decoded now."""
    own = score.segments - score.decoded_segments
    if not score.decoded_segments:
        return f"(the text {name} wrote in its own transcripts was scored: nothing decoded)"
    decoded = (
        f"{_plural(score.decoded_segments, 'segment')} decoded now with {score.decoder}, "
        f"language token {score.options.language}"
    )
    if not own:
        return f"({decoded})"
    return f"({decoded}; {own:,} more as {name} wrote them)"


def _skipped(score) -> str:
    parts = []
    if score.skipped_excluded:
        n = score.skipped_excluded
        parts.append(f"{_plural(n, 'recording')} excluded from training (private)")
    if score.skipped_other_models:
        n = score.skipped_other_models
        parts.append(f"{_plural(n, 'recording')} another model transcribed (--only-own)")
    if score.skipped_duplicates:
        n = score.skipped_duplicates
        parts.append(f"{_plural(n, 'older transcript')} of a recording a newer one counts for")
    return ", ".join(parts)


def _table(score) -> str:
    """The recordings, worst first."""
    rows = [("WER", "CER", "words", "segments", "minutes", "text", "recording")]
    for r in sorted(score.per_recording, key=lambda r: -r.wer):
        rows.append(
            (
                _percent(r.wer),
                _percent(r.cer),
                f"{r.words:,}",
                f"{r.segments:,}",
                f"{r.seconds / 60:.1f}",
                "decoded" if r.decoded else "own",
                r.audio.name,
            )
        )
    numeric = 5  # the first columns are right-aligned; the recording's name is last
    widths = [max(len(row[i]) for row in rows) for i in range(numeric + 1)]
    lines = []
    for row in rows:
        cells = [c.rjust(w) for c, w in zip(row[:numeric], widths)]
        lines.append("  ".join([*cells, row[numeric].ljust(widths[numeric]), row[-1]]))
    return "\n".join(lines)


def _compare(args: argparse.Namespace) -> int:
    from hsb_whisper.evaluation import compare

    report = compare(args.evaluations, args.out, worst=args.worst)
    print(f"report: {report} and {report.with_suffix('.html')}")
    return 0
