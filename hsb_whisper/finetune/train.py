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

import dataclasses
import json
import logging
import math
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from hsb_whisper.data import Clip, check_clips, read_manifest
from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.evaluation import DecodingOptions, HFDecoder, corpus_scores, score_clips
from hsb_whisper.export import hf_base_folder, merge_adapter, require_safetensors
from hsb_whisper.files import atomic_write_text
from hsb_whisper.finetune.checkpoint import (
    StageState,
    latest_checkpoint,
    load_checkpoint,
    save_adapter,
    save_checkpoint,
)
from hsb_whisper.finetune.config import Recipe, Stage, TrainingConfig
from hsb_whisper.finetune.features import (
    FeatureCache,
    LengthGroupedBatches,
    SpeechDataset,
    collate,
    collate_packed,
    frame_counts,
    label_ids,
    load_padded,
    pack_frames,
)
from hsb_whisper.finetune.run import Run, RunFolderError, RunResult, StageResult, read_metrics
from hsb_whisper.finetune.setup import (
    TrainingError,
    lora_model,
    make_accelerator,
    make_optimizer,
    optimizer_steps,
    out_of_memory,
    packs,
    precision_name,
)
from hsb_whisper.paths import HOME_ENV

log = logging.getLogger(__name__)


_ETA_SMOOTHING = 0.9  # weight of the past in the running step time


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


@dataclasses.dataclass(frozen=True)
class _StageData:
    """A stage's checked clips, their cached features, and the training clips' label ids."""

    processor: Any  # the base's WhisperProcessor
    train_clips: list[Clip]
    dev_clips: list[Clip]  # at most training.eval_max_clips
    train_features: list[Path]
    dev_features: list[Path]
    labels: list[list[int]]


def train_stage(stage: Stage, base: Path, run: Run, emit: _Emitter) -> StageResult:
    """Train one LoRA adapter; keeps the one with the best dev WER and the last one in the run."""
    from accelerate.utils import set_seed

    cfg = stage.training
    accelerator = make_accelerator(cfg)
    emit.main = accelerator.is_main_process
    set_seed(cfg.seed)
    data = _stage_data(stage, base, accelerator, emit)
    model = lora_model(base, stage)
    trainable, total = model.get_nb_trainable_parameters()
    log.info("stage %s: %d trainable of %d parameters", stage.name, trainable, total)
    packed = packs(cfg, accelerator.device.type)
    sampler, loader = _batches(cfg, data, packed, model.config.max_target_positions)  # 448
    total_steps = optimizer_steps(cfg, len(data.labels))
    optimizer = make_optimizer(model, cfg)
    scheduler = _scheduler(cfg, optimizer, total_steps)
    model, optimizer, loader, scheduler = accelerator.prepare(model, optimizer, loader, scheduler)
    stage_loop = _StageLoop(
        stage=stage,
        run=run,
        emit=emit,
        accelerator=accelerator,
        data=data,
        model=model,
        optimizer=optimizer,
        scheduler=scheduler,
        sampler=sampler,
        loader=loader,
        total_steps=total_steps,
    )
    stage_loop.resume_or_start(packed)
    stage_loop.train()
    return stage_loop.finish()


def _stage_data(stage: Stage, base: Path, accelerator, emit: _Emitter) -> _StageData:
    """The stage's clips, checked; their features, computed once into the shared cache (by the
    main process; the others find them there); the training transcripts' label ids."""
    from transformers import WhisperProcessor

    emit(Event("stage", stage.name, message=f"stage {stage.name}: checking data"))
    train_clips, dev_clips = _checked_clips(stage)
    if stage.training.eval_max_clips:
        dev_clips = dev_clips[: stage.training.eval_max_clips]

    processor = WhisperProcessor.from_pretrained(base, local_files_only=True)
    cache = FeatureCache(processor.feature_extractor.to_dict())
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
    return _StageData(processor, train_clips, dev_clips, train_features, dev_features, labels)


