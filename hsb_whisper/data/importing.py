"""Data imports end to end: read a source, check every clip, write manifests, rejects and report.

An output folder holds ``train.jsonl``, ``dev.jsonl``, ``test.jsonl`` (see :mod:`manifest`),
``rejects.jsonl`` (each rejected clip with its split, reason code and details), ``report.json``
and, for Common Voice archives, ``clips/``. Re-running an import on the same source gives the same
files.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hsb_whisper.audio import AUDIO_SUFFIXES
from hsb_whisper.data import annotations, commonvoice, folder
from hsb_whisper.data.checks import CheckResult, Reject, check_clips
from hsb_whisper.data.manifest import Clip, read_manifest, write_manifest
from hsb_whisper.data.report import build_report, write_rejects, write_report
from hsb_whisper.data.split import split_clips
from hsb_whisper.errors import OutputError
from hsb_whisper.files import prepare_output_folder

log = logging.getLogger(__name__)

REJECTS_FILE = "rejects.jsonl"
REPORT_FILE = "report.json"


@dataclasses.dataclass
class Progress:
    """Callbacks a caller (terminal bar, GUI) gives to follow a long data job."""

    stage: Callable[[str, int], None] = lambda name, total: None  # a new stage with N units
    advance: Callable[[int], None] = lambda n: None  # N units done


@dataclasses.dataclass
class Outcome:
    report: dict[str, Any]
    manifests: dict[str, Path]
    rejects: Path | None  # None when nothing was rejected

    @property
    def rejected(self) -> int:
        return self.report["rejected"]


def check_splits(splits: dict[str, list[Clip]], decode: bool, progress: Progress) -> CheckResult:
    """Check every clip (see :func:`~hsb_whisper.data.checks.check_clips`), as a progress stage."""
    unique = {c.audio for clips in splits.values() for c in clips}
    progress.stage("checking clips", len(unique))
    return check_clips(splits, decode=decode, progress=progress.advance)


def write_outcome(out: Path, result: CheckResult, report: dict[str, Any], extra: dict) -> Outcome:
    """Write an import's manifests, rejects and report (``extra`` first) into ``out``."""
    try:
        return _write_files(out, result, report, extra)
    except OSError as e:  # a full disk, a folder removed or made read-only meanwhile
        raise OutputError(f"{out}: the results cannot be written ({e.strerror or e})") from e


def _write_files(out: Path, result: CheckResult, report: dict[str, Any], extra: dict) -> Outcome:
    out.mkdir(parents=True, exist_ok=True)
    manifests = {}
    for split, clips in result.kept.items():
        manifests[split] = out / f"{split}.jsonl"
        write_manifest(manifests[split], clips)
    rejects_path = out / REJECTS_FILE
    if result.rejects:
        write_rejects(rejects_path, result.rejects)
    else:
        rejects_path.unlink(missing_ok=True)
    full = {**extra, **report}
    write_report(out / REPORT_FILE, full)
    return Outcome(full, manifests, rejects_path if result.rejects else None)


