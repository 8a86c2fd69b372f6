"""Training mechanics on a tiny random Whisper: the two-stage recipe end to end, merging,
kill-and-resume, bad input, and evaluation of the results."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hsb_whisper import paths
from hsb_whisper.finetune import Run, TrainingError, train
from hsb_whisper.finetune.config import load_recipe, recipe_from_dict

from testsupport.cli_runner import run_cli

TRAINING = {
    "batch_size": 4,
    "max_steps": 4,
    "checkpoint_every": 2,
    "eval_every": 2,
    "eval_max_clips": 2,
    "eval_max_new_tokens": 6,
    "learning_rate": 1e-2,
    "warmup_ratio": 0.0,
}


def two_stage(base: Path, data: dict[str, Path], **training) -> dict:
    return {
        "name": "two-stage",
        "base": str(base),
        "language": "cs",
        "training": {**TRAINING, **training},
        "lora": {"r": 4, "alpha": 8, "dropout": 0.0},
        "stages": [
            {
                "name": "czech",
                "train": str(data["cs"] / "train.jsonl"),
                "dev": str(data["cs"] / "dev.jsonl"),
                "merge": True,
            },
            {
                "name": "hsb",
                "train": str(data["hsb"] / "train.jsonl"),
                "dev": str(data["hsb"] / "dev.jsonl"),
            },
        ],
    }


def state_dict(folder: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(folder / "model.safetensors")


@pytest.fixture(scope="module")
def two_stage_run(tiny_whisper, data_dirs, tmp_path_factory):
    pytest.importorskip("peft")
    run = tmp_path_factory.mktemp("runs") / "two-stage"
    events = []
    result = train(
        recipe_from_dict(two_stage(tiny_whisper, data_dirs)), run, on_event=events.append
    )
    return run, result, events


def test_two_stage_runs_end_to_end(two_stage_run):
    run, result, events = two_stage_run
    assert result.language == "cs"
    assert result.base == run / "stages" / "czech" / "merged"
    assert result.best_adapter == run / "stages" / "hsb" / "adapter"
    assert result.last_adapter == run / "stages" / "hsb" / "last-adapter"
    assert 0 <= result.best_dev_wer <= result.last_dev_wer
    assert Run(run).result() == result  # result.json holds exactly what train() returned
    saved = json.loads((run / "result.json").read_text())
    assert saved["adapter"] == str(result.best_adapter) and saved["default_adapter"] == "best"
    for stage in ("czech", "hsb"):
        assert (run / "stages" / stage / "adapter" / "adapter_model.safetensors").is_file()
        last = run / "stages" / stage / "last-adapter" / "adapter_model.safetensors"
        assert last.is_file()
        assert (run / "plots" / f"{stage}-loss.png").is_file()
        assert (run / "plots" / f"{stage}-dev-wer.png").is_file()
        checkpoints = sorted(p.name for p in (run / "stages" / stage / "checkpoints").iterdir())
        assert checkpoints == ["step-000002", "step-000004"]
    assert json.loads((run / "recipe.json").read_text())["stages"][1]["name"] == "hsb"
    metrics = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    steps = [(m["stage"], m["step"]) for m in metrics if m["kind"] == "step"]
    assert steps == [("czech", i) for i in range(1, 5)] + [("hsb", i) for i in range(1, 5)]
    assert all(m["loss"] > 0 and m["samples_per_s"] > 0 for m in metrics if m["kind"] == "step")
    assert [m["step"] for m in metrics if m["kind"] == "eval"] == [2, 4, 2, 4]
    kinds = [e.kind for e in events]
    assert kinds.index("merge") < kinds.index("done") and kinds[-1] == "done"
    assert any(e.kind == "step" and e.eta_s is not None for e in events)


def test_merged_base_differs_exactly_in_lora_targets(two_stage_run, tiny_whisper):
    run, _, _ = two_stage_run
    before = state_dict(tiny_whisper)
    after = state_dict(run / "stages" / "czech" / "merged")
    assert before.keys() == after.keys()
    changed = {k for k in before if not (before[k] == after[k]).all()}
    targets = {k for k in before if k.endswith(("q_proj.weight", "v_proj.weight"))}
    assert changed == targets
    assert not any("lora" in k for k in after)


def test_merge_does_not_change_outputs(two_stage_run):
    import torch
    from peft import PeftModel
    from transformers import WhisperForConditionalGeneration

    run, _, _ = two_stage_run
    base = WhisperForConditionalGeneration.from_pretrained(run / "stages" / "czech" / "merged")
    adapter = run / "stages" / "hsb" / "adapter"
    with_adapter = PeftModel.from_pretrained(base, adapter).eval()
    torch.manual_seed(1)
    features = torch.randn(2, 80, 3000)
    decoder_ids = torch.tensor([[50258, 50283, 50359, 50363, 400, 500]] * 2)
    with torch.no_grad():
        expected = with_adapter(input_features=features, decoder_input_ids=decoder_ids).logits
        merged = with_adapter.merge_and_unload()
        assert not any("lora" in name for name, _ in merged.named_modules())
        got = merged(input_features=features, decoder_input_ids=decoder_ids).logits
    assert torch.allclose(expected, got, atol=1e-4)


def test_kill_and_resume_ends_like_an_uninterrupted_run(tiny_whisper, data_dirs, tmp_path):
    recipe = two_stage(tiny_whisper, data_dirs, max_steps=6, eval_every=3)
    recipe["stages"] = recipe["stages"][1:]  # one stage is enough here
    (tmp_path / "r.json").write_text(json.dumps(recipe))
    run = tmp_path / "killed"
    script = textwrap.dedent(
        f"""
        import os, signal
        from hsb_whisper.finetune.config import load_recipe
        from hsb_whisper.finetune.train import train

        def kill_after_step_4(event):
            if event.kind == "checkpoint" and event.step == 4:
                os.kill(os.getpid(), signal.SIGKILL)  # no clean-up at all

        train(load_recipe({str(tmp_path / "r.json")!r}), {str(run)!r}, kill_after_step_4)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert not (run / "result.json").exists()

    result = run_cli_resume(run)
    assert result == 0
    state = json.loads(
        (run / "stages" / "hsb" / "checkpoints" / "step-000006" / "trainer_state.json").read_text()
    )
    assert state["step"] == 6
    steps = [
        json.loads(line)["step"]
        for line in (run / "metrics.jsonl").read_text().splitlines()
        if json.loads(line)["kind"] == "step"
    ]
    assert steps == [1, 2, 3, 4, 5, 6]  # what the killed run did after step 4 is not kept twice

    straight = tmp_path / "straight"
    train(load_recipe(tmp_path / "r.json"), straight)
    from safetensors.torch import load_file

    a = load_file(
        run
        / "stages"
        / "hsb"
        / "checkpoints"
        / "step-000006"
        / "adapter"
        / "adapter_model.safetensors"
    )
    b = load_file(
        straight
        / "stages"
        / "hsb"
        / "checkpoints"
        / "step-000006"
        / "adapter"
        / "adapter_model.safetensors"
    )
    assert a.keys() == b.keys()
    assert all((a[k] - b[k]).abs().max() < 1e-6 for k in a)


