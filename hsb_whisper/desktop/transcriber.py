"""Transcription with faster-whisper: the core shared by the command line and the app (no Qt).

A :class:`Transcriber` holds one loaded model. :meth:`Transcriber.transcribe` decodes a file,
refuses unusable audio with an :class:`~hsb_whisper.errors.AudioError` before any work starts, and
returns a lazy iterator of :class:`Segment` (as faster-whisper does) plus the file's
:class:`AudioInfo`. Progress is the ``end`` of each segment, in seconds of audio.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from hsb_whisper.audio import SAMPLE_RATE, AudioReader
from hsb_whisper.errors import ModelError, OptionError
from hsb_whisper.evaluation import NO_REPEAT_NGRAM_SIZE
from hsb_whisper.export import COMPUTE_TYPES, LocalModel
from hsb_whisper.offline import forbid_hub_downloads
from hsb_whisper.parallel import available_cores

log = logging.getLogger(__name__)

DEVICES = ("cpu", "cuda", "auto")
AUTO_LANGUAGE = "auto"  # ask Whisper to detect the language of each file
# A longer recording is transcribed in pieces of this length (plus up to CUT_SEARCH_S), each cut
# in a pause found within CUT_SEARCH_S of its end: memory stays that of one piece (~40 MB of
# samples), and files up to this length are transcribed whole, exactly as before.
PIECE_S = 600.0
CUT_SEARCH_S = 30.0
# faster-whisper falls back to sampling (temperature > 0) when a window's text looks wrong; the
# seed makes that sampling, and so the transcript, the same on every run.
SAMPLING_SEED = 0


@dataclasses.dataclass(frozen=True)
class TranscribeOptions:
    language: str | None = None  # Whisper language token; None: the model's; "auto": detect
    beam_size: int = 5  # 1 is greedy decoding: faster, slightly less accurate
    compute_type: str = "int8"  # weight/activation type for CTranslate2; int8 is fastest on CPU
    device: str = "cpu"
    threads: int = 0  # CPU threads; 0: one per available core
    vad: bool = True  # skip non-speech with Silero VAD (avoids hallucinations in long pauses)
    word_timestamps: bool = False

    def __post_init__(self) -> None:
        if self.beam_size < 1:
            raise OptionError(f"beam size must be at least 1, not {self.beam_size}")
        if self.compute_type not in COMPUTE_TYPES:
            raise OptionError(
                f"unknown compute type {self.compute_type!r}; "
                f"choose one of {', '.join(COMPUTE_TYPES)}"
            )
        if self.device not in DEVICES:
            raise OptionError(f"unknown device {self.device!r}; choose one of {', '.join(DEVICES)}")
        if self.threads < 0:
            raise OptionError(f"threads must be 0 (all cores) or more, not {self.threads}")


@dataclasses.dataclass(frozen=True)
class Word:
    start: float  # seconds from the start of the file
    end: float
    text: str
    probability: float


@dataclasses.dataclass(frozen=True)
class Segment:
    start: float  # seconds from the start of the file
    end: float
    text: str  # without Whisper's leading space
    avg_logprob: float
    no_speech_prob: float
    words: tuple[Word, ...] = ()


@dataclasses.dataclass(frozen=True)
class AudioInfo:
    path: Path
    duration: float  # seconds
    language: str  # the token used (forced or detected)
    language_probability: float  # 1.0 when forced


@dataclasses.dataclass
class Transcript:
    """A finished transcription: what the writers in :mod:`formats` take."""

    info: AudioInfo
    segments: list[Segment]
    model: str


class Transcriber:
    """One loaded model and the options to run it with."""

    def __init__(self, model: LocalModel, options: TranscribeOptions | None = None) -> None:
        self.model = model
        self.options = options or TranscribeOptions()
        self._load()
        self.language = self._language()

    def _load(self) -> None:
        """Load the model with CTranslate2's sampling generator seeded: its worker thread seeds
        its generator from :data:`SAMPLING_SEED` the first time it samples."""
        forbid_hub_downloads()
        import ctranslate2
        from faster_whisper import WhisperModel

        ctranslate2.set_random_seed(SAMPLING_SEED)
        try:
            self._whisper = WhisperModel(
                str(self.model.path),
                device=self.options.device,
                compute_type=self.options.compute_type,
                cpu_threads=self.options.threads or available_cores(),
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as e:
            raise ModelError(f"{self.model.path}: the model could not be loaded ({e})") from e
        self._sampled = False  # the generator is fresh

    def _fresh_sampler(self) -> None:
        """Every file is transcribed as by a freshly loaded model: once the temperature fallback
        has drawn from the generator (the only decoding that does), the model is loaded again
        (~1 s), so that the next file's text does not depend on the files before it."""
        if self._sampled:
            log.debug("reloading %s: the last file's fallback sampled", self.model.path)
            self._load()

    def _watch(self, segments: Iterator) -> Iterator:
        for segment in segments:
            if segment.temperature > 0:
                self._sampled = True
            yield segment

    def _language(self) -> str | None:
        language = self.options.language or self.model.language
        if language in (None, AUTO_LANGUAGE):
            return None
        supported = self._whisper.supported_languages
        if language not in supported:
            hint = " (Whisper has no Upper Sorbian token; models of ours force 'cs')" * (
                language == "hsb"
            )
            raise OptionError(
                f"language token {language!r} is not one this model knows{hint}; "
                f"use 'auto' or one of {', '.join(sorted(supported))}"
            )
        return language

    def transcribe(self, path: str | Path) -> tuple[Iterator[Segment], AudioInfo]:
        """Decode ``path`` and start transcribing it.

        Raises ``AudioError`` at once for unusable audio; the segments come lazily, so the caller
        can show them (and progress: ``segment.end`` of ``info.duration``) as they are decoded.

        A recording longer than :data:`PIECE_S` is decoded and transcribed a piece at a time,
        each cut at a pause (Silero VAD) near its end, with times counted from the start of the
        file: memory stays that of one piece, however long the file. Its ``info.duration`` is
        then the header's (the decoded length is only known at the end), and the checks that
        need every sample (silence, a file shorter than its header) come at the end.
        """
        reader = AudioReader(path)
        self._fresh_sampler()
        first = reader.read(_samples(PIECE_S + CUT_SEARCH_S))
        if reader.exhausted:  # a file of one piece: checked whole before anything is done
            reader.finish()
            segments, info = self._transcribe_piece(first, self.language)
            duration = len(first) / SAMPLE_RATE
            audio_info = AudioInfo(reader.path, duration, info.language, info.language_probability)
            return _convert(segments, duration), audio_info
        piece, carry = _cut_at_pause(first)
        segments, info = self._transcribe_piece(piece, self.language)
        duration = reader.header_duration
        audio_info = AudioInfo(reader.path, duration, info.language, info.language_probability)
        return self._pieces(reader, segments, len(piece), carry, info.language), audio_info

    def _transcribe_piece(self, audio, language: str | None):
        opts = self.options
        segments, info = self._whisper.transcribe(
            audio,
            language=language,
            beam_size=opts.beam_size,
            vad_filter=opts.vad,
            word_timestamps=opts.word_timestamps,
            no_repeat_ngram_size=NO_REPEAT_NGRAM_SIZE,
        )
        return self._watch(segments), info

    def _pieces(self, reader, segments, consumed: int, carry, language: str) -> Iterator[Segment]:
        """The segments of every piece of a long file, in order, times from the file's start.
        Later pieces are forced to the first piece's language (detected or given)."""
        offset = 0
        while True:
            for segment in _convert(segments, consumed / SAMPLE_RATE):
                yield _shifted(segment, offset / SAMPLE_RATE)
            offset += consumed
            if reader.exhausted and not len(carry):
                reader.finish()
                return
            more = reader.read(_samples(PIECE_S + CUT_SEARCH_S) - len(carry))
            buffer = np.concatenate([carry, more])
            if reader.exhausted:
                piece, carry = buffer, buffer[:0]
            else:
                piece, carry = _cut_at_pause(buffer)
            segments, _ = self._transcribe_piece(piece, language)
            consumed = len(piece)

    def transcribe_audio(self, audio, offset: float = 0.0) -> list[Segment]:
        """Transcribe float32 mono 16 kHz samples already in memory (a live utterance); segment
        times are shifted by ``offset`` seconds. No VAD: the caller already cut at pauses."""
        opts = self.options
        self._fresh_sampler()
        segments, _ = self._whisper.transcribe(
            audio,
            language=self.language,
            beam_size=opts.beam_size,
            vad_filter=False,
            condition_on_previous_text=False,
            no_repeat_ngram_size=NO_REPEAT_NGRAM_SIZE,
        )
        duration = len(audio) / SAMPLE_RATE
        return [
            dataclasses.replace(s, start=s.start + offset, end=s.end + offset)
            for s in _convert(self._watch(segments), duration)
        ]

    def transcribe_all(self, path: str | Path) -> Transcript:
        segments, info = self.transcribe(path)
        return Transcript(info, list(segments), self.model.name)