def import_common_voice(
    source: Path,
    locale: str,
    out: Path,
    *,
    use_validated: bool = False,
    add_other: bool = False,
    decode: bool = True,
    progress: Progress | None = None,
) -> Outcome:
    progress = progress or Progress()
    prepare_output_folder(out, "--out")
    tables = list(commonvoice.OFFICIAL_SPLITS)
    tables += ["validated"] * use_validated + ["other"] * add_other
    progress.stage("reading tables", 0)
    release = commonvoice.open_release(source, locale, tables, out / "clips")
    rows, left_out = commonvoice.choose_splits(release.tables, use_validated, add_other)
    too_large: dict[str, int] = {}
    if release.archive_dir is not None:
        names = {
            commonvoice.clip_name(r)
            for split in rows.values()
            for r in split
            if commonvoice.path_problem(r, release.clips_dir) is None
        }
        progress.stage("extracting clips", len(names))
        too_large = commonvoice.extract_clips(
            source, release.archive_dir, names, release.clips_dir, progress.advance
        )
    # rows whose clip is not a file of clips/ (or was too large to extract) are rejected unread
    splits: dict[str, list[Clip]] = {}
    early: list[Reject] = []
    for name, split_rows in rows.items():
        splits[name] = []
        for row in split_rows:
            clip = commonvoice.to_clip(row, release.clips_dir)
            problem = commonvoice.path_problem(row, release.clips_dir)
            if problem is not None:
                early.append(Reject(clip, name, "unsafe_path", problem))
            elif commonvoice.clip_name(row) in too_large:
                size = too_large[commonvoice.clip_name(row)]
                early.append(Reject(clip, name, "too_large_audio", f"{size / 2**20:.0f} MiB"))
            else:
                splits[name].append(clip)
    result = check_splits(splits, decode, progress)
    result = CheckResult(result.kept, early + result.rejects)
    extra = {
        "source": str(source),
        "kind": "common-voice",
        "train_from": "validated" if use_validated else "train",
        "other_added": add_other,
        "left_out_to_keep_dev_test_unseen": left_out,
    }
    return write_outcome(out, result, build_report(result, locale), extra)


def import_folder(
    source: Path,
    out: Path,
    *,
    table: Path | None = None,
    fractions: tuple[float, float, float] = (0.8, 0.1, 0.1),
    seed: int = 0,
    speaker_from_folder: bool = False,
    locale: str | None = "hsb",
    decode: bool = True,
    progress: Progress | None = None,
) -> Outcome:
    progress = progress or Progress()
    if not source.is_dir():
        raise folder.FolderError(f"{source}: not a folder")
    prepare_output_folder(out, "--out")
    table = table or folder.find_table(source)
    if table is not None:
        clips = folder.read_table(table, source)
    else:
        clips = folder.read_sidecars(source, speaker_from_folder)
    if not clips:
        raise folder.FolderError(
            f"{source}: no recordings found ({', '.join(AUDIO_SUFFIXES)}) and no "
            f"table ({', '.join(folder.TABLE_NAMES)})"
        )
    result = check_splits({"all": clips}, decode, progress)
    split = split_clips(result.kept["all"], fractions, seed)
    result = CheckResult(split.clips, result.rejects)
    extra = {
        "source": str(source),
        "kind": "folder",
        "transcripts": str(table) if table else "sidecar .txt files",
        "split": split.to_json(fractions, seed),
    }
    return write_outcome(out, result, build_report(result, locale, split.warnings), extra)


