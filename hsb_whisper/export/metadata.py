"""The metadata file every model folder of ours carries: ``hsb-whisper-model.json``.

It makes a folder self-describing: which base it came from, which Whisper language token it was
trained with (and must be forced with at inference, since Whisper has no ``hsb`` token), where the
weights came from and under which licence, and the size and SHA-256 of every file so that a damaged
or half-copied folder is recognised instead of used. Later stages add the training recipe and
evaluation results.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from hsb_whisper.errors import ModelError
from hsb_whisper.files import atomic_write_text, sha256_file

METADATA_FILE = "hsb-whisper-model.json"
FORMAT_VERSION = 1
_LANGUAGE_RE = re.compile(r"[a-z]{2,3}")  # Whisper's tokens: "cs", "pl", "haw", "yue", …
# SPDX ids (lowercase prefixes) of licences that oblige whoever passes the weights on to share
# alike: a community member must know before packing or publishing such a model.
_COPYLEFT = (
    "agpl",
    "gpl",
    "lgpl",
    "cc-by-sa",
    "cc-by-nc-sa",
    "mpl",
    "epl",
    "eupl",
    "osl",
    "cecill",
    "gfdl",
    "odbl",
)

# --- the schema: what each field may hold (see metadata_problem) ---
# The weight types CTranslate2 writes into model.bin.
QUANTIZATION_TYPES = (
    "float32",
    "float16",
    "bfloat16",
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
)
# Ours are a few KB; a pack's 1,000 files are about 150 KB of metadata.
MAX_METADATA_BYTES = 16 << 20
MAX_FILES = 1000  # files a model may list (a pack holds at most this many entries)
_MAX_FILE_BYTES = 1 << 40  # per file; the largest Whisper's model.bin is about 6.2 GB
_MAX_NAME_CHARS = 100
_NAME_PUNCTUATION = "-_.+"
_MAX_TEXT_CHARS = {"base": 4096, "source": 10_000, "license": 200}  # base may be a local path
_MAX_CREATED_CHARS = 40
_MAX_PATH_CHARS = 1024
_MAX_PATH_PART_BYTES = 255  # what every common file system allows in one name
_MAX_JSON_DEPTH = 64  # recipe and evaluation: ours are about 5 deep
_MAX_JSON_VALUES = 100_000  # ours hold about a hundred
_SHA256_RE = re.compile(r"[0-9a-f]{64}")
# Control characters (C0, DEL, C1), bidirectional overrides and isolates (which reorder what a
# terminal shows), and lone surrogates (which cannot be written as UTF-8).
_CONTROL_RE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"{d}{i}" for d in ("COM", "LPT") for i in range(10)),
}


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
        problem = metadata_problem(
            {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        )
        if problem:
            raise ModelError(f"invalid model metadata: {problem}")
        if not all(isinstance(record, FileRecord) for record in self.files.values()):
            raise ModelError("invalid model metadata: field 'files': records must be FileRecords")

    def save(self, folder: Path) -> None:
        data = dataclasses.asdict(self)
        atomic_write_text(folder / METADATA_FILE, json.dumps(data, indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, folder: Path) -> ModelInfo:
        path = folder / METADATA_FILE
        try:
            with open(path, "rb") as f:
                raw = f.read(MAX_METADATA_BYTES + 1)
            if len(raw) > MAX_METADATA_BYTES:
                raise ModelError(
                    f"{path}: more than {MAX_METADATA_BYTES} bytes; not model metadata"
                )
            data = json.loads(raw.decode("utf-8"))
        except FileNotFoundError as e:
            raise ModelError(f"{folder}: not a model folder of ours (no {METADATA_FILE})") from e
        except RecursionError as e:  # json recurses once per level of nesting
            raise ModelError(f"{path}: unreadable model metadata (nested too deeply)") from e
        except (OSError, ValueError) as e:  # ValueError: bad UTF-8, bad JSON, a 5,000-digit int
            raise ModelError(f"{path}: unreadable model metadata ({e})") from e
        if not isinstance(data, dict):
            raise ModelError(f"{path}: model metadata must be a JSON object")
        version = data.get("format_version")
        if type(version) is not int or version != FORMAT_VERSION:  # not true, which == 1
            raise ModelError(
                f"{path}: metadata format version {_show(version)} is not supported "
                f"(this hsb-whisper reads version {FORMAT_VERSION})"
            )
        fields = {f.name for f in dataclasses.fields(cls)}
        required = {f.name for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING}
        missing = sorted(required - data.keys())
        if missing:
            raise ModelError(f"{path}: model metadata lacks {', '.join(missing)}")
        problem = metadata_problem(data)
        if problem:
            raise ModelError(f"{path}: {problem}")
        files = {k: FileRecord(v["size"], v["sha256"]) for k, v in data["files"].items()}
        known = {k: v for k, v in data.items() if k in fields and k != "files"}
        return cls(files=files, **known)

    def describe(self) -> dict[str, Any]:
        """The metadata as a flat dict for display (files summarised)."""
        data = dataclasses.asdict(self)
        data["files"] = {k: v.size for k, v in self.files.items()}
        return data

    @property
    def copyleft_licence(self) -> str | None:
        """The licence as it is written if it is a copyleft one (AGPL, GPL, LGPL, CC-BY-SA, …),
        upper-cased; ``None`` for any other."""
        if not self.license:
            return None
        if self.license.strip().lower().startswith(_COPYLEFT):
            return self.license.strip().upper()
        return None


def metadata_problem(data: Mapping[str, Any]) -> str | None:
    """The schema of ``hsb-whisper-model.json``: what is wrong with the first field of
    :class:`ModelInfo` in ``data`` whose value is not allowed (``"field 'created': …"``), or
    ``None`` when every field present is fine.

    ``data`` holds the fields as read from the file (``files``: name → ``{"size", "sha256"}``)
    or as a :class:`ModelInfo` holds them (name → :class:`FileRecord`). Unknown keys are
    ignored (a later version may add fields); absent ones are the caller's concern.
    """
    for field, check in _FIELD_CHECKS.items():
        if field in data:
            problem = check(data[field])
            if problem:
                return f"field {field!r}: {problem}"
    return None


def path_problem(rel: object) -> str | None:
    """What makes ``rel`` unfit as the relative path of a file in a model folder, or ``None``:
    it must stay inside the folder on every system and show as what it is."""
    if not isinstance(rel, str) or not rel:
        return f"a file name must be a non-empty string, not {_show(rel)}"
    if len(rel) > _MAX_PATH_CHARS:
        return f"a file name of {len(rel)} characters; at most {_MAX_PATH_CHARS}"
    if _CONTROL_RE.search(rel):
        return f"{rel!r} contains a control character"
    if rel.startswith("/") or "\\" in rel or ":" in rel:
        return f"{rel!r} is absolute or holds a backslash or colon (path trick)"
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return f"{rel!r} has an empty, '.' or '..' component"
    if any(len(p.encode("utf-8")) > _MAX_PATH_PART_BYTES for p in parts):
        return f"{rel!r} has a component longer than {_MAX_PATH_PART_BYTES} bytes"
    if rel == METADATA_FILE:
        return f"{rel!r} is the metadata file itself"
    return None


def _show(value: object) -> str:
    """A JSON value as messages name it, in a few characters: short values themselves (as
    Python writes them, so control characters show escaped), containers by kind."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, int) and abs(value) >= 10**30:
            return "a number of more than 30 digits"
        return repr(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:40]) + "…"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


