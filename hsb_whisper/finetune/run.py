"""The run folder: what a training run leaves behind, read and written in this one place.

Training writes it, ``evaluate`` and ``export`` read it (and ``export`` records what it took)::

    recipe.json            the resolved recipe (readable again as a recipe; --resume uses it)
    recipe.toml            the same as TOML: `hsb-whisper finetune RUN/recipe.toml` repeats the run
    train.log              the log
    metrics.jsonl          one line per step / evaluation: loss, lr, samples/s, dev WER
    base/…                 the base converted to Hugging Face format (if it was CTranslate2)
    stages/<name>/checkpoints/step-000100/   resume points: adapter/, optimizer.safetensors,
                           scheduler.json, rng.json, trainer_state.json (no pickles: a run
                           folder from someone else cannot run code when it is resumed)
    stages/<name>/adapter/       the adapter with the best dev WER
    stages/<name>/last-adapter/  the adapter after the stage's last step
    stages/<name>/DONE.json      the stage finished: its best and last dev WER
    stages/<name>/merged/  the base with this stage's best adapter merged in (if ``merge``)
    plots/<name>-loss.png, plots/<name>-dev-wer.png
    export/<model>-hf/     merged Hugging Face models of the exports
    result.json            see :class:`RunResult`
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from hsb_whisper.errors import HsbWhisperError, OptionError
from hsb_whisper.evaluation import ModelSource
from hsb_whisper.files import atomic_write_text
from hsb_whisper.finetune.config import Recipe, load_recipe

RECIPE_FILE = "recipe.json"
RECIPE_TOML = "recipe.toml"
METRICS_FILE = "metrics.jsonl"
RESULT_FILE = "result.json"
LOG_FILE = "train.log"
DONE_FILE = "DONE.json"
# A request to stop after the next checkpoint ("pause"): made by `finetune --pause RUN` or the app,
# removed when the run is resumed.
PAUSE_FILE = "PAUSE"
# Files only training writes next to recipe.json (recipe.toml since it was added; stages/ and
# metrics.jsonl once a stage started): a folder with a recipe.json and none of them is no run.
_RUN_MARKS = (RECIPE_TOML, "stages", METRICS_FILE)
# The numeric fields of a metrics.jsonl record (see hsb_whisper.finetune.train.Event)
_METRIC_NUMBERS = (
    "total_steps",
    "epoch",
    "loss",
    "learning_rate",
    "samples_per_s",
    "eta_s",
    "dev_wer",
)
ADAPTERS = ("best", "last")  # which adapter of the final stage: lowest dev WER, or the last step
_ADAPTER_DIRS = {"best": "adapter", "last": "last-adapter"}


class RunFolderError(HsbWhisperError):
    """A file of a run folder that training did not write as it is (damaged, edited, or made to
    run code when loaded); the message names the file and what to do."""


def read_metrics(path: Path) -> list[dict[str, Any]]:
    """The records of a ``metrics.jsonl`` (none if it does not exist), each checked: a JSON
    object with a string ``kind`` and ``stage``, an integer ``step`` and numbers where
    training writes numbers. An unfinished last line (a run killed while writing it) is left
    out; any other line that is not such a record is a :class:`RunFolderError`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as e:
        raise RunFolderError(f"{path}: cannot be read ({e.strerror or e})") from e
    lines = data.split(b"\n")
    lines.pop()  # after the last newline: empty, or a line still being written
    records = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as e:  # bad UTF-8 or JSON, a number too long
            problem = f"not JSON ({str(e).splitlines()[0][:80]})"
        else:
            problem = _metric_problem(record)
        if problem:
            raise RunFolderError(
                f"{path}, line {number}: {problem}; training writes one event a line "
                "(remove the line, or the file: it is only the log of the steps, and resume again)"
            )
        records.append(record)
    return records


