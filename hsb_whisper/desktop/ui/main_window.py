"""The main window: Files, Record, Transcript and Models tabs; workers on their own threads."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QMainWindow, QTabWidget

from hsb_whisper.desktop.ui.editor import TranscriptEditor, load_saved
from hsb_whisper.desktop.ui.files_page import FilesPage
from hsb_whisper.desktop.ui.models_page import ModelsPage
from hsb_whisper.desktop.ui.record_page import RecordPage
from hsb_whisper.desktop.ui.settings import AppSettings, save_settings
from hsb_whisper.desktop.ui.settings_dialog import SettingsDialog
from hsb_whisper.desktop.ui.task import wait_all
from hsb_whisper.desktop.ui.workers import FileWorker, LiveWorker, TranscriberCache
from hsb_whisper.export import ModelStore
from hsb_whisper.transcription import formats
from hsb_whisper.transcription.engine import TranscribeOptions
from hsb_whisper.transcription.memory import release_freed_memory
from hsb_whisper.transcription.outputs import plan_outputs

log = logging.getLogger(__name__)

# Quiet time after a job before freed memory is handed back to the system: the decoder's
# buffers (40–80 MB) are not all freed the moment a job ends (measured: a trim at once got half).
RELEASE_AFTER_MS = 1000
AUTOSAVE_FORMATS = ("txt",)  # written of every finished file into the settings' output folder


class MainWindow(QMainWindow):
    _run_job = Signal(int, str, str, object)  # to the file worker: id, path, model, options
    _live_job = Signal(str, object, object)  # to the live worker: model, options, utterance
    _live_done = Signal()  # to the live worker, after a recording's last utterance

    def __init__(self, settings: AppSettings, sd=None, parent=None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.sd = sd
        self.setWindowTitle("hsb-whisper")
        self.resize(980, 640)
        self.store = ModelStore()
        # input → its files in the output folder, planned in this session: a later file with the
        # same name gets "name (2).txt" instead of overwriting an earlier file's transcript
        self.outputs: dict[Path, list[Path]] = {}
        self.files = FilesPage()
        self.editor = TranscriptEditor()
        self.models = ModelsPage(self.store)
        self.record = RecordPage(sd)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.files, self.tr("Files"))
        self.tabs.addTab(self.record, self.tr("Record"))
        self.tabs.addTab(self.editor, self.tr("Transcript"))
        self.tabs.addTab(self.models, self.tr("Models"))
        self.setCentralWidget(self.tabs)
        menu = self.menuBar().addMenu(self.tr("&hsb-whisper"))
        menu.addAction(self.tr("Settings…"), self.open_settings)
        menu.addAction(self.tr("Train a model…"), self.open_training)
        menu.addAction(self.tr("Quit"), self.close)

        self.transcribers = TranscriberCache()  # one model in memory for both workers
        self.file_thread, self.file_worker = QThread(self), FileWorker(self.transcribers)
        self.file_worker.moveToThread(self.file_thread)
        self._run_job.connect(self.file_worker.run)
        self.file_worker.started.connect(self.files.on_started)
        self.file_worker.progress.connect(self.files.on_progress)
        self.file_worker.finished.connect(self._job_finished)
        self.file_worker.failed.connect(self.files.on_failed)
        self.file_worker.cancelled.connect(self.files.on_cancelled)
        self.files.submit.connect(self._submit)
        # direct: the worker's thread is busy with the job; cancel() only sets a locked flag
        self.files.cancel_requested.connect(
            self.file_worker.cancel, Qt.ConnectionType.DirectConnection
        )
        self.files.open_requested.connect(self._open_job)
        self.file_thread.start()

        self.live_thread, self.live_worker = QThread(self), LiveWorker(self.transcribers)
        self.live_worker.moveToThread(self.live_thread)
        self._live_job.connect(self.live_worker.transcribe)
        self._live_done.connect(self.live_worker.release)
        self.live_worker.text.connect(self.record.add_live_text)
        self.live_worker.failed.connect(self.record.show_problem)
        # the files' options: the same loaded model; the live worker decodes greedily
        self.record.utterance.connect(
            lambda u: self._live_job.emit(self.current_model(), self.options(), u)
        )
        self.record.recording_saved.connect(lambda path: self._live_done.emit())
        self.record.recording_saved.connect(lambda path: self.files.add_paths([path]))
        self.live_thread.start()

        self._release_timer = QTimer(self, singleShot=True, interval=RELEASE_AFTER_MS)
        self._release_timer.timeout.connect(release_freed_memory)
        for done in (
            self.file_worker.finished,
            self.file_worker.failed,
            self.file_worker.cancelled,
            self.live_worker.released,
        ):
            done.connect(self._release_soon, Qt.ConnectionType.QueuedConnection)

        self.models.train_requested.connect(self.open_training)
        self.wizard = None
        self.editor.play_requested.connect(self._play)
        self.statusBar().showMessage(self.tr("Ready"))

    @Slot()
    def _release_soon(self) -> None:
        """A job or a recording's utterances are done: hand freed memory back once no other
        has ended for RELEASE_AFTER_MS (the timer is restarted; GUI thread)."""
        self._release_timer.start()

    def current_model(self) -> str:
        """The model to use now: the one chosen in the settings, else the store's default
        (resolved at each job, so "Use as default" takes effect for the next file)."""
        return self.settings.model or self.store.default_name

    def options(self) -> TranscribeOptions:
        return self.settings.transcribe_options()

    def _submit(self, job_id: int, path: str) -> None:
        saved = load_saved(Path(path))
        if saved is not None:  # edited before: reopen the edits instead of transcribing again
            self.files.on_finished(job_id, saved)
            return
        self.files.jobs[job_id].outputs = self._plan_outputs(Path(path))
        self._run_job.emit(job_id, path, self.current_model(), self.options())

    def _plan_outputs(self, path: Path) -> list[Path]:
        """Where the finished transcript of ``path`` is also saved, one file per format of
        :data:`AUTOSAVE_FORMATS`: in the settings' output folder (none without one), named so
        that it replaces no recording and no other transcript saved or queued in this session.
        Planned when the file is queued, with the folder of then, like the options."""
        if not self.settings.output_dir:
            return []
        folder = Path(self.settings.output_dir)
        plan = plan_outputs([path], AUTOSAVE_FORMATS, folder, earlier=self.outputs)
        self.outputs.update(plan.outputs)
        return plan.outputs[path]

    def _job_finished(self, job_id: int, transcript) -> None:
        self.files.on_finished(job_id, transcript)
        self.editor.show_transcript(transcript)
        self.editor.autosave()
        for out, fmt in zip(self.files.jobs[job_id].outputs, AUTOSAVE_FORMATS):
            try:
                formats.save(transcript, out, fmt)
            except OSError as e:
                self.statusBar().showMessage(f"{out}: {e}")

    def _open_job(self, job_id: int) -> None:
        self.editor.show_transcript(self.files.jobs[job_id].transcript)
        self.tabs.setCurrentWidget(self.editor)

    def _play(self, start: float, end: float) -> None:
        from hsb_whisper.audio import SAMPLE_RATE, load_audio

        try:
            audio = load_audio(self.editor.transcript.info.path)
            clip = audio[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
            if self.sd is None:
                raise RuntimeError(self.tr("no audio output"))
            self.sd.play(clip, SAMPLE_RATE)
        except Exception as e:  # no sound device is a normal case on a laptop without one
            self.statusBar().showMessage(self.tr("Cannot play: {0}").format(e))

    def open_training(self) -> None:
        """The fine-tuning wizard (one at a time); a model it installs appears on the Models
        page at once and, made the default, is used for the next file."""
        from hsb_whisper.desktop.ui.wizard import TrainingWizard

        # A closed wizard whose training is still pausing (up to a checkpoint away) is shown
        # again instead of a new one that would offer the same run for continuing.
        if self.wizard is None or not (self.wizard.isVisible() or self.wizard.training_page.busy()):
            self.wizard = TrainingWizard(self.store, self.sd, parent=self)
            self.wizard.export_page.installed.connect(lambda name: self.models.refresh())
        self.wizard.show()
        self.wizard.raise_()

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            self.settings = dialog.result_settings()
            save_settings(self.settings)

    def closeEvent(self, event) -> None:
        self.record.stop()
        for job in self.files.jobs.values():
            if job.state in ("queued", "running"):
                self.file_worker.cancel(job.id)
        for thread in (self.file_thread, self.live_thread):
            thread.quit()
            thread.wait(30_000)
        self._release_timer.stop()  # a timer must stop in its own thread, not in a later GC's
        if self.wizard is not None:
            self.wizard.close()  # a running training pauses at its next checkpoint
        wait_all()  # an import or evaluation the wizard or the Models page started
        super().closeEvent(event)
