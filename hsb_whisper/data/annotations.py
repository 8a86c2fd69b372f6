"""Linguists' transcribed corpora: ELAN ``.eaf`` and Praat ``.TextGrid`` files with their audio.

Each annotation of the chosen tiers becomes a clip of its own, cut from the recording into a 16 kHz
mono 16-bit WAV. Adjacent annotations of one tier (one speaker) are joined while the gap between
them is short and the whole stays under Whisper's 30 s window. Empty annotations and non-speech
ones (``[laughter]``, ``(laughs)``, ``xxx``, ``???``, ``<noise>``) are skipped and counted; a
bracketed part inside a longer transcript is kept as it is and counted, so that the user can see
and clean it. Overlapping speech (annotations of different tiers at the same time) is measured and
can be left out. An annotation file whose recording is missing gives ``missing_audio`` rejects,
and the other files go on.

The files come from others and are trusted in nothing: an annotation whose times are not within
its recording (negative, past its end, ending where it starts) is a ``bad_times`` reject; clip
names are made unique (Sorbian letters spelt without their marks, ``Měrćin`` → ``Mercin``, and
numbered where two would meet) and short; only the annotated spans of a recording are decoded;
and a file that cannot be read is named with its problem while the other files go on.

A tier that subdivides another (ELAN: any tier with a parent, such as the word tiers of Included_In
or Symbolic_Subdivision type; Praat: hsb-whisper's ``words`` tiers inside their segment tier)
holds parts of its parent's text and is never imported.
"""

from __future__ import annotations

import bisect
import collections
import dataclasses
import logging
import math
import re
import unicodedata
import wave
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np

from hsb_whisper.audio import AUDIO_SUFFIXES, SAMPLE_RATE, read_spans
from hsb_whisper.data.checks import AUDIO_REJECT_REASONS, MAX_CLIP_SECONDS, Reject
from hsb_whisper.data.manifest import Clip, normalize_text
from hsb_whisper.data.split import Origin
from hsb_whisper.errors import MAX_SHOWN_CHARS, AudioError, HsbWhisperError, OptionError, shown
from hsb_whisper.files import atomic_open
from hsb_whisper.transcription.formats import SEGMENT_TIER, WORD_TIER, words_tier

log = logging.getLogger(__name__)

EAF_SUFFIXES = (".eaf",)
TEXTGRID_SUFFIXES = (".textgrid",)
# Whole annotations that are not speech (matched against the whole stripped text, ignoring case):
DEFAULT_SKIP_PATTERNS = (
    r"(\s*(\[[^\[\]]*\]|\([^()]*\)|<[^<>]*>|\{[^{}]*\}))+\s*",  # [laughter] (laughs) <noise> {…}
    r"x{2,}(\s+x{2,})*",  # xxx: unintelligible
    r"[\W_]+",  # only punctuation or symbols: ???, ..., --, *
)
INLINE_BRACKETS = re.compile(r"\[[^\[\]]*\]|\([^()]*\)|<[^<>]*>|\{[^{}]*\}")
JOIN_MAX_SECONDS = 25.0
JOIN_GAP_SECONDS = 1.0
# An annotation may end this far after the recording's end (rounding in the annotation tool)
END_TOLERANCE_S = 0.1
# Clip and folder names take at most this many characters of a file's or tier's name: a clip's
# file name (file_tier_start.wav, and the temporary name it is written under) stays far below the
# 255 bytes file systems allow.
MAX_NAME_CHARS = 60
# Letters that NFKD does not take apart into a base letter and marks, spelt in ASCII
_ASCII_LETTERS = str.maketrans(
    {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "ẞ": "SS", "ø": "o", "Ø": "O",
     "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
     "ħ": "h", "Ħ": "H", "ı": "i"}
)  # fmt: skip


class AnnotationError(HsbWhisperError):
    """An annotation file that cannot be read, or tiers that cannot be chosen."""


@dataclasses.dataclass(frozen=True)
class Annotation:
    start: float  # seconds
    end: float
    text: str  # normalised


@dataclasses.dataclass
class Tier:
    name: str
    speaker: str
    annotations: list[Annotation]
    parent: str | None = None  # the tier this one subdivides: never a tier of clips

    @property
    def filled(self) -> int:
        """Annotations with any text."""
        return sum(1 for a in self.annotations if a.text)


