"""The time estimate of a training run: steps as training takes them, a measured warm-up on the
tiny Whisper, durations, the hardware, and the CLI's ``finetune --estimate``."""

from __future__ import annotations

import dataclasses
import importlib
import re
from pathlib import Path

import pytest

from hsb_whisper.errors import OptionError
from hsb_whisper.finetune import Hardware, Run, estimate, format_duration, hardware, train
from hsb_whisper.finetune.config import load_recipe, recipe_from_dict
from hsb_whisper.parallel import available_cores

from testsupport.cli_runner import run_cli

# the package's `estimate` is the function; the module, for monkeypatching, by its name
estimate_module = importlib.import_module("hsb_whisper.finetune.estimate")

# ---- durations and hardware ----------------------------------------------------------------


@pytest.mark.parametrize(
    "seconds, text",
    [(0, "0:00"), (29, "0:00"), (31, "0:01"), (5400, "1:30"), (3599, "1:00"), (360_000, "100:00")],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize("seconds", [-1, float("nan"), float("inf")])
def test_format_duration_refuses_what_is_no_duration(seconds):
    with pytest.raises(ValueError):
        format_duration(seconds)


def test_hardware_describes_this_computer():
    here = hardware()
    assert here.device in ("cuda", "mps", "cpu") and here.cpu_cores == available_cores()
    assert (here.gpu_memory_gb is not None) == (here.device == "cuda")
    assert here.ram_gb is None or here.ram_gb > 0.1
    line = here.describe()
    assert "\n" not in line and here.name in line and str(here.cpu_cores) in line


# ---- the estimate --------------------------------------------------------------------------


def small_recipe(base: Path, data: dict[str, Path], **training) -> dict:
    """Two stages that differ in LoRA rank and epochs, with gradient accumulation, no
    max_steps: the steps come from clips, batch size, accumulation and epochs."""
    return {
        "name": "small",
        "base": str(base),
        "language": "cs",
        "training": {
            "batch_size": 2,
            "gradient_accumulation": 2,
            "epochs": 1,
            "eval_max_clips": 1,
            "eval_max_new_tokens": 4,
            "checkpoint_every": 100,
            **training,
        },
        "lora": {"r": 4, "alpha": 8},
        "stages": [
            {
                "name": "czech",
                "train": str(data["cs"] / "train.jsonl"),
                "dev": str(data["cs"] / "dev.jsonl"),
                "merge": True,
            },
            {
                "name": "hsb",
                "train": str(data["hsb"] / "train.jsonl"),
                "dev": str(data["hsb"] / "dev.jsonl"),
                "training": {"epochs": 1.5},
                "lora": {"r": 8},
            },
        ],
    }


def test_estimate_counts_the_steps_train_takes_and_times_them(tiny_whisper, data_dirs, tmp_path):
    pytest.importorskip("peft")
    recipe = recipe_from_dict(small_recipe(tiny_whisper, data_dirs))
    ticks = []
    result = estimate(recipe, steps=2, progress=lambda *a: ticks.append(a))
    assert [s.name for s in result.stages] == ["czech", "hsb"]
    assert all(s.seconds_per_step > 0 and s.device in ("cpu", "cuda") for s in result.stages)
    assert result.total_seconds == pytest.approx(
        sum(s.steps * s.seconds_per_step for s in result.stages)
    )
    assert result.hardware == hardware() and result.warning is None
    # two kinds of stage (LoRA r 4 and 8), each 1 untimed + 2 timed steps
    assert [done for _, done, _ in ticks] == list(range(7)) and ticks[-1][2] == 6

    events = []
    run = tmp_path / "run"
    train(recipe, run, on_event=events.append)
    taken = {
        s.name: sum(e.kind == "step" and e.stage == s.name for e in events) for s in recipe.stages
    }
    # 7 Czech clips: 4 batches, 2 steps an epoch; 9 Upper Sorbian clips: 5 batches, 2 × 1.5
    assert taken == {s.name: s.steps for s in result.stages} == {"czech": 2, "hsb": 3}
    # the run holds the recipe as TOML too, and training it again is the same recipe
    assert Run(run).recipe_toml == run / "recipe.toml"
    assert load_recipe(run / "recipe.toml") == recipe == Run(run).load_recipe()


def test_a_long_cpu_estimate_says_to_use_a_gpu(tiny_whisper, data_dirs, monkeypatch):
    recipe = recipe_from_dict(small_recipe(tiny_whisper, data_dirs, epochs=1000))
    monkeypatch.setattr(estimate_module, "_measure", lambda *a: (20.0, "cpu", None))
    cpu = Hardware("cpu", "Some CPU", None, 4, 16.0)
    monkeypatch.setattr(estimate_module, "hardware", lambda: cpu)
    result = estimate(recipe)
    # 2000 Czech steps (1000 epochs of 2) and 3 Upper Sorbian ones (its own 1.5 epochs) of 20 s
    assert result.total_seconds == 2003 * 20.0 and format_duration(result.total_seconds) == "11:08"
    assert result.warning == (
        "On this computer's CPU this would take about 11 hours. Train on a machine with an NVIDIA "
        "GPU instead: copy the data and RUN/recipe.toml there and run "
        "'hsb-whisper finetune recipe.toml'."
    )
    gpu = dataclasses.replace(cpu, device="cuda", name="NVIDIA X", gpu_memory_gb=24.0)
    monkeypatch.setattr(estimate_module, "hardware", lambda: gpu)
    assert 'training.device = "auto"' in estimate(recipe).warning  # the recipe chose the CPU
    monkeypatch.setattr(estimate_module, "_measure", lambda *a: (0.5, "cuda", 3.0))
    assert estimate(recipe).warning is None  # 0:17 on the GPU
    short = recipe_from_dict(small_recipe(tiny_whisper, data_dirs))
    monkeypatch.setattr(estimate_module, "_measure", lambda *a: (20.0, "cpu", None))
    assert estimate(short).warning is None  # 5 steps


def test_estimate_refuses_missing_data_and_no_steps(tiny_whisper, data_dirs, tmp_path):
    recipe = recipe_from_dict(small_recipe(tiny_whisper, data_dirs))
    with pytest.raises(OptionError, match="warm-up steps: 0 is not allowed"):
        estimate(recipe, steps=0)
    missing = dataclasses.replace(
        recipe, stages=(dataclasses.replace(recipe.stages[0], train=tmp_path / "no.jsonl"),)
    )
    with pytest.raises(OptionError, match=r"no\.jsonl: no such manifest"):
        estimate(missing)


def test_cli_estimate_prints_the_time_and_makes_no_run(
    tiny_whisper, data_dirs, tmp_path, monkeypatch, capsys
):
    pytest.importorskip("peft")
    recipe = recipe_from_dict(small_recipe(tiny_whisper, data_dirs))
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "my.toml").write_text(recipe.to_toml(), encoding="utf-8")
    monkeypatch.chdir(folder)
    result = run_cli(
        capsys, "finetune", "my.toml", "--set", "lora.r=2", "--estimate", "--estimate-steps", "1"
    )
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == f"hardware: {hardware().describe()}"
    assert re.fullmatch(r"stage czech: 2 steps × \d+\.\d\d s/step \((cpu|cuda)\) = 0:00", lines[1])
    assert re.fullmatch(r"stage hsb: 3 steps × .* = 0:00", lines[2])
    assert re.fullmatch(r"total: 0:00 \(hours:minutes; .*\)", lines[3]) and len(lines) == 4
    assert sorted(p.name for p in folder.iterdir()) == ["my.toml"]  # no runs/ folder

    bad = run_cli(capsys, "finetune", "--resume", folder, "--estimate")
    assert bad.code != 0 and "--estimate takes a recipe" in bad.err
