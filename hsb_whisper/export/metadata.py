"""The metadata file every model folder of ours carries: ``hsb-whisper-model.json``.

It makes a folder self-describing: which base it came from, which Whisper language token it was
trained with (and must be forced with at inference, since Whisper has no ``hsb`` token), where the
weights came from and under which licence, and the size and SHA-256 of every file so that a damaged
or half-copied folder is recognised instead of used. Later stages add the training recipe and
evaluation results.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from hsb_whisper.errors import ModelError
from hsb_whisper.files import atomic_write_text

METADATA_FILE = "hsb-whisper-model.json"
FORMAT_VERSION = 1
_LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$|^haw$|^yue$")
_HASH_CHUNK = 1 << 20  # bytes read at a time when hashing


@dataclasses.dataclass(frozen=True)
class FileRecord:
    size: int  # bytes
    sha256: str  # hex digest


@dataclasses.dataclass(frozen=True)
class ModelInfo:
    name: str  # the name in the model store, e.g. "whisper-base"
    base: str  # what the weights started from, e.g. "openai/whisper-base"
    language: str | None  # Whisper language token forced at inference; None: detect per file
    source: str  # where the weights came from, in words
    license: str  # SPDX identifier of the weights' licence
    quantization: str  # weight type in model.bin: float16, float32, int8, int8_float16, ...
    created: str  # ISO 8601, UTC
    files: dict[str, FileRecord]  # every file of the folder but this one
    recipe: dict[str, Any] | None = None  # the resolved training configuration, if trained here
    evaluation: dict[str, Any] | None = None  # WER/CER results, if evaluated
    format_version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        if not self.name or "/" in self.name or "\\" in self.name or self.name.startswith("."):
            raise ModelError(f"invalid model name {self.name!r}: use letters, digits, '-', '_'")
        if self.language is not None and not _LANGUAGE_RE.match(self.language):
            raise ModelError(
                f"invalid language token {self.language!r} for model {self.name!r}: "
                "expected a Whisper language code such as 'cs' or 'pl', or null"
            )

    def save(self, folder: Path) -> None:
        data = dataclasses.asdict(self)
        atomic_write_text(folder / METADATA_FILE, json.dumps(data, indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, folder: Path) -> ModelInfo:
        path = folder / METADATA_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as e:
            raise ModelError(f"{folder}: not a model folder of ours (no {METADATA_FILE})") from e
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ModelError(f"{path}: unreadable model metadata ({e})") from e
        if not isinstance(data, dict):
            raise ModelError(f"{path}: model metadata must be a JSON object")
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise ModelError(
                f"{path}: metadata format version {version!r} is not supported "
                f"(this hsb-whisper reads version {FORMAT_VERSION})"
            )
        fields = {f.name for f in dataclasses.fields(cls)}
        required = {f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING}
        missing = sorted(required - data.keys())
        if missing:
            raise ModelError(f"{path}: model metadata lacks {', '.join(missing)}")
        try:
            files = {
                k: FileRecord(int(v["size"]), str(v["sha256"])) for k, v in data["files"].items()
            }
        except (AttributeError, KeyError, TypeError, ValueError) as e:
            raise ModelError(f"{path}: the 'files' table is malformed ({e})") from e
        known = {k: v for k, v in data.items() if k in fields and k != "files"}
        return cls(files=files, **known)

    def describe(self) -> dict[str, Any]:
        """The metadata as a flat dict for display (files summarised)."""
        data = dataclasses.asdict(self)
        data["files"] = {k: v.size for k, v in self.files.items()}
        return data


def now_utc() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def record_files(folder: Path, known: dict[str, FileRecord] | None = None) -> dict[str, FileRecord]:
    """Size and SHA-256 of every regular file in ``folder`` (recursively), metadata excluded.

    ``known`` gives records already computed (e.g. while writing), which are not hashed again.
    """
    known = known or {}
    records = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name != METADATA_FILE:
            rel = path.relative_to(folder).as_posix()
            records[rel] = known.get(rel) or FileRecord(path.stat().st_size, sha256_file(path))
    return records


def check_files(folder: Path, info: ModelInfo, *, full: bool = False) -> list[str]:
    """Problems with the files ``info`` lists: missing, wrong size, and with ``full`` also wrong
    SHA-256. An empty list means the folder is intact."""
    problems = []
    for rel, record in info.files.items():
        path = folder / rel
        if not path.is_file():
            problems.append(f"{rel} is missing")
        elif path.stat().st_size != record.size:
            problems.append(f"{rel} has {path.stat().st_size} bytes, expected {record.size}")
        elif full and sha256_file(path) != record.sha256:
            problems.append(f"{rel} is damaged (SHA-256 mismatch)")
    return problems
