"""Hardening of the model store and packs (issue 10).

Hostile metadata, names and model files in packs; one damaged model among good ones; names that
pass for an installed one; leftovers of killed processes; OS errors; two processes assembling the
default model at once. Every hostile input gives one ``ModelError`` line (never a traceback) and
leaves the store as it was; ``models list`` never fails whole.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_packs import fake_model, folder_entries, listing, write_zip

from hsb_whisper.errors import ModelError
from hsb_whisper.export import ModelInfo, ModelStore
from hsb_whisper.export import default_model as dm
from hsb_whisper.export import store as store_module
from hsb_whisper.export.metadata import METADATA_FILE, FileRecord, metadata_problem
from hsb_whisper.export.pack import PackError, _check_json_file

from testsupport.cli_runner import run_cli


@pytest.fixture
def store(tmp_path, monkeypatch, default_model) -> ModelStore:
    """A store of its own (also the CLI's), its whisper-base hard-linked from the session's."""
    monkeypatch.setenv("HSB_WHISPER_HOME", str(tmp_path / "home"))
    s = ModelStore()
    shutil.copytree(default_model.path, s.root / "whisper-base", copy_function=os.link)
    return s


def files_around(tmp_path: Path) -> list[tuple[str, int | None]]:
    """Every path under ``tmp_path`` with its size, but the CLI's log files."""
    return [item for item in listing(tmp_path) if not item[0].startswith("home/logs")]


def one_line_error(result, *fragments: str) -> None:
    """The CLI failed with exactly one line, a user error (no traceback, no 'unexpected')."""
    assert result.code == 1, (result.out, result.err)
    assert result.err.count("\n") == 1 and result.err.startswith("hsb-whisper: error: "), result.err
    assert "Traceback" not in result.err and "unexpected error" not in result.err
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)


# --- 1. hostile metadata: refused at install; listed as damaged when found in the store ---------


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


def _deep(levels):
    return "[" * levels + "]" * levels


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
    ("recipe-deep", _raw("recipe", '{"a":' + _deep(100) + "}"), r"nested more than 64 levels"),
    ("recipe-100k-deep", _raw("recipe", _deep(100_000)), r"unreadable model metadata \(nested"),
    ("evaluation-wer-text", _set("evaluation", {"wer": "low"}), r"'wer' must be a number"),
    ("version-true", _set("format_version", True), r"metadata format version true is not supp"),
    ("version-huge", _raw("format_version", "1e999"), r"metadata format version inf is not"),
    ("whole-100k-deep", lambda d: _deep(100_000).encode(), r"unreadable model metadata \(nested"),
    ("whole-array", lambda d: b"[]", r"model metadata must be a JSON object"),
    ("whole-not-utf8", lambda d: b"\xff\xfe{}", r"unreadable model metadata \('utf-8' codec"),
    ("whole-empty", lambda d: b"", r"unreadable model metadata \(Expecting value"),
    ("whole-huge", lambda d: os.urandom(17 << 20), r"more than 16777216 bytes; not model metadata"),
]


@pytest.fixture
def good(store, tmp_path, default_model) -> tuple[Path, dict]:
    """The model hsb-good, installed, and its metadata as a dict."""
    folder = fake_model(tmp_path / "good-src", default_model.path, name="hsb-good")
    model = store.install(folder)
    return model.path, json.loads((model.path / METADATA_FILE).read_text())


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


