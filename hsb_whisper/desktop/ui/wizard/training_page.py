"""Step 3, training: ``hsb-whisper finetune`` in a process of its own (a crash or running out of
memory ends the run, not the app), with live loss and dev-WER curves, step, epoch and time left;
pause (after the next checkpoint), cancel, and resume of an unfinished run."""

from __future__ import annotations

import html
import time

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from hsb_whisper.desktop.training_job import TrainingJob
from hsb_whisper.desktop.ui.wizard.state import WizardState
from hsb_whisper.desktop.ui.wizard.task import problem_html
from hsb_whisper.finetune import Run, format_duration

POLL_MS = 500
LOSS_COLOUR, WER_COLOUR = QColor("#1f5fbf"), QColor("#c8102e")


class Curves(QWidget):
    """Training loss per step (blue, left scale) and dev WER at each evaluation (red, right
    scale), drawn by hand: two polylines need no plotting library in the app."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(180)
        self.loss: list[tuple[int, float]] = []
        self.wer: list[tuple[int, float]] = []
        self.stage_starts: list[int] = []
        self._offset = 0  # steps of the stages before the current one
        self._stage: str | None = None

    def add(self, event) -> None:
        """One event of ``metrics.jsonl`` (steps and evaluations, each naming its stage); the
        stages follow each other on one axis, a dashed line where the next begins."""
        if event.kind not in ("step", "eval"):
            return
        if event.stage != self._stage:
            if self._stage is not None and (self.loss or self.wer):
                self._offset = max(p[0] for p in self.loss + self.wer)
                self.stage_starts.append(self._offset)
            self._stage = event.stage
        x = self._offset + event.step
        if event.kind == "step" and event.loss is not None:
            self.loss.append((x, event.loss))
        elif event.kind == "eval" and event.dev_wer is not None:
            self.wer.append((x, event.dev_wer))
        self.update()

    def clear(self) -> None:
        self.loss.clear()
        self.wer.clear()
        self.stage_starts.clear()
        self._offset, self._stage = 0, None
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()  # before Qt's backing store ends its paint, not when Python collects

    def _paint(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = self.rect().adjusted(40, 10, -40, -20)
        painter.drawRect(area)
        points = self.loss + self.wer
        if not points:
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.tr("waiting for steps…"))
            return
        right = max(p[0] for p in points) or 1

        def draw(series, colour, top, label_left: bool) -> None:
            if not series:
                return
            scale = top or 1.0
            polygon = QPolygonF(
                [
                    QPointF(
                        area.left() + area.width() * x / right,
                        area.bottom() - area.height() * min(y / scale, 1.0),
                    )
                    for x, y in series
                ]
            )
            painter.setPen(QPen(colour, 2))
            painter.drawPolyline(polygon)
            for point in polygon if len(series) < 50 else ():
                painter.drawEllipse(point, 2, 2)
            where = area.left() - 38 if label_left else area.right() + 4
            painter.drawText(where, area.top() + 10, f"{top:.2g}")

        draw(self.loss, LOSS_COLOUR, max(y for _, y in self.loss) if self.loss else 0, True)
        draw(self.wer, WER_COLOUR, max([1.0, *(y for _, y in self.wer)]), False)
        painter.setPen(QPen(QColor("#888888"), 1, Qt.PenStyle.DashLine))
        for x in self.stage_starts:
            px = area.left() + area.width() * x / right
            painter.drawLine(QPointF(px, area.top()), QPointF(px, area.bottom()))
        painter.setPen(QPen(self.palette().text().color()))
        painter.drawText(area.left(), self.height() - 4, self.tr("step {0}").format(right))
        for i, (colour, name) in enumerate(
            ((LOSS_COLOUR, self.tr("training loss")), (WER_COLOUR, self.tr("dev WER")))
        ):
            x = area.right() - 260 + 130 * i
            painter.setPen(QPen(colour, 2))
            painter.drawLine(x, self.height() - 9, x + 20, self.height() - 9)
            painter.drawText(x + 25, self.height() - 4, name)


class TrainingPage(QWizardPage):
    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setTitle(self.tr("Training"))
        self.setSubTitle(
            self.tr(
                "Training runs in a process of its own. Pause stops it after the next "
                "checkpoint; it can be continued later, also after closing the app."
            )
        )
        self.start_button = QPushButton(self.tr("&Start training"))
        self.pause_button = QPushButton(self.tr("&Pause"))
        self.cancel_button = QPushButton(self.tr("Ca&ncel"))
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.pause)
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        for button in (self.start_button, self.pause_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.bar = QProgressBar()
        self.where = QLabel()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.curves = Curves()
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.bar)
        layout.addWidget(self.where)
        layout.addWidget(self.curves, 1)
        layout.addWidget(self.status)
        self.job: TrainingJob | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self._started = 0.0
        self._buttons()

    def initializePage(self) -> None:
        self._buttons()

    def showEvent(self, event) -> None:  # the wizard shown again while its training pauses
        super().showEvent(event)
        if self.busy():
            self.timer.start()

    def isComplete(self) -> bool:
        return self.job is not None and self.job.state == "finished"

    def start(self) -> None:
        """A new run (the recipe and overrides of the earlier pages), or the unfinished run the
        wizard was opened to resume."""
        self.curves.clear()
        if self.state.resume:
            self.job = TrainingJob.start(self.state.run_dir)
        else:
            self.state.run_dir = self.state.new_run_dir(self.state.recipe)
            self.job = TrainingJob.start(
                self.state.run_dir, self.state.recipe, self.state.overrides
            )
        self.state.resume = True  # a second start of this page continues the same run
        self._started = time.monotonic()
        self.status.setText(self.tr("Starting… (run folder {0})").format(self.state.run_dir))
        self.timer.start()
        self._buttons()

    def pause(self) -> None:
        if self.job is not None:
            self.job.pause()
            self.status.setText(self.tr("Pausing after the next checkpoint…"))
            self.pause_button.setEnabled(False)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.poll()

    def poll(self) -> None:
        if self.job is None:
            return
        for event in self.job.poll():
            self._show(event)
        state = self.job.state
        if state == "running":
            return
        self.timer.stop()
        if state == "finished":
            self.status.setText(self.tr("Training finished. Go on with Next to see the results."))
        elif state == "paused":
            self.status.setText(
                self.tr("Paused. Start continues the run (also after closing the app).")
            )
        elif state == "cancelled":
            self.status.setText(self.tr("Cancelled. Start continues from the last checkpoint."))
        else:
            # a start that failed before its first step leaves no run folder to continue
            self.state.resume = Run.is_run(self.state.run_dir)
            self.status.setText(
                problem_html(self.tr("Training failed: {0}").format(self.job.error))
                + "<br>"
                + html.escape(self.tr("Details: {0}").format(self.job.log_path), quote=False)
            )
        self._buttons()
        self.completeChanged.emit()

    def _show(self, event) -> None:
        self.curves.add(event)
        if event.kind == "step":
            self.bar.setRange(0, event.total_steps)
            self.bar.setValue(event.step)
            left = format_duration(event.eta_s) if event.eta_s is not None else "…"
            self.where.setText(
                self.tr("stage {0}: step {1} of {2}, epoch {3}, loss {4}, {5} left").format(
                    event.stage,
                    event.step,
                    event.total_steps,
                    f"{event.epoch:.2f}",
                    f"{event.loss:.3f}",
                    left,
                )
            )
        elif event.kind == "eval":
            self.status.setText(
                self.tr("stage {0}, step {1}: dev WER {2}").format(
                    event.stage, event.step, f"{event.dev_wer:.3f}"
                )
            )

    def _buttons(self) -> None:
        running = self.job is not None and self.job.state == "running"
        finished = self.job is not None and self.job.state == "finished"
        self.start_button.setEnabled(not running and not finished)
        self.start_button.setText(
            self.tr("&Continue training") if self.state.resume else self.tr("&Start training")
        )
        self.pause_button.setEnabled(running)
        self.cancel_button.setEnabled(running)

    def busy(self) -> bool:
        """Whether the training process still runs (also while it pauses)."""
        return self.job is not None and self.job.state == "running"

    def stop(self) -> None:
        """The wizard closes: a running job is paused (it stops after its next checkpoint and
        is offered for resuming when the wizard opens again)."""
        if self.job is not None and self.job.state == "running":
            self.job.pause()
        self.timer.stop()