def _name_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {_show(value)}"
    if not 1 <= len(value) <= _MAX_NAME_CHARS:
        return f"a model name has 1 to {_MAX_NAME_CHARS} characters, not {len(value)}"
    if (
        not value[0].isalnum()
        or value[-1] == "."
        or not all(c.isalnum() or c in _NAME_PUNCTUATION for c in value)
    ):
        return (
            f"{value!r} is not a model name: use letters, digits, "
            f"{', '.join(map(repr, _NAME_PUNCTUATION))}, starting with a letter or digit"
        )
    if value.split(".")[0].upper() in _WINDOWS_RESERVED:
        return f"{value!r} is a reserved device name on Windows"
    return None


def _text_problem(field: str) -> Any:
    def check(value: object) -> str | None:
        if not isinstance(value, str):
            return f"must be a string, not {_show(value)}"
        limit = _MAX_TEXT_CHARS[field]
        if len(value) > limit:
            return f"{len(value)} characters long; at most {limit}"
        bad = _CONTROL_RE.search(value)
        if bad:
            return f"contains the control character U+{ord(bad.group()):04X}"
        return None

    return check


def _language_problem(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _LANGUAGE_RE.fullmatch(value):
        return (
            f"invalid language token {value!r}: expected a Whisper language code such as 'cs' "
            "or 'pl', or null"
            if isinstance(value, str) and len(value) <= 40
            else f"must be a Whisper language code such as 'cs' or null, not {_show(value)}"
        )
    return None


def _quantization_problem(value: object) -> str | None:
    if not isinstance(value, str) or value not in QUANTIZATION_TYPES:
        return f"{_show(value)} is not a weight type; one of {', '.join(QUANTIZATION_TYPES)}"
    return None


def _created_problem(value: object) -> str | None:
    if isinstance(value, str) and len(value) <= _MAX_CREATED_CHARS and value.isascii():
        try:
            datetime.fromisoformat(value)
            return None
        except ValueError:
            pass
    return (
        f"must be an ISO 8601 date and time such as '2025-01-31T12:00:00+00:00', not {_show(value)}"
    )


def _files_problem(value: object) -> str | None:
    if not isinstance(value, Mapping):
        return f"must be an object (file name → size and sha256), not {_show(value)}"
    if len(value) > MAX_FILES:
        return f"lists {len(value)} files; a model has at most {MAX_FILES}"
    for rel, record in value.items():
        problem = path_problem(rel)
        if problem:
            return problem
        if isinstance(record, FileRecord):
            size, sha256 = record.size, record.sha256
        elif isinstance(record, Mapping) and "size" in record and "sha256" in record:
            size, sha256 = record["size"], record["sha256"]
        else:
            return f"{rel!r} must be an object with size and sha256, not {_show(record)}"
        if type(size) is not int or not 0 <= size <= _MAX_FILE_BYTES:
            return f"{rel!r}: size must be a whole number of bytes, 0 to 2^40, not {_show(size)}"
        if not isinstance(sha256, str) or not _SHA256_RE.fullmatch(sha256):
            return f"{rel!r}: sha256 must be 64 lowercase hex digits, not {_show(sha256)}"
    return None


def _json_object_problem(value: object) -> str | None:
    """A JSON object (or null) of bounded depth and size, holding only what JSON can store."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return f"must be an object or null, not {_show(value)}"
    count = 0
    stack: list[tuple[object, int]] = [(value, 1)]  # no recursion: nesting cannot overflow
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > _MAX_JSON_VALUES:
            return f"holds more than {_MAX_JSON_VALUES} values"
        if depth > _MAX_JSON_DEPTH:
            return f"is nested more than {_MAX_JSON_DEPTH} levels deep"
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str) or _SURROGATE_RE.search(key):
                    return f"has the key {key!r}, which JSON cannot store as UTF-8 text"
                stack.append((child, depth + 1))
        elif isinstance(item, (list, tuple)):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            if _SURROGATE_RE.search(item):
                return "holds a string with a lone surrogate, which is not UTF-8 text"
        elif item is not None and not isinstance(item, (bool, int, float)):
            return f"holds {_show(item)}, which JSON cannot store"
    return None


def _evaluation_problem(value: object) -> str | None:
    problem = _json_object_problem(value)
    if problem is None and isinstance(value, dict) and "wer" in value:
        wer = value["wer"]
        if isinstance(wer, bool) or not isinstance(wer, (int, float)):
            return f"'wer' must be a number, not {_show(wer)}"
    return problem


def _format_version_problem(value: object) -> str | None:
    if type(value) is not int or value != FORMAT_VERSION:
        return f"must be {FORMAT_VERSION}, not {_show(value)}"
    return None


_FIELD_CHECKS = {
    "format_version": _format_version_problem,
    "name": _name_problem,
    "base": _text_problem("base"),
    "language": _language_problem,
    "source": _text_problem("source"),
    "license": _text_problem("license"),
    "quantization": _quantization_problem,
    "created": _created_problem,
    "files": _files_problem,
    "recipe": _json_object_problem,
    "evaluation": _evaluation_problem,
}


def now_utc() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


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
