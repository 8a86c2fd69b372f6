"""The desktop app on this machine: live latency, start-up time and memory.

    python -m benchmarks.app_latency [--sentences 8] [--rounds 2]

Live latency: a WAV of synthetic English sentences separated by 1.2 s pauses is replayed in real
time through a fake microphone into the app's Record page (real recorder, real VAD segmenter,
real default model, already loaded). For each utterance the latency is the wall time from the
moment the stream delivered the utterance's last sample to the moment its text was on screen.
Each round records the sentences twice, alternating: as the app does now (tentative utterances
decoded while their pause is being confirmed) and the old way (decoding starts once the pause
is confirmed); the ratio of the medians is printed. After each recording the app transcribes
it, as it does at Stop.

Memory, in the app's own process (a child, so that this script's imports do not count): RSS
when idle with the model loaded (after the recordings and their transcriptions), the peak while
transcribing a 30 s file from the Files page, and the process's lifetime peak. The baseline in
the same run: faster-whisper alone in a bare process, with the same model, loaded and
transcribing the same 30 s file (beam 5, VAD) — the floor the app's figures are set against,
with the goals of issue 14. Also: process start to window ready.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

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
GOAL_LIVE_P50_S = 1.0
GOAL_IDLE_MB = 300
GOAL_TRANSCRIBING_MB = 600

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

BARE = """
import json, sys
from benchmarks.app_latency import memory
from faster_whisper import WhisperModel
from hsb_whisper.audio import load_audio
from hsb_whisper.export import ModelStore
model = WhisperModel(str(ModelStore().resolve().path), compute_type="int8", local_files_only=True)
audio = load_audio(sys.argv[1])
list(model.transcribe(audio[:48000], language="en", beam_size=1, vad_filter=True)[0])
idle = memory()["VmRSS"]
memory(reset_peak=True)
list(model.transcribe(audio, language="en", beam_size=5, vad_filter=True)[0])
print(json.dumps({"idle": idle, "transcribing": memory()["VmHWM"]}))
"""


def memory(reset_peak: bool = False) -> dict[str, float]:
    """VmRSS and VmHWM (the peak) of this process in MB; ``reset_peak`` then sets the peak to
    the current RSS (Linux's ``clear_refs``)."""
    figures = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                figures[key] = int(value.split()[0]) / 1024
    if reset_peak:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    return figures


def run_app(mic: Path, long: Path, rounds: int) -> dict:
    """The app's part, in its own process: live rounds, then memory."""
    import time

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from hsb_whisper.desktop.ui.main_window import MainWindow
    from hsb_whisper.desktop.ui.settings import AppSettings
    from hsb_whisper.transcription.memory import use_one_heap

    from testsupport.fake_stream import FakeSoundDevice

    use_one_heap()  # as run_app() does
    app = QApplication.instance() or QApplication([])  # noqa: F841 (kept alive)
    window = MainWindow(AppSettings(language="en"), sd=FakeSoundDevice(mic))
    window.show()
    window.transcribers.get(window.current_model(), window.options())  # load before timing

    def wait_for_file() -> None:
        loop = QEventLoop()
        window.file_worker.finished.connect(loop.quit)
        window.file_worker.failed.connect(lambda job, reason: print(reason, file=sys.stderr))
        window.file_worker.failed.connect(loop.quit)
        loop.exec()

    def live_round(tentative: bool) -> list[float]:
        sd = window.record.sd = FakeSoundDevice(mic, realtime=True, block_s=0.05)
        delivered_at: list[tuple[int, float]] = []  # (samples delivered so far, wall time)
        sd.after_block = lambda i: delivered_at.append((sd.delivered_samples, time.perf_counter()))
        shown: list[tuple[float, float]] = []  # (utterance end in the recording, wall time)
        on_shown = window.record.live_text_shown
        slot = lambda s, e, t: shown.append((e, time.perf_counter()))  # noqa: E731
        on_shown.connect(slot)
        window.record.tentative = tentative
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
        wait_for_file()  # the recording, transcribed as at every Stop
        on_shown.disconnect(slot)
        latencies = []
        for end_s, on_screen in shown:
            end_sample = end_s * 16000
            delivered = next(t for n, t in delivered_at if n >= end_sample)
            latencies.append(on_screen - delivered)
        return latencies

    live = {"tentative": [], "confirmed": []}
    for _ in range(rounds):
        live["confirmed"] += live_round(tentative=False)
        live["tentative"] += live_round(tentative=True)

    settle = QEventLoop()
    QTimer.singleShot(3000, settle.quit)  # idle: the app hands freed memory back after 1 s
    settle.exec()
    before = memory(reset_peak=True)
    window.files.add_paths([long])
    wait_for_file()
    transcribing = memory()["VmHWM"]
    window.close()
    return {
        "live": live,
        "idle": before["VmRSS"],
        "transcribing": transcribing,
        "lifetime": max(before["VmHWM"], transcribing),
    }


def percentiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, int(0.9 * len(values)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2, help="recordings per way of decoding")
    parser.add_argument("--app", nargs=2, metavar=("MIC", "LONG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["HSB_WHISPER_HOME"] = os.environ.get("HSB_WHISPER_HOME") or tempfile.mkdtemp()
    if args.app:  # the child
        print(json.dumps(run_app(Path(args.app[0]), Path(args.app[1]), args.rounds)))
        return 0

    import numpy as np
    import scipy.signal

    from hsb_whisper.export import ModelStore

    from testsupport import child_env
    from testsupport.speech import read_wav, speak_sentences, write_wav

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
    sixteen = np.clip(
        scipy.signal.resample_poly(samples[:, 0].astype(np.float32), 160, 221), -32768, 32767
    )
    mic = write_wav(tmp / "mic.wav", sixteen, 16000)
    long = write_wav(tmp / "long.wav", np.tile(sixteen, 2)[: 30 * 16000], 16000)

    bare = json.loads(
        subprocess.run(
            [sys.executable, "-c", BARE, str(long)],
            capture_output=True, text=True, env=child_env(env), check=True,
        ).stdout.splitlines()[-1]
    )  # fmt: skip
    child = subprocess.run(
        [sys.executable, __file__, "--rounds", str(args.rounds), "--app", str(mic), str(long)],
        capture_output=True, text=True, env=child_env(env), check=True,
    )  # fmt: skip
    app = json.loads(child.stdout.splitlines()[-1])

    now, old = app["live"]["tentative"], app["live"]["confirmed"]
    p50, p90 = percentiles(now)
    old_p50, old_p90 = percentiles(old)
    print(
        f"live latency, {len(now)} utterances: p50 {p50:.2f} s, p90 {p90:.2f} s "
        f"(goal p50 <= {GOAL_LIVE_P50_S:.1f} s); decoding only once the pause is confirmed "
        f"(before): p50 {old_p50:.2f} s, p90 {old_p90:.2f} s; ratio p50 {p50 / old_p50:.2f}"
    )
    print(f"  now:    {', '.join(f'{x:.2f}' for x in now)}")
    print(f"  before: {', '.join(f'{x:.2f}' for x in old)}")
    print(f"start to ready: {start_s:.2f} s (median of 3 processes), RSS then {start_rss:.0f} MB")
    print(
        f"app idle with the model loaded: {app['idle']:.0f} MB RSS (goal <= {GOAL_IDLE_MB}); "
        f"faster-whisper alone: {bare['idle']:.0f} MB, ratio {app['idle'] / bare['idle']:.2f}"
    )
    print(
        f"app peak while transcribing 30 s: {app['transcribing']:.0f} MB "
        f"(goal <= {GOAL_TRANSCRIBING_MB}); faster-whisper alone: {bare['transcribing']:.0f} MB, "
        f"ratio {app['transcribing'] / bare['transcribing']:.2f}"
    )
    print(f"app lifetime peak (the model loaded, recordings transcribed): {app['lifetime']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
