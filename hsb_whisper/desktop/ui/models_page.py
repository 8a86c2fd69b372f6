"""Models: the installed models with their metadata; install a pack or folder; set the default."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.export import ModelStore

MODEL_ROLE = Qt.ItemDataRole.UserRole  # a list item's LocalModel


class ModelsPage(QWidget):
    def __init__(self, store: ModelStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.list = QListWidget()
        self.list.currentItemChanged.connect(self._show_details)
        self.details = QPlainTextEdit(readOnly=True)
        install = QPushButton(self.tr("Install model pack…"))
        install.clicked.connect(self._install_dialog)
        install_folder = QPushButton(self.tr("Install model folder…"))
        install_folder.clicked.connect(self._install_folder_dialog)
        self.default_button = QPushButton(self.tr("Use as default"))
        self.default_button.clicked.connect(self._make_default)
        buttons = QHBoxLayout()
        buttons.addWidget(install)
        buttons.addWidget(install_folder)
        buttons.addWidget(self.default_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
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
