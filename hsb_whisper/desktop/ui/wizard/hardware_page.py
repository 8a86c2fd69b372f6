"""Step 3, this computer: GPU or not, and how long the recipe would train here — measured with a
few warm-up steps of the real model (``hsb-whisper finetune … --estimate``, in a process of its
own), shown as hours:minutes, with a plain warning when a CPU would need many hours."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from hsb_whisper.desktop.training_job import measure_estimate
from hsb_whisper.desktop.ui.wizard.state import WizardState
from hsb_whisper.desktop.ui.wizard.task import Task, problem_html
from hsb_whisper.finetune import format_duration


class HardwarePage(QWizardPage):
    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setTitle(self.tr("This computer"))
        self.setSubTitle(
            self.tr(
                "A few training steps of the real model are timed here, to tell how long the "
                "whole training would take on this computer."
            )
        )
        self.measure_button = QPushButton(self.tr("&Measure again"))
        self.measure_button.clicked.connect(self.measure)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setVisible(False)
        self.result = QLabel()
        self.result.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.result)
        layout.addWidget(self.bar)
        layout.addWidget(self.measure_button)
        layout.addStretch(1)
        self._task: Task | None = None
        self._measured_for: tuple | None = None
        self.estimate: dict | None = None

    def initializePage(self) -> None:
        if self._measured_for != (self.state.recipe, tuple(self.state.overrides)):
            self.measure()

    def measure(self) -> None:
        recipe, overrides = self.state.recipe, list(self.state.overrides)
        self._measured_for = (recipe, tuple(overrides))
        self.estimate = None
        self.measure_button.setEnabled(False)
        self.bar.setVisible(True)
        self.result.setText(
            self.tr("Measuring… (the base model is prepared first; this can take minutes)")
        )
        self._task = Task(lambda worker: measure_estimate(recipe, overrides))
        self._task.finished.connect(self._show)
        self._task.failed.connect(self._failed)
        self._task.start()

    def _show(self, estimate: dict) -> None:
        self.estimate = estimate
        self.bar.setVisible(False)
        self.measure_button.setEnabled(True)
        lines = [self.tr("Hardware: {0}").format(estimate["hardware"]["description"])]
        for stage in estimate["stages"]:
            lines.append(
                self.tr("Stage {0}: {1} steps × {2} s = {3} (on {4})").format(
                    stage["name"],
                    stage["steps"],
                    f"{stage['seconds_per_step']:.2f}",
                    format_duration(stage["seconds"]),
                    stage["device"],
                )
            )
            if stage.get("packed"):
                lines.append(
                    self.tr(
                        "Fast training: the recordings of a step share {0} windows of 30 "
                        "seconds on average instead of one each ({1})."
                    ).format(f"{stage['windows_per_step']:.1f}", stage["precision"])
                )
        lines.append(
            "<b>"
            + self.tr("Training would take about {0} (hours:minutes).").format(estimate["total"])
            + "</b>"
        )
        if estimate.get("warning"):
            lines.append(problem_html(estimate["warning"]))
        self.result.setText("<br>".join(lines))

    def _failed(self, reason: str) -> None:
        self.bar.setVisible(False)
        self.measure_button.setEnabled(True)
        self.result.setText(
            problem_html(self.tr("Could not measure: {0}").format(reason))
            + "<br>"
            + self.tr("You can still train; the time is then not known in advance.")
        )
