"""Common Voice: read a release's TSV files and clips, from an archive or an extracted folder.

A release unpacks to ``cv-corpus-<version>-<date>/<locale>/`` with ``train.tsv``, ``dev.tsv``,
``test.tsv``, ``validated.tsv``, ``other.tsv``, … and ``clips/*.mp3``. The TSV columns differ
between releases; ``path`` and ``sentence`` are always there, ``client_id`` (the speaker) almost
always, ``sentence_id`` in newer ones. Sentences may hold quote characters: the files use no
quoting, so they are read with ``csv.QUOTE_NONE``.

A ``.tar.gz`` is read directly: a first pass reads only the TSV files (and stops as soon as it has
them), a second extracts just the clips the chosen splits use, each written under a temporary
name and renamed, and skipped when an earlier run extracted the same bytes.

Only clips in the release's own ``clips/`` folder are used: a table row whose ``path`` is not a
plain file name there (``../../x.mp3``, an absolute path, a link out of ``clips/``) is rejected
unread, and of an archive only members under ``<release>/<locale>/clips/`` are extracted, each at
most :data:`~hsb_whisper.data.checks.MAX_CLIP_BYTES` and all together at most
:data:`MAX_EXPANSION` times the archive's size. A damaged archive (cut off, garbled) is reported
as damaged, never as clips that are missing.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
import os
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath

from hsb_whisper.data.checks import MAX_CLIP_BYTES
from hsb_whisper.data.manifest import Clip, normalize_text
from hsb_whisper.errors import HsbWhisperError

log = logging.getLogger(__name__)

OFFICIAL_SPLITS = ("train", "dev", "test")
REQUIRED_COLUMNS = ("path", "sentence")
FIELD_LIMIT = 1 << 24  # bytes of one TSV field (csv's default is 128 KiB)
csv.field_size_limit(FIELD_LIMIT)
# MP3 does not compress: the clips of an archive take about its size. Extraction stops when they
# would take more than this many times as much (a damaged or hostile archive).
MAX_EXPANSION = 4
MAX_TABLE_BYTES = 1 << 30  # one TSV of an archive (English's validated.tsv is about 400 MB)


class CommonVoiceError(HsbWhisperError):
    """A Common Voice source that cannot be read."""


@dataclasses.dataclass(frozen=True)
class Release:
    """The TSV tables of one locale and where its clips are (or will be)."""

    tables: dict[str, list[dict[str, str]]]  # "train" → rows
    clips_dir: Path
    # of an archive: the locale folder inside it (("cv-corpus-…", "hsb")), whose clips/ is used
    archive_dir: tuple[str, ...] | None = None


def read_tsv(text: str, name: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    try:
        columns = reader.fieldnames or []
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise CommonVoiceError(
                f"{name}: not a Common Voice table (no {', '.join(missing)} column; "
                f"found {', '.join(columns) or 'nothing'})"
            )
        return [row for row in reader if row.get("path")]
    except csv.Error as e:  # "field larger than field limit": a field over FIELD_LIMIT bytes
        line = reader.reader.line_num
        raise CommonVoiceError(
            f"{name}, line {line}: not a readable table ({e}; a field may hold at most "
            f"{FIELD_LIMIT >> 20} MiB)"
        ) from e


def decode_table(data: bytes, name: str) -> str:
    """A TSV file's bytes as text; invalid UTF-8 is an error naming the line and byte."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise CommonVoiceError(
            f"{name}, line {line}: not UTF-8 text (byte {e.start}: {data[e.start : e.end]!r})"
        ) from e


def path_problem(row: dict[str, str], clips_dir: Path) -> str | None:
    """Why a row's clip is not a file of ``clips_dir`` (``None`` when it is one).

    The ``path`` column must be a plain file name (no folder, drive or ``..``; the same rule on
    every system), and it must not lead out of ``clips_dir`` through a link either.
    """
    raw = row["path"]
    name = clip_name(row)
    plain = PurePosixPath(name).name == name and PureWindowsPath(name).name == name
    if not plain or name in (".", "..") or "\0" in name:
        return f"the table's path {raw!r} is not a file name in clips/"
    target = (clips_dir / name).resolve()
    if not target.is_relative_to(clips_dir.resolve()):
        return f"the table's path {raw!r} leads out of clips/ (to {target})"
    return None


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
    archive_dir = None
    if is_archive(source):
        texts, archive_dir = _tables_from_archive(source, locale, wanted)
    elif source.is_dir():
        folder = _locale_dir(source, locale)
        texts = {}
        for n in wanted:
            tsv = folder / f"{n}.tsv"
            if tsv.is_file():
                try:
                    texts[n] = decode_table(tsv.read_bytes(), str(tsv))
                except OSError as e:
                    raise CommonVoiceError(f"{tsv}: cannot read the table ({e})") from e
        clips_dir = folder / "clips"
    else:
        raise CommonVoiceError(
            f"{source}: not a Common Voice archive (.tar.gz, .tgz, .tar) or extracted folder"
        )
    missing = sorted(wanted - texts.keys())
    if missing:
        raise CommonVoiceError(f"{source}: locale {locale!r} has no {', '.join(missing)} table")
    tables = {n: read_tsv(t, f"{source}:{n}.tsv") for n, t in texts.items()}
    return Release(tables, clips_dir, archive_dir)


