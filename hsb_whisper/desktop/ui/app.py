"""``hsb-whisper app``: start the desktop application."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

import PySide6
from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTimer, QTranslator
from PySide6.QtGui import QIcon, QImageReader
from PySide6.QtWidgets import QApplication, QMessageBox

from hsb_whisper.desktop.ui import window_system
from hsb_whisper.desktop.ui.settings import UI_LANGUAGES, load_settings, system_language
from hsb_whisper.errors import HsbWhisperError

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).resolve().parents[2] / "assets" / "translations"
ICONS = Path(__file__).resolve().parents[2] / "assets" / "icons"  # the window icon (PNG)
# The offscreen platform's plugin file (no window), which the self-test's QApplication uses.
_OFFSCREEN_PLUGIN = {"win32": "qoffscreen.dll", "darwin": "libqoffscreen.dylib"}
_selftest_app: QApplication | None = None  # kept alive: one application per process


# The language of Qt's own texts (the file dialog, the buttons of standard dialogs) for each
# interface language: Qt ships no Upper Sorbian, and Sorbian speakers read German.
QT_LANGUAGES = {"hsb": "de", "de": "de", "en": "en"}


def install_translators(
    app: QApplication, language: str, system: QLocale | None = None
) -> list[QTranslator]:
    """Our strings from ``assets/translations/hsb_whisper_<lang>.qm`` and Qt's own from Qt's
    ``qtbase_<lang>.qm`` (``qt_<lang>.qm`` only lists it with Qt Multimedia's, which PySide6
    does not ship, and so does not load), in the language of :data:`QT_LANGUAGES`. English needs
    none. The system's own file dialogs speak the system's language (``system``: default
    QLocale.system()); where that is not the interface's, the app uses Qt's dialogs instead."""
    translators = []
    if language != "en":
        ours = QTranslator(app)
        if ours.load(str(TRANSLATIONS / f"hsb_whisper_{language}.qm")):
            app.installTranslator(ours)
            translators.append(ours)
        else:
            log.warning("no translation for %s in %s", language, TRANSLATIONS)
    qt_language = QT_LANGUAGES.get(language, language)
    if qt_language != "en":
        qt = QTranslator(app)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load(f"qtbase_{qt_language}", qt_dir):
            app.installTranslator(qt)
            translators.append(qt)
        else:
            log.warning("no Qt translation qtbase_%s in %s", qt_language, qt_dir)
    shown = system_language(system)
    shown = "en" if shown == "C" else shown  # the C locale's texts are English
    app.setAttribute(
        Qt.ApplicationAttribute.AA_DontUseNativeDialogs, shown not in (language, qt_language)
    )
    return translators


def qt_selftest() -> tuple[str, list[str]]:
    """Check, without a window, what an installer must bundle of Qt and what the system must
    have: the platform plugin of this system (xcb, windows, cocoa) is there, and one of the
    platforms Qt would start the app with here (``window_system.platform_order``) loads (it
    fails when a system library it needs is missing: named, with the packages that have it);
    our translations; PNG images (the window icon). A display that does not answer, or none at
    all (a headless machine), is told, not failed. Returns what was found, in words, and the
    problems (none when all is well). Makes an offscreen ``QApplication`` when there is none."""
    global _selftest_app
    if QApplication.instance() is None:
        folders = window_system.platform_folders()
        offscreen = _OFFSCREEN_PLUGIN.get(sys.platform, "libqoffscreen.so")
        if not any((folder / offscreen).is_file() for folder in folders):
            # Qt would abort the process instead of raising
            where = ", ".join(map(str, folders)) or "no plugin folder"
            return "", [f"no {offscreen} in {where}: Qt cannot start without a window"]
        argv0 = sys.argv[0] if sys.argv else "hsb-whisper"
        _selftest_app = QApplication([argv0, "-platform", "offscreen"])  # wins over QT_QPA_*
    found, problems = [f"PySide6 {PySide6.__version__}"], []
    _check_platforms(found, problems)

    languages = [code for code in UI_LANGUAGES if code != "en"]
    for code in languages:
        path = TRANSLATIONS / f"hsb_whisper_{code}.qm"
        translator = QTranslator()
        if not translator.load(str(path)) or translator.isEmpty():
            problems.append(f"the translation {path} does not load")
    found.append(f"translations {', '.join(languages)}")

    formats = {bytes(f).decode() for f in QImageReader.supportedImageFormats()}
    if "png" not in formats:
        problems.append("Qt reads no PNG images (the window icon is one)")
    icons = sorted(ICONS.glob("*.png")) if ICONS.is_dir() else []
    problems.extend(f"{i} cannot be read" for i in icons if QImageReader(str(i)).read().isNull())
    found.append(f"images png, {'svg too' if 'svg' in formats else 'no svg (not needed)'}")
    return ", ".join(found), problems


def _check_platforms(found: list[str], problems: list[str]) -> None:
    """The system's platform plugin must be there; one of the platforms Qt would try here must
    load (see :func:`qt_selftest`)."""
    default = window_system.default_platform()
    if not window_system.plugin_files(default):
        where = ", ".join(map(str, window_system.platform_folders())) or "no plugin folder"
        problems.append(f"no Qt platform plugin {default!r} (this system's) in {where}")
    platforms = window_system.check_platforms()
    problem = window_system.load_problem(platforms)
    if problem is not None:
        problems.append(f"the app's window cannot start: {problem}")
        return
    chosen = next(p for p in platforms if p.loads)
    words = f"platform {chosen.name} ({Path(chosen.plugin or '').name}) loads"
    if os.environ.get("QT_QPA_PLATFORM"):
        words += " as QT_QPA_PLATFORM asks"
    before = [p.problem() for p in platforms[: platforms.index(chosen)]]
    if before:
        words += f" (tried first: {'; '.join(before)})"
    if window_system.no_display_session():
        words += ", no display here (DISPLAY and WAYLAND_DISPLAY are not set)"
    elif chosen.display_error:
        words += f", but {chosen.display_error}"
    found.append(words)


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
    from hsb_whisper.transcription.memory import use_one_heap

    use_one_heap()  # before Qt and the workers start threads: ~40 MB less when idle
    app = QApplication.instance()
    if app is None:
        # Qt aborts the process in QApplication() when no platform plugin starts
        reason = window_system.no_window_reason(window_system.check_platforms())
        if reason is not None:
            raise HsbWhisperError(reason)
        app = QApplication(sys.argv[:1])
    app.setApplicationName("hsb-whisper")
    app.setWindowIcon(QIcon(str(ICONS / "hsb-whisper.png")))
    app.setDesktopFileName("hsb-whisper")  # Wayland: the menu entry (and icon) of this window
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
