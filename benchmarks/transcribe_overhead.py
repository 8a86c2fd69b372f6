"""How much does ``hsb-whisper transcribe`` cost over calling faster-whisper directly?

Both run as fresh processes on the same 30 s clip with the same settings (default model, int8,
beam 5, VAD on, language cs, all cores), alternating, several rounds; the ratio of the medians is
printed. Each process also reports its pure transcription time, from which the real-time factor
(RTF = processing time / audio time, model loading excluded) is computed, and its peak RSS.

    python -m benchmarks.transcribe_overhead [--rounds 5]

The clip is synthetic (espeak-ng, Czech voice reading Upper Sorbian), made on the fly.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from testsupport.speech import read_wav, speak_sentences, write_wav

ROOT = Path(__file__).resolve().parents[1]

CLIP_SECONDS = 30
SENTENCES = [
    "Dobry dźeń, mje rěka Jan a bydlu w Budyšinje.",
    "Dźensa je rjane wjedro, tohodla dźemy z dźěćimi do parka.",
    "Hornjoserbšćina je zapadosłowjanska rěč, kotraž so we Łužicy rěči.",
    "Wječor čitam knihu a posłucham radijo.",
]

DIRECT = """
import sys, time
from faster_whisper import WhisperModel
model = WhisperModel(sys.argv[1], device="cpu", compute_type="int8", cpu_threads=int(sys.argv[3]),
                     local_files_only=True)
t = time.perf_counter()
segments, info = model.transcribe(sys.argv[2], language="cs", beam_size=5, vad_filter=True)
text = " ".join(s.text.strip() for s in segments)
print(text)
print("TRANSCRIBE_SECONDS", time.perf_counter() - t, file=sys.stderr)
"""


def make_clip(folder: Path) -> Path:
    long = speak_sentences(SENTENCES * 3, "cs", folder / "long.wav", pause_s=0.8)
    samples, rate = read_wav(long)
    return write_wav(folder / "clip30.wav", samples[: CLIP_SECONDS * rate], rate)


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Wall seconds and output (stdout + stderr) of one child process."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=env, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed:\n{proc.stderr}")
    return wall, proc.stdout + proc.stderr


def peak_rss_mb(cmd: list[str], env: dict[str, str]) -> float:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    args = parser.parse_args()

    from hsb_whisper.export import ModelStore
    from hsb_whisper.parallel import available_cores

    model = ModelStore().resolve(None)
    threads = available_cores()
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        clip = make_clip(Path(tmp))
        exe = Path(sys.executable).with_name("hsb-whisper")  # the installed console command
        cli = [str(exe), "transcribe", str(clip), "-q", "--threads", str(threads)]
        direct = [sys.executable, "-c", DIRECT, str(model.path), str(clip), str(threads)]
        run(direct, env)  # warm the file cache
        walls: dict[str, list[float]] = {"direct": [], "cli": []}
        texts = {}
        transcribe_s = []
        for i in range(args.rounds):
            order = [("direct", direct), ("cli", cli)]
            for name, cmd in order if i % 2 == 0 else order[::-1]:
                wall, out = run(cmd, env)
                walls[name].append(wall)
                texts[name] = out.split("TRANSCRIBE_SECONDS")[0].strip()
                if name == "direct":
                    transcribe_s.append(float(out.rsplit("TRANSCRIBE_SECONDS", 1)[1]))
        rss = {"direct": peak_rss_mb(direct, env), "cli": peak_rss_mb(cli, env)}

    med = {k: statistics.median(v) for k, v in walls.items()}
    result = {
        "clip_seconds": CLIP_SECONDS,
        "threads": threads,
        "rounds": args.rounds,
        "wall_s": walls,
        "median_wall_s": med,
        "ratio_cli_over_direct": med["cli"] / med["direct"],
        "rtf_transcription_only": statistics.median(transcribe_s) / CLIP_SECONDS,
        "rtf_including_start": med["cli"] / CLIP_SECONDS,
        "peak_rss_mb": rss,
        "same_text": texts["direct"].split() == texts["cli"].split(),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "transcribe_overhead.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"30 s clip, int8, beam 5, VAD, {threads} threads, {args.rounds} rounds")
    print(f"faster-whisper direct: median {med['direct']:.2f} s  (process start to exit)")
    print(f"hsb-whisper transcribe: median {med['cli']:.2f} s")
    print(f"ratio hsb-whisper / faster-whisper: {result['ratio_cli_over_direct']:.3f}")
    print(
        f"RTF (transcription only): {result['rtf_transcription_only']:.3f}; "
        f"with process start and model load: {result['rtf_including_start']:.3f}"
    )
    print(f"peak RSS: direct {rss['direct']:.0f} MB, hsb-whisper {rss['cli']:.0f} MB")
    print(f"same text: {result['same_text']}")


if __name__ == "__main__":
    main()
