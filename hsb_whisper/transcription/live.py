"""Cutting live audio into utterances for live transcription (no Qt).

A :class:`LiveSegmenter` is fed the blocks a :class:`~hsb_whisper.transcription.recorder.Recorder`
captures (float32 mono, 16 kHz) and emits an :class:`Utterance` as soon as the speaker pauses, so
that each utterance can be transcribed while the recording goes on.

How: the audio since the last cut is kept in a buffer, and every :data:`SCAN_INTERVAL_S` of new
audio faster-whisper's Silero VAD (``get_speech_timestamps``) is run over that buffer. A speech
region followed by at least ``min_silence_s`` of non-speech is finished: it is emitted with
:data:`SPEECH_PAD_S` of context on each side, and the buffer is cut at its end. Speech that goes
on longer than ``max_utterance_s`` is split by the VAD itself (at its last pause of 100 ms or more
if there is one), so that every utterance fits Whisper's 30 s window. :meth:`LiveSegmenter.flush`
emits whatever speech is left when the recording stops.

Nothing is dropped or sent twice: utterances never overlap, each one starts no earlier than the
previous one ended, and the audio between them is audio the VAD found to hold no speech.

Tentative utterances, to decode while a pause is being confirmed: with ``on_tentative``, once
the speaker has paused for :data:`TENTATIVE_SILENCE_S` (less than ``min_silence_s``), the
utterance that pause would end is passed to ``on_tentative`` at once, marked ``final=False``. It
is only a guess, for a decoder to start on: when the pause lasts, the final utterance usually has
the same samples (see :meth:`Utterance.same_as`), and its text is ready ~0.3 s earlier; when the
speaker goes on, the guess is simply never confirmed. Tentative utterances are not returned by
:meth:`LiveSegmenter.feed` and are not part of the guarantee above, which is about the final ones.
Finding them costs a second VAD pass per scan while speech is going on: 51 instead of 30 ms of
process time per second of audio reading eight sentences (a busy 2-core machine). In the app the
text then comes 0.74 s (p50) after an utterance instead of 1.03 s (``benchmarks/app_latency.py``).

Cost without tentative utterances (2-core CPU, process time of ``feed``): the VAD costs about 1.1 ms
per second of audio scanned, and a buffer of ``b`` seconds is rescanned ten times a second (every
0.1 s: the scan interval bounds the delay after a pause; 0.25 s gave a live latency of 1.33 s p50,
0.1 s gives 0.91 s, see ``benchmarks/app_latency.py``), so ~11·b ms per second of audio. Measured at
a 0.25 s interval: 5 ms/s in silence (the buffer is kept at :data:`IDLE_KEEP_S`), 14 ms/s on three
sentences with pauses, 23 ms/s reading 57 s of text, 55 ms/s on 60 s of speech without a pause; at
0.1 s, about 2.5 times that (at worst ~0.14 s/s, 14 % of a core, for an utterance nearing the 25 s
limit). Whisper itself needs ~160 ms per second of audio.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable

import numpy as np

from hsb_whisper.audio import CHUNK_LENGTH, SAMPLE_RATE
from hsb_whisper.errors import OptionError
from hsb_whisper.offline import forbid_hub_downloads

log = logging.getLogger(__name__)

SCAN_INTERVAL_S = 0.1  # new audio between VAD scans: bounds the delay after a pause, and the cost
MIN_SILENCE_S = 0.5  # a pause at least this long ends an utterance
# A pause this long makes a tentative utterance, decoded while the pause is being confirmed: at
# least SPEECH_PAD_S, so that the padded end the final utterance will have is already fed.
TENTATIVE_SILENCE_S = 0.2
MAX_UTTERANCE_S = 25.0  # Whisper's window is 30 s; 5 s spare for the decoder's timestamp slack
WHISPER_WINDOW_S = float(CHUNK_LENGTH)  # never emit more than this, whatever the VAD says
SPEECH_PAD_S = 0.2  # context kept before and after each speech region (at most min_silence_s/2)
MIN_SPEECH_S = 0.25  # speech shorter than this (a click, a cough) is not an utterance
# Audio kept while the VAD finds no speech: room for an onset not yet above the VAD's threshold
# (MIN_SPEECH_S + SPEECH_PAD_S, rounded up generously).
IDLE_KEEP_S = 1.0


@dataclasses.dataclass(frozen=True, eq=False)
class Utterance:
    start_s: float  # seconds from the start of the recording (pauses of the recorder excluded)
    end_s: float
    audio: np.ndarray  # float32 mono, 16 kHz: the samples from start_s to end_s
    final: bool = True  # False: a tentative utterance (the pause that ends it is not confirmed)

    @property
    def duration(self) -> float:
        return self.end_s - self.start_s

    def same_as(self, other: Utterance) -> bool:
        """Whether ``other`` covers the same samples (a tentative one confirmed, say)."""
        return (
            self.start_s == other.start_s
            and self.end_s == other.end_s
            and np.array_equal(self.audio, other.audio)
        )


class LiveSegmenter:
    """Cuts a stream of float32 mono 16 kHz blocks into :class:`Utterance` objects.

    Each utterance is returned by the :meth:`feed` (or :meth:`flush`) call that found it, and also
    passed to ``on_utterance`` if given; tentative ones only go to ``on_tentative`` (see the
    module's docstring). Feed it from one thread at a time (a recorder's ``on_audio`` callback
    does); the calls are serialised by a lock anyway.
    """

    def __init__(
        self,
        on_utterance: Callable[[Utterance], None] | None = None,
        *,
        on_tentative: Callable[[Utterance], None] | None = None,
        tentative_silence_s: float = TENTATIVE_SILENCE_S,
        min_silence_s: float = MIN_SILENCE_S,
        max_utterance_s: float = MAX_UTTERANCE_S,
        threshold: float = 0.5,
    ) -> None:
        if min_silence_s <= 0:
            raise OptionError(
                f"the pause that ends an utterance must be > 0 s, not {min_silence_s}"
            )
        if not 1.0 <= max_utterance_s <= WHISPER_WINDOW_S:
            raise OptionError(
                f"the longest utterance must be 1–{WHISPER_WINDOW_S:g} s (Whisper's window), "
                f"not {max_utterance_s}"
            )
        if not 0 < threshold < 1:
            raise OptionError(f"the VAD threshold must be between 0 and 1, not {threshold}")
        self.on_utterance = on_utterance
        self.min_silence_s = min_silence_s
        self.max_utterance_s = max_utterance_s
        pad_s = min(SPEECH_PAD_S, min_silence_s / 2)  # so a padded end never reaches the next scan
        if on_tentative is not None and tentative_silence_s < pad_s:
            raise OptionError(
                f"the pause that makes a tentative utterance must be at least {pad_s:g} s (the "
                f"padding after speech), not {tentative_silence_s}"
            )
        # a confirmation no longer than the tentative pause leaves nothing to guess
        self.on_tentative = on_tentative if tentative_silence_s < min_silence_s else None
        forbid_hub_downloads()  # before faster-whisper is first imported, as the transcriber does
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        self._get_speech_timestamps = get_speech_timestamps
        self._vad_options = VadOptions(
            threshold=threshold,
            min_speech_duration_ms=round(MIN_SPEECH_S * 1000),
            max_speech_duration_s=max_utterance_s,
            min_silence_duration_ms=round(min_silence_s * 1000),
            speech_pad_ms=round(pad_s * 1000),
        )
        self._tentative_options = dataclasses.replace(
            self._vad_options, min_silence_duration_ms=round(tentative_silence_s * 1000)
        )
        self._last_tentative: tuple[float, float] | None = None  # (start_s, end_s) last passed on
        self._scan_interval = round(SCAN_INTERVAL_S * SAMPLE_RATE)
        self._lock = threading.Lock()
        self._chunks: list[np.ndarray] = []  # the buffer: audio since the last cut
        self._offset = 0  # samples fed before the buffer's first sample
        self._fed = 0  # samples fed in all
        self._scanned_at = 0  # value of _fed at the last scan

    @property
    def seconds(self) -> float:
        """Seconds of audio fed so far."""
        return self._fed / SAMPLE_RATE

    def feed(self, block: np.ndarray) -> list[Utterance]:
        """Add ``block`` (float32 mono 16 kHz, shape ``(n,)`` or ``(n, 1)``); return the utterances
        finished by it (usually none)."""
        block = np.asarray(block, dtype=np.float32).reshape(-1)
        if block.size == 0:
            return []
        with self._lock:
            self._chunks.append(block)
            self._fed += block.size
            if self._fed - self._scanned_at < self._scan_interval:
                return []
            self._scanned_at = self._fed
            utterances, tentative = self._scan(final=False)
        self._emit(utterances)
        if tentative is not None and self.on_tentative is not None:
            log.debug("tentative utterance %.2f–%.2f s", tentative.start_s, tentative.end_s)
            self.on_tentative(tentative)
        return utterances

    def flush(self) -> list[Utterance]:
        """Emit the speech left in the buffer (at the end of a recording): the last utterance,
        even if no pause followed it. Nothing for trailing silence."""
        with self._lock:
            utterances, _ = self._scan(final=True)
            self._offset = self._fed
            self._chunks = []
        self._emit(utterances)
        return utterances

    def _emit(self, utterances: list[Utterance]) -> None:
        for u in utterances:
            log.debug("utterance %.2f–%.2f s", u.start_s, u.end_s)
            if self.on_utterance is not None:
                self.on_utterance(u)

    def _scan(self, final: bool) -> tuple[list[Utterance], Utterance | None]:
        """Run the VAD over the buffer; cut off and return the finished utterances (all speech
        when ``final``) and a new tentative utterance, if any. Called with the lock held."""
        if not self._chunks:
            return [], None
        audio = np.concatenate(self._chunks) if len(self._chunks) > 1 else self._chunks[0]
        speeches = self._get_speech_timestamps(audio, self._vad_options, sampling_rate=SAMPLE_RATE)
        utterances = []
        tentative = None
        cut = 0  # buffer index up to which audio has been emitted or judged silence
        for speech in speeches:
            start, end = max(int(speech["start"]), cut), int(speech["end"])
            # A region that runs to the buffer's end may still be going on; a finished one ends
            # (padded) before it, since min_silence_s of non-speech followed it.
            if end >= len(audio) and not final:
                if self.on_tentative is not None:
                    tentative = self._tentative(audio, start)
                break
            utterances.append(self._utterance(audio, start, end))
            cut = end
        else:
            if not final and not utterances:  # silence only: keep just the tail
                cut = max(0, len(audio) - round(IDLE_KEEP_S * SAMPLE_RATE))
        window = round(WHISPER_WINDOW_S * SAMPLE_RATE)
        if not final and len(audio) - cut > window:  # the VAD failed to split: never exceed
            log.warning("no pause found in %.0f s of speech; cutting", WHISPER_WINDOW_S)
            utterances.append(self._utterance(audio, cut, cut + window))
            cut += window
        if tentative is not None:
            self._last_tentative = (tentative.start_s, tentative.end_s)
        self._offset += cut
        self._chunks = [audio[cut:]] if cut < len(audio) else []
        return utterances, tentative

    def _tentative(self, audio: np.ndarray, start: int) -> Utterance | None:
        """The utterance from ``start`` (where the unfinished speech region begins) that the
        current pause would end, if the speaker has paused for the tentative silence; ``None``
        if not, or if it was already passed on. Its end is the one the final utterance gets
        (the pause's first sample plus the padding), since the pause is the same."""
        speeches = self._get_speech_timestamps(
            audio, self._tentative_options, sampling_rate=SAMPLE_RATE
        )
        if not speeches:
            return None
        end = int(speeches[-1]["end"])
        if end >= len(audio) or end <= start:  # still speaking (or nothing of this region)
            return None
        tentative = self._utterance(audio, start, end, final=False)
        if (tentative.start_s, tentative.end_s) == self._last_tentative:
            return None
        return tentative

    def _utterance(self, audio: np.ndarray, start: int, end: int, final: bool = True) -> Utterance:
        return Utterance(
            (self._offset + start) / SAMPLE_RATE,
            (self._offset + end) / SAMPLE_RATE,
            audio[start:end].copy(),
            final,
        )
