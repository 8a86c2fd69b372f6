"""The fine-tuning wizard, driven offscreen with pytest-qt: real data checks, a real training
process (tiny random Whisper), real evaluation, export and store."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

pytest.importorskip("peft")  # training needs the finetune extra

from hsb_whisper.desktop.ui.wizard import (
    EXPORT,
    HARDWARE,
    RECIPE,
    RESULTS,
    TRAINING,
    TrainingWizard,
)
from hsb_whisper.export import ModelStore
from hsb_whisper.transcription import TranscribeOptions, Transcriber

from testsupport.wizard import TASK_MS, TRAIN_MS, shown_wizard, to_training


@pytest.fixture
def store(tmp_path, default_model):
    return ModelStore(tmp_path / "models")


@pytest.fixture
def wizard(qtbot, store, tmp_path):
    with shown_wizard(qtbot, store, tmp_path / "training") as w:
        yield w


def use_manifests(wizard, qtbot, data_dirs, czech: bool) -> None:
    page = wizard.data_page
    page.hsb.kind.setCurrentIndex(page.hsb.kind.findData("manifests"))
    page.hsb.path.setText(str(data_dirs["hsb"]))
    page.with_czech.setChecked(czech)
    if czech:
        page.cs.kind.setCurrentIndex(page.cs.kind.findData("manifests"))
        page.cs.path.setText(str(data_dirs["cs"]))
    page.check.click()
    qtbot.waitUntil(page.isComplete, timeout=TASK_MS)


def tiny_recipe(wizard, tiny_whisper, max_steps: int = 2, more: str = "") -> None:
    page = wizard.recipe_page
    page._other_base = str(tiny_whisper)  # what "another Whisper folder…" asks for
    page.base.setCurrentIndex(page.base.findData(""))
    page.advanced.setChecked(True)
    page.batch.setValue(4)
    page.rank.setValue(4)
    page.alpha.setValue(8)
    page.max_steps.setValue(max_steps)
    page.more.setPlainText(
        "training.eval_max_clips=1\ntraining.eval_max_new_tokens=4\ntraining.warmup_ratio=0\n"
        + more
    )


@pytest.mark.slow
def test_the_whole_wizard_from_data_to_an_installed_model_that_transcribes(
    qtbot, wizard, store, data_dirs, tiny_whisper, clips
):
    use_manifests(wizard, qtbot, data_dirs, czech=True)
    report = wizard.data_page.report.toPlainText()  # the import reports, one per language
    assert report.startswith("== Upper Sorbian\n") and "\n== Czech\n" in report
    assert "train" in report
    wizard.next()
    assert wizard.currentId() == RECIPE
    assert wizard.recipe_page.two_stage.isChecked()  # Czech data: two-stage offered first
    tiny_recipe(wizard, tiny_whisper)
    wizard.next()
    assert wizard.currentId() == HARDWARE  # measured in a process of its own
    hardware = wizard.hardware_page
    qtbot.waitUntil(lambda: hardware.measure_button.isEnabled(), timeout=TRAIN_MS)
    assert hardware.estimate is not None, hardware.result.text()
    assert [s["name"] for s in hardware.estimate["stages"]] == ["czech", "hsb"]
    assert all(s["steps"] == 2 for s in hardware.estimate["stages"])  # max_steps=2 each
    assert "(hours:minutes)" in hardware.result.text()
    wizard.next()
    assert wizard.currentId() == TRAINING
    page = wizard.training_page
    page.start_button.click()
    qtbot.waitUntil(lambda: page.job.state != "running", timeout=TRAIN_MS)
    page.poll()
    assert page.job.state == "finished", page.status.text()
    assert page.isComplete()
    run = wizard.state.run_dir
    assert (run / "result.json").is_file()
    assert page.curves.loss  # the live curve got the steps of both stages
    assert page.curves.stage_starts  # and the dashed line where the hsb stage begins

    wizard.next()
    assert wizard.currentId() == RESULTS
    results = wizard.results_page
    qtbot.waitUntil(results.isComplete, timeout=TASK_MS)
    assert wizard.state.report.is_file()
    assert "trained" in results.report.toPlainText()
    assert results.worst.rowCount() > 0

    wizard.next()
    assert wizard.currentId() == EXPORT
    export = wizard.export_page
    export.name.setText("hsb-wizard")
    with qtbot.waitSignal(export.installed, timeout=TASK_MS) as installed:
        export.export_button.click()
    assert installed.args == ["hsb-wizard"]
    assert store.default_name == "hsb-wizard"
    model = store.resolve("hsb-wizard")
    assert model.info.language == "cs"
    segments, _ = Transcriber(model, TranscribeOptions(beam_size=1)).transcribe(clips["en"])
    list(segments)  # a random tiny model writes nonsense, but it loads and decodes
    pack = wizard.state.work / "hsb-wizard.zip"
    export.save_pack(str(pack))
    assert pack.is_file()


def test_a_missing_folder_stops_at_the_data_page_with_the_reason(qtbot, wizard, tmp_path):
    page = wizard.data_page
    page.hsb.kind.setCurrentIndex(page.hsb.kind.findData("folder"))
    page.hsb.path.setText(str(tmp_path / "no-such-folder"))
    page.check.click()
    qtbot.waitUntil(lambda: page.check.isEnabled(), timeout=TASK_MS)
    assert "no-such-folder: not a folder" in page.status.text()
    assert not page.isComplete()


def test_data_with_every_clip_rejected_stops_at_the_data_page(qtbot, wizard, tmp_path):
    folder = tmp_path / "manifests"
    folder.mkdir()
    rows = [{"audio": str(tmp_path / f"missing-{i}.wav"), "text": "Dobry dźeń."} for i in range(3)]
    for split in ("train", "dev"):
        (folder / f"{split}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    page = wizard.data_page
    page.hsb.kind.setCurrentIndex(page.hsb.kind.findData("manifests"))
    page.hsb.path.setText(str(folder))
    page.check.click()
    qtbot.waitUntil(lambda: page.check.isEnabled(), timeout=TASK_MS)
    assert "No usable clips are left for hsb" in page.status.text()
    assert "missing" in page.report.toPlainText()  # the report says why
    assert not page.isComplete()


@pytest.mark.slow
def test_a_killed_training_process_shows_its_error_and_the_app_goes_on(
    qtbot, wizard, data_dirs, tiny_whisper
):
    use_manifests(wizard, qtbot, data_dirs, czech=False)
    wizard.next()
    tiny_recipe(wizard, tiny_whisper, max_steps=400)
    to_training(wizard, qtbot)
    page = wizard.training_page
    page.start_button.click()
    qtbot.waitUntil(lambda: bool(page.curves.loss), timeout=TRAIN_MS)
    os.kill(page.job.pid, signal.SIGKILL)  # what the out-of-memory killer does
    qtbot.waitUntil(lambda: page.job.state == "failed", timeout=30_000)
    page.poll()
    text = page.status.text()
    assert "Training failed" in text and "SIGKILL" in text and "Details:" in text
    assert page.start_button.isEnabled()  # the run can be continued from its checkpoint
    assert not page.isComplete()


@pytest.mark.slow
def test_pause_close_reopen_and_continue(qtbot, store, data_dirs, tiny_whisper, tmp_path):
    work = tmp_path / "training"
    first = TrainingWizard(store, work=work)
    qtbot.addWidget(first)
    first.show()
    use_manifests(first, qtbot, data_dirs, czech=False)
    first.next()
    tiny_recipe(first, tiny_whisper, max_steps=6, more="training.checkpoint_every=2\n")
    to_training(first, qtbot)
    page = first.training_page
    page.start_button.click()
    # Asked at once: the tiny model's six steps may all be done before the first curve point
    # reaches the window, and a pause takes effect at a checkpoint (here step 2).
    page.pause_button.click()
    qtbot.waitUntil(lambda: page.job.state != "running", timeout=TRAIN_MS)
    page.poll()
    assert page.job.state == "paused", page.status.text()
    run = first.state.run_dir
    first.close()

    second = TrainingWizard(store, work=work)
    qtbot.addWidget(second)
    second.show()
    assert second.unfinished == [run]
    assert second.data_page.resume_box.isVisible()
    second.data_page.resume_button.click()
    assert second.currentId() == TRAINING
    page = second.training_page
    assert page.start_button.text().replace("&", "") == "Continue training"
    page.start_button.click()
    qtbot.waitUntil(lambda: page.job.state != "running", timeout=TRAIN_MS)
    page.poll()
    assert page.job.state == "finished", page.status.text()
    steps = [
        json.loads(line)["step"]
        for line in (run / "metrics.jsonl").read_text().splitlines()
        if json.loads(line)["kind"] == "step"
    ]
    assert steps == [1, 2, 3, 4, 5, 6]  # continued where it paused, no step twice


def test_the_app_opens_the_wizard_from_its_menu_and_the_models_page(qtbot, default_model):
    from hsb_whisper.desktop.ui.main_window import MainWindow
    from hsb_whisper.desktop.ui.settings import AppSettings

    window = MainWindow(AppSettings())
    qtbot.addWidget(window)
    window.models.train_button.click()
    assert window.wizard is not None and window.wizard.isVisible()
    assert window.wizard.parent() is window
    wizard = window.wizard
    window.open_training()  # a second request shows the same wizard
    assert window.wizard is wizard
    actions = [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    assert "Train a model…" in actions


def test_results_put_the_other_recipes_latest_finished_run_beside(
    tmp_path, data_dirs, tiny_whisper
):
    from hsb_whisper.desktop.ui.wizard import WizardState
    from hsb_whisper.desktop.ui.wizard.results_page import _other_recipe
    from hsb_whisper.finetune import load_recipe

    state = WizardState(tmp_path)
    sets = [
        f"base={tiny_whisper}",
        f"stages.hsb.train={data_dirs['hsb'] / 'train.jsonl'}",
        f"stages.hsb.dev={data_dirs['hsb'] / 'dev.jsonl'}",
        f"stages.czech.train={data_dirs['cs'] / 'train.jsonl'}",
        f"stages.czech.dev={data_dirs['cs'] / 'dev.jsonl'}",
    ]

    def run(name: str, recipe: str, finished: bool) -> Path:
        folder = state.runs_dir / name
        folder.mkdir(parents=True)
        chosen = [s for s in sets if recipe == "two-stage" or "czech" not in s]
        (folder / "recipe.json").write_text(load_recipe(recipe, chosen).to_json())
        if finished:
            (folder / "result.json").write_text("{}")
        return folder

    state.run_dir = run("two-stage-2", "two-stage", True)
    assert _other_recipe(state) is None
    run("two-stage-1", "two-stage", True)  # the same recipe: not "the other"
    run("classic-3", "classic", False)  # unfinished
    classic = run("classic-1", "classic", True)
    assert _other_recipe(state) == classic


def test_going_back_and_choosing_another_recipe_starts_a_new_run(wizard, data_dirs, tmp_path):
    state = wizard.state
    state.manifests = {
        "hsb": {"train": data_dirs["hsb"] / "train.jsonl", "dev": data_dirs["hsb"] / "dev.jsonl"}
    }
    page = wizard.recipe_page
    page.initializePage()
    assert page.validatePage()
    state.run_dir, state.resume = tmp_path / "runs" / "classic-1", True  # trained once
    assert page.validatePage()  # the same choice: the training page continues that run
    assert state.resume and state.run_dir == tmp_path / "runs" / "classic-1"
    page.base.setCurrentIndex(page.base.findData("whisper-base"))
    assert page.validatePage()  # another base: another run
    assert not state.resume and state.run_dir is None
    assert "base=whisper-base" in state.overrides


def test_without_the_training_libraries_the_wizard_says_so_at_once(
    qtbot, store, tmp_path, monkeypatch
):
    import importlib.util
    import sys

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a, **k: None if n == "peft" else real(n, *a, **k)
    )
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # the transcriber installer
    w = TrainingWizard(store, work=tmp_path / "training")
    qtbot.addWidget(w)
    w.show()
    text = w.data_page.warning.text()
    assert w.data_page.warning.isVisible()
    assert "training needs peft" in text and "transcriber build" in text and "full build" in text


def test_fast_cpu_training_is_offered_on_by_default_and_reported(wizard, data_dirs):
    from hsb_whisper.finetune import load_recipe

    state = wizard.state
    state.manifests = {
        "hsb": {"train": data_dirs["hsb"] / "train.jsonl", "dev": data_dirs["hsb"] / "dev.jsonl"}
    }
    page = wizard.recipe_page
    page.initializePage()
    assert page.fast_cpu.isChecked() and "30-second window" in page.fast_cpu_text.text()
    assert page.validatePage() and "training.pack=auto" in state.overrides
    assert load_recipe(state.recipe, state.overrides).stages[0].training.pack == "auto"
    page.fast_cpu.setChecked(False)
    assert page.validatePage() and "training.pack=auto" not in state.overrides
    assert load_recipe(state.recipe, state.overrides).stages[0].training.pack is False

    stage = {"name": "hsb", "steps": 10, "seconds_per_step": 4.0, "seconds": 40.0}
    estimate = {"hardware": {"description": "CPU x"}, "total": "0:01", "warning": None}
    hardware = wizard.hardware_page
    hardware._show(
        {
            **estimate,
            "stages": [
                {
                    **stage,
                    "device": "cpu",
                    "packed": True,
                    "windows_per_step": 1.3,
                    "precision": "bf16 autocast",
                }
            ],
        }
    )
    assert "share 1.3 windows" in hardware.result.text()
    assert "bf16 autocast" in hardware.result.text()
    hardware._show({**estimate, "stages": [{**stage, "device": "cuda", "packed": False}]})
    assert "windows" not in hardware.result.text()
