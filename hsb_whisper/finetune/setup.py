"""What a stage trains with, for training and for the time estimate alike: its number of
optimiser steps, the device and mixed precision (an ``accelerate.Accelerator``), the Whisper with
the stage's fresh LoRA adapters, the optimiser, and whether clips are packed into shared windows.

:mod:`hsb_whisper.finetune.train` trains with these and :mod:`hsb_whisper.finetune.estimate` times
a few steps of them; neither imports the other. torch, accelerate, transformers and peft are
imported inside the functions that need them.
"""

from __future__ import annotations

import math
from pathlib import Path

from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.export import require_safetensors
from hsb_whisper.finetune.config import LoraSettings, Stage, TrainingConfig
from hsb_whisper.finetune.hardware import cpu_has_fast_bf16

# accelerate's mixed precision → how the estimate and the stage's first event name it
PRECISION_NAMES = {"no": "fp32", "bf16": "bf16 autocast", "fp16": "fp16 autocast"}


class TrainingError(HsbWhisperError):
    """Training cannot start or go on; the message says what to change."""


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


def precision_name(accelerator) -> str:
    """The accelerator's precision as the user reads it: "fp32", "bf16 autocast" or
    "fp16 autocast"."""
    return PRECISION_NAMES.get(accelerator.mixed_precision, "fp32")


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


def packs(config: TrainingConfig, device_type: str) -> bool:
    """Whether a stage with ``config`` packs clips into shared windows on ``device_type``
    ("cpu" or "cuda"): ``pack = true``, or ``"auto"`` on a CPU."""
    return config.pack is True or (config.pack == "auto" and device_type == "cpu")


def lora_model(base: Path, stage: Stage):
    """The Hugging Face Whisper in ``base`` (float32) with the stage's fresh LoRA adapters."""
    import torch
    from peft import get_peft_model
    from transformers import WhisperForConditionalGeneration

    # Weights in a Hugging Face folder that are pickles: loading one can run code (before torch
    # 2.6 even with weights_only=True, CVE-2025-32434), so a base must have safetensors.
    require_safetensors(base)  # a merged stage of a run folder from someone else, too
    model = WhisperForConditionalGeneration.from_pretrained(
        base, dtype=torch.float32, local_files_only=True, use_safetensors=True
    )
    model.config.use_cache = False
    if stage.training.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    return get_peft_model(model, _lora_config(stage.lora, stage.training.freeze_encoder))


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
