"""One training function for every recipe: LoRA adapters on Whisper, stage after stage.

``train(recipe, run_dir)`` prepares the base (a Hugging Face folder, converted from CTranslate2 if
needed), then for each stage trains a LoRA adapter on the stage's manifests, keeps the adapter
with the best dev WER and, when the stage says ``merge``, merges it into the base of the next
stage (PEFT ``merge_and_unload``, saved in the run). The classic recipe is one stage; the
two-stage recipe is Czech (merged) then Upper Sorbian.

Why an accelerate loop rather than ``Seq2SeqTrainer``: the loop is short enough to read whole,
reports progress as typed events (the terminal and the app subscribe; nobody parses text),
checkpoints only the adapter and optimiser (megabytes, not the frozen base) under a temporary
name renamed when complete, resumes mid-epoch on the same data order, and evaluates by WER with
the forced language token. accelerate still gives devices, mixed precision, gradient accumulation
and DDP: the same command runs under ``accelerate launch`` or ``torchrun``.

The run folder's layout is in :mod:`hsb_whisper.finetune.run`.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import logging
import math
import os
import pickle
import random
import shutil
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from hsb_whisper.data import Clip, check_clips, read_manifest
from hsb_whisper.errors import HsbWhisperError, ModelError
from hsb_whisper.evaluation import DecodingOptions, HFDecoder, corpus_scores, score_clips
from hsb_whisper.export import hf_base_folder, merge_adapter
from hsb_whisper.files import atomic_write_text, staging_dir
from hsb_whisper.finetune.config import LoraSettings, Recipe, Stage, TrainingConfig
from hsb_whisper.finetune.estimate import cpu_has_fast_bf16
from hsb_whisper.finetune.features import (
    FeatureCache,
    LengthGroupedBatches,
    SpeechDataset,
    collate,
    collate_packed,
    frame_counts,
    label_ids,
    load_padded,
)
from hsb_whisper.finetune.run import Run, RunFolderError, RunResult, StageResult, read_metrics
from hsb_whisper.paths import HOME_ENV

log = logging.getLogger(__name__)


STATE_FILE = "trainer_state.json"  # in a checkpoint; written last, so its presence = complete
_ETA_SMOOTHING = 0.9  # weight of the past in the running step time


class TrainingError(HsbWhisperError):
    """Training cannot start or go on; the message says what to change."""


class TrainingPaused(HsbWhisperError):
    """Training stopped after a checkpoint because a pause was asked for (``Run.pause_file``);
    training the same run folder again resumes it there."""


# The exit code of `hsb-whisper finetune` when it stopped as asked (TrainingPaused); the app's
# training job reads it from the child process.
EXIT_PAUSED = 3


@dataclasses.dataclass(frozen=True)
class Event:
    """Progress of a training run, for whoever shows it (terminal bar, GUI, metrics file)."""

    # "stage" | "prepare" | "step" | "eval" | "checkpoint" | "paused" | "merge" | "done"
    kind: str
    stage: str
    step: int = 0
    total_steps: int = 0
    epoch: float = 0.0
    loss: float | None = None
    learning_rate: float | None = None
    samples_per_s: float | None = None
    eta_s: float | None = None
    dev_wer: float | None = None
    message: str = ""


Listener = Callable[[Event], None]


# ---- the run -------------------------------------------------------------------------------


def train(recipe: Recipe, run_dir: Path, on_event: Listener | None = None) -> RunResult:
    """Run (or resume) every stage of ``recipe`` in ``run_dir``; returns what ``result.json`` says.

    A run folder that already holds a recipe is resumed: finished stages are skipped and an
    unfinished one continues from its last checkpoint. It must be the same recipe.

    While it runs, a file at ``Run(run_dir).pause_file`` (``hsb-whisper finetune --pause``, the
    app's pause button) stops it right after the next checkpoint: a "paused" event, then
    :class:`TrainingPaused`. A pause asked for before this call is forgotten.
    """
    from accelerate import PartialState

    from hsb_whisper.finetune.config import check_manifests

    processes = PartialState()  # under accelerate launch / torchrun: this process's place
    launched = int(os.environ.get("WORLD_SIZE", "1"))
    if launched > processes.num_processes:  # e.g. torchrun on a machine without GPUs
        raise TrainingError(
            f"started as {launched} processes, but they do not form one distributed run "
            f"({processes.distributed_type.value}); several processes need several GPUs — "
            "run the command once, without torchrun/accelerate launch"
        )
    run = Run(Path(run_dir))
    # before anything is made: a recipe whose data is missing leaves no run folder behind
    check_manifests(s for s in recipe.stages if not run.done_file(s.name).is_file())
    emit = _Emitter(run.metrics_file, on_event)
    emit.main = processes.is_main_process
    run.path.mkdir(parents=True, exist_ok=True)
    if processes.is_main_process:
        run.pause_file.unlink(missing_ok=True)  # an old request must not stop this start at once
    with processes.main_process_first():  # shared files are made once, by the main process
        if run.recipe_file.is_file():
            if json.loads(run.recipe_file.read_text(encoding="utf-8")) != recipe.to_dict():
                raise TrainingError(
                    f"{run.path} holds a run of another recipe; resume it with its own recipe "
                    f"({run.recipe_file}) or choose a new run folder"
                )
        else:
            atomic_write_text(run.recipe_file, recipe.to_json())
            atomic_write_text(run.recipe_toml, recipe.to_toml())
        emit(Event("prepare", "", message=f"preparing base model {recipe.base}"))
        base = hf_base_folder(recipe.base, run.base_cache)
    require_safetensors(base)
    outcome = None
    for stage in recipe.stages:
        done = run.done_file(stage.name)
        if not done.is_file():
            outcome = train_stage(stage, base, run, emit)
            if processes.is_main_process:
                outcome.save(done)
        else:
            outcome = StageResult.load(done)
            emit(Event("stage", stage.name, message=f"stage {stage.name} already done"))
        if stage.merge:
            merged = run.merged_dir(stage.name)
            with processes.main_process_first():
                if not merged.is_dir():
                    emit(Event("merge", stage.name, message=f"merging {stage.name} into the base"))
                    adapter = run.adapter_dir(stage.name)
                    if not (adapter / "adapter_model.safetensors").is_file():
                        raise RunFolderError(
                            f"{adapter}: no adapter_model.safetensors; only safetensors "
                            "adapters are merged (a pickled adapter could run code)"
                        )
                    merge_adapter(base, adapter, merged)
            base = merged
    last = recipe.stages[-1].name
    result = RunResult(
        recipe=recipe.name,
        base=base,
        best_adapter=run.adapter_dir(last, "best"),
        last_adapter=run.adapter_dir(last, "last"),
        language=recipe.language,
        best_dev_wer=outcome.best_dev_wer,
        last_dev_wer=outcome.last_dev_wer,
    )
    if processes.is_main_process:
        run.save_result(result)
    emit(Event("done", last, dev_wer=outcome.best_dev_wer, message="done"))
    return result


class _Emitter:
    """Writes events to metrics.jsonl (main process only) and passes them on."""

    def __init__(self, path: Path, listener: Listener | None) -> None:
        self.path = path
        self.listener = listener
        self.main = True

    def __call__(self, event: Event) -> None:
        if not self.main:
            return
        if event.kind in ("step", "eval", "checkpoint"):
            record = {k: v for k, v in dataclasses.asdict(event).items() if v not in (None, "")}
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
        if self.listener:
            self.listener(event)


# ---- one stage -----------------------------------------------------------------------------


def optimizer_steps(config: TrainingConfig, clips: int) -> int:
    """The optimiser steps a stage takes on ``clips`` training clips: ``max_steps`` if set, else
    its epochs of (batches per epoch ÷ accumulation) steps, at least one step an epoch."""
    batches_per_epoch = math.ceil(clips / config.batch_size)
    steps_per_epoch = max(1, batches_per_epoch // config.gradient_accumulation)
    return config.max_steps or math.ceil(steps_per_epoch * config.epochs)


def make_accelerator(config: TrainingConfig):
    """The device (CUDA unless ``device = "cpu"`` or none is there) and mixed precision a stage
    trains with, as an ``accelerate.Accelerator``."""
    import torch
    from accelerate import Accelerator

    cuda = config.device != "cpu" and torch.cuda.is_available()
    if config.device == "cuda" and not cuda:
        raise TrainingError("training.device = 'cuda' but no CUDA GPU is available")
    return Accelerator(
        cpu=not cuda,
        mixed_precision=_precision(config, cuda),
        gradient_accumulation_steps=config.gradient_accumulation,
    )


def lora_model(base: Path, stage: Stage):
    """The Hugging Face Whisper in ``base`` (float32) with the stage's fresh LoRA adapters."""
    import torch
    from peft import get_peft_model
    from transformers import WhisperForConditionalGeneration

    require_safetensors(base)  # a merged stage of a run folder from someone else, too
    model = WhisperForConditionalGeneration.from_pretrained(
        base, dtype=torch.float32, local_files_only=True, use_safetensors=True
    )
    model.config.use_cache = False
    if stage.training.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    return get_peft_model(model, _lora_config(stage.lora, stage.training.freeze_encoder))


# Weights in a Hugging Face folder that are pickles: loading one can run code (before torch 2.6
# even with weights_only=True, CVE-2025-32434), so a base must have safetensors.
_PICKLED_WEIGHTS = ("pytorch_model*.bin", "*.pt", "*.pth", "*.ckpt")


def require_safetensors(folder: Path) -> None:
    """Refuse a Hugging Face model folder whose weights are not safetensors (``model.safetensors``
    or its shards), with the one command that converts them; from a folder with both, only the
    safetensors are ever read."""
    if any(folder.glob("model*.safetensors")):
        return
    pickles = sorted(p.name for pattern in _PICKLED_WEIGHTS for p in folder.glob(pattern))
    found = (
        f"its weights are a PyTorch pickle ({pickles[0]})" if pickles else "no model*.safetensors"
    )
    raise ModelError(
        f"{folder}: {found}; only safetensors weights are read, since a pickle can run code when "
        'loaded. If you trust the file, convert it once: python -c "from transformers import '
        f"WhisperForConditionalGeneration as W; W.from_pretrained('{folder}')"
        f".save_pretrained('{folder}', safe_serialization=True)\""
    )


def make_optimizer(model, config: TrainingConfig):
    """AdamW over the adapters' parameters (the only trainable ones)."""
    import torch

    return torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad],
        lr=config.learning_rate,
        weight_decay=config.weight_decay,
    )


