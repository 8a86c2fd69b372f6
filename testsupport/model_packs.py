"""Small model folders of ours made by hand (the real tokenizer and configs, a tiny
CTranslate2 ``model.bin``), packs of them as zip files, what a folder holds, and the hostile
model metadata both the pack and the store tests use."""

from __future__ import annotations

import json
import os
import shutil
import struct
import zipfile
from pathlib import Path

from hsb_whisper.export import ModelInfo
from hsb_whisper.export.metadata import METADATA_FILE, now_utc, record_files

PLAIN_FILES = ("config.json", "tokenizer.json", "vocabulary.txt", "preprocessor_config.json")


def ct2_bytes(size: int = 4096) -> bytes:
    """A model.bin that starts like a CTranslate2 Whisper model (binary version 6, spec name,
    revision, no variables) padded to ``size`` bytes."""
    spec = b"WhisperSpec\0"
    head = struct.pack("<IH", 6, len(spec)) + spec + struct.pack("<II", 3, 0)
    body = bytes(range(256)) * ((size - len(head)) // 256 + 1)
    return head + body[: size - len(head)]


def fake_model(
    folder: Path,
    source: Path,
    name: str = "hsb-test",
    files: dict[str, bytes] | None = None,
    omit: tuple[str, ...] = (),
) -> Path:
    """A small model folder of ours: the real config/tokenizer/vocabulary/preprocessor files,
    a tiny CTranslate2 model.bin, ``files`` added or overriding, metadata listing exactly them."""
    folder.mkdir(parents=True)
    for rel in PLAIN_FILES:
        if rel not in omit:
            shutil.copyfile(source / rel, folder / rel)
    contents = {"model.bin": ct2_bytes(), **(files or {})}
    for rel, data in contents.items():
        if rel not in omit:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(data)
    ModelInfo(
        name=name,
        base="openai/whisper-base",
        language="cs",
        source="tests",
        license="MIT",
        quantization="float16",
        created=now_utc(),
        files=record_files(folder),
    ).save(folder)
    return folder


def listing(root: Path) -> list[tuple[str, int | None]]:
    """Every path under ``root`` with its size (``None`` for folders)."""
    if not root.exists():
        return []
    return sorted(
        (p.relative_to(root).as_posix(), None if p.is_dir() else p.lstat().st_size)
        for p in root.rglob("*")
    )


def write_zip(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


def folder_entries(folder: Path, top: str) -> list[tuple[str, bytes]]:
    return [
        (f"{top}/{p.relative_to(folder).as_posix()}", p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    ]


def files_around(tmp_path: Path) -> list[tuple[str, int | None]]:
    """Every path under ``tmp_path`` with its size, but the CLI's log files."""
    return [item for item in listing(tmp_path) if not item[0].startswith("home/logs")]


def deep_json(levels: int) -> str:
    """JSON arrays nested ``levels`` deep."""
    return "[" * levels + "]" * levels


def _set(field, value):
    return lambda d: json.dumps({**d, field: value}).encode()


def _set_file(**record):
    def mutate(d):
        files = dict(d["files"])
        files["model.bin"] = {**files["model.bin"], **record}
        return json.dumps({**d, "files": files}).encode()

    return mutate


def _add_file(name):
    def mutate(d):
        record = d["files"]["model.bin"]
        return json.dumps({**d, "files": {**d["files"], name: record}}).encode()

    return mutate


def _raw(field, text):
    """The metadata with ``field``'s value written as raw JSON text (numbers JSON can hold but
    Python's json.dumps never writes)."""
    return lambda d: json.dumps({**d, field: "@@"}).replace('"@@"', text).encode()


def _raw_size(text):
    def mutate(d):
        return _set_file(size="@@")(d).replace(b'"@@"', text.encode())

    return mutate


# (id, the metadata file from the valid metadata dict, expected message)
HOSTILE_METADATA = [
    ("created-number", _set("created", 5), r"field 'created': must be an ISO 8601"),
    ("created-words", _set("created", "yesterday"), r"field 'created': must be an ISO 8601"),
    ("created-huge", _raw("created", "9" * 5000), r"unreadable model metadata \(Exceeds"),
    ("base-number", _set("base", 7), r"field 'base': must be a string, not 7$"),
    ("base-null", _set("base", None), r"field 'base': must be a string, not null"),
    ("base-newline", _set("base", "a\nb"), r"field 'base': contains the control char"),
    ("quantization-list", _set("quantization", ["x"]), r"field 'quantization': a list is not"),
    ("quantization-int4", _set("quantization", "int4"), r"'int4' is not a weight type"),
    ("name-number", _set("name", 5), r"field 'name': must be a string"),
    ("name-empty", _set("name", ""), r"field 'name': a model name has 1 to 100"),
    ("name-path", _set("name", "../evil"), r"field 'name': '\.\./evil' is not a model name"),
    ("name-nul", _set("name", "hsb\x00x"), r"field 'name': 'hsb\\x00x' is not a model name"),
    ("name-escape", _set("name", "hsb\x1b[2J"), r"field 'name': 'hsb\\x1b\[2J' is not a model"),
    ("name-bidi", _set("name", "hsb\u202etxt"), r"field 'name': 'hsb\\u202etxt' is not a model"),
    ("name-long", _set("name", "a" * 300), r"field 'name': a model name has 1 to 100 char"),
    ("name-windows-device", _set("name", "con"), r"'con' is a reserved device name"),
    ("language-words", _set("language", "Upper Sorbian"), r"invalid language token 'Upper Sor"),
    ("language-newline", _set("language", "cs\n"), r"invalid language token 'cs\\n'"),
    ("language-number", _set("language", 7), r"field 'language': must be a Whisper language"),
    ("source-escape", _set("source", "x\x1b]0;t\x07"), r"field 'source': contains the control"),
    ("source-surrogate", _set("source", "x\ud800"), r"field 'source': contains the control"),
    ("source-huge", _set("source", "x" * 20_000), r"field 'source': 20000 characters long"),
    ("license-object", _set("license", {"x": 1}), r"field 'license': must be a string, not an"),
    ("files-list", _set("files", []), r"field 'files': must be an object"),
    ("size-negative", _set_file(size=-1), r"'model.bin': size must be a whole number of bytes"),
    ("size-string", _set_file(size="4096"), r"size must be a whole number of bytes, 0 to 2\^40"),
    (
        "size-true",
        _set_file(size=True),
        r"size must be a whole number of bytes, 0 to 2\^40, not true",
    ),
    ("size-float", _set_file(size=4096.0), r"size must be a whole number of bytes"),
    (
        "size-1e999",
        _raw_size("1e999"),
        r"size must be a whole number of bytes, 0 to 2\^40, not inf",
    ),
    ("size-30-digits", _raw_size("9" * 40), r"not a number of more than 30 digits"),
    ("size-infinity", _raw_size("Infinity"), r"size must be a whole number of bytes"),
    ("sha256-short", _set_file(sha256="abc"), r"sha256 must be 64 lowercase hex digits"),
    ("sha256-upper", _set_file(sha256="A" * 64), r"sha256 must be 64 lowercase hex digits"),
    ("record-missing", _set_file(sha256=None), r"sha256 must be 64 lowercase hex digits"),
    ("file-dotdot", _add_file("../evil"), r"'\.\./evil' has an empty, '\.' or '\.\.' component"),
    ("file-absolute", _add_file("/etc/passwd"), r"'/etc/passwd' is absolute"),
    ("file-nul", _add_file("a\x00b"), r"'a\\x00b' contains a control character"),
    ("file-escape", _add_file("a\x1b[2Jb"), r"'a\\x1b\[2Jb' contains a control character"),
    ("file-metadata", _add_file(METADATA_FILE), r"is the metadata file itself"),
    (
        "files-too-many",
        lambda d: json.dumps(
            {**d, "files": {f"f{i}": d["files"]["model.bin"] for i in range(1001)}}
        ).encode(),
        r"field 'files': lists 1001 files; a model has at most 1000",
    ),
    ("recipe-list", _set("recipe", []), r"field 'recipe': must be an object or null, not a list"),
    ("recipe-deep", _raw("recipe", '{"a":' + deep_json(100) + "}"), r"nested more than 64 levels"),
    ("recipe-100k-deep", _raw("recipe", deep_json(100_000)), r"unreadable model metadata \(nested"),
    ("evaluation-wer-text", _set("evaluation", {"wer": "low"}), r"'wer' must be a number"),
    ("version-true", _set("format_version", True), r"metadata format version true is not supp"),
    ("version-huge", _raw("format_version", "1e999"), r"metadata format version inf is not"),
    (
        "whole-100k-deep",
        lambda d: deep_json(100_000).encode(),
        r"unreadable model metadata \(nested",
    ),
    ("whole-array", lambda d: b"[]", r"model metadata must be a JSON object"),
    ("whole-not-utf8", lambda d: b"\xff\xfe{}", r"unreadable model metadata \('utf-8' codec"),
    ("whole-empty", lambda d: b"", r"unreadable model metadata \(Expecting value"),
    ("whole-huge", lambda d: os.urandom(17 << 20), r"more than 16777216 bytes; not model metadata"),
]
