"""Step 1, data: import and check the Upper Sorbian recordings (and, for two-stage, the Czech),
then show the report; the wizard goes on only with clean train and dev manifests.

One source is the user's own work: "my corrected transcripts", the checked segments of the
transcripts saved in the Transcript tab (``hsb-whisper data import-corrections``). It is chosen
at the start when there are any: the wizard's shortest way to a better model."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from hsb_whisper.data import (
    check_manifest,
    confirmed_seconds,
    import_annotations,
    import_common_voice,
    import_corrections,
    import_folder,
    render_report,
)
from hsb_whisper.desktop.ui.wizard.state import WizardState
from hsb_whisper.desktop.ui.wizard.task import Task, problem_html

# (key, needs a folder); DataSource.label names each in the user's language
SOURCES = (
    ("cv", False),
    ("folder", True),
    ("elan", True),
    ("textgrid", True),
    ("manifests", True),
    ("corrections", True),  # Upper Sorbian only; chosen first when there are checked segments
)


def import_data(
    kind: str, source: Path | None, out: Path, locale: str, progress
) -> dict[str, Path]:
    """Import ``source`` as ``kind`` into ``out`` with the data package's own functions (the
    same as ``hsb-whisper data import-…``); returns the manifests and the report text.
    ``source`` may be ``None`` only for "corrections": the app's saved transcripts."""
    if kind == "corrections":
        outcome = import_corrections(
            None if source is None else [source], out, locale=locale, progress=progress
        )
    elif kind == "cv":
        outcome = import_common_voice(source, locale, out, progress=progress)
    elif kind == "folder":
        outcome = import_folder(source, out, locale=locale, progress=progress)
    elif kind in ("elan", "textgrid"):
        outcome = import_annotations([source], out, kind=kind, locale=locale, progress=progress)
    else:  # checked manifests: checked again (files may have moved since)
        manifests, reports = {}, []
        for split in ("train", "dev", "test"):
            manifest = source / f"{split}.jsonl"
            if manifest.is_file():
                clean = out / f"{split}.jsonl"
                out.mkdir(parents=True, exist_ok=True)
                outcome = check_manifest(manifest, clean=clean, locale=locale, progress=progress)
                manifests[split] = clean
                reports.append(render_report(outcome.report))
        return {"manifests": manifests, "report": "\n".join(reports)}
    return {"manifests": outcome.manifests, "report": render_report(outcome.report)}