def out_of_memory(config: TrainingConfig) -> TrainingError:
    """What to change when a batch does not fit in the GPU's memory."""
    return TrainingError(
        f"the GPU ran out of memory at batch size {config.batch_size}; try "
        f"--set training.batch_size={max(1, config.batch_size // 2)} with "
        f"training.gradient_accumulation={config.gradient_accumulation * 2}, or "
        "training.gradient_checkpointing=true"
    )


_PRECISION_NAMES = {"no": "fp32", "bf16": "bf16 autocast", "fp16": "fp16 autocast"}


def packs(config: TrainingConfig, device_type: str) -> bool:
    """Whether a stage with ``config`` packs clips into shared windows on ``device_type``
    ("cpu" or "cuda"): ``pack = true``, or ``"auto"`` on a CPU."""
    return config.pack is True or (config.pack == "auto" and device_type == "cpu")


def _precision(config: TrainingConfig, cuda: bool) -> str:
    """accelerate's mixed precision: "auto" is bf16 on GPUs that have it (else fp16) and, on a
    CPU, bf16 autocast where the CPU has bf16 instructions (fp32 elsewhere: emulated bf16 is
    slower than fp32). Parameters, gradients and the optimiser stay fp32 either way."""
    import torch

    if config.precision != "auto":
        return {"fp32": "no", "bf16": "bf16", "fp16": "fp16"}[config.precision]
    if not cuda:
        return "bf16" if cpu_has_fast_bf16() else "no"
    return "bf16" if torch.cuda.is_bf16_supported() else "fp16"


