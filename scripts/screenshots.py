"""Screenshots of the app's main views for the README, made offscreen.

    python scripts/screenshots.py [--language hsb] [--out docs/screenshots]

Uses a private data folder (so your own models and settings are untouched), transcribes the
bundled synthetic sample with the default model, and grabs each tab to PNG.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--language", default="hsb", choices=("hsb", "de", "en"))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["HSB_WHISPER_HOME"] = tempfile.mkdtemp(prefix="hsb-screens-")
    sys.path.insert(0, str(ROOT / "tests"))
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from hsb_whisper.desktop.ui.app import install_translators
    from hsb_whisper.desktop.ui.main_window import MainWindow
    from hsb_whisper.desktop.ui.settings import AppSettings

    from fake_stream import FakeSoundDevice

    app = QApplication(sys.argv[:1])
    install_translators(app, args.language)
    sample = ROOT / "hsb_whisper" / "assets" / "samples" / "hsb-synthetic.mp3"
    window = MainWindow(AppSettings(ui_language=args.language), sd=FakeSoundDevice(sample))
    window.resize(1000, 560)
    window.show()
    loop = QEventLoop()
    window.file_worker.finished.connect(lambda *_: QTimer.singleShot(200, loop.quit))
    window.files.add_paths([sample, ROOT / "hsb_whisper" / "assets" / "samples" / "README.md"])
    QTimer.singleShot(120_000, loop.quit)
    loop.exec()
    window.record.live.setPlainText("[00:00.000] Dobrý dzen, něřek a jen, a vidud vonme budešině.")
    window.record.meter.setValue(62)
    args.out.mkdir(parents=True, exist_ok=True)
    for index, name in enumerate(("files", "record", "transcript", "models")):
        window.tabs.setCurrentIndex(index)
        app.processEvents()
        path = args.out / f"{name}.png"
        window.grab().save(str(path))
        print(path)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
