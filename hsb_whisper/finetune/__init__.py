"""Fine-tuning: recipes (typed TOML), training features, the LoRA training loop, the run folder
it writes, this computer's hardware and how long a recipe would train here, and publishing a
finished run as a model.

May use ``hsb_whisper.evaluation`` (dev WER), ``hsb_whisper.data`` and ``hsb_whisper.export``.
torch, transformers and peft are imported only inside the functions that train.
"""

from hsb_whisper.finetune.config import Recipe, load_recipe, shipped_recipes
from hsb_whisper.finetune.estimate import Estimate, estimate, format_duration
from hsb_whisper.finetune.hardware import Hardware, hardware
from hsb_whisper.finetune.improve import (
    MIN_TRAIN_MINUTES,
    Improvement,
    NotEnoughCorrections,
    improve,
    next_version,
)
from hsb_whisper.finetune.improve import (
    RESULT_FILE as IMPROVEMENT_FILE,
)
from hsb_whisper.finetune.libraries import (
    TRAINING_LIBRARIES,
    missing_training_libraries,
    require_training_libraries,
)
from hsb_whisper.finetune.publish import export_run
from hsb_whisper.finetune.run import ADAPTERS, Run, RunResult, resolve_model
from hsb_whisper.finetune.setup import TrainingError
from hsb_whisper.finetune.train import EXIT_PAUSED, Event, TrainingPaused, train

__all__ = [
    "ADAPTERS",
    "EXIT_PAUSED",
    "IMPROVEMENT_FILE",
    "MIN_TRAIN_MINUTES",
    "TRAINING_LIBRARIES",
    "Estimate",
    "Event",
    "Hardware",
    "Improvement",
    "NotEnoughCorrections",
    "Recipe",
    "Run",
    "RunResult",
    "TrainingError",
    "TrainingPaused",
    "estimate",
    "export_run",
    "format_duration",
    "hardware",
    "improve",
    "load_recipe",
    "missing_training_libraries",
    "next_version",
    "require_training_libraries",
    "resolve_model",
    "shipped_recipes",
    "train",
]
