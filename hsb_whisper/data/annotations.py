"""Linguists' transcribed corpora: ELAN ``.eaf`` and Praat ``.TextGrid`` files with their audio.

Each annotation of the chosen tiers becomes a clip of its own, cut from the recording into a 16 kHz
mono 16-bit WAV. Adjacent annotations of one tier (one speaker) are joined while the gap between
them is short and the whole stays under Whisper's 30 s window. Empty annotations and non-speech
ones (``[laughter]``, ``(laughs)``, ``xxx``, ``???``, ``<noise>``) are skipped and counted; a
bracketed part inside a longer transcript is kept as it is and counted, so that the user can see
and clean it. Overlapping speech (annotations of different tiers at the same time) is measured and
can be left out. An annotation file whose recording is missing gives ``missing_audio`` rejects,
and the other files go on.

A tier that subdivides another (ELAN: any tier with a parent, such as the word tiers of Included_In
or Symbolic_Subdivision type; Praat: hsb-whisper's ``words`` tiers inside their segment tier)
holds parts of its parent's text and is never imported.
"""

from __future__ import annotations

import bisect
import collections
import dataclasses
import re
import wave
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np

from hsb_whisper.audio import AUDIO_SUFFIXES, SAMPLE_RATE, load_audio
from hsb_whisper.data.checks import AUDIO_REJECT_REASONS, Reject
from hsb_whisper.data.manifest import Clip, normalize_text
from hsb_whisper.data.split import Origin
from hsb_whisper.errors import AudioError, HsbWhisperError, OptionError
from hsb_whisper.files import atomic_open

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
# The tiers of hsb-whisper's ELAN and Praat files (``transcribe -f eaf,textgrid``): segments, and
# with word timestamps their words; with speakers a pair per speaker, "Name" and "words (Name)".
SEGMENT_TIER = "transcript"
WORD_TIER = "words"


def words_tier(tier: str) -> str:
    """The name of the tier of words of speaker tier ``tier``."""
    return f"{WORD_TIER} ({tier})"


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
            if candidate.is_file():
                return candidate
    return None


def _url_path(url: str, base: Path) -> Path | None:
    if not url:
        return None
    parsed = urlparse(url)
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
        raise AnnotationError(f"{path}: not a readable ELAN file ({e})") from e
    tiers = {}
    for name in eaf.get_tier_names():
        data = eaf.get_annotation_data_for_tier(name)
        annotations = [
            Annotation(start / 1000, end / 1000, normalize_text(value or ""))
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
        if not candidate.is_file():
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

    try:
        grid = textgrid.openTextgrid(
            str(path), includeEmptyIntervals=False, reportingMode="silence"
        )
    except Exception as e:  # praatio raises many kinds on malformed files
        raise AnnotationError(f"{path}: not a readable TextGrid ({e})") from e
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
            lines.append(f"{f.path}:")
            for t in f.candidates:
                lines.append(f"  --tier {t.name!r}  ({t.filled} annotations, speaker {t.speaker})")
            children = [t for t in f.tiers.values() if t.parent is not None]
            if children:
                parts = ", ".join(f"{t.name!r} of {t.parent!r}" for t in children)
                lines.append(f"  (subdivisions, never imported: {parts})")
            if not f.tiers:
                lines.append("  (no time-aligned tiers)")
        if wanted:
            head = f"no tier named {', '.join(map(repr, wanted))} in these files; their tiers:"
        else:
            head = "more than one tier with annotations; choose with --tier (repeatable):"
        raise OptionError("\n".join([head, *lines]))
    return chosen


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


def _groups(
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


def _slug(text: str) -> str:
    return re.sub(r"[^\w-]+", "-", text, flags=re.ASCII).strip("-") or "tier"


def write_wav(path: Path, samples: np.ndarray) -> None:
    """float32 mono samples at 16 kHz as a 16-bit PCM WAV, atomically."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).round().astype("<i2")
    with atomic_open(path, "wb") as f, wave.open(f, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.tobytes())


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
    stems: collections.Counter = collections.Counter()
    for f in files:
        names = chosen[f.path]
        result.tiers[str(f.path)] = names
        stems[f.path.stem] += 1
        stem = f.path.stem if stems[f.path.stem] == 1 else f"{f.path.stem}-{stems[f.path.stem]}"
        out_dir = clips_dir / _slug(stem)
        audio = None
        audio_problem: tuple[str, str] | None = None
        if f.audio is None:
            audio_problem = ("missing_audio", f"{f.expected_audio}: no such file")
        else:
            try:
                audio = load_audio(f.audio)
            except AudioError as e:
                audio_problem = (AUDIO_REJECT_REASONS.get(e.kind, "unreadable_audio"), e.problem)
        seconds = len(audio) / SAMPLE_RATE if audio is not None else None
        tiers = [f.tiers[n] for n in names]
        result.overlap_seconds += _overlap_seconds(
            [[a for a in t.annotations if a.text] for t in tiers]
        )
        for tier in tiers:
            others = [a for t in tiers if t is not tier for a in t.annotations if a.text]
            marked = []
            for a in tier.annotations:
                result.annotations += 1
                overlapping = bool(a.text) and _overlaps(a, others)
                result.overlapping += overlapping
                if not a.text:
                    reason = "empty"
                elif a.end <= a.start:
                    reason = "zero_length"
                elif any(p.fullmatch(a.text) for p in patterns):
                    reason = "non_speech"
                elif overlapping and options.skip_overlaps:
                    reason = "overlap"
                else:
                    reason = None
                    result.inline_bracketed += bool(INLINE_BRACKETS.search(a.text))
                if reason:
                    result.skipped[reason] += 1
                marked.append((a, reason))
            for group in _groups(marked, options):
                start, end = group[0].start, group[-1].end
                name = f"{_slug(stem)}_{_slug(tier.name)}_{round(start * 1000):08d}"
                clip = Clip(
                    audio=(out_dir / f"{name}.wav") if audio is not None else f.expected_audio,
                    text=" ".join(a.text for a in group),
                    duration=end - start,
                    speaker=tier.speaker,
                    id=name,
                )
                result.joined += len(group) > 1
                if audio_problem is not None:
                    result.rejects.append(Reject(clip, "all", *audio_problem))
                elif end > seconds + END_TOLERANCE_S:
                    detail = f"annotation ends at {end:.2f} s, {f.audio} at {seconds:.2f} s"
                    result.rejects.append(Reject(clip, "all", "truncated_audio", detail))
                else:
                    out_dir.mkdir(parents=True, exist_ok=True)
                    piece = audio[round(start * SAMPLE_RATE) : round(end * SAMPLE_RATE)]
                    write_wav(clip.audio, piece)
                    result.clips.append(clip)
                    result.origins[clip.audio] = Origin(str(f.audio.resolve()), start)
        advance(1)
    return result
