"""Training modes side by side on real speech: the same clips and epochs in each, then the test
WER/CER of the exported int8 model — what ``training.pack`` and ``training.precision`` cost or
keep in accuracy, next to what they buy in speed.

    python -m benchmarks.fillets_dataset --out data/fillets          # the real-speech set
    python -m benchmarks.train_accuracy data/fillets/nl --language nl \\
        --modes clip-fp32,packed-bf16 --epochs 1 [--max-train 400] [--work DIR]

Each mode is the classic recipe on ``--base`` (default: the embedded whisper-base) with the
mode's overrides (see :data:`MODES`; ``--set`` adds to all of them), trained by the project's own
``hsb-whisper finetune`` in a process of its own, exported with ``hsb-whisper export`` (int8) and
scored with ``hsb-whisper evaluate`` on ``test.jsonl`` (faster-whisper int8, ``--beam-size``,
default 5; the same for every mode and for the untrained base, the first row). Reported per mode:
clips trained per second of training steps (from ``metrics.jsonl``: each step's batch over its
time; feature extraction, loading and dev evaluation not counted), that rate over the first
mode's, the training process's whole wall time (with loading, features — cached after the
first mode — and the dev WER), and the test WER and CER.

``--max-train N`` takes the first N training clips (manifest order: whole levels) for quicker
comparisons. The machine's load changes the rates, never the error rates: compare rates only
within one run of this script, on an otherwise idle machine.
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

# name → recipe overrides (besides the data, base, language and epochs)
MODES: dict[str, list[str]] = {
    "clip-fp32": ["training.pack=false", "training.precision=fp32"],
    "clip-bf16": ["training.pack=false", "training.precision=bf16"],
    "packed-fp32": ["training.pack=true", "training.precision=fp32"],
    "packed-bf16": ["training.pack=true", "training.precision=bf16"],
    # a share of each batch's clips alone in their windows (training.pack_alone)
    "packed-bf16-alone25": [
        "training.pack=true",
        "training.precision=bf16",
        "training.pack_alone=0.25",
    ],
    "packed-bf16-alone50": [
        "training.pack=true",
        "training.precision=bf16",
        "training.pack_alone=0.5",
    ],
    # windows filled with at most 15 s of clips, silence after them (training.pack_seconds)
    "packed-bf16-fill15": [
        "training.pack=true",
        "training.precision=bf16",
        "training.pack_seconds=15",
    ],
}


def hsb_whisper(*args: object, env: dict[str, str], log: Path | None = None) -> float:
    """Run the CLI; its wall time in seconds. Output goes to ``log`` (appended) when given."""
    command = [sys.executable, "-m", "hsb_whisper", *(str(a) for a in args)]
    start = time.perf_counter()
    with open(log, "a") if log else open(os.devnull, "w") as out:
        print("$ hsb-whisper", " ".join(str(a) for a in args), file=out, flush=True)
        subprocess.run(command, env=env, check=True, stdout=out, stderr=subprocess.STDOUT)
    return time.perf_counter() - start


def step_rate(run: Path) -> tuple[float, int]:
    """(clips per second of training steps, steps) from the run's metrics.jsonl."""
    training = json.loads((run / "recipe.json").read_text())["stages"][-1]["training"]
    batch = training["batch_size"] * training["gradient_accumulation"]
    steps = [
        json.loads(line)
        for line in (run / "metrics.jsonl").read_text().splitlines()
        if '"step"' in line
    ]
    steps = [s for s in steps if s.get("kind") == "step" and s.get("samples_per_s")]
    seconds = sum(batch / s["samples_per_s"] for s in steps)
    return batch * len(steps) / seconds, len(steps)


