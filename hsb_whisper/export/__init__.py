"""Model artifacts: the model store, the embedded default model, model metadata and packs,
CTranslate2 ↔ Hugging Face conversion and adapter merging.

Depends on nothing else of ours but the shared modules (``hsb_whisper.errors``, ``.files``, …).
torch and transformers are imported only inside the functions that need them.
"""

from hsb_whisper.export.convert import build_model
from hsb_whisper.export.merge import merge_adapter
from hsb_whisper.export.metadata import ModelInfo
from hsb_whisper.export.pack import make_pack
from hsb_whisper.export.store import LocalModel, ModelStore

__all__ = ["LocalModel", "ModelInfo", "ModelStore", "build_model", "make_pack", "merge_adapter"]
