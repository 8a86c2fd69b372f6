"""Get an Upper Sorbian model: the catalogue of known models with what each costs on this
computer, and downloading one — what ``hsb-whisper models get [NAME] [--default]`` does.

The facts are the command line's: download and disk size, the speed expected here (the default
model's measured speed scaled by size, :func:`~hsb_whisper.export.expected_speed`), the licence
with copyleft marked, the word error rate the authors report with its test set. The download
runs :func:`~hsb_whisper.export.get_model` on a thread of its own; Cancel is asked between
chunks, and what was downloaded is kept, so the next Download continues it.
"""

from __future__ import annotations

import html
import logging
import threading

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QCursor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.export import (
    CatalogueEntry,
    DownloadCancelled,
    ModelStore,
    expected_speed,
    get_model,
    load_catalogue,
    measure_default_speed,
)

log = logging.getLogger(__name__)

MODEL, BASE, DOWNLOAD, DISK, SPEED, LICENCE, WER = range(7)
WARNING_COLOUR = QColor("#b00020")  # copyleft, notes, failures
KB = 1000  # the progress bar counts kilobytes: its int range holds 2 TB instead of 2 GB
# The threads started here, until their result has arrived: a thread has no parent, so that a
# dialog deleted with its page never destroys a thread still running (Qt aborts the process).
_RUNNING: set[QThread] = set()


def size_text(size: int) -> str:
    """About ``size`` bytes, as the command line's catalogue writes it (``~480 MB``,
    ``~1.5 GB``)."""
    return f"~{size / 1e9:.1f} GB" if size >= 1e9 else f"~{size / 1e6:.0f} MB"


class SpeedWorker(QObject):
    """Times the default model once (a second or two of work) for the speed column."""

    measured = Signal(object)  # the default model's real-time factor, or None if it failed

    @Slot()
    def run(self) -> None:
        try:
            rtf = measure_default_speed()
        except Exception:  # the catalogue never fails for want of a measurement
            log.warning("speed measurement failed; speeds from the size alone", exc_info=True)
            rtf = None
        self.measured.emit(rtf)
        self.thread().quit()  # from here: waiting for the thread needs no event loop


class DownloadWorker(QObject):
    """Runs :func:`get_model` for one catalogue entry; ``cancel()`` is safe from any thread."""

    progress = Signal(str, object, object)  # phase, done, total (bytes: beyond a 32-bit int)
    finished = Signal(str)  # the installed model's name
    cancelled = Signal()
    failed = Signal(str)  # the reason, one line

    def __init__(self, store: ModelStore, name: str, make_default: bool) -> None:
        super().__init__()
        self.store, self.name, self.make_default = store, name, make_default
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        try:
            model = get_model(
                self.name,
                make_default=self.make_default,
                store=self.store,
                progress=lambda phase, done, total: self.progress.emit(phase, done, total),
                cancelled=self._cancel.is_set,
            )
        except DownloadCancelled:  # what arrived is kept for the next Download
            self.cancelled.emit()
        except HsbWhisperError as e:
            self.failed.emit(str(e))
        except Exception as e:  # a bug reaches the user as one line; the traceback is logged
            log.exception("getting %s failed", self.name)
            self.failed.emit(f"{type(e).__name__}: {e}")
        else:
            self.finished.emit(model.name)
        self.thread().quit()


