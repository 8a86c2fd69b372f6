"""Models: the installed models with their metadata; get a known Upper Sorbian model, install a
pack or folder, import a Whisper; set the default."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hsb_whisper.desktop.ui.get_model_dialog import GetModelDialog
from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.export import HSB_TOKENS, ModelStore, import_facts, import_model

MODEL_ROLE = Qt.ItemDataRole.UserRole  # a list item's LocalModel


class ImportWorker(QObject):
    """Imports one Hugging Face Whisper folder in its own thread (minutes for large models)."""

    finished = Signal(str)  # the model's name
    failed = Signal(str)  # the reason, one line

    def __init__(self, store: ModelStore, folder: str, name: str, language: str | None) -> None:
        super().__init__()
        self.store, self.folder, self.name, self.language = store, folder, name, language

    @Slot()
    def run(self) -> None:
        try:
            import_model(self.folder, name=self.name, language=self.language, store=self.store)
        except HsbWhisperError as e:
            self.failed.emit(str(e))
        except Exception as e:  # a bug must reach the user as a message, not kill the thread
            self.failed.emit(f"{type(e).__name__}: {e}")
        else:
            self.finished.emit(self.name)


class ModelsPage(QWidget):
    train_requested = Signal()  # "Train a model…": the main window opens the wizard

    def __init__(self, store: ModelStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.list = QListWidget()
        self.list.currentItemChanged.connect(self._show_details)
        self.details = QPlainTextEdit(readOnly=True)
        self.get_button = QPushButton(self.tr("Get an Upper Sorbian model…"))
        self.get_button.clicked.connect(self.open_get_dialog)
        self._get_dialog: GetModelDialog | None = None
        install = QPushButton(self.tr("Install model pack…"))
        install.clicked.connect(self._install_dialog)
        install_folder = QPushButton(self.tr("Install model folder…"))
        install_folder.clicked.connect(self._install_folder_dialog)
        self.import_button = QPushButton(self.tr("Import a Whisper model…"))
        self.import_button.clicked.connect(self._import_dialog)
        self._import: tuple[QThread, ImportWorker] | None = None
        self.default_button = QPushButton(self.tr("Use as default"))
        self.default_button.clicked.connect(self._make_default)
        self.train_button = QPushButton(self.tr("Train a model…"))
        self.train_button.clicked.connect(self.train_requested)
        # Two rows (one would make the window wider than 1000 px in Upper Sorbian): getting or
        # training an Upper Sorbian model, and the default; then bringing one of your own.
        buttons = QHBoxLayout()
        buttons.addWidget(self.get_button)
        buttons.addWidget(self.train_button)
        buttons.addStretch()
        buttons.addWidget(self.default_button)
        own = QHBoxLayout()
        own.addWidget(install)
        own.addWidget(install_folder)
        own.addWidget(self.import_button)
        own.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addLayout(own)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addWidget(self.details, 2)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        default = self.store.default_name
        for entry in self.store.models():
            if isinstance(entry, HsbWhisperError):
                item = QListWidgetItem(self.tr("damaged: {0}").format(entry))
            else:
                label = entry.name + (self.tr(" (default)") if entry.name == default else "")
                item = QListWidgetItem(label)
                item.setData(MODEL_ROLE, entry)
            self.list.addItem(item)
        self.list.setCurrentRow(0)

    def select(self, name: str) -> None:
        """Make the model called ``name`` the current row (after it was installed)."""
        for row in range(self.list.count()):
            model = self.list.item(row).data(MODEL_ROLE)
            if model is not None and model.name == name:
                self.list.setCurrentRow(row)

    def open_get_dialog(self) -> GetModelDialog:
        """Shows "Get an Upper Sorbian model" (the same dialog each time: the default model's
        speed is measured once); a model it installs is selected here."""
        if self._get_dialog is None:
            self._get_dialog = GetModelDialog(self.store, self)
            self._get_dialog.installed.connect(self._model_got)
        else:
            self._get_dialog.fill()  # models may have been removed or added meanwhile
        self._get_dialog.open()
        return self._get_dialog

    def _model_got(self, name: str) -> None:
        self.refresh()
        self.select(name)

    def _show_details(self, item: QListWidgetItem | None) -> None:
        model = item.data(MODEL_ROLE) if item else None
        if model is None:
            self.details.setPlainText(item.text() if item else "")
            return
        info = model.info
        rows = [
            (self.tr("Name"), model.name),
            (self.tr("Language token"), model.language or "auto"),
            (self.tr("Base"), info.base if info else "?"),
            (self.tr("Weights"), info.quantization if info else "?"),
            (self.tr("Recipe"), _recipe_name(info)),
            (self.tr("WER"), _wer(info)),
            (self.tr("Source"), info.source if info else ""),
            (self.tr("Licence"), info.license if info else ""),
            (self.tr("Folder"), str(model.path)),
        ]
        lines = [f"{label}: {value}" for label, value in rows]
        if model.untrained_default:
            lines.append("")
            lines.append(self.tr("Not trained for Upper Sorbian (writes Czech spelling)."))
        copyleft = info.copyleft_licence if info else None
        if copyleft:
            lines.append(self.tr("Copyleft licence: {0}").format(copyleft))
        self.details.setPlainText("\n".join(lines))

    def install(self, source: Path) -> str:
        model = self.store.install(source)
        self.refresh()
        return model.name

    def _install_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Model pack"), "", self.tr("Model packs") + " (*.zip)"
        )
        self._install_chosen(name)

    def _install_folder_dialog(self) -> None:
        self._install_chosen(QFileDialog.getExistingDirectory(self, self.tr("Model folder")))

    def _install_chosen(self, name: str) -> None:
        if not name:
            return
        try:
            self.install(Path(name))
        except HsbWhisperError as e:
            QMessageBox.warning(self, self.tr("Not installed"), str(e))

    def _import_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Hugging Face Whisper folder"))
        if not folder:
            return
        try:
            stated = import_facts(folder).language
        except HsbWhisperError as e:
            QMessageBox.warning(self, self.tr("Not imported"), str(e))
            return
        language = stated
        if language is None:
            language, ok = QInputDialog.getItem(
                self,
                self.tr("Language token"),
                self.tr(
                    "The model does not say which Whisper language token to force. "
                    "Upper Sorbian models use cs, de or pl:"
                ),
                list(HSB_TOKENS),
                0,
                True,
            )
            if not ok or not language.strip():
                return
            language = language.strip()
        name = Path(folder).name
        name, ok = QInputDialog.getText(self, self.tr("Model name"), self.tr("Name"), text=name)
        if not ok or not name.strip():
            return
        self.start_import(folder, name.strip(), language)

    def start_import(self, folder: str, name: str, language: str | None) -> None:
        """Import ``folder`` as ``name`` off the GUI thread; the list is refreshed after."""
        thread, worker = QThread(self), ImportWorker(self.store, folder, name, language)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.finished.connect(self._import_finished)
        worker.failed.connect(self._import_failed)
        self._import = (thread, worker)
        self.import_button.setEnabled(False)
        QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BusyCursor))
        thread.start()

    def _end_import(self) -> None:
        QApplication.restoreOverrideCursor()
        self.import_button.setEnabled(True)
        if self._import is not None:
            thread, _worker = self._import
            thread.quit()
            thread.wait()
            self._import = None

    def _import_finished(self, name: str) -> None:
        self._end_import()
        self.refresh()
        self.select(name)

    def _import_failed(self, reason: str) -> None:
        self._end_import()
        QMessageBox.warning(self, self.tr("Not imported"), reason)

    def _make_default(self) -> None:
        item = self.list.currentItem()
        model = item.data(MODEL_ROLE) if item else None
        if model is not None:
            self.store.set_default(model.name)
            self.refresh()


def _recipe_name(info) -> str:
    recipe = (info.recipe or {}).get("recipe") if info else None
    return recipe.get("name", "") if isinstance(recipe, dict) else "—"


def _wer(info) -> str:
    evaluation = info.evaluation if info else None
    if not evaluation or "wer" not in evaluation:
        return "—"
    return f"{100 * evaluation['wer']:.1f} % ({json.dumps(evaluation.get('clips'))} clips)"
