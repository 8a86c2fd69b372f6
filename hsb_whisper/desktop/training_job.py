"""One training run in a child process, driven by the app: start, progress, pause, cancel, resume.

Training runs as the ``hsb-whisper finetune`` command in a process of its own, so that running out
of memory, a crash in a native library or the out-of-memory killer ends the run, never the app.
"Improve my model" is the ``hsb-whisper improve`` command, driven the same way
(:meth:`TrainingJob.improve`): its training's run folder is ``<work>/run``, and its outcome
``<work>/improvement.json``.
No Qt here, and nothing runs in the caller's background: the app polls a :class:`TrainingJob`
from a timer for new :class:`~hsb_whisper.finetune.Event` s and its :attr:`~TrainingJob.state`.

The channels, each the one the command already has:

- progress: ``<run>/metrics.jsonl`` (one JSON event a line, written by training), read
  incrementally; never the printed text (a progress bar is no interface);
- outcome: the exit code (0 finished, 3 paused, anything else or a signal: failed) and
  ``<run>/result.json`` (``improve``: ``<work>/improvement.json``);
- pause: the file ``<run>/PAUSE``; the command stops after its next checkpoint;
- cancel: the process group is terminated, then killed; checkpoints are written under a temporary
  name and renamed, so whatever the run holds stays resumable;
- the error: the command's one line (``hsb-whisper: error: …``) in its console output, which a
  daemon thread drains into memory (the last :data:`OUTPUT_LINES` lines).

The console output is kept in memory and not in a file of the run: the app must not make the run
folder. ``hsb-whisper finetune`` removes a folder it made when training fails before its first
step (a bad base, rejected clips), so that the next try, with the recipe fixed, is not refused as
"another recipe"; a folder that was there before is kept, and would then be refused.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO

from hsb_whisper import paths
from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.finetune import EXIT_PAUSED, IMPROVEMENT_FILE, Event, Run
from hsb_whisper.finetune.run import RESULT_FILE as RUN_RESULT_FILE

log = logging.getLogger(__name__)

STATES = ("running", "finished", "paused", "cancelled", "failed")
OUTPUT_LINES = 200  # the child's console output kept in memory: its last lines
_LINE_CHARS = 4000  # a longer "line" is cut (a progress bar without newlines)
_READER_JOIN_S = 5.0  # after the child ended: its last output is read within this
# the command's one line (argparse's names the subcommand: "hsb-whisper finetune: error: …")
_ERROR_LINE = re.compile(r"hsb-whisper(?: [\w-]+)?: (?:error: |(unexpected error: ))(.+)")
# The child's console is for people; progress comes from metrics.jsonl. Without the bar the
# output keeps its messages ("preparing base model …", "hsb step 100: dev WER …") readable.
_CHILD_ENV = {"TQDM_DISABLE": "1", "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"}


def command_line() -> list[str]:
    """The ``hsb-whisper`` command, as a child process starts it: the installer's executable
    (which is the command when given arguments), or this Python with ``-m hsb_whisper``."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "hsb_whisper"]


def measure_estimate(
    recipe: str | Path, overrides: Iterable[str] = (), steps: int = 3, timeout: float = 3600
) -> dict:
    """``hsb-whisper finetune RECIPE --set … --estimate --json`` in a child process (a warm-up
    of the real model must not take the app down when memory runs out); its JSON (see
    :meth:`hsb_whisper.finetune.Estimate.to_dict`), or :class:`TrainingJobError` with the
    command's one-line message."""
    command = [*command_line(), "finetune", str(recipe), *_sets(overrides)]
    command += ["--estimate", "--json"]
    command += ["--estimate-steps", str(steps)]
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env={**os.environ, **_CHILD_ENV},
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as e:
        raise TrainingJobError(f"measuring took longer than {timeout:.0f} s") from e
    if done.returncode == 0:
        try:
            return json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError) as e:
            raise TrainingJobError(f"the estimate could not be read ({e})") from e
    lines = done.stderr.strip().splitlines()
    for line in reversed(lines):
        if match := _ERROR_LINE.match(line):
            raise TrainingJobError((match[1] or "") + match[2])
    how = f"signal {-done.returncode}" if done.returncode < 0 else f"exit code {done.returncode}"
    raise TrainingJobError(f"measuring failed ({how}){': ' + lines[-1] if lines else ''}")


class TrainingJobError(HsbWhisperError):
    """The child process could not do what was asked; the message is its one line."""