def _checked_clips(stage: Stage) -> tuple[list[Clip], list[Clip]]:
    for manifest in (stage.train, stage.dev):
        if not manifest.is_file():
            raise TrainingError(f"stage {stage.name}: manifest {manifest} does not exist")
    splits = {"train": read_manifest(stage.train), "dev": read_manifest(stage.dev)}
    for name, clips in splits.items():
        if not clips:
            raise TrainingError(f"stage {stage.name}: {getattr(stage, name)} holds no clips")
    result = check_clips(splits)
    if result.rejects:
        first = result.rejects[0]
        manifest = getattr(stage, first.split)
        n = sum(r.split == first.split for r in result.rejects)
        raise TrainingError(
            f"{manifest}: {n} clip(s) failed the data checks (first: "
            f"{first.clip.audio.name}: {first.reason}, {first.detail}); clean it with "
            f"'hsb-whisper data check {manifest} --clean CLEAN.jsonl' and train on the clean one"
        )
    return result.kept["train"], result.kept["dev"]


def _lora_config(settings: LoraSettings, freeze_encoder: bool):
    from peft import LoraConfig

    targets: list[str] | str = list(settings.target_modules)
    if freeze_encoder:  # adapters in the decoder only
        targets = rf".*decoder\.layers\.\d+\..*\.({'|'.join(settings.target_modules)})$"
    # No task_type: "SEQ_2_SEQ_LM" breaks Whisper's forward with transformers 5 / peft 0.21.
    return LoraConfig(
        r=settings.r,
        lora_alpha=settings.alpha,
        lora_dropout=settings.dropout,
        target_modules=targets,
        bias="none",
    )


