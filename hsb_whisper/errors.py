"""The project's exception family.

Every error a user can cause (a bad file, a damaged model, a bad option) is one of these, carries
a message that names the file or value and what would be right, and is shown as one line by the
command line and the app. Anything else is a bug and goes with its traceback to the log file.
Text from someone else's file (a name, a tier, a folder) goes into such a line through
:func:`shown`: escaped, and cut when long.
"""

from __future__ import annotations

from pathlib import Path


class HsbWhisperError(Exception):
    """Base class of every error the user can cause and fix."""


class AudioError(HsbWhisperError):
    """An input audio file that cannot be transcribed.

    ``kind`` names the problem for programs (reject reports count by it): ``missing``,
    ``not_a_file``, ``empty``, ``unreadable``, ``truncated`` or ``silent``.
    """

    def __init__(self, path: str | Path, problem: str, kind: str = "unreadable") -> None:
        self.path = Path(path)
        self.problem = problem
        self.kind = kind
        super().__init__(f"{path}: {problem}")


class ModelError(HsbWhisperError):
    """A model that is missing, damaged or not a model at all."""


class OptionError(HsbWhisperError):
    """An option or configuration value that is not allowed; the message names the allowed ones."""


class OutputError(HsbWhisperError):
    """An output folder or file that cannot be written (a file where a folder should be, no
    permission, a name too long); the message names the option or the path."""


# Names from others' files are shown up to this many characters (a 50-million-character tier name
# is a hostile file, not a name to print)
MAX_SHOWN_CHARS = 120


def shown(text: str, limit: int | None = MAX_SHOWN_CHARS) -> str:
    """``text`` safe to print on a terminal: as it is when every character is printable, else
    quoted with control, format (bidi overrides, zero widths) and other unprintable characters
    escaped as Python's ``repr`` does (``'\\x1b[31m'``); longer than ``limit`` (``None``: no
    limit): cut, with how long it was."""
    cut = text if limit is None or len(text) <= limit else text[:limit]
    safe = cut if cut.isprintable() else repr(cut)
    return safe if cut is text else f"{safe}… ({len(text)} characters)"
