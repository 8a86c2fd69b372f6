"""The desktop app, offscreen with pytest-qt, on the real default model."""

from __future__ import annotations

import threading
import wave

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from hsb_whisper.audio import load_audio
from hsb_whisper.desktop.ui import workers
from hsb_whisper.desktop.ui.main_window import MainWindow
from hsb_whisper.desktop.ui.settings import AppSettings, load_settings, save_settings
from hsb_whisper.desktop.ui.workers import LiveWorker, TranscriberCache
from hsb_whisper.transcription.engine import TranscribeOptions, Transcriber
from hsb_whisper.transcription.live import Utterance

from testsupport.fake_stream import FakeSoundDevice
from testsupport.qt_wait import worker_signal
from testsupport.speech import EN_SENTENCES, encode, read_wav, speak_sentences, write_wav

WAIT_MS = 120_000


@pytest.fixture
def window(qtbot, default_model):
    win = MainWindow(AppSettings(language="en", beam_size=1), sd=FakeSoundDevice(devices=[]))
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def drop(widget, paths) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    widget.dropEvent(event)


def fresh_copy(clip, folder):
    """A copy under a new path: the app reopens saved edits of files it has seen."""
    target = folder / clip.name
    target.write_bytes(clip.read_bytes())
    return target


def test_drop_file_transcribe_and_export_srt(qtbot, window, clips, tmp_path):
    with worker_signal(qtbot, window.file_worker.finished, WAIT_MS) as done:
        drop(window.files, [fresh_copy(clips["en"], tmp_path)])
    job_id = done.args[0]
    qtbot.waitUntil(lambda: window.files.jobs[job_id].state == "done")
    assert window.files.bar(job_id).value() == 1000
    assert "store" in window.editor.table.item(0, 2).text().lower()
    out = window.editor.export("srt", tmp_path / "en.srt")
    assert out.read_text(encoding="utf-8").startswith("1\n00:00:00,000 --> ")


def test_cancel_midway(qtbot, window, clips, tmp_path, monkeypatch):
    samples, rate = read_wav(clips["en_long"])
    long = write_wav(tmp_path / "long.wav", np.concatenate([samples, samples, samples]), rate)
    # The worker holds at its cancellation check before the second segment until the click has
    # been made: batched decoding hands over a window's segments at once, and the job could end
    # before the click lands. It holds in plain Python between segments, never inside a Qt
    # emit (a slot that blocks the emitting thread hung the suite on a CI machine once).
    clicked = threading.Event()
    checks = []
    is_cancelled = window.file_worker._is_cancelled

    def held_check(job_id):
        checks.append(job_id)
        if len(checks) == 3:  # 1: before the job, 2: before its first segment, 3: before the next
            clicked.wait(WAIT_MS / 1000)
        return is_cancelled(job_id)

    monkeypatch.setattr(window.file_worker, "_is_cancelled", held_check)
    with worker_signal(qtbot, window.file_worker.segment, WAIT_MS) as first:
        job_ids = window.files.add_paths([long])
    window.files.table.selectRow(0)
    with worker_signal(qtbot, window.file_worker.cancelled, WAIT_MS) as cancelled:
        window.files.cancel_selected()
        clicked.set()
    assert cancelled.args == [job_ids[0]] and first.args[0] == job_ids[0]
    qtbot.waitUntil(lambda: window.files.jobs[job_ids[0]].state == "cancelled")
    new_id = window.files.retry(job_ids[0])  # and it can be queued again
    assert window.files.jobs[new_id].state == "queued"
    window.file_worker.cancel(new_id)


def test_broken_file_does_not_stop_the_others(qtbot, window, clips, tmp_path):
    with worker_signal(qtbot, window.file_worker.finished, WAIT_MS):
        ids = window.files.add_paths([clips["garbage"], fresh_copy(clips["en"], tmp_path)])
    bad, good = (window.files.jobs[i] for i in ids)
    qtbot.waitUntil(lambda: good.state == "done")
    assert bad.state == "failed" and "not a readable audio file" in bad.error
    assert "failed" in window.files.table.item(window.files.rows[bad.id], 1).text()
    assert good.state == "done"


