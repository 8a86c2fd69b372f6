"""How long a recipe would train here: the hardware, the steps, and a measured warm-up.

The number of optimiser steps of each stage is what :func:`~hsb_whisper.finetune.train.train`
will take (the same function counts them). The time per step is measured, not guessed: the
recipe's base with the stage's LoRA adapters runs a few optimiser steps on random log-mel
features of the real shape (batch × mel bins × 3000 frames) with short random labels, on the
device and in the precision training would use. The estimate counts training steps only: the
dev evaluations, the feature cache and merging come on top (minutes, not hours, for Common
Voice sized dev sets).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hsb_whisper.errors import OptionError
from hsb_whisper.finetune.config import Recipe, Stage, check_manifests
from hsb_whisper.parallel import available_cores

log = logging.getLogger(__name__)

GB = 1024**3
# A label of the warm-up batch: a Common Voice sentence (7.5 s on average) is about 30 tokens.
LABEL_TOKENS = 40
# Beyond this much training on a CPU the estimate suggests a machine with a GPU.
CPU_WARNING_HOURS = 8
MAX_WARM_UP_STEPS = 100

# (message, steps done, steps in all): the caller shows it (a terminal bar, the app's wizard)
Progress = Callable[[str, int, int], None]


@dataclasses.dataclass(frozen=True)
class Hardware:
    """What this computer offers for training."""

    device: str  # the fastest torch device here: "cuda", "mps" or "cpu" (training uses CUDA only)
    name: str  # the GPU's name, else the CPU's
    gpu_memory_gb: float | None  # the NVIDIA GPU's memory; None without one
    cpu_cores: int  # the cores this process may use
    ram_gb: float | None  # None where it cannot be read

    def describe(self) -> str:
        ram = f", {self.ram_gb:.0f} GB RAM" if self.ram_gb is not None else ""
        if self.device == "cuda":
            return f"GPU {self.name} ({self.gpu_memory_gb:.0f} GB), {self.cpu_cores} CPU cores{ram}"
        gpu = ", an Apple GPU (not used for training)" if self.device == "mps" else ", no GPU"
        return f"CPU {self.name}, {self.cpu_cores} cores{ram}{gpu}"


@dataclasses.dataclass(frozen=True)
class StageEstimate:
    name: str
    steps: int  # optimiser steps, as train() counts them
    seconds_per_step: float  # measured: the median of the timed warm-up steps
    device: str  # where the stage would train: "cuda" or "cpu"
    gpu_memory_gb: float | None  # peak GPU memory of the warm-up; None on the CPU

    @property
    def seconds(self) -> float:
        return self.steps * self.seconds_per_step


@dataclasses.dataclass(frozen=True)
class Estimate:
    stages: tuple[StageEstimate, ...]
    hardware: Hardware
    warning: str | None  # a plain sentence when this is the wrong computer for the recipe

    @property
    def total_seconds(self) -> float:
        """Training steps only: dev evaluations, feature extraction and merging not counted."""
        return sum(stage.seconds for stage in self.stages)

    def to_dict(self) -> dict:
        """Everything, plus the derived totals and texts (``--estimate --json``, the app)."""
        data = dataclasses.asdict(self)
        for stage, record in zip(self.stages, data["stages"]):
            record["seconds"] = stage.seconds
        data["hardware"]["description"] = self.hardware.describe()
        data["total_seconds"] = self.total_seconds
        data["total"] = format_duration(self.total_seconds)
        return data


def format_duration(seconds: float) -> str:
    """``"H:MM"``, rounded to the minute: 5400 → ``"1:30"``, 100 hours → ``"100:00"``."""
    if not seconds >= 0 or seconds == float("inf"):
        raise ValueError(f"a duration is a finite number of seconds ≥ 0, not {seconds!r}")
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def hardware() -> Hardware:
    """This computer's GPU (if torch is installed and sees one), CPU cores and memory."""
    cores = available_cores()
    ram = _ram_gb()
    try:
        import torch
    except ImportError:  # a transcription-only install: no GPU can be used for training
        return Hardware("cpu", _cpu_name(), None, cores, ram)
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        return Hardware("cuda", props.name, props.total_memory / GB, cores, ram)
    mps = getattr(torch.backends, "mps", None)
    device = "mps" if mps is not None and mps.is_available() else "cpu"
    return Hardware(device, _cpu_name(), None, cores, ram)


