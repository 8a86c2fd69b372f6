"""Batched decoding: the speech of one or more recordings decoded several 30-second windows at a
time with faster-whisper's :class:`~faster_whisper.BatchedInferencePipeline`, each window's text
cut into sentence-sized segments and checked, and a failed window decoded again sequentially.

Every faster-whisper internal the transcription relies on is used here and nowhere else: the
Silero VAD functions (``get_speech_timestamps``, ``collect_chunks``, ``VadOptions``), the
pipeline's ``clip_timestamps`` and ``without_timestamps``, a segment's ``seek`` (in mel frames)
and ``restore_speech_timestamps``. :func:`missing_internals` lists what of that a faster-whisper
release no longer has; the test suite fails loudly on an upgrade that moves them.
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import logging
from collections.abc import Iterator

import numpy as np

from hsb_whisper.audio import CHUNK_LENGTH, SAMPLE_RATE

log = logging.getLogger(__name__)

WINDOW_S = CHUNK_LENGTH  # a window of speech holds up to this many seconds
# The guard against repetition loops (a fine-tuned model once turned "o sto čtyřicet čtyři" into 38
# repeated "s"): no run of this many tokens is generated twice in a clip. Evaluation's decoding
# has no temperature fallback (it would sample), so there this is what stops a loop; ordinary
# speech does not repeat 10 tokens within 30 s. transcribe, the app and evaluate use this value.
NO_REPEAT_NGRAM_SIZE = 10
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


@dataclasses.dataclass
class Speech:
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
    def find(cls, audio: np.ndarray) -> Speech:
        from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

        options = VadOptions(max_speech_duration_s=WINDOW_S, min_silence_duration_ms=160)
        regions = get_speech_timestamps(audio, options, SAMPLE_RATE)
        if not regions:
            return cls(audio, [], [], [], [])
        chunks, metadata = collect_chunks(audio, regions, SAMPLE_RATE, WINDOW_S)
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


def decode(
    whisper,
    speeches: list[Speech],
    language: str | None,
    *,
    beam_size: int,
    batch_size: int,
    keep_words: bool,
):
    """The speech of one or more recordings decoded ``batch_size`` windows at a time by
    ``whisper`` (a faster-whisper ``WhisperModel``): each recording's speech regions (Silero VAD)
    joined into windows of up to 30 s, every window encoded and decoded with others.

    The windows of all recordings are laid out one after the other, each at a whole second,
    and handed to the pipeline as clips, so that every window is exactly the samples
    faster-whisper's own VAD route would decode, whichever recordings share its batch.

    Each window is decoded without Whisper's timestamp tokens (with them, the last sentence
    of a full window was often left out: 3 points of WER on our 5-minute benchmark; without,
    within 0.4 points of sequential decoding) and with word times, at which its text is cut
    into sentence-sized segments (:func:`_split_window`). A window whose text looks wrong by
    faster-whisper's own tests (repetitive, or improbable), or that has far too few words for
    its speech (:func:`_words_missing`), is decoded again the sequential way, with its
    temperature fallback (:func:`decode_again`): batched decoding has none.

    Returns ``(index of the recording, segment)`` pairs, lazily, in order, with times from
    the start of that recording (faster-whisper segments; words only with ``keep_words``),
    and the pipeline's ``TranscriptionInfo``."""
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
    windows, info = BatchedInferencePipeline(whisper).transcribe(
        laid_out,
        language=language,
        beam_size=beam_size,
        batch_size=batch_size,
        vad_filter=False,
        clip_timestamps=clips,
        word_timestamps=True,
        without_timestamps=True,
        no_repeat_ngram_size=NO_REPEAT_NGRAM_SIZE,
    )
    checked = _checked(whisper, windows, speeches, owner, info.language, beam_size, keep_words)
    return checked, info


def decode_nothing(whisper, audio: np.ndarray, language: str | None):
    """A piece without speech: no window to decode, but faster-whisper still names the language
    (detected or given) and returns its ``TranscriptionInfo``."""
    from faster_whisper import BatchedInferencePipeline

    return BatchedInferencePipeline(whisper).transcribe(audio, language=language, vad_filter=True)


