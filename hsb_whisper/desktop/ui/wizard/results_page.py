"""Step 4, results: the base model and the trained one evaluated on the held-out clips (test, or
dev when there is no test split) and compared — the report of ``hsb-whisper evaluate`` and
``compare`` (WER/CER table, per-utterance WER histograms) — and the worst utterances, playable.

Above the report, the figure in one sentence: how many words of the held-out speech each model
gets wrong. Trained on the user's corrected transcripts, the held-out clips are whole recordings
of theirs that training never saw (``import_corrections`` keeps each recording in one split): the
before/after of their own speech."""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from hsb_whisper.audio import SAMPLE_RATE, load_audio
from hsb_whisper.data import read_manifest
from hsb_whisper.desktop.ui.wizard.state import WizardState
from hsb_whisper.desktop.ui.wizard.task import Task, problem_html
from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.evaluation import compare, evaluate, read_evaluation, unique_ids
from hsb_whisper.finetune import Run, resolve_model

log = logging.getLogger(__name__)
WORST = 10


def evaluate_and_compare(state: WizardState, worker) -> dict:
    """Evaluate the base and the run on the held-out manifest, then compare them: the same
    calls as ``hsb-whisper evaluate`` (twice) and ``compare``."""
    manifests = state.manifests["hsb"]
    manifest = manifests.get("test") or manifests["dev"]
    out = state.run_dir / "wizard-results"
    folders, notes, summaries = [], [], {}
    candidates = [("trained", str(state.run_dir)), ("base", state.base())]
    other = _other_recipe(state)
    if other is not None:  # the other recipe, trained before with the wizard: side by side
        candidates.append((f"{Run(other).load_recipe().name} ({other.name})", str(other)))
    for name, spec in candidates:
        worker.message(f"evaluating {name} ({spec}) on {manifest.name}")
        try:
            summaries[name] = evaluate(resolve_model(spec), manifest, out / name, name=name)
        except HsbWhisperError as e:
            if name == "trained":
                raise
            notes.append(f"{name} was not evaluated: {e}")
            continue
        folders.append(out / name)
    worker.message("comparing")
    report = compare(folders, out / "report", worst=WORST)
    audio = dict(
        zip(unique_ids(read_manifest(manifest)), (c.audio for c in read_manifest(manifest)))
    )
    _, scores = read_evaluation(out / "trained")
    worst = sorted(scores, key=lambda s: s.wer, reverse=True)[:WORST]
    rows = [(s.wer, s.reference, s.hypothesis, audio.get(s.id)) for s in worst]
    figures = None
    if "base" in summaries:
        figures = {
            "base": state.base(),
            "before": summaries["base"]["corpus"]["wer"],
            "after": summaries["trained"]["corpus"]["wer"],
            "words": summaries["trained"]["corpus"]["reference_words"],
            "minutes": sum(c.duration or 0.0 for c in read_manifest(manifest)) / 60,
        }
    return {"html": report.with_suffix(".html"), "rows": rows, "notes": notes, "figures": figures}


def _other_recipe(state: WizardState) -> Path | None:
    """The latest finished run of the other recipe in the wizard's runs folder, if any."""
    recipe = Run(state.run_dir).load_recipe().name
    try:
        runs = [p for p in state.runs_dir.iterdir() if Run.is_run(p) and Run(p).finished]
    except OSError:
        return None
    others = [p for p in runs if p != state.run_dir and Run(p).load_recipe().name != recipe]
    return max(others, key=lambda p: (p / "result.json").stat().st_mtime, default=None)


class ResultsPage(QWizardPage):
    def __init__(self, state: WizardState, sd=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.sd = sd
        self.setTitle(self.tr("Results"))
        self.setSubTitle(
            self.tr("The base model and the new one on clips that were not trained on.")
        )
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setVisible(False)
        self.report = QTextBrowser()
        self.worst = QTableWidget(0, 3)
        self.worst.setHorizontalHeaderLabels(
            [self.tr("WER"), self.tr("Transcript"), self.tr("Recognised")]
        )
        self.worst.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.worst.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.worst.horizontalHeader().setStretchLastSection(True)
        self.worst.cellDoubleClicked.connect(lambda row, _: self.play(row))
        self.play_button = QPushButton(self.tr("&Play the selected utterance"))
        self.play_button.clicked.connect(lambda: self.play(self.worst.currentRow()))
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("The worst utterances of the new model:")), 1)
        row.addWidget(self.play_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(self.headline)
        layout.addWidget(self.report, 3)
        layout.addLayout(row)
        layout.addWidget(self.worst, 2)
        self._task: Task | None = None
        self._rows: list = []
        self._done_for = None

    def initializePage(self) -> None:
        if self._done_for == self.state.run_dir:
            return
        self.bar.setVisible(True)
        self._task = Task(lambda worker: evaluate_and_compare(self.state, worker))
        self._task.progress.connect(lambda message, *_: self.status.setText(message))
        self._task.finished.connect(self._show)
        self._task.failed.connect(self._failed)
        self._task.start()

    def isComplete(self) -> bool:
        return self._done_for == self.state.run_dir

    def _show(self, result: dict) -> None:
        self.bar.setVisible(False)
        self._done_for = self.state.run_dir
        self.state.report = result["html"]
        self.report.setSource(QUrl.fromLocalFile(str(result["html"])))
        self.status.setText(
            "; ".join(result["notes"]) or self.tr("Report: {0}").format(result["html"])
        )
        self._show_figures(result["figures"])
        self._rows = result["rows"]
        self.worst.setRowCount(len(self._rows))
        for i, (wer, reference, hypothesis, _) in enumerate(self._rows):
            for j, text in enumerate((f"{wer:.0%}", reference, hypothesis)):
                self.worst.setItem(i, j, QTableWidgetItem(text))
        self.completeChanged.emit()

    def _show_figures(self, figures: dict | None) -> None:
        """The before/after sentence; the verdict goes to the export page."""
        self.state.better = None if figures is None else figures["after"] < figures["before"]
        if figures is None:  # the base could not be evaluated (the notes say why)
            self.headline.setVisible(False)
            return
        minutes = figures["minutes"]
        amount = (  # units, not words: no singular and plural to get right in three languages
            f"{minutes:.1f} min" if minutes >= 1 else f"{60 * minutes:.0f} s"
        )
        before, after = (f"{100 * figures[k]:.1f} %" for k in ("before", "after"))
        if self.state.from_corrections:
            text = self.tr(
                "On your {0} of corrected speech held out from training ({1} words the new "
                "model never trained on), {2} gets {3} of words wrong, the new model {4}."
            )
        else:
            text = self.tr(
                "On {0} of held-out speech ({1} words the new model never trained on), {2} "
                "gets {3} of words wrong, the new model {4}."
            )
        text = text.format(amount, f"{figures['words']:,}", figures["base"], before, after)
        verdict = (
            self.tr("The new model is better.")
            if self.state.better
            else self.tr("The new model is not better: it is not made the default model.")
        )
        self.headline.setText(f"<b>{html.escape(text)}</b> {html.escape(verdict)}")
        self.headline.setVisible(True)

    def _failed(self, reason: str) -> None:
        self.bar.setVisible(False)
        self.status.setText(problem_html(reason))

    def play(self, row: int) -> None:
        if not 0 <= row < len(self._rows):
            return
        audio = self._rows[row][3]
        try:
            if self.sd is None:
                raise RuntimeError(self.tr("no audio output"))
            self.sd.play(load_audio(audio), SAMPLE_RATE)
        except Exception as e:  # no sound device is normal on some machines
            self.status.setText(self.tr("Cannot play {0}: {1}").format(audio, e))
