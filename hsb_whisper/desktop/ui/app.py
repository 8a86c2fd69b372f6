"""``hsb-whisper app``: start the desktop application."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path

import PySide6
from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QPluginLoader,
    Qt,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import QIcon, QImageReader
from PySide6.QtWidgets import QApplication, QMessageBox

from hsb_whisper.desktop.ui.settings import UI_LANGUAGES, load_settings, system_language

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).resolve().parents[2] / "assets" / "translations"
ICONS = Path(__file__).resolve().parents[2] / "assets" / "icons"  # the window icon (PNG)
# Qt's platform plugins (in plugins/platforms) that show windows, per system (sys.platform
# prefix): the first must be there; the others (by name pattern) are tried where Qt has them.
# A window needs one that loads; "offscreen" (no window) serves the self-test.
_WINDOW_PLUGINS = {
    "linux": ("libqxcb.so", "libqwayland*.so"),  # X11; Wayland (-generic/-egl before Qt 6.7)
    "win32": ("qwindows.dll",),
    "darwin": ("libqcocoa.dylib",),
}
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
    """Check, without a window, what an installer must bundle of Qt: the platform plugins that
    show windows on this system (present, and one of them loads: loading fails when a system
    library it needs is missing), our translations, and PNG images (the window icon). Returns
    what was found, in words, and the problems (none when all is well). Makes an offscreen
    ``QApplication`` when there is none yet."""
    global _selftest_app
    folders = _platform_folders()
    if QApplication.instance() is None:
        offscreen = _OFFSCREEN_PLUGIN.get(sys.platform, "libqoffscreen.so")
        if not any((folder / offscreen).is_file() for folder in folders):
            # Qt would abort the process instead of raising
            where = ", ".join(map(str, folders)) or "no plugin folder"
            return "", [f"no {offscreen} in {where}: Qt cannot start without a window"]
        argv0 = sys.argv[0] if sys.argv else "hsb-whisper"
        _selftest_app = QApplication([argv0, "-platform", "offscreen"])  # wins over QT_QPA_*
    found, problems = [f"PySide6 {PySide6.__version__}"], []
    _check_window_plugins(folders, found, problems)

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


def _platform_folders() -> list[Path]:
    """Where Qt looks for platform plugins: QT_QPA_PLATFORM_PLUGIN_PATH, then ``platforms`` in
    each library path (QT_PLUGIN_PATH, which PyInstaller's runtime hook sets, and Qt's own)."""
    folders = [os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH", "")]
    folders += [os.path.join(path, "platforms") for path in QCoreApplication.libraryPaths()]
    folders.append(
        os.path.join(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath), "platforms")
    )
    return [Path(f) for f in dict.fromkeys(folders) if f and os.path.isdir(f)]


def _check_window_plugins(folders: list[Path], found: list[str], problems: list[str]) -> None:
    """The platform plugins of :data:`_WINDOW_PLUGINS` for this system: the first must be in
    one of ``folders``, and one of those found must load (they stay loaded: unloading gains
    nothing)."""
    names = next((n for key, n in _WINDOW_PLUGINS.items() if sys.platform.startswith(key)), ())
    if not names:
        return
    chosen: dict[str, Path] = {}  # plugin file name → the first folder's copy, as Qt picks it
    for folder in folders:
        for pattern in names:
            for path in sorted(folder.glob(pattern)):
                chosen.setdefault(path.name, path)
    if names[0] not in chosen:
        where = ", ".join(map(str, folders)) or "no plugin folder"
        problems.append(f"no platform plugin {names[0]} in {where}")
    plugins = list(chosen.values())
    if not plugins:
        return
    loaded, errors = [], []
    for path in plugins:
        loader = QPluginLoader(str(path))
        if loader.load():
            loaded.append(path.name)
        else:
            error = loader.errorString().replace(f"Cannot load library {path}: ", "")
            errors.append(f"{path.name}: {error}")
    if not loaded:
        problems.append(f"no platform plugin that shows windows loads ({'; '.join(errors)})")
    else:
        failed = f" (not {'; '.join(errors)})" if errors else ""
        found.append(f"window plugins that load: {', '.join(loaded)}{failed}")


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
    from hsb_whisper.desktop.memory import use_one_heap
    from hsb_whisper.desktop.ui.main_window import MainWindow

    use_one_heap()  # before Qt and the workers start threads: ~40 MB less when idle
    app = QApplication.instance() or QApplication(sys.argv[:1])
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
