"""The transcription engine: faster-whisper on a model of the store, shared by the command line
and the app (no Qt).

A :class:`Transcriber` holds one loaded model. :meth:`Transcriber.transcribe` decodes a file,
refuses unusable audio with an :class:`~hsb_whisper.errors.AudioError` before any work starts, and
returns a lazy iterator of :class:`~.transcript.Segment` (as faster-whisper does) plus the file's
:class:`~.transcript.AudioInfo`. Progress is the ``end`` of each segment, in seconds of audio.
Batched decoding, built on faster-whisper's internals, is in :mod:`.batched`; the transcript
model and its speaker edits in :mod:`.transcript`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from hsb_whisper.audio import SAMPLE_RATE, AudioReader
from hsb_whisper.errors import ModelError, OptionError
from hsb_whisper.export import COMPUTE_TYPES, LocalModel
from hsb_whisper.offline import forbid_hub_downloads
from hsb_whisper.parallel import available_cores
from hsb_whisper.transcription import batched
from hsb_whisper.transcription.batched import NO_REPEAT_NGRAM_SIZE
from hsb_whisper.transcription.memory import release_freed_memory
from hsb_whisper.transcription.speakers import SpeakerTrack, Turn, label_segments
from hsb_whisper.transcription.transcript import AudioInfo, Segment, Transcript, Word

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
# Speech windows of up to 30 s decoded together by default (see the README's Performance
# section and benchmarks/transcribe_batched.py for the measurement that chose it).
DEFAULT_BATCH_SIZE = 8
MAX_SPEAKERS = 20  # --speakers N: more is a mistake (ELAN and the editor list one tier/row each)


@dataclasses.dataclass(frozen=True)
class TranscribeOptions:
    language: str | None = None  # Whisper language token; None: the model's; "auto": detect
    beam_size: int = 5  # 1 is greedy decoding: faster, slightly less accurate
    compute_type: str = "int8"  # weight/activation type for CTranslate2; int8 is fastest on CPU
    device: str = "cpu"
    threads: int = 0  # CPU threads; 0: one per available core
    vad: bool = True  # skip non-speech with Silero VAD (avoids hallucinations in long pauses)
    word_timestamps: bool = False
    # Speech windows decoded together (faster-whisper's batched pipeline); 1: one window after
    # the other, each conditioned on the text before it; None: DEFAULT_BATCH_SIZE with the VAD
    # (batching needs its cuts), 1 without.
    batch_size: int | None = None
    # Who spoke when: None leaves segments without speakers; 0 finds the number of speakers;
    # N > 0 labels exactly N (see hsb_whisper.transcription.speakers).
    speakers: int | None = None

    def __post_init__(self) -> None:
        if self.speakers is not None and not 0 <= self.speakers <= MAX_SPEAKERS:
            raise OptionError(
                f"the number of speakers must be 'auto' or 1 to {MAX_SPEAKERS}, not {self.speakers}"
            )
        if self.beam_size < 1:
            raise OptionError(f"beam size must be at least 1, not {self.beam_size}")
        if self.batch_size is not None and self.batch_size < 1:
            raise OptionError(f"batch size must be at least 1, not {self.batch_size}")
        if self.batch_size is not None and self.batch_size > 1 and not self.vad:
            raise OptionError(
                f"batch size {self.batch_size} needs voice activity detection (batched decoding "
                "cuts the audio at the pauses it finds); use batch size 1 without it"
            )
        if self.compute_type not in COMPUTE_TYPES:
            raise OptionError(
                f"unknown compute type {self.compute_type!r}; "
                f"choose one of {', '.join(COMPUTE_TYPES)}"
            )
        if self.device not in DEVICES:
            raise OptionError(f"unknown device {self.device!r}; choose one of {', '.join(DEVICES)}")
        if self.threads < 0:
            raise OptionError(f"threads must be 0 (all cores) or more, not {self.threads}")

    @property
    def words(self) -> bool:
        """Whether word times are needed: asked for, or to split segments at speaker changes."""
        return self.word_timestamps or self.speakers is not None

    @property
    def batch(self) -> int:
        """The batch size used: the one given, else the default for the VAD setting."""
        if self.batch_size is not None:
            return self.batch_size
        return DEFAULT_BATCH_SIZE if self.vad else 1


class Transcriber:
    """One loaded model and the options to run it with."""

    def __init__(
        self,
        model: LocalModel,
        options: TranscribeOptions | None = None,
        *,
        piece_s: float | None = None,
    ) -> None:
        self.model = model
        self.options = options or TranscribeOptions()
        # the length of a long recording's pieces; None: PIECE_S (read when a file starts)
        self.piece_s = piece_s
        self._encoder = None  # the speaker encoder, loaded when first needed
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
        release_freed_memory()  # the float16 file and its float32 conversions: ~36 MB

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
        reader = self._open(path)
        first = reader.read(self.first_read())
        if reader.exhausted:  # a file of one piece: checked whole before anything is done
            reader.finish()
        return self._transcribe_reader(reader, first)

    def first_read(self) -> int:
        """How many samples are read first: a file that ends within them is one piece."""
        return _samples((self.piece_s or PIECE_S) + CUT_SEARCH_S)

    def open(self, path: str | Path) -> AudioReader:
        """``path``'s reader as :meth:`transcribe` reads it (with speakers asked for, every
        read also feeds the file's speaker track: ``info.speakers``)."""
        return self._open(path)

    def speaker_turns(self, reader: AudioReader) -> list[Turn] | None:
        """Who spoke when in the file ``reader`` (from :meth:`open`) has read to its end; None
        when the options ask for no speakers."""
        track = _track(reader)
        return None if track is None else track.turns(self.options.speakers or 0)

    def _open(self, path: str | Path) -> AudioReader:
        """The file's reader; with speakers asked for, one that feeds every piece it reads to
        the file's :class:`SpeakerTrack` (so the voices are embedded as the file is read)."""
        reader = AudioReader(path)
        if self.options.speakers is not None:
            return _Listened(reader, SpeakerTrack(self._speaker_encoder()))
        return reader

    def _speaker_encoder(self):
        if self._encoder is None:
            from hsb_whisper.export.speaker_encoder import SpeakerEncoder

            self._encoder = SpeakerEncoder(threads=self.options.threads or available_cores())
        return self._encoder

    def _transcribe_reader(self, reader: AudioReader, first: np.ndarray):
        """:meth:`transcribe` once the first piece is read (and, if it is the whole file,
        checked)."""
        self._fresh_sampler()
        if reader.exhausted:
            segments, info = self._transcribe_piece(first, self.language)
            duration = len(first) / SAMPLE_RATE
            audio_info = AudioInfo(
                reader.path, duration, info.language, info.language_probability, _track(reader)
            )
            return _convert(segments, duration), audio_info
        pieces = cut_pieces(reader, first, self.piece_s or PIECE_S)
        piece = next(pieces)
        segments, info = self._transcribe_piece(piece, self.language)
        duration = reader.header_duration
        audio_info = AudioInfo(
            reader.path, duration, info.language, info.language_probability, _track(reader)
        )
        return self._pieces(pieces, segments, len(piece), info.language), audio_info

    def _transcribe_piece(self, audio, language: str | None):
        opts = self.options
        if opts.batch > 1:
            return self._transcribe_batched(audio, language)
        segments, info = self._whisper.transcribe(
            audio,
            language=language,
            beam_size=opts.beam_size,
            vad_filter=opts.vad,
            word_timestamps=opts.words,
            no_repeat_ngram_size=NO_REPEAT_NGRAM_SIZE,
        )
        return self._watch(segments), info

    def _transcribe_batched(self, audio, language: str | None):
        """Batched decoding of one piece (see :func:`.batched.decode`)."""
        speech = batched.Speech.find(audio)
        if not speech.chunks:  # nothing to decode; faster-whisper still names the language
            return batched.decode_nothing(self._whisper, audio, language)
        windows, info = self._decode_batched([speech], language)
        return self._watch(segment for _, segment in windows), info

    def _decode_batched(self, speeches: list[batched.Speech], language: str | None):
        """``(index of the recording, segment)`` pairs and the pipeline's info: see
        :func:`.batched.decode`."""
        return batched.decode(
            self._whisper,
            speeches,
            language,
            beam_size=self.options.beam_size,
            batch_size=self.options.batch,
            keep_words=self.options.words,
        )

    def transcribe_many(self, paths) -> Iterator[tuple[Path, tuple | Exception]]:
        """Transcribe several files: ``(path, (segments, info))`` for each, in order, or
        ``(path, error)`` for a file that failed (the others still go on). Consume each file's
        segments before asking for the next file.

        With batching and a given language, recordings of up to 30 s are decoded together,
        ``batch`` of them at a time, each to the same text as on its own: a folder of short
        clips is then as fast to transcribe as one long recording. Longer files, or with the
        language detected per file, go one at a time (:meth:`transcribe`)."""
        batch = self.options.batch if self.language is not None else 1
        group: list[tuple[Path, np.ndarray | Exception]] = []
        tracks: dict[Path, SpeakerTrack | None] = {}
        for path in paths:
            if batch == 1:
                yield path, self._attempt(self.transcribe, path)
                continue
            try:
                reader = self._open(path)
                first = reader.read(self.first_read())
                if reader.exhausted:
                    reader.finish()
            except Exception as e:  # reported in its place, in order
                group.append((path, e))
                continue
            if reader.exhausted and len(first) <= _samples(batched.WINDOW_S):
                tracks[path] = _track(reader)
                group.append((path, first))
                if sum(isinstance(a, np.ndarray) for _, a in group) == batch:
                    yield from self._group(group, tracks)
                    group = []
                continue
            yield from self._group(group, tracks)
            group = []
            yield path, self._attempt(self._transcribe_reader, reader, first)
        yield from self._group(group, tracks)

    @staticmethod
    def _attempt(function, *args):
        try:
            return function(*args)
        except Exception as e:
            return e

    def _group(self, group: list[tuple[Path, np.ndarray | Exception]], tracks: dict):
        """Short recordings decoded together; each file's result (or error) in order."""
        audios = [(path, a) for path, a in group if isinstance(a, np.ndarray)]
        done: dict[Path, list] = {path: [] for path, _ in audios}
        try:
            self._fresh_sampler()
            speeches = [batched.Speech.find(audio) for _, audio in audios]
            if any(s.chunks for s in speeches):
                windows, _ = self._decode_batched(speeches, self.language)
                for index, segment in windows:
                    self._sampled |= segment.temperature > 0
                    done[audios[index][0]].append(segment)
        except Exception as e:  # the whole group failed: each of its files says so
            done = {path: e for path, _ in audios}
        for path, audio in group:
            if not isinstance(audio, np.ndarray):
                yield path, audio
            elif isinstance(done[path], Exception):
                yield path, done[path]
            else:
                duration = len(audio) / SAMPLE_RATE
                info = AudioInfo(path, duration, self.language, 1.0, tracks.pop(path, None))
                yield path, (_convert(iter(done[path]), duration), info)

    def _pieces(self, pieces, segments, consumed: int, language: str) -> Iterator[Segment]:
        """The segments of every piece of a long file, in order, times from the file's start.
        Later pieces are forced to the first piece's language (detected or given), and each is
        transcribed as by a freshly loaded model (:meth:`_fresh_sampler`), so that a piece's
        text depends on its samples and the language only: what lets ``hsb-whisper archive``
        transcribe the pieces of one file on different workers to the same text."""
        offset = 0
        while True:
            for segment in _convert(segments, consumed / SAMPLE_RATE):
                yield _shifted(segment, offset / SAMPLE_RATE)
            offset += consumed
            piece = next(pieces, None)
            if piece is None:
                return
            self._fresh_sampler()
            segments, _ = self._transcribe_piece(piece, language)
            consumed = len(piece)

    def transcribe_piece(self, audio: np.ndarray, language: str | None, offset: float):
        """One piece of a long recording (float32 mono 16 kHz samples, from
        :func:`cut_pieces`) transcribed as :meth:`transcribe` transcribes it: its segments, times
        from the file's start (the piece starts ``offset`` seconds in), and the language used
        (``language``, or detected when None: a file's first piece)."""
        self._fresh_sampler()
        segments, info = self._transcribe_piece(audio, language)
        duration = len(audio) / SAMPLE_RATE
        shifted = [_shifted(s, offset) for s in _convert(segments, duration)]
        return shifted, info.language, info.language_probability

    def transcribe_audio(
        self, audio, offset: float = 0.0, beam_size: int | None = None
    ) -> list[Segment]:
        """Transcribe float32 mono 16 kHz samples already in memory (a live utterance); segment
        times are shifted by ``offset`` seconds. No VAD: the caller already cut at pauses.
        ``beam_size`` overrides the options' (the app's live preview decodes greedily with the
        model its files use: one model in memory, not two)."""
        self._fresh_sampler()
        segments, _ = self._whisper.transcribe(
            audio,
            language=self.language,
            beam_size=beam_size or self.options.beam_size,
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
        return self.finish(info, list(segments))

    def finish(self, info: AudioInfo, segments: list[Segment]) -> Transcript:
        """The transcript of a file whose segments (from :meth:`transcribe`) have all been
        read: with speakers when the options ask for them (each segment labelled, and split
        where the speaker changes), and word times only when the options ask for those."""
        turns = None
        if info.speakers is not None:
            turns = info.speakers.turns(self.options.speakers or 0)
        return finish_transcript(info, segments, turns, self.options, self.model.name)


def finish_transcript(
    info: AudioInfo,
    segments: list[Segment],
    turns: list[Turn] | None,
    options: TranscribeOptions,
    model_name: str,
) -> Transcript:
    """:meth:`Transcriber.finish` without a loaded model: ``turns`` are the file's speaker turns
    (``info.speakers.turns(...)``; None without speakers). ``hsb-whisper archive`` joins a long
    file's pieces with it, the turns found by the worker that read the whole file."""
    if turns is not None:
        segments = label_segments(segments, turns)
        if not options.word_timestamps:
            segments = [dataclasses.replace(s, words=()) for s in segments]
    return Transcript(info, segments, model_name)


def cut_pieces(reader: AudioReader, first: np.ndarray, piece_s: float) -> Iterator[np.ndarray]:
    """The pieces a long recording is transcribed in, in order: ``first`` (the first
    ``piece_s`` + :data:`CUT_SEARCH_S` seconds read) and what ``reader`` reads after it, each
    cut at a pause (:func:`.batched.cut_at_pause`) within :data:`CUT_SEARCH_S` of its end, the
    last one whatever is left. Reads only as it goes (memory: one piece), and checks the whole
    file (``reader.finish``) after the last piece. The one place the cut points are made: the
    transcriber and ``hsb-whisper archive`` (which spreads the pieces over workers) use it."""
    buffer = first
    while True:
        if reader.exhausted:
            if len(buffer):
                yield buffer
            reader.finish()
            return
        piece, carry = batched.cut_at_pause(buffer, CUT_SEARCH_S)
        yield piece
        more = reader.read(_samples(piece_s + CUT_SEARCH_S) - len(carry))
        buffer = np.concatenate([carry, more])


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


class _Listened:
    """An :class:`AudioReader` whose every read is also fed to a :class:`SpeakerTrack`."""

    def __init__(self, reader: AudioReader, track: SpeakerTrack) -> None:
        self._reader = reader
        self.track = track

    def read(self, n: int) -> np.ndarray:
        samples = self._reader.read(n)
        self.track.feed(samples)
        release_freed_memory()  # the VAD's and encoder's work memory, before Whisper's
        return samples

    def __getattr__(self, name: str):
        return getattr(self._reader, name)


def _track(reader) -> SpeakerTrack | None:
    return getattr(reader, "track", None)


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
