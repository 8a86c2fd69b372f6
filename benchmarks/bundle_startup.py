"""Start to window: the frozen app (PyInstaller bundle) against ``hsb-whisper app`` from the venv.

    python scripts/build_bundle.py --no-archive        # builds dist/transcriber/hsb-whisper
    python benchmarks/bundle_startup.py [--runs 5] [--cold] [--bundle dist/transcriber/hsb-whisper]

Each run starts a fresh process with ``HSB_WHISPER_QUIT_AFTER_MS=0``: the app builds and shows
its main window, and the first turn of Qt's event loop closes it again, so the time from start to
exit is the time to a ready window plus the interpreter's exit. The two programs take turns, in
one process of this script (these machines are noisy), with the same data folder and Qt's
offscreen platform. The first run of each is reported apart: it reads the program's files from
disk where the later runs find them in the page cache. ``--cold`` (root only) empties the page
cache before every start, so that every run reads everything from disk, as the first start after
boot or download does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def drop_page_cache() -> None:
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError as e:
        raise SystemExit(f"--cold: cannot empty the page cache ({e}); run as root on Linux") from e


def start_to_window(command: list[str], env: dict[str, str], cold: bool) -> float:
    if cold:
        drop_page_cache()
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="empty the page cache before each")
    parser.add_argument(
        "--bundle", type=Path, default=ROOT / "dist" / "transcriber" / "hsb-whisper"
    )
    args = parser.parse_args()
    frozen = args.bundle / "hsb-whisper"
    venv = shutil.which("hsb-whisper") or str(Path(sys.executable).parent / "hsb-whisper")
    if not frozen.is_file():
        raise SystemExit(f"{frozen}: no bundle; build it with scripts/build_bundle.py first")
    with tempfile.TemporaryDirectory() as home:
        env = {
            **os.environ,
            "HSB_WHISPER_HOME": home,
            "HSB_WHISPER_QUIT_AFTER_MS": "0",
            "QT_QPA_PLATFORM": "offscreen",
        }
        # The venv's default model is assembled on first use; do that before timing anything.
        subprocess.run([venv, "models", "list"], env=env, capture_output=True, check=True)
        programs = {"frozen": [str(frozen), "app"], "venv": [venv, "app"]}
        times: dict[str, list[float]] = {name: [] for name in programs}
        for _ in range(args.runs):
            for name, command in programs.items():
                times[name].append(start_to_window(command, env, args.cold))
    cache = (
        "page cache emptied before each start" if args.cold else "warm page cache after the first"
    )
    print(f"start to window and exit, {args.runs} runs each, taking turns, {cache} (seconds):")
    for name, values in times.items():
        later = values[1:] or values
        print(
            f"  {name:6s}  first {values[0]:.2f}  then median {statistics.median(later):.2f}"
            f"  (min {min(later):.2f}, max {max(later):.2f})"
        )
    ratio = statistics.median(times["frozen"]) / statistics.median(times["venv"])
    print(f"frozen / venv (medians of all runs): {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
