"""Getting an Upper Sorbian model in every install: the shipped catalogue validates, ``models get``
lists it with what each model costs here, and importing a Hugging Face Whisper needs neither torch
nor transformers (the transcriber installer converts too)."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hsb_whisper.errors import ModelError, OptionError
from hsb_whisper.export.catalogue import (
    CATALOGUE_FILE,
    FIELDS,
    KNOWN_LICENCES,
    entry_problem,
    expected_speed,
    find,
    load_catalogue,
)
from hsb_whisper.export.model_import import whisper_tokens

from testsupport import child_env
from testsupport.cli_runner import one_error_line, run_cli
from testsupport.random_whisper import random_tensors, whisper_config, write_safetensors

TINY = whisper_config(16, 1, 2, 32)


def tiny_hf_whisper(out: Path, tokenizer: Path, dtype: str = "F32") -> Path:
    """A Hugging Face Whisper folder written with numpy (random weights, the default model's
    tokenizer), as a community repository holds it."""
    out.mkdir(parents=True)
    (out / "config.json").write_text(json.dumps(TINY))
    shutil.copy(tokenizer, out / "tokenizer.json")
    (out / "preprocessor_config.json").write_text(json.dumps({"feature_size": 80}))
    write_safetensors(out / "model.safetensors", random_tensors(TINY, dtype))
    return out


# --- the catalogue ------------------------------------------------------------------------------


def test_the_shipped_catalogue_validates():
    raw = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))["models"]
    entries = load_catalogue()
    assert len(entries) == len(raw) >= 5
    for item in raw:
        assert set(item) == set(FIELDS), item["name"]
        assert entry_problem(item) is None
    for entry in entries:
        assert entry.license in KNOWN_LICENCES
        assert entry.language in whisper_tokens() and entry.language in ("cs", "de", "pl")
        assert entry.sources and all(s.startswith("https://") for s in entry.sources)
        assert entry.download_bytes > entry.disk_bytes("int8") > entry.parameters
    names = [e.name for e in entries]
    assert len(set(names)) == len(names)
    assert len({e.hub_id for e in entries}) == len(entries)
    sizes = [e.parameters for e in entries]
    assert sizes == sorted(sizes)  # smallest first: what a laptop should try first
    translate = [e for e in entries if e.task == "translate"]
    assert all(e.language == "de" for e in translate)  # German text, as the card says
    assert any(e.copyleft for e in entries)  # the AGPL model is flagged


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"license": "wtfpl"}, "license"),
        ({"language": "hsb"}, "language"),
        ({"hub_id": "no-owner"}, "hub_id"),
        ({"hub_id": "../x/y"}, "hub_id"),
        ({"revision": "main"}, "revision"),
        ({"name": "../escape"}, "store name"),
        ({"name": "whisper-base"}, "store name"),
        ({"parameters": "244M"}, "parameters"),
        ({"reported_wer": 130}, "reported_wer"),
        ({"sources": ["http://plain"]}, "sources"),
        ({"task": "summarise"}, "task"),
        ({"weights": "int4"}, "weights"),
        ({"surprise": 1}, "unknown fields"),
    ],
)
def test_a_bad_entry_is_named(change, problem):
    item = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))["models"][0]
    assert problem in entry_problem({**item, **change})
    missing = dict(item)
    del missing["license"]
    assert "missing license" in entry_problem(missing)


def test_a_damaged_catalogue_is_one_line(tmp_path, monkeypatch):
    bad = tmp_path / "hsb-models.json"
    bad.write_text('{"models": [{"name": "x"}]}')
    with pytest.raises(ModelError, match=r"hsb-models\.json: x: missing"):
        load_catalogue(bad)
    bad.write_text("not json")
    with pytest.raises(ModelError, match="cannot be read"):
        load_catalogue(bad)


def test_find_by_name_or_hub_id_and_unknown_names():
    first = load_catalogue()[0]
    assert find(first.name) == find(first.hub_id) == first
    with pytest.raises(OptionError, match="not in the catalogue; choose one of"):
        find("no-such-model")


def test_expected_speed_scales_the_measured_default():
    small, large = load_catalogue()[0], load_catalogue()[-1]
    rtf_small, words_small = expected_speed(small, 0.2)
    rtf_large, words_large = expected_speed(large, 0.2)
    assert rtf_small == pytest.approx(0.2 * small.parameters / 74e6)
    assert rtf_large > rtf_small and words_large != words_small
    assert expected_speed(small, None)[0] is None  # nothing measured: a class from the size


def test_models_get_lists_the_catalogue_with_costs(capsys, default_model):
    result = run_cli(capsys, "models", "get")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].split()[:4] == ["NAME", "BASE", "DOWNLOAD", "DISK"]
    for entry in load_catalogue():
        row = next(line for line in lines if line.startswith(entry.name + " "))
        assert "GB" in row or "MB" in row
        assert "x)" in row  # a speed measured here: "(~0.8x)"
        if entry.copyleft:
            assert entry.license.upper() in row
    assert "cannot be compared" in result.out
    assert "hsb-whisper models get NAME" in result.out


def test_models_get_of_an_unknown_name_is_one_line(capsys):
    result = run_cli(capsys, "models", "get", "nope")
    assert result.code == 1
    assert result.err.count("\n") == 1 and "not in the catalogue" in result.err


# --- importing without torch --------------------------------------------------------------------


def test_import_needs_neither_torch_nor_transformers(default_model, tmp_path):
    """A child process in which torch, transformers and safetensors cannot be imported imports a
    Hugging Face Whisper folder: staged, converted, verified with faster-whisper, installed."""
    src = tiny_hf_whisper(tmp_path / "tiny", default_model.path / "tokenizer.json", "F16")
    code = f"""
