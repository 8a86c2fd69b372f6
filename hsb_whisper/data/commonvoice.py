"""Common Voice: read a release's TSV files and clips, from an archive or an extracted folder.

A release unpacks to ``cv-corpus-<version>-<date>/<locale>/`` with ``train.tsv``, ``dev.tsv``,
``test.tsv``, ``validated.tsv``, ``other.tsv``, … and ``clips/*.mp3``. The TSV columns differ
between releases; ``path`` and ``sentence`` are always there, ``client_id`` (the speaker) almost
always, ``sentence_id`` in newer ones. Sentences may hold quote characters: the files use no
quoting, so they are read with ``csv.QUOTE_NONE``.

A ``.tar.gz`` is read directly: a first pass reads only the TSV files (and stops as soon as it has
them), a second extracts just the clips the chosen splits use, each written under a temporary
name and renamed, and skipped when already extracted by an earlier run.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from hsb_whisper.data.manifest import Clip, normalize_text
from hsb_whisper.errors import HsbWhisperError

log = logging.getLogger(__name__)

OFFICIAL_SPLITS = ("train", "dev", "test")
REQUIRED_COLUMNS = ("path", "sentence")
csv.field_size_limit(1 << 24)


class CommonVoiceError(HsbWhisperError):
    """A Common Voice source that cannot be read."""


@dataclasses.dataclass(frozen=True)
class Release:
    """The TSV tables of one locale and where its clips are (or will be)."""

    tables: dict[str, list[dict[str, str]]]  # "train" → rows
    clips_dir: Path


def read_tsv(text: str, name: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    columns = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise CommonVoiceError(
            f"{name}: not a Common Voice table (no {', '.join(missing)} column; "
            f"found {', '.join(columns) or 'nothing'})"
        )
    return [row for row in reader if row.get("path")]


def is_archive(source: Path) -> bool:
    return source.is_file() and source.name.endswith((".tar", ".tar.gz", ".tgz", ".tar.bz2"))


def _locale_dir(source: Path, locale: str) -> Path:
    for candidate in (source, source / locale, *sorted(source.glob(f"*/{locale}"))):
        if (candidate / "train.tsv").is_file() or (candidate / "validated.tsv").is_file():
            return candidate
    raise CommonVoiceError(
        f"{source}: no Common Voice tables for locale {locale!r} (looked for train.tsv or "
        f"validated.tsv in {source}, {source / locale} and {source}/*/{locale})"
    )


def open_release(source: Path, locale: str, tables: Iterable[str], clips_dir: Path) -> Release:
    """Read ``tables`` (names without .tsv) of ``locale`` from an archive or a folder.

    For an archive, ``clips_dir`` is where :func:`extract_clips` will put the clips; for a folder,
    the release's own ``clips/`` is used in place and ``clips_dir`` is ignored.
    """
    wanted = set(tables)
    if is_archive(source):
        texts = _tables_from_archive(source, locale, wanted)
    elif source.is_dir():
        folder = _locale_dir(source, locale)
        texts = {
            n: (folder / f"{n}.tsv").read_text(encoding="utf-8")
            for n in wanted
            if (folder / f"{n}.tsv").is_file()
        }
        clips_dir = folder / "clips"
    else:
        raise CommonVoiceError(
            f"{source}: not a Common Voice archive (.tar.gz, .tgz, .tar) or extracted folder"
        )
    missing = sorted(wanted - texts.keys())
    if missing:
        raise CommonVoiceError(f"{source}: locale {locale!r} has no {', '.join(missing)} table")
    return Release({n: read_tsv(t, f"{source}:{n}.tsv") for n, t in texts.items()}, clips_dir)


def _member_parts(name: str) -> tuple[str, ...]:
    return PurePosixPath(name).parts


def _tables_from_archive(source: Path, locale: str, wanted: set[str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    try:
        with tarfile.open(source, "r|*") as tar:  # streaming: one pass, stops early
            for member in tar:
                parts = _member_parts(member.name)
                if (
                    member.isfile()
                    and len(parts) >= 2
                    and parts[-2] == locale
                    and parts[-1].endswith(".tsv")
                    and parts[-1][:-4] in wanted
                ):
                    f = tar.extractfile(member)
                    texts[parts[-1][:-4]] = f.read().decode("utf-8")
                    if texts.keys() >= wanted:
                        break
    except (tarfile.TarError, OSError, EOFError) as e:
        raise CommonVoiceError(f"{source}: unreadable archive ({e})") from e
    return texts


def extract_clips(
    source: Path,
    locale: str,
    names: set[str],
    clips_dir: Path,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Extract the clips called ``names`` of ``locale`` from the archive into ``clips_dir``.

    Only plain file names under ``<locale>/clips/`` are taken (no paths from the archive are used
    on disk); a clip already present with the right size is not written again.
    """
    clips_dir.mkdir(parents=True, exist_ok=True)
    todo = set(names)
    try:
        with tarfile.open(source, "r|*") as tar:
            for member in tar:
                parts = _member_parts(member.name)
                if not (member.isfile() and len(parts) >= 3 and parts[-3:-1] == (locale, "clips")):
                    continue
                name = parts[-1]
                if name not in todo:
                    continue
                todo.discard(name)
                target = clips_dir / name
                if not (target.is_file() and target.stat().st_size == member.size):
                    _copy_member(tar.extractfile(member), target)
                if progress:
                    progress(1)
                if not todo:
                    break
    except (tarfile.TarError, OSError, EOFError) as e:
        raise CommonVoiceError(f"{source}: unreadable archive ({e})") from e
    if todo:
        log.info("%d clips listed in the tables are not in %s", len(todo), source)


def _copy_member(f: io.BufferedReader, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(f, out)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def clip_name(row: dict[str, str]) -> str:
    name = row["path"].strip()
    return name if name.endswith(".mp3") else f"{name}.mp3"  # the oldest releases had no suffix


def to_clip(row: dict[str, str], clips_dir: Path) -> Clip:
    name = clip_name(row)
    return Clip(
        audio=clips_dir / name,
        text=normalize_text(row.get("sentence") or ""),
        speaker=row.get("client_id") or None,
        sentence_id=row.get("sentence_id") or None,
        id=name[:-4],
    )


def choose_splits(
    tables: dict[str, list[dict[str, str]]], use_validated: bool, add_other: bool
) -> tuple[dict[str, list[dict[str, str]]], int]:
    """Rows per split, and how many were left out of train to keep dev/test unseen.

    Official: the release's train/dev/test. ``use_validated``: train is every validated clip whose
    clip, sentence and speaker are in neither dev nor test (Common Voice's own train is much
    smaller than validated). ``add_other``: the not-yet-validated clips join train on the same
    terms.
    """
    splits = {name: list(tables[name]) for name in OFFICIAL_SPLITS}
    if not (use_validated or add_other):
        return splits, 0
    held_out = tables["dev"] + tables["test"]
    paths = {clip_name(r) for r in held_out}
    sentences = {normalize_text(r.get("sentence") or "") for r in held_out}
    speakers = {r["client_id"] for r in held_out if r.get("client_id")}
    candidates = (tables["validated"] if use_validated else splits["train"]) + (
        tables["other"] if add_other else []
    )
    train, seen, left_out = [], set(), 0
    for row in candidates:
        name = clip_name(row)
        if name in seen:
            continue
        seen.add(name)
        if (
            name in paths
            or normalize_text(row.get("sentence") or "") in sentences
            or row.get("client_id") in speakers
        ):
            left_out += 1
            continue
        train.append(row)
    splits["train"] = train
    return splits, left_out
