"""How good a model is for the user: its word error rate on the user's own corrected speech.

The test set is every *confirmed* segment of the saved transcripts (the app's autosave in
:func:`hsb_whisper.paths.transcripts_dir`, or any ``transcribe -f json`` output, JSON format 2):
its current text is the reference. The hypothesis is

- for a transcript the model wrote itself (``transcript.model`` is its name): what it wrote,
  ``segment.model_text`` — nothing is decoded;
- for a transcript another model wrote: the segment's span of the recording (only that span is
  read) decoded now by the model, through :mod:`~hsb_whisper.evaluation.decoding` with the
  options ``evaluate`` uses (the model's own language token, greedy, no timestamps), so that any
  model gets a figure on the same corrections.

So the two kinds of hypothesis are not made the same way: the model's own text came from a
transcription (voice activity detection, timestamps, its beam), a decoded one from the
evaluation decoder. The score says how many segments were decoded.

The transcripts are read and chosen as ``data import-corrections`` reads and chooses them
(:mod:`hsb_whisper.data.corrections`): a recording the user excluded from training, in any of its
transcripts, is private and skipped (and counted); of several transcripts of one recording the
newest counts, so no speech counts twice. A transcript that cannot be read, or whose recording
cannot be read where decoding needs it, is one line in :attr:`CorrectionsScore.problems`; the
others still count. Rates are corpus rates (total errors / total reference words), as in
:mod:`~hsb_whisper.evaluation.metrics`.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from hsb_whisper.audio import SAMPLE_RATE, read_spans
from hsb_whisper.data.corrections import read_transcript, recording_path, transcript_files
from hsb_whisper.errors import AudioError, HsbWhisperError, OptionError
from hsb_whisper.evaluation.decoding import (
    ENGINES,
    HF_PRECISION,
    CT2Decoder,
    DecodingOptions,
    HFDecoder,
    open_decoder,
)
from hsb_whisper.evaluation.evaluate import ModelSource, engine_label, resolve_model
from hsb_whisper.evaluation.metrics import (
    UtteranceScore,
    corpus_scores,
    score_utterances,
    write_evaluation,
)
from hsb_whisper.export import COMPUTE_TYPES, DEFAULT_LANGUAGE
from hsb_whisper.transcription.transcript import Segment, Transcript

log = logging.getLogger(__name__)

__all__ = ["CorrectionsScore", "RecordingScore", "corrections_wer"]

NOT_DECODED = "none: the model's own transcripts"  # the report's engine when nothing was decoded

# (segments decoded so far, segments to decode)
Progress = Callable[[int, int], None]


@dataclasses.dataclass(frozen=True)
class RecordingScore:
    """One transcript's share of the figure."""

    transcript: Path  # the saved transcript
    audio: Path  # its recording
    written_by: str  # the model that wrote the transcript
    decoded: bool  # True: its hypotheses were decoded now (another model wrote it)
    segments: int  # confirmed segments counted
    words: int  # reference words
    seconds: float  # of speech: the segments' spans
    wer: float
    cer: float


@dataclasses.dataclass(frozen=True)
class CorrectionsScore:
    """The model's corpus WER and CER on the confirmed segments, and what is behind them.
    ``wer`` and ``cer`` are None when no segment counted (``segments == 0``)."""

    model: str  # the model's name
    wer: float | None
    cer: float | None
    words: int  # reference words
    segments: int  # confirmed segments counted
    recordings: int  # transcripts with a counted segment
    seconds: float  # of speech in the counted segments
    decoded_segments: int  # decoded now; the rest are the model's own text
    skipped_excluded: int  # transcripts with confirmed segments of recordings kept private
    skipped_other_models: int  # with confirmed segments, written by another model (``only_own``)
    skipped_duplicates: int  # older transcripts of a recording a newer one counts for
    problems: tuple[str, ...]  # one line per transcript or recording that could not be used
    per_recording: tuple[RecordingScore, ...]
    utterances: tuple[UtteranceScore, ...]  # per segment, for the report
    options: DecodingOptions  # how segments were (or would have been) decoded
    engine: str  # the decoding engine ("faster-whisper" or "transformers")
    precision: str  # what it computed in ("int8", "float32", …)
    model_path: Path | None = None

    @property
    def decoder(self) -> str:
        """The engine and precision as reports name them, e.g. ``faster-whisper (int8)``."""
        return engine_label(self.engine, self.precision)

    @property
    def minutes(self) -> float:
        return self.seconds / 60

    def write(self, out: Path, name: str | None = None) -> dict[str, Any]:
        """Write the evaluation folder (as ``evaluate`` on a manifest does: utterances.csv,
        summary.json, wer_histogram.png; the summary's meta holds the corrections' facts and
        the per-recording table) and return the summary."""
        decoded = self.decoded_segments > 0
        meta = {
            "model": self.model,
            "model_path": str(self.model_path) if self.model_path else None,
            "test_set": "your corrections (confirmed segments of saved transcripts)",
            "engine": self.engine if decoded else NOT_DECODED,
            "precision": self.precision if decoded else None,
            "language": self.options.language,
            "beam_size": self.options.beam_size,
            "max_new_tokens": self.options.max_new_tokens,
            "corrections": {  # (paths are written as text)
                "words": self.words,
                "segments": self.segments,
                "recordings": self.recordings,
                "seconds": self.seconds,
                "decoded_segments": self.decoded_segments,
                "skipped_excluded": self.skipped_excluded,
                "skipped_other_models": self.skipped_other_models,
                "skipped_duplicates": self.skipped_duplicates,
                "problems": list(self.problems),
                "per_recording": [dataclasses.asdict(r) for r in self.per_recording],
            },
        }
        return write_evaluation(out, name or self.model, self.utterances, meta)


