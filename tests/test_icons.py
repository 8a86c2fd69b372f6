"""scripts/make_icons.py: the app icon rendered to the PNG, ICO and ICNS files of the installers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_icons.py"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = {(n, n) for n in (16, 24, 32, 48, 64, 128, 256)}


def make_icons(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def icons(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("icons") / "new-folder"  # created by the script
    result = make_icons(out)
    assert result.returncode == 0, result.stderr
    # It says what it wrote: one path a line.
    assert {Path(line) for line in result.stdout.split()} == set(out.iterdir())
    return out


def test_every_png_has_its_size(icons: Path) -> None:
    for n in PNG_SIZES:
        with Image.open(icons / f"hsb-whisper-{n}.png") as im:
            assert (im.format, im.mode, im.size) == ("PNG", "RGBA", (n, n))
    with Image.open(icons / "hsb-whisper.png") as im:
        assert im.size == (256, 256)
    assert not [p.name for p in icons.iterdir() if p.name.startswith(".")]  # no temporary files


def test_small_render_is_drawn_on_a_transparent_background(icons: Path) -> None:
    with Image.open(icons / "hsb-whisper-16.png") as im:
        alpha = im.getchannel("A")
        opaque = sum(alpha.histogram()[129:])  # pixels with alpha > 128
        assert opaque > 16 * 16 // 2  # the rounded square fills most of the icon
        assert alpha.getpixel((0, 0)) < 64  # outside the rounded corner: transparent
        assert len(im.convert("RGB").getcolors(16 * 16)) > 8  # a picture, not one flat colour


def test_ico_holds_the_seven_sizes(icons: Path) -> None:
    with Image.open(icons / "hsb-whisper.ico") as im:
        assert im.format == "ICO"
        assert im.ico.sizes() == ICO_SIZES
        for size in ICO_SIZES:
            assert im.ico.getimage(size).size == size


def test_icns_opens_with_the_largest_image(icons: Path) -> None:
    with Image.open(icons / "hsb-whisper.icns") as im:
        assert im.format == "ICNS"
        assert (512, 512, 2) in im.info["sizes"]  # 1024 px, stored as 512@2x
        im.load()
        assert im.size == (1024, 1024)


def test_package_window_icon_is_committed() -> None:
    """The app's window icon (written by --package) exists without running the script."""
    with Image.open(ROOT / "hsb_whisper" / "assets" / "icons" / "hsb-whisper.png") as im:
        assert (im.format, im.mode, im.size) == ("PNG", "RGBA", (256, 256))


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "not found"), ("<svg xmlns='http://www.w3.org/2000/svg'><rect", "does not render")],
    ids=["missing", "invalid"],
)
def test_bad_svg_is_one_line_and_exit_1(tmp_path: Path, content: str | None, problem: str) -> None:
    svg = tmp_path / "icon.svg"
    if content is not None:
        svg.write_text(content)
    out = tmp_path / "out"
    result = make_icons("--svg", svg, out)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert problem in lines[0] and str(svg) in lines[0]
    assert not out.exists()
