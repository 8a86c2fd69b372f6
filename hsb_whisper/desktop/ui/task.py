"""One slow call of the packages' API (an import, an evaluation, an export, a measurement) on a
thread of its own.

Widgets never call the packages from the GUI thread: a :class:`Task` runs the call in a
``QThread`` and reports ``progress`` (a message, units done, units in all), ``finished`` with the
call's result, or ``failed`` with one line (the package's own message, or the type and text of an
unexpected error, which is also logged). The wizard's pages and the Models page use it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from hsb_whisper.data import Progress
from hsb_whisper.errors import HsbWhisperError

log = logging.getLogger(__name__)


class _Worker(QObject):
    progress = Signal(str, int, int)  # message, done, total (0: unknown)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, call: Callable[[_Worker], Any]) -> None:
        super().__init__()
        self._call = call
        self._stage, self._done, self._total = "", 0, 0

    def data_progress(self) -> Progress:
        """The data package's callbacks, as progress signals."""

        def stage(name: str, total: int) -> None:
            self._stage, self._done, self._total = name, 0, total
            self.progress.emit(name, 0, total)

        def advance(n: int) -> None:
            self._done += n
            self.progress.emit(self._stage, self._done, self._total)

        return Progress(stage=stage, advance=advance)

    def message(self, text: str) -> None:
        self.progress.emit(text, 0, 0)

    @Slot()
    def run(self) -> None:
        try:
            result = self._call(self)
        except HsbWhisperError as e:
            self.failed.emit(str(e))
        except Exception as e:  # a bug reaches the user as one line; the traceback is logged
            log.exception("a task failed")
            self.failed.emit(f"{type(e).__name__}: {e}")
        else:
            self.finished.emit(result)
        # The thread's work is done: it ends now, not when the GUI thread gets to the queued
        # result (wait_all() at exit blocks the GUI thread, which would then wait its full time).
        self.thread().quit()


_RUNNING: set[Task] = set()  # alive until done: closing a page never destroys a running thread


class Task(QObject):
    """Runs ``call(worker)`` once on a new thread; ``worker.data_progress()`` and
    ``worker.message(text)`` report progress from inside the call.

    A task outlives the page that started it (its result then goes nowhere): a window closed
    while a task runs must not destroy the thread under it. :func:`wait_all` at the app's exit.
    """

    progress = Signal(str, int, int)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, call: Callable[[_Worker], Any]) -> None:
        super().__init__()  # no parent: see the class's notes
        self._thread = QThread(self)
        self._worker = _Worker(call)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self.progress)
        self._worker.finished.connect(self._done)
        self._worker.failed.connect(self._failed)

    def start(self) -> Task:
        _RUNNING.add(self)
        self._thread.start()
        return self

    def running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, ms: int = 60_000) -> bool:
        return self._thread.wait(ms)

    def _done(self, result: object) -> None:
        self._end()
        self.finished.emit(result)

    def _failed(self, reason: str) -> None:
        self._end()
        self.failed.emit(reason)

    def _end(self) -> None:
        self._thread.quit()
        self._thread.wait()
        _RUNNING.discard(self)


def wait_all(ms: int = 30_000) -> bool:
    """Wait for the running tasks (the app is closing); whether they all ended in time."""
    return all(task.wait(ms) for task in list(_RUNNING))