@pytest.mark.parametrize(
    "mutate, message", [h[1:] for h in HOSTILE_METADATA], ids=[h[0] for h in HOSTILE_METADATA]
)
def test_damaged_model_is_listed_and_the_others_still_are(store, good, capsys, mutate, message):
    """A model whose metadata went bad in the store (an older version installed it, or it was
    edited): ``models list`` reports it and lists every other model."""
    folder, data = good
    bad = store.root / "hsb-bad"
    shutil.copytree(folder, bad)
    (bad / METADATA_FILE).write_bytes(mutate(data))

    result = run_cli(capsys, "models", "list")
    assert result.code == 1 and result.err == ""  # listed, with the damage reported
    lines = result.out.splitlines()
    assert any(line.startswith("hsb-good ") for line in lines), result.out
    assert any(line.startswith("whisper-base (default)") for line in lines), result.out
    damaged = [line for line in lines if line.startswith("damaged: ")]
    assert len(damaged) == 1 and damaged[0].startswith(f"damaged: {bad / METADATA_FILE}: ")
    assert re.search(message, damaged[0]), damaged[0]
    assert "\x1b" not in result.out and "\u202e" not in result.out

    entries = store.models()
    assert sorted(e.name for e in entries if not isinstance(e, ModelError)) == [
        "hsb-good",
        "whisper-base",
    ]
    assert [type(e) for e in entries if isinstance(e, ModelError)] == [ModelError]
    one_line_error(run_cli(capsys, "models", "default", "hsb-bad"), str(bad))
    assert run_cli(capsys, "models", "info", "hsb-good").code == 0


def test_models_page_shows_a_damaged_model_among_the_others(qtbot, store, good):
    pytest.importorskip("PySide6")
    from hsb_whisper.desktop.ui.models_page import ModelsPage

    folder, data = good
    shutil.copytree(folder, store.root / "hsb-bad")
    (store.root / "hsb-bad" / METADATA_FILE).write_text(json.dumps({**data, "created": 5}))
    page = ModelsPage(store)
    qtbot.addWidget(page)
    texts = [page.list.item(i).text() for i in range(page.list.count())]
    assert "hsb-good" in texts and "whisper-base (default)" in texts
    assert [t for t in texts if t.startswith("damaged: ")] == [
        f"damaged: {store.root / 'hsb-bad' / METADATA_FILE}: field 'created': must be an ISO "
        "8601 date and time such as '2025-01-31T12:00:00+00:00', not 5"
    ]


# --- 2. names: look-alikes of installed models, control characters, non-UTF-8 entries -----------

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
        {"tokenizer.json": _deep(100_000).encode()},
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


def test_printed_names_have_no_control_characters(store, good, tmp_path, default_model, capsys):
    folder, _ = good
    evil = store.root / "evil\x1b[2J\u202e"
    shutil.copytree(folder, evil)
    (evil / METADATA_FILE).write_text("{broken")
    result = run_cli(capsys, "models", "list")
    assert result.code == 1
    assert "\x1b" not in result.out and "\u202e" not in result.out
    assert "evil\\x1b[2J\\u202e" in result.out

    result = run_cli(capsys, "models", "info", "nope")  # the message lists the installed names
    one_line_error(result, "'evil\\x1b[2J\\u202e'")
    assert "\x1b" not in result.err

    foreign = tmp_path / "foreign\x1b]0;title\x07\x9b\u202e"
    foreign.mkdir()
    for name in ("model.bin", "config.json", "tokenizer.json"):
        os.symlink(default_model.path / name, foreign / name)
    result = run_cli(capsys, "models", "info", foreign)
    assert result.code == 0, result.err
    assert not {"\x1b", "\x07", "\x9b", "\u202e"} & set(result.out)
    assert "foreign\\u001b]0;title\\u0007\\x9b\\u202e" in result.out  # JSON's, then ours


# --- 3. leftovers of killed installs and exports are removed by the next store operation ------

DAY = 24 * 3600


def _age(path: Path, seconds: float) -> None:
    """Set ``path`` and everything in it to ``seconds`` ago."""
    when = time.time() - seconds
    for p in [path, *path.rglob("*")] if path.is_dir() else [path]:
        os.utime(p, (when, when))


