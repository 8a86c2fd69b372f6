"""Measuring models: scoring normalisation and WER/CER, the one decoding module both engines sit
behind, ``evaluate`` (a model on a manifest), ``corrections_wer`` (a model on the user's own
corrected transcripts), ``compare`` (reports side by side) and the diarization error rate
(speaker labels against a reference).

May use ``hsb_whisper.data``, ``hsb_whisper.transcription`` and ``hsb_whisper.export``. torch and
transformers are imported only when a transformers model is decoded.
"""

from hsb_whisper.evaluation.compare import compare
from hsb_whisper.evaluation.corrections import CorrectionsScore, RecordingScore, corrections_wer
from hsb_whisper.evaluation.decoding import (
    ENGINES,
    MAX_NEW_TOKENS,
    NO_REPEAT_NGRAM_SIZE,
    CT2Decoder,
    DecodingOptions,
    HFDecoder,
    open_decoder,
)
from hsb_whisper.evaluation.diarization import DiarizationError, diarization_error
from hsb_whisper.evaluation.evaluate import ModelSource, engine_label, evaluate, resolve_model
from hsb_whisper.evaluation.metrics import (
    corpus_scores,
    read_evaluation,
    score_clips,
    unique_ids,
)

__all__ = [
    "ENGINES",
    "MAX_NEW_TOKENS",
    "NO_REPEAT_NGRAM_SIZE",
    "CT2Decoder",
    "CorrectionsScore",
    "DecodingOptions",
    "DiarizationError",
    "HFDecoder",
    "ModelSource",
    "RecordingScore",
    "compare",
    "corpus_scores",
    "corrections_wer",
    "diarization_error",
    "engine_label",
    "evaluate",
    "open_decoder",
    "read_evaluation",
    "resolve_model",
    "score_clips",
    "unique_ids",
]
