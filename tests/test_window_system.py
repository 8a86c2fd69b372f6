"""The desktop app on a Linux system that lacks what Qt needs to open a window: one line with the
packages to install and exit code 1, never Qt's abort in the QApplication constructor; and the
self-test's qt check fails naming the missing library.

Each failure is made for real in a process of its own: no display at all; the wayland plugin of
PySide6's wheel, which needs libwayland-cursor.so.0 (not installed here or in CI); and a copy of
PySide6 whose xcb plugin needs a library that no system has (a NEEDED entry of the plugin renamed),
the way a minimal Debian lacks libxcb-icccm4. Control runs show that Qt itself aborts there.
"""

from __future__ import annotations

import os
import resource
import select
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hsb_whisper.cli.app import _import_problem
from hsb_whisper.desktop.system_libraries import install_hint
from hsb_whisper.desktop.ui import window_system

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Linux display servers")

# Renamed in a copy of the xcb plugin (same length, so the ELF string table keeps its layout).
NEEDED, ABSENT = b"libxcb-icccm.so.4\0", b"libxcb-nonex.so.4\0"
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE", "QT_QPA_PLATFORM")
QT_ABORTS = "from PySide6.QtWidgets import QApplication\nQApplication([])\nprint('Qt started')\n"
QT_CHECK = (
    "from hsb_whisper import selftest\n"
    "selftest.CHECKS = tuple(c for c in selftest.CHECKS if c[0] == 'qt')\n"
    "[check] = selftest.run_selftest()\n"
    "print(check.status, check.detail)\n"
)


def _no_core_dump() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(code_or_args: str | list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """``python -c CODE`` or ``hsb-whisper ARGS`` with no display variables but ``env``."""
    environ = {k: v for k, v in os.environ.items() if k not in DISPLAY_VARIABLES}
    environ.update(env)
    if isinstance(code_or_args, str):
        command = [sys.executable, "-c", code_or_args]
    else:
        command = [sys.executable, "-m", "hsb_whisper", *code_or_args]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=environ,
        cwd=cwd,
        timeout=120,
        preexec_fn=_no_core_dump,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("hsb-whisper: error: cannot open a window: "), lines[0]
    for word in words:
        assert word in lines[0]
    assert "Aborted" not in result.stderr and "core dumped" not in result.stderr
    return lines[0]


def assert_qt_aborts(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == -signal.SIGABRT, (result.returncode, result.stderr)
    assert "no Qt platform plugin could be initialized" in result.stderr


@pytest.fixture(scope="module")
def broken_pyside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for PYTHONPATH with a PySide6 made of links to the installed one, but whose
    ``libqxcb.so`` needs a library that does not exist. Qt finds its plugins relative to
    libQt6Core, so this copy's Qt uses the broken plugin and nothing else."""
    import PySide6

    real = Path(PySide6.__file__).parent
    root = tmp_path_factory.mktemp("broken-pyside")
    made = (Path("Qt"), Path("Qt/plugins"), Path("Qt/plugins/platforms"))
    for part in (Path(), *made):
        (root / "PySide6" / part).mkdir()
        for entry in (real / part).iterdir():
            if part / entry.name not in made:
                (root / "PySide6" / part / entry.name).symlink_to(entry)
    plugin = root / "PySide6/Qt/plugins/platforms/libqxcb.so"
    plugin.unlink()
    data = (real / "Qt/plugins/platforms/libqxcb.so").read_bytes()
    assert data.count(NEEDED) == 1
    plugin.write_bytes(data.replace(NEEDED, ABSENT))
    return root


@pytest.mark.parametrize(
    ("env", "order"),
    [
        ({}, ["xcb"]),
        ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, ["xcb"]),
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, ["wayland", "xcb"]),
        ({"XDG_SESSION_TYPE": "wayland"}, ["wayland", "xcb"]),
        ({"QT_QPA_PLATFORM": "offscreen", "WAYLAND_DISPLAY": "wayland-0"}, ["offscreen"]),
        ({"QT_QPA_PLATFORM": "wayland;XCB:nomitshm"}, ["wayland", "xcb"]),
    ],
)
def test_platform_order_is_qts(monkeypatch, tmp_path, env, order):
    for name in DISPLAY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert window_system.platform_order() == order
    if "QT_QPA_PLATFORM" in env:
        return  # Qt's log shows the variable as it is
    # what Qt itself tries, from its plugin log (it aborts, or starts where a display answers)
    qt = run(QT_ABORTS, tmp_path, QT_LOGGING_RULES="qt.qpa.plugin=true", **env)
    assert f'pluginNamesWithArguments "{";".join(order)}"' in qt.stderr, qt.stderr


def test_app_without_a_display_says_so_in_one_line(tmp_path):
    line = assert_one_line_error(run(["app"], tmp_path), "no display", "hsb-whisper transcribe")
    assert "DISPLAY" in line
    assert_qt_aborts(run(QT_ABORTS, tmp_path))


