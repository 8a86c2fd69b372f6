"""Improve my model with my corrections: ``hsb-whisper improve`` as one action in the app.

The dialog names the model that will be improved (the default), counts the checked speech in the
app's saved transcripts (:func:`hsb_whisper.data.confirmed_seconds`, on a thread) and starts the
command as a :class:`~hsb_whisper.desktop.TrainingJob` (a process of its own), polled from a
timer like the wizard's training page: the preparation, the training's steps on a progress bar,
then exporting and comparing. At the end it shows what ``improvement.json`` says — the new model
installed as the default, or not better and not installed — or the command's one-line error (too
little checked speech: how much more is needed). Every decision is the command's; the dialog
only refuses to start while the checked speech is below the minimum the command would refuse.

Closing the dialog hides it and the work goes on (the Models page shows it again); quitting the
app cancels it. Cancel stops the preparation or the training; the export and comparison that
follow take minutes and are not stopped midway, as they install the new model.
"""

from __future__ import annotations

import html
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hsb_whisper import paths
from hsb_whisper.data import confirmed_seconds
from hsb_whisper.desktop.training_job import TrainingJob
from hsb_whisper.desktop.ui.task import Task
from hsb_whisper.desktop.ui.wizard.task import problem_html
from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.export import ModelStore
from hsb_whisper.finetune import (
    MIN_TRAIN_MINUTES,
    format_duration,
    require_training_libraries,
)

POLL_MS = 500
# The phases of a job, from its events: before training's first step, training, and after
# training (export and comparison, which install the new model: not cancelled midway)
PREPARING, TRAINING, COMPARING = "preparing", "training", "comparing"


