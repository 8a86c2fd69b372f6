"""Model packs and the store's install / remove / default: the happy path, and one hostile pack
per thing ``open_pack`` must refuse, each leaving the store (and everything else) untouched.
Hostile metadata, entry names, file names and model files in packs and folders (issue 10): one
``ModelError`` line each, never a traceback; a name that passes for an installed model's is
refused; any metadata gives a ModelInfo or a ModelError (property tests)."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import re
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hsb_whisper.errors import ModelError
from hsb_whisper.export import ModelInfo, ModelStore
from hsb_whisper.export import default_model as dm
from hsb_whisper.export import pack as pack_module
from hsb_whisper.export.metadata import METADATA_FILE, FileRecord, metadata_problem
from hsb_whisper.export.pack import PackError, _check_json_file, make_pack, open_pack

from testsupport.cli_runner import one_line_error, run_cli
from testsupport.model_packs import (
    HOSTILE_METADATA,
    PLAIN_FILES,
    ct2_bytes,
    deep_json,
    fake_model,
    files_around,
    folder_entries,
    listing,
    write_zip,
)

# --- the happy path --------------------------------------------------------------------------


def test_make_pack_layout(tmp_path, default_model):
    folder = fake_model(tmp_path / "src", default_model.path)
    zip_path = make_pack(folder, tmp_path / "out" / "hsb-test.zip")
    with zipfile.ZipFile(zip_path) as zf:
        entries = {e.filename: e for e in zf.infolist()}
    assert sorted(entries) == sorted(
        f"hsb-test/{n}" for n in (*PLAIN_FILES, "model.bin", METADATA_FILE)
    )
    assert entries["hsb-test/model.bin"].compress_type == zipfile.ZIP_STORED
    assert entries["hsb-test/tokenizer.json"].compress_type == zipfile.ZIP_DEFLATED
    assert (
        entries["hsb-test/tokenizer.json"].compress_size
        < entries["hsb-test/tokenizer.json"].file_size
    )
    assert [p.name for p in zip_path.parent.iterdir()] == ["hsb-test.zip"]  # no temporary left


def test_install_list_default_remove(store, tmp_path, default_model, capsys):
    zip_path = make_pack(fake_model(tmp_path / "src", default_model.path), tmp_path / "p.zip")
    result = run_cli(capsys, "models", "install", zip_path)
    assert result.code == 0, result.err
    assert result.out.startswith("installed hsb-test (language cs, float16")
    model = store.resolve("hsb-test")
    assert model.path == store.root / "hsb-test" and model.info.name == "hsb-test"
    assert store.verify("hsb-test") == []
    assert store.names() == ["hsb-test", "whisper-base"]
    assert not [p for p in store.root.iterdir() if ".tmp-" in p.name]

    lines = run_cli(capsys, "models", "list").out.splitlines()
    assert any(re.match(r"hsb-test +cs +openai/whisper-base +float16", line) for line in lines)
    assert any(line.startswith("whisper-base (default)") for line in lines)

    result = run_cli(capsys, "models", "default", "hsb-test")
    assert result.code == 0 and result.out == "default model: hsb-test\n"
    assert ModelStore().resolve(None).path == store.root / "hsb-test"
    assert run_cli(capsys, "models", "default").out == "hsb-test\n"
    lines = run_cli(capsys, "models", "list").out.splitlines()
    assert any(line.startswith("hsb-test (default)") for line in lines)
    assert any(re.match(r"whisper-base +cs", line) for line in lines)
    assert store.names() == ["hsb-test", "whisper-base"]  # store.json is not a model

    result = run_cli(capsys, "models", "install", zip_path)
    assert result.code == 1
    assert "a model named 'hsb-test' is already installed" in result.err
    assert "--replace" in result.err
    assert run_cli(capsys, "models", "install", zip_path, "--replace").code == 0
    result = run_cli(capsys, "models", "pack", "hsb-test", "-o", tmp_path / "again.zip")
    assert result.code == 0 and result.out.startswith(f"pack: {tmp_path / 'again.zip'}")
    with zipfile.ZipFile(zip_path) as first, zipfile.ZipFile(tmp_path / "again.zip") as second:
        assert sorted(first.namelist()) == sorted(second.namelist())

    result = run_cli(capsys, "models", "remove", "hsb-test")
    assert result.code == 0 and "the default model is whisper-base" in result.out
    assert not (store.root / "hsb-test").exists()
    assert store.resolve(None).path == store.root / "whisper-base"
    assert run_cli(capsys, "models", "default").out == "whisper-base\n"
    assert store.names() == ["whisper-base"]

    result = run_cli(capsys, "models", "remove", "whisper-base")
    assert result.code == 1
    assert "whisper-base is the embedded default model and cannot be removed" in result.err
    result = run_cli(capsys, "models", "remove", "../home")
    assert result.code == 1 and "model '../home' is not installed" in result.err
    result = run_cli(capsys, "models", "default", "nope")
    assert result.code == 1 and "model 'nope' is not installed" in result.err
    assert (store.root / "whisper-base" / "model.bin").is_file()


def test_default_falls_back_when_its_model_is_gone(store, tmp_path, default_model):
    store.install(fake_model(tmp_path / "src", default_model.path))  # from a folder
    store.set_default("hsb-test")
    assert store.default_name == "hsb-test"
    shutil.rmtree(store.root / "hsb-test")  # deleted behind the store's back
    assert store.default_name == "whisper-base"
    assert store.resolve(None).path == store.root / "whisper-base"
    store.set_default("whisper-base")
    assert (store.root / "store.json").read_text() == "{}\n"


def test_embedded_name_cannot_be_replaced(store, tmp_path, default_model):
    zip_path = make_pack(
        fake_model(tmp_path / "src", default_model.path, name="whisper-base"), tmp_path / "p.zip"
    )
    before = listing(store.root)
    with pytest.raises(ModelError, match="name of the embedded default model"):
        store.install(zip_path, replace=True)
    assert listing(store.root) == before


def test_make_pack_refuses_a_damaged_or_foreign_folder(tmp_path, default_model):
    folder = fake_model(tmp_path / "src", default_model.path)
    out = tmp_path / "out"
    out.mkdir()
    data = bytearray((folder / "model.bin").read_bytes())
    data[-1] ^= 1
    (folder / "model.bin").write_bytes(bytes(data))
    with pytest.raises(PackError, match=r"src: model.bin: damaged or altered \(SHA-256"):
        make_pack(folder, out / "p.zip")
    assert list(out.iterdir()) == []  # the half-written zip was discarded
    (folder / "notes.txt").write_text("hello")
    with pytest.raises(PackError, match=r"notes\.txt: not listed in the metadata"):
        make_pack(folder, out / "p.zip")
    (folder / METADATA_FILE).unlink()
    with pytest.raises(PackError, match=f"{METADATA_FILE}: missing; not a model of ours"):
        make_pack(folder, out / "p.zip")
    with pytest.raises(PackError, match="cannot be written inside the model folder"):
        make_pack(default_model.path, default_model.path / "x.zip")
    assert list(out.iterdir()) == []


def test_installed_copy_of_the_real_model_transcribes(
    store, tmp_path, default_model, clips, capsys
):
    folder = tmp_path / "copy"
    shutil.copytree(default_model.path, folder, copy_function=os.link)
    # saving is an atomic rename, so this does not write through the hard link
    dataclasses.replace(ModelInfo.load(folder), name="base-copy").save(folder)
    zip_path = make_pack(folder, tmp_path / "base-copy.zip")
    assert run_cli(capsys, "models", "install", zip_path).code == 0
    installed = store.root / "base-copy" / "model.bin"
    assert not os.path.samefile(installed, default_model.path / "model.bin")
    assert store.verify("base-copy") == []
    result = run_cli(
        capsys, "transcribe", clips["en"], "-m", "base-copy", "-l", "en", "--beam-size", "1"
    )
    assert result.code == 0, result.err
    assert "stella" in result.out.lower() and "store" in result.out.lower()


# --- hostile and broken packs ----------------------------------------------------------------


def _replace(entries, name, data):
    return [(n, data if n == name else d) for n, d in entries]


def _patch_sizes(path: Path, name: str, declared: int, crc: int | None = None) -> None:
    """Make the local and central headers of entry ``name`` declare ``declared`` bytes (and,
    if given, that CRC): a header that lies about what the entry unpacks to."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for sig, crc_at, size_at, name_at in ((b"PK\x01\x02", 16, 24, 46), (b"PK\x03\x04", 14, 22, 30)):
        pos = data.find(sig)
        while data[pos + name_at : pos + name_at + len(encoded)] != encoded:
            pos = data.find(sig, pos + 1)
        struct.pack_into("<I", data, pos + size_at, declared)
        if crc is not None:
            struct.pack_into("<I", data, pos + crc_at, crc)
    path.write_bytes(bytes(data))


