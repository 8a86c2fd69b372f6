"""The ledger: what an archive run did to each file, appended to ``ledger.jsonl`` in the output
folder, one JSON object a line, flushed and fsynced before the run goes on.

Append-only, so that a driver killed at any moment leaves every finished line intact (a torn
last line is ignored when read). A file's state is its last line: ``writing`` (its outputs are
being written: they are the archive's own), ``done`` or ``failed``. Each line has the file's
``file`` (path below the sources' common folder), ``sha256``, ``options`` (the fingerprint of
the model and the options that shape the transcript), ``status``, ``attempts`` (tries so far in
this run), ``reason`` (failed only), ``outputs`` (relative to the output folder) and ``time``.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

LEDGER_FILE = "ledger.jsonl"
DONE, FAILED, WRITING = "done", "failed", "writing"


class Ledger:
    def __init__(self, folder: Path) -> None:
        self.path = folder / LEDGER_FILE
        self._last: dict[str, dict] = {}
        self._written: set[str] = set()  # every output the archive ever began to write
        torn = self._read()
        self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (closed in close())
        if torn:  # a driver killed mid-line: the next entry starts on a line of its own
            self._file.write("\n")

    def _read(self) -> bool:
        """Load the entries; whether the last line was torn (no newline at its end)."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return False
        for number, line in enumerate(text.splitlines(), start=1):
            try:
                entry = json.loads(line)
                self._add(entry)
            except (ValueError, KeyError, TypeError):  # a line torn by a killed driver
                log.warning("%s: line %d is not a ledger entry; ignored", self.path, number)
        return bool(text) and not text.endswith("\n")

    def _add(self, entry: dict) -> None:
        self._last[entry["file"]] = entry
        self._written.update(entry.get("outputs", ()))

    def last(self, file: str) -> dict | None:
        """The file's last entry, or None."""
        return self._last.get(file)

    def wrote(self, output: str) -> bool:
        """Whether the archive wrote (or began to write) ``output`` (relative to its folder)."""
        return output in self._written

    def is_done(self, file: str, sha256: str, options: str) -> bool:
        entry = self._last.get(file)
        return (
            entry is not None
            and entry["status"] == DONE
            and entry.get("sha256") == sha256
            and entry.get("options") == options
        )

    def record(self, file: str, status: str, **fields: object) -> dict:
        """Append the file's new state (and make it durable before returning)."""
        now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        entry = {"file": file, "status": status, **fields, "time": now}
        self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        self._add(entry)
        return entry

    def close(self) -> None:
        self._file.close()
