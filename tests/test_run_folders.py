"""Training run folders: checkpoints, the metrics log, the feature cache, ``--pause``,
``--resume`` and ``--run-dir``; and run folders and bases from someone else (issue 21): a resumed
checkpoint, a metrics log or a base model cannot run code, and whatever is wrong with them is one
line naming the file."""

from __future__ import annotations

import json
import os
import pathlib
import pickle
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hsb_whisper.finetune import Run, TrainingPaused, train
from hsb_whisper.finetune.config import recipe_from_dict
from hsb_whisper.finetune.run import RunFolderError, read_metrics

from testsupport.cli_runner import run_cli

pytest.importorskip("peft")


class Payload:
    """What an adversary puts into a pickle: unpickling it touches ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(self.marker),))


def plant(path: Path, marker: Path) -> None:
    with open(path, "wb") as f:
        pickle.dump({"state": Payload(marker)}, f)


def recipe(base: Path, data: dict[str, Path]) -> dict:
    return {
        "name": "classic",
        "base": str(base),
        "language": "cs",
        "training": {
            "batch_size": 4,
            "max_steps": 4,
            "checkpoint_every": 2,
            "eval_every": 2,
            "eval_max_clips": 1,
            "eval_max_new_tokens": 4,
            "learning_rate": 1e-2,
            "warmup_ratio": 0.0,
        },
        "lora": {"r": 4, "alpha": 8, "dropout": 0.05},
        "stages": [
            {
                "name": "hsb",
                "train": str(data["hsb"] / "train.jsonl"),
                "dev": str(data["hsb"] / "dev.jsonl"),
            }
        ],
    }


@pytest.fixture(scope="module")
def paused_run(tiny_whisper, data_dirs, tmp_path_factory) -> Path:
    """A run paused after its checkpoint of step 2 (of 4): what a linguist hands on."""
    run = tmp_path_factory.mktemp("paused") / "run"

    def pause(event) -> None:
        if event.kind == "step" and event.step == 1:
            Run(run).request_pause()

    with pytest.raises(TrainingPaused):
        train(recipe_from_dict(recipe(tiny_whisper, data_dirs)), run, pause)
    return run


@pytest.fixture
def shared(paused_run, tmp_path) -> Path:
    """A copy of the paused run, to tamper with."""
    return Path(shutil.copytree(paused_run, tmp_path / "shared"))


def checkpoint(run: Path) -> Path:
    return run / "stages" / "hsb" / "checkpoints" / "step-000002"


def one_line(err: str) -> str:
    """The one error line (a resume first prints the run folder and its recipe)."""
    lines = [line for line in err.splitlines() if line.startswith("hsb-whisper:")]
    assert len(lines) == 1, err
    assert "unexpected error" not in err and "Traceback" not in err
    return lines[0]


def test_checkpoint_holds_no_pickles(paused_run):
    names = {p.name for p in checkpoint(paused_run).iterdir()}
    assert {"optimizer.safetensors", "scheduler.json", "rng.json", "trainer_state.json"} <= names
    assert not names & {"optimizer.pt", "scheduler.pt", "rng.pt"}


@pytest.mark.parametrize(
    "planted, replaced",
    [
        ("rng.pt", "rng.json"),
        ("optimizer.pt", "optimizer.safetensors"),
        ("scheduler.pt", "scheduler.json"),
    ],
)
def test_a_pickle_payload_in_a_checkpoint_runs_nothing(shared, tmp_path, capsys, planted, replaced):
    """An older checkpoint's pickled file, here carrying a payload, is refused by name."""
    (checkpoint(shared) / replaced).unlink()
    marker = tmp_path / "MARKER"
    plant(checkpoint(shared) / planted, marker)
    result = run_cli(capsys, "finetune", "--resume", shared)
    assert result.code == 1
    assert not marker.exists()
    line = one_line(result.err)
    assert str(checkpoint(shared) / planted) in line and "could run code" in line
    assert "weights_only=False" not in line


def test_an_older_pickled_checkpoint_still_resumes_exactly(
    shared, paused_run, tiny_whisper, data_dirs, tmp_path, capsys
):
    """Checkpoints written before the pickle-free files (optimizer.pt, scheduler.pt, rng.pt)
    resume with torch's restricted loader and end like an uninterrupted run."""
    import torch
    from safetensors.torch import load_file

    from hsb_whisper.finetune.checkpoint import _parse_rng_states

    folder = checkpoint(shared)
    rng = _parse_rng_states(json.loads((folder / "rng.json").read_text()))
    torch.save(rng, folder / "rng.pt")
    groups = [{**g, "betas": tuple(g["betas"])} for g in _optimizer_groups(folder)]
    torch.save({"state": _optimizer_state(folder), "param_groups": groups}, folder / "optimizer.pt")
    torch.save(json.loads((folder / "scheduler.json").read_text()), folder / "scheduler.pt")
    for name in ("rng.json", "optimizer.safetensors", "scheduler.json"):
        (folder / name).unlink()

    result = run_cli(capsys, "finetune", "--resume", shared)
    assert result.code == 0, result.err
    straight = tmp_path / "straight"
    train(recipe_from_dict(recipe(tiny_whisper, data_dirs)), straight)
    a = load_file(shared / "stages" / "hsb" / "last-adapter" / "adapter_model.safetensors")
    b = load_file(straight / "stages" / "hsb" / "last-adapter" / "adapter_model.safetensors")
    assert a.keys() == b.keys()
    assert all((a[k] - b[k]).abs().max() < 1e-6 for k in a)


