"""Screenshots of the app's main views, made offscreen.

    python -m scripts.screenshots [--language hsb] [--out FOLDER]

Writes files.png, record.png, transcript.png, models.png, get-model.png, speakers.png,
corrections.png and improve.png to ``--out``, by default to a new folder
``screenshots-<date>-<time>`` in the current directory, so the committed screenshots are never
overwritten by accident. To refresh the README's screenshots, ask for them explicitly:

    python -m scripts.screenshots --out docs/screenshots

Uses a private, temporary data folder (so your own models and settings are untouched; the default
model is set up there, about 140 MB), transcribes the bundled synthetic sample with it, grabs each
tab to PNG and removes the data folder again, also when something fails. speakers.png is the
Transcript tab after a generated three-voice English conversation (espeak-ng) was transcribed
with Settings → Speakers on *Automatic* and ``-l en``, and two speakers were named.
corrections.png is the Transcript tab while correcting: four Upper Sorbian sentences (espeak-ng's
Czech voice) transcribed with word times, the first two corrected, and the next uncertain
segment selected. improve.png is "Improve my model with my corrections" after it ran on the eight
confirmed transcripts of synthetic Czech speech the tests use, with the embedded whisper-base
trained for two steps (half a minute on a CPU; needs the finetune extra, else it is skipped).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "hsb_whisper" / "assets" / "samples"
# What corrections.png's recording says (Upper Sorbian; the first as in the bundled sample)
CORRECTIONS_LINES = (
    "Dobry dźeń, mje rěka Jan a bydlu w Budyšinje.",
    "Dźensa je rjane wjedro.",
    "Jutře pojědu z ćahom do Drježdźan.",
    "Moja mać rěči serbsce.",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--language", default="hsb", choices=("hsb", "de", "en"))
    parser.add_argument(
        "--out",
        type=Path,
        default=Path.cwd() / time.strftime("screenshots-%Y%m%d-%H%M%S"),
        help="folder for the PNGs (default: a new screenshots-<date>-<time> folder here); "
        "docs/screenshots refreshes the README's",
    )
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    old_home = os.environ.get("HSB_WHISPER_HOME")
    with tempfile.TemporaryDirectory(prefix="hsb-screens-") as home:
        os.environ["HSB_WHISPER_HOME"] = home
        try:
            shoot(args.language, args.out)
        finally:
            if old_home is None:
                del os.environ["HSB_WHISPER_HOME"]
            else:
                os.environ["HSB_WHISPER_HOME"] = old_home
    return 0


def shoot(language: str, out: Path) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from hsb_whisper.desktop.ui.app import install_translators
    from hsb_whisper.desktop.ui.main_window import MainWindow
    from hsb_whisper.desktop.ui.settings import AppSettings

    from testsupport.fake_stream import FakeSoundDevice

    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_translators(app, language)
    sample = SAMPLES / "hsb-synthetic.mp3"
    window = MainWindow(AppSettings(ui_language=language), sd=FakeSoundDevice(sample))
    try:
        window.resize(1000, 560)
        window.show()
        loop = QEventLoop()
        window.file_worker.finished.connect(lambda *_: QTimer.singleShot(200, loop.quit))
        window.files.add_paths([sample, SAMPLES / "README.md"])
        QTimer.singleShot(120_000, loop.quit)
        loop.exec()
        window.record.live.setPlainText(
            "[00:00.000] Dobrý dzen, něřek a jen, a vidud vonme budešině."
        )
        window.record.meter.setValue(62)
        out.mkdir(parents=True, exist_ok=True)
        for index, name in enumerate(("files", "record", "transcript", "models")):
            window.tabs.setCurrentIndex(index)
            app.processEvents()
            path = out / f"{name}.png"
            window.grab().save(str(path))
            print(path)
        shoot_get_model(app, window, out)
    finally:
        window.close()  # stops the worker threads before the data folder goes
    shoot_speakers(app, language, out)
    shoot_corrections(app, language, out)
    shoot_improve(app, out)


def shoot_get_model(app, window, out: Path) -> None:
    """get-model.png: Models → Get an Upper Sorbian model…, the shipped catalogue with the
    speed column measured here (a second or two of the default model)."""
    window.tabs.setCurrentWidget(window.models)
    dialog = window.models.open_get_dialog()
    try:
        dialog.resize(1000, 440)
        deadline = time.monotonic() + 120
        while not dialog.measured and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.05)
        dialog.select("digitallabs-medium")  # a reported WER, and the copyleft row unselected
        app.processEvents()
        path = out / "get-model.png"
        dialog.grab().save(str(path))
        print(path)
    finally:
        dialog.close()


def shoot_speakers(app, language: str, out: Path) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    from hsb_whisper.desktop.ui.main_window import MainWindow
    from hsb_whisper.desktop.ui.settings import AppSettings

    from testsupport.fake_stream import FakeSoundDevice
    from testsupport.speech import speak_conversation

    with tempfile.TemporaryDirectory(prefix="hsb-screens-talk-") as folder:
        talk, _ = speak_conversation(Path(folder) / "rozmolwa.wav")
        settings = AppSettings(ui_language=language, language="en", speakers=0)
        window = MainWindow(settings, sd=FakeSoundDevice(talk))
        try:
            window.resize(1000, 560)
            window.show()
            loop = QEventLoop()
            window.file_worker.finished.connect(lambda *_: QTimer.singleShot(200, loop.quit))
            window.files.add_paths([talk])
            QTimer.singleShot(120_000, loop.quit)
            loop.exec()
            window.tabs.setCurrentWidget(window.editor)
            window.editor.rename_speaker("S1", "Jan Nowak")
            window.editor.rename_speaker("S2", "Marja Kral")
            app.processEvents()
            path = out / "speakers.png"
            window.grab().save(str(path))
            print(path)
        finally:
            window.close()


def shoot_corrections(app, language: str, out: Path) -> None:
    """corrections.png: the Transcript tab with the model's uncertain words shaded, two
    segments corrected (their ticks set), and the next uncertain one selected."""
    from hsb_whisper.desktop.ui.editor import TEXT
    from hsb_whisper.desktop.ui.main_window import MainWindow
    from hsb_whisper.desktop.ui.settings import AppSettings
    from hsb_whisper.export import ModelStore
    from hsb_whisper.transcription.engine import TranscribeOptions, Transcriber

    from testsupport.fake_stream import FakeSoundDevice
    from testsupport.speech import speak_sentences

    with tempfile.TemporaryDirectory(prefix="hsb-screens-check-") as folder:
        audio = speak_sentences(list(CORRECTIONS_LINES), "cs", Path(folder) / "powědanje.wav")
        options = TranscribeOptions(word_timestamps=True)
        transcript = Transcriber(ModelStore().resolve(None), options).transcribe_all(audio)
        window = MainWindow(AppSettings(ui_language=language), sd=FakeSoundDevice(audio))
        try:
            window.resize(1000, 560)
            window.show()
            editor = window.editor
            editor.show_transcript(transcript)
            window.tabs.setCurrentWidget(editor)
            for row in (0, 1):  # corrected, as the user typed it
                editor.table.item(row, TEXT).setText(CORRECTIONS_LINES[row])
            editor.table.setCurrentCell(1, TEXT)
            editor.go_to_next_uncertain()
            app.processEvents()
            path = out / "corrections.png"
            window.grab().save(str(path))
            print(path)
        finally:
            window.close()


def shoot_improve(app, out: Path) -> None:
    """improve.png: the dialog after a (two-step) improvement of the default model on eight
    confirmed transcripts saved in the app's folder."""
    from hsb_whisper import paths
    from hsb_whisper.desktop.ui.improve_dialog import ImproveDialog
    from hsb_whisper.export import ModelStore
    from hsb_whisper.finetune import missing_training_libraries

    from testsupport.corrections import save_corrected

    if missing := missing_training_libraries():
        print(f"improve.png skipped: training needs {', '.join(missing)}")
        return
    with tempfile.TemporaryDirectory(prefix="hsb-screens-improve-") as folder:
        save_corrected(paths.transcripts_dir(), Path(folder) / "recordings")
        steps = ("training.max_steps=2", "training.batch_size=2")
        dialog = ImproveDialog(
            ModelStore(), overrides=steps, min_minutes=0.01, work_root=Path(folder) / "improve"
        )
        try:
            dialog.show()
            wait_until(lambda: not dialog.counting, 60)
            dialog.start()
            wait_until(lambda: not dialog.timer.isActive(), 600)  # its outcome is shown
            app.processEvents()
            path = out / "improve.png"
            dialog.grab().save(str(path))
            print(path)
        finally:
            dialog.stop()
            dialog.close()


def wait_until(condition, timeout_s: float) -> None:
    """Run the event loop until ``condition()`` holds; give up after ``timeout_s``."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"not there after {timeout_s:.0f} s")
        loop = QEventLoop()
        QTimer.singleShot(100, loop.quit)
        loop.exec()


if __name__ == "__main__":
    sys.exit(main())
