"""What the tests, the benchmarks and the screenshot scripts share, and nothing of the program:
synthetic speech made by espeak-ng (``speech``), a miniature Common Voice release
(``cv_fixture``), a tiny random Whisper (``tiny_whisper``), a fake microphone (``fake_stream``),
running the command line in-process (``cli_runner``), waiting for a worker thread's Qt signal
(``qt_wait``), small model folders and packs made by hand (``model_packs``) and transcripts
with confirmed segments to improve a model on (``corrections``). It lives in the
repository only and is not shipped: the wheel and the installers hold ``hsb_whisper`` alone.
pytest finds it through ``pythonpath = ["."]`` in pyproject.toml; the benchmarks and scripts that
use it run from the repository root as modules (``python -m benchmarks.app_latency``), and a child
process that needs it gets the root in ``PYTHONPATH`` (``child_env``).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """``env`` (this process's environment when ``None``) with the repository root first in
    ``PYTHONPATH``: for a child process that imports testsupport."""
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env