def train_stage(stage: Stage, base: Path, run: Run, emit: _Emitter) -> StageResult:
    """Train one LoRA adapter; keeps the one with the best dev WER and the last one in the run."""
    import torch
    from accelerate.utils import set_seed
    from torch.utils.data import DataLoader
    from transformers import WhisperProcessor, get_scheduler

    cfg = stage.training
    accelerator = make_accelerator(cfg)
    emit.main = accelerator.is_main_process
    set_seed(cfg.seed)
    emit(Event("stage", stage.name, message=f"stage {stage.name}: checking data"))
    train_clips, dev_clips = _checked_clips(stage)
    if cfg.eval_max_clips:
        dev_clips = dev_clips[: cfg.eval_max_clips]

    processor = WhisperProcessor.from_pretrained(base, local_files_only=True)
    extractor = processor.feature_extractor
    cache = FeatureCache(extractor.to_dict())
    emit(
        Event(
            "prepare", stage.name, message=f"features for {len(train_clips) + len(dev_clips)} clips"
        )
    )
    with accelerator.main_process_first():  # computed once; the others find them cached
        try:
            train_features = cache.paths(train_clips)
            dev_features = cache.paths(dev_clips)
        except OSError as e:  # a read-only or full cache folder
            raise TrainingError(
                f"the feature cache {cache.root} cannot be written "
                f"({e.strerror or e}{f': {e.filename}' if e.filename else ''}); make it "
                f"writable, or set {HOME_ENV} to a folder where it can be made"
            ) from e
    labels = [label_ids(processor.tokenizer, c.text, stage.language) for c in train_clips]
    n_frames = extractor.nb_max_frames

    model = lora_model(base, stage)
    trainable, total = model.get_nb_trainable_parameters()
    log.info("stage %s: %d trainable of %d parameters", stage.name, trainable, total)

    # Packed, a batch is still batch_size clips (so steps, epochs and the learning rate mean
    # what they mean unpacked: the loss is the mean over the same clips' tokens); the clips
    # share as few 30 s windows as they fit in.
    packed = packs(cfg, accelerator.device.type)
    max_tokens = model.config.max_target_positions  # 448
    sampler = LengthGroupedBatches(
        [len(ids) for ids in labels],
        cfg.batch_size,
        cfg.seed,
        frames=frame_counts(train_features) if packed else None,
    )
    loader = DataLoader(
        SpeechDataset(train_features, labels),
        batch_sampler=sampler,
        collate_fn=(
            (lambda items: collate_packed(items, n_frames, max_tokens))
            if packed
            else (lambda items: collate(items, n_frames))
        ),
        # Each new iterator draws a seed from its generator: with the global one, a resumed
        # run (which restores the global RNG, then makes a new iterator) would draw other
        # dropout masks than an uninterrupted run. The order comes from our sampler.
        generator=torch.Generator(),
    )
    batches_per_epoch = math.ceil(len(labels) / cfg.batch_size)
    total_steps = optimizer_steps(cfg, len(labels))
    optimizer = make_optimizer(model, cfg)
    scheduler = get_scheduler(
        cfg.scheduler if cfg.scheduler != "constant" else "constant_with_warmup",
        optimizer,
        num_warmup_steps=round(cfg.warmup_ratio * total_steps),
        num_training_steps=total_steps,
    )
    model, optimizer, loader, scheduler = accelerator.prepare(model, optimizer, loader, scheduler)

    checkpoints = run.checkpoints(stage.name)
    state = {"step": 0, "epoch": 0, "batch_in_epoch": 0, "best_wer": None, "last_wer": None}
    latest = _latest_checkpoint(checkpoints)
    if latest is not None:
        state = _load_checkpoint(latest, accelerator.unwrap_model(model), optimizer, scheduler)
        if accelerator.is_main_process:
            _trim_metrics(emit.path, stage.name, state["step"])
        emit(
            Event(
                "stage",
                stage.name,
                step=state["step"],
                total_steps=total_steps,
                message=f"resuming {stage.name} from {latest.name}",
            )
        )
    else:
        emit(
            Event(
                "stage",
                stage.name,
                total_steps=total_steps,
                message=f"stage {stage.name}: {len(train_clips)} clips, {total_steps} steps"
                + (", packed into shared 30 s windows" if packed else "")
                + f", {_PRECISION_NAMES.get(accelerator.mixed_precision, 'fp32')}",
            )
        )

    decoder = HFDecoder(
        accelerator.unwrap_model(model),
        processor,
        device=accelerator.device,
        batch_size=cfg.batch_size,
    )
    decoding = DecodingOptions(language=stage.language, max_new_tokens=cfg.eval_max_new_tokens)

    def evaluate() -> float:
        wer = _dev_wer(decoder, dev_clips, dev_features, decoding)
        model.train()
        state["last_wer"] = wer
        emit(
            Event(
                "eval",
                stage.name,
                step=state["step"],
                total_steps=total_steps,
                epoch=state["epoch"],
                dev_wer=wer,
            )
        )
        if state["best_wer"] is None or wer < state["best_wer"]:
            state["best_wer"] = wer
            if accelerator.is_main_process:
                _save_adapter(accelerator.unwrap_model(model), run.adapter_dir(stage.name))
        return wer

    model.train()
    step_time = None
    last = time.perf_counter()
    samples_per_step = cfg.batch_size * cfg.gradient_accumulation * accelerator.num_processes
    evaluated_at = -1
    while state["step"] < total_steps:
        sampler.epoch, sampler.skip = state["epoch"], state["batch_in_epoch"]
        for batch in loader:
            try:
                with accelerator.accumulate(model):
                    loss = model(**batch).loss
                    accelerator.backward(loss)
                    if accelerator.sync_gradients:
                        accelerator.clip_grad_norm_(model.parameters(), cfg.max_grad_norm)
                    optimizer.step()
                    scheduler.step()
                    optimizer.zero_grad()
            except torch.cuda.OutOfMemoryError as e:
                raise out_of_memory(cfg) from e
            state["batch_in_epoch"] += 1
            if not accelerator.sync_gradients:
                continue
            state["step"] += 1
            now = time.perf_counter()
            elapsed, last = now - last, now
            step_time = (
                elapsed
                if step_time is None
                else (_ETA_SMOOTHING * step_time + (1 - _ETA_SMOOTHING) * elapsed)
            )
            emit(
                Event(
                    "step",
                    stage.name,
                    step=state["step"],
                    total_steps=total_steps,
                    epoch=state["epoch"] + state["batch_in_epoch"] / batches_per_epoch,
                    loss=float(loss.detach()),
                    learning_rate=scheduler.get_last_lr()[0],
                    samples_per_s=samples_per_step / elapsed,
                    eta_s=step_time * (total_steps - state["step"]),
                )
            )
            if cfg.eval_every and state["step"] % cfg.eval_every == 0:
                evaluate()
                evaluated_at = state["step"]
            if state["step"] % cfg.checkpoint_every == 0 or state["step"] == total_steps:
                _save_checkpoint(checkpoints, state, accelerator, model, optimizer, scheduler, cfg)
                emit(Event("checkpoint", stage.name, step=state["step"], total_steps=total_steps))
                if state["step"] < total_steps and _pause_asked(run, accelerator):
                    emit(Event("paused", stage.name, step=state["step"], total_steps=total_steps))
                    raise TrainingPaused(
                        f"paused after step {state['step']} of {total_steps} ({stage.name}); "
                        f"continue with: hsb-whisper finetune --resume {run.path}"
                    )
            if state["step"] >= total_steps:
                break
        else:  # the epoch ran out
            state["epoch"] += 1
            state["batch_in_epoch"] = 0
            if not cfg.eval_every and state["step"] < total_steps:
                evaluate()
                evaluated_at = state["step"]
    if evaluated_at != state["step"] or state["best_wer"] is None:
        evaluate()
        _save_checkpoint(checkpoints, state, accelerator, model, optimizer, scheduler, cfg)
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        _save_adapter(accelerator.unwrap_model(model), run.adapter_dir(stage.name, "last"))
        _plots(emit.path, stage.name, run.plots)
    return StageResult(best_dev_wer=state["best_wer"], last_dev_wer=state["last_wer"])


