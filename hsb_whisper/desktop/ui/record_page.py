"""Recording: choose the microphone, watch the level, record / pause / stop, and see the text of
each utterance appear while speaking. The audio goes to disk as it is captured; at Stop the whole
recording is queued for a proper transcription."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hsb_whisper import paths
from hsb_whisper.transcription import formats
from hsb_whisper.transcription.live import LiveSegmenter
from hsb_whisper.transcription.recorder import Recorder, RecorderError, RecorderState, input_devices

log = logging.getLogger(__name__)

METER_FLOOR_DBFS = -60.0  # the level meter's empty end


def recordings_dir() -> Path:
    return paths.data_dir() / "recordings"


class RecordPage(QWidget):
    utterance = Signal(object)  # an Utterance to transcribe live (tentative ones too)
    recording_saved = Signal(Path)  # the finished WAV
    live_text_shown = Signal(float, float, str)  # start, end, text: after it is on screen
    _level = Signal(float, float)  # from the recorder's thread
    _cut = Signal(object)  # from the recorder's thread

    def __init__(self, sd, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sd = sd
        self.recorder: Recorder | None = None
        self.segmenter: LiveSegmenter | None = None
        # pass on tentative utterances too, decoded while their pause is confirmed (the text
        # comes ~0.3 s sooner); False: only confirmed ones (benchmarks/app_latency.py compares)
        self.tentative = True
        self.devices = QComboBox()
        self.meter = QProgressBar()
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.record_button = QPushButton(self.tr("Record"))
        self.pause_button = QPushButton(self.tr("Pause"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.record_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        self.status = QLabel()
        self.live = QPlainTextEdit(readOnly=True)
        self.live.setPlaceholderText(self.tr("Text appears here while you speak."))
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Microphone")))
        row.addWidget(self.devices, 1)
        buttons = QHBoxLayout()
        for button in (self.record_button, self.pause_button, self.stop_button):
            buttons.addWidget(button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.meter)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.live)
        self._level.connect(self._show_level)
        self._cut.connect(self.utterance)
        self.refresh_devices()
        self._update_buttons()

    def refresh_devices(self) -> None:
        self.devices.clear()
        found = input_devices(self.sd) if self.sd is not None else []
        for device in found:
            self.devices.addItem(device.name, device.index)
            if device.is_default:
                self.devices.setCurrentIndex(self.devices.count() - 1)
        if not found:
            self.status.setText(
                self.tr(
                    "No microphone found. Connect one and restart; transcribing files still works."
                )
            )
        self.record_button.setEnabled(bool(found))

    def _update_buttons(self) -> None:
        state = self.recorder.state if self.recorder else RecorderState.IDLE
        active = state in (RecorderState.RECORDING, RecorderState.PAUSED)
        self.record_button.setEnabled(not active and self.devices.count() > 0)
        self.pause_button.setEnabled(active)
        self.stop_button.setEnabled(active)
        self.pause_button.setText(
            self.tr("Resume") if state == RecorderState.PAUSED else self.tr("Pause")
        )
        self.devices.setEnabled(not active)

    def start(self) -> None:
        recordings_dir().mkdir(parents=True, exist_ok=True)
        path = recordings_dir() / f"recording-{time.strftime('%Y%m%d-%H%M%S')}.wav"
        self.segmenter = LiveSegmenter(
            on_utterance=self._cut.emit, on_tentative=self._cut.emit if self.tentative else None
        )
        self.recorder = Recorder(
            self.sd,
            path,
            device=self.devices.currentData(),
            on_level=self._level.emit,
            on_audio=self.segmenter.feed,
        )
        try:
            self.recorder.start()
        except RecorderError as e:
            self.recorder = None
            self.show_problem(str(e))
            return
        self.live.clear()
        self.status.setText(self.tr("Recording to {0}").format(path))
        self._update_buttons()

    def toggle_pause(self) -> None:
        if self.recorder is None:
            return
        if self.recorder.state == RecorderState.PAUSED:
            self.recorder.resume()
        else:
            self.recorder.pause()
        self._update_buttons()

    def stop(self) -> Path | None:
        """Stop (keeping every captured sample), cut the last utterance, queue the recording."""
        if self.recorder is None or self.recorder.state not in (
            RecorderState.RECORDING,
            RecorderState.PAUSED,
        ):
            return None
        try:
            result = self.recorder.stop()
        except RecorderError as e:
            self.show_problem(str(e))
            return None
        finally:
            self._update_buttons()
        self.segmenter.flush()
        self.meter.setValue(0)
        self.status.setText(
            self.tr("Saved {0} ({1:.1f} s); transcribing it in Files.").format(
                result.path, result.seconds
            )
        )
        self.recording_saved.emit(result.path)
        return result.path

    def _show_level(self, rms_dbfs: float, _peak_dbfs: float) -> None:
        fraction = (max(rms_dbfs, METER_FLOOR_DBFS) - METER_FLOOR_DBFS) / -METER_FLOOR_DBFS
        self.meter.setValue(round(100 * fraction))

    def add_live_text(self, start: float, end: float, text: str) -> None:
        self.live.appendPlainText(f"[{formats.timestamp(start, always_hours=False)}] {text}")
        self.live_text_shown.emit(start, end, text)

    def show_problem(self, message: str) -> None:
        self.status.setText(message)
        log.warning("%s", message)
