"""The user's corrected transcripts as training data (``data import-corrections``).

A saved transcript (the app editor's autosave in :func:`hsb_whisper.paths.transcripts_dir`, or
what ``transcribe -f json`` wrote; JSON format 2) keeps per segment whether the user confirmed
its text: edited it, or marked it right as it stood. Only confirmed segments become clips, with
their text as it is now; the others are counted and never used. A clip is cut from the recording
at its segment's times, :data:`PAD_SECONDS` wider on each side (never into a neighbouring
segment, never past the recording), and consecutive confirmed segments of one speaker are joined
as the ELAN import joins annotations (see :func:`.annotations.join_runs`). From there on the
clips are checked, split and reported as in every import (:mod:`.importing`).

Speakers: a speaker the user named ("Jan Nowak") is that person in every recording; a bare id
("S1") only tells voices apart within its recording, so it becomes ``<recording>#S1``. The split
never divides a recording, and keeps recordings that share a named speaker together while there
are enough of them to fill every split (:mod:`.split`, unit ``group``).

Privacy: a recording the user excluded from training (in the app, or with ``--exclude``, which
marks its saved transcripts for good) is never used, through any of its transcripts. A
transcript that cannot be read, or whose recording is missing, is one line in the report, and
the others are imported.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import logging
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hsb_whisper import paths
from hsb_whisper.data.annotations import (
    DEFAULT_SKIP_PATTERNS,
    JOIN_GAP_SECONDS,
    JOIN_MAX_SECONDS,
    Annotation,
    AnnotationError,
    CutOptions,
    PlannedClip,
    UniqueNames,
    compile_patterns,
    cut_clips,
    find_annotation_files,
    is_file,
    join_runs,
    slug,
    time_problem,
)
from hsb_whisper.data.checks import MAX_CLIP_SECONDS, CheckResult, Reject
from hsb_whisper.data.importing import Outcome, Progress, check_splits, write_outcome
from hsb_whisper.data.manifest import Clip, normalize_text
from hsb_whisper.data.report import build_report
from hsb_whisper.data.split import SPLITS, Origin, Split, split_clips
from hsb_whisper.errors import AudioError, HsbWhisperError, OptionError, OutputError, shown
from hsb_whisper.files import prepare_output_folder
from hsb_whisper.transcription import formats
from hsb_whisper.transcription.transcript import Transcript, clean_speaker_name

log = logging.getLogger(__name__)

TRANSCRIPT_SUFFIXES = (".json",)  # what a saved transcript is called
# Whisper's segment times often clip a word's first or last sound; 150 ms more on each side
# keeps it without reaching far into the pause.
PAD_SECONDS = 0.15
# A saved transcript of 10 hours with word times is about 16 MB (3 words/s × 36,000 s × about
# 150 bytes per word); a larger file is not one of ours and is not read into memory.
MAX_TRANSCRIPT_BYTES = 64 << 20
JOINING = CutOptions(join_max=JOIN_MAX_SECONDS, join_gap=JOIN_GAP_SECONDS)
# The split's units: recordings never divided (see the module docs)
SPLIT_UNITS = ("group", "recording")


class CorrectionsError(HsbWhisperError):
    """Saved transcripts that cannot be read, or nothing in them to import."""


@dataclasses.dataclass
class SavedTranscript:
    path: Path  # the JSON file
    transcript: Transcript
    recording: Path  # absolute (see recording_path)


@dataclasses.dataclass(frozen=True)
class LeftOut:
    transcript: Path
    # excluded, not_a_transcript, nothing_confirmed, recording (missing or unreadable) or
    # older_duplicate (a newer transcript of the same recording is used)
    reason: str
    problem: str  # one line naming the transcript (and its recording)
    recording: Path | None = None

    def to_json(self) -> dict[str, Any]:
        recording = str(self.recording) if self.recording else None
        return {
            "transcript": str(self.transcript),
            "recording": recording,
            "reason": self.reason,
            "problem": self.problem,
        }


@dataclasses.dataclass
class _Cut:
    """What cutting the transcripts gave, and what it counted."""

    clips: list[Clip] = dataclasses.field(default_factory=list)
    rejects: list[Reject] = dataclasses.field(default_factory=list)
    origins: dict[Path, Origin] = dataclasses.field(default_factory=dict)
    used: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    joined: int = 0  # clips of more than one segment
    skipped: dict[str, int] = dataclasses.field(default_factory=dict)  # confirmed, not cut


# -- reading -----------------------------------------------------------------------------------


def transcript_files(sources: Sequence[Path] | None) -> list[Path]:
    """The transcript files named, or found below the folders named; ``None``: those of the
    app's transcripts folder (none when it does not exist yet)."""
    if sources is None:
        folder = paths.transcripts_dir()
        try:
            return find_annotation_files([folder], TRANSCRIPT_SUFFIXES) if folder.is_dir() else []
        except AnnotationError:  # the folder holds no transcript yet
            return []
    return find_annotation_files([Path(s) for s in sources], TRANSCRIPT_SUFFIXES)