def latest_unfinished(runs_root: Path) -> list[Path]:
    """The run folders directly under ``runs_root`` that have not finished (a recipe, no
    result): paused, cancelled, crashed — or still running in another process. Most recently
    active first."""
    try:
        folders = [p for p in Path(runs_root).iterdir() if Run.is_run(p)]
    except OSError:  # no such folder (yet), or not a folder
        return []
    unfinished = [p for p in folders if not Run(p).finished]
    return sorted(unfinished, key=_last_activity, reverse=True)


def _last_activity(run_dir: Path) -> float:
    run = Run(run_dir)
    times = []
    for path in (run.recipe_file, run.metrics_file):
        with contextlib.suppress(OSError):
            times.append(path.stat().st_mtime)
    return max(times, default=0.0)


def _sets(overrides: Iterable[str]) -> list[str]:
    return [arg for value in overrides for arg in ("--set", value)]


def _spawn(args: list[str], env: Mapping[str, str] | None) -> subprocess.Popen:
    """``hsb-whisper ARGS`` in a child process of its own process group (cancel stops it and
    whatever it started), its stderr and stdout in one pipe; ``env`` added to this process's
    environment."""
    if sys.platform == "win32":
        group = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.CREATE_NO_WINDOW}
    else:
        group = {"start_new_session": True}  # its own process group: cancel stops it all
    log.info("starting: %s", [*command_line(), *args])
    return subprocess.Popen(
        [*command_line(), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **_CHILD_ENV, **(env or {})},
        **group,
    )


