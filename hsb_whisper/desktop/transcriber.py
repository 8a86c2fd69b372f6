"""Transcription with faster-whisper: the core shared by the command line and the app (no Qt).

A :class:`Transcriber` holds one loaded model. :meth:`Transcriber.transcribe` decodes a file,
refuses unusable audio with an :class:`~hsb_whisper.errors.AudioError` before any work starts, and
returns a lazy iterator of :class:`Segment` (as faster-whisper does) plus the file's
:class:`AudioInfo`. Progress is the ``end`` of each segment, in seconds of audio.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from hsb_whisper.audio import CHUNK_LENGTH, SAMPLE_RATE, AudioReader
from hsb_whisper.desktop.memory import release_freed_memory
from hsb_whisper.desktop.speakers import SpeakerTrack, label_segments
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
# Speech windows of up to 30 s decoded together by default (see the README's Performance
# section and benchmarks/transcribe_batched.py for the measurement that chose it).
DEFAULT_BATCH_SIZE = 8
# A batched window's text is cut into segments after a sentence's end, at a pause of at least
# SPLIT_PAUSE_S between words, and wherever needed to keep segments under MAX_SEGMENT_S.
SPLIT_PAUSE_S = 1.0
MAX_SEGMENT_S = 12.0
SENTENCE_END = (".", "!", "?", "…")
# faster-whisper's tests for a failed decoding (its defaults for the temperature fallback): a
# window failing them is decoded again sequentially, from its first speech region's start to
# its last one's end (the VAD's regions are already padded by 0.4 s).
COMPRESSION_RATIO_THRESHOLD = 2.4
LOG_PROB_THRESHOLD = -1.0
# A window decoded without timestamps can also stop (or start) its text early with a good log
# probability: 14 of 88 words, the middle of 26 s of speech, at avg_logprob -0.57 (issue 21).
# With at least CHECKED_SPEECH_S of speech (VAD), a window is decoded again when it has fewer
# than MIN_WORDS_PER_S words per second of that speech, or when MISSED_SPEECH_S of its speech
# lies before its first word or after its last. Speech is 2-3 words/s, and a second of the VAD's
# speech holds less (each region is padded by 0.4 s): 2.7 words/s in that recording as read,
# 2.62 the fewest in any of the 9 windows of benchmarks/transcribe_batched.py; the window above
# had 0.54. 5 s of speech is 10-15 words: far more than an end word's time error or a cough
# Whisper rightly leaves out. Below 5 s of speech a word count says little (a short answer and
# its padding). A false alarm costs only time: that window decoded sequentially.
CHECK_MISSING_WORDS = True  # benchmarks/transcribe_batched.py turns it off for its baseline
CHECKED_SPEECH_S = 5.0
MIN_WORDS_PER_S = 1.0
MISSED_SPEECH_S = 5.0
FRAMES_PER_SECOND = 100  # Whisper's mel frames (faster-whisper's segment "seek" counts them)
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
    # N > 0 labels exactly N (see hsb_whisper.desktop.speakers).
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
    speaker: str | None = None  # "S1", "S2", … with diarization; its name is in the Transcript


@dataclasses.dataclass(frozen=True)
class AudioInfo:
    path: Path
    duration: float  # seconds
    language: str  # the token used (forced or detected)
    language_probability: float  # 1.0 when forced
    # The voices of the recording, fed as it is read, when the options ask for speakers.
    speakers: SpeakerTrack | None = dataclasses.field(default=None, compare=False, repr=False)


# Characters a speaker's name never keeps: controls (C0, DEL, C1), format characters (bidi
# overrides, zero widths) and lone surrogates (undecodable bytes of a command line)
_UNSEEN_CATEGORIES = ("Cc", "Cf", "Cs")


def clean_speaker_name(name: str) -> str:
    """``name`` as files and the editor show it: control and format characters and lone
    surrogates removed (a control that is whitespace, like a tab, becomes a space), runs of
    whitespace one space; "" when no letter, digit, punctuation or symbol is left (a name of
    only U+200B)."""
    kept = "".join(
        " " if ch.isspace() else "" if unicodedata.category(ch) in _UNSEEN_CATEGORIES else ch
        for ch in name
    )
    kept = " ".join(kept.split())
    return kept if any(unicodedata.category(ch)[0] in "LNPS" for ch in kept) else ""


def speaker_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a speaker's name as given (see :func:`clean_speaker_name`), or
    None."""
    cleaned = clean_speaker_name(name)
    if not cleaned:
        return f"{name!r} has no visible character"
    if cleaned != " ".join(name.split()):
        return f"{name!r} holds control or invisible characters (or bytes that are not UTF-8)"
    return None


