"""Recipes: typed, validated training configurations loaded from TOML.

A recipe is data, not code. The classic recipe is one stage (a LoRA adapter trained on Upper
Sorbian); the two-stage recipe is two (a Czech adapter, merged into the base, then an Upper Sorbian
adapter on that merged base). Both run through the same :func:`~hsb_whisper.finetune.train.train`.

Defaults are the original project's numbers: batch 8, learning rate 1e-3, 3 epochs, LoRA r 32,
alpha 64. Any key can be overridden from the command line (``--set training.batch_size=4``,
``--set stages.hsb.train=data/hsb/train.jsonl``). The resolved recipe is printed when a run starts
and saved in the run folder as ``recipe.json`` and as ``recipe.toml`` (both readable again as a
recipe; the TOML one is the file to edit or to take to another machine).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, as a package (a dependency on Python 3.10)
    import tomli as tomllib

from hsb_whisper.errors import OptionError
from hsb_whisper.evaluation import MAX_NEW_TOKENS
from hsb_whisper.export import DEFAULT_LANGUAGE

PRECISIONS = ("auto", "fp32", "bf16", "fp16")
DEVICES = ("auto", "cpu", "cuda")
SCHEDULERS = ("linear", "cosine", "constant")
LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "out_proj", "fc1", "fc2")
RECIPES_DIR = Path(__file__).parent / "recipes"
# Beyond these a value is a typo, not a plan (and some would overflow torch, numpy or the disk).
MAX_BATCH = 4096  # clips per batch; batches per optimiser step
MAX_COUNT = 10_000_000  # steps, clips
MAX_EPOCHS = 1000
MAX_SEED = 2**32 - 1  # numpy's seeds
MAX_RANK = 1024  # LoRA r (Whisper large's width is 1280)
MAX_NAME = 100  # characters of a recipe or stage name (a folder name in the run)


def _show(value: Any, limit: int = 100) -> str:
    """``repr(value)`` short enough for a one-line message (and for integers of any size)."""
    try:
        text = repr(value)
    except ValueError:  # an integer too long to print
        return "a number too large to print"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show_key(key: str) -> str:
    """A key as written in a recipe (unquoted) when it is short and printable."""
    return key if len(key) <= 40 and key.isprintable() else _show(key)


def _check(condition: bool, key: str, value: Any, allowed: str) -> None:
    if not condition:
        raise OptionError(f"{key} = {_show(value)} is not allowed; {allowed}")


@dataclasses.dataclass(frozen=True)
class _Rule:
    """The values one key allows, and the hint that says which when it holds another."""

    allows: Callable[[Any], bool]
    hint: str


def _between(
    low: float, high: float, hint: str = "", *, low_open: bool = False, high_open: bool = False
) -> _Rule:
    """``low <= value <= high`` (``<`` at an open end), which also refuses nan; the hint is
    "use LOW to HIGH" unless given."""

    def allows(value: Any) -> bool:
        return (low < value if low_open else low <= value) and (
            value < high if high_open else value <= high
        )

    return _Rule(allows, hint or f"use {low} to {high}")


def _one_of(choices: tuple[str, ...]) -> _Rule:
    return _Rule(lambda value: value in choices, f"choose one of {', '.join(choices)}")


def _check_rules(config: Any, prefix: str, rules: tuple[tuple[str, _Rule], ...]) -> None:
    """Each ``(field, rule)`` of ``rules`` in order: the first field of ``config`` that its rule
    does not allow is a one-line :class:`OptionError` naming ``prefix + field``."""
    for name, rule in rules:
        value = getattr(config, name)
        _check(rule.allows(value), prefix + name, value, rule.hint)


def _is_name(value: Any, dots: bool) -> bool:
    """One folder name: letters, digits, '-' and '_' (and '.' if ``dots``), not starting with
    '.', so never a path, '..' or a hidden file."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_NAME or value.startswith("."):
        return False
    core = value.replace("-", "").replace("_", "")
    return (core.replace(".", "") if dots else core).isalnum()


