"""Starting fine-tuning: what a run needs (its manifests, its base, clips that pass the checks,
a place for its folder, the training libraries) is checked before its run folder is made, so a
start that fails is one line naming the file or value and leaves no run folder; a folder that was
there is kept; ``--resume`` of a folder that is no run is one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hsb_whisper.errors import OptionError
from hsb_whisper.finetune.config import check_manifests, load_recipe

from testsupport.cli_runner import one_error_line, run_cli


def test_resume_of_a_folder_that_is_not_a_run(capsys, tmp_path):
    result = run_cli(capsys, "finetune", "--resume", tmp_path)
    assert result.code == 1
    assert result.err.strip() == (
        f"hsb-whisper: error: --resume {tmp_path}: not a training run folder (no recipe.json)"
    )


# ---- a failed start leaves no run folder ---------------------------------------------------------


def test_missing_manifest_fails_before_anything_is_made(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the classic recipe's data/hsb/… is not here
    result = run_cli(capsys, "finetune", "classic")
    assert result.code == 1
    one_error_line(
        result.err,
        "data/hsb/train.jsonl: no such manifest (stages.hsb.train); make it with 'hsb-whisper "
        "data import-cv' (or import-folder), or give another with --set stages.hsb.train=PATH",
    )
    assert "recipe:" not in result.err  # nor printed the recipe of a run that never starts
    assert list(tmp_path.iterdir()) == []  # no runs/ folder

    (tmp_path / "data" / "hsb" / "train.jsonl").mkdir(parents=True)
    (tmp_path / "data" / "hsb" / "dev.jsonl").write_text("\n\n")
    run_dir = tmp_path / "runs" / "x"
    for override, message in (
        ([], "data/hsb/train.jsonl: is a folder, not a manifest (stages.hsb.train)"),
        (["--set", "stages.hsb.train=data/hsb/dev.jsonl"], "data/hsb/dev.jsonl: holds no clips"),
    ):
        result = run_cli(capsys, "finetune", "classic", "--run-dir", run_dir, *override)
        assert result.code == 1
        one_error_line(result.err, message)
        assert not (tmp_path / "runs").exists()
    (tmp_path / "data" / "hsb" / "bad.jsonl").write_bytes(b'{"audio": "\xff"}\n')
    result = run_cli(capsys, "finetune", "classic", "--set", "stages.hsb.train=data/hsb/bad.jsonl")
    assert result.code == 1 and "data/hsb/bad.jsonl" in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1 and not (tmp_path / "runs").exists()


def test_train_checks_manifests_before_making_the_run_folder(tmp_path, monkeypatch):
    pytest.importorskip("accelerate")
    from hsb_whisper.finetune import train

    monkeypatch.chdir(tmp_path)
    with pytest.raises(OptionError, match=r"^data/cs/train.jsonl: no such manifest \(stages.czech"):
        train(load_recipe("two-stage"), tmp_path / "runs" / "run")
    assert list(tmp_path.iterdir()) == []


def test_check_manifests_names_the_manifest(tmp_path):
    recipe = load_recipe("classic", [f"stages.hsb.train={tmp_path / 'a.jsonl'}"])
    with pytest.raises(OptionError, match=rf"^{tmp_path}/a.jsonl: no such manifest"):
        check_manifests(recipe.stages)
    check_manifests(())  # nothing to check (every stage already done)


def test_run_dir_under_a_file(capsys, tmp_path, data_dirs):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    result = run_cli(capsys, "finetune", *classic_on(data_dirs), "--run-dir", a_file / "run")
    assert result.code == 1
    one_error_line(result.err, f"run folder {a_file / 'run'}: {a_file} is a file, not a folder")


def classic_on(data_dirs: dict[str, Path], base: str = "whisper-base") -> list[str]:
    hsb = data_dirs["hsb"]
    return [
        "classic",
        "--set",
        f"stages.hsb.train={hsb / 'train.jsonl'}",
        "--set",
        f"stages.hsb.dev={hsb / 'dev.jsonl'}",
        "--set",
        f"base={base}",
    ]


def test_bad_base_leaves_no_run_folder(capsys, tmp_path, data_dirs, monkeypatch):
    pytest.importorskip("accelerate")
    monkeypatch.chdir(tmp_path)
    args = classic_on(data_dirs, base=str(tmp_path / "no-such-model"))
    result = run_cli(capsys, "finetune", *args)
    assert result.code == 1
    one_error_line(result.err, "is neither a model in the store")
    assert "removed runs/classic-" in result.err
    assert list(tmp_path.iterdir()) == []  # neither the run folder nor runs/
    # with --run-dir too: a second try there, with the base fixed, is not "another recipe"
    result = run_cli(capsys, "finetune", *args, "--run-dir", tmp_path / "r")
    assert result.code == 1 and not (tmp_path / "r").exists()


def test_rejected_clips_leave_no_run_folder(capsys, tmp_path, tiny_whisper, data_dirs, cv_release):
    pytest.importorskip("peft")
    bad = tmp_path / "bad.jsonl"
    clip = cv_release / "hsb" / "clips" / "common_voice_hsb_902.mp3"  # a truncated one
    bad.write_text(json.dumps({"audio": str(clip), "text": "x"}) + "\n", encoding="utf-8")
    run_dir = tmp_path / "runs" / "bad"
    result = run_cli(
        capsys,
        "finetune",
        *classic_on(data_dirs, base=str(tiny_whisper)),
        "--set",
        f"stages.hsb.train={bad}",
        "--run-dir",
        run_dir,
    )
    assert result.code == 1
    one_error_line(result.err, "bad.jsonl: 1 clip(s) failed the data checks")
    assert not (tmp_path / "runs").exists()


def test_a_folder_that_was_there_is_kept(capsys, tiny_run, data_dirs):
    before = {p.relative_to(tiny_run) for p in tiny_run.rglob("*")}
    recipe = (tiny_run / "recipe.json").read_text()
    # another recipe in a finished run's folder: refused, and the run is left as it was
    args = [*classic_on(data_dirs, base="whisper-base"), "--set", "lora.r=2"]
    result = run_cli(capsys, "finetune", *args, "--run-dir", tiny_run)
    assert result.code == 1
    one_error_line(result.err, "holds a run of another recipe")
    assert before <= {p.relative_to(tiny_run) for p in tiny_run.rglob("*")}  # (+ train.log)
    assert (tiny_run / "recipe.json").read_text() == recipe


# ---- without the training libraries --------------------------------------------------------------


def test_training_without_the_finetune_extra_is_one_line(capsys, tmp_path, data_dirs, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec

    def without_peft(name, *args, **kwargs):  # the transcription-only install
        return None if name == "peft" else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", without_peft)
    monkeypatch.chdir(tmp_path)
    result = run_cli(capsys, "finetune", *classic_on(data_dirs))
    assert result.code == 1
    line = one_error_line(result.err, "fine-tuning needs ")  # peft (and more without torch)
    assert "peft" in line and "not installed: install torch for your hardware" in line
    assert not (tmp_path / "runs").exists()
    result = run_cli(capsys, "export", tmp_path, "--name", "x")
    assert result.code == 1
    assert "peft" in one_error_line(result.err, "exporting a trained model needs ")
