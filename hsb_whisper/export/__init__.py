"""Model artifacts: the model store with the embedded default model, model metadata and packs,
CTranslate2 ↔ Hugging Face conversion (Hugging Face → CTranslate2 without torch), importing
someone else's Hugging Face Whisper, adapter merging, and the speaker encoder.

Training, evaluation and the app all reach models through this package. It depends on nothing
else of ours but the shared modules (``hsb_whisper.errors``, ``.files``, …); torch and
transformers are imported only inside the functions that need them.
"""

from hsb_whisper.export.catalogue import (
    CatalogueEntry,
    expected_speed,
    get_model,
    load_catalogue,
    measure_default_speed,
)
from hsb_whisper.export.convert import COMPUTE_TYPES, QUANTIZATIONS, build_model, convert
from hsb_whisper.export.ct2 import ct2_to_hf
from hsb_whisper.export.ct2_writer import convert_hf_folder
from hsb_whisper.export.default_model import DEFAULT_LANGUAGE
from hsb_whisper.export.hf import hf_base_folder, is_hf_whisper
from hsb_whisper.export.hf_folder import require_safetensors
from hsb_whisper.export.hub import DownloadCancelled, OfflineError
from hsb_whisper.export.merge import merge_adapter
from hsb_whisper.export.metadata import ModelInfo
from hsb_whisper.export.model_import import HSB_TOKENS, ImportFacts, import_facts, import_model
from hsb_whisper.export.pack import make_pack
from hsb_whisper.export.speaker_encoder import SpeakerEncoder
from hsb_whisper.export.store import EMBEDDED_NAME, LocalModel, ModelStore

__all__ = [
    "COMPUTE_TYPES",
    "DEFAULT_LANGUAGE",
    "EMBEDDED_NAME",
    "HSB_TOKENS",
    "QUANTIZATIONS",
    "CatalogueEntry",
    "DownloadCancelled",
    "ImportFacts",
    "LocalModel",
    "ModelInfo",
    "ModelStore",
    "OfflineError",
    "SpeakerEncoder",
    "build_model",
    "convert",
    "convert_hf_folder",
    "ct2_to_hf",
    "expected_speed",
    "get_model",
    "hf_base_folder",
    "import_facts",
    "import_model",
    "is_hf_whisper",
    "load_catalogue",
    "make_pack",
    "measure_default_speed",
    "merge_adapter",
    "require_safetensors",
]