def _symlink_entry() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("hsb-test/link")
    info.external_attr = 0o120777 << 16
    return info


def _fifo_entry() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("hsb-test/fifo")
    info.external_attr = (stat.S_IFIFO | 0o644) << 16
    return info


def _bzip2_entry() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("hsb-test/notes.txt")
    info.compress_type = zipfile.ZIP_BZIP2
    return info


BOMB = b"\0" * (20 << 20)  # deflates about 1000:1
PICKLE = pickle.dumps({"weights": [0.0] * 10}, protocol=4)

# (case id, how to build the zip from the good entries, expected message)
HOSTILE = [
    (
        "symlink",
        lambda e, ctx: [*e, (_symlink_entry(), b"/etc/passwd")],
        r"entry 'hsb-test/link': is a symbolic link",
    ),
    (
        "dotdot",
        lambda e, ctx: [*e, ("../evil", b"x")],
        r"entry '\.\./evil': '\.\.' in the path would write outside",
    ),
    (
        "dotdot-inside",
        lambda e, ctx: [*e, ("hsb-test/../../evil", b"x")],
        r"'\.\.' in the path would write outside",
    ),
    (
        "absolute",
        lambda e, ctx: [*e, (str(ctx["outside"]), b"x")],
        r": absolute path; packs may hold only relative paths",
    ),
    (
        "backslash",
        lambda e, ctx: [*e, ("hsb-test\\..\\..\\evil", b"x")],
        r"backslash, colon or NUL in the name",
    ),
    (
        "special-file",
        lambda e, ctx: [*e, (_fifo_entry(), b"")],
        r"entry 'hsb-test/fifo': is a special file",
    ),
    (
        "two-top-folders",
        lambda e, ctx: [*e, ("other/config.json", b"{}")],
        r"more than one top-level folder \(hsb-test, other\)",
    ),
    (
        "file-outside-folder",
        lambda e, ctx: [("README.txt", b"hi"), *e],
        r"entry 'README.txt': is outside the model folder",
    ),
    (
        "bomb",
        lambda e, ctx: [*e, ("hsb-test/zeros.dat", BOMB)],
        r"entry 'hsb-test/zeros.dat': compressed \d+:1 .*decompression bomb",
    ),
    (
        "too-many-entries",
        lambda e, ctx: [*e, *((f"hsb-test/f{i}.txt", b"") for i in range(1000))],
        r"1006 entries .* a model pack has at most 1000",
    ),
    (
        "bzip2",
        lambda e, ctx: [*e, (_bzip2_entry(), b"hello")],
        r"compression method 12 is not supported \(only stored and deflate\)",
    ),
    (
        "pickle-name",
        lambda e, ctx: ctx["zip_of"](files={"weights.pt": PICKLE}),
        r"hsb-test/weights.pt': \.pt files are pickled PyTorch/Python objects",
    ),
    (
        "pytorch-model-bin",
        lambda e, ctx: ctx["zip_of"](files={"sub/pytorch_model.bin": b"x"}),
        r"\.bin files are pickled",
    ),
    (
        "pickle-model-bin",
        lambda e, ctx: ctx["zip_of"](files={"model.bin": PICKLE}),
        r"hsb-test/model.bin: is a Python pickle \(protocol 4\)",
    ),
    (
        "pickle-content-other-name",
        lambda e, ctx: ctx["zip_of"](files={"extra.npy": PICKLE}),
        r"hsb-test/extra.npy: is a Python pickle",
    ),
    (
        "torch-zip-checkpoint",
        lambda e, ctx: ctx["zip_of"](files={"weights": b"PK\x03\x04" + PICKLE}),
        r"hsb-test/weights: is a zip archive",
    ),
    (
        "not-ct2-model-bin",
        lambda e, ctx: ctx["zip_of"](files={"model.bin": b"GGUF" + bytes(100)}),
        r"model.bin: not a CTranslate2 model \(binary version \d+; expected 4 to 6\)",
    ),
    (
        "other-ct2-spec",
        lambda e, ctx: ctx["zip_of"](
            files={"model.bin": struct.pack("<IH", 6, 16) + b"TransformerSpec\0" + bytes(64)}
        ),
        r"model.bin: a CTranslate2 'TransformerSpec' model, not Whisper",
    ),
    (
        "missing-metadata",
        lambda e, ctx: [x for x in e if not x[0].endswith(METADATA_FILE)],
        rf"hsb-test/{METADATA_FILE}: missing; not a model of ours",
    ),
    (
        "bad-metadata",
        lambda e, ctx: _replace(e, f"hsb-test/{METADATA_FILE}", b"{oops"),
        rf"p.zip: hsb-test/{METADATA_FILE}: unreadable model metadata",
    ),
    (
        "missing-file",
        lambda e, ctx: [x for x in e if x[0] != "hsb-test/vocabulary.txt"],
        r"hsb-test/vocabulary.txt: listed in the metadata but missing",
    ),
    (
        "extra-file",
        lambda e, ctx: [*e, ("hsb-test/notes.txt", b"not listed")],
        r"hsb-test/notes.txt: not listed in the metadata",
    ),
    (
        "checksum",
        lambda e, ctx: _replace(e, "hsb-test/model.bin", ct2_bytes()[:-1] + b"\xff"),
        r"hsb-test/model.bin: damaged or altered \(SHA-256 differs from the metadata\)",
    ),
    (
        "size",
        lambda e, ctx: _replace(e, "hsb-test/model.bin", ct2_bytes(5000)),
        r"hsb-test/model.bin: 5000 bytes, but the metadata says 4096",
    ),
    (
        "required-file",
        lambda e, ctx: ctx["zip_of"](omit=("preprocessor_config.json",)),
        r"hsb-test/preprocessor_config.json: missing; faster-whisper needs",
    ),
    (
        "duplicate-entry",
        lambda e, ctx: [*e, ("hsb-test/Config.json", b"{}")],
        r"entry 'hsb-test/Config.json': appears twice",
    ),
]


