"""``hsb-whisper transcribe FILE…``: transcribe audio files on the command line.

Without ``--format`` and ``--output-dir`` the text goes to stdout as it is recognised. With formats,
files are written next to each input (or into ``--output-dir``). A file that cannot be transcribed
gets one line on stderr naming it and the problem; the others are still processed, and the exit
code is 1 if any failed. Outputs are checked before anything is transcribed: the output folder
must be writable, no output may be one of the input files (``-f txt talk.txt`` would replace
the recording by its transcript), and no two inputs may have the same output (``a/talk.mp3`` and
``b/talk.wav`` with ``--output-dir``: the second is refused).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from tqdm import tqdm

from hsb_whisper.errors import HsbWhisperError, OptionError
from hsb_whisper.export import COMPUTE_TYPES, ModelStore
from hsb_whisper.files import cannot_write, prepare_output_folder
from hsb_whisper.transcription import (
    AUTO_LANGUAGE,
    DEFAULT_BATCH_SIZE,
    DEVICES,
    TranscribeOptions,
    Transcriber,
    Transcript,
    formats,
)
from hsb_whisper.transcription.outputs import OutputPlan, plan_outputs
from hsb_whisper.transcription.transcript import speaker_name_problem

log = logging.getLogger(__name__)

UNTRAINED_NOTICE = (
    "note: the embedded whisper-base is not trained for Upper Sorbian (it writes Czech "
    "spelling); get an Upper Sorbian model with 'hsb-whisper models get' (in the app: Models, "
    "Get an Upper Sorbian model…)"
)

_BAR_FORMAT = (
    "{desc}: {percentage:3.0f}%|{bar}| {n:.1f}/{total:.1f} s of audio [{elapsed}<{remaining}]"
)

# The module docstring for `transcribe --help`, without its reST markup.
DESCRIPTION = __doc__.split("\n\n", 1)[1].replace("``", "'")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "transcribe",
        help="transcribe audio files (wav, mp3, ogg/opus, flac, m4a, …)",
        description=DESCRIPTION,
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="audio files")
    add_transcription_options(p)
    p.add_argument(
        "-o",
        "--output-dir",
        type=Path,
        help="folder for the output files (default: next to each input file)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    p.set_defaults(func=run)


def add_transcription_options(
    p: argparse.ArgumentParser, threads_help: str = "CPU threads (default: all cores)"
) -> None:
    """The options that say how to transcribe and what to write (``transcribe`` and
    ``archive`` share them; :func:`transcription_options` reads them)."""
    p.add_argument(
        "-m",
        "--model",
        help="a model name from 'hsb-whisper models list' or a CTranslate2 folder "
        "(default: the default model)",
    )
    p.add_argument(
        "-l",
        "--language",
        help=f"Whisper language token to force, or '{AUTO_LANGUAGE}' to detect it per file "
        "(default: the one the model was trained with, from its metadata)",
    )
    p.add_argument("--beam-size", type=int, default=5, help="beam width; 1 is greedy (default 5)")
    p.add_argument("--compute-type", default="int8", choices=COMPUTE_TYPES, help="default int8")
    p.add_argument("--device", default="cpu", choices=DEVICES, help="default cpu")
    p.add_argument("--threads", type=int, default=0, help=threads_help)
    p.add_argument(
        "--batch-size",
        type=int,
        metavar="N",
        help="speech windows (up to 30 s each, cut at pauses) decoded together; 1 decodes "
        f"one after the other (default {DEFAULT_BATCH_SIZE}, or 1 with --no-vad)",
    )
    p.add_argument(
        "--vad",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="skip non-speech with voice activity detection (default on)",
    )
    p.add_argument(
        "-f",
        "--format",
        action="append",
        default=[],
        metavar="FORMAT",
        help=f"output format: {', '.join(formats.FORMATS)} or all; repeat or separate with "
        "commas (default with an output folder: txt)",
    )
    p.add_argument(
        "--word-timestamps",
        action="store_true",
        help="keep each word's start and end: JSON gives every word its times, ELAN a 'words' "
        "tier under each segment tier, Praat a words tier (TXT, SRT and WebVTT are unchanged)",
    )
    p.add_argument(
        "--speakers",
        metavar="auto|N",
        help="label who spoke when: 'auto' finds the number of speakers, N labels exactly N; "
        "segments are split where the speaker changes, and every format names the speaker "
        "(EAF and TextGrid: one tier per speaker). Default: no speaker labels",
    )
    p.add_argument(
        "--speaker-names",
        metavar="NAME,NAME…",
        help="with --speakers: names for S1, S2, … (in order of first appearance), used by "
        "every format instead of the ids",
    )


def transcription_options(
    args: argparse.Namespace, default_formats: list[str]
) -> tuple[list[str], TranscribeOptions, list[str]]:
    """The formats (``default_formats`` when none is given), the options and the speaker names
    of :func:`add_transcription_options`; a usage mistake is an ``argparse.ArgumentError``."""
    try:  # a usage mistake: exit code 2, like argparse's own (see hsb_whisper.cli.main)
        fmts = formats.parse_formats(args.format) or default_formats
        options = TranscribeOptions(
            language=args.language,
            beam_size=args.beam_size,
            compute_type=args.compute_type,
            device=args.device,
            threads=args.threads,
            vad=args.vad,
            word_timestamps=args.word_timestamps,
            batch_size=args.batch_size,
            speakers=_speakers(args.speakers),
        )
        names = _speaker_names(args.speaker_names, options.speakers)
    except OptionError as e:
        raise argparse.ArgumentError(None, str(e)) from e
    return fmts, options, names


def _speakers(value: str | None) -> int | None:
    """``--speakers``: 'auto' is 0 (TranscribeOptions' "find the number"), N is N."""
    if value is None:
        return None
    if value.strip().lower() == "auto":
        return 0
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 1:
        raise OptionError(f"--speakers {value}: give 'auto' or a number of speakers from 1")
    return number


def _speaker_names(value: str | None, speakers: int | None) -> list[str]:
    """``--speaker-names "Jan Nowak, Marja Kral"`` → the names of S1, S2, …"""
    if value is None:
        return []
    if speakers is None:
        raise OptionError("--speaker-names needs --speakers auto or --speakers N")
    names = [" ".join(name.split()) for name in value.split(",")]
    if not all(names):
        raise OptionError(f"--speaker-names {value!r}: a name is empty")
    for name in names:  # refused here, before any file is transcribed
        problem = speaker_name_problem(name)
        if problem:
            raise OptionError(f"--speaker-names: {problem}; give names of letters")
    return names


def _refusals(files: list[Path], plan: OutputPlan) -> dict[Path, str]:
    """Inputs whose outputs cannot or must not be written, with the reason; found before
    anything is transcribed, so that no work is lost and no input is overwritten."""
    refused: dict[Path, str] = {}
    writable: dict[Path, str | None] = {}
    for path in files:
        clash = plan.clashes.get(path)
        if clash is not None and clash.overwrites_input:
            whose = "the file itself" if clash.other == path else f"the input {clash.other}"
            refused[path] = (
                f"{path}: its output {clash.output} would overwrite {whose}; use --output-dir "
                "DIR or another --format"
            )
            continue
        for out in plan.outputs[path]:
            if out.is_dir():
                refused[path] = (
                    f"{path}: its output {out} is a folder; rename it or use --output-dir DIR"
                )
                break
            folder = out.parent
            if path.exists() and folder.is_dir():  # a missing input gets its own message
                if folder not in writable:
                    writable[folder] = cannot_write(folder)
                if writable[folder]:
                    refused[path] = (
                        f"{path}: cannot write its output in {folder} ({writable[folder]}); "
                        "use --output-dir DIR"
                    )
                    break
        if path not in refused and clash is not None:  # another input's output
            refused[path] = (
                f"{path}: its output would overwrite that of {clash.other}; use --output-dir"
            )
    return refused


def _save(transcript: Transcript, out: Path, fmt: str) -> None:
    try:
        formats.save(transcript, out, fmt)
    except OSError as e:  # a full disk, a folder that became read-only, a removed folder
        raise HsbWhisperError(
            f"{out}: the {fmt} output cannot be written ({e.strerror or e})"
        ) from e


def run(args: argparse.Namespace) -> int:
    fmts, options, names = transcription_options(args, ["txt"] if args.output_dir else [])
    if args.output_dir:
        prepare_output_folder(args.output_dir, "--output-dir")
    model = ModelStore().resolve(args.model)
    try:
        transcriber = Transcriber(model, options)
    except OptionError as e:  # a language token the model does not know (hsb among them)
        if args.language is None:  # not the user's: the one in the model's metadata
            raise
        raise argparse.ArgumentError(None, str(e)) from e
    log.info("model %s (%s), language %s", model.name, model.path, transcriber.language or "auto")

    # decided before anything is transcribed; a name another file has is refused, not numbered
    plan = plan_outputs(args.files, fmts, args.output_dir, numbered=False)
    outputs = plan.outputs
    refused = _refusals(args.files, plan)
    results = transcriber.transcribe_many(p for p in args.files if p not in refused)
    failed = 0
    for path in args.files:
        try:
            if path in refused:
                raise HsbWhisperError(refused[path])
            _, result = next(results)  # the same order
            if isinstance(result, Exception):
                raise result
            header = len(args.files) > 1 and not fmts
            transcript = _transcribe_one(
                transcriber,
                path,
                result,
                show_text=not fmts,
                header=header,
                progress=not args.quiet,
                names=names,
            )
            for out, fmt in zip(outputs[path], fmts):
                _save(transcript, out, fmt)
                log.info("wrote %s", out)
            if fmts and not args.quiet:
                print(f"{path}: wrote {', '.join(str(o) for o in outputs[path])}", file=sys.stderr)
        except HsbWhisperError as e:
            failed += 1
            log.debug("failed: %s", path, exc_info=True)
            print(f"hsb-whisper: error: {e}", file=sys.stderr)
        except Exception as e:  # a bug on one file must not lose the others
            failed += 1
            log.debug("unexpected failure on %s", path, exc_info=True)
            where = f"; details in {args.log_file}" if args.log_file else ""
            print(
                f"hsb-whisper: error: {path}: unexpected failure ({type(e).__name__}: {e}){where}",
                file=sys.stderr,
            )
    if len(args.files) > 1 and not args.quiet:
        done = len(args.files) - failed
        print(f"{done} of {len(args.files)} files transcribed, {failed} failed", file=sys.stderr)
    if not args.quiet and failed < len(args.files) and model.untrained_default:
        print(UNTRAINED_NOTICE, file=sys.stderr)
    return 1 if failed else 0


def _transcribe_one(
    transcriber: Transcriber,
    path: Path,
    result: tuple,
    *,
    show_text: bool,
    header: bool,
    progress: bool,
    names: Sequence[str] = (),
) -> Transcript:
    segments, info = result
    if header:
        print(f"==> {path} <==", flush=True)
    total = round(info.duration, 2)
    collected = []
    with tqdm(
        total=total,
        desc=path.name,
        file=sys.stderr,
        bar_format=_BAR_FORMAT,
        disable=None if progress else True,
        leave=False,
    ) as bar:
        for segment in segments:
            collected.append(segment)
            bar.update(min(segment.end, total) - bar.n)
            if show_text and info.speakers is None:
                bar.write(segment.text, file=sys.stdout)
        bar.update(total - bar.n)
        if info.speakers is not None:
            bar.set_description_str(f"{path.name}: speakers")
        transcript = transcriber.finish(info, collected)
    for number, name in enumerate(names, start=1):
        transcript.rename_speaker(f"S{number}", name)
    if show_text and info.speakers is not None:  # known only once the whole file is heard
        formats.write_txt(transcript, sys.stdout)
        sys.stdout.flush()
    if not collected:
        log.warning("%s: no speech was recognised", path)
    return transcript
