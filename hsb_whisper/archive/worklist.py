"""The work list: every audio file under the sources, with its size, content hash and duration,
and where its outputs go in the output folder (the sources' tree mirrored).

Written into the output folder as ``worklist.json`` (atomically) at the start of every run. A
file's hash is taken again only when its size or modification time changed since the work list
of the run before: hashing a whole archive again on every resume would take as long as reading it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from hsb_whisper.audio import find_audio_files, probe_duration
from hsb_whisper.errors import HsbWhisperError, OptionError
from hsb_whisper.files import atomic_write_text, sha256_file

log = logging.getLogger(__name__)

WORKLIST_FILE = "worklist.json"


@dataclasses.dataclass(frozen=True)
class WorkItem:
    path: Path  # the source file, as found under a source given (relative stays relative)
    relative: str  # its path below the sources' common folder ('/'-separated): its ledger key
    size: int  # bytes
    mtime_ns: int
    sha256: str  # of the file's bytes
    duration: float | None  # seconds, from the header; None: unreadable (``problem`` says why)
    problem: str | None = None  # why the file cannot be read at all, naming it

    def as_json(self) -> dict:
        return {
            "path": str(self.path),
            "relative": self.relative,
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "sha256": self.sha256,
            "duration": self.duration,
            "problem": self.problem,
        }


def find_sources(sources: Sequence[Path], out: Path) -> tuple[Path, list[Path]]:
    """The sources' common folder and every audio file under them, sorted, without anything in
    the output folder ``out`` (which may lie inside a source)."""
    for source in sources:
        if not source.exists():
            raise OptionError(f"{source}: no such file or folder")
    bases = [s.absolute() if s.is_dir() else s.absolute().parent for s in sources]
    base = Path(os.path.commonpath(bases))
    out = out.absolute()
    found: dict[Path, None] = {}
    for source in sources:
        files = find_audio_files(source) if source.is_dir() else [source]
        for path in files:
            if path.is_file() and out not in path.absolute().parents:
                found.setdefault(path)
    return base, sorted(found, key=lambda p: p.absolute())


def build(sources: Sequence[Path], out: Path, progress=None) -> tuple[Path, list[WorkItem]]:
    """The work list of ``sources`` (files and folders) for the output folder ``out``, hashes of
    the previous work list reused for unchanged files. ``progress(1)`` after each file."""
    base, paths = find_sources(sources, out)
    known = _previous(out / WORKLIST_FILE)
    items = []
    for path in paths:
        items.append(_item(path, base, known))
        if progress:
            progress(1)
    return base, items


def write(out: Path, base: Path, items: Sequence[WorkItem]) -> Path:
    path = out / WORKLIST_FILE
    data = {"base": str(base), "files": [item.as_json() for item in items]}
    atomic_write_text(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return path


def _item(path: Path, base: Path, known: dict[str, dict]) -> WorkItem:
    relative = path.absolute().relative_to(base).as_posix()
    st = path.stat()
    before = known.get(relative)
    unchanged = before and (before["size"], before["mtime_ns"]) == (st.st_size, st.st_mtime_ns)
    if unchanged and before["duration"] is not None:  # and named the same: its facts as before
        digest, duration, problem = before["sha256"], before["duration"], None
    else:
        digest = before["sha256"] if unchanged else sha256_file(path)
        try:
            duration, problem = probe_duration(path), None
        except HsbWhisperError as e:  # an AudioError names the file
            duration, problem = None, str(e)
    return WorkItem(path, relative, st.st_size, st.st_mtime_ns, digest, duration, problem)


def _previous(path: Path) -> dict[str, dict]:
    """The previous work list's entries by relative path (those with every fact: a damaged
    work list only costs hashing again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = {entry["relative"]: entry for entry in data["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {
        name: entry
        for name, entry in entries.items()
        if isinstance(entry, dict)
        and isinstance(entry.get("sha256"), str)
        and isinstance(entry.get("size"), int)
        and isinstance(entry.get("mtime_ns"), int)
        and isinstance(entry.get("duration"), (int, float, type(None)))
    }
