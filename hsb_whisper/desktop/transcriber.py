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

from hsb_whisper.audio import SAMPLE_RATE, load_audio
from hsb_whisper.errors import ModelError, OptionError
from hsb_whisper.export import COMPUTE_TYPES, LocalModel
from hsb_whisper.offline import forbid_hub_downloads
from hsb_whisper.parallel import available_cores

log = logging.getLogger(__name__)

DEVICES = ("cpu", "cuda", "auto")
AUTO_LANGUAGE = "auto"  # ask Whisper to detect the language of each file


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
        forbid_hub_downloads()
        from faster_whisper import WhisperModel

        self.model = model
        self.options = options or TranscribeOptions()
        threads = self.options.threads or available_cores()
        try:
            self._whisper = WhisperModel(
                str(model.path),
                device=self.options.device,
                compute_type=self.options.compute_type,
                cpu_threads=threads,
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as e:
            raise ModelError(f"{model.path}: the model could not be loaded ({e})") from e
        self.language = self._language()

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
        """
        path = Path(path)
        audio = load_audio(path)
        opts = self.options
        segments, info = self._whisper.transcribe(
            audio,
            language=self.language,
            beam_size=opts.beam_size,
            vad_filter=opts.vad,
            word_timestamps=opts.word_timestamps,
        )
        duration = len(audio) / SAMPLE_RATE
        audio_info = AudioInfo(path, duration, info.language, info.language_probability)
        return _convert(segments, duration), audio_info

    def transcribe_audio(self, audio, offset: float = 0.0) -> list[Segment]:
        """Transcribe float32 mono 16 kHz samples already in memory (a live utterance); segment
        times are shifted by ``offset`` seconds. No VAD: the caller already cut at pauses."""
        opts = self.options
        segments, _ = self._whisper.transcribe(
            audio,
            language=self.language,
            beam_size=opts.beam_size,
            vad_filter=False,
            condition_on_previous_text=False,
        )
        duration = len(audio) / SAMPLE_RATE
        return [
            dataclasses.replace(s, start=s.start + offset, end=s.end + offset)
            for s in _convert(segments, duration)
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