def _member_parts(name: str) -> tuple[str, ...]:
    return PurePosixPath(name).parts


class _CheckedTarInfo(tarfile.TarInfo):
    """Member headers that tell a damaged archive from a finished one: tarfile's stream mode
    ends the member list silently at a cut-off or garbled header, as if the archive ended there,
    which would make every clip after it look missing. Only tar's end marker (a zero block) ends
    the list here, and only when nothing but zeros follows it: a garbled stretch of a .gz can
    decompress to zeros that look like the marker."""

    @classmethod
    def fromtarfile(cls, tar: tarfile.TarFile) -> tarfile.TarInfo:
        try:
            return super().fromtarfile(tar)
        except tarfile.EOFHeaderError:
            while chunk := tar.fileobj.read(1 << 16):  # the rest: padding, a few KiB
                if chunk.strip(b"\0"):
                    raise tarfile.ReadError(
                        f"data after the end marker at byte {tar.offset} of the tar data"
                    ) from None
            raise
        except tarfile.HeaderError as e:
            raise tarfile.ReadError(f"{e} at byte {tar.offset} of the tar data") from e


@contextmanager
def _reading(source: Path) -> Iterator[tarfile.TarFile]:
    """``source`` opened for one streaming pass; its damage is a one-line error."""
    try:
        with tarfile.open(source, "r|*", tarinfo=_CheckedTarInfo) as tar:
            yield tar
    except (tarfile.TarError, EOFError, zlib.error) as e:
        raise CommonVoiceError(
            f"{source}: the archive is damaged ({e or type(e).__name__}); download it again"
        ) from e
    except OSError as e:
        raise CommonVoiceError(f"{source}: cannot read the archive ({e})") from e


def _tables_from_archive(
    source: Path, locale: str, wanted: set[str]
) -> tuple[dict[str, str], tuple[str, ...] | None]:
    """The wanted tables of ``<release>/<locale>/`` (or ``<locale>/``) and that folder."""
    texts: dict[str, str] = {}
    folder = None
    with _reading(source) as tar:  # streaming: one pass, stops early
        for member in tar:
            parts = _member_parts(member.name)
            if (
                member.isfile()
                and len(parts) in (2, 3)
                and ".." not in parts
                and parts[-2] == locale
                and parts[-1].endswith(".tsv")
                and parts[-1][:-4] in wanted
                and folder in (None, parts[:-1])  # all from one release
            ):
                folder = parts[:-1]
                if member.size > MAX_TABLE_BYTES:
                    raise CommonVoiceError(
                        f"{source}:{member.name}: {member.size / 2**30:.1f} GiB, more than a "
                        f"Common Voice table can be ({MAX_TABLE_BYTES >> 30} GiB)"
                    )
                data = tar.extractfile(member).read()
                texts[parts[-1][:-4]] = decode_table(data, f"{source}:{member.name}")
                if texts.keys() >= wanted:
                    break
    return texts, folder


def extract_clips(
    source: Path,
    archive_dir: tuple[str, ...],
    names: set[str],
    clips_dir: Path,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Extract the clips called ``names`` from ``<archive_dir>/clips/`` of the archive into
    ``clips_dir``; returns the clips not extracted for their size (name → bytes).

    ``names`` must be plain file names (see :func:`path_problem`); no path from the archive is
    used on disk. A clip already there with the same bytes is not written again; one that differs
    (damaged since, or cut off by an interrupted run) is replaced.
    """
    try:
        clips_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CommonVoiceError(f"{clips_dir}: cannot create the clips folder ({e})") from e
    todo = set(names)
    too_large: dict[str, int] = {}
    budget = MAX_EXPANSION * source.stat().st_size + MAX_CLIP_BYTES
    with _reading(source) as tar:
        for member in tar:
            parts = _member_parts(member.name)
            if not (member.isfile() and parts[:-1] == (*archive_dir, "clips")):
                continue
            name = parts[-1]
            if name not in todo:
                continue
            todo.discard(name)
            if member.size > MAX_CLIP_BYTES:
                too_large[name] = member.size
            else:
                budget -= member.size
                if budget < 0:
                    raise CommonVoiceError(
                        f"{source}: its clips would take more than {MAX_EXPANSION} times the "
                        "archive's size; a damaged or hostile archive? Extraction stopped"
                    )
                _extract_member(tar, member, clips_dir / name)
            if progress:
                progress(1)
            if not todo:
                break
    if todo:
        log.info("%d clips listed in the tables are not in %s", len(todo), source)
    return too_large


def _extract_member(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> None:
    data = tar.extractfile(member).read()  # at most MAX_CLIP_BYTES
    try:
        if (
            not target.is_symlink()
            and target.is_file()
            and target.stat().st_size == len(data)
            and target.read_bytes() == data
        ):
            return  # extracted by an earlier run
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)  # replaces a link too, never writes through it
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise CommonVoiceError(f"{target}: cannot write the clip ({e})") from e


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