class ImproveDialog(QDialog):
    """Improve the default model of ``store`` with the user's corrections (see the module).

    ``overrides`` (recipe keys, as ``--set``), ``min_minutes`` (``--min-minutes``) and
    ``work_root`` (where each attempt's work folder is made; default ``<data>/improve``) are
    the command's options, for tests and screenshots; the app uses the defaults.
    """

    improved = Signal(str)  # the new model's name: installed and now the default

    def __init__(
        self,
        store: ModelStore,
        parent: QWidget | None = None,
        *,
        overrides: Sequence[str] = (),
        min_minutes: float = MIN_TRAIN_MINUTES,
        work_root: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.overrides = tuple(overrides)
        self.min_minutes = min_minutes
        self.work_root = work_root or paths.data_dir() / "improve"
        self.model = store.default_name  # what the job improves, even if the default changes
        self.available: float | None = None  # checked minutes, once counted
        self.counting = True
        self.job: TrainingJob | None = None
        self.work: Path | None = None  # the current or last attempt's work folder
        self.phase = ""
        self.setWindowTitle(self.tr("Improve my model with my corrections"))
        self.resize(640, 420)

        intro = QLabel(
            self.tr(
                "The segments you corrected or checked in the Transcript tab train a new version "
                "of your model. A few of your recordings are held out: the old and the new model "
                "both transcribe them, and the new one is installed as the default model only if "
                "it gets fewer words wrong. The old model is kept either way. Training can take "
                "hours on a computer without a graphics card; closing this window leaves it "
                "running."
            )
        )
        intro.setWordWrap(True)
        self.model_label = QLabel(self.tr("{0} (the default model)").format(self.model))
        self.minutes_label = QLabel(self.tr("counting…"))
        self.minutes_label.setWordWrap(True)
        facts = QFormLayout()
        facts.addRow(self.tr("Model:"), self.model_label)
        facts.addRow(self.tr("Checked speech:"), self.minutes_label)

        self.start_button = QPushButton(self.tr("&Start"))
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Ca&ncel"))
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("&Close"))
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(facts)
        layout.addLayout(row)
        layout.addWidget(self.bar)
        layout.addWidget(self.where)
        layout.addWidget(self.status, 1)
        layout.addWidget(close)

        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)
        self._count = Task(lambda worker: confirmed_seconds())
        self._count.finished.connect(self._counted)
        self._count.failed.connect(self._not_counted)
        self._count.start()
        try:  # the transcriber installer, or a pip install without the finetune extra
            require_training_libraries("improving a model")
            self.unable = ""
        except HsbWhisperError as e:
            self.unable = str(e)
            self.status.setText(problem_html(self.unable))
        self._buttons()

    # -- the checked speech ------------------------------------------------------------------

    @property
    def needed(self) -> float:
        """Minutes of checked speech missing before the command would train (0: none, or not
        counted: then the command says what is wrong)."""
        if self.available is None:
            return 0.0
        return max(0.0, self.min_minutes - self.available)

    def _counted(self, seconds: float) -> None:
        self.counting = False
        self.available = seconds / 60
        text = self.tr("{0} minutes in your transcripts").format(f"{self.available:.1f}")
        if self.needed > 0:
            text += " — " + self.tr("{0} more minutes of checked speech are needed").format(
                f"{self.needed:.1f}"
            )
        self.minutes_label.setText(text)
        self._buttons()

    def _not_counted(self, reason: str) -> None:  # the command will say what is wrong
        self.counting = False
        self.minutes_label.setText(self.tr("not counted: {0}").format(reason))
        self._buttons()

    # -- the job -------------------------------------------------------------------------------

    def busy(self) -> bool:
        """Whether the command still runs."""
        return self.job is not None and self.job.state == "running"

    def start(self) -> None:
        """Start ``hsb-whisper improve`` in a new work folder."""
        if self.busy():
            return
        self.work = self._new_work_folder()
        self.job = TrainingJob.improve(
            self.work, overrides=self.overrides, min_minutes=self.min_minutes, model=self.model
        )
        self._phase(PREPARING)
        self.status.setText("")
        self.status.setToolTip("")
        self.timer.start()
        self._buttons()

    def _new_work_folder(self) -> Path:
        """``<work_root>/<time>``, not made here (the command makes it)."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        folder, n = self.work_root / stamp, 1
        while folder.exists():
            n += 1
            folder = self.work_root / f"{stamp}-{n}"
        return folder

    def cancel(self) -> None:
        if self.job is not None and self.phase != COMPARING:
            self.job.cancel()
            self.poll()

    def poll(self) -> None:
        """The job's new events and, once it has ended, its outcome (shown once)."""
        if self.job is None or not self.timer.isActive():
            return
        for event in self.job.poll():
            self._show(event)
        state = self.job.state
        if state == "running":
            return
        self.timer.stop()
        self.bar.setVisible(False)
        self.where.setText("")
        self.phase = ""
        if state == "finished":
            self._show_result(self.job.improvement)
        elif state == "cancelled":
            self.status.setText(self.tr("Cancelled; nothing was installed."))
        else:
            self.status.setText(
                problem_html(self.tr("Not improved: {0}").format(self.job.error))
                + "<br>"
                + html.escape(self.tr("Details: {0}").format(self.job.log_path), quote=False)
            )
        self._buttons()

    def _show(self, event) -> None:
        if event.kind == "step":
            self._phase(TRAINING)
            self.bar.setRange(0, event.total_steps)
            self.bar.setValue(event.step)
            left = format_duration(event.eta_s) if event.eta_s is not None else "…"
            loss = f"{event.loss:.3f}" if event.loss is not None else "…"
            self.where.setText(
                self.tr("Training: step {0} of {1}, loss {2}, {3} left").format(
                    event.step, event.total_steps, loss, left
                )
            )
        elif event.kind == "eval" and event.dev_wer is not None:
            wrong = self.tr("step {0}: {1} % of words wrong on recordings set aside to check it")
            self.status.setText(wrong.format(event.step, f"{100 * event.dev_wer:.1f}"))
        elif event.kind == "done":
            self._phase(COMPARING)

    def _phase(self, phase: str) -> None:
        if phase == self.phase:
            return
        self.phase = phase
        self.bar.setVisible(True)
        if phase == PREPARING:
            self.bar.setRange(0, 0)  # of unknown length: a busy bar
            self.where.setText(
                self.tr("Preparing: cutting your checked segments into clips, loading {0}…").format(
                    self.model
                )
            )
        elif phase == COMPARING:
            self.bar.setRange(0, 0)
            self.where.setText(
                self.tr(
                    "Exporting the new model and comparing it with {0} on your held-out "
                    "recordings… This can no longer be cancelled."
                ).format(self.model)
            )
        self._buttons()

    def _show_result(self, result: dict) -> None:
        """What ``improvement.json`` says, as sentences of the user's language."""
        base, candidate = result["base"], result["candidate"]
        if result["installed"]:
            verdict = self.tr(
                "The new model is better: it is installed as {0} and is now the default model "
                "({1} is kept)."
            ).format(candidate, base)
        else:
            verdict = self.tr(
                "The new model is not better, so it was not installed: {0} stays the default model."
            ).format(base)
        minutes = result["test_minutes"]
        amount = (
            self.tr("{0} minutes").format(f"{minutes:.1f}")
            if minutes >= 1
            else self.tr("{0} s").format(f"{60 * minutes:.0f}")
        )
        figures = self.tr(
            "On {0} of your held-out corrected speech ({1} words the new model never trained "
            "on), {2} gets {3} % of words wrong, the new model {4} %."
        ).format(
            amount,
            result["test_words"],
            base,
            f"{100 * result['old_wer']:.1f}",
            f"{100 * result['new_wer']:.1f}",
        )
        folder = self.tr("Work folder: {0}").format(self.work)
        verdict, figures = (html.escape(t, quote=False) for t in (verdict, figures))
        self.status.setText(f"<b>{verdict}</b><br>{figures}")
        self.status.setToolTip(folder)
        if result["installed"]:
            self.model = candidate  # a second improvement starts from the new default
            self.model_label.setText(self.tr("{0} (the default model)").format(self.model))
            self.improved.emit(candidate)

    def _buttons(self) -> None:
        busy = self.busy()
        ready = not (busy or self.counting or self.unable)
        self.start_button.setEnabled(ready and self.needed == 0)
        self.start_button.setToolTip(
            self.tr("{0} more minutes of checked speech are needed").format(f"{self.needed:.1f}")
            if self.needed > 0
            else ""
        )
        self.cancel_button.setEnabled(busy and self.phase != COMPARING)

    # -- closing -------------------------------------------------------------------------------

    @Slot()
    def stop(self) -> None:
        """The app quits: a running job is cancelled (``improve`` cannot be resumed)."""
        self.timer.stop()
        if self.busy():
            self.job.cancel()
