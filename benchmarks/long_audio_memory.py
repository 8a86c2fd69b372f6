"""Peak memory of transcribing a long recording: 10 minutes against 3 hours.

    python -m benchmarks.long_audio_memory [--short-min 10] [--long-min 180] [--baseline]

Makes two MP3 files of a sparse "radio archive tape": one espeak-ng sentence a minute over quiet
room noise (−50 dBFS), written a block at a time. Each is transcribed by ``hsb-whisper
transcribe`` (default model, int8, beam 5, VAD) in a child process whose peak RSS is read from
the kernel (``ru_maxrss``). ``--baseline`` also runs faster-whisper on the whole decoded file as
the program did before it read long files in pieces.

The ratio to read: peak RSS of the long file / the short one (1.0 = memory does not grow with the
length of the recording).
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

import av
import numpy as np

from testsupport.speech import read_wav, speak

RATE = 16000
SENTENCES = [
    "Please call Stella.",
    "Ask her to bring these things with her from the store.",
    "We also need a small plastic snake and a big toy frog for the kids.",
]
BASELINE = """
import sys, json
from faster_whisper import WhisperModel
from hsb_whisper.audio import load_audio
from hsb_whisper.export import ModelStore
model = WhisperModel(str(ModelStore().resolve().path), compute_type="int8")
segments, _ = model.transcribe(load_audio(sys.argv[1]), language="cs", vad_filter=True)
print(json.dumps(len(list(segments))))
"""


def make_tape(path: Path, minutes: float, speech: list[np.ndarray]) -> Path:
    """An MP3 of ``minutes`` with one sentence at the start of every minute."""
    rng = np.random.default_rng(0)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libmp3lame", rate=RATE, layout="mono")
        stream.bit_rate = 32_000
        for minute in range(int(minutes)):
            block = (rng.standard_normal(60 * RATE) * 0.003).astype(np.float32)  # −50 dBFS
            sentence = speech[minute % len(speech)]
            block[RATE : RATE + len(sentence)] += sentence
            samples = (np.clip(block, -1, 1) * 32767).astype(np.int16)
            frame = av.AudioFrame.from_ndarray(samples[None, :], format="s16", layout="mono")
            frame.rate = RATE
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def peak_rss_mb(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``command``; return its peak RSS in MB and its wall time in seconds."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command} failed")
    return usage.ru_maxrss / 1024, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short-min", type=float, default=10)
    parser.add_argument("--long-min", type=float, default=180)
    parser.add_argument("--baseline", action="store_true", help="also the whole-file way")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        speech = []
        for i, text in enumerate(SENTENCES):
            samples, rate = read_wav(speak(text, "en", tmp / f"s{i}.wav"))
            t = np.arange(0, len(samples) / rate, 1 / RATE)
            mono = samples[:, 0].astype(np.float32) / 32768
            speech.append(np.interp(t, np.arange(len(mono)) / rate, mono).astype(np.float32))
        env = {**os.environ, "HSB_WHISPER_HOME": str(tmp / "home")}
        results = {}
        for label, minutes in (("short", args.short_min), ("long", args.long_min)):
            tape = make_tape(tmp / f"{label}.mp3", minutes, speech)
            cmd = [sys.executable, "-m", "hsb_whisper", "transcribe", str(tape), "-q", "-f", "txt"]
            rss, wall = peak_rss_mb(cmd, env)
            results[label] = (minutes, rss, wall)
            print(f"hsb-whisper transcribe, {minutes:.0f} min: peak RSS {rss:.0f} MB, {wall:.0f} s")
            if args.baseline:
                rss, wall = peak_rss_mb([sys.executable, "-c", BASELINE, str(tape)], env)
                print(f"  whole file in memory (before): peak RSS {rss:.0f} MB, {wall:.0f} s")
        ratio = results["long"][1] / results["short"][1]
        print(f"ratio long/short peak RSS: {ratio:.2f}")
        print(
            json.dumps(
                {k: {"minutes": v[0], "peak_rss_mb": round(v[1])} for k, v in results.items()}
            )
        )


if __name__ == "__main__":
    main()