@pytest.mark.parametrize("build, message", [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_pack_is_refused_and_changes_nothing(
    store, tmp_path, default_model, build, message
):
    good = fake_model(tmp_path / "good", default_model.path)
    store.install(good)  # the same name is installed: even --replace must keep it intact

    def zip_of(**kwargs) -> list[tuple[str, bytes]]:
        folder = fake_model(tmp_path / "variant", default_model.path, **kwargs)
        return folder_entries(folder, "hsb-test")

    ctx = {"outside": tmp_path / "outside-target", "zip_of": zip_of}
    zip_path = write_zip(tmp_path / "p.zip", build(folder_entries(good, "hsb-test"), ctx))
    before = listing(tmp_path)
    with pytest.raises(PackError, match=message):
        store.install(zip_path, replace=True)
    assert listing(tmp_path) == before  # the store and everything around it, to the byte count
    assert not ctx["outside"].exists() and not (tmp_path / "evil").exists()
    assert store.verify("hsb-test") == []


@pytest.mark.parametrize("crc_matches", [False, True], ids=["crc-fails", "crc-forged"])
def test_header_that_understates_the_size(store, tmp_path, default_model, crc_matches):
    """An entry whose headers declare 1,000 bytes but whose data inflates to 4 MB.

    zipfile stops at the declared size, so no more is ever written: with the true CRC the entry
    fails its CRC check; with a CRC forged for the first 1,000 bytes it unpacks truncated, and
    the metadata's size catches it."""
    real = ct2_bytes(4 << 20)
    folder = fake_model(tmp_path / "src", default_model.path, files={"model.bin": real})
    zip_path = write_zip(tmp_path / "p.zip", folder_entries(folder, "hsb-test"))
    crc = zlib.crc32(real[:1000]) if crc_matches else None
    _patch_sizes(zip_path, "hsb-test/model.bin", 1000, crc)
    before = listing(tmp_path)
    expected = (
        r"model.bin: 1000 bytes, but the metadata says 4194304"
        if crc_matches
        else r"hsb-test/model.bin: damaged zip entry \(Bad CRC-32"
    )
    with pytest.raises(PackError, match=expected):
        store.install(zip_path)
    assert listing(tmp_path) == before


def test_declared_total_over_the_limit(store, tmp_path, default_model, monkeypatch):
    monkeypatch.setattr(pack_module, "MAX_TOTAL_BYTES", 1 << 20)  # the tokenizer alone is 2 MB
    zip_path = write_zip(
        tmp_path / "p.zip",
        folder_entries(fake_model(tmp_path / "src", default_model.path), "hsb-test"),
    )
    before = listing(tmp_path)
    with pytest.raises(PackError, match=r"p.zip: declares more than 0.0009765\d* GiB unpacked"):
        store.install(zip_path)
    assert listing(tmp_path) == before


def test_not_a_zip(store, tmp_path):
    junk = tmp_path / "model.zip"
    junk.write_bytes(os.urandom(5000))
    before = listing(tmp_path)
    with pytest.raises(PackError, match=r"model.zip: not a zip file"):
        store.install(junk)
    with pytest.raises(PackError, match=r"nothing-here: no such pack or model folder"):
        store.install(tmp_path / "nothing-here")
    assert listing(tmp_path) == before


def test_folder_with_a_symlink_or_fifo_is_refused(store, tmp_path, default_model):
    folder = fake_model(tmp_path / "src", default_model.path)
    os.symlink("/etc/passwd", folder / "link")
    before = listing(tmp_path)
    with pytest.raises(PackError, match=r"src: link: is a symbolic link"):
        store.install(folder)
    assert listing(tmp_path) == before
    (folder / "link").unlink()
    os.mkfifo(folder / "fifo")
    before = listing(tmp_path)
    with pytest.raises(PackError, match=r"src: fifo: is a special file"):
        store.install(folder)
    assert listing(tmp_path) == before


def test_open_pack_empties_its_staging_folder_on_failure(tmp_path, default_model):
    folder = fake_model(tmp_path / "src", default_model.path)
    (folder / "zz-extra.txt").write_text("x")  # found only after everything was copied
    staging = tmp_path / "staging"
    staging.mkdir()
    with pytest.raises(PackError, match=r"src: zz-extra\.txt: not listed in the metadata"):
        open_pack(folder, staging)
    assert list(staging.iterdir()) == []
    (staging / "x").write_text("x")
    with pytest.raises(PackError, match="must exist and be empty"):
        open_pack(folder, staging)


# --- from others: hostile metadata, names and model files (issue 10) -------------------------


@pytest.mark.parametrize(
    "mutate, message", [h[1:] for h in HOSTILE_METADATA], ids=[h[0] for h in HOSTILE_METADATA]
)
def test_hostile_metadata_is_refused_at_install(
    store, good, tmp_path, default_model, capsys, mutate, message
):
    src = fake_model(tmp_path / "src", default_model.path)
    data = json.loads((src / METADATA_FILE).read_text())
    entries = [
        (n, mutate(data) if n.endswith(METADATA_FILE) else d)
        for n, d in folder_entries(src, "hsb-test")
    ]
    zip_path = write_zip(tmp_path / "p.zip", entries)
    before = files_around(tmp_path)
    result = run_cli(capsys, "models", "install", zip_path)
    one_line_error(result, f"p.zip: hsb-test/{METADATA_FILE}: ")
    assert re.search(message, result.err), result.err
    assert "\x1b" not in result.err and "\u202e" not in result.err
    assert files_around(tmp_path) == before


LOOKALIKE_NAMES = [
    ("HSB-test", "hsb-test"),  # case
    ("Hsb-Test", "hsb-test"),
    ("hsb-t\u0435st", "hsb-test"),  # Cyrillic е
    ("hsb-te\u0455t", "hsb-test"),  # Cyrillic ѕ
    ("h\u0455b-t\u0435\u0455t", "hsb-test"),  # three Cyrillic letters
    ("\uff48\uff53\uff42-test", "hsb-test"),  # fullwidth (NFKC)
    ("\U0001d421\U0001d42c\U0001d41b-test", "hsb-test"),  # mathematical bold (NFKC)
    ("HSB-\u03a4\u0395\u0405\u03a4", "hsb-test"),  # Greek Τ Ε, Cyrillic Ѕ
    ("Whisper-Base", "whisper-base"),  # the embedded model
    ("whisper-b\u0430se", "whisper-base"),  # Cyrillic а
    ("wh\u0456sper-base", "whisper-base"),  # Cyrillic і
]


@pytest.mark.parametrize("name, installed", LOOKALIKE_NAMES)
@pytest.mark.parametrize("replace", [False, True], ids=["plain", "replace"])
def test_name_that_passes_for_an_installed_one_is_refused(
    store, tmp_path, default_model, capsys, name, installed, replace
):
    store.install(fake_model(tmp_path / "installed", default_model.path))
    zip_path = write_zip(
        tmp_path / "p.zip",
        folder_entries(fake_model(tmp_path / "src", default_model.path, name=name), name),
    )
    before = files_around(tmp_path)
    result = run_cli(capsys, "models", "install", zip_path, *(["--replace"] if replace else []))
    one_line_error(
        result,
        f"the model is called {name!r}, which differs from the installed model {installed!r} "
        "only by case or look-alike letters",
    )
    assert files_around(tmp_path) == before
    # a name that is merely similar is fine
    fine = fake_model(tmp_path / "fine", default_model.path, name="hsb-test2")
    assert store.install(fine).name == "hsb-test2"


def _patch_name_bytes(
    path: Path, name: str, old: bytes, new: bytes, utf8_flag: bool | None = None
) -> None:
    """Replace ``old`` by ``new`` (as long) in the entry ``name``'s name in both its headers,
    and set or clear its UTF-8 flag: names no zip library writes."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    patched = encoded.replace(old, new)
    assert len(patched) == len(encoded) != 0
    for sig, flag_at, name_at in ((b"PK\x01\x02", 8, 46), (b"PK\x03\x04", 6, 30)):
        pos = data.find(sig)
        while data[pos + name_at : pos + name_at + len(encoded)] != encoded:
            pos = data.find(sig, pos + 1)
            assert pos >= 0, f"no {sig!r} header for {name!r}"
        data[pos + name_at : pos + name_at + len(encoded)] = patched
        if utf8_flag is not None:
            flags = int.from_bytes(data[pos + flag_at : pos + flag_at + 2], "little")
            flags = flags | 0x800 if utf8_flag else flags & ~0x800
            data[pos + flag_at : pos + flag_at + 2] = flags.to_bytes(2, "little")
    path.write_bytes(bytes(data))


# (id, entry name, (old, new, utf8 flag) patch of the name bytes or None, expected message)
HOSTILE_ENTRY_NAMES = [
    ("escape", "hsb-test/a\x1b[2Jb.txt", None, r"character U\+001B in the name"),
    ("bidi-override", "hsb-test/\u202etxt.exe", None, r"character U\+202E in the name"),
    ("tab", "hsb-test/tab\tname.txt", None, r"character U\+0009 in the name"),
    ("bell", "hsb-test/bell\x07", None, r"character U\+0007 in the name"),
    ("delete", "hsb-test/del\x7f", None, r"character U\+007F in the name"),
    ("c1-csi", "hsb-test/c1\x9b31m", None, r"character U\+009B in the name"),
    ("zero-width", "hsb-test/zw\u200bspace.txt", None, r"character U\+200B in the name"),
    ("top-folder-escape", "hsb\x1b/x.txt", None, r"character U\+001B in the name"),
    ("nul", "hsb-test/aXb.txt", (b"aXb", b"a\x00b", None), r"NUL character"),
    ("bad-utf8", "hsb-test/n\u00e9.txt", ("é".encode(), b"\xff\xfe", True), r"not valid UTF-8"),
    ("cp437-name", "hsb-test/n\u00e9.txt", ("é".encode(), "é".encode(), False), r"not marked"),
]


@pytest.mark.parametrize(
    "name, patch, message",
    [h[1:] for h in HOSTILE_ENTRY_NAMES],
    ids=[h[0] for h in HOSTILE_ENTRY_NAMES],
)
def test_hostile_entry_name_is_refused(
    store, good, tmp_path, default_model, capsys, name, patch, message
):
    src = fake_model(tmp_path / "src", default_model.path)
    zip_path = write_zip(tmp_path / "p.zip", [*folder_entries(src, "hsb-test"), (name, b"x")])
    if patch:
        _patch_name_bytes(zip_path, name, *patch)
    before = files_around(tmp_path)
    result = run_cli(capsys, "models", "install", zip_path)
    one_line_error(result, "p.zip")
    assert re.search(message, result.err), result.err
    assert result.err.isprintable() or result.err[:-1].isprintable()  # escaped, not raw
    assert files_around(tmp_path) == before


@pytest.mark.parametrize(
    "raw_name, shown",
    [(b"bad\xff.txt", r"'bad\udcff.txt'"), (b"esc\x1b[2J", r"'esc\x1b[2J'")],
    ids=["non-utf8", "escape"],
)
def test_folder_with_a_hostile_file_name_is_refused(
    store, tmp_path, default_model, capsys, raw_name, shown
):
    src = fake_model(tmp_path / "src", default_model.path)
    with open(os.fsencode(src) + b"/" + raw_name, "wb") as f:
        f.write(b"x")
    before = files_around(tmp_path)
    result = run_cli(capsys, "models", "install", src)
    one_line_error(result, f"{src}: {shown}: the control or invisible character")
    assert result.err[:-1].isprintable()
    assert files_around(tmp_path) == before


def _preprocessor(**changes) -> bytes:
    return json.dumps({**dm.PREPROCESSOR_CONFIG, **changes}).encode()


# (id, model files replaced, expected message)
HOSTILE_MODEL_FILES = [
    ("tokenizer-not-json", {"tokenizer.json": b"not json"}, r"tokenizer.json: not valid JSON"),
    ("tokenizer-list", {"tokenizer.json": b"[1, 2]"}, r"tokenizer.json: must be a JSON object"),
    (
        "tokenizer-100k-deep",
        {"tokenizer.json": deep_json(100_000).encode()},
        r"tokenizer.json: not valid JSON \(nested too deeply\)",
    ),
    ("tokenizer-not-utf8", {"tokenizer.json": b"\xff\xfe{}"}, r"tokenizer.json: not valid JSON"),
    (
        "tokenizer-5000-digits",
        {"tokenizer.json": b'{"x": ' + b"9" * 5000 + b"}"},
        r"tokenizer.json: not valid JSON \(Exceeds",
    ),
    ("config-empty", {"config.json": b""}, r"config.json: not valid JSON"),
    (
        "n_fft-400M",
        {"preprocessor_config.json": _preprocessor(n_fft=400_000_000)},
        r"preprocessor_config.json: n_fft is 400000000; a Whisper model has 1 to 4096",
    ),
    (
        "n_fft-1e999",
        {"preprocessor_config.json": _preprocessor(n_fft="@").replace(b'"@"', b"1e999")},
        r"n_fft is inf; a Whisper model has 1 to 4096",
    ),
    ("n_fft-negative", {"preprocessor_config.json": _preprocessor(n_fft=-1)}, r"n_fft is -1"),
    ("n_fft-string", {"preprocessor_config.json": _preprocessor(n_fft="400")}, r"n_fft is '400'"),
    (
        "feature_size-0",
        {"preprocessor_config.json": _preprocessor(feature_size=0)},
        r"feature_size is 0; a Whisper model has 1 to 256",
    ),
    ("feature_size-1000", {"preprocessor_config.json": _preprocessor(feature_size=1000)}, r"1000"),
    ("feature_size-float", {"preprocessor_config.json": _preprocessor(feature_size=80.0)}, r"80.0"),
    ("feature_size-true", {"preprocessor_config.json": _preprocessor(feature_size=True)}, r"True"),
    ("n_mels-huge", {"preprocessor_config.json": _preprocessor(n_mels=100_000)}, r"n_mels is"),
    (
        "sampling_rate-8000",
        {"preprocessor_config.json": _preprocessor(sampling_rate=8000)},
        r"sampling_rate is 8000; a Whisper model has 16000",
    ),
    ("hop_length-0", {"preprocessor_config.json": _preprocessor(hop_length=0)}, r"hop_length is"),
    (
        "chunk_length-3600",
        {"preprocessor_config.json": _preprocessor(chunk_length=3600)},
        r"chunk_length is 3600; a Whisper model has 1 to 60",
    ),
    ("preprocessor-list", {"preprocessor_config.json": b"[]"}, r"must be a JSON object"),
]


@pytest.mark.parametrize(
    "files, message", [h[1:] for h in HOSTILE_MODEL_FILES], ids=[h[0] for h in HOSTILE_MODEL_FILES]
)
def test_hostile_model_file_is_refused(store, tmp_path, default_model, capsys, files, message):
    src = fake_model(tmp_path / "src", default_model.path, files=files)
    zip_path = write_zip(tmp_path / "p.zip", folder_entries(src, "hsb-test"))
    before = files_around(tmp_path)
    for source in (zip_path, src):  # a pack and a folder
        result = run_cli(capsys, "models", "install", source)
        one_line_error(result, str(source))
        assert re.search(message, result.err), result.err
    assert files_around(tmp_path) == before


def test_whisper_preprocessor_settings_are_accepted(tmp_path):
    for mels in (80, 128):
        path = tmp_path / "preprocessor_config.json"
        path.write_bytes(_preprocessor(feature_size=mels))
        _check_json_file(path, path.name, str)  # no error


# --- property: any metadata gives a ModelInfo or a ModelError, nothing else ------------------


_TEXT = st.text(st.characters(exclude_categories=()), max_size=20)
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | _TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_TEXT, children, max_size=4),
    max_leaves=20,
)
_VALID = {
    "format_version": 1,
    "name": "hsb-test",
    "base": "openai/whisper-base",
    "language": "cs",
    "source": "tests",
    "license": "MIT",
    "quantization": "int8",
    "created": "2025-01-31T12:00:00+00:00",
    "files": {"model.bin": {"size": 4096, "sha256": "0" * 64}},
    "recipe": {"recipe": {"name": "classic"}},
    "evaluation": {"wer": 0.25, "clips": 10},
}
_NEAR = {  # values close to valid ones, to reach each check's edges
    "name": st.from_regex(r"[A-Za-z0-9._+\-\u0430\uff48\x00\x1b/\\ ]{0,8}", fullmatch=True),
    "language": st.from_regex(r"[a-zA-Z\n]{0,4}", fullmatch=True),
    "quantization": st.sampled_from(["int8", "float16", "int4", "INT8", "int8 ", ""]),
    "created": st.from_regex(r"[0-9T:+\-. ]{0,26}", fullmatch=True),
    "files": st.dictionaries(
        _TEXT | st.sampled_from(["model.bin", "../x", "/x", "a/./b", "a\\b", METADATA_FILE]),
        st.fixed_dictionaries({"size": _JSON, "sha256": st.just("a" * 64) | _JSON}) | _JSON,
        max_size=3,
    ),
}


@st.composite
def metadata(draw) -> dict:
    data = dict(_VALID)
    for field in draw(st.sets(st.sampled_from(sorted(_VALID)))):
        how = draw(st.sampled_from(["drop", "json", "near"]))
        if how == "drop":
            del data[field]
        elif how == "near" and field in _NEAR:
            data[field] = draw(_NEAR[field])
        else:
            data[field] = draw(_JSON)
    data.update(draw(st.dictionaries(_TEXT, _JSON, max_size=2)))
    return data


def _load(raw: bytes) -> ModelInfo | None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / METADATA_FILE).write_bytes(raw)
        try:
            info = ModelInfo.load(Path(folder))
        except ModelError as e:
            assert "\n" not in str(e)
            return None
        info.save(Path(folder))  # what loads, saves and loads back the same
        assert ModelInfo.load(Path(folder)) == info
        return info


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(metadata())
def test_any_metadata_loads_or_is_a_model_error(data):
    info = _load(json.dumps(data).encode())
    if metadata_problem(data) is not None:
        assert info is None  # the schema's verdict is the loader's
    if info is not None:
        assert info.name == data["name"] and set(info.files) == set(data["files"])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | _JSON.map(lambda v: json.dumps(v).encode()))
def test_any_bytes_as_metadata_load_or_are_a_model_error(raw):
    _load(raw)


@settings(max_examples=300, deadline=None)
@given(metadata())
def test_constructing_any_metadata_gives_a_model_info_or_a_model_error(data):
    fields = {k: v for k, v in data.items() if k in _VALID and k != "files"}
    files = data.get("files", {})
    if isinstance(files, dict):  # records as the code makes them, their values unchecked
        files = {
            k: FileRecord(v["size"], v["sha256"])
            if isinstance(v, dict) and set(v) == {"size", "sha256"}
            else v
            for k, v in files.items()
        }
    required = {"name", "base", "language", "source", "license", "quantization", "created"}
    if not required <= fields.keys():
        return  # a TypeError for the programmer, not a concern of the data
    try:
        info = ModelInfo(files=files, **fields)
    except ModelError as e:
        assert "\n" not in str(e)
    else:
        assert all(isinstance(r, FileRecord) for r in info.files.values())


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["feature_size", "n_fft", "sampling_rate", "x"]), _JSON) | _JSON
)
def test_any_preprocessor_config_passes_or_is_a_pack_error(value):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "preprocessor_config.json"
        path.write_text(json.dumps(value))
        try:
            _check_json_file(path, path.name, str)
        except PackError as e:
            assert "\n" not in str(e)