def run_cli_resume(run: Path) -> int:
    from hsb_whisper.cli import main

    return main(["finetune", "--resume", str(run)])


def test_manifest_with_rejects_is_refused(tiny_whisper, data_dirs, cv_release, tmp_path):
    bad = tmp_path / "bad.jsonl"
    clips = cv_release / "hsb" / "clips"
    bad.write_text(
        json.dumps({"audio": str(clips / "common_voice_hsb_1.mp3"), "text": "Dobry dźeń."})
        + "\n"
        + json.dumps({"audio": str(clips / "common_voice_hsb_902.mp3"), "text": "x"})
        + "\n",
        encoding="utf-8",
    )
    recipe = two_stage(tiny_whisper, data_dirs)
    dev = str(data_dirs["hsb"] / "dev.jsonl")
    recipe["stages"] = [{"name": "hsb", "train": str(bad), "dev": dev}]
    with pytest.raises(
        TrainingError,
        match=r"bad.jsonl: 1 clip\(s\) failed the data checks .*"
        r"truncated_audio.*hsb-whisper data check",
    ):
        train(recipe_from_dict(recipe), tmp_path / "run")


def test_evaluate_and_compare_runs(capsys, two_stage_run, data_dirs, tmp_path, default_model):
    run, _, _ = two_stage_run
    dev = data_dirs["hsb"] / "dev.jsonl"
    for model, name in ((run, "two-stage"), ("whisper-base", "base")):
        result = run_cli(
            capsys,
            "evaluate",
            model,
            "--manifest",
            dev,
            "--out",
            tmp_path / name,
            "--name",
            name,
            "--max-clips",
            "2",
            "-q",
        )
        assert result.code == 0, result.err
        assert (tmp_path / name / "utterances.csv").is_file()
        assert f"{name}: WER " in result.out
        assert "faster-whisper (int8)" in result.out  # the run too: merged and converted
        meta = json.loads((tmp_path / name / "summary.json").read_text())["meta"]
        assert (meta["engine"], meta["precision"]) == ("faster-whisper", "int8")
    result = run_cli(
        capsys, "compare", tmp_path / "base", tmp_path / "two-stage", "--out", tmp_path / "cmp"
    )
    assert result.code == 0, result.err
    report = (tmp_path / "cmp" / "report.md").read_text(encoding="utf-8")
    assert "two-stage" in report and "base" in report
    assert "Every model was decoded by faster-whisper (int8)." in report

    # the same run decoded by transformers in float32: the report warns of the mix
    args = ["--manifest", dev, "--max-clips", "2", "-q", "--engine", "transformers"]
    result = run_cli(capsys, "evaluate", run, "--out", tmp_path / "hf", "--name", "hf", *args)
    assert result.code == 0 and "transformers (float32)" in result.out, result.err
    result = run_cli(
        capsys, "compare", tmp_path / "hf", tmp_path / "two-stage", "--out", tmp_path / "mix"
    )
    report = (tmp_path / "mix" / "report.md").read_text(encoding="utf-8")
    assert "decoded by different engines or precisions (faster-whisper (int8), " in report
    assert "transformers (float32))" in report