def test_missing_library_of_the_xcb_plugin(broken_pyside, tmp_path):
    env = {"PYTHONPATH": str(broken_pyside), "DISPLAY": ":99"}
    missing = ABSENT.rstrip(b"\0").decode()
    line = assert_one_line_error(run(["app"], tmp_path, **env), f"xcb plugin needs {missing}")
    assert f"install the system package that has {missing}" in line
    qt = run(QT_ABORTS, tmp_path, **env)
    assert_qt_aborts(qt)
    assert "xcb-cursor0" in qt.stderr  # Qt's own message blames another library

    check = run(QT_CHECK, tmp_path, **env)
    status, detail = check.stdout.strip().split(" ", 1)
    assert (status, check.returncode) == ("FAIL", 0), check.stdout + check.stderr
    assert f"the app's window cannot start: Qt's xcb plugin needs {missing}" in detail


def test_missing_library_of_the_wayland_plugin(tmp_path):
    """Real libraries and packages: PySide6's wayland plugin needs libwayland-cursor.so.0,
    which this machine (and CI's package list) does not install."""
    [plugin] = window_system.plugin_files("wayland")
    missing = window_system.missing_libraries(plugin)
    if not missing:
        pytest.skip(f"{plugin.name} finds all its libraries here")
    hint = install_hint(missing)
    assert "sudo apt install " in hint and "sudo dnf install " in hint
    for env in ({"QT_QPA_PLATFORM": "wayland"}, {"WAYLAND_DISPLAY": "wayland-hsb-test"}):
        line = assert_one_line_error(run(["app"], tmp_path, **env), *missing, hint)
        assert "Qt's wayland plugin needs" in line
        assert_qt_aborts(run(QT_ABORTS, tmp_path, **env))

    check = run(QT_CHECK, tmp_path, QT_QPA_PLATFORM="wayland")
    assert check.stdout.startswith("FAIL the app's window cannot start: "), check.stdout
    assert all(name in check.stdout for name in missing) and hint in check.stdout


def test_install_hint_names_debian_and_fedora_packages():
    hint = install_hint(["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-shm.so.0"])
    assert "'sudo apt install libxcb-icccm4 libxcb-keysyms1 libxcb-shm0' (Debian, Ubuntu)" in hint
    assert "'sudo dnf install xcb-util-wm xcb-util-keysyms libxcb' (Fedora)" in hint
    assert install_hint(["libnew.so.1"]) == "install the system package that has libnew.so.1"


def test_an_import_error_of_qt_names_the_library_and_packages():
    error = ImportError("libEGL.so.1: cannot open shared object file: No such file or directory")
    assert _import_problem(error) == (
        "the desktop app needs libEGL.so.1, not installed; install what is missing: "
        "'sudo apt install libegl1' (Debian, Ubuntu) or 'sudo dnf install libglvnd-egl' (Fedora)"
    )
    no_qt = ModuleNotFoundError("No module named 'PySide6'", name="PySide6")
    assert "pip install 'hsb-whisper[desktop]'" in _import_problem(no_qt)


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="no Xvfb (apt install xvfb)")
def test_app_opens_a_window_on_an_x_server(tmp_path):
    """The positive path: Xvfb as the X server, the window closed after a second."""
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        # The display number is written once the server is ready (never waited for forever).
        if not select.select([xvfb.stdout], [], [], 60)[0]:
            pytest.fail("Xvfb did not start within 60 s")
        display = f":{xvfb.stdout.readline().strip()}"
        env = {"DISPLAY": display, "HSB_WHISPER_QUIT_AFTER_MS": "1000"}
        check = run(QT_CHECK, tmp_path, DISPLAY=display)
        assert check.stdout.startswith("ok "), check.stdout + check.stderr
        assert "platform xcb (libqxcb.so) loads, translations" in check.stdout
        result = run(["app"], tmp_path, **env)
        assert result.returncode == 0, result.stderr
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=30)


def test_a_display_that_does_not_answer(tmp_path):
    [plugin] = window_system.plugin_files("xcb")
    if window_system.missing_libraries(plugin):
        pytest.skip(f"{plugin.name} does not load here")
    env = {"DISPLAY": ":98765"}
    assert_one_line_error(run(["app"], tmp_path, **env), "no X server answers on DISPLAY=:98765")
    check = run(QT_CHECK, tmp_path, **env)  # not the installation's fault: told, not failed
    assert check.stdout.startswith("ok "), check.stdout + check.stderr
    assert "xcb (libqxcb.so) loads, but no X server answers on DISPLAY=:98765" in check.stdout


def test_wayland_without_a_runtime_folder_is_named_not_asked(monkeypatch, capfd):
    """libwayland-client prints its own line when XDG_RUNTIME_DIR is missing: not asked then."""
    for name in ("WAYLAND_DISPLAY", "WAYLAND_SOCKET", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(name, raising=False)
    problem = window_system._display_error("wayland")
    assert problem == "no Wayland compositor: wayland-0 is in XDG_RUNTIME_DIR, which is not set"
    assert capfd.readouterr().err == ""