def _pause_asked(run: Run, accelerator) -> bool:
    """Whether a pause was asked for; every process of a distributed run gets the same answer
    (the main process looks, accelerate's trigger tells the others)."""
    if accelerator.is_main_process and run.pause_file.is_file():
        accelerator.set_trigger()
    return accelerator.check_trigger()


# ---- evaluation during training ------------------------------------------------------------


def _dev_wer(decoder: HFDecoder, clips: list[Clip], feature_paths: list[Path], options) -> float:
    """Corpus WER of the model being trained on the dev clips (their cached features)."""
    hypotheses: list[str] = []
    for start in range(0, len(clips), decoder.batch_size):
        paths = feature_paths[start : start + decoder.batch_size]
        features = np.stack([load_padded(p, decoder.n_frames) for p in paths])
        hypotheses += decoder.decode_features(features, options)
    return corpus_scores(score_clips(clips, hypotheses))["wer"]


# ---- checkpoints ---------------------------------------------------------------------------


def _save_adapter(model, target: Path) -> None:
    """Replace ``target`` with the model's current adapter, never leaving it half-written."""
    shutil.rmtree(target.with_name(target.name + ".new"), ignore_errors=True)  # a crash's leftover
    with staging_dir(target.with_name(target.name + ".new")) as tmp:
        model.save_pretrained(tmp)
    old = target.with_name(target.name + ".old")
    if target.exists():
        target.rename(old)
    target.with_name(target.name + ".new").rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _latest_checkpoint(folder: Path) -> Path | None:
    complete = [p for p in folder.glob("step-*") if (p / STATE_FILE).is_file()]
    return max(complete, key=lambda p: int(p.name.split("-")[1]), default=None)


def _save_checkpoint(folder, state, accelerator, model, optimizer, scheduler, cfg) -> None:
    accelerator.wait_for_everyone()
    if not accelerator.is_main_process:
        return
    target = folder / f"step-{state['step']:06d}"
    if target.exists():
        return
    with staging_dir(target) as tmp:
        accelerator.unwrap_model(model).save_pretrained(tmp / "adapter")
        _save_optimizer(optimizer.state_dict(), tmp / OPTIMIZER_FILE)
        atomic_write_text(tmp / SCHEDULER_FILE, json.dumps(scheduler.state_dict()) + "\n")
        atomic_write_text(tmp / RNG_FILE, json.dumps(_rng_states()) + "\n")
        (tmp / STATE_FILE).write_text(json.dumps(state) + "\n", encoding="utf-8")  # last: complete
    for old in sorted(folder.glob("step-*"), key=lambda p: p.name)[: -cfg.keep_checkpoints]:
        shutil.rmtree(old, ignore_errors=True)


