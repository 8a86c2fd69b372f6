"""Step 2, the recipe: classic or two-stage, the base model, and the settings (the original
research's by default). The choice becomes the recipe name and ``--set`` overrides, exactly what
``hsb-whisper finetune`` takes; it is checked with the same ``load_recipe``."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from hsb_whisper.desktop.ui.wizard.state import WizardState
from hsb_whisper.desktop.ui.wizard.task import problem_html
from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.export import EMBEDDED_NAME, ModelStore
from hsb_whisper.finetune import load_recipe

RESEARCH_BASE = "whisper-small"


class RecipePage(QWizardPage):
    def __init__(
        self, state: WizardState, store: ModelStore | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.store = store or ModelStore()
        self.setTitle(self.tr("Recipe"))
        self.setSubTitle(self.tr("How to train: the two recipes of the original research."))
        self.classic = QRadioButton(self.tr("&Classic"))
        self.classic_text = QLabel(
            self.tr(
                "One adapter is trained directly on the Upper Sorbian data. It needs only "
                "Upper Sorbian recordings and is the quicker of the two."
            )
        )
        self.two_stage = QRadioButton(self.tr("&Two-stage"))
        self.two_stage_text = QLabel(
            self.tr(
                "An adapter is first trained on Czech and merged into the model, then a second "
                "one on Upper Sorbian. The original research found this lowers the word error "
                "rate on Upper Sorbian; it needs Czech data as well."
            )
        )
        for label in (self.classic_text, self.two_stage_text):
            label.setWordWrap(True)
            label.setIndent(24)
        group = QButtonGroup(self)
        group.addButton(self.classic)
        group.addButton(self.two_stage)
        self.classic.setChecked(True)

        self.base = QComboBox()
        self.base.addItem(
            self.tr("whisper-small, as in the research (downloaded once if not here)"),
            RESEARCH_BASE,
        )
        self.base.addItem(
            self.tr("whisper-base, the embedded model (works offline, quicker)"), EMBEDDED_NAME
        )
        self.base.addItem(self.tr("another Whisper folder…"), "")
        current = state.current_model
        if current and current != EMBEDDED_NAME:  # the model the user transcribes with
            self.base.insertItem(
                0, self.tr("{0}, the model you use now (make it better)").format(current), current
            )
        self.base.activated.connect(self._base_chosen)

        # training.pack = "auto": packed where training runs on the CPU, as one clip per window
        # on a GPU (where packing is not needed); bf16 follows precision = "auto" either way
        self.fast_cpu = QCheckBox(self.tr("&Fast training on a computer without a GPU"))
        self.fast_cpu.setChecked(True)
        self.fast_cpu_text = QLabel(
            self.tr(
                "Several short recordings share one 30-second window, with a short silence "
                "between them: the model listens to them in one pass, which makes training on a "
                "processor several times faster. It costs some accuracy: measured on real "
                "speech (Dutch, whisper-base, one epoch), the trained model got 37.4 % of the "
                "words wrong, against 34.8 % with one recording per window (54.7 % untrained). "
                "Untick it for the most accurate model when time does not matter. On a "
                "computer with an NVIDIA GPU this is not used."
            )
        )
        self.fast_cpu_text.setWordWrap(True)
        self.fast_cpu_text.setIndent(24)

        self.advanced = QGroupBox(self.tr("&Advanced settings"))
        self.advanced.setCheckable(True)
        self.advanced.setChecked(False)
        self.epochs = _spin(QDoubleSpinBox(), 0.1, 100, 3.0, decimals=1)
        self.batch = _spin(QSpinBox(), 1, 256, 8)
        self.lr = _spin(QDoubleSpinBox(), 0.00001, 0.1, 0.001, decimals=5, step=0.0001)
        self.rank = _spin(QSpinBox(), 1, 256, 32)
        self.alpha = _spin(QSpinBox(), 1, 512, 64)
        self.max_steps = _spin(QSpinBox(), 0, 1_000_000, 0)
        self.max_steps.setSpecialValueText(self.tr("all epochs"))
        form = QFormLayout(self.advanced)
        form.addRow(self.tr("Epochs"), self.epochs)
        form.addRow(self.tr("Batch size"), self.batch)
        form.addRow(self.tr("Learning rate"), self.lr)
        form.addRow(self.tr("LoRA rank r"), self.rank)
        form.addRow(self.tr("LoRA alpha"), self.alpha)
        form.addRow(self.tr("Stop after steps"), self.max_steps)
        self.more = QPlainTextEdit()
        self.more.setPlaceholderText(self.tr("training.checkpoint_every=50"))
        self.more.setMaximumHeight(70)
        form.addRow(
            self.tr("More settings\n(KEY=VALUE, one a line,\nas finetune --set)"), self.more
        )

        self.problem = QLabel()
        self.problem.setWordWrap(True)
        base_row = QHBoxLayout()
        base_row.addWidget(QLabel(self.tr("Base model")))
        base_row.addWidget(self.base, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.classic)
        layout.addWidget(self.classic_text)
        layout.addWidget(self.two_stage)
        layout.addWidget(self.two_stage_text)
        layout.addLayout(base_row)
        layout.addWidget(self.fast_cpu)
        layout.addWidget(self.fast_cpu_text)
        layout.addWidget(self.advanced)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        self._other_base = ""

    def initializePage(self) -> None:
        has_czech = "cs" in self.state.manifests
        self.two_stage.setEnabled(has_czech)
        if has_czech:
            self.two_stage.setChecked(True)
        else:
            self.classic.setChecked(True)
        if self.state.from_corrections and self.state.current_model:
            # the user's corrections improve the model they use: it is the base, one new adapter
            # on top (what "Improve my model" and `hsb-whisper improve` do)
            index = self.base.findData(self.state.current_model)
            if index >= 0:
                self.base.setCurrentIndex(index)

    def _base_chosen(self, index: int) -> None:
        if self.base.itemData(index) == "":
            folder = QFileDialog.getExistingDirectory(self, self.tr("A Whisper model folder"))
            if folder:
                self._other_base = folder
                self.base.setItemText(index, folder)
            else:
                self.base.setCurrentIndex(0)

    def _store_language(self, name: str) -> str | None:
        try:
            return self.store.resolve(name).language
        except HsbWhisperError:  # removed meanwhile: load_recipe names the problem
            return None

    def recipe_name(self) -> str:
        return "two-stage" if self.two_stage.isChecked() else "classic"

    def overrides(self) -> list[str]:
        """The choices as ``--set`` overrides of the shipped recipe."""
        base = self.base.currentData() or self._other_base or RESEARCH_BASE
        sets = [f"base={base}"]
        if base == self.state.current_model:  # a model of the store: trained in its language
            language = self._store_language(base)
            sets += [f"language={language}"] if language else []
        sets.append(f"training.pack={'auto' if self.fast_cpu.isChecked() else 'false'}")
        for language, manifests in self.state.manifests.items():
            if language == "cs" and not self.two_stage.isChecked():
                continue
            stage = "czech" if language == "cs" else "hsb"
            sets += [f"stages.{stage}.train={manifests['train']}"]
            sets += [f"stages.{stage}.dev={manifests['dev']}"]
        if self.advanced.isChecked():
            sets += [
                f"training.epochs={self.epochs.value()}",
                f"training.batch_size={self.batch.value()}",
                f"training.learning_rate={self.lr.value()}",
                f"lora.r={self.rank.value()}",
                f"lora.alpha={self.alpha.value()}",
                f"training.max_steps={self.max_steps.value()}",
            ]
        more = [line.strip() for line in self.more.toPlainText().splitlines() if line.strip()]
        return sets + (more if self.advanced.isChecked() else [])

    def validatePage(self) -> bool:
        try:
            load_recipe(self.recipe_name(), self.overrides())
        except HsbWhisperError as e:
            self.problem.setText(problem_html(e))
            return False
        self.problem.clear()
        chosen = (self.recipe_name(), self.overrides())
        if chosen != (self.state.recipe, self.state.overrides):  # another recipe: a new run
            self.state.resume, self.state.run_dir = False, None
        self.state.recipe, self.state.overrides = chosen
        return True


def _spin(box, low, high, value, decimals: int | None = None, step=None):
    box.setRange(low, high)
    if decimals is not None:
        box.setDecimals(decimals)
    if step is not None:
        box.setSingleStep(step)
    box.setValue(value)
    return box