@dataclasses.dataclass
class Transcript:
    """A finished transcription: what the writers in :mod:`formats` take."""

    info: AudioInfo
    segments: list[Segment]
    model: str
    # Names given to speaker ids ("S1" → "Jan Nowak"); an id without a name is shown as itself.
    speaker_names: dict[str, str] = dataclasses.field(default_factory=dict)

    def speaker_name(self, speaker: str | None) -> str | None:
        """What a segment's speaker is called: its given name, else its id (None: no speaker)."""
        if speaker is None:
            return None
        return self.speaker_names.get(speaker) or speaker

    @property
    def speakers(self) -> list[str]:
        """The speaker ids of the segments, in order of first appearance."""
        return list(dict.fromkeys(s.speaker for s in self.segments if s.speaker is not None))

    # The editor's speaker edits (saved with the transcript: JSON keeps ids and names) ----------

    def rename_speaker(self, speaker: str, name: str) -> None:
        """Call ``speaker`` ``name`` everywhere (an empty name goes back to the id); the name is
        cleaned by :func:`clean_speaker_name` (a name with nothing visible goes back to the id)."""
        name = clean_speaker_name(name)
        if name and name != speaker:
            self.speaker_names[speaker] = name
        else:
            self.speaker_names.pop(speaker, None)

    def reassign(self, index: int, speaker: str | None) -> None:
        """Segment ``index`` was said by ``speaker`` (an id; None: by no one known)."""
        self.segments[index] = dataclasses.replace(self.segments[index], speaker=speaker)

    def merge_speakers(self, source: str, target: str) -> None:
        """``source`` and ``target`` are one person: ``source``'s segments become ``target``'s,
        and ``source``'s name is dropped (``target`` keeps its own)."""
        if source == target:
            return
        for i, segment in enumerate(self.segments):
            if segment.speaker == source:
                self.segments[i] = dataclasses.replace(segment, speaker=target)
        self.speaker_names.pop(source, None)

    def new_speaker(self) -> str:
        """An id no segment or name uses yet ("S3" after S1 and S2)."""
        used = {*self.speakers, *self.speaker_names}
        return next(f"S{n}" for n in range(1, len(used) + 2) if f"S{n}" not in used)


