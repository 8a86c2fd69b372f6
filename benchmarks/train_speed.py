"""Training throughput of one LoRA step (r 32, alpha 64, q/v, batch 8) on Whisper-sized models.

    python benchmarks/train_speed.py                      # CPU: base and small, 3 steps each
    python benchmarks/train_speed.py --device cuda --precision bf16 --steps 20 --peak-tflops 989

Models have random weights (speed does not depend on them) and the real layer sizes of Whisper
base (d 512, 6+6 layers) and small (d 768, 12+12). Each size runs in its own process so its peak
memory is its own. Reported: samples/s after one warm-up step, peak RSS (CPU) or peak allocated
GPU memory, the model FLOPs per sample (counted analytically, see ``flops_per_sample``), the
achieved FLOP/s and, on a GPU, the fraction of the given bf16 peak. From the small model's rate it
projects the wall time of the original two-stage recipe: 9.43 h of Czech (mean clip 4.5 s) and
4 h of Upper Sorbian (mean 7.5 s), 3 epochs each, every clip padded to Whisper's 30 s window.
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
DECODER_TOKENS = 32  # a typical transcript with its 4 prompt tokens
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


def measure(size: str, args) -> dict:
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
    features = torch.randn(args.batch, 80, 3000, device=device)
    labels = torch.randint(0, 50000, (args.batch, DECODER_TOKENS - 1), device=device)
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": None}[args.precision]

    def step() -> None:
        with torch.autocast(device.type, dtype=dtype, enabled=dtype is not None):
            loss = model(input_features=features, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

    step()  # warm-up
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = (time.perf_counter() - start) / args.steps
    flops = flops_per_sample(s["d_model"], s["layers"], s["ffn"])
    result = {
        "size": size,
        "device": args.device,
        "precision": args.precision,
        "batch": args.batch,
        "threads": torch.get_num_threads(),
        "seconds_per_step": seconds,
        "samples_per_s": args.batch / seconds,
        "flops_per_sample": flops,
        "achieved_tflops": flops * args.batch / seconds / 1e12,
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
    parser.add_argument("--precision", default="fp32", choices=("fp32", "bf16", "fp16"))
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--sizes", default="base,small")
    parser.add_argument("--peak-tflops", type=float, default=0.0, help="the GPU's dense peak")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child process: measure one size
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args)))
        return
    results = []
    for size in args.sizes.split(","):
        cmd = [
            sys.executable,
            __file__,
            "--one",
            size,
            "--device",
            args.device,
            "--precision",
            args.precision,
            "--batch",
            str(args.batch),
            "--steps",
            str(args.steps),
            "--peak-tflops",
            str(args.peak_tflops),
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=os.environ)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        r = results[-1]
        memory = (
            f"peak GPU memory {r['peak_gpu_memory_gb']:.1f} GB"
            if "peak_gpu_memory_gb" in r
            else f"peak RSS {r['peak_rss_gb']:.1f} GB"
        )
        peak = f", {100 * r['fraction_of_peak']:.0f}% of peak" if "fraction_of_peak" in r else ""
        print(
            f"{size:<6} {r['device']} {r['precision']} batch {r['batch']}: "
            f"{r['seconds_per_step']:.2f} s/step, {r['samples_per_s']:.2f} samples/s, {memory}, "
            f"{r['achieved_tflops']:.2f} TFLOP/s{peak}"
        )
    small = next((r for r in results if r["size"] == "small"), None)
    if small:
        seconds = SEED_SAMPLES / small["samples_per_s"]
        print(
            f"projected two-stage recipe on whisper-small ({SEED_SAMPLES} samples): "
            f"{seconds / 3600:.1f} h at this rate"
        )
    out_dir = Path(__file__).parent / "out"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"train_speed_{args.device}.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