def _load_checkpoint(folder: Path, model, optimizer, scheduler) -> dict:
    """Restore a checkpoint into the model, optimiser, scheduler and random generators; returns
    its trainer state. Nothing in it is unpickled except, for checkpoints written before the
    pickle-free files, torch's restricted ``weights_only`` loader on torch 2.6 or newer (older
    versions' can be made to run code). A file that is refused is a :class:`RunFolderError`."""
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    adapter = folder / "adapter" / "adapter_model.safetensors"
    with _refusing(adapter):
        set_peft_model_state_dict(model, load_file(adapter))
    with _refusing(folder / STATE_FILE):
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
        if not (isinstance(state, dict) and state.keys() >= _STATE_KEYS):
            raise ValueError(f"a JSON object with {', '.join(sorted(_STATE_KEYS))}")
        for key in ("step", "epoch", "batch_in_epoch"):
            if not isinstance(state[key], int) or isinstance(state[key], bool) or state[key] < 0:
                raise ValueError(f"{key} is not a count")
    if (folder / OPTIMIZER_FILE).exists():
        with _refusing(folder / OPTIMIZER_FILE):
            optimizer.load_state_dict(_load_optimizer(folder / OPTIMIZER_FILE, optimizer))
    else:
        with _refusing(folder / "optimizer.pt"):
            optimizer.load_state_dict(_legacy_load(folder / "optimizer.pt"))
    if (folder / SCHEDULER_FILE).exists():
        with _refusing(folder / SCHEDULER_FILE):
            scheduler.load_state_dict(
                _checked_like(
                    json.loads((folder / SCHEDULER_FILE).read_text(encoding="utf-8")),
                    scheduler.state_dict(),
                )
            )
    else:
        with _refusing(folder / "scheduler.pt"):
            scheduler.load_state_dict(_legacy_load(folder / "scheduler.pt"))
    if (folder / RNG_FILE).exists():
        with _refusing(folder / RNG_FILE):
            _restore_rng_states(json.loads((folder / RNG_FILE).read_bytes()))
    elif not _torch_load_is_safe():
        log.warning(
            "%s: random states of an older hsb-whisper, which torch %s cannot read safely; "
            "resuming without them, so the resumed run is not bit-exact with an "
            "uninterrupted one (torch 2.6 or newer reads them)",
            folder / "rng.pt",
            _torch_version(),
        )
    else:
        with _refusing(folder / "rng.pt"):
            _apply_rng_states(_legacy_rng_states(folder / "rng.pt"))
    return state


# Pickle-free checkpoint files (written since the run folder had to be safe to share);
# optimizer.pt, scheduler.pt and rng.pt are their older, pickled forms.
OPTIMIZER_FILE = "optimizer.safetensors"  # tensors; the rest of the state dict as metadata
SCHEDULER_FILE = "scheduler.json"
RNG_FILE = "rng.json"
_STATE_KEYS = {"step", "epoch", "batch_in_epoch", "best_wer", "last_wer"}
_OPTIMIZER_FORMAT = "hsb-whisper optimizer state 1"
_ADAMW_STATE = {"step", "exp_avg", "exp_avg_sq"}


@contextlib.contextmanager
def _refusing(path: Path) -> Iterator[None]:
    """Turns whatever reading or applying one checkpoint file raises into one line naming it:
    the file may come from anyone, and anything it makes a loader raise is its fault."""
    try:
        yield
    except RunFolderError:
        raise
    except Exception as e:
        if isinstance(e, FileNotFoundError) and not path.exists():
            reason = "missing"
        elif isinstance(e, OSError):
            reason = f"cannot be read ({e.strerror or e})"
        elif isinstance(e, pickle.UnpicklingError):  # torch's message suggests loading it anyway
            reason = (
                "refused: a pickle holding more than tensors and plain values (it could run code)"
            )
        else:
            reason = (
                f"refused ({type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ''})"
            )
        raise RunFolderError(
            f"{path}: {reason}; not a checkpoint file as hsb-whisper writes it — remove "
            f"{path.parent} to resume from the checkpoint before it, or train in a new run folder"
        ) from e


def _save_optimizer(state: dict, path: Path) -> None:
    """The optimiser's state dict as safetensors: its tensors as ``state.<param>.<name>``, the
    rest (param groups, non-tensor entries) as JSON in the metadata."""
    import torch
    from safetensors.torch import save_file

    tensors, scalars = {}, {}
    for param, entries in state["state"].items():
        for name, value in entries.items():
            if isinstance(value, torch.Tensor):
                tensors[f"state.{param}.{name}"] = value.detach().cpu().contiguous()
            else:
                scalars[f"{param}.{name}"] = value
    metadata = {
        "format": _OPTIMIZER_FORMAT,
        "param_groups": json.dumps(state["param_groups"]),
        "scalars": json.dumps(scalars),
    }
    save_file(tensors, str(path), metadata=metadata)


