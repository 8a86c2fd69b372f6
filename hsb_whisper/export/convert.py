"""Making a self-describing CTranslate2 model folder from a Hugging Face Whisper (plus, optionally,
a LoRA adapter), and proving it works before anyone gets it.

:func:`build_model` merges the adapter (PEFT ``merge_and_unload``), converts with ctranslate2's
``TransformersConverter`` (copying ``tokenizer.json`` and ``preprocessor_config.json``, without
which faster-whisper would try to download a tokenizer), writes the metadata (language token,
recipe, base, training data, evaluation, quantization, every file's SHA-256), then loads the result
with faster-whisper, network forbidden, and transcribes the given clips. For float32 those greedy
transcripts must equal the merged Hugging Face model's. Everything happens in a staging folder that
is renamed only when the checks pass: a failed export leaves no model.
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from hsb_whisper.errors import ModelError
from hsb_whisper.export.merge import merge_adapter
from hsb_whisper.export.metadata import ModelInfo, now_utc, record_files
from hsb_whisper.files import staging_dir
from hsb_whisper.melspec import model_input
from hsb_whisper.offline import forbid_hub_downloads

log = logging.getLogger(__name__)

QUANTIZATIONS = ("int8", "int8_float16", "int8_float32", "float16", "float32")
COPY_FILES = ("tokenizer.json", "preprocessor_config.json")
VERIFY_MAX_NEW_TOKENS = 96  # enough for a sentence; both engines stop at the same limit


@dataclasses.dataclass(frozen=True)
class Verification:
    transcripts: list[str]  # faster-whisper on the exported model, greedy
    reference: list[str] | None  # the merged Hugging Face model, greedy (float32 exports)

    @property
    def identical(self) -> bool | None:
        return None if self.reference is None else self.transcripts == self.reference


def convert(hf_dir: Path, out: Path, quantization: str) -> None:
    """CTranslate2 conversion of a Hugging Face Whisper folder into the existing folder ``out``."""
    from ctranslate2.converters import TransformersConverter

    if quantization not in QUANTIZATIONS:
        raise ModelError(
            f"quantization {quantization!r} is not supported; "
            f"choose one of {', '.join(QUANTIZATIONS)}"
        )
    missing = [f for f in COPY_FILES if not (hf_dir / f).is_file()]
    if missing:
        raise ModelError(f"{hf_dir}: lacks {', '.join(missing)}, which faster-whisper needs")
    converter = TransformersConverter(str(hf_dir), copy_files=list(COPY_FILES))
    converter.convert(str(out), quantization=quantization, force=True)


def faster_whisper_transcripts(
    folder: Path, audio: list[np.ndarray], language: str, compute_type: str = "default"
) -> list[str]:
    """Greedy, deterministic transcripts of 16 kHz clips by faster-whisper, offline."""
    forbid_hub_downloads()
    from faster_whisper import WhisperModel

    model = WhisperModel(
        str(folder), device="cpu", compute_type=compute_type, local_files_only=True
    )
    texts = []
    for clip in audio:
        segments, _ = model.transcribe(
            clip,
            language=language,
            beam_size=1,
            temperature=0.0,
            without_timestamps=True,
            vad_filter=False,
            condition_on_previous_text=False,
            max_new_tokens=VERIFY_MAX_NEW_TOKENS,
        )
        texts.append(" ".join(s.text.strip() for s in segments).strip())
    return texts


def hf_transcripts(hf_dir: Path, audio: list[np.ndarray], language: str) -> list[str]:
    """Greedy transcripts by the Hugging Face model, with faster-whisper's input features."""
    import torch
    from transformers import WhisperForConditionalGeneration, WhisperProcessor

    processor = WhisperProcessor.from_pretrained(hf_dir, local_files_only=True)
    model = WhisperForConditionalGeneration.from_pretrained(
        hf_dir, dtype=torch.float32, local_files_only=True
    ).eval()
    extractor = processor.feature_extractor
    texts = []
    for clip in audio:
        features = model_input(clip, extractor.to_dict(), extractor.nb_max_frames)
        with torch.no_grad():
            ids = model.generate(
                input_features=torch.from_numpy(features)[None],
                language=language,
                task="transcribe",
                num_beams=1,
                do_sample=False,
                max_new_tokens=VERIFY_MAX_NEW_TOKENS,
            )
        texts.append(processor.batch_decode(ids, skip_special_tokens=True)[0].strip())
    return texts


def build_model(
    hf_dir: Path,
    adapter: Path | None,
    dest: Path,
    *,
    quantization: str,
    base: str,
    language: str,
    source: str,
    license: str = "MIT",
    recipe: dict[str, Any] | None = None,
    evaluation: dict[str, Any] | None = None,
    verify_audio: list[np.ndarray] = (),
    keep_merged: Path | None = None,
) -> tuple[ModelInfo, Verification]:
    """Write a verified model folder at ``dest`` (which must not exist); see the module docs.

    ``keep_merged``: where to keep the merged Hugging Face model (safetensors); by default it is
    deleted after the conversion.
    """
    if dest.exists():
        raise ModelError(f"{dest} already exists; choose another name or remove it first")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".export-", dir=dest.parent) as work:
        merged = hf_dir
        if adapter is not None:
            merged = keep_merged or Path(work) / "merged"
            if not (merged / "config.json").is_file():
                merge_adapter(hf_dir, adapter, merged)
        with staging_dir(dest) as tmp:
            log.info("converting %s to CTranslate2 (%s)", merged, quantization)
            convert(merged, tmp, quantization)
            info = ModelInfo(
                name=dest.name,
                base=base,
                language=language,
                source=source,
                license=license,
                quantization=quantization,
                created=now_utc(),
                files=record_files(tmp),
                recipe=recipe,
                evaluation=evaluation,
            )
            info.save(tmp)
            verification = _verify(tmp, merged, list(verify_audio), language, quantization)
    return info, verification


def _verify(folder: Path, merged: Path, audio: list, language: str, quantization: str):
    try:
        transcripts = faster_whisper_transcripts(folder, audio, language)
    except (RuntimeError, ValueError, OSError) as e:
        raise ModelError(f"verification failed: faster-whisper cannot use the export ({e})") from e
    reference = None
    if quantization == "float32" and audio:
        reference = hf_transcripts(merged, audio, language)
        for i, (got, want) in enumerate(zip(transcripts, reference)):
            if got != want:
                raise ModelError(
                    f"verification failed: clip {i + 1}: faster-whisper gives {got!r} but the "
                    f"merged model gives {want!r}; the export was not kept"
                )
    return Verification(transcripts, reference)
