"""``hsb-whisper archive`` (a local Ray instance) against ``hsb-whisper transcribe``, one folder.

    python -m benchmarks.archive_speed [--short 40] [--medium 4] [--configs 2x1,1x2] [--beam-size 5]

Audio, made on the fly with espeak-ng (English, the Harvard sentences of
:mod:`benchmarks.transcribe_batched`): ``--short`` files of one sentence each and ``--medium``
recordings of 30 sentences (about 1.5-2 minutes) each, in one folder. Default model
(whisper-base, int8), language forced to ``en``, txt output, each command run as the user runs
it (a process of its own, start-up and model loading included), one after the other:

- ``transcribe``: ``hsb-whisper transcribe -o OUT FILES…`` with all cores (its default);
- ``archive WxT``: ``hsb-whisper archive SRC --out OUT --workers W --threads T`` for each
  configuration of ``--configs`` (W workers of T threads on a local Ray instance).

Printed: the audio's length, each command's wall time, its real-time factor, and its ratio to
``transcribe`` (over 1: archive is slower; the goal is at most 1.1), then the per-worker
throughput from the archive's summary.json. The transcripts of both must be the same, and are
compared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.transcribe_batched import SENTENCES
from testsupport.speech import speak, speak_sentences


def make_folder(folder: Path, short: int, medium: int) -> list[Path]:
    sentences = [s.strip() + "." for s in SENTENCES.replace("\n", " ").split(".") if s.strip()]
    files = []
    for number in range(short):
        path = folder / f"short{number:03}.wav"
        files.append(speak(sentences[number % len(sentences)], "en", path))
    for number in range(medium):
        chosen = [sentences[(number * 7 + i) % len(sentences)] for i in range(30)]
        files.append(speak_sentences(chosen, "en", folder / f"medium{number}.wav", pause_s=0.8))
    return files


def audio_seconds(files: list[Path]) -> float:
    from hsb_whisper.audio import probe_duration

    return sum(probe_duration(p) for p in files)


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", type=int, default=40)
    parser.add_argument("--medium", type=int, default=4)
    parser.add_argument("--configs", default="2x1,1x2", help="archive's WORKERSxTHREADS to time")
    parser.add_argument("--beam-size", default="5")
    args = parser.parse_args()
    command = [sys.executable, "-m", "hsb_whisper"]
    common = ["-q", "-l", "en", "--beam-size", args.beam_size, "-f", "txt"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "src"
        src.mkdir()
        files = make_folder(src, args.short, args.medium)
        seconds = audio_seconds(files)
        print(f"{len(files)} files, {seconds / 60:.1f} min of audio, {os.cpu_count()} CPUs")
        subprocess.run([*command, "models", "list"], check=True, stdout=subprocess.DEVNULL)
        reference = tmp / "transcribe"
        base = timed([*command, "transcribe", *common, "-o", str(reference), *map(str, files)])
        print(f"transcribe: {base:.1f} s (real-time factor {base / seconds:.3f})")
        for config in args.configs.split(","):
            workers, threads = config.split("x")
            out = tmp / f"archive-{config}"
            sizing = ["--workers", workers, "--threads", threads]
            wall = timed([*command, "archive", str(src), "--out", str(out), *common, *sizing])
            same = all(
                (out / p.name).read_bytes() == p.read_bytes() for p in reference.glob("*.txt")
            )
            print(
                f"archive {config}: {wall:.1f} s (real-time factor {wall / seconds:.3f}), "
                f"{wall / base:.3f} × transcribe's time; transcripts identical: {same}"
            )
            summary = json.loads((out / "summary.json").read_text())
            for name, worker in summary["workers"].items():
                print(
                    f"  worker {name}: {worker['files']} tasks, {worker['audio_s']:.0f} s of "
                    f"audio in {worker['busy_s']:.1f} busy s "
                    f"({worker['audio_s_per_busy_s']:.1f} s of audio per busy second)"
                )


if __name__ == "__main__":
    main()