def read_transcript(path: Path) -> Transcript:
    """A saved transcript (:func:`~hsb_whisper.transcription.formats.read_json`, which checks
    its segments' times and texts) whose model and duration are what they should be; anything
    else is a :class:`CorrectionsError` naming the file. A segment ending before it starts, or
    after its recording, is a ``bad_times`` reject, as in every import."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise CorrectionsError(f"{path}: cannot be read ({e.strerror or e})") from e
    if size > MAX_TRANSCRIPT_BYTES:
        raise CorrectionsError(
            f"{path}: not a transcript saved by hsb-whisper ({size / 2**20:.0f} MiB; "
            f"one is at most {MAX_TRANSCRIPT_BYTES >> 20} MiB)"
        )
    try:
        transcript = formats.read_json(path)
    except HsbWhisperError as e:
        raise CorrectionsError(str(e)) from e
    duration = transcript.info.duration
    if not isinstance(transcript.model, str):
        problem = f"model {transcript.model!r} is not a name"
    elif type(duration) not in (int, float) or not math.isfinite(duration):
        problem = f"duration {duration!r} is not seconds"
    else:
        return transcript
    raise CorrectionsError(f"{path}: not a transcript saved by hsb-whisper ({problem})")


def recording_path(path: Path, transcript: Transcript) -> Path:
    """The recording of the transcript saved at ``path``, absolute: its path as saved; a
    relative one from the current folder, else (when not there) from the transcript's folder."""
    saved = Path(transcript.info.path)
    if not saved.is_absolute() and not is_file(saved) and is_file(path.parent / saved):
        saved = path.parent / saved
    return Path(os.path.abspath(saved))


def _read_all(
    files: list[Path], progress: Progress, left_out: list[LeftOut]
) -> list[SavedTranscript]:
    saved = []
    for path in files:
        try:
            transcript = read_transcript(path)
            saved.append(SavedTranscript(path, transcript, recording_path(path, transcript)))
        except CorrectionsError as e:
            left_out.append(LeftOut(path, "not_a_transcript", str(e)))
        progress.advance(1)
    return saved


# -- --exclude and --include -------------------------------------------------------------------


def mark_excluded(
    saved: list[SavedTranscript], exclude: Sequence[Path], include: Sequence[Path]
) -> None:
    """Mark the transcripts that ``exclude`` names (a transcript, or its recording) as excluded
    from training for good, and those ``include`` names as not; each changed file is written
    again (atomically). A name that matches no transcript is an ``OptionError``, before any
    file is written."""
    chosen: dict[int, bool] = {}
    for option, names, excluded in (("--exclude", exclude, True), ("--include", include, False)):
        for name in names:
            matched = [i for i, s in enumerate(saved) if _names(s, Path(name))]
            if not matched:
                raise OptionError(
                    f"{option} {shown(str(name))}: neither a transcript read here nor the "
                    f"recording of one ({len(saved)} transcripts read)"
                )
            for i in matched:
                if chosen.setdefault(i, excluded) != excluded:
                    raise OptionError(
                        f"{shown(str(saved[i].path))}: named by both --exclude and --include"
                    )
    for i, excluded in chosen.items():
        s = saved[i]
        if s.transcript.excluded_from_training != excluded:
            s.transcript.excluded_from_training = excluded
            try:
                formats.save(s.transcript, s.path, "json")
            except OSError as e:
                what = "excluded" if excluded else "included"
                raise OutputError(
                    f"{s.path}: cannot be marked as {what} ({e.strerror or e})"
                ) from e
            log.info("%s: marked %s", s.path, "excluded from training" if excluded else "included")


def _names(s: SavedTranscript, name: Path) -> bool:
    """``name`` is the transcript ``s`` or its recording."""
    return _real(name) in (_real(s.path), _real(s.recording))


def _real(path: Path) -> str:
    """``path`` with its links resolved (as given, absolute, where no file can be: a NUL)."""
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return os.path.abspath(path)


# -- choosing ----------------------------------------------------------------------------------


