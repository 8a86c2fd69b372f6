"""The system libraries that Qt's Linux platforms need and PySide6's wheels do not bring, by
soname, with the package that has each on Debian/Ubuntu and on Fedora; no Qt here, so that a
failed ``import PySide6.QtGui`` (libEGL.so.1 missing) can be explained too."""

from __future__ import annotations

import re

# "libxcb-icccm.so.4: cannot open shared object file: No such file or directory" (glibc dlopen)
_NOT_FOUND = re.compile(r"([\w.+-]+\.so[\w.]*): cannot open shared object file")

# The system libraries Qt's Linux platforms load that a desktop may lack, by soname: the
# package with it on Debian/Ubuntu and on Fedora. PySide6's wheels bring Qt itself, not these.
SYSTEM_PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor"),
    "libwayland-egl.so.1": ("libwayland-egl1", "libwayland-egl"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
}


def install_hint(missing: tuple[str, ...] | list[str]) -> str:
    """How to install the packages that have ``missing`` (sonames), on Debian/Ubuntu and on
    Fedora; libraries of no known package are named as they are."""
    known = [SYSTEM_PACKAGES[name] for name in missing if name in SYSTEM_PACKAGES]
    unknown = [name for name in missing if name not in SYSTEM_PACKAGES]
    parts = []
    if known:
        debian = " ".join(dict.fromkeys(d for d, _ in known))
        fedora = " ".join(dict.fromkeys(f for _, f in known))
        parts.append(
            f"install what is missing: 'sudo apt install {debian}' (Debian, Ubuntu) "
            f"or 'sudo dnf install {fedora}' (Fedora)"
        )
    if unknown:
        parts.append(f"install the system package that has {', '.join(unknown)}")
    return "; ".join(parts)


def not_found_in(error: str) -> list[str]:
    """The shared libraries (sonames) that a dynamic loader's message says it did not find."""
    return list(dict.fromkeys(_NOT_FOUND.findall(error)))
