"""The wizard's shortest way to a better model (issue 24): the user's corrected transcripts as the
data, the model they use now as the base, the before/after of their own held-out recordings on
the results page, and the export as a new version — the default only if it is better.

Mechanics only: the model is the tiny random Whisper (``tiny_default``), the speech synthetic
Czech (``testsupport.corrections``), training two steps."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("peft")  # training needs the finetune extra

from hsb_whisper import paths
from hsb_whisper.data import confirmed_seconds, read_manifest
from hsb_whisper.desktop.ui.wizard import EXPORT, RECIPE, RESULTS
from hsb_whisper.evaluation import read_evaluation

from testsupport.corrections import save_corrected
from testsupport.wizard import TASK_MS, TRAIN_MS, shown_wizard, to_training


@pytest.fixture
def wizard(qtbot, tiny_default, tmp_path):
    save_corrected(paths.transcripts_dir(), tmp_path / "recordings")
    with shown_wizard(qtbot, tiny_default, tmp_path / "training") as w:
        yield w


def recordings(manifest) -> set[str]:
    """The recordings a manifest's clips were cut from (``clips/<recording>/…``)."""
    return {clip.audio.parent.name for clip in read_manifest(manifest)}


@pytest.mark.slow
def test_corrections_train_a_new_version_measured_on_held_out_recordings(
    qtbot, wizard, tiny_default
):
    store = tiny_default
    data = wizard.data_page
    # checked segments in the app's transcripts: their source is chosen, with its minutes
    assert data.hsb.kind.currentData() == "corrections"
    assert data.hsb.source() == ("corrections", None)  # no path: the app's own transcripts
    minutes = confirmed_seconds() / 60
    assert f"{minutes:.1f} minutes of checked speech" in data.checked_minutes.text()
    data.check.click()
    qtbot.waitUntil(data.isComplete, timeout=TASK_MS)
    assert wizard.state.sources == {"hsb": "corrections"}
    manifests = wizard.state.manifests["hsb"]
    held_out = wizard.state.work / "data" / "hsb" / "test.jsonl"
    assert held_out.is_file() and read_manifest(held_out)
    train = recordings(manifests["train"])
    assert train and not train & recordings(held_out)  # whole recordings per split
    report = json.loads((held_out.parent / "report.json").read_text(encoding="utf-8"))
    assert report["kind"] == "corrections"

    wizard.next()
    assert wizard.currentId() == RECIPE
    recipe = wizard.recipe_page
    assert recipe.classic.isChecked() and recipe.base.currentData() == "tiny"  # improve it
    recipe.advanced.setChecked(True)
    recipe.batch.setValue(2)
    recipe.rank.setValue(4)
    recipe.alpha.setValue(8)
    recipe.max_steps.setValue(2)
    recipe.more.setPlainText("training.eval_max_new_tokens=4\ntraining.warmup_ratio=0")
    overrides = recipe.overrides()
    assert "base=tiny" in overrides and "language=cs" in overrides  # the model's own language

    to_training(wizard, qtbot)
    training = wizard.training_page
    training.start_button.click()
    qtbot.waitUntil(lambda: training.job.state != "running", timeout=TRAIN_MS)
    training.poll()
    assert training.job.state == "finished", training.status.text()

    wizard.next()
    assert wizard.currentId() == RESULTS
    results = wizard.results_page
    qtbot.waitUntil(results.isComplete, timeout=TASK_MS)
    out = wizard.state.run_dir / "wizard-results"
    before = read_evaluation(out / "base")[0]["corpus"]
    after = read_evaluation(out / "trained")[0]["corpus"]
    assert before["utterances"] == after["utterances"] == len(read_manifest(held_out))
    headline = results.headline.text()
    seconds = sum(c.duration for c in read_manifest(held_out))
    assert f"On your {seconds:.0f} s of corrected speech held out from training" in headline
    assert f"({after['reference_words']} words the new model never trained on)" in headline
    assert f"tiny gets {100 * before['wer']:.1f} % of words wrong" in headline
    assert f"the new model {100 * after['wer']:.1f} %." in headline
    better = after["wer"] < before["wer"]
    assert wizard.state.better is better

    wizard.next()
    assert wizard.currentId() == EXPORT
    export = wizard.export_page
    assert export.name.text() == "tiny-v2"  # a new version; the old one is kept
    assert export.make_default.isChecked() is better
    export.export_button.click()
    qtbot.waitUntil(export.isComplete, timeout=TASK_MS)
    assert {"tiny", "tiny-v2"} <= set(store.names())
    assert store.default_name == ("tiny-v2" if better else "tiny")
    assert export.status.text().endswith("tiny is kept as it was.")
