"""The settings dialog: language token, beam size, compute type, threads, VAD, batch size, speakers,
output folder and the interface language."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
)

from hsb_whisper.desktop.ui.settings import SPEAKERS_OFF, UI_LANGUAGES, AppSettings
from hsb_whisper.export import COMPUTE_TYPES
from hsb_whisper.transcription import DEFAULT_BATCH_SIZE

# The numbers of speakers the combo box offers (TranscribeOptions takes up to MAX_SPEAKERS: a
# value above this one, from a hand-edited settings file, is listed as well).
LISTED_SPEAKERS = range(2, 9)


class SettingsDialog(QDialog):
    def __init__(self, settings: AppSettings, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.language = QLineEdit(settings.language, placeholderText=self.tr("the model's own"))
        self.beam = QSpinBox(minimum=1, maximum=10, value=settings.beam_size)
        self.compute = QComboBox()
        self.compute.addItems(COMPUTE_TYPES)
        self.compute.setCurrentText(settings.compute_type)
        self.threads = QSpinBox(minimum=0, maximum=64, value=settings.threads)
        self.threads.setSpecialValueText(self.tr("all cores"))
        self.vad = QCheckBox(self.tr("skip silence (VAD)"), checked=settings.vad)
        self.batch = QSpinBox(minimum=0, maximum=32, value=settings.batch_size)
        self.batch.setSpecialValueText(self.tr("automatic ({0})").format(DEFAULT_BATCH_SIZE))
        self.batch.setToolTip(
            self.tr(
                "Speech windows of up to 30 s decoded together: faster on long recordings. "
                "1 decodes one after the other. Needs “skip silence”."
            )
        )
        self.batch.setEnabled(settings.vad)
        self.vad.toggled.connect(self.batch.setEnabled)
        self.speakers = QComboBox()
        self.speakers.addItem(self.tr("Off"), SPEAKERS_OFF)
        self.speakers.addItem(self.tr("Automatic"), 0)
        for n in LISTED_SPEAKERS:
            self.speakers.addItem(str(n), n)
        if self.speakers.findData(settings.speakers) < 0:
            self.speakers.addItem(str(settings.speakers), settings.speakers)
        self.speakers.setCurrentIndex(self.speakers.findData(settings.speakers))
        self.speakers.setToolTip(
            self.tr(
                "Labels who spoke when: each segment of a transcribed file gets a speaker, whom "
                "you can name, reassign and merge in the transcript. “Automatic” finds the "
                "number of speakers; a number labels exactly that many. Live text has no speakers."
            )
        )
        self.output = QLineEdit(settings.output_dir, placeholderText=self.tr("next to the audio"))
        self.ui_language = QComboBox()
        for code, name in UI_LANGUAGES.items():
            self.ui_language.addItem(name, code)
        self.ui_language.setCurrentIndex(list(UI_LANGUAGES).index(settings.ui_language))
        form = QFormLayout(self)
        form.addRow(self.tr("Language token"), self.language)
        form.addRow(self.tr("Beam size"), self.beam)
        form.addRow(self.tr("Compute type"), self.compute)
        form.addRow(self.tr("Threads"), self.threads)
        form.addRow("", self.vad)
        form.addRow(self.tr("Batch size"), self.batch)
        form.addRow(self.tr("Speakers"), self.speakers)
        form.addRow(self.tr("Output folder"), self.output)
        form.addRow(self.tr("Interface language (after a restart)"), self.ui_language)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._base = settings

    def result_settings(self) -> AppSettings:
        return dataclasses.replace(
            self._base,
            language=self.language.text().strip(),
            beam_size=self.beam.value(),
            compute_type=self.compute.currentText(),
            threads=self.threads.value(),
            vad=self.vad.isChecked(),
            batch_size=self.batch.value(),
            speakers=self.speakers.currentData(),
            output_dir=self.output.text().strip(),
            ui_language=self.ui_language.currentData(),
        )