@dataclasses.dataclass
class AnnotationFile:
    path: Path
    tiers: dict[str, Tier]  # time-aligned tiers, in the file's order
    audio: Path | None  # the recording, when found
    expected_audio: Path  # what was looked for (named in missing_audio rejects)
    found: str  # how the recording was found ("by RELATIVE_MEDIA_URL"), or why not

    @property
    def candidates(self) -> list[Tier]:
        """The tiers that may become clips: those that subdivide no other tier."""
        return [t for t in self.tiers.values() if t.parent is None]


@dataclasses.dataclass(frozen=True)
class CutOptions:
    tiers: tuple[str, ...] = ()
    skip_patterns: tuple[str, ...] = DEFAULT_SKIP_PATTERNS
    join_max: float = JOIN_MAX_SECONDS  # 0: no joining
    join_gap: float = JOIN_GAP_SECONDS
    skip_overlaps: bool = False


@dataclasses.dataclass
class CutResult:
    clips: list[Clip]
    rejects: list[Reject]
    annotations: int = 0
    skipped: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    inline_bracketed: int = 0
    joined: int = 0  # clips made of more than one annotation
    overlapping: int = 0  # annotations overlapping another tier's
    overlap_seconds: float = 0.0
    tiers: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # file → tiers used
    origins: dict[Path, Origin] = dataclasses.field(default_factory=dict)  # clip audio → origin


# -- reading -----------------------------------------------------------------------------------


def find_annotation_files(sources: Iterable[Path], suffixes: tuple[str, ...]) -> list[Path]:
    """The annotation files named, or found below the folders named, sorted per folder."""
    found: list[Path] = []
    for source in sources:
        if source.is_dir():
            found += sorted(
                p
                for p in source.rglob("*")
                if p.suffix.lower() in suffixes
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(source).parts)
            )
        elif source.is_file():
            found.append(source)
        else:
            raise AnnotationError(f"{source}: no such file or folder")
    if not found:
        names = ", ".join(str(s) for s in sources)
        raise AnnotationError(f"{names}: no {'/'.join(suffixes)} files found")
    return list(dict.fromkeys(found))


def _beside(path: Path) -> Path | None:
    for suffix in AUDIO_SUFFIXES:
        for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
            if is_file(candidate):
                return candidate
    return None


def is_file(path: Path) -> bool:
    """``path.is_file()``, False also for paths no file can have (too long, a NUL byte)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _url_path(url: str, base: Path) -> Path | None:
    if not url:
        return None
    try:
        parsed = urlparse(url)
    except ValueError:  # e.g. "http://[" (an unclosed IPv6 address)
        return None
    if parsed.scheme in ("file", ""):
        text = unquote(parsed.path if parsed.scheme else url)
        if parsed.scheme == "file" and re.match(r"^/[A-Za-z]:", text):  # file:///C:/…
            text = text[1:]
        path = Path(text)
        return path if path.is_absolute() else base / path
    return None


def read_eaf(path: Path) -> AnnotationFile:
    """An ELAN file: its time-aligned tiers (speaker: the PARTICIPANT attribute, else the tier's
    name; a tier with a PARENT_REF subdivides its parent) and its recording (linked media,
    relative URL first, else a same-named audio file)."""
    from pympi import Eaf

    try:
        eaf = Eaf(str(path))
    except Exception as e:  # pympi raises bare Exceptions for broken XML
        raise AnnotationError(f"{path}: not a readable ELAN file ({_short(e)})") from e
    tiers = {}
    for name in eaf.get_tier_names():
        try:
            data = eaf.get_annotation_data_for_tier(name)
        except Exception as e:  # pympi on references to undefined time slots or annotations
            log.debug("%s: tier %r", path, name, exc_info=True)
            problem = f"{type(e).__name__} {_short(e)}"
            raise AnnotationError(
                f"{path}: tier {_tier_arg(name)} refers to a time slot or annotation the file "
                f"does not define ({problem})"
            ) from e
        annotations = [
            Annotation(_seconds(start), _seconds(end), normalize_text(value or ""))
            for start, end, value, *_ in data
            if start is not None and end is not None
        ]
        attributes = eaf.tiers[name][2]
        participant = (attributes.get("PARTICIPANT") or "").strip()
        tiers[name] = Tier(
            name,
            participant or name,
            sorted(annotations, key=lambda a: a.start),
            parent=attributes.get("PARENT_REF") or None,
        )
    audio, expected, found = _linked_media(path, eaf.media_descriptors)
    return AnnotationFile(path, tiers, audio, expected, found)


def _seconds(milliseconds: int) -> float:
    """ELAN's milliseconds as seconds; a number beyond any float is infinite (a bad time)."""
    try:
        return milliseconds / 1000
    except OverflowError:
        return math.inf if milliseconds > 0 else -math.inf


