"""Training data, the LoRA recipes, evaluation and export of trained runs.

May use ``hsb_whisper.export``. torch, transformers and peft are imported only inside the
functions that train or evaluate, so the data commands work without them.
"""

from hsb_whisper.finetune.config import Recipe, load_recipe
from hsb_whisper.finetune.dataset import check_manifest, import_common_voice, import_folder
from hsb_whisper.finetune.manifest import Clip, read_manifest, write_manifest
from hsb_whisper.finetune.train import train

__all__ = [
    "Clip",
    "Recipe",
    "check_manifest",
    "import_common_voice",
    "import_folder",
    "load_recipe",
    "read_manifest",
    "train",
    "write_manifest",
]
