"""Clips per second of ``data check`` on a 2,000-clip fixture, one process vs. one per core.

    python -m benchmarks.data_check_speed [--clips 2000]

The fixture: 20 espeak-ng sentences (Czech and Polish voices) encoded as 48 kHz MP3 at 100 gain
levels each, so that every file differs (as Common Voice clips do, ~1–3 s here vs. ~5 s there).
Both runs are in this process, on the same files, the single-process baseline first and again
last (the machine is noisy). Also reported: header-only probing (``--fast``).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from hsb_whisper.data.checks import check_clips
from hsb_whisper.data.manifest import Clip
from hsb_whisper.parallel import available_cores

from testsupport.cv_fixture import HSB_SENTENCES
from testsupport.speech import encode, read_wav, speak, write_wav

ROOT = Path(__file__).resolve().parents[1]


def make_clips(folder: Path, n: int) -> list[Clip]:
    sources = []
    for i, sentence in enumerate(HSB_SENTENCES[:10] * 2):
        voice = ("cs", "pl")[i // 10]
        sources.append((sentence, read_wav(speak(sentence, voice, folder / f"s{i}.wav"))))
    clips = []
    for k in range(n):
        sentence, (samples, rate) = sources[k % len(sources)]
        gain = 0.3 + 0.7 * (k // len(sources)) / max(1, n // len(sources))
        wav = write_wav(folder / "tmp.wav", (samples * gain).astype(np.int16), rate)
        path = encode(wav, folder / f"clip{k:05d}.mp3", "libmp3lame", 48000)
        clips.append(Clip(path, sentence))
    return clips


def timed(clips: list[Clip], **kwargs) -> tuple[float, int]:
    start = time.perf_counter()
    result = check_clips({"train": clips}, count_tokens=len, **kwargs)
    return time.perf_counter() - start, len(result.kept["train"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        clips = make_clips(Path(tmp), args.clips)
        print(f"made {len(clips)} clips in {time.perf_counter() - t:.0f} s")
        cores = available_cores()
        one_a, kept = timed(clips, workers=1)
        many, kept_many = timed(clips, workers=cores)
        one_b, _ = timed(clips, workers=1)
        fast, _ = timed(clips, decode=False, workers=cores)
        assert kept == kept_many == len(clips), (kept, kept_many)
    one = (one_a + one_b) / 2
    n = len(clips)
    result = {
        "clips": n,
        "cores": cores,
        "decode_1_process_clips_per_s": n / one,
        f"decode_{cores}_processes_clips_per_s": n / many,
        "speedup": one / many,
        "header_only_clips_per_s": n / fast,
    }
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "data_check_speed.json").write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"full check (decode), 1 process:   {n / one:7.0f} clips/s ({one_a:.1f} s, {one_b:.1f} s)"
    )
    print(f"full check (decode), {cores} processes: {n / many:7.0f} clips/s ({many:.1f} s)")
    print(f"speed-up: {one / many:.2f}×")
    print(f"header only (--fast), {cores} processes: {n / fast:7.0f} clips/s")


if __name__ == "__main__":
    main()
