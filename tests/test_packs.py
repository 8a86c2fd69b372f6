"""Model packs and the store's install / remove / default: the happy path, and one hostile pack
per thing ``open_pack`` must refuse, each leaving the store (and everything else) untouched."""

from __future__ import annotations

import dataclasses
import os
import pickle
import re
import shutil
import stat
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from hsb_whisper.errors import ModelError
from hsb_whisper.export import ModelInfo, ModelStore
from hsb_whisper.export import pack as pack_module
from hsb_whisper.export.metadata import METADATA_FILE, now_utc, record_files
from hsb_whisper.export.pack import PackError, make_pack, open_pack

from testsupport.cli_runner import run_cli

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


@pytest.fixture
def store(tmp_path, monkeypatch, default_model) -> ModelStore:
    """A store of its own (also the CLI's) whose whisper-base is hard-linked from the session's
    (instant; nothing here writes into it)."""
    monkeypatch.setenv("HSB_WHISPER_HOME", str(tmp_path / "home"))
    s = ModelStore()
    shutil.copytree(default_model.path, s.root / "whisper-base", copy_function=os.link)
    return s


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
