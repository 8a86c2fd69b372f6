"""The fine-tuning wizard: from a linguist's recordings to an installed model, without a terminal.

Data → recipe → this computer (a measured time estimate) → training (a process of its own) →
results → export and install. Every step calls
the packages' public API — the data imports, ``load_recipe``, ``hsb-whisper finetune`` itself (as a
child process), ``evaluate`` and ``compare``, ``export_run`` and the store — so whatever the wizard
does, the command line does too. Its files live under ``<user data>/training``: the imported
data in ``data/<language>`` and each run in ``runs/<recipe>-<time>`` (with ``recipe.toml``, the
command line's way to repeat it). An unfinished run is offered for continuing when the wizard
opens again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget, QWizard

from hsb_whisper import paths
from hsb_whisper.desktop.training_job import latest_unfinished
from hsb_whisper.desktop.ui.wizard.data_page import DataPage
from hsb_whisper.desktop.ui.wizard.export_page import ExportPage
from hsb_whisper.desktop.ui.wizard.hardware_page import HardwarePage
from hsb_whisper.desktop.ui.wizard.recipe_page import RecipePage
from hsb_whisper.desktop.ui.wizard.results_page import ResultsPage
from hsb_whisper.desktop.ui.wizard.state import WizardState
from hsb_whisper.desktop.ui.wizard.training_page import TrainingPage
from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.export import ModelStore
from hsb_whisper.finetune import require_training_libraries

__all__ = ["TrainingWizard", "WizardState"]

DATA, RECIPE, HARDWARE, TRAINING, RESULTS, EXPORT = range(6)


class TrainingWizard(QWizard):
    def __init__(
        self,
        store: ModelStore | None = None,
        sd=None,
        work: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Train a model"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        # Qt's own texts for this style, ours to translate: Qt ships no Upper Sorbian for them
        for button, text in (
            (QWizard.WizardButton.BackButton, self.tr("< &Back")),
            (QWizard.WizardButton.NextButton, self.tr("&Next >")),
            (QWizard.WizardButton.FinishButton, self.tr("&Finish")),
            (QWizard.WizardButton.CancelButton, self.tr("Cancel")),
        ):
            self.setButtonText(button, text)
        self.resize(820, 640)
        self.store = store or ModelStore()
        self.state = WizardState(work or paths.data_dir() / "training")
        self.state.current_model = self.store.default_name
        self.data_page = DataPage(self.state)
        self.recipe_page = RecipePage(self.state, self.store)
        self.hardware_page = HardwarePage(self.state)
        self.training_page = TrainingPage(self.state)
        self.results_page = ResultsPage(self.state, sd)
        self.export_page = ExportPage(self.state, self.store)
        for page_id, page in enumerate(
            (
                self.data_page,
                self.recipe_page,
                self.hardware_page,
                self.training_page,
                self.results_page,
                self.export_page,
            )
        ):
            self.setPage(page_id, page)
        self.unfinished = latest_unfinished(self.state.runs_dir)
        self.data_page.offer_resume(self.unfinished, self.resume)
        try:  # the transcriber installer, or a pip install without the finetune extra
            require_training_libraries("training")
        except HsbWhisperError as e:
            self.data_page.warn(str(e))

    def resume(self, run_dir: Path) -> None:
        """Go straight to the training page to continue ``run_dir``."""
        self.state.continue_run(run_dir)
        self.data_page.skip_to = TRAINING
        self.next()

    def done(self, result: int) -> None:
        self.training_page.stop()
        super().done(result)