class DataSource(QGroupBox):
    """Where one language's data comes from, and its import."""

    def __init__(self, title: str, locale: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.locale = locale
        self.kind = QComboBox()
        for key, _ in SOURCES:
            if key != "corrections" or locale == "hsb":
                self.kind.addItem(self.label(key), key)
        self.path = QLineEdit()
        self.kind.currentIndexChanged.connect(self._kind_chosen)
        self._kind_chosen()
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow(self.tr("Data"), self.kind)
        form.addRow(self.tr("Where"), row)

    def label(self, key: str) -> str:
        """The data source ``key`` as the list shows it (each a literal, for pyside6-lupdate)."""
        return {
            "cv": self.tr("a Common Voice archive (.tar.gz) or its extracted folder"),
            "folder": self.tr("a folder of recordings with transcripts"),
            "elan": self.tr("an ELAN corpus (.eaf files with their recordings)"),
            "textgrid": self.tr("a Praat corpus (.TextGrid files with their recordings)"),
            "manifests": self.tr("a folder of checked manifests (train.jsonl, dev.jsonl)"),
            "corrections": self.tr("my corrected transcripts (the segments I checked)"),
        }[key]

    def _kind_chosen(self) -> None:
        if self.kind.currentData() == "corrections":
            self.path.setPlaceholderText(self.tr("empty: the transcripts saved in this app"))
        else:
            self.path.setPlaceholderText(self.tr("path"))

    def source(self) -> tuple[str, Path | None]:
        """The source's key and path; no path: the app's own transcripts ("corrections")."""
        text = self.path.text().strip()
        if not text and self.kind.currentData() == "corrections":
            return "corrections", None
        return self.kind.currentData(), Path(text).expanduser()

    def _browse(self) -> None:
        key = self.kind.currentData()
        folder = dict(SOURCES)[key]
        if folder:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder"))
        else:
            chosen, _ = QFileDialog.getOpenFileName(
                self, self.tr("Choose the archive"), "", self.tr("Archives (*.tar.gz *.tgz)")
            )
        if chosen:
            self.path.setText(chosen)


class DataPage(QWizardPage):
    def __init__(self, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setTitle(self.tr("Training data"))
        self.setSubTitle(
            self.tr(
                "Recordings of Upper Sorbian with their transcripts. Every clip is checked; "
                "clips that cannot be used are set aside with the reason."
            )
        )
        self.hsb = DataSource(self.tr("Upper Sorbian"), "hsb")
        self.with_czech = QCheckBox(self.tr("Also Czech data (for the two-stage recipe)"))
        self.cs = DataSource(self.tr("Czech"), "cs")
        self.cs.setEnabled(False)
        self.with_czech.toggled.connect(self.cs.setEnabled)
        self.checked_minutes = QLabel()
        self.checked_minutes.setWordWrap(True)
        self.checked_minutes.setIndent(8)
        self.check = QPushButton(self.tr("&Import and check"))
        self.check.clicked.connect(self.start_import)
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.resume_label = QLabel()
        self.resume_label.setWordWrap(True)
        self.resume_button = QPushButton(self.tr("&Continue that run"))
        resume_row = QHBoxLayout()
        resume_row.addWidget(self.resume_label, 1)
        resume_row.addWidget(self.resume_button)
        self.resume_box = QWidget()
        self.resume_box.setLayout(resume_row)
        self.resume_box.setVisible(False)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addWidget(self.resume_box)
        layout.addWidget(self.hsb)
        layout.addWidget(self.checked_minutes)
        layout.addWidget(self.with_czech)
        layout.addWidget(self.cs)
        layout.addWidget(self.check)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(self.report, 1)
        self._task: Task | None = None
        self._queue: list[tuple[str, DataSource]] = []
        self._reports: list[str] = []
        self.skip_to: int | None = None  # the page to go to instead of the next (resuming)
        self.offer_corrections()

    def offer_corrections(self) -> None:
        """With checked segments in the app's transcripts: "my corrected transcripts" chosen and
        how many minutes they hold (what ``import_corrections`` would use)."""
        try:
            minutes = confirmed_seconds() / 60
        except OSError:  # the transcripts folder cannot be read: the import will say why
            minutes = 0.0
        if minutes <= 0:
            return
        self.hsb.kind.setCurrentIndex(self.hsb.kind.findData("corrections"))
        self.checked_minutes.setText(
            self.tr(
                "Your transcripts hold {0:.1f} minutes of checked speech. Some of the recordings "
                "are held out: the results page measures the new model on them."
            ).format(minutes)
        )

    def offer_resume(self, runs: list[Path], resume) -> None:
        """Show the most recent unfinished run (``runs`` as latest_unfinished gives them) with
        a button that calls ``resume(run)``."""
        if not runs:
            return
        self.resume_label.setText(
            self.tr("An unfinished training run is waiting: {0}").format(runs[0])
        )
        self.resume_button.clicked.connect(lambda: resume(runs[0]))
        self.resume_box.setVisible(True)

    def warn(self, text: str) -> None:
        """A problem with the whole wizard (it cannot train here), above everything else."""
        self.warning.setText(problem_html(text))
        self.warning.setVisible(True)

    def nextId(self) -> int:
        return self.skip_to if self.skip_to is not None else super().nextId()

    def isComplete(self) -> bool:
        if self.skip_to is not None:
            return True
        hsb = self.state.manifests.get("hsb", {})
        ready = {"train", "dev"} <= hsb.keys()
        if self.with_czech.isChecked():
            ready = ready and {"train", "dev"} <= self.state.manifests.get("cs", {}).keys()
        return ready and (self._task is None or not self._task.running())

    def start_import(self) -> None:
        self.state.manifests.clear()
        self.state.sources.clear()
        self._reports.clear()
        self.report.clear()
        self._queue = [("hsb", self.hsb)] + ([("cs", self.cs)] * self.with_czech.isChecked())
        self.check.setEnabled(False)
        self._next()

    def _next(self) -> None:
        if not self._queue:
            self.check.setEnabled(True)
            self.bar.setVisible(False)
            self.status.setText(self.tr("The data is ready. Go on with Next."))
            self.completeChanged.emit()
            return
        language, box = self._queue.pop(0)
        kind, source = box.source()
        if source is not None and str(source) in ("", "."):
            self._fail(self.tr("Choose where the {0} data is.").format(box.title()))
            return
        out = self.state.data_dir / language
        self.bar.setVisible(True)
        self.bar.setRange(0, 0)
        self.status.setText(self.tr("Importing {0}…").format(source))

        def call(worker):
            return import_data(kind, source, out, box.locale, worker.data_progress())

        self._task = Task(call)
        self._task.progress.connect(self._progress)
        title = box.title()
        self._task.finished.connect(
            lambda result, lang=language, title=title, kind=kind: self._imported(
                lang, title, kind, result
            )
        )
        self._task.failed.connect(self._fail)
        self._task.start()
        self.completeChanged.emit()

    def _progress(self, message: str, done: int, total: int) -> None:
        self.status.setText(message)
        self.bar.setRange(0, total)
        self.bar.setValue(done)

    def _imported(self, language: str, title: str, kind: str, result: dict) -> None:
        self._reports.append(f"== {title}\n{result['report']}")
        self.report.setPlainText("\n\n".join(self._reports))
        manifests = {
            split: path
            for split, path in result["manifests"].items()
            if path.is_file() and path.stat().st_size > 0
        }
        missing = [split for split in ("train", "dev") if split not in manifests]
        if missing:
            self._fail(
                self.tr("No usable clips are left for {0} ({1}): see the report below.").format(
                    language, ", ".join(missing)
                )
            )
            return
        self.state.manifests[language] = manifests
        self.state.sources[language] = kind
        self._next()

    def _fail(self, reason: str) -> None:
        self._queue.clear()
        self.state.manifests.clear()
        self.state.sources.clear()
        self.check.setEnabled(True)
        self.bar.setVisible(False)
        self.status.setText(problem_html(reason))
        self.completeChanged.emit()