def estimate(
    recipe: Recipe, steps: int = 3, progress: Progress | None = None, cache: Path | None = None
) -> Estimate:
    """How long ``recipe`` would train on this computer: each stage's steps × the seconds per
    step measured over ``steps`` warm-up steps (after one untimed step).

    The base is prepared as training prepares it (a model-store or CTranslate2 base is converted
    into ``cache``, a temporary folder unless given; a Hub id may be downloaded). Stages with
    the same speed-relevant settings are measured once. A run on several GPUs (torchrun) takes
    the same number of steps, each about as long as on one GPU.
    """
    from hsb_whisper.data import read_manifest
    from hsb_whisper.export import hf_base_folder
    from hsb_whisper.finetune.train import optimizer_steps

    if not 1 <= steps <= MAX_WARM_UP_STEPS:
        raise OptionError(f"warm-up steps: {steps} is not allowed; use 1 to {MAX_WARM_UP_STEPS}")
    check_manifests(recipe.stages)
    # train() counts the clips that pass the data checks; it refuses to start if any fails them
    counts = {
        s.name: optimizer_steps(s.training, len(read_manifest(s.train))) for s in recipe.stages
    }
    kinds = {_speed_key(s): s for s in recipe.stages}  # one stage of each kind is measured
    total = len(kinds) * (steps + 1)
    tell = progress or (lambda message, done, total: None)
    tell(f"preparing base model {recipe.base}", 0, total)
    measured: dict[tuple, tuple[float, str, float | None]] = {}
    with tempfile.TemporaryDirectory(prefix="hsb-whisper-estimate-") as tmp:
        base = hf_base_folder(recipe.base, cache or Path(tmp))
        for key, stage in kinds.items():
            done = len(measured) * (steps + 1)

            def tick(i: int, done: int = done, name: str = stage.name) -> None:
                tell(f"warm-up ({name}): step {i} of {steps + 1}", done + i, total)

            measured[key] = _measure(base, stage, steps, tick)
    stages = tuple(
        StageEstimate(s.name, counts[s.name], *measured[_speed_key(s)]) for s in recipe.stages
    )
    here = hardware()
    return Estimate(stages, here, _warning(stages, here))


def _speed_key(stage: Stage) -> tuple:
    """What the time of a step depends on (the data and the learning rate do not matter)."""
    t = stage.training
    return (
        stage.lora,
        t.batch_size,
        t.gradient_accumulation,
        t.precision,
        t.device,
        t.gradient_checkpointing,
        t.freeze_encoder,
    )


def _measure(
    base: Path, stage: Stage, steps: int, tick: Callable[[int], None]
) -> tuple[float, str, float | None]:
    """(seconds per optimiser step, device, peak GPU GB) of ``stage``'s settings: ``steps``
    timed steps after an untimed one, as train_stage takes them (one batch per step, times
    the gradient accumulation: the optimiser's own work is small beside a batch's)."""
    import torch
    from transformers import WhisperFeatureExtractor

    from hsb_whisper.finetune.train import (
        lora_model,
        make_accelerator,
        make_optimizer,
        out_of_memory,
    )

    cfg = stage.training
    accelerator = make_accelerator(cfg)
    device = accelerator.device
    extractor = WhisperFeatureExtractor.from_pretrained(base, local_files_only=True)
    model = lora_model(base, stage)
    vocabulary = model.config.vocab_size
    model, optimizer = accelerator.prepare(model, make_optimizer(model, cfg))
    model.train()
    generator = torch.Generator().manual_seed(cfg.seed)
    shape = (cfg.batch_size, extractor.feature_size, extractor.nb_max_frames)
    batch = {
        "input_features": torch.randn(shape, generator=generator).to(device),
        "labels": torch.randint(vocabulary, (cfg.batch_size, LABEL_TOKENS), generator=generator).to(
            device
        ),
    }
    cuda = device.type == "cuda"
    if cuda:
        torch.cuda.reset_peak_memory_stats(device)
    times = []
    try:
        for i in range(steps + 1):
            start = time.perf_counter()
            loss = model(**batch).loss
            accelerator.backward(loss)
            accelerator.clip_grad_norm_(model.parameters(), cfg.max_grad_norm)
            optimizer.step()
            optimizer.zero_grad()
            if cuda:
                torch.cuda.synchronize(device)
            if i:  # the first step allocates and warms caches
                times.append(time.perf_counter() - start)
            tick(i + 1)
    except torch.cuda.OutOfMemoryError as e:
        raise out_of_memory(cfg) from e
    peak = torch.cuda.max_memory_allocated(device) / GB if cuda else None
    seconds = statistics.median(times) * cfg.gradient_accumulation
    log.info("warm-up of %s: %.3f s per step on %s", stage.name, seconds, device.type)
    del model, optimizer, batch
    accelerator.free_memory()
    return seconds, device.type, peak


def _warning(stages: tuple[StageEstimate, ...], here: Hardware) -> str | None:
    total = sum(s.seconds for s in stages)
    if total < CPU_WARNING_HOURS * 3600 or all(s.device != "cpu" for s in stages):
        return None
    hours = f"about {round(total / 3600)} hours"
    if here.device == "cuda":  # the recipe says device = "cpu"
        return (
            f"On this computer's CPU this would take {hours}. Its GPU ({here.name}) would be "
            'much faster: set training.device = "auto".'
        )
    return (
        f"On this computer's CPU this would take {hours}. Train on a machine with an NVIDIA GPU "
        "instead: copy the data and RUN/recipe.toml there and run "
        "'hsb-whisper finetune recipe.toml'."
    )


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:  # Linux
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def _ram_gb() -> float | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GB
    except (AttributeError, ValueError, OSError):  # not POSIX, or not told
        return None