class TrainingJob:
    """``hsb-whisper finetune`` (or ``improve``, which trains too) running in a child process of
    its own (session / process group).

    Make one with :meth:`start` (or :meth:`improve`); then, from a timer, :meth:`poll` for events
    and read :attr:`state`. Not thread-safe: call it from one thread (the UI's).
    """

    def __init__(
        self, run_dir: Path, process: subprocess.Popen, result_file: Path | None = None
    ) -> None:
        """Use :meth:`start` or :meth:`improve`. ``result_file``: what a finished job has
        written besides the run's ``result.json`` (``improvement.json``), when there is one."""
        self.run_dir = run_dir
        self._result_file = result_file
        self._run = Run(run_dir)
        self._process = process
        self._output: collections.deque[str] = collections.deque(maxlen=OUTPUT_LINES)
        self._output_lock = threading.Lock()
        self._reader = threading.Thread(
            target=self._drain, args=(process.stdout,), name="training-output", daemon=True
        )
        self._reader.start()
        self._output_complete = False  # the reader has read the ended child's last output
        self._cancelled = False
        self._pause_requested = False
        self._metrics = _MetricsReader(self._run.metrics_file)
        self._last_event: Event | None = None
        self._last_checkpoint = 0
        self._seen_end = False  # a "done" / "paused" event was read or made up

    @classmethod
    def start(
        cls,
        run_dir: Path,
        recipe: Path | str | None = None,
        overrides: Iterable[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> TrainingJob:
        """Start training ``recipe`` (``classic``, ``two-stage`` or a TOML file; ``overrides``
        as ``--set KEY=VALUE`` takes them) in ``run_dir``, or, without a recipe, resume the run
        in ``run_dir``. ``env``: variables added to this process's environment for the child.

        The app must not make ``run_dir`` itself (see the module's notes). A recipe or folder
        the command refuses is not an exception here: the job ends ``failed`` within a second,
        with the command's message as :attr:`error`.
        """
        run_dir = Path(run_dir).absolute()
        overrides = list(overrides)
        if recipe is None:
            if overrides:
                raise ValueError("a resumed run takes its saved recipe; give no overrides")
            args = ["finetune", "--resume", str(run_dir)]
        else:
            args = ["finetune", str(recipe), "--run-dir", str(run_dir), *_sets(overrides)]
        return cls(run_dir, _spawn(args, env))

    @classmethod
    def improve(
        cls,
        work_dir: Path,
        sources: Iterable[Path] | None = None,
        overrides: Iterable[str] = (),
        min_minutes: float | None = None,
        model: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> TrainingJob:
        """Start ``hsb-whisper improve`` (see :mod:`hsb_whisper.finetune.improve`): a new
        version of ``model`` (default: the default model) trained on the confirmed segments of
        the transcripts in ``sources`` (default: the app's), kept only if it is better. Its
        training runs in ``work_dir/run`` (:attr:`run_dir`, the events' source); the job is
        ``finished`` once the command ended with ``improvement.json`` written, which
        :attr:`improvement` then holds. ``overrides``: recipe keys, as ``--set`` takes them;
        ``min_minutes``: ``--min-minutes``. Too little checked speech ends the job ``failed``
        with the command's message (how much more is needed) as :attr:`error`. There is no
        pause: the command cannot be resumed.

        As with :meth:`start`, the app does not make ``work_dir``: the command does.
        """
        work_dir = Path(work_dir).absolute()
        args = ["improve", *(str(Path(s).absolute()) for s in sources or ())]
        args += ["--work-dir", str(work_dir), *_sets(overrides)]
        if min_minutes is not None:
            args += ["--min-minutes", repr(float(min_minutes))]
        if model is not None:
            args += ["--model", model]
        return cls(work_dir / "run", _spawn(args, env), work_dir / IMPROVEMENT_FILE)

    # ---- what the app reads ------------------------------------------------------------------

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def state(self) -> str:
        """One of :data:`STATES`: ``running``; ``finished`` (exit 0 and ``result.json``; for
        :meth:`improve`, ``improvement.json``),
        ``paused`` (after :meth:`pause`: resumable), ``cancelled`` (after :meth:`cancel`:
        resumable from the last checkpoint), ``failed`` (see :attr:`error`)."""
        code = self._process.poll()
        if code is None:
            return "running"
        if not self._output_complete:  # its last lines hold the error
            self._reader.join(_READER_JOIN_S)  # (a grandchild may hold the pipe: not forever)
            self._output_complete = True
        if self._cancelled:
            return "cancelled"
        if code == 0 and self._finished_file.is_file():
            return "finished"
        if code == EXIT_PAUSED:
            return "paused"
        return "failed"

    @property
    def error(self) -> str | None:
        """Why the job failed, in one line (``None`` unless :attr:`state` is ``failed``): the
        command's own message, or how the process ended."""
        if self.state != "failed":
            return None
        code = self._process.returncode
        lines = self.output
        for line in reversed(lines):
            if match := _ERROR_LINE.match(line):
                return (match[1] or "") + match[2]
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.valid_signals() else -code
            hint = " (the system may have run out of memory)" if name == "SIGKILL" else ""
            return f"the training process was killed by signal {name}{hint}"
        if code == 0:
            return f"the training process ended without a result ({self._finished_file})"
        last = f": {lines[-1]}" if lines else ""
        return f"the training process ended with exit code {code}{last}"

    @property
    def output(self) -> list[str]:
        """The child's console output (stderr and stdout), its last :data:`OUTPUT_LINES` lines:
        the run folder, the recipe, stage messages, dev WERs, the error. For a details view."""
        with self._output_lock:
            return list(self._output)

    @property
    def improvement(self) -> dict | None:
        """What :meth:`improve` found, once the job has ``finished``: ``improvement.json`` as
        written by :meth:`hsb_whisper.finetune.improve.Improvement.to_json` (``base``,
        ``candidate``, ``installed``, ``old_wer``, ``new_wer``, ``test_words``,
        ``test_minutes``, ``train_minutes``, ``run``, ``summary``); else ``None``."""
        if self._result_file is None or self.state != "finished":
            return None
        return json.loads(self._result_file.read_text(encoding="utf-8"))

    @property
    def _finished_file(self) -> Path:
        return self._result_file or self._run.path / RUN_RESULT_FILE

    @property
    def log_path(self) -> Path:
        """The run's log (``train.log``) once training made it, else the command's log file
        (which also holds the traceback of an unexpected error)."""
        return self._run.log_file if self._run.log_file.is_file() else _cli_log_file()

    def poll(self) -> list[Event]:
        """The events training wrote since the last call (none while it starts).

        A new job's first events are the run's whole history (a resumed run's earlier steps
        too). When a run killed or cancelled mid-way resumes, training forgets the steps after
        its last checkpoint and does them again: a ``step`` event whose step is not above the
        last one of its stage means "the curve goes on from here". After the child ended, a
        ``done`` event (from ``result.json``) or a ``paused`` one closes the list if training
        did not write one; for :meth:`improve`, the ``done`` event comes as soon as training
        has written ``result.json`` (the export and comparison follow, the job still running).
        """
        events = [_event(record) for record in self._metrics.read()]
        events = [e for e in events if e is not None]
        if self._pause_requested and self._process.poll() is None:
            self._write_pause_file()  # again: a starting command removes a stale one
        state = self.state
        # improve goes on after training (export, comparison): its "done" once result.json is
        trained = self._result_file is not None and self._run.finished
        if not self._seen_end and (state in ("finished", "paused") or trained):
            events.append(self._closing_event(state, events))
        for event in events:
            self._last_event = event
            if event.kind == "checkpoint":
                self._last_checkpoint = event.step
            self._seen_end = self._seen_end or event.kind in ("done", "paused")
        return events

    def _closing_event(self, state: str, events: list[Event]) -> Event:
        last = events[-1] if events else self._last_event
        stage = last.stage if last else ""
        if state == "paused":
            step = next(
                (e.step for e in reversed(events) if e.kind == "checkpoint"), self._last_checkpoint
            )
            total = last.total_steps if last else 0
            return Event(
                "paused", stage, step=step, total_steps=total, message=f"paused after step {step}"
            )
        if not self._run.finished:  # (improve stops before training when data is lacking)
            return Event("done", stage, message="done")
        result = self._run.result()
        return Event("done", stage, dev_wer=result.best_dev_wer, message="done")

    # ---- what the app does -------------------------------------------------------------------

    def pause(self) -> None:
        """Ask training to stop after its next checkpoint; the job then ends ``paused`` and
        ``TrainingJob.start(run_dir)`` continues it. Asked before training has started, it
        pauses at the first checkpoint. An :meth:`improve` job has no pause (ValueError)."""
        if self._result_file is not None:
            raise ValueError("improving a model cannot be paused (nothing resumes it); cancel it")
        if self._process.poll() is None:
            self._pause_requested = True
            self._write_pause_file()

    def _write_pause_file(self) -> None:
        path = self._run.pause_file
        if path.parent.is_dir() and not path.exists():  # the command makes the folder
            try:
                self._run.request_pause()
            except OSError as e:  # the folder just went (a failed start removes it)
                log.debug("cannot write %s: %s", path, e)

    def cancel(self, timeout: float = 10.0) -> None:
        """Stop the child and its children now: terminate (SIGTERM to the process group on
        POSIX), kill after ``timeout`` seconds. The job ends ``cancelled``; the run folder is
        left as it is, resumable from its last checkpoint. Nothing happens if it has ended."""
        if self._process.poll() is not None:
            return
        self._cancelled = True
        self._signal(signal.SIGTERM)
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("training process %d did not end in %g s; killing it", self.pid, timeout)
            self._signal(signal.SIGKILL if sys.platform != "win32" else signal.SIGTERM)
            self._process.wait()

    def _signal(self, sig: int) -> None:
        if sys.platform == "win32":
            self._process.kill()  # TerminateProcess; training starts no processes of its own
            return
        with contextlib.suppress(ProcessLookupError):  # not reaped yet: the group is its own
            os.killpg(self._process.pid, sig)

    def wait(self, timeout: float | None = None) -> str:
        """Wait until the child ends, at most ``timeout`` seconds; returns :attr:`state`."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout)
        return self.state

    def _drain(self, stream: IO[bytes]) -> None:
        """The reader thread: the child's output into the last-lines buffer until it ends."""
        with stream:
            while line := stream.readline(_LINE_CHARS):
                text = line.decode("utf-8", "replace").rstrip()
                if text:
                    with self._output_lock:
                        self._output.append(text)


class _MetricsReader:
    """Reads the lines appended to ``metrics.jsonl`` since the last read.

    A line still being written is kept for the next read. The file may not exist yet, and a
    resumed run replaces it (a new file: what the killed run did after its last checkpoint is
    left out); then only the lines not read before are returned.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._identity: tuple[int, int] | None = None
        self._offset = 0
        self._partial = b""
        self._lines: list[str] = []  # every line returned, as the file has them

    def read(self) -> list[dict]:
        try:
            with open(self.path, "rb") as f:
                status = os.fstat(f.fileno())
                replaced = (status.st_dev, status.st_ino) != self._identity or (
                    status.st_size < self._offset
                )
                if replaced:
                    self._identity = (status.st_dev, status.st_ino)
                    self._offset, self._partial = 0, b""
                f.seek(self._offset)
                data = f.read()
        except FileNotFoundError:
            return []
        self._offset += len(data)
        *complete, self._partial = (self._partial + data).split(b"\n")
        lines = [line.decode("utf-8", "replace") for line in complete if line.strip()]
        if replaced:  # the same beginning, then what is new
            same = 0
            for old, new in zip(self._lines, lines):
                if old != new:
                    break
                same += 1
            del self._lines[same:]
            lines = lines[same:]
        self._lines.extend(lines)
        records = []
        for line in lines:
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                log.warning("%s: not a JSON line, skipped: %.80s", self.path, line)
        return records


_EVENT_FIELDS = {f.name for f in dataclasses.fields(Event)}


def _event(record: object) -> Event | None:
    """An event from its JSON record (empty fields are left out there); fields this version does
    not know are ignored."""
    if not isinstance(record, dict) or not isinstance(record.get("kind"), str):
        return None
    fields = {k: v for k, v in record.items() if k in _EVENT_FIELDS}
    try:
        return Event(**{"stage": "", **fields})
    except TypeError:
        return None


def _cli_log_file() -> Path:
    return paths.log_dir() / "hsb-whisper.log"  # where hsb_whisper.cli.setup_logging writes
