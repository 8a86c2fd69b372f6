"""The application layer: the transcription core (no Qt), the ``hsb-whisper`` command and the app.

May use ``hsb_whisper.export`` and ``hsb_whisper.finetune``; nothing imports this package.
"""

from hsb_whisper.desktop.transcriber import Segment, TranscribeOptions, Transcriber, Transcript

__all__ = ["Segment", "TranscribeOptions", "Transcriber", "Transcript"]
