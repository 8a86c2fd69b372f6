"""The app's training job: ``hsb-whisper finetune`` in a child process of its own, followed through
its run folder and exit code. Real processes, training a tiny random Whisper."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hsb_whisper.desktop import TrainingJob, latest_unfinished
from hsb_whisper.desktop.training_job import EXIT_PAUSED, _MetricsReader, command_line
from hsb_whisper.finetune import Event

from testsupport.cli_runner import run_cli

POSIX = sys.platform != "win32"
LONG = 100_000  # steps: a run that is still going when the test stops it


def classic(tiny_whisper: Path, data_dirs: dict[str, Path], **training) -> list[str]:
    """``--set`` overrides of the classic recipe: the tiny Whisper on the hsb fixture data."""
    hsb = data_dirs["hsb"]
    training = {
        "max_steps": 2,
        "batch_size": 4,
        "eval_max_clips": 1,
        "eval_max_new_tokens": 4,
        "learning_rate": 1e-2,
        **training,
    }
    return [
        f"base={tiny_whisper}",
        f"stages.hsb.train={hsb / 'train.jsonl'}",
        f"stages.hsb.dev={hsb / 'dev.jsonl'}",
        "lora.r=4",
        "lora.alpha=8",  # and the recipes' dropout 0.05: a resumed run must match it too
        *(f"training.{key}={value}" for key, value in training.items()),
    ]


def follow(job: TrainingJob, until=lambda events: False, timeout: float = 120) -> list[Event]:
    """The job's events until ``until(events)`` holds or the job ends (then all of them)."""
    events: list[Event] = []
    deadline = time.monotonic() + timeout
    while True:
        state = job.wait(0.05)  # the tick: returns as soon as the child ends
        events += job.poll()
        if until(events) or state != "running":
            return events
        assert time.monotonic() < deadline, f"still running after {timeout} s: {job.output}"


def first_step(events: list[Event]) -> bool:
    return any(e.kind == "step" for e in events)


def adapter(run: Path, which: str = "last-adapter") -> dict:
    from safetensors.torch import load_file

    return load_file(run / "stages" / "hsb" / which / "adapter_model.safetensors")


@pytest.fixture(scope="module")
def finished(tiny_whisper, data_dirs, tmp_path_factory) -> tuple[Path, list[Event], TrainingJob]:
    """A 4-step classic run with a checkpoint each step, its events and its job."""
    pytest.importorskip("peft")
    run = tmp_path_factory.mktemp("job") / "straight"
    overrides = classic(tiny_whisper, data_dirs, max_steps=4, checkpoint_every=1)
    job = TrainingJob.start(run, "classic", overrides)
    return run, follow(job), job


# ---- a run, from start to end --------------------------------------------------------------


@pytest.mark.slow
def test_a_run_finishes_with_its_events(finished):
    run, events, job = finished
    assert job.state == "finished", job.output
    assert job.error is None
    assert (run / "result.json").is_file()
    steps = [e for e in events if e.kind == "step"]
    assert [e.step for e in steps] == [1, 2, 3, 4]
    assert all(e.stage == "hsb" and e.total_steps == 4 for e in steps)
    assert all(isinstance(e.loss, float) and e.loss > 0 for e in steps)
    assert [e.step for e in events if e.kind == "checkpoint"] == [1, 2, 3, 4]
    done = events[-1]
    assert done.kind == "done" and done.stage == "hsb"
    assert done.dev_wer == json.loads((run / "result.json").read_text())["best_dev_wer"]
    assert [e.kind for e in events].count("done") == 1
    assert job.poll() == []  # nothing twice
    assert job.log_path == run / "train.log"
    assert any(line.startswith("adapter: ") for line in job.output)  # stdout is kept too


@pytest.mark.slow
def test_pause_and_resume_end_like_an_uninterrupted_run(
    finished, tiny_whisper, data_dirs, tmp_path
):
    import torch

    straight = finished[0]
    run = tmp_path / "paused"
    job = TrainingJob.start(
        run, "classic", classic(tiny_whisper, data_dirs, max_steps=4, checkpoint_every=1)
    )
    job.pause()  # before training started: it stops after its first checkpoint
    before = follow(job)
    assert job.state == "paused", job.output
    assert job.error is None
    assert before[-1].kind == "paused" and before[-1].stage == "hsb"
    paused_at = before[-1].step
    assert 1 <= paused_at < 4
    assert [e.step for e in before if e.kind == "step"] == list(range(1, paused_at + 1))
    assert not (run / "result.json").exists()
    assert latest_unfinished(tmp_path) == [run]

    resumed = TrainingJob.start(run)
    after = follow(resumed)
    assert resumed.state == "finished", resumed.output
    # a new job reads the run's whole history first
    assert [e.step for e in after if e.kind == "step"] == [1, 2, 3, 4]
    assert after[-1].kind == "done"
    assert latest_unfinished(tmp_path) == []
    for which in ("adapter", "last-adapter"):
        a, b = adapter(run, which), adapter(straight, which)
        assert a.keys() == b.keys()
        assert all(torch.equal(a[k], b[k]) for k in a), which


# ---- runs that end otherwise ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not POSIX, reason="signals")
def test_a_killed_child_is_a_failed_job(tiny_whisper, data_dirs, tmp_path):
    pytest.importorskip("peft")
    run = tmp_path / "runs" / "killed"
    job = TrainingJob.start(run, "classic", classic(tiny_whisper, data_dirs, max_steps=LONG))
    follow(job, until=first_step)
    os.kill(job.pid, signal.SIGKILL)  # what the out-of-memory killer does
    assert job.wait(30) == "failed"
    assert job.error == (
        "the training process was killed by signal SIGKILL (the system may have run out of memory)"
    )
    assert job.log_path == run / "train.log" and job.log_path.is_file()
    assert latest_unfinished(run.parent) == [run]  # the app offers to resume it


