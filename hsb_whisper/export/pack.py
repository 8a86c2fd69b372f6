"""Model packs: one ``.zip`` holding one model folder, to hand to people who install it.

A pack is what a linguist gives community members: ``<name>/model.bin``, ``<name>/config.json``,
…, ``<name>/hsb-whisper-model.json``, under a single top-level folder. Installing one means
unpacking a file that came from someone else, so :func:`open_pack` trusts nothing in it: entry
names (path traversal), entry types (symlinks, devices), sizes (decompression bombs, headers that
lie), the file list and every checksum against the metadata, and the content itself (pickled
PyTorch weights, which run code when loaded, are refused; ``model.bin`` must be CTranslate2).
Nothing here ever unpickles or imports a model; files are only copied, hashed and sniffed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import stat
import struct
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

from hsb_whisper.errors import ModelError
from hsb_whisper.export.ct2 import BINARY_VERSIONS, WHISPER_SPEC
from hsb_whisper.export.hf_folder import json_object, short_value
from hsb_whisper.export.metadata import METADATA_FILE, FileRecord, ModelInfo
from hsb_whisper.files import atomic_open

log = logging.getLogger(__name__)

# Limits on what a pack may unpack to. They are checked on the sizes the zip declares before
# anything is written, and again on the bytes actually produced while extracting (headers can lie).
# Whisper large-v3 is about 3.1 GB in float16 and 6.2 GB in float32 (model.bin); the other files
# are a few MB. 8 GiB holds the largest Whisper in any weight type CTranslate2 writes.
MAX_TOTAL_BYTES = 8 << 30
# A model folder has about six files; a thousand leaves room for anything legitimate.
MAX_ENTRIES = 1000
# Deflate reaches about 1030:1 on runs of zeros; real model files compress far less (JSON and
# vocabularies about 3-5:1, weights about 1.1:1). Above 200:1 an entry is a bomb, not a model file.
# Entries up to 1 MiB are exempt: whatever their ratio, they cannot fill a disk.
MAX_COMPRESSION_RATIO = 200
RATIO_EXEMPT_BYTES = 1 << 20
# Bytes of central directory per entry allowed (46 fixed + name + extra fields): bounds what
# zipfile parses into memory before the entry count can be checked.
_CENTRAL_DIR_BYTES_PER_ENTRY = 4096
# Only stored and deflated entries: zipfile decompresses deflate in bounded steps, but bzip2 and
# LZMA one read at a time without a limit, so a small read could expand to gigabytes in memory.
_COMPRESSIONS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}

# What faster-whisper needs to load a folder with no network: without tokenizer.json it downloads
# one from the Hugging Face Hub; without preprocessor_config.json it assumes 80 mel bins, which
# is wrong for large-v3 (128).
PACK_REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json", "preprocessor_config.json")
CT2_WEIGHTS = "model.bin"
# File names that mean pickled weights (torch.save, pickle, Lightning checkpoints): loading one
# runs arbitrary code. ``.bin`` is also what transformers' pytorch_model.bin is called; only the
# top-level CTranslate2 model.bin is allowed, and its header is checked.
PICKLE_SUFFIXES = (".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".bin")
# A pickle starts with the PROTO opcode (0x80) and the protocol number; torch.save writes 2,
# Python 3.8+ pickles 4 or 5. Protocols 0 and 1 have no header but are never used for weights.
_PICKLE_PROTO = 0x80
_PICKLE_PROTOCOLS = range(2, 6)
_ZIP_MAGIC = b"PK\x03\x04"  # torch.save since PyTorch 1.6 writes a zip holding data.pkl
# CTranslate2's model.bin: u32 binary version (ct2.BINARY_VERSIONS), then the spec name as a u16
# length that counts a trailing NUL, the bytes and the NUL.
_HEAD_BYTES = 4096  # enough for the pickle and model.bin header checks
_CHUNK = 1 << 20  # bytes copied at a time
_FORBIDDEN_NAME_CHARS = ("\\", ":", "\0")  # Windows separators, drive letters and NTFS streams
_UTF8_NAME_FLAG = (
    0x800  # general purpose bit 11: the entry's name is UTF-8 (else: unknown code page)
)
# The JSON files faster-whisper and CTranslate2 read, checked before a pack is installed: a
# tokenizer that is not JSON fails only at load time, and the feature extractor allocates what
# preprocessor_config.json says (an n_fft of 400,000,000 fills the memory). Whisper's own values:
# 80 or 128 mel bins, 16 kHz, n_fft 400, hop 160, 30 s chunks.
JSON_FILES = ("config.json", "tokenizer.json", "preprocessor_config.json")
_MAX_JSON_BYTES = 64 << 20  # Whisper's tokenizer.json is about 2.5 MB
PREPROCESSOR_LIMITS = {
    "feature_size": range(1, 257),
    "n_mels": range(1, 257),
    "sampling_rate": range(16000, 16001),
    "n_fft": range(1, 4097),
    "hop_length": range(1, 4097),
    "chunk_length": range(1, 61),
}

Where = Callable[[str], str]  # a path inside the pack → how messages name it


class PackError(ModelError):
    """A pack or folder that cannot be installed: unsafe, damaged, or not a model of ours."""


def make_pack(folder: Path, zip_path: Path) -> Path:
    """Write the model folder ``folder`` as the pack ``zip_path`` and return ``zip_path``.

    Every file goes under a top-level folder named after the model; ``model.bin`` is stored
    (weights barely compress), the rest deflated. The folder must be an intact model of ours
    (metadata, exactly the files it lists, each with its size and SHA-256) that :func:`open_pack`
    would accept; otherwise ``PackError`` is raised and no zip is written. An existing
    ``zip_path`` is replaced only once the new pack is complete.
    """
    folder, zip_path = Path(folder), Path(zip_path)
    if not folder.is_dir():
        raise PackError(f"{folder}: no such model folder")
    if zip_path.resolve().is_relative_to(folder.resolve()):
        raise PackError(f"{zip_path}: the pack cannot be written inside the model folder {folder}")

    def where(rel: str) -> str:
        return f"{folder}: {rel}"

    sizes = _scan_folder(folder, where)
    info = _check_structure(folder, set(sizes), where)
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    records = {}
    with atomic_open(zip_path, "wb", encoding=None) as out, zipfile.ZipFile(out, "w") as zf:
        for rel in [*sorted(info.files), METADATA_FILE]:
            path = folder / rel
            entry = zipfile.ZipInfo.from_file(path, f"{info.name}/{rel}", strict_timestamps=False)
            entry.compress_type = zipfile.ZIP_STORED if rel == CT2_WEIGHTS else zipfile.ZIP_DEFLATED
            with open(path, "rb") as src, zf.open(entry, "w") as dst:
                records[rel] = _copy(src, dst, rel, where, limit=MAX_TOTAL_BYTES)
        del records[METADATA_FILE]
        _check_records(info, records, where)  # raising here discards the half-made zip
    log.info("packed %s into %s", folder, zip_path)
    return zip_path


def open_pack(source: Path, staging: Path) -> ModelInfo:
    """Unpack the pack ``source`` (a ``.zip``), or copy it (a model folder), into ``staging``,
    and verify it.

    ``staging`` must be an existing, empty folder; on success it holds the model's files directly
    (``staging/model.bin``, …) and the model's metadata is returned. On any problem ``PackError``
    (a ``ModelError``) names the entry and what is wrong, and ``staging`` is left empty.
    """
    source, staging = Path(source), Path(staging)
    if not staging.is_dir() or any(staging.iterdir()):
        raise PackError(f"{staging}: the staging folder must exist and be empty")
    try:
        if source.is_dir():
            if staging.resolve().is_relative_to(source.resolve()):
                raise PackError(f"{source}: cannot install a folder into itself")
            records, where = _copy_folder(source, staging)
        elif source.is_file():
            records, where = _extract_zip(source, staging)
        elif source.exists():
            raise PackError(f"{source}: neither a .zip pack nor a model folder")
        else:
            raise PackError(f"{source}: no such pack or model folder")
        info = _check_structure(staging, set(records), where)
        del records[METADATA_FILE]
        _check_records(info, records, where)
    except BaseException:
        _empty(staging)
        raise
    return info


# --- reading a zip ---------------------------------------------------------------------------


def _extract_zip(source: Path, staging: Path) -> tuple[dict[str, FileRecord], Where]:
    """Extract the single top-level folder of the zip ``source`` into ``staging``."""
    try:
        with open(source, "rb") as f:
            _check_central_directory(source, f)
            with zipfile.ZipFile(f) as zf:
                top, plan = _plan_zip(source, zf)

                def where(rel: str) -> str:
                    return f"{source}: {top}/{rel}"

                _check_free_space(staging, sum(e.file_size for e, _ in plan), source)
                records = {}
                total = 0
                for entry, rel in plan:
                    dest = staging.joinpath(*rel.split("/"))
                    if entry.is_dir():
                        dest.mkdir(parents=True, exist_ok=True)
                        continue
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(entry) as src, open(dest, "xb") as dst:
                        record = _copy(src, dst, rel, where, limit=entry.file_size)
                    if record.size != entry.file_size:
                        raise PackError(
                            f"{where(rel)}: {record.size} bytes inside, but its header declares "
                            f"{entry.file_size}; the pack is damaged"
                        )
                    total += record.size
                    if total > MAX_TOTAL_BYTES:  # unreachable unless a header lied; checked anyway
                        raise PackError(f"{source}: unpacks to more than {_gib(MAX_TOTAL_BYTES)}")
                    records[rel] = record
    except zipfile.BadZipFile as e:
        raise PackError(f"{source}: not a zip file or a damaged one ({e})") from e
    except UnicodeDecodeError as e:  # zipfile decodes names flagged UTF-8 as it opens the zip
        raise PackError(
            f"{source}: an entry name is marked UTF-8 but is not valid UTF-8 ({e.reason} at "
            f"byte {e.start}); the pack is damaged"
        ) from e
    except (EOFError, zipfile.LargeZipFile) as e:
        raise PackError(f"{source}: damaged zip file ({e})") from e
    except OSError as e:  # e.g. a file and a folder of the same name, or a full disk
        raise PackError(f"{source}: cannot be unpacked ({e})") from e
    return records, where


def _check_central_directory(source: Path, f) -> None:
    """Refuse a zip whose central directory is too big to be a model pack, before zipfile reads
    every entry of it into memory."""
    try:
        # private but unchanged since Python 2: the end record as a list, None if there is none
        end = zipfile._EndRecData(f)
        if end is None:
            raise PackError(f"{source}: not a zip file (no end of central directory record)")
        entries, size = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]
    except (AttributeError, IndexError, OSError, struct.error):
        return  # zipfile itself will report what is wrong
    if entries > MAX_ENTRIES or size > MAX_ENTRIES * _CENTRAL_DIR_BYTES_PER_ENTRY:
        raise PackError(
            f"{source}: {entries} entries ({size} bytes of directory); "
            f"a model pack has at most {MAX_ENTRIES}"
        )


def _plan_zip(source: Path, zf: zipfile.ZipFile) -> tuple[str, list[tuple[zipfile.ZipInfo, str]]]:
    """Check every entry's name, type, size and compression before anything is extracted.

    Returns the top-level folder's name and (entry, path inside that folder) for each entry.
    """
    entries = zf.infolist()
    if len(entries) > MAX_ENTRIES:
        raise PackError(f"{source}: {len(entries)} entries; a model pack has at most {MAX_ENTRIES}")
    if not entries:
        raise PackError(f"{source}: the zip file is empty")
    tops: set[str] = set()
    plan = []
    seen: set[str] = set()
    total = 0
    for entry in entries:
        name = entry.filename
        label = f"{source}: entry {entry.orig_filename!r}"
        if name != entry.orig_filename:
            raise PackError(f"{label}: the name contains a NUL character")
        if not entry.flag_bits & _UTF8_NAME_FLAG and not name.isascii():
            raise PackError(
                f"{label}: a non-ASCII name not marked as UTF-8 (its encoding is unknown); "
                "pack the model with 'hsb-whisper models pack' or a zip tool that writes UTF-8"
            )
        parts = _safe_parts(name.rstrip("/") if entry.is_dir() else name, label)
        mode = entry.external_attr >> 16
        kind = stat.S_IFMT(mode)
        if kind == stat.S_IFLNK:
            raise PackError(f"{label}: is a symbolic link; packs may hold only plain files")
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR) or (kind == stat.S_IFDIR) != entry.is_dir():
            raise PackError(f"{label}: is a special file (mode {oct(mode)}); only plain files")
        tops.add(parts[0])
        if len(tops) > 1:
            raise PackError(
                f"{source}: more than one top-level folder ({', '.join(sorted(tops))}); "
                "a pack holds one model folder"
            )
        if entry.is_dir():
            plan.append((entry, "/".join(parts[1:])))
            continue
        if len(parts) == 1:
            raise PackError(
                f"{label}: is outside the model folder; a pack holds one folder with the files"
            )
        rel = "/".join(parts[1:])
        if rel.casefold() in seen:
            raise PackError(f"{label}: appears twice (ignoring case)")
        seen.add(rel.casefold())
        _check_pickle_name(rel, label)
        if entry.flag_bits & 0x1:
            raise PackError(f"{label}: is encrypted")
        if entry.compress_type not in _COMPRESSIONS:
            raise PackError(
                f"{label}: compression method {entry.compress_type} is not supported "
                f"(only {' and '.join(_COMPRESSIONS.values())})"
            )
        if entry.file_size > RATIO_EXEMPT_BYTES and (
            entry.file_size > MAX_COMPRESSION_RATIO * entry.compress_size
        ):
            ratio = entry.file_size / max(entry.compress_size, 1)
            raise PackError(
                f"{label}: compressed {ratio:.0f}:1 ({entry.compress_size} bytes declared to "
                f"unpack to {entry.file_size}); more than {MAX_COMPRESSION_RATIO}:1 is a "
                "decompression bomb, not a model file"
            )
        total += entry.file_size
        if total > MAX_TOTAL_BYTES:
            raise PackError(
                f"{source}: declares more than {_gib(MAX_TOTAL_BYTES)} unpacked; the largest "
                "Whisper model is about 6.2 GB (large-v3, float32)"
            )
        plan.append((entry, rel))
    return next(iter(tops)), plan


# --- reading a folder ------------------------------------------------------------------------


def _copy_folder(source: Path, staging: Path) -> tuple[dict[str, FileRecord], Where]:
    def where(rel: str) -> str:
        return f"{source}: {rel}"

    sizes = _scan_folder(source, where)
    _check_free_space(staging, sum(sizes.values()), source)
    records = {}
    total = 0
    for rel in sizes:
        dest = staging.joinpath(*rel.split("/"))
        dest.parent.mkdir(parents=True, exist_ok=True)
        # O_NOFOLLOW and the fstat close the gap between the scan and the copy: a file swapped
        # for a symlink or a FIFO meanwhile is refused, not followed or blocked on.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(source / rel, flags | getattr(os, "O_NONBLOCK", 0))
        except OSError as e:
            raise PackError(f"{where(rel)}: cannot be read ({e.strerror})") from e
        with open(fd, "rb") as src:
            if not stat.S_ISREG(os.fstat(src.fileno()).st_mode):
                raise PackError(f"{where(rel)}: changed into a special file while being copied")
            with open(dest, "xb") as dst:
                records[rel] = _copy(src, dst, rel, where, limit=MAX_TOTAL_BYTES - total)
        total += records[rel].size
    return records, where


def _scan_folder(folder: Path, where: Where) -> dict[str, int]:
    """Every file under ``folder`` (relative POSIX path → size), refusing symlinks, special
    files, unsafe names, pickle names and more than the pack limits."""
    sizes: dict[str, int] = {}
    total = 0
    stack = [""]
    while stack:
        prefix = stack.pop()
        with os.scandir(folder / prefix if prefix else folder) as it:
            for item in sorted(it, key=lambda i: i.name):
                rel = f"{prefix}{item.name}"
                _safe_parts(rel, where(rel if rel.isprintable() else repr(rel)))
                if item.is_symlink():
                    raise PackError(f"{where(rel)}: is a symbolic link; only plain files allowed")
                if item.is_dir(follow_symlinks=False):
                    stack.append(f"{rel}/")
                    continue
                if not item.is_file(follow_symlinks=False):
                    raise PackError(f"{where(rel)}: is a special file; only plain files allowed")
                _check_pickle_name(rel, where(rel))
                sizes[rel] = item.stat(follow_symlinks=False).st_size
                total += sizes[rel]
                if len(sizes) > MAX_ENTRIES:
                    raise PackError(f"{folder}: more than {MAX_ENTRIES} files; not a model folder")
                if total > MAX_TOTAL_BYTES:
                    raise PackError(f"{folder}: holds more than {_gib(MAX_TOTAL_BYTES)}")
    return sizes


# --- checks shared by both -------------------------------------------------------------------


def _safe_parts(name: str, label: str) -> list[str]:
    """The components of a relative path inside a pack; refuses anything that could point outside
    the destination folder on any system (absolute, ``..``, backslashes, drive letters)."""
    if not name:
        raise PackError(f"{label}: empty entry name")
    if name.startswith("/"):
        raise PackError(f"{label}: absolute path; packs may hold only relative paths")
    if any(c in name for c in _FORBIDDEN_NAME_CHARS):
        raise PackError(f"{label}: backslash, colon or NUL in the name (path trick)")
    hidden = next((c for c in name if unicodedata.category(c).startswith("C")), None)
    if hidden is not None:  # control, format (bidi overrides), surrogate (non-UTF-8 on disk)
        raise PackError(
            f"{label}: the control or invisible character U+{ord(hidden):04X} in the name"
        )
    parts = name.split("/")
    if ".." in parts:
        raise PackError(f"{label}: '..' in the path would write outside the model folder")
    if any(p in ("", ".") for p in parts):
        raise PackError(f"{label}: empty or '.' path component")
    return parts


def _check_pickle_name(rel: str, label: str) -> None:
    suffix = os.path.splitext(rel)[1].lower()
    if suffix in PICKLE_SUFFIXES and rel != CT2_WEIGHTS:
        raise PackError(
            f"{label}: {suffix} files are pickled PyTorch/Python objects, which run code when "
            "loaded; packs may hold only CTranslate2 weights (model.bin)"
        )


def _check_content(path: Path, rel: str, where: Where) -> None:
    """Sniff a file's first bytes: no pickles, no nested zips, ``model.bin`` a CTranslate2
    Whisper model."""
    with open(path, "rb") as f:
        head = f.read(_HEAD_BYTES)
    if len(head) >= 2 and head[0] == _PICKLE_PROTO and head[1] in _PICKLE_PROTOCOLS:
        raise PackError(
            f"{where(rel)}: is a Python pickle (protocol {head[1]}), which runs code when "
            "loaded; packs may hold only CTranslate2 weights"
        )
    if head.startswith(_ZIP_MAGIC):
        raise PackError(
            f"{where(rel)}: is a zip archive (a PyTorch checkpoint holds a pickle in one); "
            "packs may hold only CTranslate2 weights"
        )
    if rel == CT2_WEIGHTS:
        _check_ct2_header(head, where(rel))


def _check_ct2_header(head: bytes, label: str) -> None:
    if len(head) < 6:
        raise PackError(f"{label}: too short to be a CTranslate2 model ({len(head)} bytes)")
    version, length = struct.unpack_from("<IH", head)
    if version not in BINARY_VERSIONS:
        raise PackError(
            f"{label}: not a CTranslate2 model (binary version {version}; expected "
            f"{BINARY_VERSIONS.start} to {BINARY_VERSIONS.stop - 1})"
        )
    raw = head[6 : 6 + length]
    if length < 2 or len(raw) != length or raw[-1] != 0 or not raw[:-1].isascii():
        raise PackError(f"{label}: not a CTranslate2 model (no valid spec name after the version)")
    spec = raw[:-1].decode("ascii")
    if spec != WHISPER_SPEC:
        raise PackError(f"{label}: a CTranslate2 {spec!r} model, not Whisper ({WHISPER_SPEC})")


def _check_structure(root: Path, present: set[str], where: Where) -> ModelInfo:
    """Metadata, file list and content of the model files at ``root`` (``present``: their
    relative paths). Sizes and checksums are :func:`_check_records`' job."""
    if METADATA_FILE not in present:
        raise PackError(f"{where(METADATA_FILE)}: missing; not a model of ours")
    try:
        info = ModelInfo.load(root)
    except ModelError as e:
        # name the file as the user knows it, not by the staging folder it was unpacked into
        message = str(e).replace(str(root / METADATA_FILE), where(METADATA_FILE))
        if where(METADATA_FILE) not in message:
            message = f"{where(METADATA_FILE)}: {message}"
        raise PackError(message) from e
    for rel in info.files:
        _safe_parts(rel, f"{where(METADATA_FILE)}: listed file {rel!r}")
    for rel in sorted(present):
        _check_content(root / rel, rel, where)
    files = present - {METADATA_FILE}
    missing = sorted(set(info.files) - files)
    if missing:
        raise PackError(f"{where(missing[0])}: listed in the metadata but missing")
    extra = sorted(files - set(info.files))
    if extra:
        raise PackError(f"{where(extra[0])}: not listed in the metadata ({METADATA_FILE})")
    lacking = [name for name in PACK_REQUIRED_FILES if name not in files]
    if lacking:
        raise PackError(
            f"{where(lacking[0])}: missing; faster-whisper needs "
            f"{', '.join(PACK_REQUIRED_FILES)} to load a model offline"
        )
    for rel in JSON_FILES:
        if rel in files:
            _check_json_file(root / rel, rel, where)
    return info