def _short(e: Exception) -> str:
    """An exception's message on one line of at most :data:`MAX_SHOWN_CHARS` characters."""
    return shown(" ".join(str(e).split()) or type(e).__name__)


def _linked_media(path: Path, descriptors: list[dict]) -> tuple[Path | None, Path, str]:
    """The recording of ELAN file ``path``, what was looked for and how it was found: each
    descriptor's RELATIVE_MEDIA_URL, then its MEDIA_URL (audio before video), else a same-named
    audio file beside the .eaf."""
    linked: list[tuple[Path, str, dict]] = []
    for media in descriptors:
        for key in ("RELATIVE_MEDIA_URL", "MEDIA_URL"):
            candidate = _url_path(media.get(key) or "", path.parent)
            if candidate is not None:
                linked.append((candidate, key, media))
    linked.sort(key=lambda c: c[0].suffix.lower() not in AUDIO_SUFFIXES[:9])  # video (.mp4) last
    for candidate, key, media in linked:
        if not is_file(candidate):
            continue
        if key == "MEDIA_URL":
            relative = media.get("RELATIVE_MEDIA_URL")
            why = f"RELATIVE_MEDIA_URL {relative}: no such file" if relative else None
            return candidate, candidate, f"by MEDIA_URL ({why or 'no RELATIVE_MEDIA_URL'})"
        return candidate, candidate, f"by {key}"
    beside = _beside(path)
    links = ", ".join(str(c) for c, _, _ in linked)
    if beside is not None:
        return beside, beside, f"beside the .eaf (linked media not found: {links or 'none'})"
    expected = linked[0][0] if linked else path.with_suffix(".wav")
    return None, expected, f"not found (looked for {links or expected})"


def read_textgrid(path: Path) -> AnnotationFile:
    """A Praat TextGrid: its interval tiers (speaker: the tier's name) and the same-named audio
    file beside it."""
    from praatio import textgrid

    _refuse_negative_times(path)
    try:
        grid = textgrid.openTextgrid(
            str(path), includeEmptyIntervals=False, reportingMode="silence"
        )
    except Exception as e:  # praatio raises many kinds on malformed files
        raise AnnotationError(f"{path}: not a readable TextGrid ({_short(e)})") from e
    tiers = {}
    for tier in grid.tiers:
        if tier.entryType.__name__ != "Interval":
            continue  # point tiers mark instants, not stretches of speech
        annotations = [
            Annotation(float(e.start), float(e.end), normalize_text(e.label)) for e in tier.entries
        ]
        tiers[tier.name] = Tier(tier.name, tier.name, sorted(annotations, key=lambda a: a.start))
    for tier in tiers.values():
        tier.parent = _word_parent(tier, tiers)
    audio = _beside(path)
    if audio is not None:
        return AnnotationFile(path, tiers, audio, audio, "beside the .TextGrid")
    expected = path.with_suffix(".wav")
    return AnnotationFile(path, tiers, None, expected, f"not found (looked for {expected})")


# A negative time in a TextGrid, long ("xmin = -3") or short (a line "-3") format; "-0" is zero
_NEGATIVE_LONG = re.compile(r"^[ \t]*xm(?:in|ax)[ \t]*=[ \t]*-[ \t]*(?=[\d.]*[1-9])", re.M)
_NEGATIVE_SHORT = re.compile(r"^[ \t]*-[ \t]*(?=[\d.]*[1-9])[\d.]+[ \t]*\r?$", re.M)


