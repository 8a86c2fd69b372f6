"""The driver of ``hsb-whisper archive``: plans the work, hands it to Ray actors, writes outputs.

Everything on the driver's disk stays there: workers get the model's files and each file's bytes
through Ray's object store and send back transcripts, which the driver writes with the
transcriber's own writers (:func:`formats.save`, atomic), recording each step in the ledger
first. So the sources and the output folder need to exist on the driver's machine only.

Scheduling: a task goes to an idle worker only (at most one task per worker in flight), so that a
worker that dies takes one task with it, which is given to another worker. Short files (up to
one 30-second window, with the language known) go in groups of the batch size, decoded together
as ``transcribe`` decodes them; longer files one per task; files longer than one piece of
:data:`~hsb_whisper.transcription.engine.PIECE_S` are cut by a worker at the transcriber's own
cut points (:func:`~hsb_whisper.transcription.engine.cut_pieces`) and their pieces spread over
workers, then joined here with their times from the file's start.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import glob
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from hsb_whisper.archive import worklist
from hsb_whisper.archive.ledger import DONE, FAILED, WRITING, Ledger
from hsb_whisper.archive.worker import Failure, Worker
from hsb_whisper.audio import CHUNK_LENGTH, SAMPLE_RATE
from hsb_whisper.errors import HsbWhisperError, ModelError, OptionError
from hsb_whisper.export import LocalModel, ModelStore
from hsb_whisper.files import atomic_write_text, prepare_output_folder
from hsb_whisper.parallel import available_cores
from hsb_whisper.transcription import AUTO_LANGUAGE, AudioInfo, TranscribeOptions, formats
from hsb_whisper.transcription import engine as engine_module
from hsb_whisper.transcription.engine import finish_transcript
from hsb_whisper.transcription.outputs import plan_outputs

log = logging.getLogger(__name__)

SUMMARY_FILE = "summary.json"
# A file whose worker dies is given to another worker; after this many tries it is recorded as
# failed (a file that kills every worker it meets must not stop the archive).
MAX_ATTEMPTS = 3
# Threads per worker by default: on the 2-core machine of benchmarks/archive_speed.py, two
# workers of one thread each were faster than one worker of two (see docs/archive.md).
DEFAULT_WORKER_THREADS = 1
_WAIT_S = 1.0  # the longest the driver waits for a result before it looks again
# Workers not started by then never will be: no node has the CPUs one asks for (--threads)
WORKER_START_S = 300.0


def require_ray() -> None:
    """One line saying what to install when Ray is missing."""
    try:
        import ray  # noqa: F401
    except ImportError as e:
        raise HsbWhisperError(
            "hsb-whisper archive needs ray, which is not installed: "
            'pip install "hsb-whisper[cluster]"'
        ) from e


@dataclasses.dataclass(frozen=True)
class ArchiveSettings:
    sources: tuple[Path, ...]  # files and folders (searched for audio files below them)
    out: Path  # the output folder: the sources' tree mirrored, the work list, ledger, summary
    formats: tuple[str, ...] = ("txt",)  # names of formats.FORMATS
    # threads: per worker (0: DEFAULT_WORKER_THREADS)
    options: TranscribeOptions = dataclasses.field(default_factory=TranscribeOptions)
    speaker_names: tuple[str, ...] = ()  # with options.speakers: names of S1, S2, …
    model: str | None = None  # a store name or a CTranslate2 folder; None: the store's default
    cluster: str | None = None  # None: a local Ray instance; "auto", "ray://host:port", host:port
    workers: int | None = None  # None: the cluster's CPUs // threads per worker
    max_attempts: int = MAX_ATTEMPTS
    piece_s: float | None = None  # a long file's pieces; None: the transcriber's PIECE_S

    def __post_init__(self) -> None:
        if not self.formats:
            raise OptionError("give at least one output format")
        if self.workers is not None and self.workers < 1:
            raise OptionError(f"--workers must be at least 1, not {self.workers}")
        if self.max_attempts < 1:
            raise OptionError(f"attempts must be at least 1, not {self.max_attempts}")


@dataclasses.dataclass(frozen=True)
class Event:
    """What the driver tells its caller (the command's progress bar, a test)."""

    kind: str  # start, submitted, audio, done, failed
    file: str | None = None  # the file's path below the sources' common folder
    seconds: float = 0.0  # start: audio to do; audio: audio just transcribed
    files: int = 0  # start: files to do
    worker_pid: int | None = None  # submitted: the worker process it went to
    reason: str | None = None  # failed: the one line


@dataclasses.dataclass
class Summary:
    done: int = 0
    failed: int = 0
    skipped: int = 0  # done by an earlier run for the same content and options
    audio_s: float = 0.0  # of the files transcribed in this run
    wall_s: float = 0.0
    workers: dict[str, dict] = dataclasses.field(default_factory=dict)
    failures: list[dict] = dataclasses.field(default_factory=list)

    @property
    def real_time_factor(self) -> float | None:
        """Wall time per second of audio transcribed (under 1: faster than real time)."""
        return self.wall_s / self.audio_s if self.audio_s else None

    def as_json(self) -> dict:
        workers = {
            name: {**w, "audio_s_per_busy_s": w["audio_s"] / w["busy_s"] if w["busy_s"] else None}
            for name, w in sorted(self.workers.items())
        }
        return {
            "files_done": self.done,
            "files_failed": self.failed,
            "files_skipped": self.skipped,
            "audio_hours": self.audio_s / 3600,
            "wall_s": self.wall_s,
            "real_time_factor": self.real_time_factor,
            "workers": workers,
            "failures": self.failures,
        }

    def lines(self) -> list[str]:
        rtf = self.real_time_factor
        lines = [
            f"{self.done} files transcribed, {self.failed} failed, {self.skipped} already done",
            f"{self.audio_s / 3600:.2f} h of audio in {self.wall_s:.0f} s"
            + (f" (real-time factor {rtf:.3f})" if rtf else ""),
        ]
        for name, w in sorted(self.workers.items()):
            speed = w["audio_s"] / w["busy_s"] if w["busy_s"] else 0.0
            lines.append(
                f"worker {name}: {w['files']} files/pieces, {w['audio_s']:.0f} s of audio, "
                f"{speed:.1f} s of audio per busy second"
            )
        return lines


def run_archive(
    settings: ArchiveSettings, on_event: Callable[[Event], None] | None = None
) -> Summary:
    """Transcribe every audio file under ``settings.sources`` into ``settings.out`` with Ray,
    resuming where an earlier run stopped; returns (and writes) the summary."""
    require_ray()
    started = time.perf_counter()
    prepare_output_folder(settings.out, "--out")
    model = ModelStore().resolve(settings.model)
    base, items = worklist.build(settings.sources, settings.out)
    worklist.write(settings.out, base, items)
    shipped = _ModelFiles.read(model)
    fingerprint = options_fingerprint(settings, model, shipped.key)
    ledger = Ledger(settings.out)
    try:
        run = _Run(settings, model, shipped, fingerprint, ledger, on_event or (lambda e: None))
        run.plan(items)
        if run.pending:
            with ray_session(settings.cluster) as ray:
                run.execute(ray)
        summary = run.summary
    finally:
        ledger.close()
    summary.wall_s = time.perf_counter() - started
    atomic_write_text(
        settings.out / SUMMARY_FILE, json.dumps(summary.as_json(), indent=1, ensure_ascii=False)
    )
    return summary


def options_fingerprint(settings: ArchiveSettings, model: LocalModel, model_key: str) -> str:
    """What decides a transcript's content: the model's files, the options (but the thread
    count), the speaker names and the length of a long file's pieces."""
    options = dataclasses.asdict(settings.options)
    options.pop("threads")
    data = {
        "model": model.name,
        "model_files": model_key,
        "options": options,
        "speaker_names": list(settings.speaker_names),
        "piece_s": settings.piece_s or engine_module.PIECE_S,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


@contextlib.contextmanager
def ray_session(cluster: str | None) -> Iterator:
    """Ray, connected: to ``cluster`` (``auto``, ``ray://…``, an address), or to a local instance
    started here with one CPU per core and stopped at the end. A connection the caller already
    made (a test's cluster) is used as it is and left open."""
    import ray

    if ray.is_initialized():
        yield ray
        return
    quiet = {"log_to_driver": False, "logging_level": logging.ERROR}  # our log has what matters
    if cluster is None:
        ray.init(num_cpus=available_cores(), include_dashboard=False, **quiet)
    else:
        try:
            ray.init(address=cluster, **quiet)
        except (ConnectionError, RuntimeError, ValueError) as e:
            raise HsbWhisperError(
                f"--cluster {cluster}: no Ray cluster could be reached there ({e}); start one "
                "with 'ray start --head' (see docs/archive.md)"
            ) from e
    try:
        yield ray
    finally:
        ray.shutdown()


@dataclasses.dataclass
class _ModelFiles:
    """The model folder's files, to put into the object store once."""

    files: dict[str, bytes]
    key: str  # sha256 of the names and contents: the node-local folder's name

    @classmethod
    def read(cls, model: LocalModel) -> _ModelFiles:
        digest = hashlib.sha256()
        files = {}
        for path in sorted(p for p in model.path.iterdir() if p.is_file()):
            files[path.name] = data = path.read_bytes()
            digest.update(path.name.encode() + b"\0" + hashlib.sha256(data).digest())
        return cls(files, digest.hexdigest()[:24])


@dataclasses.dataclass
class _Task:
    kind: str  # files, split, piece
    items: list[worklist.WorkItem]  # files: the group; split, piece: the one long file
    data: list = dataclasses.field(default_factory=list)  # object refs of the files' bytes
    index: int = 0  # piece: its number
    offset: int = 0  # piece: its first sample in the file
    samples: int = 0  # piece: its length
    audio: object = None  # piece: the object ref of its samples


@dataclasses.dataclass
class _Long:
    """A long file being transcribed in pieces."""

    item: worklist.WorkItem
    duration: float = 0.0
    pieces: dict[int, _Task] = dataclasses.field(default_factory=dict)  # known pieces
    results: dict[int, list] = dataclasses.field(default_factory=dict)  # index → segments
    language: str | None = None  # the first piece's (given or detected)
    probability: float = 1.0
    waiting: list[_Task] = dataclasses.field(default_factory=list)  # for the first's language
    turns: object = None
    split_done: bool = False
    finished: bool = False


class _Run:
    def __init__(self, settings, model, shipped, fingerprint, ledger, on_event) -> None:
        self.settings = settings
        self.model = model
        self.shipped = shipped
        self.fingerprint = fingerprint
        self.ledger = ledger
        self.emit = on_event
        self.summary = Summary()
        self.outputs: dict[str, list[Path]] = {}
        self.pending: list[worklist.WorkItem] = []
        self.attempts: collections.Counter[str] = collections.Counter()
        self.long: dict[str, _Long] = {}  # long files being transcribed in pieces
        self.failed_files: set[str] = set()  # recorded as failed in this run
        language = settings.options.language or model.language
        self.language = None if language in (None, AUTO_LANGUAGE) else language

    # planning ----------------------------------------------------------------------------------

    def plan(self, items: Sequence[worklist.WorkItem]) -> None:
        """Outputs for every file (the sources' tree mirrored; strict names, as ``transcribe``
        plans them), and which files are done already, refused, or to do."""
        out = self.settings.out
        by_folder: dict[Path, list[worklist.WorkItem]] = collections.defaultdict(list)
        for item in items:
            by_folder[out / Path(item.relative).parent].append(item)
        clashes = {}
        for folder, group in by_folder.items():
            plan = plan_outputs(
                [i.path for i in group], self.settings.formats, folder, numbered=False
            )
            for item in group:
                self.outputs[item.relative] = plan.outputs[item.path]
                if item.path in plan.clashes:
                    clashes[item.relative] = plan.clashes[item.path]
        for item in items:
            reason = item.problem or self._refusal(item, clashes.get(item.relative))
            if reason:
                self._failed(item, reason)
            elif self.ledger.is_done(item.relative, item.sha256, self.fingerprint) and all(
                o.is_file() for o in self.outputs[item.relative]
            ):
                self.summary.skipped += 1
            else:
                self.pending.append(item)
                self._remove_partial(item)
        todo = sum(i.duration or 0.0 for i in self.pending)
        self.emit(Event("start", seconds=todo, files=len(self.pending)))

    def _refusal(self, item: worklist.WorkItem, clash) -> str | None:
        if clash is not None:
            if clash.overwrites_input:
                return f"{item.path}: its output {clash.output} would overwrite an input"
            return f"{item.path}: its output would overwrite that of {clash.other}"
        for output in self.outputs[item.relative]:
            if output.is_dir():
                return f"{item.path}: its output {output} is a folder; rename it"
            if output.exists() and not self.ledger.wrote(self._relative(output)):
                return (
                    f"{item.path}: its output {output} exists and was not written by "
                    "'hsb-whisper archive'; move it away or use another --out"
                )
        return None

    def _remove_partial(self, item: worklist.WorkItem) -> None:
        """The temporary files a killed driver left beside the item's outputs (written under
        ``.NAME.*.part`` and renamed when complete: :func:`hsb_whisper.files.atomic_open`)."""
        for output in self.outputs[item.relative]:
            for partial in output.parent.glob(f".{glob.escape(output.name)}.*.part"):
                log.info("removing %s, left by a run that was killed", partial)
                partial.unlink(missing_ok=True)

    def _relative(self, output: Path) -> str:
        return output.relative_to(self.settings.out).as_posix()

    # running -----------------------------------------------------------------------------------

    def execute(self, ray) -> None:
        from ray.exceptions import RayActorError, WorkerCrashedError

        self.ray = ray
        self.died = (RayActorError, WorkerCrashedError)
        threads = self.settings.options.threads or DEFAULT_WORKER_THREADS
        options = dataclasses.replace(self.settings.options, threads=threads)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        count = self.settings.workers or max(1, cpus // threads)
        if count * threads > cpus:
            raise OptionError(
                f"--workers {count} × --threads {threads} needs {count * threads} CPUs; the "
                f"cluster has {cpus}"
            )
        self.worker_class = ray.remote(Worker).options(
            num_cpus=threads, max_restarts=0, max_task_retries=0
        )
        model_ref = ray.put(self.shipped.files)
        piece_s = self.settings.piece_s or engine_module.PIECE_S
        self.new_worker = lambda: self.worker_class.remote(
            model_ref, self.shipped.key, self.model, options, piece_s
        )
        tasks = list(self._tasks(self.pending, count))
        # the longest first, so that the last tasks to finish are short ones: no worker idles
        # at the end while another still has a long file (stable: the same order every run)
        tasks.sort(key=lambda task: -sum(item.duration or 0.0 for item in task.items))
        if not any(task.kind == "split" for task in tasks):  # no more workers than tasks
            count = min(count, len(tasks))
        log.info("%d workers of %d threads on %d CPUs", count, threads, cpus)
        self.actors = [self.new_worker() for _ in range(count)]
        self.pids: dict = {}
        self.names: dict = {}
        self.idle = list(self.actors)
        self.inflight: dict = {}  # object ref or generator → (task, actor, split state)
        self.queue: collections.deque[_Task] = collections.deque(tasks)
        try:
            for actor in self.actors:  # a worker that cannot load the model says why, here
                self._identify(actor, wait=True)
            self._loop()
        finally:
            for actor in self.actors:
                ray.kill(actor)

    def _identify(self, actor, wait: bool) -> None:
        ref = actor.who.remote()
        if not wait:
            self.names[actor] = ref  # resolved when the worker's first result comes
            return
        from ray.exceptions import GetTimeoutError

        try:
            self.names[actor], self.pids[actor], problem = self.ray.get(ref, timeout=WORKER_START_S)
        except GetTimeoutError as e:
            raise HsbWhisperError(
                f"the workers did not start within {WORKER_START_S:.0f} s: each needs "
                f"{self.settings.options.threads or DEFAULT_WORKER_THREADS} CPUs on one node "
                "(--threads); see 'ray status'"
            ) from e
        except self.died as e:
            raise ModelError(f"the workers could not load {self.model.path}: {e}") from e
        if problem is not None:
            kind, message = problem
            raise (OptionError if kind == "OptionError" else HsbWhisperError)(message)

    def _tasks(self, items: list[worklist.WorkItem], workers: int) -> Iterator[_Task]:
        """Short files in groups of up to the batch size (decoded together when the language
        is known, as transcribe does; smaller groups when there are too few files to keep every
        worker busy), longer ones alone, the longest cut into pieces."""
        piece_s = self.settings.piece_s or engine_module.PIECE_S
        short = sum((i.duration or 0.0) <= CHUNK_LENGTH for i in items)
        batch = self.settings.options.batch if self.language is not None else 1
        batch = max(1, min(batch, -(-short // workers)))
        group: list[worklist.WorkItem] = []
        for item in items:
            duration = item.duration or 0.0
            if duration > piece_s + engine_module.CUT_SEARCH_S:
                yield _Task("split", [item])
            elif duration <= CHUNK_LENGTH and batch > 1:
                group.append(item)
                if len(group) == batch:
                    yield _Task("files", group)
                    group = []
            else:
                yield _Task("files", [item])
        if group:
            yield _Task("files", group)

    def _loop(self) -> None:
        while self.queue or self.inflight:
            while self.queue and self.idle:
                self._submit(self.queue.popleft(), self.idle.pop(0))
            ready, _ = self.ray.wait(list(self.inflight), num_returns=1, timeout=_WAIT_S)
            for waitable in ready:
                task, actor, state = self.inflight.pop(waitable)
                if task.kind == "split":
                    self._split_step(waitable, task, actor, state)
                else:
                    self._collect(waitable, task, actor)

    def _submit(self, task: _Task, actor) -> None:
        ray = self.ray
        if task.kind == "piece" and self.long[task.items[0].relative].finished:
            self.idle.append(actor)  # its file failed meanwhile: nothing to do
            return
        if task.kind != "piece" and not task.data:
            task.data = [ray.put(item.path.read_bytes()) for item in task.items]
        paths = [str(item.path) for item in task.items]
        if task.kind == "files":
            waitable = actor.transcribe_files.remote(paths, *task.data)
        elif task.kind == "split":
            waitable = actor.split.options(num_returns="streaming").remote(paths[0], task.data[0])
        else:
            long = self.long[task.items[0].relative]
            language = long.language if task.index else self.language
            waitable = actor.transcribe_piece.remote(
                task.audio, language, task.offset / SAMPLE_RATE, paths[0]
            )
        self.inflight[waitable] = (task, actor, {"next_is_piece": None})
        self._resolve(actor)
        for item in task.items:
            self.emit(Event("submitted", item.relative, worker_pid=self.pids.get(actor)))

    def _resolve(self, actor) -> None:
        """A replacement worker's name and process id (it has started by the time its first
        task is submitted or done: this waits for its model to load)."""
        name = self.names.get(actor)
        if isinstance(name, str):
            return
        try:
            self.names[actor], self.pids[actor], _ = self.ray.get(name)
        except self.died:  # its task fails too, and is handled there
            self.names[actor] = "(died at start)"

    def _worker_died(self, task: _Task, actor, error: Exception) -> None:
        """Replace the dead worker, and give its task to the next free one (or fail its files
        after :attr:`max_attempts` tries)."""
        log.warning("worker %s died: %s", self.names.get(actor), error)
        self.ray.kill(actor)
        self.actors.remove(actor)
        fresh = self.new_worker()
        self.actors.append(fresh)
        self._identify(fresh, wait=False)
        self.idle.append(fresh)
        alive = []
        for item in task.items:
            if item.relative in self.failed_files:  # a long file whose other piece failed
                continue
            self.attempts[item.relative] += 1
            if self.attempts[item.relative] >= self.settings.max_attempts:
                reason = (
                    f"{item.path}: its worker died {self.attempts[item.relative]} times "
                    f"({type(error).__name__}); not tried again"
                )
                self._failed(item, reason, attempts=self.attempts[item.relative])
            else:
                alive.append(item)
        if alive:
            task.items = alive
            task.data = [] if task.kind != "piece" else task.data
            self.queue.appendleft(task)

    def _collect(self, ref, task: _Task, actor) -> None:
        try:
            results, busy = self.ray.get(ref)
        except self.died as e:
            self._worker_died(task, actor, e)
            return
        except Exception as e:  # a bug in the worker: its files fail, the rest goes on
            for item in task.items:
                self._failed(item, f"{item.path}: unexpected failure ({type(e).__name__}: {e})")
            self.idle.append(actor)
            return
        self.idle.append(actor)
        if task.kind == "piece":
            self._piece_done(task, results, busy, actor)
            return
        for item, result in zip(task.items, results):
            seconds = result.info.duration if not isinstance(result, Failure) else 0.0
            self._count(actor, seconds, busy / len(task.items))
            self.emit(Event("audio", item.relative, seconds=item.duration or seconds))
            if isinstance(result, Failure):
                self._failed(item, result.reason)
            else:
                self._write(item, result, actor)

    # long files --------------------------------------------------------------------------------

    def _split_step(self, generator, task: _Task, actor, state: dict) -> None:
        item = task.items[0]
        long = self.long.setdefault(item.relative, _Long(item))
        try:
            ref = next(generator)
        except StopIteration:
            self.idle.append(actor)
            return
        except self.died as e:
            self._worker_died(task, actor, e)
            return
        if state["next_is_piece"] is not None:  # the samples: not fetched, handed on
            index, offset, samples = state["next_is_piece"]
            state["next_is_piece"] = None
            if index not in long.pieces and not long.finished:
                piece = _Task(
                    "piece", [item], index=index, offset=offset, samples=samples, audio=ref
                )
                long.pieces[index] = piece
                if index == 0 or self.language is not None or long.results.get(0) is not None:
                    self.queue.appendleft(piece)  # before new files: a file finishes sooner
                else:
                    long.waiting.append(piece)
            self.inflight[generator] = (task, actor, state)
            return
        try:
            message = self.ray.get(ref)
        except self.died as e:
            self._worker_died(task, actor, e)
            return
        self.inflight[generator] = (task, actor, state)
        if "short" in message:  # its header said longer: one piece after all, a task of its own
            self.long.pop(item.relative)
            self.queue.appendleft(_Task("files", [item]))
        elif "failure" in message:
            self._failed(item, message["failure"].reason)
        elif "duration" in message:
            long.duration = message["duration"]
        elif "piece" in message:
            state["next_is_piece"] = (message["piece"], message["offset"], message["samples"])
        elif "turns" in message:
            long.turns = message["turns"]
            long.split_done = True
            self._join_if_complete(long, actor)

    def _piece_done(self, task: _Task, result, busy: float, actor) -> None:
        long = self.long[task.items[0].relative]
        if long.finished:
            return
        if isinstance(result, Failure):
            self._failed(long.item, result.reason)
            return
        segments, language, probability = result
        long.results[task.index] = segments
        seconds = task.samples / SAMPLE_RATE
        self._count(actor, seconds, busy)
        self.emit(Event("audio", long.item.relative, seconds=seconds))
        if task.index == 0:
            long.language, long.probability = language, probability
            self.queue.extendleft(reversed(long.waiting))
            long.waiting = []
        self._join_if_complete(long, actor)

    def _join_if_complete(self, long: _Long, actor) -> None:
        if long.finished or not long.split_done or len(long.results) < len(long.pieces):
            return
        long.finished = True
        segments = [s for index in sorted(long.results) for s in long.results[index]]
        info = AudioInfo(long.item.path, long.duration, long.language, long.probability)
        transcript = finish_transcript(
            info, segments, long.turns, self.settings.options, self.model.name
        )
        self._write(long.item, transcript, actor)
        for piece in long.pieces.values():  # the samples may leave the object store
            piece.audio = None

    # results -----------------------------------------------------------------------------------

    def _count(self, actor, seconds: float, busy: float) -> None:
        self._resolve(actor)
        name = self.names[actor]
        stats = self.summary.workers.setdefault(name, {"files": 0, "audio_s": 0.0, "busy_s": 0.0})
        stats["files"] += 1
        stats["audio_s"] += seconds
        stats["busy_s"] += busy

    def _write(self, item: worklist.WorkItem, transcript, actor) -> None:
        for number, name in enumerate(self.settings.speaker_names, start=1):
            transcript.rename_speaker(f"S{number}", name)
        outputs = self.outputs[item.relative]
        relative = [self._relative(o) for o in outputs]
        fields = {"sha256": item.sha256, "options": self.fingerprint, "outputs": relative}
        self.ledger.record(item.relative, WRITING, **fields)
        try:
            for output, fmt in zip(outputs, self.settings.formats):
                output.parent.mkdir(parents=True, exist_ok=True)
                formats.save(transcript, output, fmt)
        except OSError as e:
            self._failed(item, f"{output}: the {fmt} output cannot be written ({e.strerror or e})")
            return
        self.ledger.record(
            item.relative,
            DONE,
            **fields,
            attempts=self.attempts[item.relative] + 1,
            seconds=transcript.info.duration,
            worker=self.names.get(actor) if isinstance(self.names.get(actor), str) else None,
        )
        self.summary.done += 1
        self.summary.audio_s += transcript.info.duration
        self.emit(Event("done", item.relative))

    def _failed(self, item: worklist.WorkItem, reason: str, attempts: int | None = None) -> None:
        """Record the file as failed (once), after ``attempts`` tries (default: the tries its
        workers died in, and this one)."""
        if item.relative in self.long:
            self.long[item.relative].finished = True  # its other pieces are not waited for
        if item.relative in self.failed_files:  # another of its pieces failed first
            return
        self.failed_files.add(item.relative)
        self.ledger.record(
            item.relative,
            FAILED,
            sha256=item.sha256,
            options=self.fingerprint,
            attempts=attempts or self.attempts[item.relative] + 1,
            reason=reason,
        )
        self.summary.failed += 1
        self.summary.failures.append({"file": item.relative, "reason": reason})
        self.emit(Event("failed", item.relative, reason=reason))
