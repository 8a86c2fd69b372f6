"""Writing files and folders so that a crash never leaves a half-written one under the real name.

Everything is first written under a temporary name in the destination's own folder (so the final
``os.replace`` is a rename on one file system, which POSIX and Windows make atomic), flushed to
disk, then renamed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from hsb_whisper.errors import OutputError


def current_umask() -> int:
    """The process's umask (read by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open ``path`` for writing through a temporary file renamed over it on success.

    On an exception the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    binary = "b" in mode
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(
            tmp_name, 0o666 & ~current_umask()
        )  # mkstemp makes it private; give it normal rights
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    with atomic_open(path, "w") as f:
        f.write(text)


@contextlib.contextmanager
def staging_dir(final: str | Path) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``final``; on success it is renamed to ``final``.

    ``final`` must not exist when the block ends (raises ``FileExistsError``); on an exception
    the temporary folder is deleted. Temporary folders are named ``.<name>.tmp-<random>`` so that
    leftovers of a killed process are recognisable and never mistaken for a finished folder.
    """
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-", dir=final.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~current_umask())  # mkdtemp makes it private; give it normal rights
        if final.exists():
            raise FileExistsError(final)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def remove_tree(path: str | Path) -> None:
    """Delete a folder by first renaming it aside, so a crash midway leaves no half-deleted folder
    under the real name."""
    path = Path(path)
    if not path.exists():
        return
    trash = Path(tempfile.mkdtemp(prefix=f".{path.name}.trash-", dir=path.parent))
    os.rename(path, trash / path.name)
    shutil.rmtree(trash, ignore_errors=True)


def cannot_write(folder: Path) -> str | None:
    """Why no file can be written in ``folder`` (which exists), or None: tried with a temporary
    file, because permission bits do not tell (root, read-only mounts, ACLs)."""
    try:
        fd, name = tempfile.mkstemp(prefix=".hsb-whisper-", suffix=".probe", dir=folder)
    except OSError as e:
        return e.strerror or str(e)
    os.close(fd)
    os.unlink(name)
    return None


def prepare_output_folder(folder: Path, option: str) -> None:
    """Make the output folder ``folder`` (if needed) and check that files can be written in it,
    before any work: a file, a path under a file, a folder that cannot be made (a name too long)
    or written in is an ``OutputError`` naming ``option`` (``--out``, ``--output-dir``)."""
    there = next((p for p in (folder, *folder.parents) if _exists(p)), None)
    if there is not None and not there.is_dir():
        what = "is a file" if there == folder else f"is under {there}, which is a file"
        raise OutputError(f"{option} {folder}: {what}, not a folder; give a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(
            f"{option} {folder}: the folder cannot be made ({e.strerror or e})"
        ) from e
    problem = cannot_write(folder)
    if problem:
        raise OutputError(f"{option} {folder}: cannot write there ({problem})")


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a name too long to exist
        return False


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes (hex), read a MiB at a time (``hashlib.file_digest`` is
    Python 3.11+)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