def _check_json_file(path: Path, rel: str, where: Where) -> None:
    """``config.json``, ``tokenizer.json`` and ``preprocessor_config.json`` must be JSON
    objects, and the feature extractor's settings those of a Whisper model."""
    with open(path, "rb") as f:
        raw = f.read(_MAX_JSON_BYTES + 1)
    if len(raw) > _MAX_JSON_BYTES:
        raise PackError(f"{where(rel)}: more than {_MAX_JSON_BYTES} bytes; not a model's {rel}")
    try:
        data = json_object(raw)
    except ValueError as e:
        raise PackError(f"{where(rel)}: {e}") from e
    if rel != "preprocessor_config.json":
        return
    problem = preprocessor_problem(data)
    if problem is not None:
        raise PackError(f"{where(rel)}: {problem}")


def preprocessor_problem(settings: dict) -> str | None:
    """Why ``settings`` (a feature extractor's, as in ``preprocessor_config.json``) are not a
    Whisper model's (:data:`PREPROCESSOR_LIMITS`); ``None`` when they are."""
    for key, allowed in PREPROCESSOR_LIMITS.items():
        value = settings.get(key, allowed.start)
        if type(value) is not int or value not in allowed:  # type: not true, not 80.0
            span = f"{allowed.start} to {allowed.stop - 1}" if len(allowed) > 1 else allowed.start
            return f"{key} is {short_value(value)}; a Whisper model has {span}"
    return None


