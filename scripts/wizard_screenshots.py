"""Screenshots of every page of the fine-tuning wizard, made offscreen on a real (tiny) run.

    python -m scripts.wizard_screenshots [--language hsb] [--flow corrections] [--out FOLDER]

Drives the wizard as a user would, on the test suite's fixture data (a miniature Common Voice
release of synthetic speech) and a tiny random Whisper (so the training takes seconds, and its
numbers mean nothing): data → two-stage → this computer → training → results → export. Writes
wizard-<page>.png for each (data, recipe, hardware, training, results, export) into ``--out``
(default: a new ``screenshots-<date>-<time>`` folder here). Everything else happens in a
temporary folder that is removed afterwards.

``--flow corrections``: the shortest way to a better model instead — the tiny Whisper as the
default model, eight corrected transcripts of synthetic speech in the app's folder, and the
wizard from "my corrected transcripts" to a new version of the model; wizard-corrections-<page>.png
for the data, recipe, results and export pages.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--language", default="hsb", choices=("hsb", "de", "en"))
    parser.add_argument("--flow", default="two-stage", choices=("two-stage", "corrections"))
    parser.add_argument(
        "--out", type=Path, default=Path.cwd() / time.strftime("screenshots-%Y%m%d-%H%M%S")
    )
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="hsb-wizard-screens-") as tmp:
        os.environ["HSB_WHISPER_HOME"] = str(Path(tmp) / "home")
        shoot(args.language, args.out, Path(tmp), args.flow)
    return 0


def shoot(language: str, out: Path, tmp: Path, flow: str = "two-stage") -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from hsb_whisper import paths
    from hsb_whisper.data import import_common_voice
    from hsb_whisper.desktop.ui.app import install_translators
    from hsb_whisper.desktop.ui.wizard import TrainingWizard
    from hsb_whisper.export import ModelStore, import_model
    from hsb_whisper.export.ct2 import ct2_to_hf

    from testsupport.corrections import save_corrected
    from testsupport.cv_fixture import build_release
    from testsupport.tiny_whisper import build_tiny_whisper

    app = QApplication.instance() or QApplication([])
    install_translators(app, language)
    store = ModelStore()
    tiny = build_tiny_whisper(ct2_to_hf(store.resolve().path, tmp / "hf"), tmp / "tiny-whisper")
    for locale in ("hsb", "cs"):
        release = build_release(tmp / f"cv-{locale}", locale)
        import_common_voice(release, locale, tmp / "manifests" / locale)

    def wait_until(condition, timeout_s: float = 600) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit("the wizard did not get there in time")
            loop = QEventLoop()
            QTimer.singleShot(100, loop.quit)
            loop.exec()

    def grab(name: str) -> None:
        QCoreApplication.processEvents()
        out.mkdir(parents=True, exist_ok=True)
        wizard.grab().save(str(out / f"wizard-{name}.png"))
        print(out / f"wizard-{name}.png")

    if flow == "corrections":
        import_model(str(tiny), name="hsb-mine", language="cs", store=store)
        store.set_default("hsb-mine")
        save_corrected(paths.transcripts_dir(), tmp / "recordings")
        wizard = TrainingWizard(store, work=tmp / "training")
        wizard.resize(900, 720)
        wizard.show()
        data = wizard.data_page
        data.check.click()
        wait_until(data.isComplete)
        grab("corrections-data")
        wizard.next()
        recipe = wizard.recipe_page
        recipe.advanced.setChecked(True)
        recipe.batch.setValue(2)
        recipe.max_steps.setValue(4)
        recipe.more.setPlainText("training.eval_every=2\ntraining.eval_max_new_tokens=8")
        grab("corrections-recipe")
        wizard.next()
        wait_until(lambda: wizard.hardware_page.measure_button.isEnabled())
        wizard.next()
        training = wizard.training_page
        training.start_button.click()
        wait_until(lambda: training.job.state != "running")
        training.poll()
        wizard.next()
        wait_until(wizard.results_page.isComplete)
        grab("corrections-results")
        wizard.next()
        wizard.export_page.export_button.click()
        wait_until(wizard.export_page.isComplete)
        grab("corrections-export")
        wizard.close()
        return

    wizard = TrainingWizard(store, work=tmp / "training")
    wizard.resize(900, 720)
    wizard.show()
    data = wizard.data_page
    for box, locale in ((data.hsb, "hsb"), (data.cs, "cs")):
        box.kind.setCurrentIndex(box.kind.findData("manifests"))
        box.path.setText(str(tmp / "manifests" / locale))
    data.with_czech.setChecked(True)
    data.check.click()
    wait_until(data.isComplete)
    grab("data")
    wizard.next()
    recipe = wizard.recipe_page
    recipe._other_base = str(tiny)
    recipe.base.setCurrentIndex(recipe.base.findData(""))
    recipe.base.setItemText(recipe.base.currentIndex(), str(tiny))
    recipe.advanced.setChecked(True)
    recipe.batch.setValue(4)
    recipe.max_steps.setValue(6)
    recipe.more.setPlainText("training.eval_every=2\ntraining.eval_max_new_tokens=8")
    grab("recipe")
    wizard.next()
    wait_until(lambda: wizard.hardware_page.measure_button.isEnabled())
    grab("hardware")
    wizard.next()
    training = wizard.training_page
    training.start_button.click()
    wait_until(lambda: training.job.state != "running")
    training.poll()
    grab("training")
    wizard.next()
    wait_until(wizard.results_page.isComplete)
    grab("results")
    wizard.next()
    wizard.export_page.name.setText("hsb-two-stage-example")
    wizard.export_page.export_button.click()
    wait_until(wizard.export_page.isComplete)
    grab("export")
    wizard.close()


if __name__ == "__main__":
    sys.exit(main())
