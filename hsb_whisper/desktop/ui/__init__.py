"""The Qt (PySide6) user interface: the only place in hsb-whisper that imports Qt.

Widgets never call the model: workers on ``QThread`` own the work and report through signals.
"""

from hsb_whisper.desktop.ui.app import run_app

__all__ = ["run_app"]