def import_annotations(
    sources: list[Path],
    out: Path,
    *,
    kind: str,
    options: annotations.CutOptions | None = None,
    fractions: tuple[float, float, float] = (0.8, 0.1, 0.1),
    seed: int = 0,
    locale: str | None = "hsb",
    decode: bool = True,
    progress: Progress | None = None,
) -> Outcome:
    """ELAN (``kind="elan"``) or Praat TextGrid (``kind="textgrid"``) files, or folders of them:
    each annotation of the chosen tiers is cut into ``OUT/clips/<file>/`` as a 16 kHz WAV, then
    checked and split like :func:`import_folder`: each speaker in one split, else each recording,
    else each stretch of a recording (see :mod:`hsb_whisper.data.split`)."""
    progress = progress or Progress()
    options = options or annotations.CutOptions()
    annotations.compile_patterns(options.skip_patterns)  # a bad pattern fails before any work
    if kind == "elan":
        suffixes, read = annotations.EAF_SUFFIXES, annotations.read_eaf
    elif kind == "textgrid":
        suffixes, read = annotations.TEXTGRID_SUFFIXES, annotations.read_textgrid
    else:
        raise ValueError(kind)
    paths = annotations.find_annotation_files(sources, suffixes)
    progress.stage("reading annotations", len(paths))
    files, unreadable = [], []
    for path in paths:
        try:  # a file that cannot be read is named in the report; the others go on
            files.append(read(path))
        except annotations.AnnotationError as e:
            unreadable.append({"annotations": str(path), "problem": str(e)})
        progress.advance(1)
    if not files:
        raise annotations.AnnotationError("\n".join(u["problem"] for u in unreadable))
    annotations.choose_tiers(files, options.tiers)  # before any cutting: fail fast
    prepare_output_folder(out, "--out")
    progress.stage("cutting clips", len(files))
    cut = annotations.cut_corpus(files, out / "clips", options, progress.advance)
    result = check_splits({"all": cut.clips}, decode, progress)
    split = split_clips(result.kept["all"], fractions, seed, cut.origins)
    result = CheckResult(split.clips, cut.rejects + result.rejects)
    extra = {
        "source": [str(s) for s in sources],
        "kind": kind,
        "files": len(files),
        "unreadable_files": unreadable,
        "recordings": [
            {
                "annotations": str(f.path),
                "recording": str(f.audio) if f.audio else None,
                "found": f.found,
            }
            for f in files
        ],
        "recordings_elsewhere": _elsewhere(files, sources),
        "tiers": cut.tiers,
        "annotations": cut.annotations,
        "skipped": dict(cut.skipped.most_common()),
        "skip_patterns": list(options.skip_patterns),
        "inline_bracketed_kept": cut.inline_bracketed,
        "joined": {
            "clips_of_several_annotations": cut.joined,
            "max_seconds": options.join_max,
            "max_gap_seconds": options.join_gap,
        },
        "overlaps": {
            "annotations": cut.overlapping,
            "seconds": round(cut.overlap_seconds, 3),
            "skipped": options.skip_overlaps,
        },
        "split": split.to_json(fractions, seed),
    }
    return write_outcome(out, result, build_report(result, locale, split.warnings), extra)


def _elsewhere(
    files: list[annotations.AnnotationFile], sources: list[Path]
) -> list[dict[str, Any]]:
    """The recordings that really are outside the folders (or files' folders) imported, or are
    reached through a symbolic link, with their real paths: linked media may point anywhere,
    and the user sees where."""
    roots = [(s if s.is_dir() else s.parent).resolve() for s in sources]
    elsewhere = []
    for f in files:
        if f.audio is None:
            continue
        real = f.audio.resolve()
        outside = not any(real.is_relative_to(root) for root in roots)
        if outside or real != Path(os.path.abspath(f.audio)):
            elsewhere.append(
                {
                    "annotations": str(f.path),
                    "real_path": str(real),
                    "why": "outside the corpus" if outside else "through a symbolic link",
                }
            )
    return elsewhere


def check_manifest(
    manifest: Path,
    *,
    clean: Path | None = None,
    locale: str | None = None,
    decode: bool = True,
    progress: Progress | None = None,
) -> Outcome:
    """Check one manifest; rejects go to ``<manifest>.rejects.jsonl``, and with ``clean`` the
    clips that passed are written there as a new manifest."""
    progress = progress or Progress()
    clips = read_manifest(manifest)
    if clean is not None:
        _check_clean(clean)
    result = check_splits({manifest.stem: clips}, decode, progress)
    report = {"manifest": str(manifest), **build_report(result, locale)}
    rejects_path = manifest.with_suffix(".rejects.jsonl")
    if result.rejects:
        write_rejects(rejects_path, result.rejects)
    else:
        rejects_path.unlink(missing_ok=True)
    manifests = {}
    if clean is not None:
        try:
            write_manifest(clean, result.kept[manifest.stem])
        except OSError as e:
            raise OutputError(f"--clean {clean}: cannot be written ({e.strerror or e})") from e
        manifests["clean"] = clean
    return Outcome(report, manifests, rejects_path if result.rejects else None)


def _check_clean(clean: Path) -> None:
    """``--clean``: a file to write, in an existing folder (checked before any clip is)."""
    if clean.is_dir():
        raise OutputError(f"--clean {clean}: is a folder; give a manifest file to write")
    if not clean.parent.is_dir():
        raise OutputError(f"--clean {clean}: {clean.parent} is not a folder")