def test_edits_survive_closing_and_reopening(qtbot, clips, default_model, tmp_path):
    audio = tmp_path / "talk.wav"
    audio.write_bytes(clips["en"].read_bytes())
    first = MainWindow(AppSettings(language="en", beam_size=1), sd=FakeSoundDevice(devices=[]))
    qtbot.addWidget(first)
    with worker_signal(qtbot, first.file_worker.finished, WAIT_MS):
        first.files.add_paths([audio])
    qtbot.waitUntil(lambda: first.editor.transcript is not None)
    first.editor.table.item(0, 2).setText("Dobry dźeń, Stella!")
    first.close()

    second = MainWindow(AppSettings(language="en", beam_size=1), sd=FakeSoundDevice(devices=[]))
    qtbot.addWidget(second)
    (job_id,) = second.files.add_paths([audio])  # the saved edit is reopened, not re-transcribed
    assert second.files.jobs[job_id].state == "done"
    second.files.open_requested.emit(job_id)
    assert second.editor.table.item(0, 2).text() == "Dobry dźeń, Stella!"
    second.editor.search.setText("stella")
    assert second.editor.table.item(0, 2).background().color().name() == "#fff3b0"
    second.close()


def test_record_live_text_and_stop_keeps_all_audio(
    qtbot, clips, default_model, tmp_path, monkeypatch
):
    loaded = []  # the models the workers load: one, shared by the live and the file worker
    monkeypatch.setattr(
        workers, "Transcriber", lambda *a: loaded.append(Transcriber(*a)) or loaded[-1]
    )
    spoken = speak_sentences(EN_SENTENCES[:3], "en", tmp_path / "s.wav", 1.5)
    mic = encode(spoken, tmp_path / "mic.wav", "pcm_s16le", 16000)  # a 16 kHz microphone
    sd = FakeSoundDevice(mic, realtime=True)
    win = MainWindow(AppSettings(language="en", beam_size=1), sd=sd)
    qtbot.addWidget(win)
    page = win.record
    assert page.record_button.isEnabled()
    with qtbot.waitSignal(page.live_text_shown, timeout=WAIT_MS) as shown:
        page.start()
    assert shown.args[2] and page.live.toPlainText().strip()
    assert sd.exhausted.wait(60)
    with worker_signal(qtbot, win.file_worker.finished, WAIT_MS) as done:
        path = page.stop()
    with wave.open(str(path)) as w:
        assert w.getnframes() == sd.delivered_samples  # Stop dropped nothing
    assert done.args[1].info.path == path
    assert "store" in " ".join(s.text for s in done.args[1].segments).lower()
    assert len(loaded) == 1
    win.close()