# The checks of TrainingConfig's fields, in the order they are made (the first failing one is
# the message); the ranges also refuse nan and inf.
_TRAINING_RULES: tuple[tuple[str, _Rule], ...] = (
    ("batch_size", _between(1, MAX_BATCH)),
    ("gradient_accumulation", _between(1, MAX_BATCH)),
    (
        "learning_rate",
        _between(0, 1, "use a value between 0 and 1, e.g. 1e-3", low_open=True, high_open=True),
    ),
    ("epochs", _between(0, MAX_EPOCHS, f"use a positive number up to {MAX_EPOCHS}", low_open=True)),
    ("max_steps", _between(0, MAX_COUNT, f"use 0 (no limit) to {MAX_COUNT}")),
    ("warmup_ratio", _between(0, 1, "use a fraction in [0, 1)", high_open=True)),
    ("scheduler", _one_of(SCHEDULERS)),
    ("precision", _one_of(PRECISIONS)),
    ("device", _one_of(DEVICES)),
    (
        "pack",  # not `in (True, False, "auto")`, which 1 and 0 would pass
        _Rule(
            lambda value: value is True or value is False or value == "auto",
            'use true, false or "auto" (packed when training on a CPU)',
        ),
    ),
    ("pack_alone", _between(0, 1, "use a fraction from 0 to 1, e.g. 0.25")),
    ("pack_seconds", _between(1, 30, "use 1 to 30 (seconds of a 30 s window)")),
    ("eval_every", _between(0, MAX_COUNT)),
    ("eval_max_clips", _between(0, MAX_COUNT)),
    ("weight_decay", _between(0, 1, "use a number from 0 to 1, e.g. 0.01")),
    (
        "max_grad_norm",
        _Rule(lambda value: value > 0 and math.isfinite(value), "use a positive number, e.g. 1.0"),
    ),
    ("checkpoint_every", _between(1, MAX_COUNT)),
    ("keep_checkpoints", _between(1, 1000)),
    ("seed", _between(0, MAX_SEED)),
    ("eval_max_new_tokens", _between(1, MAX_NEW_TOKENS)),
)
_LORA_RULES: tuple[tuple[str, _Rule], ...] = (
    ("r", _between(1, MAX_RANK)),
    ("alpha", _between(1, 4 * MAX_RANK)),
    ("dropout", _between(0, 1, "use a fraction in [0, 1)", high_open=True)),
)


@dataclasses.dataclass(frozen=True)
class TrainingConfig:
    batch_size: int = 8  # clips per optimiser step (per device), before accumulation
    gradient_accumulation: int = 1  # optimiser step every N batches: effective batch = N × batch
    learning_rate: float = 1e-3
    epochs: float = 3.0
    max_steps: int = 0  # stop after this many optimiser steps (0: run all epochs)
    warmup_ratio: float = 0.1  # share of the steps with a linearly rising learning rate
    scheduler: str = "linear"  # learning-rate decay after warm-up
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0  # gradient clipping
    # auto: bf16 on GPUs that have it, else fp16; on a CPU, bf16 autocast where the CPU
    # computes bf16 itself (AVX512-BF16 or AMX), else fp32. Adapters and optimiser stay fp32.
    precision: str = "auto"
    device: str = "auto"  # auto: CUDA when available
    gradient_checkpointing: bool = False  # less memory, ~25 % slower
    # Train the decoder's adapters only: 2.3× the CPU speed, but most of the accuracy gain lost
    # (whisper-base, real speech: WER 0.619 untrained, 0.494 trained, 0.590 like this).
    freeze_encoder: bool = False
    # Several clips of a batch share one 30 s window (0.3 s of silence between them) and one
    # target, so that one encoder pass serves several clips; batch_size still counts clips.
    # true, false (one clip per window, as the research trained), or "auto": packed when the
    # stage trains on a CPU (about 10x faster there), not on a GPU (where it is not needed).
    pack: bool | str = "auto"
    # Packed: the share of each batch's clips trained alone, one clip per window as unpacked
    # (the others still packed): what inference sees, at the cost of a window each.
    pack_alone: float = 0.0
    # Packed: the seconds of audio (clips and the silences between them) a window holds at most;
    # the rest of its 30 s is silence, as after a lone clip at inference.
    pack_seconds: float = 30.0
    eval_every: int = 0  # dev WER every N steps (0: at the end of each epoch)
    checkpoint_every: int = 100  # steps between checkpoints (resume points)
    keep_checkpoints: int = 2  # older checkpoints are deleted
    eval_max_clips: int = 0  # dev clips used for the WER during training (0: all)
    eval_max_new_tokens: int = MAX_NEW_TOKENS  # length limit when decoding dev clips (≤ 440)
    seed: int = 0

    def __post_init__(self) -> None:
        _check_rules(self, "training.", _TRAINING_RULES)


