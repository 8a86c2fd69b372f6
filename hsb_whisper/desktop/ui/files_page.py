"""The file queue: add or drop files and folders, watch each file's progress, cancel, retry,
open the results. Failures are shown per file with the reason."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hsb_whisper.audio import AUDIO_SUFFIXES, find_audio_files
from hsb_whisper.export import ModelStore
from hsb_whisper.export.default_model import DEFAULT_MODEL_NAME

NAME, STATE, PROGRESS = range(3)


def expand(paths: list[Path]) -> list[Path]:
    """Files as they are; folders replaced by the audio files inside them (sorted)."""
    result = []
    for path in paths:
        if path.is_dir():
            result += find_audio_files(path)
        else:
            result.append(path)
    return result


@dataclasses.dataclass
class Job:
    id: int
    path: Path
    state: str = "queued"  # queued | running | done | failed | cancelled
    transcript: object = None
    error: str = ""
    outputs: list[Path] = dataclasses.field(default_factory=list)  # also saved there when done


class FilesPage(QWidget):
    submit = Signal(int, str)  # job id, path: the main window adds model and options
    cancel_requested = Signal(int)
    open_requested = Signal(int)

    _ids = itertools.count(1)

    def __init__(self, parent: QWidget | None = None, store: ModelStore | None = None) -> None:
        super().__init__(parent)
        self.jobs: dict[int, Job] = {}
        self.rows: dict[int, int] = {}
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("File"), self.tr("State"), self.tr("Progress")]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(STATE, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(PROGRESS, 220)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.cellDoubleClicked.connect(lambda row, _c: self._open_row(row))
        add_files = QPushButton(self.tr("Add files…"))
        add_files.clicked.connect(self._add_files_dialog)
        add_folder = QPushButton(self.tr("Add folder…"))
        add_folder.clicked.connect(self._add_folder_dialog)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.retry_button = QPushButton(self.tr("Retry"))
        self.retry_button.clicked.connect(self.retry_selected)
        self.open_button = QPushButton(self.tr("Open transcript"))
        self.open_button.clicked.connect(lambda: self._open_row(self.table.currentRow()))
        buttons = QHBoxLayout()
        for button in (
            add_files,
            add_folder,
            self.cancel_button,
            self.retry_button,
            self.open_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch()
        # The first-run state: what to do, and what the embedded model cannot do.
        hint = self.tr("Add audio files or a folder, or drop them here.")
        if (store or ModelStore()).default_name == DEFAULT_MODEL_NAME:
            hint += " " + self.tr(
                "The built-in model whisper-base is not trained for Upper Sorbian (it writes "
                "Czech spelling): get a better one under Models → Get an Upper Sorbian model…"
            )
        self.hint = QLabel(hint, wordWrap=True)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)
        layout.addWidget(self.table)
        self.setAcceptDrops(True)

    # -- adding ------------------------------------------------------------------------------

    def add_paths(self, paths: list[Path]) -> list[int]:
        ids = []
        for path in expand([Path(p) for p in paths]):
            job = Job(next(self._ids), path)
            self.jobs[job.id] = job
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.rows[job.id] = row
            self.table.setItem(row, NAME, QTableWidgetItem(path.name))
            self.table.item(row, NAME).setToolTip(str(path))
            self.table.setItem(row, STATE, QTableWidgetItem())
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setFormat("")
            self.table.setCellWidget(row, PROGRESS, bar)
            self._show(job)
            self.submit.emit(job.id, str(path))
            ids.append(job.id)
        self.hint.setVisible(not self.jobs)
        self.table.resizeColumnToContents(NAME)
        return ids

    def _add_files_dialog(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Audio files"),
            "",
            self.tr("Audio") + f" ({' '.join('*' + s for s in AUDIO_SUFFIXES)});;* (*)",
        )
        self.add_paths([Path(n) for n in names])

    def _add_folder_dialog(self) -> None:
        name = QFileDialog.getExistingDirectory(self, self.tr("Folder with recordings"))
        if name:
            self.add_paths([Path(name)])

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        self.add_paths(paths)
        event.acceptProposedAction()

    # -- state from the worker ---------------------------------------------------------------

    def _show(self, job: Job) -> None:
        row = self.rows[job.id]
        labels = {
            "queued": self.tr("queued"),
            "running": self.tr("transcribing"),
            "done": self.tr("done"),
            "failed": self.tr("failed"),
            "cancelled": self.tr("cancelled"),
        }
        item = self.table.item(row, STATE)
        item.setText(labels[job.state] + (f": {job.error}" if job.error else ""))
        item.setToolTip(job.error)
        item.setForeground(Qt.GlobalColor.red if job.state == "failed" else Qt.GlobalColor.black)

    def bar(self, job_id: int) -> QProgressBar:
        return self.table.cellWidget(self.rows[job_id], PROGRESS)

    def on_started(self, job_id: int) -> None:
        self.jobs[job_id].state = "running"
        self._show(self.jobs[job_id])

    def on_progress(self, job_id: int, done: float, total: float) -> None:
        bar = self.bar(job_id)
        bar.setValue(int(1000 * done / total) if total else 0)
        bar.setFormat(f"{done:.0f} / {total:.0f} s")

    def on_finished(self, job_id: int, transcript) -> None:
        job = self.jobs[job_id]
        job.state, job.transcript, job.error = "done", transcript, ""
        self.bar(job_id).setValue(1000)
        self._show(job)

    def on_failed(self, job_id: int, reason: str) -> None:
        job = self.jobs[job_id]
        job.state, job.error = "failed", reason.split(": ", 1)[-1]
        self.bar(job_id).setValue(0)
        self._show(job)

    def on_cancelled(self, job_id: int) -> None:
        self.jobs[job_id].state = "cancelled"
        self.bar(job_id).setValue(0)
        self._show(self.jobs[job_id])

    # -- actions -----------------------------------------------------------------------------

    def _selected(self) -> list[Job]:
        rows = {i.row() for i in self.table.selectedIndexes()} or {self.table.currentRow()}
        by_row = {row: job_id for job_id, row in self.rows.items()}
        return [self.jobs[by_row[r]] for r in sorted(rows) if r in by_row]

    def cancel_selected(self) -> None:
        for job in self._selected():
            if job.state in ("queued", "running"):
                self.cancel_requested.emit(job.id)

    def retry_selected(self) -> None:
        for job in self._selected():
            if job.state in ("failed", "cancelled"):
                self.retry(job.id)

    def retry(self, job_id: int) -> int:
        """Queue the job's file again, as a new job in the same row."""
        old = self.jobs[job_id]
        job = Job(next(self._ids), old.path)
        self.jobs[job.id] = job
        self.rows[job.id] = self.rows.pop(job_id)
        self._show(job)
        self.submit.emit(job.id, str(job.path))
        return job.id

    def _open_row(self, row: int) -> None:
        by_row = {r: job_id for job_id, r in self.rows.items()}
        if row in by_row and self.jobs[by_row[row]].state == "done":
            self.open_requested.emit(by_row[row])