def _leftovers(root: Path) -> tuple[list[Path], list[Path]]:
    """Staging leftovers of every kind in ``root``: (those to remove, those to keep)."""
    stale, alive = [], []
    for name, nested in (
        (".hsb-x.tmp-abc123", "model.bin"),
        (".whisper-base.tmp-k1ll3d", "model.bin"),
        (".hsb-y.trash-abc123", "hsb-y/model.bin"),
        (".export-abc123", "merged/model.safetensors"),
        (".float32-abc123", "model.bin"),
        (".store.json.abc123.part", None),
    ):
        path = root / name
        if nested:
            (path / nested).parent.mkdir(parents=True)
            (path / nested).write_bytes(b"x" * 1000)
        else:
            path.write_text("{")
        _age(path, 2 * DAY)
        stale.append(path)
    busy = root / ".hsb-z.tmp-busy"  # old folder, but a file written a minute ago: still running
    (busy / "model.bin").parent.mkdir(parents=True)
    (busy / "model.bin").write_bytes(b"x")
    _age(busy, 2 * DAY)
    _age(busy / "model.bin", 60)
    measuring = root / ".float32-measuring"  # an export measuring WER for two hours
    (measuring / "model.bin").parent.mkdir(parents=True)
    (measuring / "model.bin").write_bytes(b"x")
    _age(measuring, 2 * 3600)
    fresh = root / ".hsb-w.tmp-fresh"
    fresh.mkdir()
    other = root / ".cache"  # not ours
    other.mkdir()
    _age(other, 2 * DAY)
    alive += [busy, measuring, fresh, other]
    return stale, alive


@pytest.mark.parametrize("operation", ["list", "install", "remove", "default"])
def test_leftovers_of_killed_processes_are_cleaned_up(
    store, tmp_path, default_model, capsys, operation
):
    installed = store.install(fake_model(tmp_path / "a", default_model.path, name="hsb-a"))
    stale, alive = _leftovers(store.root)
    if operation == "list":
        assert run_cli(capsys, "models", "list").code == 0
    elif operation == "install":
        assert (
            run_cli(
                capsys, "models", "install", fake_model(tmp_path / "b", default_model.path)
            ).code
            == 0
        )
    elif operation == "remove":
        assert run_cli(capsys, "models", "remove", "hsb-a").code == 0
    else:
        assert run_cli(capsys, "models", "default", "hsb-a").code == 0
    assert [p.name for p in stale if os.path.lexists(p)] == []
    assert [p.name for p in alive if not p.exists()] == []
    assert store.verify("whisper-base") == []
    if operation != "remove":
        assert store.verify(installed.name) == []


# --- 4. OS errors in the store: one line naming the path and the problem ------------------------


def _raiser(code: int, filename: object = None):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code), *([str(filename)] if filename else []))

    return fail


def test_read_only_store_on_install(store, tmp_path, default_model, capsys, monkeypatch):
    monkeypatch.setattr(store_module.tempfile, "mkdtemp", _raiser(errno.EROFS, store.root))
    result = run_cli(capsys, "models", "install", fake_model(tmp_path / "s", default_model.path))
    one_line_error(result, f"{store.root}: Read-only file system (while installing ")


def test_full_disk_while_replacing(store, tmp_path, default_model, capsys, monkeypatch):
    src = fake_model(tmp_path / "s", default_model.path)
    store.install(src)
    monkeypatch.setattr(store_module, "_swap_in", _raiser(errno.ENOSPC))
    result = run_cli(capsys, "models", "install", src, "--replace")
    one_line_error(result, f"{store.root}: No space left on device (while installing {src})")
    assert not [p for p in store.root.iterdir() if ".tmp-" in p.name]
    assert store.verify("hsb-test") == []


def test_read_only_store_on_remove(store, tmp_path, default_model, capsys, monkeypatch):
    store.install(fake_model(tmp_path / "s", default_model.path))
    monkeypatch.setattr(store_module, "remove_tree", _raiser(errno.EACCES, store.root / "hsb-test"))
    result = run_cli(capsys, "models", "remove", "hsb-test")
    one_line_error(result, f"{store.root / 'hsb-test'}: Permission denied (while removing the")


def test_full_disk_on_set_default(store, tmp_path, default_model, capsys, monkeypatch):
    store.install(fake_model(tmp_path / "s", default_model.path))
    monkeypatch.setattr(store_module, "atomic_write_text", _raiser(errno.ENOSPC))
    result = run_cli(capsys, "models", "default", "hsb-test")
    one_line_error(result, f"{store.root}: No space left on device (while setting the default")


