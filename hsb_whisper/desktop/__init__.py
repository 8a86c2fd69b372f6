"""The application: the Qt user interface in ``ui``, and what only the app needs without Qt (a
training run in a child process, the system libraries Qt's platforms load).

May use ``finetune``, ``evaluation``, ``data``, ``transcription`` and ``export``; only
``hsb_whisper.cli`` imports it. The transcription core it shares with the command line is
``hsb_whisper.transcription``.
"""

from hsb_whisper.desktop.training_job import (
    TrainingJob,
    TrainingJobError,
    latest_unfinished,
    measure_estimate,
)

__all__ = [
    "TrainingJob",
    "TrainingJobError",
    "latest_unfinished",
    "measure_estimate",
]