def _metric_problem(record: Any) -> str:
    if not isinstance(record, dict):
        return "not a JSON object"
    for key, kind in (("kind", str), ("stage", str), ("step", int)):
        if not isinstance(record.get(key), kind) or isinstance(record.get(key), bool):
            return f"{key!r} is missing or not a {kind.__name__}"
    for key in _METRIC_NUMBERS:
        value = record.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"{key!r} is not a number"
    return ""


@dataclasses.dataclass(frozen=True)
class StageResult:
    """A finished stage (``DONE.json``)."""

    best_dev_wer: float
    last_dev_wer: float

    def save(self, path: Path) -> None:
        atomic_write_text(path, json.dumps(dataclasses.asdict(self)) + "\n")

    @classmethod
    def load(cls, path: Path) -> StageResult:
        data = json.loads(path.read_text(encoding="utf-8"))
        if "dev_wer" in data:  # written before the last adapter was kept
            return cls(data["dev_wer"], data["dev_wer"])
        return cls(data["best_dev_wer"], data["last_dev_wer"])


@dataclasses.dataclass(frozen=True)
class RunResult:
    """``result.json``: what a finished run produced. Paths are absolute or relative to the
    folder training ran in, as given."""

    recipe: str  # the recipe's name
    base: Path  # the final stage's base (Hugging Face folder; merged earlier stages included)
    best_adapter: Path  # the final stage's adapter with the lowest dev WER
    last_adapter: Path  # the final stage's adapter after its last step
    language: str  # the token it was trained with
    best_dev_wer: float
    last_dev_wer: float
    default_adapter: str = "best"  # what evaluate and export take unless told otherwise
    exports: dict[str, str] = dataclasses.field(default_factory=dict)  # model name → adapter

    def adapter(self, which: str | None = None) -> Path:
        which = which or self.default_adapter
        if which not in ADAPTERS:
            raise OptionError(f"adapter {which!r}; choose one of {', '.join(ADAPTERS)}")
        return self.best_adapter if which == "best" else self.last_adapter

    def to_dict(self) -> dict[str, Any]:
        data = {k: str(v) if isinstance(v, Path) else v for k, v in vars(self).items()}
        # the keys of the first result.json, for scripts written against it
        data["adapter"] = str(self.adapter())
        data["dev_wer"] = self.best_dev_wer
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        best = data.get("best_adapter", data.get("adapter"))
        return cls(
            recipe=data["recipe"],
            base=Path(data["base"]),
            best_adapter=Path(best),
            last_adapter=Path(data.get("last_adapter", best)),
            language=data["language"],
            best_dev_wer=data.get("best_dev_wer", data.get("dev_wer")),
            last_dev_wer=data.get("last_dev_wer", data.get("dev_wer")),
            default_adapter=data.get("default_adapter", "best"),
            exports=dict(data.get("exports", {})),
        )