def _optimizer_state(folder: Path) -> dict:
    from safetensors.torch import load_file

    state: dict = {}
    for key, value in load_file(folder / "optimizer.safetensors").items():
        _, param, name = key.split(".", 2)
        state.setdefault(int(param), {})[name] = value
    return state


def _optimizer_groups(folder: Path) -> list:
    from safetensors import safe_open

    with safe_open(str(folder / "optimizer.safetensors"), framework="pt") as f:
        return json.loads(f.metadata()["param_groups"])


def test_old_random_states_without_a_safe_loader_resume_not_bit_exact(shared, monkeypatch, capsys):
    """On torch before 2.6 an old rng.pt is not read at all (its restricted loader could be made
    to run code): the run resumes, and the log says it is not bit-exact."""
    import importlib

    checkpoint_module = importlib.import_module("hsb_whisper.finetune.checkpoint")
    folder = checkpoint(shared)
    marker = shared.parent / "MARKER"
    plant(folder / "rng.pt", marker)
    (folder / "rng.json").unlink()
    monkeypatch.setattr(checkpoint_module, "_torch_version", lambda: "2.5.1")
    result = run_cli(capsys, "finetune", "--resume", shared)
    assert result.code == 0, result.err
    assert not marker.exists()
    assert "not bit-exact" in (shared / "train.log").read_text()


def test_refused_files_name_themselves_for_any_damage(shared, capsys):
    folder = checkpoint(shared)
    for name, content in (
        ("rng.json", b"{not json"),
        ("scheduler.json", b'{"optimizer": 1}'),
        ("optimizer.safetensors", b"\x00" * 20),
        ("trainer_state.json", b"[]"),
    ):
        original = (folder / name).read_bytes()
        (folder / name).write_bytes(content)
        result = run_cli(capsys, "finetune", "--resume", shared)
        assert result.code == 1
        assert str(folder / name) in one_line(result.err)
        (folder / name).write_bytes(original)


def test_damaged_metrics_of_a_resumed_run_is_one_line(shared, capsys):
    metrics = shared / "metrics.jsonl"
    metrics.write_text(metrics.read_text() + "this is not json\n" + '{"kind": "step"}\n')
    result = run_cli(capsys, "finetune", "--resume", shared)
    assert result.code == 1
    line = one_line(result.err)
    assert f"{metrics}, line" in line and "not JSON" in line


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_in_metrics_are_records_or_our_error(data):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "metrics.jsonl"
        path.write_bytes(data)
        try:
            records = read_metrics(path)
        except RunFolderError as e:
            assert str(path) in str(e)
        else:
            assert all(isinstance(r["step"], int) and isinstance(r["stage"], str) for r in records)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=200).map(lambda b: ("bytes", b)),
        _json.map(lambda v: ("json", v)),
        _json.map(lambda v: ("rng", v)),
    )
)
def test_any_random_states_file_restores_or_is_our_error(tmp_path_factory, case):
    """Arbitrary bytes, arbitrary JSON, or a real rng.json with one part replaced by arbitrary
    JSON: restored, or a RunFolderError naming the file; never another exception."""
    import random

    from hsb_whisper.finetune.checkpoint import _refusing, _restore_rng_states, _rng_states

    kind, value = case
    if kind == "bytes":
        data = value
    elif kind == "json":
        data = json.dumps(value).encode()
    else:
        states = _rng_states()
        part = sorted(states)[random.Random(repr(value)).randrange(len(states))]
        data = json.dumps({**states, part: value}).encode()
    path = Path(tmp_path_factory.getbasetemp()) / "rng.json"
    saved = _rng_states()
    try:
        with _refusing(path):
            _restore_rng_states(json.loads(data))
    except RunFolderError as e:
        assert str(path) in str(e)
    finally:
        _restore_rng_states(saved)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), _json)
