"""The training wizard end to end on this machine: time from "Import and check" to "installed",
and the app's memory while the training process runs.

    python -m benchmarks.wizard_flow [--base tiny|whisper-base] [--steps 2]

Drives the wizard offscreen as a user would on the test suite's fixture data (a miniature Common
Voice release of synthetic speech, hsb and cs): two-stage, ``--steps`` steps per stage, results,
export. ``tiny`` is a random Whisper of d_model 64 (training mechanics only); ``whisper-base``
is the embedded model. Prints the time of each page and in all, the app's resident memory
(sampled every 0.5 s while training runs: the app only; the training process is separate), and
the training process's peak. Synthetic speech: the WERs mean nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def status_mb(key: str, pid: int | str = "self") -> float:
    """A memory line of ``/proc/PID/status`` (VmRSS: now, VmHWM: peak) in MB; 0 once gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            line = next(line for line in f if line.startswith(key))
    except (OSError, StopIteration):
        return 0.0
    return int(line.split()[1]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", choices=("tiny", "whisper-base"), default="tiny")
    parser.add_argument("--steps", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="hsb-wizard-bench-") as tmp:
        os.environ["HSB_WHISPER_HOME"] = str(Path(tmp) / "home")
        run(args.base, args.steps, Path(tmp))
    return 0


def run(base_name: str, steps: int, tmp: Path) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from hsb_whisper.data import import_common_voice
    from hsb_whisper.desktop.ui.wizard import TrainingWizard
    from hsb_whisper.export import ModelStore
    from hsb_whisper.export.ct2 import ct2_to_hf

    from testsupport.cv_fixture import build_release
    from testsupport.tiny_whisper import build_tiny_whisper

    _app = QApplication.instance() or QApplication([])  # kept alive for the run
    store = ModelStore()
    if base_name == "tiny":
        base = str(build_tiny_whisper(ct2_to_hf(store.resolve().path, tmp / "hf"), tmp / "tiny"))
    else:
        base = "whisper-base"
    for locale in ("hsb", "cs"):
        build_release(tmp / f"cv-{locale}", locale)
    del import_common_voice  # the wizard imports them itself (below): timed with the rest

    def wait_until(condition, timeout_s: float = 3600, sample=None) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit("timed out")
            if sample:
                sample()
            loop = QEventLoop()
            QTimer.singleShot(500, loop.quit)
            loop.exec()

    times: dict[str, float] = {}
    wizard = TrainingWizard(store, work=tmp / "training")
    wizard.show()
    started = last = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        times[name] = now - last
        last = now

    data = wizard.data_page
    for box, locale in ((data.hsb, "hsb"), (data.cs, "cs")):
        box.kind.setCurrentIndex(box.kind.findData("cv"))
        box.path.setText(str(tmp / f"cv-{locale}"))
    data.with_czech.setChecked(True)
    data.check.click()
    wait_until(data.isComplete)
    lap("data import and checks (hsb + cs)")
    wizard.next()
    recipe = wizard.recipe_page
    if base_name == "tiny":
        recipe._other_base = base
        recipe.base.setCurrentIndex(recipe.base.findData(""))
    else:
        recipe.base.setCurrentIndex(recipe.base.findData("whisper-base"))
    recipe.advanced.setChecked(True)
    recipe.batch.setValue(4)
    recipe.max_steps.setValue(steps)
    wizard.next()
    wait_until(lambda: wizard.hardware_page.measure_button.isEnabled())
    lap("time estimate (warm-up in a child process)")
    estimate = wizard.hardware_page.estimate
    wizard.next()
    training = wizard.training_page
    app_rss: list[float] = []
    training.start_button.click()
    child = training.job.pid
    child_peak = [0.0]

    def sample() -> None:
        app_rss.append(status_mb("VmRSS"))
        child_peak[0] = max(child_peak[0], status_mb("VmHWM", child))

    wait_until(lambda: training.job.state != "running", sample=sample)
    training.poll()
    if training.job.state != "finished":
        raise SystemExit(f"training {training.job.state}: {training.job.error}")
    lap("training (child process)")
    wizard.next()
    wait_until(wizard.results_page.isComplete)
    lap("evaluation of base and new model, compare")
    wizard.next()
    wizard.export_page.export_button.click()
    wait_until(wizard.export_page.isComplete)
    lap("export (merge, int8, check) and install")
    total = time.perf_counter() - started
    print(f"base {base_name}, {steps} steps per stage (two-stage), batch 4, synthetic fixture:")
    for name, seconds in times.items():
        print(f"  {name:45s} {seconds:7.1f} s")
    print(f"  {'start to installed':45s} {total:7.1f} s")
    if estimate:
        print(f"  estimate said: {estimate['total']} (H:MM) for the training steps")
    print(
        f"app memory while training: median {sorted(app_rss)[len(app_rss) // 2]:.0f} MB, "
        f"max {max(app_rss):.0f} MB ({len(app_rss)} samples); app peak overall "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; training process "
        f"peak {child_peak[0]:.0f} MB"
    )
    wizard.close()


if __name__ == "__main__":
    sys.exit(main())
