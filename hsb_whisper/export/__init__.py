"""Model artifacts: the model store, the embedded default model and model metadata.

Depends on nothing else of ours but the shared modules (``hsb_whisper.errors``, ``.files``).
"""

from hsb_whisper.export.metadata import ModelInfo
from hsb_whisper.export.store import LocalModel, ModelStore

__all__ = ["LocalModel", "ModelInfo", "ModelStore"]
