"""Training data and (to come) the LoRA recipes and evaluation. May use ``hsb_whisper.export``.

Data: :func:`read_manifest`/:func:`write_manifest` (JSON Lines, seed JSON accepted), imports from
Common Voice and from a folder of recordings, and the checks that keep bad clips out of training.
"""

from hsb_whisper.finetune.dataset import check_manifest, import_common_voice, import_folder
from hsb_whisper.finetune.manifest import Clip, read_manifest, write_manifest

__all__ = [
    "Clip",
    "check_manifest",
    "import_common_voice",
    "import_folder",
    "read_manifest",
    "write_manifest",
]