@dataclasses.dataclass(frozen=True)
class _Recording:
    """A readable transcript with confirmed segments that counts."""

    path: Path
    transcript: Transcript
    audio: Path  # its recording, absolute
    confirmed: list[tuple[int, Segment]]  # (index in the transcript, segment)
    own: bool  # written by the model being evaluated


def corrections_wer(
    model: str | ModelSource,
    sources: Sequence[Path] | None = None,
    *,
    only_own: bool = False,
    language: str | None = None,
    beam_size: int = 1,
    engine: str = "faster-whisper",
    compute_type: str = "int8",
    progress: Progress | None = None,
) -> CorrectionsScore:
    """``model``'s WER on the confirmed segments of the transcripts in ``sources`` (files or
    folders; ``None``: the app's transcripts folder). ``only_own``: only transcripts ``model``
    wrote (nothing is decoded). The other options are ``evaluate``'s, for the segments that are
    decoded; ``progress`` is told (decoded so far, to decode) after each one."""
    source = model if isinstance(model, ModelSource) else resolve_model(model)
    name = source.name or Path(source.path).name
    if engine not in ENGINES:
        raise OptionError(f"engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if compute_type not in COMPUTE_TYPES:
        raise OptionError(
            f"compute type {compute_type!r}; choose one of {', '.join(COMPUTE_TYPES)}"
        )
    options = DecodingOptions(
        language=language or source.language or DEFAULT_LANGUAGE, beam_size=beam_size
    )
    problems: list[str] = []
    recordings, skipped = _select(transcript_files(sources), name, only_own, problems)
    decoder = _LazyDecoder(source, engine, compute_type)
    counter = _Counter(sum(len(r.confirmed) for r in recordings if not r.own), progress)
    results: list[tuple[_Recording, dict[int, str]]] = []
    for recording in recordings:
        if recording.own:
            texts = {i: s.model_text for i, s in recording.confirmed}
        else:
            texts = _decode(recording, decoder, options, counter, problems)
        if texts:
            results.append((recording, texts))
    per_recording, scores = _score(results)
    corpus = corpus_scores(scores)
    return CorrectionsScore(
        model=name,
        wer=corpus["wer"],
        cer=corpus["cer"],
        words=corpus["reference_words"],
        segments=len(scores),
        recordings=len(per_recording),
        seconds=sum(r.seconds for r in per_recording),
        decoded_segments=sum(r.segments for r in per_recording if r.decoded),
        skipped_excluded=skipped["excluded"],
        skipped_other_models=skipped["other_models"],
        skipped_duplicates=skipped["duplicates"],
        problems=tuple(problems),
        per_recording=tuple(per_recording),
        utterances=tuple(scores),
        options=options,
        engine=engine,
        precision=HF_PRECISION if engine == "transformers" else compute_type,
        model_path=Path(source.path),
    )


def _select(
    files: list[Path], model: str, only_own: bool, problems: list[str]
) -> tuple[list[_Recording], dict[str, int]]:
    """The transcripts that count, as ``data import-corrections`` chooses them: of each
    recording not excluded from training (in any of its transcripts), the newest transcript
    with a confirmed segment (``only_own``: the newest that ``model`` wrote). Also how many
    transcripts with confirmed segments were skipped, and why."""
    read: list[tuple[Path, Transcript, Path]] = []
    for path in files:
        try:
            transcript = _read(path)
        except HsbWhisperError as e:
            _problem(problems, f"{e} (not counted)")
        else:
            read.append((path, transcript, recording_path(path, transcript)))
    private = {_same(audio) for _, t, audio in read if t.excluded_from_training}
    skipped = dict.fromkeys(("excluded", "other_models", "duplicates"), 0)
    newest: dict[str, _Recording] = {}
    for path, transcript, audio in read:
        confirmed = [(i, s) for i, s in enumerate(transcript.segments) if s.confirmed]
        own = transcript.model == model
        if not confirmed:
            continue
        if _same(audio) in private:
            skipped["excluded"] += 1
        elif only_own and not own:
            skipped["other_models"] += 1
        else:
            recording = _Recording(path, transcript, audio, confirmed, own)
            other = newest.setdefault(_same(audio), recording)
            if other is not recording:
                skipped["duplicates"] += 1
                newest[_same(audio)] = max(other, recording, key=_modified)
    order = {path: i for i, path in enumerate(files)}
    return sorted(newest.values(), key=lambda r: order[r.path]), skipped


def _same(audio: Path) -> str:
    """What two paths of one recording have in common (links resolved)."""
    try:
        return os.path.realpath(audio)
    except (OSError, ValueError):  # a path no file can have (a NUL byte)
        return str(audio)


def _modified(recording: _Recording) -> float:
    try:
        return recording.path.stat().st_mtime
    except OSError:
        return 0.0


def _problem(problems: list[str], line: str) -> None:
    """A transcript, recording or segment that cannot count: kept for the caller, and logged
    (a warning line on the terminal)."""
    problems.append(line)
    log.warning("%s", line)


def _read(path: Path) -> Transcript:
    """A saved transcript (:func:`hsb_whisper.data.corrections.read_transcript`) whose confirmed
    segments are time spans; anything else raises :class:`HsbWhisperError` naming the file."""
    transcript = read_transcript(path)
    for i, s in enumerate(transcript.segments):
        if s.confirmed and not (_seconds(s.start) and _seconds(s.end) and s.start < s.end):
            raise HsbWhisperError(
                f"{path}: segment {i}: start {s.start!r} and end {s.end!r} are not a time span"
            )
    return transcript


def _seconds(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


class _LazyDecoder:
    """The model's decoder, loaded when the first segment needs decoding (never, when the model
    wrote every transcript itself)."""

    def __init__(self, source: ModelSource, engine: str, compute_type: str) -> None:
        self.source, self.engine, self.compute_type = source, engine, compute_type
        self._decoder: HFDecoder | CT2Decoder | None = None

    def __call__(self) -> HFDecoder | CT2Decoder:
        if self._decoder is None:
            s = self.source
            self._decoder = open_decoder(
                s.kind, s.path, s.adapter, engine=self.engine, compute_type=self.compute_type
            )
        return self._decoder


@dataclasses.dataclass
class _Counter:
    total: int
    progress: Progress | None
    done: int = 0

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.progress:
            self.progress(self.done, self.total)


def _decode(
    recording: _Recording,
    decoder: _LazyDecoder,
    options: DecodingOptions,
    counter: _Counter,
    problems: list[str],
) -> dict[int, str]:
    """Segment index → the model's text of its span, for the confirmed segments of a
    recording another model transcribed. An unreadable recording is a problem (and counts
    nothing); so is a segment past its end."""
    audio = recording.audio
    spans = [
        (round(s.start * SAMPLE_RATE), round(s.end * SAMPLE_RATE)) for _, s in recording.confirmed
    ]
    texts: dict[int, str] = {}
    read = 0
    try:
        for k, samples in read_spans(audio, spans):
            index, segment = recording.confirmed[k]
            if samples.size:
                texts[index] = decoder().decode([samples], options)[0]
            else:
                _problem(
                    problems,
                    f"{recording.path}: segment {index} starts at {segment.start:.2f} s, after "
                    f"the end of {audio} (not counted)",
                )
            read += 1
            counter.advance()
    except AudioError as e:
        counter.advance(len(spans) - read)
        _problem(problems, f"{recording.path}: its recording {e} (not counted)")
        return {}
    return dict(sorted(texts.items()))


def _score(
    results: list[tuple[_Recording, dict[int, str]]],
) -> tuple[list[RecordingScore], list[UtteranceScore]]:
    """Each segment's score (reference: its text now; hypothesis: the model's) and each
    recording's share."""
    ids = _unique([f"{r.path.stem}:{i}" for r, texts in results for i in texts])
    per_recording: list[RecordingScore] = []
    scores: list[UtteranceScore] = []
    for recording, texts in results:
        segments = [recording.transcript.segments[i] for i in texts]
        mine = score_utterances(
            ids[len(scores) : len(scores) + len(texts)],
            [s.text for s in segments],
            list(texts.values()),
        )
        scores += mine
        corpus = corpus_scores(mine)
        per_recording.append(
            RecordingScore(
                transcript=recording.path,
                audio=recording.audio,
                written_by=recording.transcript.model,
                decoded=not recording.own,
                segments=len(mine),
                words=corpus["reference_words"],
                seconds=sum(s.end - s.start for s in segments),
                wer=corpus["wer"],
                cer=corpus["cer"],
            )
        )
    return per_recording, scores


def _unique(ids: list[str]) -> list[str]:
    """``ids`` made unique with ``#2``, ``#3``… (two transcripts of the same name in two
    folders)."""
    seen: dict[str, int] = {}
    out = []
    for uid in ids:
        seen[uid] = seen.get(uid, 0) + 1
        out.append(uid if seen[uid] == 1 else f"{uid}#{seen[uid]}")
    return out
