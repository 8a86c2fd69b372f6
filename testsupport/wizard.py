"""Driving the fine-tuning wizard in tests: a shown wizard whose training is cancelled afterwards,
the way from the recipe page to the training page, and how long each kind of wait may take."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TRAIN_MS = 240_000  # a training process: start-up (torch) and a few steps
TASK_MS = 240_000  # evaluations and export on this 2-core machine


@contextmanager
def shown_wizard(qtbot, store, work: Path) -> Iterator:
    """A :class:`TrainingWizard` on ``store`` with its files in ``work``, shown; a training
    process still running at the end is cancelled."""
    from hsb_whisper.desktop.ui.wizard import TrainingWizard

    wizard = TrainingWizard(store, work=work)
    qtbot.addWidget(wizard)
    wizard.show()
    try:
        yield wizard
    finally:
        job = wizard.training_page.job
        if job is not None and job.state == "running":
            job.cancel()


def to_training(wizard, qtbot) -> None:
    """Recipe page → the hardware page (its measurement done) → the training page."""
    from hsb_whisper.desktop.ui.wizard import HARDWARE, TRAINING

    wizard.next()
    assert wizard.currentId() == HARDWARE
    qtbot.waitUntil(lambda: wizard.hardware_page.measure_button.isEnabled(), timeout=TRAIN_MS)
    wizard.next()
    assert wizard.currentId() == TRAINING