def _refuse_negative_times(path: Path) -> None:
    """Raise ``AnnotationError`` for a TextGrid with a negative time: praatio reads ``-3`` as
    3 (it drops the sign), so such an interval would be cut from the wrong place."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise AnnotationError(f"{path}: cannot be read ({e.strerror or e})") from e
    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    text = raw.decode("utf-16" if utf16 else "utf-8", errors="replace")
    pattern = _NEGATIVE_LONG if re.search(r"^\s*xmin", text, re.M) else _NEGATIVE_SHORT
    found = pattern.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        raise AnnotationError(
            f"{path}, line {line}: a negative time; times count from the recording's start"
        )


def _word_parent(tier: Tier, tiers: dict[str, Tier]) -> str | None:
    """The segment tier that ``tier`` subdivides, when it is one of hsb-whisper's word tiers
    (``words`` of ``transcript``, ``words (Name)`` of ``Name``) and every word lies inside a
    segment: Praat has no tier parents of its own."""
    if tier.name == WORD_TIER:
        parent = SEGMENT_TIER
    else:
        parent = next((n for n in tiers if words_tier(n) == tier.name), None)
    if parent not in tiers:
        return None
    spans = [(a.start, a.end) for a in tiers[parent].annotations if a.text]  # sorted by start
    starts = [start for start, _ in spans]
    for word in (a for a in tier.annotations if a.text):
        i = bisect.bisect_right(starts, word.start) - 1  # the last segment starting before it
        if i < 0 or word.end > spans[i][1]:
            return None
    return parent


def choose_tiers(files: list[AnnotationFile], wanted: tuple[str, ...]) -> dict[Path, list[str]]:
    """The tiers to import from each file. Without ``wanted`` a file must have exactly one
    candidate tier (see :attr:`AnnotationFile.candidates`) with annotations; otherwise, or when
    ``wanted`` names no candidate of a file, the error lists every file's candidate tiers with
    their annotation counts."""
    chosen: dict[Path, list[str]] = {}
    problems: list[AnnotationFile] = []
    for f in files:
        if wanted:
            names = [t.name for t in f.candidates if t.name in wanted]
        else:
            names = [t.name for t in f.candidates if t.filled]
        if (names and (wanted or len(names) == 1)) or not (names or wanted):
            chosen[f.path] = names  # no annotations at all: nothing to import or choose
        else:
            problems.append(f)
    if problems:
        lines = []
        for f in problems:
            lines.append(f"{shown(str(f.path))}:")
            for t in f.candidates:
                lines.append(
                    f"  --tier {_tier_arg(t.name)}  ({t.filled} annotations, "
                    f"speaker {shown(t.speaker)})"
                )
            children = [t for t in f.tiers.values() if t.parent is not None]
            if children:
                parts = ", ".join(f"{_tier_arg(t.name)} of {_tier_arg(t.parent)}" for t in children)
                lines.append(f"  (subdivisions, never imported: {parts})")
            if not f.tiers:
                lines.append("  (no time-aligned tiers)")
        if wanted:
            head = f"no tier named {', '.join(map(_tier_arg, wanted))} in these files; their tiers:"
        else:
            head = "more than one tier with annotations; choose with --tier (repeatable):"
        raise OptionError("\n".join([head, *lines]))
    return chosen


def _tier_arg(name: str) -> str:
    """A tier's name as ``--tier`` takes it, quoted, its unprintable characters escaped (ESC,
    C1 controls, bidi overrides: a file's names never reach the terminal raw), cut when long."""
    if len(name) <= MAX_SHOWN_CHARS:
        return repr(name)
    return f"{name[:MAX_SHOWN_CHARS]!r}… ({len(name)} characters)"


def compile_patterns(patterns: Iterable[str]) -> list[re.Pattern]:
    compiled = []
    for p in patterns:
        try:
            compiled.append(re.compile(p, re.IGNORECASE))
        except re.error as e:
            raise OptionError(f"--skip-pattern {p!r}: not a regular expression ({e})") from e
    return compiled


# -- overlaps, joining, cutting ----------------------------------------------------------------


def _overlap_seconds(tiers: list[list[Annotation]]) -> float:
    """Seconds during which annotations of two or more tiers run at once."""
    events = []
    for tier in tiers:
        for a in tier:
            if a.end > a.start:
                events += [(a.start, 1), (a.end, -1)]
    events.sort(key=lambda e: (e[0], e[1]))
    active, last, total = 0, 0.0, 0.0
    for time, step in events:
        if active >= 2:
            total += time - last
        active += step
        last = time
    return total


def _overlaps(a: Annotation, others: list[Annotation]) -> bool:
    return any(o.start < a.end and a.start < o.end for o in others)