def _choose(saved: list[SavedTranscript], left_out: list[LeftOut]) -> list[SavedTranscript]:
    """The transcripts to import: of each recording not excluded, the newest transcript with a
    confirmed segment whose recording is there."""
    excluded_in: dict[str, Path] = {}
    for s in saved:
        if s.transcript.excluded_from_training:
            excluded_in.setdefault(_real(s.recording), s.path)
    newest: dict[str, SavedTranscript] = {}
    for s in saved:
        recording = _real(s.recording)
        if recording in excluded_in:
            where = excluded_in[recording]
            why = f" (its recording {s.recording} is excluded in {where})"
            why = "" if where == s.path else why
            problem = f"{s.path}: excluded by the user{why}"
            left_out.append(LeftOut(s.path, "excluded", problem, s.recording))
        elif not s.transcript.confirmed_segments:
            n = len(s.transcript.segments)
            problem = (
                f"{s.path}: no confirmed segment ({n} unconfirmed); confirm or correct "
                "segments in the app's editor first"
            )
            left_out.append(LeftOut(s.path, "nothing_confirmed", problem, s.recording))
        elif not is_file(s.recording):
            problem = f"{s.path}: its recording {s.recording} is not there (no such file)"
            left_out.append(LeftOut(s.path, "recording", problem, s.recording))
        else:
            other = newest.setdefault(recording, s)
            if other is not s:
                older, newer = sorted((other, s), key=_modified)
                newest[recording] = newer
                problem = (
                    f"{older.path}: a newer transcript of its recording {s.recording} is used "
                    f"({newer.path})"
                )
                left_out.append(LeftOut(older.path, "older_duplicate", problem, s.recording))
    order = {id(s): i for i, s in enumerate(saved)}
    return sorted(newest.values(), key=lambda s: order[id(s)])


def _modified(s: SavedTranscript) -> float:
    try:
        return s.path.stat().st_mtime
    except OSError:
        return 0.0


def confirmed_seconds(sources: Sequence[Path] | None = None) -> float:
    """Seconds of confirmed speech in the saved transcripts in ``sources`` (``None``: the app's)
    that :func:`import_corrections` would use: the confirmed segments' spans (unpadded, before
    the clip checks) in the newest transcript of each recording that is there and not excluded.
    Reads the transcripts only, never audio: quick enough for a dialog to show before an
    import. A transcript that cannot be read counts nothing."""
    left_out: list[LeftOut] = []
    saved = _read_all(transcript_files(sources), Progress(), left_out)
    return sum(
        max(0.0, g.end - g.start)
        for s in _choose(saved, left_out)
        for g in s.transcript.confirmed_segments
    )


# -- cutting -----------------------------------------------------------------------------------


def _speaker(transcript: Transcript, speaker: str | None, local: str) -> str | None:
    """The manifest's speaker: the name the user gave (a person, in any recording), else the
    id within its recording (``local#S1``), else None."""
    if speaker is None:
        return None
    name = clean_speaker_name(transcript.speaker_names.get(speaker) or "")
    return name or f"{local}#{speaker}"


def _plan(s: SavedTranscript, folder: Path, names: UniqueNames, cut: _Cut) -> list[PlannedClip]:
    """The clips to cut from ``s``'s recording into ``folder``: runs of its confirmed segments
    (in time order, one speaker, joined as :data:`JOINING` says), padded; segments that cannot
    be cut are rejected or counted as skipped in ``cut``."""
    t = s.transcript
    segments = sorted(t.segments, key=lambda g: (g.start, g.end))
    patterns = compile_patterns(DEFAULT_SKIP_PATTERNS)
    marked: list[tuple[Annotation, str | None, str | None]] = []  # (span, reason, speaker)
    for g in segments:
        a = Annotation(g.start, g.end, normalize_text(g.text))
        reason = _reason(g.confirmed, a, patterns)
        if reason == "bad_times":
            clip = Clip(s.recording, a.text, speaker=_speaker(t, g.speaker, folder.name))
            cut.rejects.append(Reject(clip, "all", reason, f"{s.path}: {time_problem(a)}"))
        elif reason and reason != "unconfirmed":
            cut.skipped[reason] = cut.skipped.get(reason, 0) + 1
        marked.append((a, reason, g.speaker))
    neighbours = _Neighbours([a for a, reason, _ in marked if reason != "bad_times"])
    planned = []
    for speaker, run in itertools.groupby(marked, key=lambda m: m[2]):
        for group in join_runs([(a, reason) for a, reason, _ in run], JOINING):
            start, end = group[0].start, max(a.end for a in group)
            text = " ".join(a.text for a in group)
            ms = str(round(start * 1000)).zfill(8)
            name = names.unique(f"{folder.name}_{ms[:12]}")
            who = _speaker(t, speaker, folder.name)
            cut.joined += len(group) > 1
            if end - start > MAX_CLIP_SECONDS:  # never decoded
                clip = Clip(folder / f"{name}.wav", text, end - start, who, id=name)
                detail = f"{end - start:.1f} s ({start:.2f}–{end:.2f} s of {s.recording})"
                cut.rejects.append(Reject(clip, "all", "too_long_audio", detail))
                continue
            lo, hi = neighbours.padded(start, end, t.info.duration)
            clip = Clip(folder / f"{name}.wav", text, hi - lo, who, id=name)
            planned.append(PlannedClip(clip, lo, hi))
    return planned


