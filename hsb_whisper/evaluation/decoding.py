"""Decoding: the one place where audio becomes text for scoring.

Every transcript that is measured — the dev WER during training, ``hsb-whisper evaluate``, the
checks inside an export — is decoded here, with one set of options (:class:`DecodingOptions`, a
frozen dataclass like whisper's) and one of two engines behind the same two methods:

- :class:`HFDecoder`: a transformers ``WhisperForConditionalGeneration`` (with a PEFT adapter or
  not), float32, decoding log-mel features computed exactly as faster-whisper computes them
  (:mod:`hsb_whisper.melspec`). Training uses it on the model it is training.
- :class:`CT2Decoder`: faster-whisper on a CTranslate2 folder, at a chosen compute type: what the
  app and ``transcribe`` run.

Decoding is deterministic: beam search of the given width (1: greedy), temperature 0, no
timestamps, no voice activity detection, no conditioning on earlier text, the language token
forced, each clip one 30 s window. With float32 weights the two engines give the same text (the
export checks that; measured 7 of 7 clips on whisper-base).
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from hsb_whisper.errors import OptionError
from hsb_whisper.export import require_safetensors
from hsb_whisper.melspec import model_input
from hsb_whisper.offline import forbid_hub_downloads
from hsb_whisper.transcription import NO_REPEAT_NGRAM_SIZE

# Whisper's decoder has 448 positions; the prompt <|startoftranscript|><|lang|><|transcribe|>
# <|notimestamps|> takes 4 and <|endoftext|> one, which leaves 443 for text. 440 keeps a margin
# that transformers' and CTranslate2's length checks both accept.
MAX_NEW_TOKENS = 440
ENGINES = ("faster-whisper", "transformers")
HF_PRECISION = "float32"  # what the transformers engine computes in


@dataclasses.dataclass(frozen=True)
class DecodingOptions:
    language: str  # Whisper language token, forced (e.g. "cs")
    beam_size: int = 1  # beam width; 1 is greedy decoding
    max_new_tokens: int = MAX_NEW_TOKENS  # text tokens at most per clip

    def __post_init__(self) -> None:
        if not self.language or not self.language.isalpha():
            raise OptionError(f"language {self.language!r}: give a Whisper token such as 'cs'")
        if self.beam_size < 1:
            raise OptionError(f"beam size {self.beam_size}: use 1 (greedy) or more")
        if not 1 <= self.max_new_tokens <= MAX_NEW_TOKENS:
            raise OptionError(
                f"max_new_tokens {self.max_new_tokens}: use 1 to {MAX_NEW_TOKENS} "
                "(Whisper's decoder holds 448 tokens, the prompt included)"
            )


class HFDecoder:
    """A transformers Whisper in memory. ``device``: where its weights are (cuda for training on
    a GPU); ``batch_size``: clips generated together."""

    def __init__(self, model, processor, *, device: str = "cpu", batch_size: int = 8) -> None:
        self.model = model
        self.processor = processor
        self.device = device
        self.batch_size = batch_size
        extractor = processor.feature_extractor
        self.extractor_config = extractor.to_dict()
        self.n_frames = extractor.nb_max_frames  # 3000 for 30 s

    @classmethod
    def load(cls, folder: Path, adapter: Path | None = None, batch_size: int = 8) -> HFDecoder:
        """A Hugging Face Whisper folder (plus a LoRA adapter), float32 on the CPU, offline."""
        import torch
        from transformers import WhisperForConditionalGeneration, WhisperProcessor

        forbid_hub_downloads()
        require_safetensors(folder)  # a run folder's base may come from anyone
        processor = WhisperProcessor.from_pretrained(folder, local_files_only=True)
        model = WhisperForConditionalGeneration.from_pretrained(
            folder, dtype=torch.float32, local_files_only=True
        )
        if adapter is not None:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, adapter)
        return cls(model.eval(), processor, batch_size=batch_size)

    def features(self, audio: np.ndarray) -> np.ndarray:
        """The encoder input of one clip (float32 mono 16 kHz): mel bins × 3000 frames."""
        return model_input(audio, self.extractor_config, self.n_frames)

    def decode_features(self, features: np.ndarray, options: DecodingOptions) -> list[str]:
        """Transcripts of a batch of encoder inputs (clips × mel bins × frames, float32)."""
        import torch

        self.model.eval()
        texts: list[str] = []
        with torch.no_grad():
            for start in range(0, len(features), self.batch_size):
                batch = torch.from_numpy(np.asarray(features[start : start + self.batch_size]))
                ids = self.model.generate(
                    input_features=batch.to(self.device),
                    language=options.language,
                    task="transcribe",
                    num_beams=options.beam_size,
                    do_sample=False,
                    max_new_tokens=options.max_new_tokens,
                    no_repeat_ngram_size=NO_REPEAT_NGRAM_SIZE,
                )
                decoded = self.processor.batch_decode(ids, skip_special_tokens=True)
                texts += [t.strip() for t in decoded]
        return texts

    def decode(self, audio: Sequence[np.ndarray], options: DecodingOptions) -> list[str]:
        """Transcripts of clips (float32 mono 16 kHz, at most 30 s each)."""
        if not audio:
            return []
        return self.decode_features(np.stack([self.features(a) for a in audio]), options)


class CT2Decoder:
    """faster-whisper on a CTranslate2 Whisper folder, offline. ``compute_type``: CTranslate2's
    (``default`` keeps the stored weight type)."""

    def __init__(self, folder: Path, compute_type: str = "default", device: str = "cpu") -> None:
        forbid_hub_downloads()
        from faster_whisper import WhisperModel

        self.compute_type = compute_type
        self.model = WhisperModel(
            str(folder), device=device, compute_type=compute_type, local_files_only=True
        )

    def decode(self, audio: Sequence[np.ndarray], options: DecodingOptions) -> list[str]:
        texts = []
        for clip in audio:
            segments, _ = self.model.transcribe(
                clip,
                language=options.language,
                beam_size=options.beam_size,
                temperature=0.0,
                without_timestamps=True,
                vad_filter=False,
                condition_on_previous_text=False,
                max_new_tokens=options.max_new_tokens,
                no_repeat_ngram_size=NO_REPEAT_NGRAM_SIZE,
            )
            texts.append(" ".join(s.text.strip() for s in segments).strip())
        return texts


@contextlib.contextmanager
def _scratch(prefix: str) -> Iterator[Path]:
    # Weights are in memory once loaded; the folder is not needed after that.
    with tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=True) as tmp:
        yield Path(tmp)


def open_decoder(
    kind: str,
    folder: Path,
    adapter: Path | None = None,
    *,
    engine: str = "faster-whisper",
    compute_type: str = "int8",
) -> HFDecoder | CT2Decoder:
    """A decoder for a model of ``kind`` ``"hf"`` (a Hugging Face folder, optionally with an
    adapter) or ``"ct2"`` (a CTranslate2 folder), on either engine, so that every model in a
    comparison is decoded the same way. A Hugging Face model on faster-whisper is merged and
    converted (float32) first; a CTranslate2 model on transformers is converted back."""
    from hsb_whisper.export import convert, ct2_to_hf, merge_adapter

    if engine not in ENGINES:
        raise OptionError(f"engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "transformers":
        if kind == "hf":
            return HFDecoder.load(folder, adapter)
        with _scratch(".hsb-eval-hf-") as tmp:
            ct2_to_hf(folder, tmp / "model")
            return HFDecoder.load(tmp / "model")
    if kind == "ct2":
        return CT2Decoder(folder, compute_type)
    with _scratch(".hsb-eval-ct2-") as tmp:
        if adapter is not None:
            folder = merge_adapter(folder, adapter, tmp / "merged")
        (tmp / "ct2").mkdir()
        convert(folder, tmp / "ct2", "float32")
        return CT2Decoder(tmp / "ct2", compute_type)
