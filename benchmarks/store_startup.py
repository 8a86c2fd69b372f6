"""How long the model store takes to hand out the embedded default model: the first time (the
model is assembled from its two data packages and hashed) against every later start (a size
check of each file only).

    python benchmarks/store_startup.py [--rounds 5]

Both are measured in this process, in a fresh store folder, so the ratio is what to read.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from hsb_whisper.export import ModelStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    first, later = [], []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            ModelStore(Path(tmp)).resolve()
            first.append(time.perf_counter() - start)
            for _ in range(5):
                start = time.perf_counter()
                ModelStore(Path(tmp)).resolve()
                later.append(time.perf_counter() - start)
    a, b = statistics.median(first), statistics.median(later)
    print(f"first start (assemble + SHA-256): {a * 1000:.0f} ms (median of {len(first)})")
    print(f"later starts (size checks):       {b * 1000:.2f} ms (median of {len(later)})")
    print(f"ratio: {a / b:.0f}×")


if __name__ == "__main__":
    main()