def _convert(segments: Iterator, duration: float) -> Iterator[Segment]:
    for s in segments:
        words = tuple(
            Word(min(w.start, duration), min(w.end, duration), w.word.strip(), w.probability)
            for w in (s.words or ())
        )
        yield Segment(
            start=min(s.start, duration),
            end=min(s.end, duration),
            text=s.text.strip(),
            avg_logprob=s.avg_logprob,
            no_speech_prob=s.no_speech_prob,
            words=words,
        )


def _samples(seconds: float) -> int:
    return round(seconds * SAMPLE_RATE)


def _shifted(segment: Segment, offset: float) -> Segment:
    if not offset:
        return segment
    words = tuple(
        dataclasses.replace(w, start=w.start + offset, end=w.end + offset) for w in segment.words
    )
    return dataclasses.replace(
        segment, start=segment.start + offset, end=segment.end + offset, words=words
    )


def _cut_at_pause(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split a buffer of :data:`PIECE_S` + :data:`CUT_SEARCH_S` seconds in the middle of the
    longest pause in its last 2 × :data:`CUT_SEARCH_S` seconds (no pause at all: at the end of
    the piece), so that no word is cut in two."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    start = max(0, len(audio) - _samples(2 * CUT_SEARCH_S))
    window = audio[start:]
    speech = get_speech_timestamps(
        window, VadOptions(min_silence_duration_ms=100, speech_pad_ms=0), SAMPLE_RATE
    )
    edges = [0] + [x for s in speech for x in (s["start"], s["end"])] + [len(window)]
    gaps = [(edges[i + 1] - edges[i], edges[i], edges[i + 1]) for i in range(0, len(edges), 2)]
    length, gap_start, gap_end = max(gaps)
    cut = start + (gap_start + gap_end) // 2 if length > 0 else len(audio) - _samples(CUT_SEARCH_S)
    return audio[:cut], audio[cut:]