def test_live_worker_decodes_a_confirmed_tentative_utterance_once(
    qtbot, clips, default_model, monkeypatch
):
    """A tentative utterance is decoded (greedily, whatever the options' beam) but shows no
    text; the final one with the same samples shows that text without a second decoding; one
    that differs is decoded again."""
    decoded = []  # beam size of each decoding
    real = Transcriber.transcribe_audio

    def spy(self, audio, offset=0.0, beam_size=None):
        decoded.append(beam_size)
        return real(self, audio, offset, beam_size)

    monkeypatch.setattr(Transcriber, "transcribe_audio", spy)
    audio = load_audio(clips["en"])
    end = 1.0 + len(audio) / 16000
    worker = LiveWorker(TranscriberCache())
    shown = []
    worker.text.connect(lambda start, end, text: shown.append((start, end, text)))
    options = TranscribeOptions(language="en", beam_size=5)
    worker.transcribe("", options, Utterance(1.0, end, audio, final=False))
    assert decoded == [1] and shown == []
    worker.transcribe("", options, Utterance(1.0, end, audio.copy()))
    assert decoded == [1]
    assert len(shown) == 1 and shown[0][:2] == (1.0, end) and "store" in shown[0][2].lower()
    half = audio[: len(audio) // 2]
    worker.transcribe("", options, Utterance(1.0, end, audio, final=False))
    worker.transcribe("", options, Utterance(1.0, 1.0 + len(half) / 16000, half))
    assert decoded == [1, 1, 1] and len(shown) == 2


def test_no_microphone_is_a_message_not_a_crash(window):
    assert not window.record.record_button.isEnabled()
    assert "No microphone found" in window.record.status.text()


def test_models_page_lists_default_with_metadata(window):
    assert window.models.list.item(0).text().startswith("whisper-base")
    details = window.models.details.toPlainText()
    assert "Language token: cs" in details and "Licence: MIT" in details


def test_settings_persist(tmp_path):
    settings = AppSettings(language="pl", beam_size=3, vad=False, ui_language="de")
    save_settings(settings)
    assert load_settings() == settings


def test_interface_in_upper_sorbian_and_german(qtbot, default_model):
    from PySide6.QtWidgets import QApplication

    from hsb_whisper.desktop.ui.app import install_translators

    app = QApplication.instance()
    expected = {
        "hsb": ["Dataje", "Nahrać", "Přepis", "Modele"],
        "de": ["Dateien", "Aufnehmen", "Transkript", "Modelle"],
    }
    for language, titles in expected.items():
        translators = install_translators(app, language)
        win = MainWindow(AppSettings(), sd=FakeSoundDevice(devices=[]))
        qtbot.addWidget(win)
        assert [win.tabs.tabText(i) for i in range(4)] == titles
        for translator in translators:
            app.removeTranslator(translator)
        win.close()


def test_double_click_plays_the_segment(qtbot, clips, default_model, tmp_path):
    class Speaker(FakeSoundDevice):  # no microphone, but a loudspeaker
        played = None

        def play(self, audio, samplerate):
            self.played = (len(audio), samplerate)

    speaker = Speaker(devices=[])
    win = MainWindow(AppSettings(language="en", beam_size=1), sd=speaker)
    qtbot.addWidget(win)
    with worker_signal(qtbot, win.file_worker.finished, WAIT_MS) as done:
        win.files.add_paths([fresh_copy(clips["en"], tmp_path)])
    qtbot.waitUntil(lambda: win.editor.transcript is not None)
    segment = done.args[1].segments[0]
    win.editor.table.cellDoubleClicked.emit(0, 2)
    assert speaker.played == (int(segment.end * 16000) - int(segment.start * 16000), 16000)
    win.close()


def test_models_page_installs_a_folder_and_sets_the_default(window, default_model, tmp_path):
    import dataclasses
    import shutil

    from hsb_whisper.export import ModelInfo

    folder = tmp_path / "my-model"
    shutil.copytree(default_model.path, folder)
    info = ModelInfo.load(folder)
    dataclasses.replace(info, name="my-model").save(folder)
    assert window.models.install(folder) == "my-model"
    names = [window.models.list.item(i).text() for i in range(window.models.list.count())]
    assert "my-model" in names
    window.models.list.setCurrentRow(names.index("my-model"))
    window.models.default_button.click()
    assert window.current_model() == "my-model"
    assert window.models.list.item(names.index("my-model")).text() == "my-model (default)"
    window.store.set_default("whisper-base")
    window.store.remove("my-model")


def test_emitting_a_signal_takes_no_reference_from_python():
    # PySide6 6.12.0's SignalInstance.emit() returned True without a reference of its own: every
    # emit took one from True, and on Python < 3.12 (where True is not immortal) some minutes of
    # recording — the level meter emits 20 times a second — ended in "Fatal Python error:
    # bool_dealloc". pyproject.toml excludes that version; this catches it coming back.
    import sys

    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        level = Signal(float, float)

    emitter = Emitter()
    emitter.level.connect(lambda rms, peak: None)
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.level.emit(-20.0, -6.0)
    assert sys.getrefcount(True) >= before
