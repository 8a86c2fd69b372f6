"""How long a recipe would train here: the hardware, the steps, and a measured warm-up.

The number of optimiser steps of each stage is what :func:`~hsb_whisper.finetune.train.train`
will take (the same function counts them: :func:`~hsb_whisper.finetune.setup.optimizer_steps`).
The time per step is measured, not guessed: the recipe's base with the stage's LoRA adapters runs
a few optimiser steps on random log-mel features of the real shape (batch × mel bins × 3000
frames) with short random labels, on the device and in the precision training would use (the
same :mod:`~hsb_whisper.finetune.setup` builds them). A stage that packs clips into shared windows
(``training.pack``) is timed on as many windows as training would pack its batches into: the
batches of the first epoch are planned from the manifest's durations and the transcripts' token
counts, and the warm-up steps take batches spread over that plan (the mean of their times).
The estimate counts training steps only: the dev evaluations, the feature cache and merging come
on top (minutes, not hours, for Common Voice sized dev sets).
"""

from __future__ import annotations

import dataclasses
import logging
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hsb_whisper.errors import OptionError
from hsb_whisper.finetune.config import Recipe, Stage, check_manifests
from hsb_whisper.finetune.hardware import GB, Hardware, hardware
from hsb_whisper.finetune.setup import (
    lora_model,
    make_accelerator,
    make_optimizer,
    optimizer_steps,
    out_of_memory,
    packs,
    precision_name,
)

log = logging.getLogger(__name__)

# A label of the warm-up batch: a Common Voice sentence (7.5 s on average) is about 30 tokens.
LABEL_TOKENS = 40
# A clip whose duration the manifest does not give is taken to last a Common Voice average.
MEAN_CLIP_S = 7.5
# Beyond this much training on a CPU the estimate suggests a machine with a GPU.
CPU_WARNING_HOURS = 8
MAX_WARM_UP_STEPS = 100

# (message, steps done, steps in all): the caller shows it (a terminal bar, the app's wizard)
Progress = Callable[[str, int, int], None]


@dataclasses.dataclass(frozen=True)
class StageEstimate:
    name: str
    steps: int  # optimiser steps, as train() counts them
    seconds_per_step: float  # measured: the median of the timed warm-up steps (packed: mean)
    device: str  # where the stage would train: "cuda" or "cpu"
    gpu_memory_gb: float | None  # peak GPU memory of the warm-up; None on the CPU
    packed: bool = False  # clips packed into shared windows (training.pack)
    precision: str = "fp32"  # "fp32", "bf16 autocast" or "fp16 autocast"
    windows_per_step: float | None = None  # packed: the mean of the first epoch's plan

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
        t.pack,
        # a packed stage's windows depend on its clips
        (stage.train, stage.language, t.seed) if t.pack is not False else None,
    )


def _measure(
    base: Path, stage: Stage, steps: int, tick: Callable[[int], None]
) -> tuple[float, str, float | None, bool, str, float | None]:
    """(seconds per optimiser step, device, peak GPU GB, packed, precision, windows per step)
    of ``stage``'s settings: ``steps`` timed steps after an untimed one, as train_stage takes
    them (one batch per step, times the gradient accumulation: the optimiser's own work is
    small beside a batch's)."""
    import torch
    from transformers import WhisperFeatureExtractor

    cfg = stage.training
    accelerator = make_accelerator(cfg)
    device = accelerator.device
    extractor = WhisperFeatureExtractor.from_pretrained(base, local_files_only=True)
    model = lora_model(base, stage)
    vocabulary = model.config.vocab_size
    packed = packs(cfg, device.type)
    # (windows, label tokens) of each warm-up batch, the untimed one first
    if packed:
        plan = _packed_plan(base, stage, extractor, model.config.max_target_positions)
        shapes = [max(plan)] + [plan[int((i + 0.5) / steps * len(plan))] for i in range(steps)]
    else:
        shapes = [(cfg.batch_size, LABEL_TOKENS)] * (steps + 1)
    model, optimizer = accelerator.prepare(model, make_optimizer(model, cfg))
    model.train()
    generator = torch.Generator().manual_seed(cfg.seed)

    def batch(windows: int, tokens: int) -> dict:
        shape = (windows, extractor.feature_size, extractor.nb_max_frames)
        return {
            "input_features": torch.randn(shape, generator=generator).to(device),
            "labels": torch.randint(vocabulary, (windows, tokens), generator=generator).to(device),
        }

    cuda = device.type == "cuda"
    if cuda:
        torch.cuda.reset_peak_memory_stats(device)
    times = []
    try:
        for i, shape in enumerate(shapes):
            inputs = batch(*shape)
            start = time.perf_counter()
            loss = model(**inputs).loss
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
    typical = statistics.mean(times) if packed else statistics.median(times)
    seconds = typical * cfg.gradient_accumulation
    windows = statistics.mean(w for w, _ in plan) if packed else None
    log.info("warm-up of %s: %.3f s per step on %s", stage.name, seconds, device.type)
    precision = precision_name(accelerator)
    del model, optimizer
    accelerator.free_memory()
    return seconds, device.type, peak, packed, precision, windows


def _packed_plan(base: Path, stage: Stage, extractor, max_tokens: int) -> list[tuple[int, int]]:
    """(windows, label tokens of the longest packed target) of each batch of the first epoch,
    sorted: the batches training would make of the stage's clips and pack, with each clip's
    frames taken from the manifest's duration (training reads them from its features)."""
    from transformers import WhisperProcessor

    from hsb_whisper.data import read_manifest
    from hsb_whisper.finetune.features import (
        LengthGroupedBatches,
        choose_alone,
        label_ids,
        pack_frames,
        packed_label,
        plan_windows,
    )

    cfg = stage.training
    clips = read_manifest(stage.train)
    tokenizer = WhisperProcessor.from_pretrained(base, local_files_only=True).tokenizer
    labels = [label_ids(tokenizer, clip.text, stage.language) for clip in clips]
    per_second = extractor.sampling_rate / extractor.hop_length  # 100 frames
    frames = [round((c.duration or MEAN_CLIP_S) * per_second) for c in clips]
    sampler = LengthGroupedBatches([len(x) for x in labels], cfg.batch_size, cfg.seed, frames)
    plan = []
    for batch in sampler.batches(0):
        windows = plan_windows(
            [frames[i] for i in batch],
            [len(labels[i]) for i in batch],
            min(pack_frames(cfg), extractor.nb_max_frames),
            max_tokens,
            choose_alone(len(batch), cfg.pack_alone, ",".join(map(str, batch))),
        )
        longest = max(len(packed_label([labels[batch[i]] for i in w])) for w in windows)
        plan.append((len(windows), longest))
    return sorted(plan)


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