def join_runs(
    annotations: list[tuple[Annotation, str | None]], options: CutOptions
) -> list[list[Annotation]]:
    """Runs of kept annotations to cut as one clip each; a skipped one (reason not None) ends a
    run, so no clip holds unannotated non-speech."""
    groups: list[list[Annotation]] = []
    current: list[Annotation] = []
    for a, reason in annotations:
        if reason is not None:
            current = []
            continue
        if (
            current
            and options.join_max > 0
            and a.start - current[-1].end <= options.join_gap
            and a.end - current[0].start <= options.join_max
        ):
            current.append(a)
        else:
            current = [a]
            groups.append(current)
    return groups


def slug(text: str, fallback: str) -> str:
    """``text`` as a short ASCII file name part: letters without their marks (``ě`` → ``e``,
    ``ł`` → ``l``), every other run of characters one ``-``; ``fallback`` when nothing is left."""
    text = text[: 4 * MAX_NAME_CHARS].translate(_ASCII_LETTERS)  # (a hostile name may be huge)
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    part = re.sub(r"[^\w-]+", "-", plain, flags=re.ASCII).strip("-")
    return part[:MAX_NAME_CHARS].strip("-") or fallback


class UniqueNames:
    """Names no two clips (or clip folders) share, ignoring case as Windows and macOS do: a
    name already given gets ``-2``, ``-3``, … ."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def unique(self, name: str) -> str:
        candidate, n = name, 1
        while candidate.casefold() in self._used:
            n += 1
            candidate = f"{name}-{n}"
        self._used.add(candidate.casefold())
        return candidate


def time_problem(a: Annotation) -> str | None:
    """Why the annotation's times cannot be in any recording, or None (its end beyond the
    recording's is found once the recording is read)."""
    if not (math.isfinite(a.start) and math.isfinite(a.end)):
        return f"times {a.start:.6g}–{a.end:.6g} s are not numbers of seconds"
    if a.start < 0:
        return f"starts at {a.start:.6g} s, before the recording"
    if a.end <= a.start:
        return f"ends at {a.end:.6g} s, not after its start at {a.start:.6g} s"
    return None


