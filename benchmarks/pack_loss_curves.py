"""Loss curves of packed and unpacked training side by side, on the test suite's fixture.

    python -m benchmarks.pack_loss_curves --steps 30 --out docs/pack-loss-curves.png

The model is the test suite's tiny random Whisper (d 64, 2 + 2 layers, the real tokenizer) and
the data the synthetic Upper Sorbian fixture (9 training clips of espeak speech, 1.3 to 2.6 s),
both built in a temporary folder as the tests build them. Both runs take the same recipe (batch
4 clips, learning rate 1e-2, constant after no warm-up, LoRA r 4 on q/v, seed 0, fp32 so that
only packing differs) for ``--steps`` optimiser steps; packed, a step's 4 clips share one 30 s
window. The loss is each step's mean over its target tokens (a packed window has one prompt for
its clips, so a little fewer easy prompt tokens count). Says nothing about accuracy on real speech.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path


def fixture(root: Path) -> tuple[Path, Path]:
    """(tiny Whisper folder, hsb data folder) built as the tests' fixtures build them."""
    from hsb_whisper.data import import_common_voice
    from hsb_whisper.export import ModelStore
    from hsb_whisper.export.ct2 import ct2_to_hf

    from testsupport.cv_fixture import build_release, pack
    from testsupport.tiny_whisper import build_tiny_whisper

    base = ct2_to_hf(ModelStore().resolve(None).path, root / "whisper-base-hf")
    tiny = build_tiny_whisper(base, root / "tiny-whisper")
    archive = pack(build_release(root / "cv", "hsb"), root / "cv-corpus-20.0-hsb.tar.gz")
    import_common_voice(archive, "hsb", root / "hsb")
    return tiny, root / "hsb"


def losses(tiny: Path, data: Path, steps: int, pack: bool, run: Path) -> list[float]:
    from hsb_whisper.finetune import train
    from hsb_whisper.finetune.config import recipe_from_dict

    recipe = {
        "name": "classic",
        "base": str(tiny),
        "language": "cs",
        "training": {
            "batch_size": 4,
            "max_steps": steps,
            "learning_rate": 1e-2,
            "warmup_ratio": 0.0,
            "scheduler": "constant",
            "precision": "fp32",
            "eval_every": steps,
            "eval_max_clips": 1,
            "eval_max_new_tokens": 4,
            "checkpoint_every": steps,
            "pack": pack,
        },
        "lora": {"r": 4, "alpha": 8},
        "stages": [
            {"name": "hsb", "train": str(data / "train.jsonl"), "dev": str(data / "dev.jsonl")}
        ],
    }
    train(recipe_from_dict(recipe), run)
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    return [r["loss"] for r in records if r["kind"] == "step"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("docs/pack-loss-curves.png"))
    args = parser.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with tempfile.TemporaryDirectory(prefix="pack-curves-") as tmp:
        root = Path(tmp)
        os.environ["HSB_WHISPER_HOME"] = str(root / "home")  # not the user's models and cache
        tiny, data = fixture(root)
        curves = {
            "one clip per window (today)": losses(tiny, data, args.steps, False, root / "plain"),
            "packed (training.pack = true)": losses(tiny, data, args.steps, True, root / "packed"),
        }
    fig, ax = plt.subplots(figsize=(7, 4), dpi=90)
    for label, values in curves.items():
        ax.plot(range(1, len(values) + 1), values, label=label)
        print(f"{label}: " + " ".join(f"{v:.3f}" for v in values))
    ax.set_xlabel("optimiser step (4 clips each; 9 clips = 3 steps an epoch)")
    ax.set_ylabel("training loss")
    ax.set_title("Tiny random Whisper on the fixture: packed vs unpacked")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
