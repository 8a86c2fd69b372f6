"""The transcript editor: segments with their times, editable text, search, play a segment,
export, and autosave of every edit."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hsb_whisper import paths
from hsb_whisper.desktop import formats
from hsb_whisper.desktop.transcriber import Transcript

log = logging.getLogger(__name__)

START, END, TEXT = range(3)
_MATCH = QColor("#fff3b0")


def autosave_path(audio: Path) -> Path:
    """Where the edited transcript of ``audio`` is kept (user data folder)."""
    key = hashlib.blake2b(str(Path(audio).resolve()).encode(), digest_size=10).hexdigest()
    return paths.data_dir() / "transcripts" / f"{Path(audio).stem}-{key}.json"


def load_saved(audio: Path) -> Transcript | None:
    path = autosave_path(audio)
    if not path.is_file():
        return None
    try:
        return formats.read_json(path)
    except Exception:  # a damaged autosave must not stop the app: transcribe again
        log.warning("ignoring unreadable autosave %s", path, exc_info=True)
        return None


class TranscriptEditor(QWidget):
    """Shows one transcript; edits are saved at once."""

    play_requested = Signal(float, float)  # start, end of a segment (seconds)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.transcript: Transcript | None = None
        self.title = QLabel(self.tr("No transcript open. Transcribe a file or a recording."))
        self.search = QLineEdit(placeholderText=self.tr("Search…"))
        self.search.textChanged.connect(self._highlight)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("Start"), self.tr("End"), self.tr("Text")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.itemChanged.connect(self._edited)
        self.table.cellDoubleClicked.connect(self._play_row)
        self.play = QPushButton(self.tr("Play segment"))
        self.play.clicked.connect(lambda: self._play_row(self.table.currentRow(), 0))
        buttons = QHBoxLayout()
        buttons.addWidget(self.play)
        buttons.addStretch()
        self.export_buttons = {}
        for fmt in formats.FORMATS:
            button = QPushButton(self.tr("Save {0}").format(fmt.upper()))
            button.clicked.connect(lambda _=False, f=fmt: self._export_dialog(f))
            buttons.addWidget(button)
            self.export_buttons[fmt] = button
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._set_enabled(False)

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.search, self.table, self.play, *self.export_buttons.values()):
            widget.setEnabled(enabled)

    def show_transcript(self, transcript: Transcript) -> None:
        self.transcript = transcript
        self.title.setText(str(transcript.info.path))
        self.table.blockSignals(True)
        self.table.setRowCount(len(transcript.segments))
        for row, segment in enumerate(transcript.segments):
            for column, value in ((START, segment.start), (END, segment.end)):
                item = QTableWidgetItem(formats.timestamp(value, always_hours=False))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
            self.table.setItem(row, TEXT, QTableWidgetItem(segment.text))
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        self._set_enabled(True)
        self._highlight(self.search.text())

    def _edited(self, item: QTableWidgetItem) -> None:
        if self.transcript is None or item.column() != TEXT:
            return
        segments = self.transcript.segments
        segments[item.row()] = dataclasses.replace(segments[item.row()], text=item.text())
        self.autosave()

    def autosave(self) -> None:
        if self.transcript is not None:
            path = autosave_path(self.transcript.info.path)
            path.parent.mkdir(parents=True, exist_ok=True)
            formats.save(self.transcript, path, "json")

    def _highlight(self, text: str) -> None:
        needle = text.strip().casefold()
        first = None
        for row in range(self.table.rowCount()):
            item = self.table.item(row, TEXT)
            hit = bool(needle) and needle in item.text().casefold()
            item.setBackground(_MATCH if hit else QColor(Qt.GlobalColor.transparent))
            if hit and first is None:
                first = row
        if first is not None:
            self.table.scrollToItem(self.table.item(first, TEXT))

    def _play_row(self, row: int, _column: int) -> None:
        if self.transcript is not None and 0 <= row < len(self.transcript.segments):
            segment = self.transcript.segments[row]
            self.play_requested.emit(segment.start, segment.end)

    def export(self, fmt: str, path: Path) -> Path:
        return formats.save(self.transcript, Path(path), fmt)

    def _export_dialog(self, fmt: str) -> None:
        default = self.transcript.info.path.with_suffix(formats.suffix(fmt))
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save transcript"), str(default))
        if name:
            try:
                self.export(fmt, Path(name))
            except OSError as e:
                QMessageBox.warning(self, self.tr("Not saved"), f"{name}: {e}")