def _reason(confirmed: bool, a: Annotation, patterns) -> str | None:
    """Why a segment is no clip's (None: it is one's)."""
    if not confirmed:
        return "unconfirmed"
    if time_problem(a):
        return "bad_times"
    if not a.text:
        return "empty"
    if any(p.fullmatch(a.text) for p in patterns):
        return "non_speech"
    return None


class _Neighbours:
    """The spans of a transcript's segments (sorted by start), to pad a clip up to them."""

    def __init__(self, spans: list[Annotation]) -> None:
        self.starts = [a.start for a in spans]
        self.reach = list(itertools.accumulate((a.end for a in spans), max))  # latest end so far

    def padded(self, start: float, end: float, duration: float) -> tuple[float, float]:
        """``start``–``end`` widened by up to :data:`PAD_SECONDS` on each side: never into
        another segment (not at all where one overlaps it), never before 0 or past
        ``duration``, and never beyond Whisper's window."""
        pad = min(PAD_SECONDS, max(0.0, (MAX_CLIP_SECONDS - (end - start)) / 2))
        i = bisect.bisect_left(self.starts, start)  # the segments before start at [:i]
        before = min(self.reach[i - 1], start) if i else 0.0
        j = bisect.bisect_left(self.starts, end)  # … before end at [:j], the next one at j
        if j and self.reach[j - 1] > end:
            after = end  # a segment starting before the end ends after it: overlapping speech
        else:
            after = self.starts[j] if j < len(self.starts) else max(end, duration)
        return max(start - pad, before, 0.0), min(end + pad, after, max(end, duration))


def _cut_all(
    used: list[SavedTranscript], clips_dir: Path, progress: Progress, left_out: list[LeftOut]
) -> _Cut:
    cut = _Cut()
    folders, names = UniqueNames(), UniqueNames()
    for s in used:
        folder = clips_dir / folders.unique(slug(s.recording.stem, "recording"))
        done, problem = _cut_recording(s, _plan(s, folder, names, cut), cut)
        if problem:
            left_out.append(LeftOut(s.path, "recording", problem, s.recording))
        if done or not problem:
            used_one = {"transcript": str(s.path), "recording": str(s.recording), "clips": done}
            cut.used.append(used_one)
        progress.advance(1)
    return cut


def _cut_recording(
    s: SavedTranscript, planned: list[PlannedClip], cut: _Cut
) -> tuple[int, str | None]:
    """Cut ``planned`` from ``s``'s recording into ``cut``: how many clips were written, and
    what is wrong with the recording (None: nothing)."""
    done = 0
    try:
        for i, outcome in cut_clips(s.recording, planned):
            if isinstance(outcome, Reject):
                cut.rejects.append(outcome)
            else:
                cut.clips.append(outcome)
                cut.origins[outcome.audio] = Origin(_real(s.recording), planned[i].start)
                done += 1
    except AudioError as e:  # (the clips written before stay: their audio is whole)
        kept = f" ({done} of {len(planned)} clips were cut before it)" if done else ""
        return done, f"{s.path}: its recording {e}{kept}"
    return done, None


# -- the import --------------------------------------------------------------------------------