@dataclasses.dataclass(frozen=True)
class LoraSettings:
    r: int = 32  # rank of the update matrices
    alpha: int = 64  # scaling: the update is multiplied by alpha / r
    dropout: float = 0.05
    target_modules: tuple[str, ...] = ("q_proj", "v_proj")  # in every attention block

    def __post_init__(self) -> None:
        _check_rules(self, "lora.", _LORA_RULES)
        bad = [t for t in self.target_modules if t not in LORA_TARGETS]
        _check(
            bool(self.target_modules) and not bad,
            "lora.target_modules",
            list(self.target_modules),
            f"choose from {', '.join(LORA_TARGETS)}",
        )


@dataclasses.dataclass(frozen=True)
class Stage:
    name: str  # names the stage's folder in the run: letters, digits, '-', '_'
    train: Path  # manifest
    dev: Path  # manifest for the dev WER that picks the best adapter
    language: str  # Whisper language token trained with (and forced at inference)
    merge: bool  # merge this stage's adapter into the base for the stages after it
    training: TrainingConfig
    lora: LoraSettings


@dataclasses.dataclass(frozen=True)
class Recipe:
    name: str
    base: str  # a model-store name, a CTranslate2 or Hugging Face folder, or a Hub id (online)
    stages: tuple[Stage, ...]

    @property
    def language(self) -> str:
        """The token the final model was trained with."""
        return self.stages[-1].language

    def to_dict(self) -> dict[str, Any]:
        def convert(value: Any) -> Any:
            if isinstance(value, Path):
                return str(value)
            if isinstance(value, tuple):
                return [convert(v) for v in value]
            if isinstance(value, dict):
                return {k: convert(v) for k, v in value.items()}
            return value

        return convert(dataclasses.asdict(self))

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def to_toml(self) -> str:
        """The recipe as a TOML file shaped like the shipped ones, which :func:`load_recipe`
        reads back as this same recipe: the first stage's language, ``[training]`` and ``[lora]``
        written out in full at the top, and in each ``[[stages]]`` only what differs from them.

        tomli-w writes every key and value; only the table headers are put together here (so
        that stages are ``[[stages]]`` tables, never the inline tables tomli-w prefers when
        they are short).
        """
        import tomli_w  # a base dependency; imported here, where it is needed

        data = self.to_dict()
        first = data["stages"][0]
        top = {"name": data["name"], "base": data["base"], "language": first["language"]}
        chunks = [
            tomli_w.dumps(top),
            "[training]\n" + tomli_w.dumps(first["training"]),
            "[lora]\n" + tomli_w.dumps(first["lora"]),
        ]
        for i, stage in enumerate(data["stages"]):
            keys = {k: stage[k] for k in ("name", "train", "dev")}
            if stage["language"] != top["language"]:
                keys["language"] = stage["language"]
            if i < len(data["stages"]) - 1:  # the last stage never merges
                keys["merge"] = stage["merge"]
            chunks.append("[[stages]]\n" + tomli_w.dumps(keys))
            for table in ("training", "lora"):
                differs = {k: v for k, v in stage[table].items() if v != first[table][k]}
                if differs:
                    chunks.append(f"[stages.{table}]\n" + tomli_w.dumps(differs))
        header = (
            f"# Recipe {self.name}, every setting written out by hsb-whisper. Train it with\n"
            "#   hsb-whisper finetune path/to/recipe.toml\n"
            "# in the folder its relative paths start from.\n"
        )
        return header + "\n".join(chunks)


# ---- loading -------------------------------------------------------------------------------

_BOOL_OR_AUTO = {"pack"}  # true, false or "auto"
_TOP_KEYS = {"name", "base", "language", "training", "lora", "stages"}
_STAGE_KEYS = {"name", "train", "dev", "language", "merge", "training", "lora"}


def _fields(cls) -> dict[str, dataclasses.Field]:
    return {f.name: f for f in dataclasses.fields(cls)}


def _coerce(cls, data: dict[str, Any], where: str):
    fields = _fields(cls)
    unknown = sorted(set(data) - fields.keys())
    if unknown:
        raise OptionError(
            f"unknown key {where}.{_show_key(unknown[0])}; known keys: {', '.join(sorted(fields))}"
        )
    values = {}
    for key, value in data.items():
        default = fields[key].default
        expected = type(default)
        if key in _BOOL_OR_AUTO:
            expected = str if value == "auto" else bool
        if expected is tuple:
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise OptionError(f"{where}.{key} must be a list of names, not {_show(value)}")
            value = tuple(value)
        elif expected is float and isinstance(value, int) and not isinstance(value, bool):
            # beyond any float: infinite, which the ranges refuse
            value = float(value) if abs(value) < 2**64 else (math.inf if value > 0 else -math.inf)
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            kind = 'true, false or "auto"' if key in _BOOL_OR_AUTO else expected.__name__
            raise OptionError(
                f"{where}.{key} must be {kind}, not {type(value).__name__} {_show(value)}"
            )
        values[key] = value
    return cls(**values)


