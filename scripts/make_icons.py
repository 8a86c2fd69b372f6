"""Render the app icon (an SVG) to the PNG, ICO and ICNS files the installers need.

    python scripts/make_icons.py [--svg assets/icon/hsb-whisper.svg] [--package] OUTDIR

Writes into OUTDIR (created if missing):

- ``hsb-whisper-<n>.png`` for n in 16, 24, 32, 48, 64, 128, 256, 512, 1024 (square, RGBA);
- ``hsb-whisper.png``: the 256 px render (the name a Linux .desktop file's ``Icon=`` refers to);
- ``hsb-whisper.ico``: Windows, the 16 … 256 px renders in one file;
- ``hsb-whisper.icns``: macOS, from the 1024 px render and the smaller ones.

With ``--package`` the 256 px PNG is also written to ``hsb_whisper/assets/icons/hsb-whisper.png``,
the app's window icon (committed, so the app has it without running this script).

Every size is rendered from the vector drawing (not scaled down from 1024 px), so the small ones
stay sharp. Each file is written under a temporary name and renamed, so an interrupted run never
leaves a half-written icon. A missing or unreadable SVG is one line on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from PIL import Image

from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.files import atomic_open

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SVG = ROOT / "assets" / "icon" / "hsb-whisper.svg"
PACKAGE_ICON = ROOT / "hsb_whisper" / "assets" / "icons" / "hsb-whisper.png"
NAME = "hsb-whisper"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # 256 is the largest an .ico entry can hold
MAIN_PNG_SIZE = 256  # hsb-whisper.png and the package's window icon


class IconError(HsbWhisperError):
    """The icon SVG is missing or cannot be rendered."""


def render_svg(svg: Path, sizes: tuple[int, ...]) -> dict[int, Image.Image]:
    """Render ``svg`` at each size (n x n pixels, transparent background) to RGBA images."""
    if not svg.is_file():
        raise IconError(f"icon SVG not found: {svg}")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed
    from PySide6.QtCore import QRectF, qInstallMessageHandler
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    # Qt prints its SVG parser's complaints to stderr; keep them in the log so a bad file is
    # reported as one line of ours.
    previous = qInstallMessageHandler(lambda _mode, _context, message: log.debug("%s", message))
    try:
        _app = QGuiApplication.instance() or QGuiApplication([])
        renderer = QSvgRenderer(str(svg))
        if not renderer.isValid():
            raise IconError(f"icon SVG does not render (not a valid SVG file): {svg}")
        images = {}
        for n in sizes:
            image = QImage(n, n, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(0)  # transparent
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            renderer.render(painter, QRectF(0, 0, n, n))
            painter.end()
            rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)  # not premultiplied
            images[n] = Image.frombuffer(
                "RGBA", (n, n), bytes(rgba.constBits()), "raw", "RGBA", rgba.bytesPerLine(), 1
            ).copy()
    finally:
        qInstallMessageHandler(previous)
    return images


def save_image(path: Path, image: Image.Image, image_format: str, **params) -> Path:
    with atomic_open(path, "wb") as f:
        image.save(f, format=image_format, **params)
    return path


def make_icons(svg: Path, outdir: Path, package: bool = False) -> list[Path]:
    """Write every icon file (see the module docstring) and return their paths."""
    images = render_svg(svg, PNG_SIZES)
    outdir.mkdir(parents=True, exist_ok=True)
    written = [save_image(outdir / f"{NAME}-{n}.png", images[n], "PNG") for n in PNG_SIZES]
    written.append(save_image(outdir / f"{NAME}.png", images[MAIN_PNG_SIZE], "PNG"))
    # ICO and ICNS: Pillow takes each size from append_images when one matches, so every entry is
    # a real render rather than Pillow's downscale of the largest.
    written.append(
        save_image(
            outdir / f"{NAME}.ico",
            images[max(ICO_SIZES)],
            "ICO",
            sizes=[(n, n) for n in ICO_SIZES],
            append_images=[images[n] for n in ICO_SIZES if n != max(ICO_SIZES)],
        )
    )
    written.append(
        save_image(
            outdir / f"{NAME}.icns",
            images[1024],
            "ICNS",
            append_images=[images[n] for n in PNG_SIZES if n != 1024],
        )
    )
    if package:
        PACKAGE_ICON.parent.mkdir(parents=True, exist_ok=True)
        written.append(save_image(PACKAGE_ICON, images[MAIN_PNG_SIZE], "PNG"))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path, help="folder for the icon files (created if missing)")
    parser.add_argument("--svg", type=Path, default=DEFAULT_SVG, help=f"default: {DEFAULT_SVG}")
    parser.add_argument(
        "--package",
        action="store_true",
        help=f"also write the {MAIN_PNG_SIZE} px PNG as the app's window icon, {PACKAGE_ICON}",
    )
    args = parser.parse_args(argv)
    try:
        written = make_icons(args.svg, args.outdir, package=args.package)
    except IconError as e:
        print(f"make_icons: error: {e}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
