"""The wizard's tasks (:class:`~hsb_whisper.desktop.ui.task.Task`, shared with the Models page)
and its problem lines."""

from __future__ import annotations

import html

from hsb_whisper.desktop.ui.task import Task, wait_all

__all__ = ["Task", "problem_html", "wait_all"]


def problem_html(text: object) -> str:
    """``text`` as red rich text for a label, its ``<``, ``>`` and ``&`` escaped (messages hold
    file names, which may hold anything)."""
    return f"<span style='color:#b00020'>{html.escape(str(text), quote=False)}</span>"
