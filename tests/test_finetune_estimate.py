"""A recipe written as TOML (and read back as the same recipe), and the time estimate: steps as
training takes them, a measured warm-up on the tiny Whisper, the hardware, and the CLI."""

from __future__ import annotations

import dataclasses
import importlib
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hsb_whisper.errors import OptionError
from hsb_whisper.evaluation import MAX_NEW_TOKENS
from hsb_whisper.finetune import Hardware, Run, estimate, format_duration, hardware, train
from hsb_whisper.finetune.config import (
    DEVICES,
    LORA_TARGETS,
    MAX_BATCH,
    MAX_COUNT,
    MAX_EPOCHS,
    MAX_RANK,
    MAX_SEED,
    PRECISIONS,
    SCHEDULERS,
    LoraSettings,
    Recipe,
    Stage,
    TrainingConfig,
    load_recipe,
    recipe_from_dict,
)
from hsb_whisper.parallel import available_cores

from testsupport.cli_runner import run_cli

# the package's `estimate` is the function; the module, for monkeypatching, by its name
estimate_module = importlib.import_module("hsb_whisper.finetune.estimate")

# ---- recipes as TOML -------------------------------------------------------------------------


def write_and_load(recipe: Recipe, folder: Path) -> Recipe:
    path = folder / "recipe.toml"
    path.write_text(recipe.to_toml(), encoding="utf-8")
    return load_recipe(path)


TRAINING = st.builds(
    TrainingConfig,
    batch_size=st.integers(1, MAX_BATCH),
    gradient_accumulation=st.integers(1, MAX_BATCH),
    learning_rate=st.floats(0, 1, exclude_min=True, exclude_max=True),
    epochs=st.floats(0, MAX_EPOCHS, exclude_min=True),
    max_steps=st.integers(0, MAX_COUNT),
    warmup_ratio=st.floats(0, 1, exclude_max=True),
    scheduler=st.sampled_from(SCHEDULERS),
    weight_decay=st.floats(0, 1),
    max_grad_norm=st.floats(0, 1e300, exclude_min=True),
    precision=st.sampled_from(PRECISIONS),
    device=st.sampled_from(DEVICES),
    gradient_checkpointing=st.booleans(),
    freeze_encoder=st.booleans(),
    eval_every=st.integers(0, MAX_COUNT),
    checkpoint_every=st.integers(1, MAX_COUNT),
    keep_checkpoints=st.integers(1, 1000),
    eval_max_clips=st.integers(0, MAX_COUNT),
    eval_max_new_tokens=st.integers(1, MAX_NEW_TOKENS),
    seed=st.integers(0, MAX_SEED),
)
LORA = st.builds(
    LoraSettings,
    r=st.integers(1, MAX_RANK),
    alpha=st.integers(1, 4 * MAX_RANK),
    dropout=st.floats(0, 1, exclude_max=True),
    target_modules=st.lists(st.sampled_from(LORA_TARGETS), min_size=1, max_size=7).map(tuple),
)
# Any text the loader keeps as it is: it expands a leading '~' (so a loaded recipe holds none).
PATHS = st.text(min_size=1, max_size=30).map(Path).filter(lambda p: not str(p).startswith("~"))
LANGUAGES = st.from_regex(r"[a-z]{2,3}", fullmatch=True)


@st.composite
def mixed(draw, first, strategy):
    """``first`` with some of its fields taken from another drawn value (often none)."""
    other = draw(strategy)
    names = [f.name for f in dataclasses.fields(first)]
    taken = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    return dataclasses.replace(first, **{name: getattr(other, name) for name in taken})


@st.composite
def recipes(draw) -> Recipe:
    """Any recipe the loader accepts: stages that share the first one's settings or differ
    from them in any field."""
    names = draw(
        st.lists(
            st.from_regex(r"[\w-]{0,5}[A-Za-z0-9][\w-]{0,6}", fullmatch=True),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    training, lora, language = draw(TRAINING), draw(LORA), draw(LANGUAGES)
    stages = []
    for i, name in enumerate(names):
        last = i == len(names) - 1
        stages.append(
            Stage(
                name=name,
                train=draw(PATHS),
                dev=draw(PATHS),
                language=draw(st.just(language) | LANGUAGES),
                merge=False if last else draw(st.booleans()),
                training=training if i == 0 else draw(mixed(training, TRAINING)),
                lora=lora if i == 0 else draw(mixed(lora, LORA)),
            )
        )
    return Recipe(
        name=draw(st.from_regex(r"[\w-]{0,5}[A-Za-z0-9][\w.-]{0,10}", fullmatch=True)),
        base=draw(st.text(min_size=1, max_size=30)),
        stages=tuple(stages),
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(recipes())
def test_any_recipe_written_as_toml_loads_back_as_the_same_recipe(tmp_path, recipe):
    assert write_and_load(recipe, tmp_path) == recipe


def test_toml_is_shaped_like_the_shipped_recipes(tmp_path):
    recipe = load_recipe(
        "two-stage",
        [
            "stages.hsb.training.batch_size=4",
            "stages.hsb.language=pl",
            "stages.hsb.train=~/h.jsonl",
        ],
    )
    text = recipe.to_toml()
    assert write_and_load(recipe, tmp_path) == recipe
    assert recipe.stages[1].train == Path.home() / "h.jsonl"  # written as the path it became
    assert text.startswith("# Recipe two-stage") and 'base = "whisper-small"' in text
    assert text.count("[[stages]]") == 2 and text.count("[training]") == 1
    # only the differences in the second stage: one key of [training], no [lora]
    second = text.split("[[stages]]")[2]
    assert "merge" not in second and 'language = "pl"' in second
    assert re.search(r"\[stages\.training\]\nbatch_size = 4\n*$", second), second
    for name in ("classic", "two-stage"):
        shipped = load_recipe(name, ["training.epochs=0.5", "lora.target_modules=['fc1']"])
        assert write_and_load(shipped, tmp_path) == shipped
        assert "[stages." not in shipped.to_toml()  # the stages share every setting


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