def scores(folder: Path) -> tuple[float, float, int]:
    corpus = json.loads((folder / "summary.json").read_text())["corpus"]
    return corpus["wer"], corpus["cer"], corpus["reference_words"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="a folder with train/dev/test.jsonl")
    parser.add_argument("--modes", default="clip-fp32,packed-bf16")
    parser.add_argument("--base", default="whisper-base")
    parser.add_argument("--language", default="nl", help="the Whisper language token")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--max-train", type=int, default=0, help="first N training clips")
    parser.add_argument("--dev-clips", type=int, default=32, help="dev clips for the dev WER")
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--max-test", type=int, default=0, help="first N test clips (0: all)")
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    parser.add_argument("--work", type=Path)
    parser.add_argument("--no-base", action="store_true", help="skip the untrained row")
    args = parser.parse_args()
    modes = args.modes.split(",")
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        parser.error(f"unknown mode(s) {', '.join(unknown)}; choose from {', '.join(MODES)}")
    work = (args.work or Path(tempfile.mkdtemp(prefix="hsb-train-accuracy-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HSB_WHISPER_HOME": str(work / "home")}
    log = work / "log.txt"
    data = args.data.resolve()
    train = data / "train.jsonl"
    if args.max_train:  # the first N, written anew (audio paths are relative to the manifest)
        from hsb_whisper.data import read_manifest, write_manifest

        train = work / "train.jsonl"
        write_manifest(train, read_manifest(data / "train.jsonl")[: args.max_train])
    test = data / "test.jsonl"
    n_train = len(train.read_text(encoding="utf-8").splitlines())
    print(f"{n_train} training clips, {args.epochs:g} epoch(s); log: {log}", flush=True)

    rows = []
    if not args.no_base:
        out = work / "eval" / "base"
        hsb_whisper(
            "evaluate", args.base, "--manifest", test, "--out", out, "-l", args.language,
            "--beam-size", args.beam_size, "--max-clips", args.max_test, "-q", env=env, log=log,
        )  # fmt: skip
        wer, cer, words = scores(out)
        rows.append(("base, no training", None, None, None, wer, cer))
        print(f"base: WER {wer:.3f} CER {cer:.3f} on {words} words", flush=True)
    baseline_rate = None
    for mode in modes:
        run = work / "runs" / mode
        sets = [
            f"base={args.base}",
            f"language={args.language}",
            f"stages.hsb.train={train}",
            f"stages.hsb.dev={data / 'dev.jsonl'}",
            f"training.epochs={args.epochs}",
            f"training.eval_max_clips={args.dev_clips}",
            "training.checkpoint_every=100000",
            *MODES[mode],
            *args.overrides,
        ]
        wall = hsb_whisper(
            "finetune", "classic", "--run-dir", run, *(f"--set={s}" for s in sets),
            env=env, log=log,
        )  # fmt: skip
        rate, steps = step_rate(run)
        baseline_rate = baseline_rate or rate
        name = f"acc-{mode}"
        hsb_whisper(
            "export", run, "--name", name, "--quantization", "int8",
            "--wer-clips", args.dev_clips, env=env, log=log,
        )  # fmt: skip
        out = work / "eval" / mode
        hsb_whisper(
            "evaluate", name, "--manifest", test, "--out", out, "--beam-size", args.beam_size,
            "--max-clips", args.max_test, "-q", env=env, log=log,
        )  # fmt: skip
        wer, cer, words = scores(out)
        rows.append((mode, rate, rate / baseline_rate, wall, wer, cer))
        print(
            f"{mode}: {steps} steps, {rate:.2f} clips/s, wall {wall / 60:.1f} min, "
            f"WER {wer:.3f} CER {cer:.3f}",
            flush=True,
        )
    print()
    print("| mode | clips/s (training steps) | × first mode | training wall | test WER / CER |")
    print("|---|---|---|---|---|")
    for mode, rate, ratio, wall, wer, cer in rows:
        cells = ("–", "–", "–") if rate is None else (
            f"{rate:.2f}", f"{ratio:.2f}", f"{wall / 60:.1f} min"
        )  # fmt: skip
        print(f"| {mode} | {' | '.join(cells)} | {wer:.3f} / {cer:.3f} |")
    (work / "results.json").write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
