"""The desktop app on this machine: live latency, start-up time and memory.

    python benchmarks/app_latency.py [--sentences 8]

Live latency: a WAV of synthetic English sentences separated by 1.2 s pauses is replayed in real
time through a fake microphone into the app's Record page (real recorder, real VAD segmenter,
real default model). For each utterance the latency is the wall time from the moment the stream
delivered the utterance's last sample to the moment its text was on screen. Also: process start
to window ready, resident memory when idle, and peak memory while transcribing a 30 s file.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

SENTENCES = [
    "Please call Stella.",
    "Ask her to bring these things with her from the store.",
    "Six spoons of fresh snow peas.",
    "Five thick slabs of blue cheese.",
    "And maybe a snack for her brother Bob.",
    "We also need a small plastic snake.",
    "And a big toy frog for the kids.",
    "She can scoop these things into three red bags.",
]

STARTUP = """
import time, sys, resource
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication
from hsb_whisper.desktop.ui.main_window import MainWindow
from hsb_whisper.desktop.ui.settings import AppSettings
app = QApplication([])
w = MainWindow(AppSettings())
w.show()
app.processEvents()
ready = time.perf_counter() - t0
print(ready, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
w.close()
"""


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        line = next(line for line in f if line.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=8)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["HSB_WHISPER_HOME"] = os.environ.get("HSB_WHISPER_HOME") or tempfile.mkdtemp()

    import numpy as np
    import scipy.signal
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from hsb_whisper.desktop.ui.main_window import MainWindow
    from hsb_whisper.desktop.ui.settings import AppSettings
    from hsb_whisper.export import ModelStore

    from fake_stream import FakeSoundDevice
    from speech import read_wav, speak_sentences, write_wav

    ModelStore().ensure_default()
    env = {**os.environ}
    startups = [
        subprocess.run(
            [sys.executable, "-c", STARTUP], capture_output=True, text=True, env=env, check=True
        ).stdout.split()
        for _ in range(3)
    ]
    start_s = statistics.median(float(s[0]) for s in startups)
    start_rss = statistics.median(float(s[1]) for s in startups)

    tmp = Path(tempfile.mkdtemp())
    samples, _ = read_wav(speak_sentences(SENTENCES[: args.sentences], "en", tmp / "s.wav", 1.2))
    sixteen = scipy.signal.resample_poly(samples[:, 0].astype(np.float32), 160, 221)
    mic = write_wav(tmp / "mic.wav", np.clip(sixteen, -32768, 32767), 16000)

    delivered_at: list[tuple[int, float]] = []  # (samples delivered so far, wall time)
    sd = FakeSoundDevice(mic, realtime=True, block_s=0.05)
    sd.after_block = lambda i: delivered_at.append((sd.delivered_samples, time.perf_counter()))
    app = QApplication.instance() or QApplication([])  # noqa: F841 (kept alive)
    window = MainWindow(AppSettings(language="en", beam_size=1), sd=sd)
    window.show()
    shown: list[tuple[float, float]] = []  # (utterance end in the recording, wall time on screen)
    window.record.live_text_shown.connect(lambda s, e, t: shown.append((e, time.perf_counter())))
    window.record.start()
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: sd.exhausted.is_set() and loop.quit())
    timer.start(50)
    loop.exec()
    settle = QEventLoop()
    QTimer.singleShot(3000, settle.quit)  # the last utterance's text
    settle.exec()
    window.record.stop()
    latencies = []
    for end_s, on_screen in shown:
        end_sample = end_s * 16000
        delivered = next(t for n, t in delivered_at if n >= end_sample)
        latencies.append(on_screen - delivered)

    idle = rss_mb()
    window.close()
    long = write_wav(
        tmp / "long.wav", np.tile(np.clip(sixteen, -32768, 32767), 2)[: 30 * 16000], 16000
    )
    window = MainWindow(AppSettings(language="en"), sd=FakeSoundDevice(devices=[]))
    done = QEventLoop()
    window.file_worker.finished.connect(lambda *a: done.quit())
    window.files.add_paths([long])
    done.exec()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    window.close()

    sys.stdout.flush()
    latencies.sort()
    p50 = statistics.median(latencies)
    p90 = latencies[min(len(latencies) - 1, int(0.9 * len(latencies)))]
    print(
        f"live latency over {len(latencies)} utterances: p50 {p50:.2f} s, p90 {p90:.2f} s "
        f"(all: {', '.join(f'{x:.2f}' for x in latencies)})"
    )
    print(f"start to ready: {start_s:.2f} s (median of 3 processes), RSS then {start_rss:.0f} MB")
    print(
        f"RSS after recording with the model loaded: {idle:.0f} MB; "
        f"peak while transcribing 30 s: {peak:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