class Transcriber:
    """One loaded model and the options to run it with."""

    def __init__(self, model: LocalModel, options: TranscribeOptions | None = None) -> None:
        self.model = model
        self.options = options or TranscribeOptions()
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
        first = reader.read(_samples(PIECE_S + CUT_SEARCH_S))
        if reader.exhausted:  # a file of one piece: checked whole before anything is done
            reader.finish()
        return self._transcribe_reader(reader, first)

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
        piece, carry = _cut_at_pause(first)
        segments, info = self._transcribe_piece(piece, self.language)
        duration = reader.header_duration
        audio_info = AudioInfo(
            reader.path, duration, info.language, info.language_probability, _track(reader)
        )
        return self._pieces(reader, segments, len(piece), carry, info.language), audio_info

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
        """Batched decoding of one piece (see :meth:`_decode_batched`)."""
        speech = _Speech.find(audio)
        if not speech.chunks:  # nothing to decode; faster-whisper still names the language
            from faster_whisper import BatchedInferencePipeline

            return BatchedInferencePipeline(self._whisper).transcribe(
                audio, language=language, vad_filter=True
            )
        windows, info = self._decode_batched([speech], language)
        return self._watch(segment for _, segment in windows), info

    def _decode_batched(self, speeches: list[_Speech], language: str | None):
        """The speech of one or more recordings decoded ``batch`` windows at a time, with
        faster-whisper's batched pipeline: each recording's speech regions (Silero VAD) joined
        into windows of up to 30 s, every window encoded and decoded with others.

        The windows of all recordings are laid out one after the other, each at a whole second,
        and handed to the pipeline as clips, so that every window is exactly the samples
        faster-whisper's own VAD route would decode, whichever recordings share its batch.

        Each window is decoded without Whisper's timestamp tokens (with them, the last sentence
        of a full window was often left out: 3 points of WER on our 5-minute benchmark; without,
        within 0.4 points of sequential decoding) and with word times, at which its text is cut
        into sentence-sized segments (:func:`_split_window`). A window whose text looks wrong by
        faster-whisper's own tests (repetitive, or improbable), or that has far too few words for
        its speech (:func:`_words_missing`), is decoded again the sequential way, with its
        temperature fallback: batched decoding has none.

        Returns ``(index of the recording, segment)`` pairs, lazily, in order, with times from
        the start of that recording, and the pipeline's ``TranscriptionInfo``."""
        from faster_whisper import BatchedInferencePipeline

        clips, owner, placed, position = [], {}, [], 0
        for index, speech in enumerate(speeches):
            for chunk, offset, regions in zip(speech.chunks, speech.offsets, speech.groups):
                start = position / SAMPLE_RATE  # a whole second: exact as a float
                # +0.5 sample: the pipeline takes int(seconds × rate), which must not round down
                clips.append({"start": start, "end": (position + len(chunk) + 0.5) / SAMPLE_RATE})
                owner[round(start * FRAMES_PER_SECOND)] = (index, offset - start, regions)
                placed.append((position, chunk))
                position += -(-len(chunk) // SAMPLE_RATE) * SAMPLE_RATE
        laid_out = np.zeros(position, dtype=np.float32)
        for at, chunk in placed:
            laid_out[at : at + len(chunk)] = chunk
        opts = self.options
        windows, info = BatchedInferencePipeline(self._whisper).transcribe(
            laid_out,
            language=language,
            beam_size=opts.beam_size,
            batch_size=opts.batch,
            vad_filter=False,
            clip_timestamps=clips,
            word_timestamps=True,
            without_timestamps=True,
            no_repeat_ngram_size=NO_REPEAT_NGRAM_SIZE,
        )
        return self._windows(windows, speeches, owner, info.language), info

    def _windows(self, windows: Iterator, speeches, owner, language: str) -> Iterator:
        from faster_whisper.transcribe import restore_speech_timestamps

        keep_words = self.options.words
        for window in windows:
            index, shift, regions = owner[window.seek]
            speech = speeches[index]
            window = next(
                restore_speech_timestamps([_moved(window, shift)], speech.regions, SAMPLE_RATE)
            )
            if _looks_wrong(window) or (CHECK_MISSING_WORDS and _words_missing(window, regions)):
                start, end = regions[0]["start"] / SAMPLE_RATE, regions[-1]["end"] / SAMPLE_RATE
                log.debug("window %.1f–%.1f s decoded again: %r", start, end, window)
                for segment in self._redo(start, end, speech.audio, language):
                    yield index, segment
                continue
            for segment in _split_window(window):
                yield index, segment if keep_words else dataclasses.replace(segment, words=None)

    def _redo(self, start: float, end: float, audio, language: str) -> Iterator:
        """The sequential decoding of ``audio`` from ``start`` to ``end`` (seconds: one window's
        speech), times from the start of ``audio``. Always with word times, as the batched
        windows are decoded: sequential decoding moves on from a segment's last word when it has
        word times, so with them and without, its text may differ, and the text must not depend
        on whether words (or speakers, which need them) were asked for."""
        first, last = _samples(start), _samples(end)
        opts = self.options
        segments, _ = self._whisper.transcribe(
            audio[first:last],
            language=language,
            beam_size=opts.beam_size,
            vad_filter=True,
            word_timestamps=True,
            no_repeat_ngram_size=NO_REPEAT_NGRAM_SIZE,
        )
        for segment in segments:
            segment = _moved(segment, first / SAMPLE_RATE)
            yield segment if opts.words else dataclasses.replace(segment, words=None)

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
                first = reader.read(_samples(PIECE_S + CUT_SEARCH_S))
                if reader.exhausted:
                    reader.finish()
            except Exception as e:  # reported in its place, in order
                group.append((path, e))
                continue
            if reader.exhausted and len(first) <= _samples(CHUNK_LENGTH):
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
            speeches = [_Speech.find(audio) for _, audio in audios]
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
        if info.speakers is not None:
            turns = info.speakers.turns(self.options.speakers or 0)
            segments = label_segments(segments, turns)
            if not self.options.word_timestamps:
                segments = [dataclasses.replace(s, words=()) for s in segments]
        return Transcript(info, segments, self.model.name)


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


def _looks_wrong(window) -> bool:
    """faster-whisper's reasons to decode a window again at a higher temperature: text that
    compresses too well (a repetition loop) or an average log probability below the threshold."""
    return (
        window.compression_ratio > COMPRESSION_RATIO_THRESHOLD
        or window.avg_logprob < LOG_PROB_THRESHOLD
    )


def _words_missing(window, regions: list[dict]) -> bool:
    """Whether a window (word times from the start of its recording) has far too few words for
    the speech its VAD ``regions`` (samples) hold: fewer than :data:`MIN_WORDS_PER_S` a second,
    or :data:`MISSED_SPEECH_S` of speech before its first word or after its last. Windows of
    less than :data:`CHECKED_SPEECH_S` of speech are not judged."""
    speech = sum(r["end"] - r["start"] for r in regions) / SAMPLE_RATE
    if speech < CHECKED_SPEECH_S:
        return False
    words = [w for w in window.words or () if w.word.strip()]
    if len(words) < MIN_WORDS_PER_S * speech:
        return True
    first, last = _samples(words[0].start), _samples(words[-1].end)
    missed = sum(
        max(0, min(r["end"], first) - r["start"]) + max(0, r["end"] - max(r["start"], last))
        for r in regions
    )
    return missed / SAMPLE_RATE >= MISSED_SPEECH_S


def _split_window(window) -> list:
    """One batched window (faster-whisper ``Segment`` with word times) as segments of about a
    sentence: cut after a word that ends a sentence and at pauses of :data:`SPLIT_PAUSE_S`, then
    any part longer than :data:`MAX_SEGMENT_S` at its longest pause (a comma counts as
    a pause of half a second). Written here: faster-whisper's batched pipeline returns one
    segment per window when it decodes without timestamp tokens."""
    words = [w for w in window.words or () if w.word.strip()]
    if not words:
        return [window] if window.text.strip() else []
    groups: list[list] = [[words[0]]]
    for before, word in itertools.pairwise(words):
        ends = before.word.strip().rstrip("\"')]»“”").endswith(SENTENCE_END)
        if ends or word.start - before.end >= SPLIT_PAUSE_S:
            groups.append([word])
        else:
            groups[-1].append(word)
    parts = [part for group in groups for part in _shorten(group)]
    return [
        dataclasses.replace(
            window,
            start=part[0].start,
            end=part[-1].end,
            text="".join(w.word for w in part),
            words=part,
            tokens=[],
        )
        for part in parts
    ]


def _shorten(words: list) -> list[list]:
    if len(words) < 2 or words[-1].end - words[0].start <= MAX_SEGMENT_S:
        return [words]

    def pause(i: int) -> float:  # before words[i]
        comma = 0.5 if words[i - 1].word.strip().endswith((",", ";", ":", "–")) else 0.0
        return words[i].start - words[i - 1].end + comma

    cut = max(range(1, len(words)), key=pause)
    return _shorten(words[:cut]) + _shorten(words[cut:])


@dataclasses.dataclass
class _Speech:
    """One recording (or piece) prepared for batched decoding: its speech regions (samples) and
    the windows of up to 30 s they are joined into, with each window's start in the speech-only
    time line (seconds), as faster-whisper's batched pipeline makes them, and the regions each
    window holds."""

    audio: np.ndarray
    regions: list[dict]
    chunks: list[np.ndarray]
    offsets: list[float]
    groups: list[list[dict]]

    @classmethod
    def find(cls, audio: np.ndarray) -> _Speech:
        from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

        options = VadOptions(max_speech_duration_s=CHUNK_LENGTH, min_silence_duration_ms=160)
        regions = get_speech_timestamps(audio, options, SAMPLE_RATE)
        if not regions:
            return cls(audio, [], [], [], [])
        chunks, metadata = collect_chunks(audio, regions, SAMPLE_RATE, CHUNK_LENGTH)
        # a window is its regions' samples joined: take regions until they fill its length
        # (not the metadata's "segments", which leave out the first region of every window
        # but the first)
        groups, left = [], iter(regions)
        for chunk in chunks:
            group, filled = [], 0
            while filled < len(chunk):
                group.append(next(left))
                filled += group[-1]["end"] - group[-1]["start"]
            groups.append(group)
        return cls(audio, regions, chunks, [m["offset"] for m in metadata], groups)


def _moved(segment, seconds: float):
    """A faster-whisper segment (and its words) ``seconds`` later."""
    words = [
        dataclasses.replace(w, start=w.start + seconds, end=w.end + seconds)
        for w in segment.words or ()
    ]
    return dataclasses.replace(
        segment, start=segment.start + seconds, end=segment.end + seconds, words=words or None
    )