def _checked(whisper, windows, speeches, owner, language, beam_size, keep_words) -> Iterator:
    from faster_whisper.transcribe import restore_speech_timestamps

    for window in windows:
        index, shift, regions = owner[window.seek]
        speech = speeches[index]
        window = next(
            restore_speech_timestamps([_moved(window, shift)], speech.regions, SAMPLE_RATE)
        )
        if _looks_wrong(window) or (CHECK_MISSING_WORDS and _words_missing(window, regions)):
            start, end = regions[0]["start"] / SAMPLE_RATE, regions[-1]["end"] / SAMPLE_RATE
            log.debug("window %.1f–%.1f s decoded again: %r", start, end, window)
            again = decode_again(whisper, speech.audio, start, end, language, beam_size)
            for segment in again:
                yield index, segment if keep_words else dataclasses.replace(segment, words=None)
            continue
        for segment in _split_window(window):
            yield index, segment if keep_words else dataclasses.replace(segment, words=None)


def decode_again(
    whisper, audio: np.ndarray, start: float, end: float, language: str, beam_size: int
) -> Iterator:
    """The sequential decoding of ``audio`` from ``start`` to ``end`` (seconds: one window's
    speech), times from the start of ``audio``. Always with word times, as the batched
    windows are decoded: sequential decoding moves on from a segment's last word when it has
    word times, so with them and without, its text may differ, and the text must not depend
    on whether words (or speakers, which need them) were asked for."""
    first, last = _samples(start), _samples(end)
    segments, _ = whisper.transcribe(
        audio[first:last],
        language=language,
        beam_size=beam_size,
        vad_filter=True,
        word_timestamps=True,
        no_repeat_ngram_size=NO_REPEAT_NGRAM_SIZE,
    )
    for segment in segments:
        yield _moved(segment, first / SAMPLE_RATE)


def cut_at_pause(audio: np.ndarray, search_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Split a buffer of a piece + ``search_s`` seconds in the middle of the longest pause in its
    last 2 × ``search_s`` seconds (no pause at all: ``search_s`` before its end), so that no word
    is cut in two."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    start = max(0, len(audio) - _samples(2 * search_s))
    window = audio[start:]
    speech = get_speech_timestamps(
        window, VadOptions(min_silence_duration_ms=100, speech_pad_ms=0), SAMPLE_RATE
    )
    edges = [0] + [x for s in speech for x in (s["start"], s["end"])] + [len(window)]
    gaps = [(edges[i + 1] - edges[i], edges[i], edges[i + 1]) for i in range(0, len(edges), 2)]
    length, gap_start, gap_end = max(gaps)
    cut = start + (gap_start + gap_end) // 2 if length > 0 else len(audio) - _samples(search_s)
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


def _moved(segment, seconds: float):
    """A faster-whisper segment (and its words) ``seconds`` later."""
    words = [
        dataclasses.replace(w, start=w.start + seconds, end=w.end + seconds)
        for w in segment.words or ()
    ]
    return dataclasses.replace(
        segment, start=segment.start + seconds, end=segment.end + seconds, words=words or None
    )


def missing_internals() -> list[str]:
    """What of faster-whisper this module relies on that the installed release lacks (empty:
    all there). Names, parameters and fields, checked without loading a model."""
    import faster_whisper
    import faster_whisper.transcribe as fw_transcribe
    import faster_whisper.vad as fw_vad

    needed = {
        fw_vad.get_speech_timestamps: ("audio", "vad_options", "sampling_rate"),
        fw_vad.collect_chunks: ("audio", "chunks", "sampling_rate", "max_duration"),
        fw_transcribe.restore_speech_timestamps: ("segments", "speech_chunks", "sampling_rate"),
        faster_whisper.BatchedInferencePipeline.transcribe: (
            "language",
            "beam_size",
            "batch_size",
            "vad_filter",
            "clip_timestamps",
            "word_timestamps",
            "without_timestamps",
            "no_repeat_ngram_size",
        ),
        fw_vad.VadOptions: ("max_speech_duration_s", "min_silence_duration_ms", "speech_pad_ms"),
    }
    missing = []
    for function, parameters in needed.items():
        have = inspect.signature(function).parameters
        name = f"{function.__module__}.{function.__qualname__}"
        missing += [f"{name}({p}=)" for p in parameters if p not in have]
    fields = {
        fw_transcribe.Segment: (
            "seek",
            "start",
            "end",
            "text",
            "tokens",
            "words",
            "avg_logprob",
            "compression_ratio",
            "no_speech_prob",
            "temperature",
        ),
        fw_transcribe.Word: ("start", "end", "word", "probability"),
    }
    for cls, names in fields.items():
        have = {f.name for f in dataclasses.fields(cls)}
        missing += [f"{cls.__module__}.{cls.__qualname__}.{n}" for n in names if n not in have]
    return missing


def _samples(seconds: float) -> int:
    return round(seconds * SAMPLE_RATE)
