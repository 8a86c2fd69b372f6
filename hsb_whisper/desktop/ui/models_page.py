"""Models: the installed models with their metadata and how each did on the user's corrections;
get a known Upper Sorbian model, install a pack or folder, import a Whisper; set the default;
improve the default model with the user's corrections."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt, Signal
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
from hsb_whisper.desktop.ui.improve_dialog import ImproveDialog
from hsb_whisper.desktop.ui.task import Task
from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.evaluation import CorrectionsScore, ModelSource, corrections_wer
from hsb_whisper.export import HSB_TOKENS, LocalModel, ModelStore, import_facts, import_model

MODEL_ROLE = Qt.ItemDataRole.UserRole  # a list item's LocalModel


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
        self._import: Task | None = None
        self.default_button = QPushButton(self.tr("Use as default"))
        self.default_button.clicked.connect(self._make_default)
        self.train_button = QPushButton(self.tr("Train a model…"))
        self.train_button.clicked.connect(self.train_requested)
        self.improve_button = QPushButton(self.tr("Improve with my corrections…"))
        self.improve_button.clicked.connect(self.open_improve_dialog)
        self._improve_dialog: ImproveDialog | None = None
        # Two rows (one would make the window wider than 1000 px in Upper Sorbian): getting,
        # training or improving an Upper Sorbian model, and the default; then bringing one of
        # your own.
        buttons = QHBoxLayout()
        buttons.addWidget(self.get_button)
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.improve_button)
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
        # Each model's line on the user's corrections, once computed (until the next refresh or
        # the page is shown again: corrections are made on another tab), and the tasks computing
        # them.
        self._corrections: dict[str, str] = {}
        self._scoring: dict[Task, str] = {}
        self.refresh()

    def refresh(self) -> None:
        """List the store's models again; their figures on the user's corrections are computed
        again as each is shown."""
        self._forget_scores()
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

    def open_improve_dialog(self) -> ImproveDialog:
        """Shows "Improve my model with my corrections": the one still working (closing it left
        it running), else a new one (the default model and the checked minutes may have
        changed); a model it installs is selected here."""
        dialog = self._improve_dialog
        if dialog is None or not dialog.busy():
            if dialog is not None:
                dialog.deleteLater()
            dialog = self._improve_dialog = ImproveDialog(self.store, self)
            dialog.improved.connect(self._model_got)
        dialog.show()
        dialog.raise_()
        return dialog

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
        lines += ["", self._corrections_line(model)]
        self.details.setPlainText("\n".join(lines))

    # -- how the model did on the user's corrections ---------------------------------------------

    def showEvent(self, event) -> None:
        """Back on the page (perhaps from correcting on the Transcript tab): the selected
        model's figure is computed again."""
        super().showEvent(event)
        self._forget_scores()
        self._show_details(self.list.currentItem())

    def _forget_scores(self) -> None:
        """Every model's figure is computed again when shown; a task still computing one
        reports to nobody."""
        self._corrections.clear()
        self._scoring.clear()

    def _corrections_line(self, model: LocalModel) -> str:
        """How much of the user's corrections the model's own output got wrong; "…" while that
        is computed (started here when the model is first shown after a refresh)."""
        line = self._corrections.get(model.name)
        if line is not None:
            return line
        if model.name not in self._scoring.values():
            self._score(model)
        return self.tr("On your corrections: …")

    def _score(self, model: LocalModel) -> None:
        """The model's WER on the confirmed segments of the transcripts it wrote itself, in the
        app's transcripts folder: nothing is decoded, so it takes as long as reading them."""
        source = ModelSource("ct2", model.path, None, model.language, model.name)
        task = Task(lambda _worker: corrections_wer(source, only_own=True))
        task.finished.connect(self._scored)
        task.failed.connect(self._not_scored)
        self._scoring[task] = model.name
        task.start()

    def _scored(self, score: CorrectionsScore) -> None:
        self._show_scored(self.sender(), self._score_text(score))

    def _not_scored(self, reason: str) -> None:
        line = self.tr("Your corrections could not be scored: {0}").format(reason)
        self._show_scored(self.sender(), line)

    def _show_scored(self, task: Task, line: str) -> None:
        name = self._scoring.pop(task, None)
        if name is None:  # the page was refreshed meanwhile
            return
        self._corrections[name] = line
        item = self.list.currentItem()
        model = item.data(MODEL_ROLE) if item else None
        if model is not None and model.name == name:
            self._show_details(item)

    def _score_text(self, score: CorrectionsScore) -> str:
        if score.wer is None:
            text = self.tr(
                "No corrected transcripts of this model yet: correct or check segments in the "
                "Transcript tab."
            )
        else:
            minutes, words = f"{score.minutes:.1f}", _count(score.words)
            wrong = f"{100 * score.wer:.1f}"
            if score.recordings == 1:
                text = self.tr(
                    "On your {0} corrected minutes ({1} words in one recording) this model got "
                    "{2} % of words wrong."
                ).format(minutes, words, wrong)
            else:
                text = self.tr(
                    "On your {0} corrected minutes ({1} words in {2} recordings) this model got "
                    "{3} % of words wrong."
                ).format(minutes, words, _count(score.recordings), wrong)
        if score.problems:
            unread = self.tr("Saved transcripts that could not be read: {0} (the log names them).")
            text += "\n" + unread.format(len(score.problems))
        return text

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
        """Import ``folder`` as ``name`` off the GUI thread (minutes for a large model); the
        list is refreshed after."""
        store = self.store

        def run(_worker) -> str:
            import_model(folder, name=name, language=language, store=store)
            return name

        self._import = Task(run)
        self._import.finished.connect(self._import_finished)
        self._import.failed.connect(self._import_failed)
        self.import_button.setEnabled(False)
        QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BusyCursor))
        self._import.start()

    def _end_import(self) -> None:
        QApplication.restoreOverrideCursor()
        self.import_button.setEnabled(True)
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


def _count(n: int) -> str:
    """``n`` with its thousands apart by a narrow no-break space (``1 830``): a comma or a
    point would read as a decimal separator in one of the app's languages."""
    return f"{n:,}".replace(",", "\u202f")