class GetModelDialog(QDialog):
    """The catalogue as a table; Download gets the selected model into ``store``."""

    installed = Signal(str)  # a model was installed: the Models page refreshes and selects it

    def __init__(self, store: ModelStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(self.tr("Get an Upper Sorbian model"))
        self.entries: list[CatalogueEntry] = []
        self.installed_names: set[str] = set()  # the store's models when the table was filled
        self.default_rtf: float | None = None
        self.measured = False  # the speed column is filled (measured, or from the size alone)
        self._speed: tuple[QThread, SpeedWorker] | None = None
        self._download: tuple[QThread, DownloadWorker] | None = None

        intro = QLabel(
            self.tr(
                "Whisper models trained for Upper Sorbian. The chosen one is downloaded once "
                "from the Hugging Face Hub, converted and checked on this computer."
            ),
            wordWrap=True,
        )
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Model"),
                self.tr("Base"),
                self.tr("Download"),
                self.tr("On disk"),
                self.tr("Speed here"),
                self.tr("Licence"),
                self.tr("Reported WER"),
            ]
        )
        self.table.horizontalHeaderItem(SPEED).setToolTip(
            self.tr(
                "Seconds of work per second of audio (1x = real time), estimated from a short "
                "run of the default model here and the model's size."
            )
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda *_: self._selection_changed())
        self.note = QLabel(
            self.tr(
                "Reported word error rates come from different test sets: they cannot be "
                "compared with each other."
            ),
            wordWrap=True,
        )
        self.details = QLabel(wordWrap=True, openExternalLinks=True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.make_default = QCheckBox(self.tr("Make it the default &model"))
        self.make_default.setChecked(True)
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        self.status = QLabel(wordWrap=True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # messages hold names and paths
        self.download_button = QPushButton(self.tr("&Download"))
        self.download_button.clicked.connect(self.download)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.make_default)
        buttons.addStretch()
        for button in (self.download_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(self.details)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.resize(900, 480)
        app = QApplication.instance()
        if app is not None:  # the app quits with the dialog open: stop the threads first
            app.aboutToQuit.connect(self.stop)

        try:
            self.entries = load_catalogue()
        except HsbWhisperError as e:
            self._show_status(str(e), problem=True)
        self.fill()
        self.measure_speed()

    # -- the table -------------------------------------------------------------------------------

    def fill(self) -> None:
        """The catalogue's rows (again: after a download, the installed one is marked)."""
        row_before = self.table.currentRow()
        self.installed_names = set(self.store.names())
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            mark = self.tr(" (installed)") if entry.name in self.installed_names else ""
            name = entry.name + mark
            licence = QTableWidgetItem(self._licence_text(entry))
            if entry.copyleft:
                licence.setForeground(QBrush(WARNING_COLOUR))
                font = QFont(licence.font())
                font.setBold(True)
                licence.setFont(font)
                licence.setToolTip(self._copyleft_note(entry))
            wer = QTableWidgetItem(
                f"{entry.reported_wer:g} %" if entry.reported_wer is not None else "—"
            )
            wer.setToolTip(self.tr("measured on {0}").format(entry.test_set))
            cells = {
                MODEL: QTableWidgetItem(name),
                BASE: QTableWidgetItem(entry.base.removeprefix("openai/")),
                DOWNLOAD: QTableWidgetItem(size_text(entry.download_bytes)),
                DISK: QTableWidgetItem(size_text(entry.disk_bytes())),
                SPEED: QTableWidgetItem(self._speed_text(entry)),
                LICENCE: licence,
                WER: wer,
            }
            cells[MODEL].setToolTip(entry.summary)
            for column, item in cells.items():
                self.table.setItem(row, column, item)
        if self.entries:
            self.table.selectRow(max(row_before, 0))
        self._selection_changed()

    def _speed_text(self, entry: CatalogueEntry) -> str:
        if not self.measured:
            return "…"
        rtf, words = expected_speed(entry, self.default_rtf)
        words = self._speed_words().get(words, words)
        return f"{words} (~{rtf:.1f}x)" if rtf is not None else words

    def _speed_words(self) -> dict[str, str]:
        """expected_speed's classes, translated."""
        return {
            "fast": self.tr("fast"),
            "about real time": self.tr("about real time"),
            "slow": self.tr("slow"),
            "very slow": self.tr("very slow"),
        }

    def _licence_text(self, entry: CatalogueEntry) -> str:
        if entry.copyleft:
            return self.tr("{0} (copyleft)").format(entry.license.upper())
        return self.tr("unknown") if entry.license == "unknown" else entry.license

    def _copyleft_note(self, entry: CatalogueEntry) -> str:
        return self.tr(
            "Copyleft licence {0}: whoever distributes this model (or a service built on it, "
            "for AGPL) must share it under the same licence."
        ).format(entry.license.upper())

    def selected(self) -> CatalogueEntry | None:
        row = self.table.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) else None

    def select(self, name: str) -> None:
        for row, entry in enumerate(self.entries):
            if entry.name == name:
                self.table.selectRow(row)

    def _selection_changed(self) -> None:
        entry = self.selected()
        self.details.setText(self._details_html(entry) if entry else "")
        self._update_buttons()

    def _details_html(self, entry: CatalogueEntry) -> str:
        e = html.escape
        lines = [
            f"<b>{e(entry.name)}</b>: {e(entry.summary)}",
            e(self.tr("Hugging Face Hub: {0}; language token {1} ({2})")).format(
                f"<a href='https://huggingface.co/{e(entry.hub_id)}'>{e(entry.hub_id)}</a>",
                e(entry.language),
                e(entry.language_source),
            ),
        ]
        if entry.reported_wer is not None:
            lines.append(
                e(
                    self.tr("Reported WER: {0} % on {1}").format(
                        f"{entry.reported_wer:g}", entry.test_set
                    )
                )
            )
        links = ", ".join(f"<a href='{e(s)}'>{e(s)}</a>" for s in entry.sources)
        lines.append(e(self.tr("Sources: {0}")).format(links))
        for note in self._notes(entry):
            lines.append(f"<span style='color:{WARNING_COLOUR.name()}'>{e(note)}</span>")
        return "<br>".join(lines)

    def _notes(self, entry: CatalogueEntry) -> list[str]:
        """What to know before downloading ``entry``: what ``models get NAME`` prints about its
        licence and its text."""
        notes = []
        if entry.copyleft:
            notes.append(self._copyleft_note(entry))
        if entry.license == "unknown":
            notes.append(self.tr("The model card states no licence."))
        if entry.task == "translate":
            notes.append(
                self.tr("This model writes German text for Upper Sorbian speech (a translation).")
            )
        return notes

    # -- the speed column ------------------------------------------------------------------------

    def measure_speed(self) -> None:
        """Times the default model on a thread; the speed column says "…" until then."""
        thread, worker = QThread(), SpeedWorker()
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.measured.connect(self._speed_measured)
        self._speed = (thread, worker)
        _RUNNING.add(thread)
        thread.start()

    def _speed_measured(self, rtf: float | None) -> None:
        if self._speed is not None:
            _forget(self._speed[0])
            self._speed = None
        self.default_rtf, self.measured = rtf, True
        for row, entry in enumerate(self.entries):
            self.table.item(row, SPEED).setText(self._speed_text(entry))

    # -- downloading -----------------------------------------------------------------------------

    def busy(self) -> bool:
        return self._download is not None

    def _update_buttons(self) -> None:
        entry = self.selected()
        installed = entry is not None and entry.name in self.installed_names
        self.download_button.setEnabled(entry is not None and not installed and not self.busy())
        self.cancel_button.setEnabled(self.busy())
        self.table.setEnabled(not self.busy())
        self.make_default.setEnabled(not self.busy())

    def download(self) -> None:
        """Get the selected model, after confirming what must be known first (copyleft, German
        text, no licence)."""
        entry = self.selected()
        if entry is None or self.busy():
            return
        notes = self._notes(entry)
        if notes:
            answer = QMessageBox.question(
                self,
                self.tr("Download {0}?").format(entry.name),
                "\n\n".join([*notes, self.tr("Download it?")]),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        thread = QThread()
        worker = DownloadWorker(self.store, entry.name, self.make_default.isChecked())
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self._progress)
        worker.finished.connect(self._finished)
        worker.cancelled.connect(self._cancelled)
        worker.failed.connect(self._failed)
        self._download = (thread, worker)
        self.bar.setRange(0, 0)
        self.bar.setVisible(True)
        self._show_status(self.tr("Connecting…"))
        self._update_buttons()
        _RUNNING.add(thread)
        thread.start()

    def cancel(self) -> None:
        if self._download is not None:
            self._download[1].cancel()
            self._show_status(self.tr("Cancelling…"))
            self.cancel_button.setEnabled(False)

    def _progress(self, phase: str, done: int, total: int) -> None:
        if self._download is None or self._download[1].is_cancelled():
            return
        if phase == "download":  # the text first, then the bar (which repaints)
            mb = f"{done / 1e6:.0f}"
            if total > 0:
                self._show_status(
                    self.tr("Downloading… {0} of {1} MB").format(mb, f"{total / 1e6:.0f}")
                )
                self.bar.setRange(0, max(1, total // KB))
                self.bar.setValue(min(done, total) // KB)
            else:
                self._show_status(self.tr("Downloading… {0} MB").format(mb))
                self.bar.setRange(0, 0)
        elif phase == "convert" and done < total:
            self._show_status(self.tr("Converting and checking…"))
            self.bar.setRange(0, 0)  # one step of unknown length: a busy bar
            self.cancel_button.setEnabled(False)  # only the download stops midway

    def _end_download(self) -> None:
        if self._download is not None:
            _forget(self._download[0])
            self._download = None
        self.bar.setVisible(False)
        self._update_buttons()

    def _finished(self, name: str) -> None:
        self._end_download()
        default = self.store.default_name == name
        self.fill()
        self.select(name)
        self._show_status(
            self.tr("{0} is installed and is now the default model.").format(name)
            if default
            else self.tr("{0} is installed: choose it on the Models page.").format(name)
        )
        self.installed.emit(name)

    def _cancelled(self) -> None:
        self._end_download()
        self._show_status(
            self.tr(
                "Cancelled. What was downloaded is kept: Download continues from there next time."
            )
        )

    def _failed(self, reason: str) -> None:
        self._end_download()
        self._show_status(self.tr("Not installed: {0}").format(reason), problem=True)

    def _show_status(self, text: str, problem: bool = False) -> None:
        self.status.setStyleSheet(f"color: {WARNING_COLOUR.name()}" if problem else "")
        self.status.setText(text)

    # -- closing ---------------------------------------------------------------------------------

    @Slot()
    def stop(self) -> None:
        """The app quits: cancel a download and wait for both threads."""
        self._cancel_and_wait(self._download, self._speed)

    def done(self, result: int) -> None:
        """Closed: a download is cancelled and waited for (it stops at its next chunk; a
        conversion under way is finished first). A speed measurement ends by itself."""
        self._cancel_and_wait(self._download)
        super().done(result)

    def _cancel_and_wait(self, *running: tuple[QThread, QObject] | None) -> None:
        running = tuple(r for r in running if r is not None)
        if not running:
            return
        if self._download is not None:
            self._download[1].cancel()
        QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BusyCursor))
        try:
            for thread, _worker in running:
                thread.wait()
        finally:
            QApplication.restoreOverrideCursor()


def _forget(thread: QThread) -> None:
    """A thread whose worker has reported: it has quit (or is about to), so it can go."""
    thread.wait()
    _RUNNING.discard(thread)