def _checked_like(data: Any, expected: dict) -> dict:
    """``data`` if it has the keys of ``expected`` (a state dict) with values of the same JSON
    kinds (lists of the same length); a scheduler would take any keys as its attributes."""
    if not isinstance(data, dict) or data.keys() != expected.keys():
        raise ValueError(f"not a JSON object with the keys {', '.join(sorted(expected))}")
    for key, want in json.loads(json.dumps(expected)).items():
        got = data[key]
        numbers = (int, float)
        same = (
            isinstance(got, numbers) and not isinstance(got, bool)
            if isinstance(want, numbers) and not isinstance(want, bool)
            else type(got) is type(want)
        )
        if not same or (isinstance(want, list) and len(got) != len(want)):
            raise ValueError(f"{key!r} is not what the scheduler keeps there")
    return data


def _load_optimizer(path: Path, optimizer) -> dict:
    """The state dict :func:`_save_optimizer` wrote, checked against ``optimizer``'s parameters
    (a tensor of another shape would fail only at the next step)."""
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:
        metadata = f.metadata() or {}
        if metadata.get("format") != _OPTIMIZER_FORMAT:
            raise ValueError(f"no {_OPTIMIZER_FORMAT!r} in the metadata")
        tensors = {key: f.get_tensor(key) for key in f.keys()}  # noqa: SIM118 (safe_open is no dict)
    groups = json.loads(metadata["param_groups"])
    scalars = json.loads(metadata["scalars"])
    if not (isinstance(groups, list) and all(isinstance(g, dict) for g in groups)):
        raise ValueError("param_groups is not a list of objects")
    if not isinstance(scalars, dict):
        raise ValueError("scalars is not an object")
    current = optimizer.state_dict()["param_groups"]
    if len(groups) != len(current):
        raise ValueError(f"{len(groups)} parameter groups, the optimiser has {len(current)}")
    for saved, now in zip(groups, current):
        _checked_like(saved, now)
        if saved["params"] != now["params"]:
            raise ValueError("the parameter groups name other parameters")
    params = [p for group in optimizer.param_groups for p in group["params"]]
    state: dict[int, dict[str, Any]] = {}
    for key, value in [*tensors.items(), *((f"state.{k}", v) for k, v in scalars.items())]:
        _, param, name = key.split(".", 2)
        index = int(param)
        if not 0 <= index < len(params):
            raise ValueError(f"{key}: no such parameter")
        if getattr(value, "ndim", 0) and value.shape != params[index].shape:
            raise ValueError(
                f"{key}: shape {tuple(value.shape)}, the parameter's is "
                f"{tuple(params[index].shape)}"
            )
        state.setdefault(index, {})[name] = value
    for index, entries in state.items():  # AdamW's (make_optimizer); amsgrad adds one
        if not _ADAMW_STATE <= entries.keys() <= _ADAMW_STATE | {"max_exp_avg_sq"}:
            raise ValueError(f"parameter {index}: not AdamW's state ({', '.join(sorted(entries))})")
    return {"state": state, "param_groups": groups}


def _torch_version() -> str:
    import torch

    return torch.__version__


def _torch_load_is_safe() -> bool:
    """Whether ``torch.load(weights_only=True)`` can be trusted with a file from someone else:
    before torch 2.6 it could be made to run code (CVE-2025-32434)."""
    major, minor = (int(part) for part in _torch_version().split(".")[:2])
    return (major, minor) >= (2, 6)


def _legacy_load(path: Path) -> Any:
    """A pickled checkpoint file of an older hsb-whisper, read with torch's restricted loader
    (tensors and plain containers only); never with ``weights_only=False``."""
    import torch

    if not _torch_load_is_safe():
        raise RunFolderError(
            f"{path}: a checkpoint of an older hsb-whisper (a pickle), which torch "
            f"{_torch_version()} cannot read safely; resume it with torch 2.6 or newer"
        )
    with warnings.catch_warnings():  # e.g. "pickle protocol 4": the refusal, if any, says it all
        warnings.simplefilter("ignore")
        return torch.load(path, weights_only=True, map_location="cpu")


def _legacy_rng_states(path: Path) -> dict[str, Any]:
    """``rng.pt`` of an older hsb-whisper: numpy's state in it is an array, the one global
    torch's restricted loader must be told about (an object array would still be refused)."""
    import torch

    core = getattr(np, "_core", None) or np.core  # numpy 2 / 1
    reconstruct = core.multiarray._reconstruct
    allowed = [
        (reconstruct, "numpy._core.multiarray._reconstruct"),
        (reconstruct, "numpy.core.multiarray._reconstruct"),
        np.ndarray,
        np.dtype,
        type(np.dtype(np.uint32)),
    ]
    with torch.serialization.safe_globals(allowed):
        states = _legacy_load(path)
    if not isinstance(states, dict):
        raise ValueError("not a dictionary of random states")
    return states