def _batches(config: TrainingConfig, data: _StageData, packed: bool, max_tokens: int):
    """The batch sampler (its ``epoch`` and ``skip`` say where an epoch starts) and the
    DataLoader of the stage's training clips.

    Packed, a batch is still batch_size clips (so steps, epochs and the learning rate mean what
    they mean unpacked: the loss is the mean over the same clips' tokens); the clips share as few
    30 s windows as they fit in.
    """
    import torch
    from torch.utils.data import DataLoader

    n_frames = data.processor.feature_extractor.nb_max_frames
    sampler = LengthGroupedBatches(
        [len(ids) for ids in data.labels],
        config.batch_size,
        config.seed,
        frames=frame_counts(data.train_features) if packed else None,
    )
    loader = DataLoader(
        SpeechDataset(data.train_features, data.labels),
        batch_sampler=sampler,
        collate_fn=(
            (
                lambda items: collate_packed(
                    items, n_frames, max_tokens, config.pack_alone, pack_frames(config)
                )
            )
            if packed
            else (lambda items: collate(items, n_frames))
        ),
        # Each new iterator draws a seed from its generator: with the global one, a resumed
        # run (which restores the global RNG, then makes a new iterator) would draw other
        # dropout masks than an uninterrupted run. The order comes from our sampler.
        generator=torch.Generator(),
    )
    return sampler, loader


def _scheduler(config: TrainingConfig, optimizer, total_steps: int):
    """The learning rate over the stage's steps: a linear warm-up, then the recipe's decay."""
    from transformers import get_scheduler

    return get_scheduler(
        config.scheduler if config.scheduler != "constant" else "constant_with_warmup",
        optimizer,
        num_warmup_steps=round(config.warmup_ratio * total_steps),
        num_training_steps=total_steps,
    )


