"""Whether Qt can open a window here, asked before the ``QApplication`` exists.

Qt chooses its platform plugin in the ``QApplication`` constructor and aborts the process
(SIGABRT, "no Qt platform plugin could be initialized") when none starts; on Linux its message
blames libxcb-cursor0 whichever library is missing. So the app asks first, in the order Qt 6
tries (``qguiapplication.cpp``; seen with ``QT_LOGGING_RULES="qt.qpa.*=true"`` on Qt 6.11):

- ``QT_QPA_PLATFORM`` when set: its ``;``-separated names (``name:arguments``), in order;
- elsewhere than Windows and macOS, ``wayland;xcb`` when ``WAYLAND_DISPLAY`` is set or
  ``XDG_SESSION_TYPE`` is ``wayland``, else ``xcb`` (the build's default);
- ``windows`` on Windows, ``cocoa`` on macOS.

Qt takes the first that starts: its plugin is found (by the keys in the plugin's metadata, as
Qt finds it), loads (every shared library it needs is there) and, for xcb and wayland, reaches a
display server.
"""

from __future__ import annotations

import ctypes
import dataclasses
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QPluginLoader

from hsb_whisper.desktop.system_libraries import install_hint, not_found_in

log = logging.getLogger(__name__)

PLUGIN_SUFFIXES = (".so", ".dll", ".dylib")
LDD_TIMEOUT_S = 10.0


@dataclasses.dataclass(frozen=True)
class Platform:
    """What was found of one platform Qt would try."""

    name: str  # as Qt names it: "xcb", "wayland", "offscreen", …
    plugin: Path | None  # its plugin file; None when no folder has one
    missing: tuple[str, ...] = ()  # shared libraries (sonames) of the plugin not found
    load_error: str = ""  # why the plugin does not load; "" when it loads
    display_error: str = ""  # why it reaches no display server; "" when it does or needs none

    @property
    def loads(self) -> bool:
        return self.plugin is not None and not self.load_error

    @property
    def starts(self) -> bool:
        return self.loads and not self.display_error

    def problem(self) -> str:
        """One phrase: why this platform does not start ("" when it does)."""
        if self.plugin is None:
            return f"no Qt platform plugin {self.name!r}"
        if self.missing:
            return f"Qt's {self.name} plugin needs {', '.join(self.missing)}, not installed"
        if self.load_error:
            return f"Qt's {self.name} plugin {self.plugin} does not load: {self.load_error}"
        if self.display_error:
            return f"{self.name}: {self.display_error}"
        return ""


def platform_order() -> list[str]:
    """The platform names Qt 6 tries, in its order (see the module's docstring)."""
    chosen = os.environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        names = [part.split(":")[0].strip().lower() for part in chosen.split(";")]
        return [name for name in names if name]
    if sys.platform == "win32":
        return ["windows"]
    if sys.platform == "darwin":
        return ["cocoa"]
    wayland = bool(os.environ.get("WAYLAND_DISPLAY")) or _wayland_session()
    return ["wayland", "xcb"] if wayland else ["xcb"]


def default_platform() -> str:
    """The platform Qt uses here when nothing chooses another: what must be installed."""
    return {"win32": "windows", "darwin": "cocoa"}.get(sys.platform, "xcb")


def platform_folders() -> list[Path]:
    """Where Qt looks for platform plugins: QT_QPA_PLATFORM_PLUGIN_PATH, then ``platforms`` in
    each library path (QT_PLUGIN_PATH, which PyInstaller's runtime hook sets, and Qt's own)."""
    folders = [_direct_folder(), *_library_folders()]
    return [Path(f) for f in folders if f and os.path.isdir(f)]


def _direct_folder() -> str:
    return os.environ.get("QT_QPA_PLATFORM_PLUGIN_PATH", "")


def _library_folders() -> list[str]:
    folders = [os.path.join(path, "platforms") for path in QCoreApplication.libraryPaths()]
    folders.append(
        os.path.join(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath), "platforms")
    )
    return [f for f in dict.fromkeys(folders) if f != _direct_folder()]


def plugin_files(name: str) -> list[Path]:
    """The plugin files Qt tries for platform ``name``, in its order: the one in
    QT_QPA_PLATFORM_PLUGIN_PATH, then its own loader's, from the first library folder that has
    one. A plugin's names are the keys in its metadata, read without loading it."""
    files = []
    for folders in ([_direct_folder()], _library_folders()):
        for folder in folders:
            found = _plugins_in(folder).get(name)
            if found is not None:
                files.append(found)
                break
    return files


def _plugins_in(folder: str) -> dict[str, Path]:
    """Platform name → plugin file in ``folder``."""
    plugins: dict[str, Path] = {}
    if not folder or not os.path.isdir(folder):
        return plugins
    for path in sorted(Path(folder).iterdir()):
        if path.suffix not in PLUGIN_SUFFIXES or not path.is_file():
            continue
        metadata = QPluginLoader(str(path)).metaData().get("MetaData", {})
        for key in metadata.get("Keys", ()) if isinstance(metadata, dict) else ():
            plugins.setdefault(str(key).lower(), path)
    return plugins


def check_platforms() -> list[Platform]:
    """The platforms of :func:`platform_order`, each checked, up to the first that starts (the
    one Qt would use: then the last of the list)."""
    checked = []
    for name in platform_order():
        platform = check_platform(name, plugin_files(name))
        checked.append(platform)
        if platform.starts:
            break
    return checked