@dataclasses.dataclass(frozen=True)
class Run:
    """A run folder (which need not exist yet)."""

    path: Path

    @staticmethod
    def is_run(path: str | Path) -> bool:
        try:
            return (Path(path) / RECIPE_FILE).is_file()
        except (OSError, ValueError):  # a name too long, a NUL in it
            return False

    def check(self, option: str) -> Recipe:
        """The recipe of this run folder, after checking that it is one training made (its
        ``recipe.json`` is a recipe and training wrote more next to it); else one line saying
        what is wrong, naming the path as ``option`` gave it (``--resume``, ``--pause``)."""
        where = f"{option} {self.path}"
        if not str(self.path) or self.path == Path():
            raise OptionError(f"{option}: give the run folder (an empty path is not one)")
        try:
            if not self.path.is_dir():
                problem = "no such folder" if not self.path.exists() else "not a folder"
                raise OptionError(f"{where}: {problem}; give a training run folder")
            has_recipe = self.recipe_file.is_file()
            marked = any((self.path / name).exists() for name in _RUN_MARKS)
        except OSError as e:  # ENAMETOOLONG, EACCES, ELOOP
            raise OptionError(f"{where}: cannot be read ({e.strerror or e})") from e
        except ValueError as e:  # a NUL in the name
            raise OptionError(f"{option}: not a folder name ({e})") from e
        if not has_recipe:
            raise OptionError(f"{where}: not a training run folder (no {RECIPE_FILE})")
        if not marked:
            raise OptionError(
                f"{where}: not a training run folder ({RECIPE_FILE}, but none of "
                f"{', '.join(_RUN_MARKS)} that training writes next to it)"
            )
        try:
            return self.load_recipe()
        except HsbWhisperError as e:
            raise RunFolderError(f"{where}: not a training run folder ({e})") from e

    @property
    def recipe_file(self) -> Path:
        return self.path / RECIPE_FILE

    @property
    def recipe_toml(self) -> Path:
        """The recipe as TOML, written when the run starts (runs made before it lack it)."""
        return self.path / RECIPE_TOML

    @property
    def metrics_file(self) -> Path:
        return self.path / METRICS_FILE

    @property
    def log_file(self) -> Path:
        return self.path / LOG_FILE

    @property
    def pause_file(self) -> Path:
        return self.path / PAUSE_FILE

    def request_pause(self) -> None:
        """Ask the training running in this folder to stop after its next checkpoint (see
        :func:`hsb_whisper.finetune.train`); the folder must exist."""
        atomic_write_text(self.pause_file, "pause after the next checkpoint\n")

    @property
    def finished(self) -> bool:
        """Whether the run has finished (its ``result.json`` is written)."""
        return (self.path / RESULT_FILE).is_file()

    @property
    def base_cache(self) -> Path:
        return self.path / "base"

    @property
    def plots(self) -> Path:
        return self.path / "plots"

    def stage_dir(self, stage: str) -> Path:
        return self.path / "stages" / stage

    def adapter_dir(self, stage: str, which: str = "best") -> Path:
        return self.stage_dir(stage) / _ADAPTER_DIRS[which]

    def merged_dir(self, stage: str) -> Path:
        return self.stage_dir(stage) / "merged"

    def checkpoints(self, stage: str) -> Path:
        return self.stage_dir(stage) / "checkpoints"

    def done_file(self, stage: str) -> Path:
        return self.stage_dir(stage) / DONE_FILE

    def export_dir(self, model: str) -> Path:
        return self.path / "export" / f"{model}-hf"

    def load_recipe(self) -> Recipe:
        return load_recipe(self.recipe_file)

    def metrics(self) -> list[dict[str, Any]]:
        """The checked records of ``metrics.jsonl`` (see :func:`read_metrics`)."""
        return read_metrics(self.metrics_file)

    def result(self) -> RunResult:
        path = self.path / RESULT_FILE
        if not path.is_file():
            if self.is_run(self.path):
                raise OptionError(
                    f"{self.path}: the training run has not finished (no {RESULT_FILE})"
                )
            raise OptionError(f"{self.path}: not a training run folder (no {RECIPE_FILE})")
        return RunResult.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def save_result(self, result: RunResult) -> None:
        atomic_write_text(self.path / RESULT_FILE, json.dumps(result.to_dict(), indent=2) + "\n")

    def record_export(self, model: str, which: str) -> None:
        """Note in ``result.json`` that model ``model`` was exported from adapter ``which``."""
        result = self.result()
        self.save_result(dataclasses.replace(result, exports={**result.exports, model: which}))

    def model_source(self, which: str | None = None) -> ModelSource:
        result = self.result()
        return ModelSource(
            "hf", result.base, result.adapter(which), result.language, self.path.name
        )


def resolve_model(spec: str, adapter: str | None = None) -> ModelSource:
    """Like :func:`hsb_whisper.evaluation.resolve_model`, and a training run folder too (its
    final base with the ``adapter`` it names: ``best`` by default, or ``last``)."""
    from hsb_whisper.evaluation import resolve_model as resolve_other

    if Run.is_run(Path(spec).expanduser()):
        return Run(Path(spec).expanduser()).model_source(adapter)
    if adapter is not None:
        raise OptionError(f"--adapter {adapter}: {spec} is not a training run folder")
    return resolve_other(spec)
