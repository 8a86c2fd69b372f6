"""Step 5, export and install: the run becomes a verified CTranslate2 model in the store (what
``hsb-whisper export`` does), the default model if the user agrees, and a ``.zip`` pack to
share (``hsb-whisper models pack``). The app's model list learns of it at once."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from hsb_whisper.desktop.ui.wizard.state import WizardState
from hsb_whisper.desktop.ui.wizard.task import Task, problem_html
from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.export import QUANTIZATIONS, ModelStore, make_pack
from hsb_whisper.finetune import export_run, next_version


class ExportPage(QWizardPage):
    installed = Signal(str)  # the new model's name

    def __init__(
        self, state: WizardState, store: ModelStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.store = store
        self.setTitle(self.tr("Export and install"))
        self.setSubTitle(
            self.tr(
                "The new model goes into your models, checked, ready for the transcription "
                "pages. A pack (.zip) shares it with others."
            )
        )
        self.name = QLineEdit()
        self.quantization = QComboBox()
        for q in QUANTIZATIONS:
            self.quantization.addItem(q, q)
        self.quantization.setCurrentIndex(QUANTIZATIONS.index("int8"))
        self.make_default = QCheckBox(self.tr("Use it as the &default model"))
        self.make_default.setChecked(True)
        self.export_button = QPushButton(self.tr("&Export and install"))
        self.export_button.clicked.connect(self.export)
        self.pack_button = QPushButton(self.tr("Save as a &pack to share…"))
        self.pack_button.clicked.connect(self.save_pack)
        self.pack_button.setEnabled(False)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Model name"), self.name)
        form.addRow(self.tr("Weights"), self.quantization)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.make_default)
        layout.addWidget(self.export_button)
        layout.addWidget(self.pack_button)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self._task: Task | None = None
        self.model_name: str | None = None

    def initializePage(self) -> None:
        base = self.state.base()
        if not self.name.text():
            if self.state.from_corrections and base == self.state.current_model:
                name = next_version(self.store, base)  # a new version; the old one is kept
            else:
                name = f"hsb-{self.state.recipe}-{time.strftime('%Y%m%d')}"
            self.name.setText(name)
        # the results page's verdict: a model that is not better is not made the default
        self.make_default.setChecked(self.state.better is not False)
        if self.state.better is False and self.model_name is None:
            self.status.setText(
                self.tr(
                    "The new model was not better than {0} on the held-out speech, so it is not "
                    "made the default model. You can still install it to try it."
                ).format(base)
            )

    def isComplete(self) -> bool:
        return self.model_name is not None

    def export(self) -> None:
        name = self.name.text().strip()
        quantization = self.quantization.currentData()
        self.export_button.setEnabled(False)
        self.bar.setVisible(True)

        def call(worker):
            _, info = export_run(
                self.state.run_dir,
                name=name,
                quantization=quantization,
                store=self.store,
                progress=worker.message,
            )
            return info.name

        self._task = Task(call)
        self._task.progress.connect(lambda message, *_: self.status.setText(message))
        self._task.finished.connect(self._exported)
        self._task.failed.connect(self._failed)
        self._task.start()

    def _exported(self, name: str) -> None:
        self.bar.setVisible(False)
        self.model_name = name
        if self.make_default.isChecked():
            self.store.set_default(name)
        text = self.tr("{0} is installed{1}.").format(
            name, self.tr(" and is the default model") if self.make_default.isChecked() else ""
        )
        if self.state.from_corrections and self.state.base() in self.store.names():
            text += " " + self.tr("{0} is kept as it was.").format(self.state.base())
        self.status.setText(text)
        self.pack_button.setEnabled(True)
        self.installed.emit(name)
        self.completeChanged.emit()

    def _failed(self, reason: str) -> None:
        self.bar.setVisible(False)
        self.export_button.setEnabled(True)
        self.status.setText(problem_html(reason))

    def save_pack(self, path: str | None = None) -> None:
        if self.model_name is None:
            return
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save the pack"), f"{self.model_name}.zip", "*.zip"
            )
        if path:
            try:
                pack = make_pack(self.store.resolve(self.model_name).path, Path(path))
            except (HsbWhisperError, OSError) as e:
                self.status.setText(problem_html(e))
                return
            self.status.setText(self.tr("Pack saved: {0}").format(pack))