def test_a_refused_recipe_is_a_failed_job_with_the_commands_message(data_dirs, tmp_path):
    run = tmp_path / "runs" / "bad"
    missing = tmp_path / "missing.jsonl"
    job = TrainingJob.start(run, "classic", [f"stages.hsb.train={missing}"])
    assert job.wait(60) == "failed"
    assert job.error == (
        f"{missing}: no such manifest (stages.hsb.train); make it with 'hsb-whisper data "
        "import-cv' (or import-folder), or give another with --set stages.hsb.train=PATH"
    )
    assert job.poll() == []
    assert not run.parent.exists()  # the command made nothing: a fixed recipe can go there
    assert job.log_path.name == "hsb-whisper.log"  # no run log: the command's


def test_a_usage_error_is_a_failed_job(tmp_path):
    job = TrainingJob.start(tmp_path / "run", "classic", ["no-equals-sign"])
    assert job.wait(60) == "failed"
    assert "no-equals-sign" in job.error, job.output
    with pytest.raises(ValueError, match="no overrides"):
        TrainingJob.start(tmp_path / "run", None, ["training.max_steps=2"])


@pytest.mark.slow
def test_cancel_stops_the_process_group_and_keeps_the_run(tiny_whisper, data_dirs, tmp_path):
    pytest.importorskip("peft")
    run = tmp_path / "runs" / "cancelled"
    job = TrainingJob.start(run, "classic", classic(tiny_whisper, data_dirs, max_steps=LONG))
    events = follow(job, until=first_step)
    job.cancel(timeout=10)
    assert job.state == "cancelled"
    assert job.error is None
    assert job.wait(0) == "cancelled"
    with pytest.raises(ProcessLookupError):  # reaped, not a zombie
        os.kill(job.pid, 0)
    if POSIX:
        with pytest.raises(ProcessLookupError):  # nothing left in its process group
            os.killpg(job.pid, 0)
    assert latest_unfinished(run.parent) == [run]  # resumable
    job.cancel()  # again: nothing happens
    assert job.state == "cancelled"
    assert events[0].kind == "step"


# ---- pieces --------------------------------------------------------------------------------


def test_command_line(monkeypatch):
    assert command_line() == [sys.executable, "-m", "hsb_whisper"]
    version = subprocess.run([*command_line(), "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("hsb-whisper ")
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # the installer's executable
    assert command_line() == [sys.executable]


def test_exit_code_of_a_pause_is_the_commands():
    from hsb_whisper.cli.finetune import EXIT_PAUSED as COMMANDS

    assert EXIT_PAUSED == COMMANDS


def test_latest_unfinished(tmp_path):
    def run(name: str, age_s: float, finished: bool = False) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "recipe.json").write_text("{}")
        if finished:
            (folder / "result.json").write_text("{}")
        then = time.time() - age_s
        os.utime(folder / "recipe.json", (then, then))
        return folder

    old, new = run("old", 3600), run("new", 60)
    run("done", 10, finished=True)
    (tmp_path / "not-a-run").mkdir()
    (tmp_path / "a-file").write_text("x")
    (old / "metrics.jsonl").write_text("")  # written just now: the most recent activity
    assert latest_unfinished(tmp_path) == [old, new]
    assert latest_unfinished(tmp_path / "nothing-here") == []
    assert latest_unfinished(tmp_path / "a-file") == []


def test_metrics_are_read_incrementally(tmp_path):
    path = tmp_path / "metrics.jsonl"
    reader = _MetricsReader(path)
    assert reader.read() == []  # not there yet
    step = [json.dumps({"kind": "step", "stage": "hsb", "step": n}) for n in range(1, 5)]
    path.write_text(step[0] + "\n" + step[1][:10])  # the second line is being written
    assert [r["step"] for r in reader.read()] == [1]
    with open(path, "a") as f:
        f.write(step[1][10:] + "\n" + step[2] + "\n")
    assert [r["step"] for r in reader.read()] == [2, 3]
    assert reader.read() == []
    # a resume replaces the file: what came after the last checkpoint (step 2) is forgotten
    replacement = tmp_path / "new"
    replacement.write_text(step[0] + "\n" + step[1] + "\n" + step[2] + "\n" + "not json\n")
    os.replace(replacement, path)
    assert reader.read() == []  # the same lines are not returned again; the bad one is skipped
    replacement.write_text(step[0] + "\n" + step[1] + "\n")
    os.replace(replacement, path)
    again = json.dumps({"kind": "step", "stage": "hsb", "step": 3, "loss": 0.5})
    with open(path, "a") as f:
        f.write(again + "\n" + step[3] + "\n")
    assert reader.read() == [json.loads(again), json.loads(step[3])]  # step 3, done again


def test_measure_estimate_gives_the_commands_one_line_error(tmp_path, capsys):
    from hsb_whisper.desktop import TrainingJobError, measure_estimate

    with pytest.raises(TrainingJobError, match=r"^nope: no such recipe; shipped recipes: "):
        measure_estimate("nope")
    result = run_cli(capsys, "finetune", "classic", "--json")
    assert result.code == 1 and "--json goes with --estimate" in result.err