def write_wav(path: Path, samples: np.ndarray) -> None:
    """float32 mono samples at 16 kHz as a 16-bit PCM WAV, atomically."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).round().astype("<i2")
    with atomic_open(path, "wb") as f, wave.open(f, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())


@dataclasses.dataclass(frozen=True)
class PlannedClip:
    """A clip to cut: the span ``start``–``end`` of a recording."""

    clip: Clip  # its audio: where it will be written
    start: float  # seconds in the recording
    end: float


def cut_corpus(
    files: list[AnnotationFile],
    clips_dir: Path,
    options: CutOptions,
    advance: Callable[[int], None] = lambda n: None,
) -> CutResult:
    """Cut every kept annotation (or joined run) of the chosen tiers into ``clips_dir``."""
    result = CutResult([], [])
    chosen = choose_tiers(files, options.tiers)
    patterns = compile_patterns(options.skip_patterns)
    folders, names = UniqueNames(), UniqueNames()
    for f in files:
        result.tiers[str(f.path)] = chosen[f.path]
        folder = folders.unique(slug(f.path.stem, "file"))
        tiers = [f.tiers[n] for n in chosen[f.path]]
        planned = _plan(f, tiers, clips_dir / folder, names, patterns, options, result)
        _cut(f, planned, result)
        advance(1)
    return result


def _plan(
    f: AnnotationFile,
    tiers: list[Tier],
    out_dir: Path,
    names: UniqueNames,
    patterns: list[re.Pattern],
    options: CutOptions,
    result: CutResult,
) -> list[PlannedClip]:
    """The clips to cut from ``f``'s recording; annotations that are skipped are counted in
    ``result``, those that cannot be cut (bad times, too long) rejected there."""
    problems = {id(a): time_problem(a) for t in tiers for a in t.annotations}
    spoken = [[a for a in t.annotations if a.text and not problems[id(a)]] for t in tiers]
    result.overlap_seconds += _overlap_seconds(spoken)
    planned = []
    for tier, own in zip(tiers, spoken):
        others = [a for other in spoken if other is not own for a in other]
        marked = []
        for a in tier.annotations:
            result.annotations += 1
            problem = problems[id(a)]
            overlapping = bool(a.text) and not problem and _overlaps(a, others)
            result.overlapping += overlapping
            if not a.text:
                reason = "empty"
            elif problem:
                reason = "bad_times"
            elif any(p.fullmatch(a.text) for p in patterns):
                reason = "non_speech"
            elif overlapping and options.skip_overlaps:
                reason = "overlap"
            else:
                reason = None
                result.inline_bracketed += bool(INLINE_BRACKETS.search(a.text))
            if reason == "bad_times":
                clip = _clip(f, tier, a.start, a.end, a.text, out_dir, names, f.audio)
                result.rejects.append(Reject(clip, "all", reason, problem))
            elif reason:
                result.skipped[reason] += 1
            marked.append((a, reason))
        for group in join_runs(marked, options):
            start, end = group[0].start, group[-1].end
            text = " ".join(a.text for a in group)
            clip = _clip(f, tier, start, end, text, out_dir, names)
            result.joined += len(group) > 1
            if end - start > MAX_CLIP_SECONDS:  # never decoded: a 4-hour "annotation" is no clip
                detail = f"{end - start:.1f} s ({start:.2f}–{end:.2f} s of {f.audio or f.path})"
                result.rejects.append(Reject(clip, "all", "too_long_audio", detail))
            else:
                planned.append(PlannedClip(clip, start, end))
    return planned


def _clip(
    f: AnnotationFile,
    tier: Tier,
    start: float,
    end: float,
    text: str,
    out_dir: Path,
    names: UniqueNames,
    audio: Path | None = None,
) -> Clip:
    """The clip of ``start``–``end`` of ``tier``, named ``file_tier_milliseconds`` (unique);
    its audio is ``audio``, else its file in ``out_dir`` (else, without a recording, the
    recording looked for)."""
    ms = str(round(start * 1000)).zfill(8) if math.isfinite(start) else "x"
    name = names.unique(f"{out_dir.name}_{slug(tier.name, 'tier')}_{ms[:12]}")
    if audio is None:
        audio = out_dir / f"{name}.wav" if f.audio is not None else f.expected_audio
    duration = end - start if math.isfinite(end - start) and end >= start else None
    return Clip(audio=audio, text=text, duration=duration, speaker=tier.speaker, id=name)


def _cut(f: AnnotationFile, planned: list[PlannedClip], result: CutResult) -> None:
    """Write the planned clips of ``f`` (see :func:`cut_clips`); without a readable recording
    the clips not written are rejects."""
    if not planned:
        return
    done: dict[int, Clip | Reject] = {}
    problem = ("missing_audio", f"{f.expected_audio}: no such file")
    if f.audio is not None:
        try:
            for i, outcome in cut_clips(f.audio, planned):
                done[i] = outcome
        except AudioError as e:  # (the clips written before stay: their audio is whole)
            problem = (AUDIO_REJECT_REASONS.get(e.kind, "unreadable_audio"), e.problem)
    origin = str(f.audio.resolve()) if f.audio is not None else ""
    for i, p in enumerate(planned):
        outcome = done.get(i, Reject(p.clip, "all", *problem))
        if isinstance(outcome, Reject):
            result.rejects.append(outcome)
        else:
            result.clips.append(outcome)
            result.origins[outcome.audio] = Origin(origin, p.start)


def cut_clips(audio: Path, planned: list[PlannedClip]) -> Iterator[tuple[int, Clip | Reject]]:
    """Write each planned clip of recording ``audio`` as a WAV (16 kHz mono 16-bit), decoding
    only their spans (:func:`~hsb_whisper.audio.read_spans`); a clip reaching past the
    recording's end is a ``bad_times`` reject. Yields ``(index in planned, clip or reject)`` as
    the spans end; raises ``AudioError`` for a recording that cannot be read (also midway: the
    clips yielded before are whole)."""
    spans = [(round(p.start * SAMPLE_RATE), round(p.end * SAMPLE_RATE)) for p in planned]
    for i, samples in read_spans(audio, spans):
        yield i, _write_clip(audio, planned[i], samples)


def _write_clip(audio: Path, p: PlannedClip, samples: np.ndarray) -> Clip | Reject:
    got = len(samples) / SAMPLE_RATE
    if got < p.end - p.start - END_TOLERANCE_S:
        if got == 0:
            detail = f"starts at {p.start:.2f} s, after the end of {audio}"
        else:
            detail = f"the clip ends at {p.end:.2f} s, {audio} at {p.start + got:.2f} s"
        return Reject(p.clip, "all", "bad_times", detail)
    p.clip.audio.parent.mkdir(parents=True, exist_ok=True)
    write_wav(p.clip.audio, samples)
    return p.clip