def test_full_disk_while_assembling_the_default(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HSB_WHISPER_HOME", str(tmp_path))
    monkeypatch.setattr(dm.shutil, "copyfile", _raiser(errno.ENOSPC))
    result = run_cli(capsys, "models", "list")
    folder = tmp_path / "models" / "whisper-base"
    one_line_error(result, f"{folder}: No space left on device (while preparing the default")
    assert list(folder.parent.iterdir()) == []  # the staging folder went with the error


def test_unreadable_model_folder_is_listed_not_fatal(
    store, tmp_path, default_model, capsys, monkeypatch
):
    store.install(fake_model(tmp_path / "s", default_model.path))
    real = store_module.open_folder

    def no_permission(folder):
        if folder.name == "hsb-test":
            raise PermissionError(errno.EACCES, "Permission denied", str(folder / METADATA_FILE))
        return real(folder)

    monkeypatch.setattr(store_module, "open_folder", no_permission)
    result = run_cli(capsys, "models", "list")
    assert result.code == 1
    assert f"damaged: {store.root / 'hsb-test'}: cannot be read (Permission denied)" in result.out
    assert "whisper-base (default)" in result.out


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_really_read_only_store(store, tmp_path, default_model, capsys):
    src = fake_model(tmp_path / "s", default_model.path)
    store.root.chmod(0o555)
    try:
        one_line_error(run_cli(capsys, "models", "install", src), "Permission denied")
        assert run_cli(capsys, "models", "list").code == 0  # listing still works
    finally:
        store.root.chmod(0o755)


# --- 5. two processes assembling the default model at once ---------------------------------------


@pytest.mark.parametrize("error", ["exists", "not-empty"])
def test_losing_the_assembly_race_reuses_the_winners_model(
    tmp_path, default_model, monkeypatch, error
):
    """The other process's folder appears between our check and our rename: staging_dir
    raises FileExistsError, or the rename itself fails with ENOTEMPTY."""

    def other_process_wins(destination: Path):
        shutil.copytree(default_model.path, destination, copy_function=os.link)
        if error == "exists":
            raise FileExistsError(destination)
        loser = Path(tempfile.mkdtemp(prefix=".whisper-base.tmp-", dir=destination.parent))
        (loser / "model.bin").write_bytes(b"x")
        try:
            os.rename(loser, destination)  # what staging_dir's rename meets
        finally:
            shutil.rmtree(loser)
        raise AssertionError("the rename onto a full folder succeeded")

    monkeypatch.setattr(dm, "assemble", other_process_wins)
    store = ModelStore(tmp_path / "store")
    assert store.resolve(None).path == tmp_path / "store" / "whisper-base"
    assert store.verify("whisper-base") == []
    assert [p.name for p in (tmp_path / "store").iterdir()] == ["whisper-base"]


_RACE_SCRIPT = """
import os, sys, time
from pathlib import Path
from hsb_whisper.export.store import ModelStore
root, go, widen = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "widen"
if widen:  # hold the finished staging folder back before its rename: both pass the check first
    rename = os.rename
    def slow_rename(src, dst):
        if ".whisper-base.tmp-" in str(src):
            time.sleep(0.5)
        return rename(src, dst)
    os.rename = slow_rename
print("ready", flush=True)  # imported: the test waits for this line from both
while not go.exists():
    time.sleep(0.001)
model = ModelStore(root).resolve(None)
assert model.path == root / "whisper-base", model.path
print("ok")
"""


@pytest.mark.parametrize("window", ["natural", "widen"])
def test_two_processes_assemble_the_default_at_once(tmp_path, window):
    """Two real processes assemble into the same fresh store at once, several rounds: both
    succeed and the model verifies. ``widen`` holds each one's rename back half a second, so
    that both pass the does-it-exist check and the loser's rename meets the winner's folder."""
    for round_ in range(3):
        root, go = tmp_path / f"store{round_}", tmp_path / f"go{round_}"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _RACE_SCRIPT, str(root), str(go), window],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        for proc in procs:  # a handshake, not a guessed sleep: both have imported and wait
            assert proc.stdout.readline() == "ready\n", proc.stderr.read()
        go.touch()
        for proc in procs:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0 and out == "ok\n", err
        store = ModelStore(root)
        assert store.verify("whisper-base") == []
        assert [p.name for p in root.iterdir()] == ["whisper-base"]  # the loser left nothing


# --- 6. property: any metadata gives a ModelInfo or a ModelError, nothing else ------------------

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
