"""Model artifacts: the model store with the embedded default model, model metadata and packs,
CTranslate2 ↔ Hugging Face conversion (Hugging Face → CTranslate2 also without torch) and
adapter merging, and the speaker encoder.

Training, evaluation and the app all reach models through this package. It depends on nothing
else of ours but the shared modules (``hsb_whisper.errors``, ``.files``, …); torch and
transformers are imported only inside the functions that need them.
"""

from hsb_whisper.export.convert import COMPUTE_TYPES, QUANTIZATIONS, build_model, convert
from hsb_whisper.export.ct2 import ct2_to_hf
from hsb_whisper.export.ct2_writer import convert_hf_folder
from hsb_whisper.export.default_model import DEFAULT_LANGUAGE
from hsb_whisper.export.hf import hf_base_folder, is_hf_whisper
from hsb_whisper.export.hf_folder import require_safetensors
from hsb_whisper.export.merge import merge_adapter
from hsb_whisper.export.metadata import ModelInfo
from hsb_whisper.export.pack import make_pack
from hsb_whisper.export.speaker_encoder import SpeakerEncoder
from hsb_whisper.export.store import EMBEDDED_NAME, LocalModel, ModelStore

__all__ = [
    "COMPUTE_TYPES",
    "DEFAULT_LANGUAGE",
    "EMBEDDED_NAME",
    "QUANTIZATIONS",
    "LocalModel",
    "ModelInfo",
    "ModelStore",
    "SpeakerEncoder",
    "build_model",
    "convert",
    "convert_hf_folder",
    "ct2_to_hf",
    "hf_base_folder",
    "is_hf_whisper",
    "make_pack",
    "merge_adapter",
    "require_safetensors",
]
