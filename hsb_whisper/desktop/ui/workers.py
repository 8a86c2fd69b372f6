"""Workers that own the slow work, each living on its own ``QThread``.

They receive jobs through queued signals (so jobs run one after another in the worker's thread),
report ``progress`` in seconds of audio, each ``segment`` as it is recognised, and ``finished`` or
``failed`` with a one-line reason. Cancellation is checked between segments. Options are copied
into the job when it is queued, so changing settings never affects a running job.

Both workers take their model from one :class:`TranscriberCache`: one model in memory (~130 MB
for whisper-base int8), not one per worker. CTranslate2 runs the calls of the two threads one
after the other, so a live utterance spoken while a file is transcribed waits for the file's
current window; before, the two decoders shared the same cores anyway.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal, Slot

from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.export import ModelStore
from hsb_whisper.transcription.engine import TranscribeOptions, Transcriber
from hsb_whisper.transcription.live import Utterance
from hsb_whisper.transcription.transcript import Segment

log = logging.getLogger(__name__)


LIVE_BEAM_SIZE = 1  # the live preview decodes greedily to keep up; files use the settings' beam


class TranscriberCache:
    """One loaded model at a time, reloaded only when the model or its options change; shared
    by the workers' threads."""

    def __init__(self) -> None:
        self._key = None
        self._transcriber: Transcriber | None = None
        self._lock = threading.Lock()

    def get(self, model: str, options: TranscribeOptions) -> Transcriber:
        with self._lock:
            key = (model, options)
            if key != self._key:
                self._transcriber = None  # the old model goes before the new one loads
                self._key = None
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

    def __init__(self, models: TranscriberCache) -> None:
        super().__init__()
        self._models = models
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
            self.finished.emit(job_id, transcriber.finish(info, collected))
        except HsbWhisperError as e:
            self.failed.emit(job_id, str(e))
        except Exception as e:  # the worker is a boundary: log it, report it, carry on
            log.exception("transcribing %s failed", path)
            self.failed.emit(job_id, f"{path}: unexpected failure ({type(e).__name__}: {e})")


class LiveWorker(QObject):
    """Transcribes utterances cut by the live segmenter while recording.

    A tentative utterance (its pause not yet confirmed) is decoded at once and its text kept;
    the final utterance that follows reuses that text when it covers the same samples, so the
    text appears as soon as the pause is confirmed instead of a decoding later.
    """

    text = Signal(float, float, str)  # start, end (seconds in the recording), text
    failed = Signal(str)
    released = Signal()  # a recording's utterances are all done

    def __init__(self, models: TranscriberCache) -> None:
        super().__init__()
        self._models = models
        self._ahead: tuple[tuple, Utterance, list[Segment]] | None = None  # (job, tentative, text)

    @Slot(str, object, object)
    def transcribe(self, model: str, options: TranscribeOptions, utterance: Utterance) -> None:
        try:
            segments = self._decode(model, options, utterance)
        except HsbWhisperError as e:
            self.failed.emit(str(e))
            return
        except Exception as e:
            log.exception("live transcription failed")
            self.failed.emit(f"live transcription failed ({type(e).__name__}: {e})")
            return
        text = " ".join(s.text for s in segments).strip()
        if text and utterance.final:
            self.text.emit(utterance.start_s, utterance.end_s, text)

    def _decode(
        self, model: str, options: TranscribeOptions, utterance: Utterance
    ) -> list[Segment]:
        ahead, self._ahead = self._ahead, None
        if (
            utterance.final
            and ahead is not None
            and ahead[0] == (model, options)
            and ahead[1].same_as(utterance)
        ):
            log.debug("utterance %.2f s: decoded while its pause was confirmed", utterance.end_s)
            return ahead[2]
        transcriber = self._models.get(model, options)
        segments = transcriber.transcribe_audio(
            utterance.audio, offset=utterance.start_s, beam_size=LIVE_BEAM_SIZE
        )
        if not utterance.final:
            self._ahead = ((model, options), utterance, segments)
        log.debug("utterance %.2f s (final: %s) decoded", utterance.end_s, utterance.final)
        return segments

    @Slot()
    def release(self) -> None:
        """The recording has stopped (queued after its last utterance): drop the text kept."""
        self._ahead = None
        self.released.emit()
