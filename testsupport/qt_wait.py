"""Waiting in a test for a signal that a worker's thread emits.

``qtbot.waitSignal`` connects a plain function, which PySide6 calls in the emitting thread. When a
worker emits just after waitSignal's last check and before its event loop starts, the function
quits a loop that is not running yet and stops waitSignal's timer from the wrong thread, which Qt
ignores (but the QTimer forgets its id, so the timeout is never handled): the test waits for
ever. A CI run hung until its 90-minute limit in test_cancel_midway that way, and it came back
here once in about four runs on a busy machine. Here the signal is queued to an object of the
test's thread instead, and the test polls for it as ``qtbot.waitUntil`` does.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtCore import QObject, Qt


class Received(QObject):
    """The first emission's arguments (``args``, as pytest-qt's blocker has them), received in
    the thread that made this object."""

    def __init__(self) -> None:
        super().__init__()
        self.args: list | None = None

    def take(self, *args) -> None:
        if self.args is None:
            self.args = list(args)


@contextlib.contextmanager
def worker_signal(qtbot, signal, timeout: int) -> Iterator[Received]:
    """``with worker_signal(qtbot, worker.finished, ms) as done:`` — like ``qtbot.waitSignal``,
    for a signal emitted in another thread: waits at the end of the block, up to ``timeout``
    milliseconds (failing the test after), and ``done.args`` are the signal's arguments."""
    received = Received()
    signal.connect(received.take, Qt.ConnectionType.QueuedConnection)
    try:
        yield received
        qtbot.waitUntil(lambda: received.args is not None, timeout=timeout)
    finally:
        signal.disconnect(received.take)
