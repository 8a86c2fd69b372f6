"""PyInstaller runtime hook: sounddevice finds PortAudio with ``ctypes.util.find_library``, which
only knows the system's libraries. The system's PortAudio is preferred (it matches the machine's
sound setup); where there is none, the copy in the bundle is used, so that recording works on a
Linux machine without libportaudio2."""

import ctypes.util
import os
import sys

_bundled = os.path.join(getattr(sys, "_MEIPASS", ""), "libportaudio.so.2")
if sys.platform.startswith("linux") and os.path.isfile(_bundled):
    _system_find_library = ctypes.util.find_library

    def _find_library(name):
        found = _system_find_library(name)
        if found is None and name == "portaudio":
            return _bundled
        return found

    ctypes.util.find_library = _find_library
