"""Workers that own the slow work, each living on its own ``QThread``.

They receive jobs through queued signals (so jobs run one after another in the worker's thread),
report ``progress`` in seconds of audio, each ``segment`` as it is recognised, and ``finished`` or
``failed`` with a one-line reason. Cancellation is checked between segments. Options are copied
into the job when it is queued, so changing settings never affects a running job.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal, Slot

from hsb_whisper.desktop.transcriber import TranscribeOptions, Transcriber, Transcript
from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.export import ModelStore

log = logging.getLogger(__name__)


class TranscriberCache:
    """One loaded model at a time, reloaded only when the model or its options change."""

    def __init__(self) -> None:
        self._key = None
        self._transcriber: Transcriber | None = None

    def get(self, model: str, options: TranscribeOptions) -> Transcriber:
        key = (model, options)
        if key != self._key:
            self._transcriber = Transcriber(ModelStore().resolve(model or None), options)
            self._key = key
        return self._transcriber


class FileWorker(QObject):
    """Transcribes queued files in its thread."""

    started = Signal(int)  # job id
    progress = Signal(int, float, float)  # job id, seconds done, seconds in all
    segment = Signal(int, object)  # job id, Segment
    finished = Signal(int, object)  # job id, Transcript
    failed = Signal(int, str)  # job id, reason
    cancelled = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self._models = TranscriberCache()
        self._cancelled: set[int] = set()
        self._lock = threading.Lock()

    def cancel(self, job_id: int) -> None:
        """Called from the GUI thread; the job stops at its next segment (or never starts)."""
        with self._lock:
            self._cancelled.add(job_id)

    def _is_cancelled(self, job_id: int) -> bool:
        with self._lock:
            return job_id in self._cancelled

    @Slot(int, str, str, object)
    def run(self, job_id: int, path: str, model: str, options: TranscribeOptions) -> None:
        if self._is_cancelled(job_id):
            self.cancelled.emit(job_id)
            return
        self.started.emit(job_id)
        try:
            transcriber = self._models.get(model, options)
            segments, info = transcriber.transcribe(path)
            collected = []
            self.progress.emit(job_id, 0.0, info.duration)
            for segment in segments:
                if self._is_cancelled(job_id):
                    self.cancelled.emit(job_id)
                    return
                collected.append(segment)
                self.segment.emit(job_id, segment)
                self.progress.emit(job_id, segment.end, info.duration)
            self.progress.emit(job_id, info.duration, info.duration)
            self.finished.emit(job_id, Transcript(info, collected, transcriber.model.name))
        except HsbWhisperError as e:
            self.failed.emit(job_id, str(e))
        except Exception as e:  # the worker is a boundary: log it, report it, carry on
            log.exception("transcribing %s failed", path)
            self.failed.emit(job_id, f"{path}: unexpected failure ({type(e).__name__}: {e})")


class LiveWorker(QObject):
    """Transcribes utterances cut by the live segmenter while recording."""

    text = Signal(float, float, str)  # start, end (seconds in the recording), text
    failed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self._models = TranscriberCache()

    @Slot(str, object, object)
    def transcribe(self, model: str, options: TranscribeOptions, utterance) -> None:
        try:
            transcriber = self._models.get(model, options)
            segments = transcriber.transcribe_audio(utterance.audio, offset=utterance.start_s)
        except HsbWhisperError as e:
            self.failed.emit(str(e))
            return
        except Exception as e:
            log.exception("live transcription failed")
            self.failed.emit(f"live transcription failed ({type(e).__name__}: {e})")
            return
        text = " ".join(s.text for s in segments).strip()
        if text:
            self.text.emit(utterance.start_s, utterance.end_s, text)