class _StepClock:
    """The seconds each optimiser step took, and their running mean (for the time left)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.mean: float | None = None

    def tick(self) -> float:
        """The seconds since the step before (or since the clock started)."""
        now = time.perf_counter()
        elapsed, self.last = now - self.last, now
        self.mean = (
            elapsed
            if self.mean is None
            else (_ETA_SMOOTHING * self.mean + (1 - _ETA_SMOOTHING) * elapsed)
        )
        return elapsed


@dataclasses.dataclass(eq=False)
class _StageLoop:
    """The optimiser steps of one prepared stage (model, optimiser, scheduler and loader as
    ``accelerator.prepare`` returned them), with its dev evaluations, checkpoints and pauses.
    ``state`` is where it is: what a checkpoint keeps and a resumed stage starts from."""

    stage: Stage
    run: Run
    emit: _Emitter
    accelerator: Any
    data: _StageData
    model: Any
    optimizer: Any
    scheduler: Any
    sampler: LengthGroupedBatches
    loader: Any
    total_steps: int
    state: StageState = dataclasses.field(default_factory=StageState)
    evaluated_at: int = -1  # the step of the latest dev evaluation

    def __post_init__(self) -> None:
        cfg = self.stage.training
        self.decoder = HFDecoder(
            self.accelerator.unwrap_model(self.model),
            self.data.processor,
            device=self.accelerator.device,
            batch_size=cfg.batch_size,
        )
        self.decoding = DecodingOptions(
            language=self.stage.language, max_new_tokens=cfg.eval_max_new_tokens
        )

    @property
    def checkpoints(self) -> Path:
        return self.run.checkpoints(self.stage.name)

    def resume_or_start(self, packed: bool) -> None:
        """Go on from the stage's latest checkpoint if it has one (forgetting what a killed run
        logged after it); tell that the stage starts, or resumes."""
        name = self.stage.name
        latest = latest_checkpoint(self.checkpoints)
        if latest is None:
            self.emit(
                Event(
                    "stage",
                    name,
                    total_steps=self.total_steps,
                    message=f"stage {name}: {len(self.data.train_clips)} clips, "
                    f"{self.total_steps} steps"
                    + (", packed into shared 30 s windows" if packed else "")
                    + f", {precision_name(self.accelerator)}",
                )
            )
            return
        self.state = load_checkpoint(
            latest, self.accelerator.unwrap_model(self.model), self.optimizer, self.scheduler
        )
        if self.accelerator.is_main_process:
            _trim_metrics(self.emit.path, name, self.state.step)
        self.emit(
            Event(
                "stage",
                name,
                step=self.state.step,
                total_steps=self.total_steps,
                message=f"resuming {name} from {latest.name}",
            )
        )

    def train(self) -> None:
        """Epoch after epoch (the first one resumed where ``state`` says) until the stage has
        taken its steps; without ``eval_every``, a dev evaluation after each epoch but the last."""
        cfg = self.stage.training
        state = self.state
        self.model.train()
        clock = _StepClock()
        while state.step < self.total_steps:
            self.sampler.epoch, self.sampler.skip = state.epoch, state.batch_in_epoch
            for batch in self.loader:
                loss = self._learn(batch)
                state.batch_in_epoch += 1
                if not self.accelerator.sync_gradients:
                    continue
                state.step += 1
                self._after_step(loss, clock)
                if state.step >= self.total_steps:
                    break
            else:  # the epoch ran out
                state.epoch += 1
                state.batch_in_epoch = 0
                if not cfg.eval_every and state.step < self.total_steps:
                    self.evaluate()

    def _learn(self, batch):
        """The loss of one batch and its gradients; an optimiser step once the batches of a
        step (gradient accumulation) are in. Returns the loss."""
        import torch

        cfg = self.stage.training
        accelerator = self.accelerator
        try:
            with accelerator.accumulate(self.model):
                loss = self.model(**batch).loss
                accelerator.backward(loss)
                if accelerator.sync_gradients:
                    accelerator.clip_grad_norm_(self.model.parameters(), cfg.max_grad_norm)
                self.optimizer.step()
                self.scheduler.step()
                self.optimizer.zero_grad()
        except torch.cuda.OutOfMemoryError as e:
            raise out_of_memory(cfg) from e
        return loss

    def _after_step(self, loss, clock: _StepClock) -> None:
        """Tell the step; a dev evaluation every ``eval_every`` steps; a checkpoint every
        ``checkpoint_every`` steps and after the last, where a pause asked for stops training."""
        cfg = self.stage.training
        state = self.state
        elapsed = clock.tick()
        batches_per_epoch = math.ceil(len(self.data.labels) / cfg.batch_size)
        samples_per_step = (
            cfg.batch_size * cfg.gradient_accumulation * self.accelerator.num_processes
        )
        self.emit(
            Event(
                "step",
                self.stage.name,
                step=state.step,
                total_steps=self.total_steps,
                epoch=state.epoch + state.batch_in_epoch / batches_per_epoch,
                loss=float(loss.detach()),
                learning_rate=self.scheduler.get_last_lr()[0],
                samples_per_s=samples_per_step / elapsed,
                eta_s=clock.mean * (self.total_steps - state.step),
            )
        )
        if cfg.eval_every and state.step % cfg.eval_every == 0:
            self.evaluate()
        if state.step % cfg.checkpoint_every == 0 or state.step == self.total_steps:
            self._save_checkpoint()
            self.emit(
                Event("checkpoint", self.stage.name, step=state.step, total_steps=self.total_steps)
            )
            if state.step < self.total_steps and _pause_asked(self.run, self.accelerator):
                self._pause()

    def _pause(self) -> None:
        self.emit(
            Event("paused", self.stage.name, step=self.state.step, total_steps=self.total_steps)
        )
        raise TrainingPaused(
            f"paused after step {self.state.step} of {self.total_steps} ({self.stage.name}); "
            f"continue with: hsb-whisper finetune --resume {self.run.path}"
        )

    def evaluate(self) -> None:
        """The dev WER now; the adapter is kept as the best one when it is the lowest yet."""
        state = self.state
        wer = _dev_wer(self.decoder, self.data.dev_clips, self.data.dev_features, self.decoding)
        self.model.train()
        state.last_wer = wer
        self.evaluated_at = state.step
        self.emit(
            Event(
                "eval",
                self.stage.name,
                step=state.step,
                total_steps=self.total_steps,
                epoch=state.epoch,
                dev_wer=wer,
            )
        )
        if state.best_wer is None or wer < state.best_wer:
            state.best_wer = wer
            if self.accelerator.is_main_process:
                save_adapter(
                    self.accelerator.unwrap_model(self.model), self.run.adapter_dir(self.stage.name)
                )

    def _save_checkpoint(self) -> None:
        save_checkpoint(
            self.checkpoints,
            self.state,
            self.accelerator,
            self.model,
            self.optimizer,
            self.scheduler,
            self.stage.training,
        )

    def finish(self) -> StageResult:
        """A last dev evaluation and checkpoint unless the last step had them (or no evaluation
        found a best adapter yet); the last adapter and the stage's plots."""
        if self.evaluated_at != self.state.step or self.state.best_wer is None:
            self.evaluate()
            self._save_checkpoint()
        self.accelerator.wait_for_everyone()
        if self.accelerator.is_main_process:
            save_adapter(
                self.accelerator.unwrap_model(self.model),
                self.run.adapter_dir(self.stage.name, "last"),
            )
            _plots(self.emit.path, self.stage.name, self.run.plots)
        return StageResult(best_dev_wer=self.state.best_wer, last_dev_wer=self.state.last_wer)


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