def import_corrections(
    sources: Sequence[Path] | None,
    out: Path,
    *,
    exclude: Sequence[Path] = (),
    include: Sequence[Path] = (),
    fractions: tuple[float, float, float] = (0.8, 0.1, 0.1),
    seed: int = 0,
    locale: str | None = "hsb",
    decode: bool = True,
    progress: Progress | None = None,
) -> Outcome:
    """The confirmed segments of the saved transcripts in ``sources`` (files or folders;
    ``None``: the app's transcripts folder) cut into ``OUT/clips/<recording>/`` as 16 kHz WAVs,
    then checked, split and reported like every import. ``exclude``/``include``: transcripts or
    recordings to mark as excluded from training for good, or not any more (see
    :func:`mark_excluded`). Raises :class:`CorrectionsError` when nothing can be imported."""
    progress = progress or Progress()
    files = transcript_files(sources)
    progress.stage("reading transcripts", len(files))
    left_out: list[LeftOut] = []
    saved = _read_all(files, progress, left_out)
    mark_excluded(saved, exclude, include)
    used = _choose(saved, left_out)
    if not used:
        raise CorrectionsError(_nothing(files, sources, left_out))
    prepare_output_folder(out, "--out")
    progress.stage("cutting clips", len(used))
    cut = _cut_all(used, out / "clips", progress, left_out)
    if not cut.clips and not cut.rejects:
        raise CorrectionsError(_nothing(files, sources, left_out))
    result = check_splits({"all": cut.clips}, decode, progress)
    split = split_clips(result.kept["all"], fractions, seed, cut.origins, SPLIT_UNITS)
    result = CheckResult(split.clips, cut.rejects + result.rejects)
    counted = [s.transcript for s in used]
    extra = {
        "source": [str(s) for s in (sources or [paths.transcripts_dir()])],
        "kind": "corrections",
        "transcripts": len(files),
        "transcripts_used": cut.used,
        "left_out": [lo.to_json() for lo in sorted(left_out, key=lambda lo: lo.transcript)],
        "segments": {
            "confirmed": sum(len(t.confirmed_segments) for t in counted),
            "corrected": sum(g.edited for t in counted for g in t.confirmed_segments),
            "unconfirmed": sum(not g.confirmed for t in counted for g in t.segments),
            "skipped": cut.skipped,
        },
        "joined": {
            "clips_of_several_segments": cut.joined,
            "max_seconds": JOINING.join_max,
            "max_gap_seconds": JOINING.join_gap,
        },
        "padding_seconds": PAD_SECONDS,
        "split": split.to_json(fractions, seed),
    }
    warnings = [*split.warnings, *_too_few(split, fractions)]
    return write_outcome(out, result, build_report(result, locale, warnings), extra)


def _too_few(split: Split, fractions: tuple[float, float, float]) -> list[str]:
    """The warning when a split that should hold clips is empty because recordings are never
    divided (each empty split is also warned about on its own)."""
    empty = [name for name, f in zip(SPLITS, fractions) if f > 0 and not split.clips[name]]
    if not empty or not any(split.clips.values()):
        return []
    n = split.recordings
    return [
        f"only {n} recording{'s' * (n != 1)} with confirmed segments, too few for "
        f"{' and '.join(empty)}: a recording is never divided between the splits; confirm "
        "segments in more recordings"
    ]


def _nothing(files: list[Path], sources: Sequence[Path] | None, left_out: list[LeftOut]) -> str:
    """Why nothing could be imported: one line per transcript."""
    n = len(files)
    where = f"{n} transcript{'s' * (n != 1)}" if files else "no transcript"
    if sources is None:
        where += f" in {paths.transcripts_dir()}"
    left_out = sorted(left_out, key=lambda lo: lo.transcript)
    lines = [f"nothing to import ({where}):", *(f"  {shown(lo.problem, 400)}" for lo in left_out)]
    if not files:
        lines.append("  the app keeps a transcript there once you edit or confirm a segment")
    return "\n".join(lines)


def render_summary(report: dict[str, Any]) -> str:
    """The corrections' own lines of ``report`` (above the report every import prints): the
    transcripts and segments used, and one line per transcript left out."""
    segments, left_out = report["segments"], report["left_out"]
    skipped = ", ".join(f"{n} {reason}" for reason, n in segments["skipped"].items())
    lines = [
        f"transcripts: {report['transcripts']} found, {len(report['transcripts_used'])} used; "
        f"segments: {segments['confirmed']} confirmed ({segments['corrected']} corrected), "
        f"{segments['unconfirmed']} unconfirmed (never used)"
        + (f", {skipped} (skipped)" if skipped else "")
        + f"; joined clips: {report['joined']['clips_of_several_segments']}"
    ]
    if left_out:
        lines.append(f"left out: {len(left_out)} transcript{'s' * (len(left_out) != 1)}")
        lines += [f"  {shown(lo['problem'], 400)}" for lo in left_out]
    return "\n".join(lines)