def _is_table(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) for k in value)


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not _is_table(value):
        raise OptionError(f"{where}{key} must be a table")
    return value


def _manifest_path(value: str, key: str, source: str) -> Path:
    try:
        return Path(value).expanduser()
    except RuntimeError as e:  # "~someone/…" of no such user
        raise OptionError(f"{source}: {key} = {_show(value)}: no such home folder") from e


def recipe_from_dict(data: dict[str, Any], source: str = "recipe") -> Recipe:
    if not _is_table(data):
        raise OptionError(f"{source}: a recipe is a table of keys ({', '.join(sorted(_TOP_KEYS))})")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise OptionError(
            f"{source}: unknown key {_show(unknown[0])}; known: {', '.join(sorted(_TOP_KEYS))}"
        )
    name = data.get("name")
    base = data.get("base")
    if not _is_name(name, dots=True):
        raise OptionError(
            f"{source}: name = {_show(name)} is not allowed; it names the run folder: use up to "
            f"{MAX_NAME} letters, digits, '-', '_' and '.', not starting with '.'"
        )
    if not isinstance(base, str) or not base:
        raise OptionError(f"{source}: 'base' must name a model (store name, folder or Hub id)")
    training = _table(data, "training", "")
    lora = _table(data, "lora", "")
    stages_data = data.get("stages")
    if not isinstance(stages_data, list) or not stages_data:
        raise OptionError(f"{source}: at least one [[stages]] table is needed")
    stages = []
    for i, st in enumerate(stages_data):
        where = f"stages[{i}]"
        if not _is_table(st):
            raise OptionError(f"{source}: {where} must be a table")
        bad = sorted(set(st) - _STAGE_KEYS)
        if bad:
            raise OptionError(
                f"{source}: unknown key {where}.{_show_key(bad[0])}; "
                f"known: {', '.join(sorted(_STAGE_KEYS))}"
            )
        stage_name = st.get("name", f"stage{i + 1}")
        if not _is_name(stage_name, dots=False):
            raise OptionError(
                f"{source}: {where}.name {_show(stage_name)}: use up to {MAX_NAME} letters, "
                "digits, - and _"
            )
        for key in ("train", "dev"):
            if not isinstance(st.get(key), str) or not st[key]:
                raise OptionError(f"{source}: {where}.{key} must be the path of a manifest")
        language = st.get("language", data.get("language", DEFAULT_LANGUAGE))
        if not isinstance(language, str) or not language.isalpha() or not language.islower():
            raise OptionError(
                f"{source}: {where}.language {_show(language)}: a Whisper token like 'cs'"
            )
        merge = st.get("merge", i < len(stages_data) - 1)
        if not isinstance(merge, bool):
            raise OptionError(f"{source}: {where}.merge must be true or false")
        stages.append(
            Stage(
                name=stage_name,
                train=_manifest_path(st["train"], f"{where}.train", source),
                dev=_manifest_path(st["dev"], f"{where}.dev", source),
                language=language,
                merge=merge,
                training=_coerce(
                    TrainingConfig, {**training, **_table(st, "training", where + ".")}, "training"
                ),
                lora=_coerce(LoraSettings, {**lora, **_table(st, "lora", where + ".")}, "lora"),
            )
        )
    names = [s.name for s in stages]
    if len(set(names)) != len(names):
        raise OptionError(f"{source}: stage names must differ, got {names}")
    if stages[-1].merge:
        raise OptionError(f"{source}: the last stage's adapter is the result; it cannot merge")
    return Recipe(name=name, base=base, stages=tuple(stages))