def test_base_resolution(tiny_whisper, default_model, tmp_path, monkeypatch):
    from hsb_whisper.errors import ModelError
    from hsb_whisper.export.hf import hf_base_folder, is_hf_whisper

    assert hf_base_folder(str(tiny_whisper), tmp_path) == tiny_whisper  # used as it is
    converted = hf_base_folder("whisper-base", tmp_path)  # store name → converted once
    assert converted == tmp_path / "whisper-base-hf" and is_hf_whisper(converted)
    mtime = (converted / "model.safetensors").stat().st_mtime_ns
    assert hf_base_folder(str(default_model.path), tmp_path) == converted
    assert (converted / "model.safetensors").stat().st_mtime_ns == mtime
    import socket

    import huggingface_hub

    from hsb_whisper import offline

    from testsupport.fake_hub import FakeHub

    def not_cached(repo_id, **kwargs):  # the Hugging Face cache holds nothing
        raise huggingface_hub.errors.LocalEntryNotFoundError(f"{repo_id}: not cached")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", not_cached)
    monkeypatch.setattr(offline, "_USER_OFFLINE", False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with socket.socket() as s:  # a port nobody listens on: offline
        s.bind(("127.0.0.1", 0))
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{s.getsockname()[1]}")
    with pytest.raises(
        ModelError,
        match=r"base 'whisper-small' \(openai/whisper-small\) is not here and could not be "
        r"downloaded: .* 'hsb-whisper finetune classic --set base=whisper-base'",
    ):
        hf_base_folder("whisper-small", tmp_path)  # the recipes' base, offline
    assert not [
        p
        for p in (paths.cache_dir() / "bases").glob("*")
        if p.is_dir() and any(f.is_file() for f in p.iterdir())
    ]  # no half-downloaded base folder left

    files = {f.name: f.read_bytes() for f in tiny_whisper.iterdir() if f.is_file()}
    with FakeHub({"openai/whisper-small": files}) as hub:  # the downloader of models get
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        got = hf_base_folder("whisper-small", tmp_path)
        assert got == paths.cache_dir() / "bases" / "openai--whisper-small" and is_hf_whisper(got)
        requests = len(hub.log)
        assert hf_base_folder("openai/whisper-small", tmp_path) == got  # downloaded once
        assert len(hub.log) == requests  # shared: no request the second time
    assert (got / "model.safetensors").read_bytes() == files["model.safetensors"]
    with pytest.raises(ModelError, match=r"base 'no such thing' is neither a model in the store"):
        hf_base_folder("no such thing", tmp_path)


def test_several_processes_without_a_distributed_backend_are_refused(tiny_run, monkeypatch):
    # what torchrun --nproc_per_node 2 does on a machine without GPUs: two independent processes
    monkeypatch.setenv("WORLD_SIZE", "2")
    recipe = load_recipe(tiny_run / "recipe.json")
    with pytest.raises(TrainingError, match=r"started as 2 processes, but they do not form one"):
        train(recipe, tiny_run)


def test_checkpoint_random_states_round_trip():
    import random

    import numpy as np

    torch = pytest.importorskip("torch")
    from hsb_whisper.finetune.checkpoint import _restore_rng_states, _rng_states

    random.seed(1), np.random.seed(2), torch.manual_seed(3)
    states = _rng_states()
    assert set(states) >= {"python", "numpy", "torch"}  # and "cuda" where there are GPUs

    def draws():
        return random.random(), float(np.random.rand()), float(torch.rand(1))

    expected = draws()
    draws()  # the generators move on…
    _restore_rng_states(states)
    assert draws() == expected  # …and a resumed run continues where the checkpoint was


def test_python_dash_m_is_the_command():
    proc = subprocess.run(
        [sys.executable, "-m", "hsb_whisper", "finetune", "--list"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert "classic" in proc.stdout and "two-stage" in proc.stdout


def test_pause_stops_after_the_next_checkpoint_and_resume_ends_like_an_uninterrupted_run(
    tiny_whisper, data_dirs, tmp_path, capsys, monkeypatch
):
    """`finetune --pause RUN` (here asked at step 2, between checkpoints every 2 steps) stops the
    run after the checkpoint of step 2 with exit code 3; `--resume` finishes it with the very
    adapter an uninterrupted run makes."""
    import importlib

    from safetensors.torch import load_file

    # the module (the package's attribute of that name is the function train)
    train_module = importlib.import_module("hsb_whisper.finetune.train")

    recipe = two_stage(tiny_whisper, data_dirs, max_steps=4, eval_every=2, checkpoint_every=2)
    recipe["stages"] = recipe["stages"][1:]
    recipe["lora"]["dropout"] = 0.05  # as the shipped recipes: the masks must match too
    (tmp_path / "r.json").write_text(json.dumps(recipe))
    run = tmp_path / "paused"
    real_emitter = train_module._Emitter

    class PauseAtStep2(real_emitter):
        def __call__(self, event):
            super().__call__(event)
            if event.kind == "step" and event.step == 1:  # asked mid-way to a checkpoint
                result = run_cli(capsys, "finetune", "--pause", run)
                assert result.code == 0 and "will pause after its next checkpoint" in result.out

    monkeypatch.setattr(train_module, "_Emitter", PauseAtStep2)
    result = run_cli(capsys, "finetune", tmp_path / "r.json", "--run-dir", run)
    assert result.code == 3, result.err
    assert (
        f"paused after step 2 of 4 (hsb); continue with: hsb-whisper finetune --resume {run}"
        in (result.err)
    )
    records = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert (records[-1]["kind"], records[-1]["step"]) == ("checkpoint", 2)  # nothing after it
    assert not (run / "result.json").exists() and Run(run).pause_file.exists()
    monkeypatch.setattr(train_module, "_Emitter", real_emitter)

    result = run_cli(capsys, "finetune", "--resume", run)
    assert result.code == 0, result.err
    assert not Run(run).pause_file.exists()  # the old request did not stop the resumed run
    straight = tmp_path / "straight"
    train(load_recipe(tmp_path / "r.json"), straight)
    a = load_file(run / "stages" / "hsb" / "last-adapter" / "adapter_model.safetensors")
    b = load_file(straight / "stages" / "hsb" / "last-adapter" / "adapter_model.safetensors")
    assert a.keys() == b.keys()
    assert all((a[k] - b[k]).abs().max() < 1e-6 for k in a)


def test_pause_of_a_folder_that_is_no_run_or_has_finished_is_one_line(tiny_run, tmp_path, capsys):
    result = run_cli(capsys, "finetune", "--pause", tmp_path)
    assert result.code == 1 and "not a training run folder" in result.err
    result = run_cli(capsys, "finetune", "--pause", tiny_run)
    assert result.code == 1 and "this run has finished" in result.err
    assert not Run(tiny_run).pause_file.exists()
