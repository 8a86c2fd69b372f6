"""What the commands show in a terminal: progress bars fed by the packages' callbacks and events,
and quiet third-party libraries (our own progress is the only one on the screen)."""

from __future__ import annotations

import importlib.util
import logging
import sys

from tqdm import tqdm

from hsb_whisper.finetune import require_training_libraries

__all__ = ["ClipBars", "TrainingBar", "quiet_libraries", "require_training_libraries"]


def quiet_libraries() -> None:
    """Keep the terminal for our own progress: no weight-loading bars, deprecation notes or
    generation advice from transformers; its errors still show. (Nothing to do without it.)"""
    import warnings

    if importlib.util.find_spec("transformers") is None:
        return
    from transformers.utils import logging as hf_logging

    warnings.filterwarnings("ignore", category=FutureWarning, module=r"transformers(\..*)?$")
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()  # generate()'s advice on arguments we set on purpose
    logging.captureWarnings(True)


class ClipBars:
    """A :class:`hsb_whisper.data.Progress` shown as terminal progress bars, one per stage."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: tqdm | None = None

    def stage(self, name: str, total: int) -> None:
        self.close()
        if total:
            self.bar = tqdm(
                total=total,
                desc=name,
                unit="clip",
                file=sys.stderr,
                disable=True if self.quiet else None,
                leave=False,
            )

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> ClipBars:
        return self

    def __exit__(self, *exc) -> None:
        self.close()  # also when the work failed: the error line starts on a line of its own

    def progress(self):
        from hsb_whisper.data import Progress

        return Progress(stage=self.stage, advance=self.advance)


class TrainingBar:
    """Shows :class:`hsb_whisper.finetune.Event` s as a terminal progress bar (steps, loss, ETA)."""

    def __init__(self) -> None:
        self.bar: tqdm | None = None

    def __call__(self, event) -> None:
        if event.kind == "stage" and event.total_steps:
            self.close()
            self.bar = tqdm(
                total=event.total_steps,
                initial=event.step,
                desc=event.stage,
                unit="step",
                file=sys.stderr,
                dynamic_ncols=True,
            )
        if event.kind == "step" and self.bar is not None:
            self.bar.update(event.step - self.bar.n)
            self.bar.set_postfix(
                loss=f"{event.loss:.3f}",
                lr=f"{event.learning_rate:.1e}",
                sps=f"{event.samples_per_s:.1f}",
                refresh=False,
            )
        elif event.kind == "eval":
            self._print(f"{event.stage} step {event.step}: dev WER {event.dev_wer:.3f}")
        elif event.message and event.kind in ("stage", "prepare", "merge", "done"):
            self._print(event.message)
        if event.kind == "done":
            self.close()

    def _print(self, text: str) -> None:
        (self.bar.write if self.bar is not None else print)(text, file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
