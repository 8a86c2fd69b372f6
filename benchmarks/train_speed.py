"""Training throughput of one LoRA step (r 32, alpha 64, q/v, batch 8) on Whisper-sized models,
in each training mode: fp32 or bf16 autocast, one clip per 30 s window or clips packed.

    python benchmarks/train_speed.py                      # CPU: base and small, 4 modes, 3 steps
    python benchmarks/train_speed.py --sizes base --steps 2 --modes fp32,bf16,pack+fp32,pack+bf16
    python benchmarks/train_speed.py --device cuda --precision bf16 --steps 20 --peak-tflops 989

Models have random weights (speed does not depend on them) and the real layer sizes of Whisper
base (d 512, 6+6 layers) and small (d 768, 12+12). Each size and mode runs in its own process so
its peak memory is its own. A mode is a precision (``fp32``, ``bf16``, ``fp16``: autocast),
``pack+`` before it packs the clips of a batch into shared 30 s windows as training does
(``training.pack``). The first mode is the baseline: every other is reported as a ratio of its
clips/s to the baseline's. Without ``--modes``, a CPU measures fp32 (today's mode), bf16, and
both packed; ``--precision`` alone measures that one mode unpacked (the GPU command above).

The clips are a synthetic data set of realistic lengths (default: mean 3.3 s, log-normal, 0.8 to 15
s; transcripts of 4 prompt tokens plus ~4 tokens a second); the batches are those training makes of
it in the first epoch (length-grouped unpacked, duration-balanced and packed with the training
code's ``pack_windows`` packed), and the timed steps take the first batches after the ``--warmup``
ones (2: a process's first steps are slower while memory is allocated). Reported: clips/s, windows
per step, peak RSS (CPU) or peak allocated GPU memory, the model FLOPs per 30 s window (counted
analytically, see ``flops_per_sample``), the achieved FLOP/s and, on a GPU, the fraction of the
given bf16 peak. From the small model's baseline rate it projects the wall time of the original
two-stage recipe: 9.43 h of Czech (mean clip 4.5 s) and 4 h of Upper Sorbian (mean 7.5 s), 3 epochs
each, every clip padded to Whisper's 30 s window.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

SIZES = {
    "base": {"d_model": 512, "layers": 6, "heads": 8, "ffn": 2048},
    "small": {"d_model": 768, "layers": 12, "heads": 12, "ffn": 3072},
}
ENCODER_POSITIONS = 1500  # 30 s of audio after the conv stem's stride 2
DECODER_TOKENS = 32  # a typical transcript with its 4 prompt tokens (for the FLOP count)
N_FRAMES = 3000  # mel frames of a 30 s window
MAX_TOKENS = 448  # Whisper's decoder positions
DATA_CLIPS = 949  # clips of the synthetic data set (the training set)
TOKENS_PER_S = 4.0  # transcript tokens per second of speech (Common Voice: ~30 for 7.5 s)
SEED_SAMPLES = 3 * (round(9.43 * 3600 / 4.5) + round(4 * 3600 / 7.5))  # 3 epochs of both sets


def flops_per_sample(d: int, layers: int, ffn: int) -> float:
    """Training FLOPs of one 30 s sample with LoRA: forward (2 per multiply-add) plus the
    backward pass for activations only (another 2×; frozen weights get no gradients; the LoRA
    matrices are negligible). Attention scores and values count 2·2·n²·d per layer."""

    def stack(n: int, cross: int = 0) -> float:
        linear = 2 * n * (4 * d * d + 2 * d * ffn)
        attention = 4 * n * n * d
        cross_attention = 2 * n * 2 * d * d + 4 * n * cross * d if cross else 0
        return layers * (linear + attention + cross_attention)

    conv = 2 * (3000 * 80 * d * 3 + ENCODER_POSITIONS * d * d * 3)
    forward = conv + stack(ENCODER_POSITIONS) + stack(DECODER_TOKENS, ENCODER_POSITIONS)
    forward += 2 * DECODER_TOKENS * d * 51865  # output projection
    return 2 * forward  # forward + activation backward


def synthetic_clips(mean_s: float, seed: int = 0) -> tuple[list[int], list[int]]:
    """(mel frames, label tokens) of a data set of :data:`DATA_CLIPS` clips: durations
    log-normal (sigma 0.45) with mean ``mean_s``, cut to 0.8–15 s; labels of 4 prompt tokens
    and about :data:`TOKENS_PER_S` text tokens a second."""
    import math
    import random

    rng = random.Random(seed)
    sigma = 0.45
    mu = math.log(mean_s) - sigma**2 / 2
    frames, tokens = [], []
    for _ in range(DATA_CLIPS):
        seconds = min(15.0, max(0.8, rng.lognormvariate(mu, sigma)))
        frames.append(round(seconds * 100))
        tokens.append(4 + max(1, round(seconds * TOKENS_PER_S * rng.uniform(0.7, 1.3))))
    return frames, tokens


def plan_batches(mode: str, batch: int, mean_s: float) -> list[tuple[int, list[int]]]:
    """(clips, label lengths of the windows) of each batch training would make in the first
    epoch: unpacked one window per clip, labels padded to the longest; packed as
    ``training.pack`` packs them."""
    from hsb_whisper.finetune.features import LengthGroupedBatches, pack_windows

    frames, tokens = synthetic_clips(mean_s)
    packed = mode.startswith("pack+")
    sampler = LengthGroupedBatches(tokens, batch, seed=0, frames=frames if packed else None)
    plans = []
    for clips in sampler.batches(0):
        if not packed:
            plans.append((len(clips), [tokens[i] for i in clips]))
            continue
        windows = pack_windows(
            [frames[i] for i in clips], [tokens[i] for i in clips], N_FRAMES, MAX_TOKENS
        )
        lengths = [4 + sum(tokens[clips[i]] - 4 for i in w) for w in windows]
        plans.append((len(clips), lengths))
    return plans


def measure(size: str, mode: str, args) -> dict:
    import resource

    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import WhisperConfig, WhisperForConditionalGeneration

    s = SIZES[size]
    config = WhisperConfig(
        d_model=s["d_model"],
        encoder_layers=s["layers"],
        decoder_layers=s["layers"],
        encoder_attention_heads=s["heads"],
        decoder_attention_heads=s["heads"],
        encoder_ffn_dim=s["ffn"],
        decoder_ffn_dim=s["ffn"],
        vocab_size=51865,
        num_mel_bins=80,
    )
    torch.manual_seed(0)
    device = torch.device(args.device)
    model = WhisperForConditionalGeneration(config)
    model.config.use_cache = False
    model = get_peft_model(
        model, LoraConfig(r=32, lora_alpha=64, target_modules=["q_proj", "v_proj"])
    )
    model.to(device).train()
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    precision = mode.removeprefix("pack+")
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": None}[precision]
    plans = plan_batches(mode, args.batch, args.mean_clip_s)[: args.warmup + args.steps]

    def inputs(lengths: list[int]) -> dict:
        labels = torch.full((len(lengths), max(lengths)), -100)
        for row, n in enumerate(lengths):
            labels[row, :n] = torch.randint(0, 50000, (n,))
        features = torch.randn(len(lengths), 80, N_FRAMES)
        return {"input_features": features.to(device), "labels": labels.to(device)}

    def step(batch: dict) -> None:
        with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
            loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

    for _, lengths in plans[: args.warmup]:  # the first steps allocate (and run slower)
        step(inputs(lengths))
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    seconds = clips = windows = 0
    for n_clips, lengths in plans[args.warmup :]:
        batch = inputs(lengths)  # made outside the timing (training loads it while stepping)
        start = time.perf_counter()
        step(batch)
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds += time.perf_counter() - start
        clips += n_clips
        windows += len(lengths)
    steps = len(plans) - args.warmup
    flops = flops_per_sample(s["d_model"], s["layers"], s["ffn"])
    result = {
        "size": size,
        "mode": mode,
        "device": args.device,
        "precision": precision,
        "packed": mode.startswith("pack+"),
        "batch": args.batch,
        "mean_clip_s": args.mean_clip_s,
        "threads": torch.get_num_threads(),
        "seconds_per_step": seconds / steps,
        "windows_per_step": windows / steps,
        "samples_per_s": clips / seconds,  # clips
        "flops_per_sample": flops,
        "achieved_tflops": flops * windows / seconds / 1e12,
    }
    if device.type == "cuda":
        result["peak_gpu_memory_gb"] = torch.cuda.max_memory_allocated() / 1e9
        result["gpu"] = torch.cuda.get_device_name()
        if args.peak_tflops:
            result["fraction_of_peak"] = result["achieved_tflops"] / args.peak_tflops
    result["peak_rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--precision", choices=("fp32", "bf16", "fp16"), help="one mode only")
    parser.add_argument("--modes", help="comma-separated, e.g. fp32,bf16,pack+fp32,pack+bf16")
    parser.add_argument("--batch", type=int, default=8, help="clips per step")
    parser.add_argument("--steps", type=int, default=3, help="timed steps")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps before them")
    parser.add_argument("--sizes", default="base,small")
    parser.add_argument("--mean-clip-s", type=float, default=3.3, help="mean clip duration")
    parser.add_argument("--peak-tflops", type=float, default=0.0, help="the GPU's dense peak")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child process: "size:mode"
    args = parser.parse_args()
    if args.one:
        size, mode = args.one.split(":")
        print(json.dumps(measure(size, mode, args)))
        return
    if args.modes:
        modes = args.modes.split(",")
    elif args.precision:
        modes = [args.precision]
    else:
        modes = ["fp32", "bf16", "pack+fp32", "pack+bf16"]
    for mode in modes:
        if mode.removeprefix("pack+") not in ("fp32", "bf16", "fp16"):
            parser.error(f"mode {mode!r}: use fp32, bf16 or fp16, optionally after pack+")
    results = []
    for size in args.sizes.split(","):
        baseline = None
        for mode in modes:
            cmd = [
                sys.executable,
                __file__,
                "--one",
                f"{size}:{mode}",
                "--device",
                args.device,
                "--batch",
                str(args.batch),
                "--steps",
                str(args.steps),
                "--warmup",
                str(args.warmup),
                "--mean-clip-s",
                str(args.mean_clip_s),
                "--peak-tflops",
                str(args.peak_tflops),
            ]
            out = subprocess.run(cmd, capture_output=True, text=True, env=os.environ)
            if out.returncode:
                sys.exit(f"{size} {mode} failed:\n{out.stderr}")
            r = json.loads(out.stdout.strip().splitlines()[-1])
            baseline = baseline or r
            r["ratio_to_baseline"] = r["samples_per_s"] / baseline["samples_per_s"]
            results.append(r)
            memory = (
                f"peak GPU memory {r['peak_gpu_memory_gb']:.1f} GB"
                if "peak_gpu_memory_gb" in r
                else f"peak RSS {r['peak_rss_gb']:.1f} GB"
            )
            peak = (
                f", {100 * r['fraction_of_peak']:.0f}% of peak" if "fraction_of_peak" in r else ""
            )
            print(
                f"{size:<6} {r['device']} {mode:<9} batch {r['batch']}: "
                f"{r['seconds_per_step']:.2f} s/step, {r['windows_per_step']:.2f} windows/step, "
                f"{r['samples_per_s']:.2f} clips/s (×{r['ratio_to_baseline']:.2f}), {memory}, "
                f"{r['achieved_tflops']:.2f} TFLOP/s{peak}",
                flush=True,
            )
    small = next((r for r in results if r["size"] == "small"), None)
    if small:
        seconds = SEED_SAMPLES / small["samples_per_s"]
        print(
            f"projected two-stage recipe on whisper-small ({SEED_SAMPLES} samples), "
            f"{small['mode']}: {seconds / 3600:.1f} h at this rate"
        )
    out_dir = Path(__file__).parent / "out"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"train_speed_{args.device}.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