import json, sys
blocked = ("torch", "transformers", "safetensors", "peft", "ml_dtypes")
for name in blocked:
    sys.modules[name] = None  # import raises ImportError
from pathlib import Path
from hsb_whisper.export import ModelStore, import_model
store = ModelStore(Path({str(tmp_path / "store")!r}))
folder, info = import_model({str(src)!r}, name="tiny-hsb", language="cs", store=store)
loaded = [m for m in blocked if sys.modules.get(m) is not None]
print(json.dumps({{"loaded": loaded, "language": info.language, "folder": str(folder)}}))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=child_env(), timeout=180
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["loaded"] == [] and result["language"] == "cs"
    installed = Path(result["folder"])
    assert (installed / "model.bin").is_file() and (installed / "hsb-whisper-model.json").is_file()


def test_the_cli_import_works_where_torch_is_missing(capsys, default_model, tmp_path, monkeypatch):
    """No "needs torch" refusal any more: the transcription-only install imports."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a, **k: None if name in ("torch", "peft") else real(name, *a, **k),
    )
    src = tiny_hf_whisper(tmp_path / "tiny", default_model.path / "tokenizer.json")
    result = run_cli(capsys, "models", "import", src, "--name", "tiny-no-torch", "-l", "pl")
    try:
        assert result.code == 0, result.err
        assert "imported tiny-no-torch (language token pl" in result.out
    finally:
        run_cli(capsys, "models", "remove", "tiny-no-torch")


# --- models get NAME: against a local fake Hub --------------------------------------------------

HUB_ID = "sorbian/whisper-tiny-hsb"
BASE_ID = "openai/whisper-tiny"


@pytest.fixture
def hub_model(default_model, tmp_path, monkeypatch):
    """A catalogue of one model (a tiny random Whisper on a fake Hub, without the tokenizer and
    feature-extractor files, which come from its base, as several community repositories) and
    the fake Hub's repositories; HF_ENDPOINT is set when the hub starts."""
    import sys

    import huggingface_hub.constants

    from hsb_whisper import offline

    catalogue_module = sys.modules["hsb_whisper.export.catalogue"]

    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(offline, "_USER_OFFLINE", False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    folder = tiny_hf_whisper(tmp_path / "repo", default_model.path / "tokenizer.json")
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    model = {
        n: d for n, d in files.items() if n not in ("tokenizer.json", "preprocessor_config.json")
    }
    model["README.md"] = b"---\nlicense: agpl-3.0\n---\n# tiny\n"
    base = {**files, "model.safetensors": b"the base's weights: never fetched"}
    item = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))["models"][0]
    entry = {
        **item, "name": "tiny-hsb", "hub_id": HUB_ID, "revision": None, "base": BASE_ID,
        "parameters": 39_000_000, "license": "agpl-3.0", "language": "pl",
    }  # fmt: skip
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps({"models": [entry]}))
    monkeypatch.setattr(catalogue_module, "CATALOGUE_FILE", path)
    return {HUB_ID: model, BASE_ID: base}


