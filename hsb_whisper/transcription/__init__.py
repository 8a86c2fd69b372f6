"""Transcription without Qt: the core the command line and the app share.

- :mod:`.engine`: :class:`Transcriber` (faster-whisper on a model of the store: files in pieces,
  batches of short files, live utterances) and :class:`TranscribeOptions`;
- :mod:`.batched`: batched decoding, and every faster-whisper internal it relies on;
- :mod:`.transcript`: :class:`Transcript`, :class:`Segment`, :class:`Word` and the speaker edits;
- :mod:`.formats`: the writers and readers (txt, srt, vtt, json, ELAN, Praat);
- :mod:`.outputs`: which files a transcription writes, where;
- :mod:`.speakers`: who spoke when; :mod:`.live`: the live segmenter; :mod:`.recorder`: recording
  to disk without losing audio; :mod:`.memory`: handing freed memory back.

May use ``hsb_whisper.export`` and the shared modules only (import-linter checks it).
"""

from hsb_whisper.transcription import formats
from hsb_whisper.transcription.batched import NO_REPEAT_NGRAM_SIZE
from hsb_whisper.transcription.engine import (
    AUTO_LANGUAGE,
    DEFAULT_BATCH_SIZE,
    DEVICES,
    TranscribeOptions,
    Transcriber,
)
from hsb_whisper.transcription.live import LiveSegmenter, Utterance
from hsb_whisper.transcription.outputs import plan_outputs
from hsb_whisper.transcription.recorder import Recorder, RecorderError
from hsb_whisper.transcription.transcript import (
    AudioInfo,
    Segment,
    Transcript,
    Word,
    clean_speaker_name,
    speaker_name_problem,
)

__all__ = [
    "AUTO_LANGUAGE",
    "DEFAULT_BATCH_SIZE",
    "DEVICES",
    "NO_REPEAT_NGRAM_SIZE",
    "AudioInfo",
    "LiveSegmenter",
    "Recorder",
    "RecorderError",
    "Segment",
    "TranscribeOptions",
    "Transcriber",
    "Transcript",
    "Utterance",
    "Word",
    "clean_speaker_name",
    "formats",
    "plan_outputs",
    "speaker_name_problem",
]