def check_platform(name: str, files: list[Path]) -> Platform:
    """Load the plugin ``files`` of platform ``name`` in turn, as Qt does, up to the first that
    loads (it stays loaded: Qt loads it again at no cost); for xcb and wayland, connect to the
    display server once."""
    missing: list[str] = []
    errors = []
    for path in files:
        loader = QPluginLoader(str(path))
        if loader.load():
            return Platform(name, path, display_error=_display_error(name))
        error = loader.errorString().replace(f"Cannot load library {path}: ", "")
        errors.append(error)
        missing += missing_libraries(path, error)
    if not files:
        return Platform(name, None)
    return Platform(name, files[-1], tuple(dict.fromkeys(missing)), "; ".join(errors))


def missing_libraries(path: Path, error: str = "") -> tuple[str, ...]:
    """The shared libraries ``path`` needs, directly or through others, that the dynamic loader
    does not find: all of them by ``ldd`` where there is one, else the one that ``error`` (the
    loader's message) names."""
    ldd = shutil.which("ldd") if sys.platform.startswith("linux") else None
    found: list[str] = []
    if ldd:
        try:
            out = subprocess.run(
                [ldd, str(path)], capture_output=True, text=True, timeout=LDD_TIMEOUT_S
            ).stdout
        except (OSError, subprocess.SubprocessError) as e:
            log.debug("ldd %s failed: %s", path, e)
            out = ""
        for line in out.splitlines():
            name, _, target = line.strip().partition(" => ")
            if target.strip() == "not found":
                found.append(name)
    if not found:
        found = not_found_in(error)
    return tuple(dict.fromkeys(found))


def no_window_reason(platforms: list[Platform]) -> str | None:
    """One line saying why no platform of ``platforms`` (:func:`check_platforms`) starts, with
    the packages to install; ``None`` when the last one starts."""
    if platforms and platforms[-1].starts:
        return None
    if no_display_session():
        lead = [
            "no display (neither DISPLAY nor WAYLAND_DISPLAY is set): the app needs a desktop "
            "session; 'hsb-whisper transcribe' works without one"
        ]
        return "cannot open a window: " + "; ".join(lead + _problems(platforms, loaded=False))
    problems = _problems(platforms, loaded=True) or ["QT_QPA_PLATFORM names no platform"]
    return "cannot open a window: " + "; ".join(problems)


def load_problem(platforms: list[Platform]) -> str | None:
    """One line saying why no platform of ``platforms`` loads, with the packages to install;
    ``None`` when one does (whether a display answers is not asked)."""
    if any(p.loads for p in platforms):
        return None
    return "; ".join(_problems(platforms, loaded=False) or ["QT_QPA_PLATFORM names no platform"])


def _problems(platforms: list[Platform], loaded: bool) -> list[str]:
    """What keeps ``platforms`` from starting (``loaded``: those whose plugin loads too), in
    Qt's order, then how to fix what keeps plugins from loading."""
    failed = [p for p in platforms if not p.loads]
    problems = [p.problem() for p in (platforms if loaded else failed)]
    if any(p.plugin is None for p in failed):
        where = ", ".join(map(str, platform_folders()))
        problems.append(f"plugins searched in {where or 'no folder'}")
    missing = list(dict.fromkeys(name for p in failed for name in p.missing))
    if missing:
        problems.append(install_hint(missing))
    return problems


def no_display_session() -> bool:
    """Whether nothing here names a display server (Linux and other X11/Wayland systems, with no
    QT_QPA_PLATFORM choosing a platform that may need none)."""
    if sys.platform in ("win32", "darwin") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    names = ("DISPLAY", "WAYLAND_DISPLAY")
    return not any(os.environ.get(n) for n in names) and not _wayland_session()


def _wayland_session() -> bool:
    return os.environ.get("XDG_SESSION_TYPE") == "wayland"


def _display_error(name: str) -> str:
    """Why the display server of platform ``name`` does not answer ("" when it does, or when
    the platform needs none). Connects as Qt does: libxcb for xcb, libwayland-client for
    wayland (both already loaded with the plugin)."""
    if name == "xcb":
        display = os.environ.get("DISPLAY", "")
        if not display:
            return "no X display (DISPLAY is not set)"
        return "" if _x11_answers(display) else f"no X server answers on DISPLAY={display}"
    if name.startswith("wayland"):
        socket = os.environ.get("WAYLAND_DISPLAY") or "wayland-0"
        relative = not os.environ.get("WAYLAND_SOCKET") and not os.path.isabs(socket)
        if relative and not os.environ.get("XDG_RUNTIME_DIR"):  # libwayland would print it
            return f"no Wayland compositor: {socket} is in XDG_RUNTIME_DIR, which is not set"
        return "" if _wayland_answers() else f"no Wayland compositor answers on {socket}"
    return ""


def _x11_answers(display: str) -> bool:
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return False
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)  # never NULL: an error connection
    try:
        return xcb.xcb_connection_has_error(connection) == 0
    finally:
        xcb.xcb_disconnect(connection)


def _wayland_answers() -> bool:
    try:
        wayland = ctypes.CDLL("libwayland-client.so.0")
    except OSError:
        return False
    wayland.wl_display_connect.restype = ctypes.c_void_p
    wayland.wl_display_connect.argtypes = [ctypes.c_char_p]
    wayland.wl_display_disconnect.argtypes = [ctypes.c_void_p]
    display = wayland.wl_display_connect(None)  # WAYLAND_DISPLAY, else wayland-0
    if not display:
        return False
    wayland.wl_display_disconnect(display)
    return True
