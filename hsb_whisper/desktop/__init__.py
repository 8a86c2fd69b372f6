"""The application layer: the transcription core (no Qt), the ``hsb-whisper`` command and the app.

May use ``hsb_whisper.export`` and ``hsb_whisper.finetune``; nothing imports this package.
"""

from hsb_whisper.desktop.live import LiveSegmenter, Utterance
from hsb_whisper.desktop.recorder import Recorder, RecorderError
from hsb_whisper.desktop.transcriber import Segment, TranscribeOptions, Transcriber, Transcript

__all__ = [
    "LiveSegmenter",
    "Recorder",
    "RecorderError",
    "Segment",
    "TranscribeOptions",
    "Transcriber",
    "Transcript",
    "Utterance",
]