def _check_records(info: ModelInfo, records: dict[str, FileRecord], where: Where) -> None:
    for rel, expected in sorted(info.files.items()):
        actual = records[rel]
        if actual.size != expected.size:
            raise PackError(
                f"{where(rel)}: {actual.size} bytes, but the metadata says {expected.size}"
            )
        if actual.sha256 != expected.sha256:
            raise PackError(f"{where(rel)}: damaged or altered (SHA-256 differs from the metadata)")


def _copy(src, dst, rel: str, where: Where, *, limit: int) -> FileRecord:
    """Copy ``src`` to ``dst`` while hashing; refuse more than ``limit`` bytes."""
    digest = hashlib.sha256()
    size = 0
    try:
        while chunk := src.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise PackError(f"{where(rel)}: unpacks to more than the {limit} bytes allowed")
            digest.update(chunk)
            dst.write(chunk)
    except zipfile.BadZipFile as e:  # e.g. a CRC error: data that does not match its header
        raise PackError(f"{where(rel)}: damaged zip entry ({e})") from e
    except (EOFError, OSError) as e:
        raise PackError(f"{where(rel)}: could not be copied ({e})") from e
    return FileRecord(size, digest.hexdigest())


def _check_free_space(dest: Path, needed: int, source: Path) -> None:
    free = shutil.disk_usage(dest).free
    if needed > free:
        raise PackError(
            f"{source}: needs {needed / 1e9:.1f} GB to unpack, {free / 1e9:.1f} GB free in {dest}"
        )


def _empty(folder: Path) -> None:
    """Delete everything in ``folder`` (which holds only plain files and folders we made)."""
    if not folder.is_dir():
        return
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _gib(n: int) -> str:
    return f"{n / (1 << 30):g} GiB"