def _rng_states() -> dict[str, Any]:
    """Every random generator a resumed run must continue, as JSON: Python's, numpy's, torch's
    CPU one and, on GPUs, each device's (dropout in the adapters draws from the CUDA
    generator). Torch's states are bytes, written as base64."""
    import torch

    version, internal, gauss = random.getstate()
    key, keys, pos, has_gauss, cached = np.random.get_state()
    states: dict[str, Any] = {
        "python": [version, list(internal), gauss],
        "numpy": [key, keys.tolist(), pos, has_gauss, cached],
        "torch": _b64(torch.get_rng_state()),
    }
    if torch.cuda.is_available():
        states["cuda"] = [_b64(s) for s in torch.cuda.get_rng_state_all()]
    return states


def _b64(state) -> str:
    return base64.b64encode(state.numpy().tobytes()).decode("ascii")


def _restore_rng_states(states: Any) -> None:
    """Set every generator to what :func:`_rng_states` returned (read back from JSON);
    ``ValueError`` or another exception of the generators for anything else."""
    _apply_rng_states(_parse_rng_states(states))


def _parse_rng_states(states: Any) -> dict[str, Any]:
    """What :func:`_rng_states` returned, back as the objects the generators take."""
    import torch

    if not isinstance(states, dict) or not {"python", "torch"} <= states.keys():
        raise ValueError("not a JSON object of random states")

    def state_bytes(text: Any) -> Any:
        if not isinstance(text, str):
            raise ValueError("a generator state is not base64 text")
        raw = base64.b64decode(text, validate=True)
        return torch.frombuffer(bytearray(raw), dtype=torch.uint8) if raw else torch.empty(0)

    python = states["python"]
    if not (isinstance(python, list) and len(python) == 3 and isinstance(python[1], list)):
        raise ValueError("python: not [version, state, gauss]")
    parsed: dict[str, Any] = {
        "python": (python[0], tuple(python[1]), python[2]),
        "torch": state_bytes(states["torch"]),
    }
    if "numpy" in states:
        numpy = states["numpy"]
        if not (isinstance(numpy, list) and len(numpy) == 5 and isinstance(numpy[1], list)):
            raise ValueError("numpy: not [key, state, pos, has_gauss, cached_gaussian]")
        keys = np.array(numpy[1], dtype=np.int64)  # ValueError for anything but integers
        if keys.shape != (624,) or keys.min() < 0 or keys.max() >= 1 << 32:
            raise ValueError("numpy: not 624 32-bit words")
        parsed["numpy"] = (numpy[0], keys.astype(np.uint32), *numpy[2:])
    if "cuda" in states:
        if not isinstance(states["cuda"], list):
            raise ValueError("cuda: not a list")
        parsed["cuda"] = [state_bytes(s) for s in states["cuda"]]
    return parsed


def _apply_rng_states(states: dict[str, Any]) -> None:
    import torch

    random.setstate(states["python"])
    torch.set_rng_state(states["torch"])
    if "numpy" in states:  # checkpoints written before numpy's state was kept lack it
        np.random.set_state(states["numpy"])
    if "cuda" in states:
        if not torch.cuda.is_available():
            log.warning("the checkpoint holds GPU random states, but no GPU is here; not restored")
        elif len(states["cuda"]) != torch.cuda.device_count():
            log.warning(
                "the checkpoint holds random states of %d GPUs, this machine has %d; not restored",
                len(states["cuda"]),
                torch.cuda.device_count(),
            )
        else:
            torch.cuda.set_rng_state_all(states["cuda"])


def _trim_metrics(path: Path, stage: str, step: int) -> None:
    """Forget what a killed run logged after its last checkpoint: it will be done again."""
    if not path.is_file():
        return
    kept = [r for r in read_metrics(path) if not (r["stage"] == stage and r["step"] > step)]
    atomic_write_text(path, "".join(json.dumps(r) + "\n" for r in kept))


# ---- plots ---------------------------------------------------------------------------------


def _plots(metrics: Path, stage: str, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    records = [r for r in read_metrics(metrics) if r["stage"] == stage]
    out.mkdir(parents=True, exist_ok=True)
    for key, kind, name, label in (
        ("loss", "step", "loss", "training loss"),
        ("dev_wer", "eval", "dev-wer", "dev WER"),
    ):
        points = [(r["step"], r[key]) for r in records if r["kind"] == kind and key in r]
        if not points:
            continue
        fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
        ax.plot(*zip(*points), marker="o" if kind == "eval" else None)
        ax.set_xlabel("step")
        ax.set_ylabel(label)
        ax.set_title(f"{stage}: {label}")
        ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(out / f"{stage}-{name}.png")
        plt.close(fig)
