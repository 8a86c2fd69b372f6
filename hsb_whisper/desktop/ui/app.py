"""``hsb-whisper app``: start the desktop application."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from hsb_whisper.desktop.ui.settings import load_settings

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).resolve().parents[2] / "assets" / "translations"


def install_translators(app: QApplication, language: str) -> list[QTranslator]:
    """Our strings from ``assets/translations/hsb_whisper_<lang>.qm`` and Qt's own (buttons of
    standard dialogs) where Qt ships them. English needs none."""
    translators = []
    if language == "en":
        return translators
    ours = QTranslator(app)
    if ours.load(str(TRANSLATIONS / f"hsb_whisper_{language}.qm")):
        app.installTranslator(ours)
        translators.append(ours)
    else:
        log.warning("no translation for %s in %s", language, TRANSLATIONS)
    qt = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(QLocale(language), "qtbase", "_", qt_dir):
        app.installTranslator(qt)
        translators.append(qt)
    return translators


def _excepthook(log_file: Path | None):
    def hook(kind, value, tb) -> None:
        log.error("unexpected error", exc_info=(kind, value, tb))
        where = f"\n\nDetails are in {log_file}" if log_file else ""
        text = f"{kind.__name__}: {value}{where}"
        if QApplication.instance() is not None:
            QMessageBox.critical(None, "hsb-whisper", text)
        else:
            traceback.print_exception(kind, value, tb)

    return hook


def run_app(log_file: Path | None = None, quit_after_ms: int = 0) -> int:
    """Show the main window and run Qt's event loop until it closes; returns the exit code."""
    from hsb_whisper.desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("hsb-whisper")
    settings = load_settings()
    install_translators(app, settings.ui_language)
    sys.excepthook = _excepthook(log_file)
    try:
        import sounddevice as sd
    except OSError as e:  # PortAudio missing: the app works, recording does not
        log.warning("no audio (%s)", e)
        sd = None
    window = MainWindow(settings, sd)
    window.show()
    if quit_after_ms or os.environ.get("HSB_WHISPER_QUIT_AFTER_MS"):
        QTimer.singleShot(
            quit_after_ms or int(os.environ["HSB_WHISPER_QUIT_AFTER_MS"]), window.close
        )
    return app.exec()