def parse_override(text: str) -> tuple[list[str], Any]:
    """``"training.batch_size=4"`` → (["training", "batch_size"], 4). Values are TOML literals;
    anything that is not one is taken as a string."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise OptionError(f"override {_show(text)}: expected KEY=VALUE, e.g. training.batch_size=4")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except (ValueError, RecursionError):  # TOMLDecodeError, or a number too long to read
        value = raw.strip()
    return key.strip().split("."), value


def _kind(value: Any) -> str:
    kinds = {
        str: "a string",
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
    }
    return kinds.get(type(value), "a value")


def apply_override(data: dict[str, Any], path: list[str], value: Any) -> None:
    """Set ``path`` in the raw recipe dict; ``stages.NAME.key`` addresses a stage by name."""
    node: Any = data
    key = _show_key(".".join(path))
    reached: list[str] = []  # the path of ``node``
    for part in path[:-1]:
        if isinstance(node, list) and reached == ["stages"]:
            match = [s for s in node if isinstance(s, dict) and s.get("name") == part]
            if not match and part.isascii() and part.isdigit() and len(part) < 6:
                match = [node[int(part)]] if int(part) < len(node) else []
            if not match:
                names = [s.get("name") for s in node if isinstance(s, dict)]
                raise OptionError(f"override {key}: no stage {_show(part)}; stages: {_show(names)}")
            node = match[0]
        elif isinstance(node, dict):
            node = node.setdefault(part, [] if reached == [] and part == "stages" else {})
        else:
            break  # reported below: a key inside a value that is not a table
        reached.append(part)
    if isinstance(node, list) and reached == ["stages"]:
        raise OptionError(f"override {key}: give a key inside a stage, e.g. stages.NAME.train")
    if not isinstance(node, dict):
        where = _show_key(".".join(reached))
        raise OptionError(
            f"override {key}: {where} is {_kind(node)} ({_show(node)}), not a table of keys; "
            f"set it with --set {where}=VALUE"
        )
    node[path[-1]] = value


def _oneline(error: Exception, limit: int = 200) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shipped_recipes() -> dict[str, Path]:
    return {p.stem: p for p in sorted(RECIPES_DIR.glob("*.toml"))}


def load_recipe(source: str | Path, overrides: list[str] = ()) -> Recipe:
    """A recipe from a TOML (or resolved JSON) file, or by the name of a shipped recipe
    (``classic``, ``two-stage``), with ``KEY=VALUE`` overrides applied."""
    path = Path(source)
    if not path.is_file() and str(source) in shipped_recipes():
        path = shipped_recipes()[str(source)]
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        if path.suffix or "/" in str(source) or os.sep in str(source):  # meant as a file
            raise OptionError(
                f"{source}: no such file (a recipe file, or a shipped recipe: "
                f"{', '.join(shipped_recipes())})"
            ) from e
        raise OptionError(
            f"{source}: no such recipe; shipped recipes: {', '.join(shipped_recipes())}"
        ) from e
    except IsADirectoryError as e:
        raise OptionError(f"{source}: is a folder, not a recipe file (TOML)") from e
    except UnicodeDecodeError as e:
        raise OptionError(
            f"{path}: not a recipe file: not UTF-8 text (byte {e.start}); a recipe is a TOML file"
        ) from e
    except OSError as e:
        raise OptionError(f"{path}: the recipe cannot be read ({e.strerror or e})") from e
    except ValueError as e:  # a NUL in the name
        raise OptionError(f"{_show(str(source))}: not a file name ({e})") from e
    try:
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except ValueError as e:  # TOMLDecodeError, JSONDecodeError, a number too long to read
        raise OptionError(f"{path}: not a valid recipe file ({_oneline(e)})") from e
    except RecursionError as e:
        raise OptionError(f"{path}: not a valid recipe file (nested too deeply)") from e
    if not _is_table(data):
        raise OptionError(f"{path}: a recipe is a table of keys, not {_kind(data)}")
    for override in overrides:
        apply_override(data, *parse_override(override))
    return recipe_from_dict(data, str(path))


def check_manifests(stages: Iterable[Stage]) -> None:
    """Every manifest of ``stages`` exists, reads as a manifest and holds clips.

    Checked before a run folder is made, so that a recipe with a wrong data path fails at once
    and leaves nothing behind. (Each clip's audio is checked when its stage starts.)
    """
    from hsb_whisper.data import read_manifest

    for stage in stages:
        for split in ("train", "dev"):
            manifest: Path = getattr(stage, split)
            key = f"stages.{stage.name}.{split}"
            if not manifest.exists():
                raise OptionError(
                    f"{manifest}: no such manifest ({key}); make it with 'hsb-whisper data "
                    f"import-cv' (or import-folder), or give another with --set {key}=PATH"
                )
            if manifest.is_dir():
                raise OptionError(f"{manifest}: is a folder, not a manifest ({key})")
            if not read_manifest(manifest):
                raise OptionError(f"{manifest}: holds no clips ({key})")