@pytest.fixture
def fake_hub(hub_model, monkeypatch):
    from testsupport.fake_hub import FakeHub

    @contextlib.contextmanager
    def start(**knobs):
        with FakeHub(hub_model, **knobs) as hub:
            monkeypatch.setenv("HF_ENDPOINT", hub.url)
            yield hub

    return start


def test_models_get_downloads_converts_verifies_and_installs(capsys, store, fake_hub):
    from hsb_whisper.export.catalogue import download_dir

    with fake_hub() as hub:
        result = run_cli(capsys, "models", "get", "tiny-hsb", "--default")
    assert result.code == 0, result.err
    out = result.out
    assert out.index("copyleft licence AGPL-3.0") < out.index("installed tiny-hsb")  # before
    assert "installed tiny-hsb (language token pl, int8" in out and "default model: tiny-hsb" in out
    model = store.resolve("tiny-hsb")
    assert store.default_name == "tiny-hsb"
    assert model.info.source == f"https://huggingface.co/{HUB_ID} (revision {hub.commits[HUB_ID]})"
    assert model.info.license == "agpl-3.0" and model.info.base == BASE_ID
    assert model.info.copyleft_licence == "AGPL-3.0"
    assert (model.path / "tokenizer.json").read_bytes() == hub.repos[BASE_ID]["tokenizer.json"]
    fetched = [r.path for r in hub.log if r.method == "GET" and "/resolve/" in r.path]
    assert not any(BASE_ID in p and p.endswith(".safetensors") for p in fetched)
    assert not download_dir(find("tiny-hsb")).exists()  # the download is removed
    info = run_cli(capsys, "models", "info", "tiny-hsb")
    assert '"license": "agpl-3.0"' in info.out and "copyleft: AGPL-3.0" in info.out
    again = run_cli(capsys, "models", "get", "tiny-hsb")
    assert again.code == 1 and "installed already" in again.err


def test_an_interrupted_get_continues_where_it_stopped(store, fake_hub):
    from hsb_whisper.export import DownloadCancelled, get_model

    seen = []

    def cancel_once_some_arrived() -> bool:
        return bool(seen) and seen[-1] > 300_000

    with fake_hub() as hub:
        with pytest.raises(DownloadCancelled):
            get_model(
                "tiny-hsb",
                store=store,
                progress=lambda phase, done, total: seen.append(done),
                cancelled=cancel_once_some_arrived,
            )
        assert "tiny-hsb" not in store.names()
        model = get_model("tiny-hsb", store=store)
    ranges = [
        r.range for r in hub.log if r.method == "GET" and r.path.endswith("model.safetensors")
    ]
    assert any(r and r.startswith("bytes=") and not r.startswith("bytes=0-") for r in ranges)
    assert model.name == "tiny-hsb" and model.info.language == "pl"


def test_a_file_that_does_not_match_its_hash_installs_nothing(capsys, store, fake_hub):
    with fake_hub(corrupt={"model.safetensors"}):
        result = run_cli(capsys, "models", "get", "tiny-hsb")
    assert result.code == 1
    line = one_error_line(result.err, "does not match")
    assert "model.safetensors" in line and "nothing was installed" in line
    assert "tiny-hsb" not in store.names()
    assert not [p for p in store.root.iterdir() if p.name.startswith(".")]  # no staging left


def test_offline_is_one_line_saying_how_else(capsys, store, hub_model, monkeypatch):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    result = run_cli(capsys, "models", "get", "tiny-hsb")
    assert result.code == 1
    line = one_error_line(result.err, "needs the network once")
    assert "models import FOLDER" in line and "models install PACK.zip" in line
    assert "tiny-hsb" not in store.names()
