"""The application: the transcription core, the recorder and live segmenter, a training run in a
child process (no Qt), and the Qt user interface in ``ui``.

May use ``finetune``, ``evaluation``, ``data`` and ``export``; only ``hsb_whisper.cli`` imports it.
"""

from hsb_whisper.desktop import formats
from hsb_whisper.desktop.live import LiveSegmenter, Utterance
from hsb_whisper.desktop.recorder import Recorder, RecorderError
from hsb_whisper.desktop.selftest import Check, run_selftest
from hsb_whisper.desktop.training_job import (
    TrainingJob,
    TrainingJobError,
    latest_unfinished,
    measure_estimate,
)
from hsb_whisper.desktop.transcriber import (
    AUTO_LANGUAGE,
    DEFAULT_BATCH_SIZE,
    DEVICES,
    Segment,
    TranscribeOptions,
    Transcriber,
    Transcript,
)

__all__ = [
    "AUTO_LANGUAGE",
    "DEFAULT_BATCH_SIZE",
    "DEVICES",
    "Check",
    "LiveSegmenter",
    "Recorder",
    "RecorderError",
    "Segment",
    "TrainingJob",
    "TrainingJobError",
    "TranscribeOptions",
    "Transcriber",
    "Transcript",
    "Utterance",
    "formats",
    "latest_unfinished",
    "measure_estimate",
    "run_selftest",
]