def test_any_optimizer_file_loads_or_is_our_error(tmp_path_factory, data, groups):
    import torch

    from hsb_whisper.finetune.checkpoint import _load_optimizer, _refusing, _save_optimizer

    model = torch.nn.Linear(3, 2)
    optimizer = torch.optim.AdamW(model.parameters())
    model(torch.ones(1, 3)).sum().backward()
    optimizer.step()
    path = Path(tmp_path_factory.getbasetemp()) / "optimizer.safetensors"
    for variant in ("bytes", "groups"):
        if variant == "bytes":
            path.write_bytes(data)
        else:
            from safetensors.torch import save_file

            _save_optimizer(optimizer.state_dict(), path)
            from safetensors import safe_open

            with safe_open(str(path), framework="pt") as f:
                metadata, tensors = f.metadata(), {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118
            save_file(tensors, str(path), metadata={**metadata, "param_groups": json.dumps(groups)})
        try:
            with _refusing(path):
                optimizer.load_state_dict(_load_optimizer(path, optimizer))
        except RunFolderError as e:
            assert str(path) in str(e)


@pytest.fixture
def pickled_base(tiny_whisper, tmp_path) -> tuple[Path, Path]:
    """A Hugging Face base whose only weights are a pickle with a payload that touches the
    returned marker file."""
    base = tmp_path / "pickled-base"
    shutil.copytree(tiny_whisper, base)
    for weights in base.glob("model*.safetensors"):
        weights.unlink()
    marker = tmp_path / "MARKER"
    plant(base / "pytorch_model.bin", marker)
    return base, marker


def test_pickle_weights_of_a_base_are_refused(pickled_base, data_dirs, tmp_path, capsys):
    """A Hugging Face base with pytorch_model.bin only: refused before anything is loaded, with
    the command that converts it; the payload in it never runs."""
    base, marker = pickled_base
    (tmp_path / "r.json").write_text(json.dumps(recipe(base, data_dirs)))
    result = run_cli(capsys, "finetune", tmp_path / "r.json", "--run-dir", tmp_path / "run")
    assert result.code == 1
    assert not marker.exists()
    line = one_line(result.err)
    assert "pytorch_model.bin" in line and "convert it to safetensors" in line
    assert "weights_only" not in line
    assert not (tmp_path / "run").exists()  # training had not started: nothing left behind


def test_every_loader_of_a_run_s_base_refuses_pickle_weights(pickled_base, tmp_path):
    """What evaluate and export load from a run folder (the base, a merged stage) goes through
    the same check as training: the payload never runs, whichever torch is installed."""
    from hsb_whisper.errors import ModelError
    from hsb_whisper.evaluation import HFDecoder
    from hsb_whisper.export import merge_adapter

    base, marker = pickled_base
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text("{}")
    for load in (
        lambda: HFDecoder.load(base),
        lambda: merge_adapter(base, adapter, tmp_path / "merged"),
    ):
        with pytest.raises(ModelError, match=r"pytorch_model\.bin"):
            load()
    assert not marker.exists()


@pytest.mark.parametrize("how", ["read-only", "under a file"])
def test_unwritable_feature_cache_is_one_line(paused_run, tmp_path, capsys, monkeypatch, how):
    """The feature cache folder read-only, or under a file (what fails for root too, who may
    write into read-only folders)."""
    from hsb_whisper import paths

    cache = tmp_path / "cache"
    monkeypatch.setattr(paths, "cache_dir", lambda: cache)
    if how == "read-only":
        cache.mkdir()
        cache.chmod(0o500)
        if os.access(cache, os.W_OK):
            pytest.skip("running as root: the folder stays writable")
    else:
        tmp_path.joinpath("file").write_text("")
        cache = tmp_path / "file" / "cache"
    try:
        (tmp_path / "r.json").write_text((paused_run / "recipe.json").read_text())
        result = run_cli(capsys, "finetune", tmp_path / "r.json", "--run-dir", tmp_path / "run")
    finally:
        if cache.is_dir():
            cache.chmod(0o700)
    assert result.code == 1
    line = one_line(result.err)
    assert "feature cache" in line and "HSB_WHISPER_HOME" in line


def test_bad_run_folder_paths_are_one_line(shared, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    long = tmp_path / ("x" * 300)
    for args, expected in (
        (("--pause", long), "File name too long"),
        (("--resume", long), "File name too long"),
        (("--pause", ""), "give the run folder"),
        (("--resume", ""), "give a folder"),
        ((shared / "recipe.json", "--run-dir", long), "File name too long"),
        ((shared / "recipe.json", "--run-dir", ""), "give a folder"),
    ):
        result = run_cli(capsys, "finetune", *args)
        assert result.code == 1, args
        assert expected in one_line(result.err), args
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared"]  # nothing written here


def test_pause_writes_only_into_a_run_folder_of_ours(shared, tmp_path, capsys):
    """A folder with a recipe.json is not yet a run: it needs what training writes next to it
    (and a recipe.json that is a recipe)."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "recipe.json").write_text('{"hello": "world"}')
    result = run_cli(capsys, "finetune", "--pause", other)
    assert result.code == 1 and "not a training run folder" in one_line(result.err)
    shutil.copyfile(shared / "recipe.json", other / "recipe.json")  # a real recipe, no run
    result = run_cli(capsys, "finetune", "--pause", other)
    assert result.code == 1 and "not a training run folder" in one_line(result.err)
    assert not (other / "PAUSE").exists()
    result = run_cli(capsys, "finetune", "--pause", shared)
    assert result.code == 0 and (shared / "PAUSE").exists()
