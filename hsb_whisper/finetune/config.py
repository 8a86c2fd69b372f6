"""Recipes: typed, validated training configurations loaded from TOML.

A recipe is data, not code. The classic recipe is one stage (a LoRA adapter trained on Upper
Sorbian); the two-stage recipe is two (a Czech adapter, merged into the base, then an Upper Sorbian
adapter on that merged base). Both run through the same :func:`~hsb_whisper.finetune.train.train`.

Defaults are the original project's numbers: batch 8, learning rate 1e-3, 3 epochs, LoRA r 32,
alpha 64. Any key can be overridden from the command line (``--set training.batch_size=4``,
``--set stages.hsb.train=data/hsb/train.jsonl``). The resolved recipe is printed when a run starts
and saved in the run folder as ``recipe.json`` (readable again as a recipe).
"""

from __future__ import annotations

import dataclasses
import json
import sys
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


def _check(condition: bool, key: str, value: Any, allowed: str) -> None:
    if not condition:
        raise OptionError(f"{key} = {value!r} is not allowed; {allowed}")


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
    precision: str = "auto"  # auto: bf16 on GPUs that have it, else fp16 on GPU, fp32 on CPU
    device: str = "auto"  # auto: CUDA when available
    gradient_checkpointing: bool = False  # less memory, ~25 % slower
    freeze_encoder: bool = False  # train the decoder's adapters only: about half the step time
    eval_every: int = 0  # dev WER every N steps (0: at the end of each epoch)
    checkpoint_every: int = 100  # steps between checkpoints (resume points)
    keep_checkpoints: int = 2  # older checkpoints are deleted
    eval_max_clips: int = 0  # dev clips used for the WER during training (0: all)
    eval_max_new_tokens: int = MAX_NEW_TOKENS  # length limit when decoding dev clips (≤ 440)
    seed: int = 0

    def __post_init__(self) -> None:
        k = "training."
        _check(self.batch_size >= 1, k + "batch_size", self.batch_size, "use 1 or more")
        _check(
            self.gradient_accumulation >= 1,
            k + "gradient_accumulation",
            self.gradient_accumulation,
            "use 1 or more",
        )
        _check(
            0 < self.learning_rate < 1,
            k + "learning_rate",
            self.learning_rate,
            "use a value between 0 and 1, e.g. 1e-3",
        )
        _check(self.epochs > 0, k + "epochs", self.epochs, "use a positive number")
        _check(self.max_steps >= 0, k + "max_steps", self.max_steps, "use 0 (no limit) or more")
        _check(
            0 <= self.warmup_ratio < 1,
            k + "warmup_ratio",
            self.warmup_ratio,
            "use a fraction in [0, 1)",
        )
        _check(
            self.scheduler in SCHEDULERS,
            k + "scheduler",
            self.scheduler,
            f"choose one of {', '.join(SCHEDULERS)}",
        )
        _check(
            self.precision in PRECISIONS,
            k + "precision",
            self.precision,
            f"choose one of {', '.join(PRECISIONS)}",
        )
        _check(
            self.device in DEVICES, k + "device", self.device, f"choose one of {', '.join(DEVICES)}"
        )
        for name in ("eval_every", "eval_max_clips", "weight_decay"):
            value = getattr(self, name)
            _check(value >= 0, k + name, value, "use 0 or more")
        _check(
            self.checkpoint_every >= 1,
            k + "checkpoint_every",
            self.checkpoint_every,
            "use 1 or more",
        )
        _check(
            self.keep_checkpoints >= 1,
            k + "keep_checkpoints",
            self.keep_checkpoints,
            "use 1 or more",
        )
        _check(
            1 <= self.eval_max_new_tokens <= MAX_NEW_TOKENS,
            k + "eval_max_new_tokens",
            self.eval_max_new_tokens,
            f"use 1 to {MAX_NEW_TOKENS}",
        )


@dataclasses.dataclass(frozen=True)
class LoraSettings:
    r: int = 32  # rank of the update matrices
    alpha: int = 64  # scaling: the update is multiplied by alpha / r
    dropout: float = 0.05
    target_modules: tuple[str, ...] = ("q_proj", "v_proj")  # in every attention block

    def __post_init__(self) -> None:
        _check(self.r >= 1, "lora.r", self.r, "use 1 or more")
        _check(self.alpha >= 1, "lora.alpha", self.alpha, "use 1 or more")
        _check(0 <= self.dropout < 1, "lora.dropout", self.dropout, "use a fraction in [0, 1)")
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


# ---- loading -------------------------------------------------------------------------------

_TOP_KEYS = {"name", "base", "language", "training", "lora", "stages"}
_STAGE_KEYS = {"name", "train", "dev", "language", "merge", "training", "lora"}


def _fields(cls) -> dict[str, dataclasses.Field]:
    return {f.name: f for f in dataclasses.fields(cls)}


def _coerce(cls, data: dict[str, Any], where: str):
    fields = _fields(cls)
    unknown = sorted(set(data) - fields.keys())
    if unknown:
        raise OptionError(
            f"unknown key {where}.{unknown[0]}; known keys: {', '.join(sorted(fields))}"
        )
    values = {}
    for key, value in data.items():
        default = fields[key].default
        expected = type(default)
        if expected is tuple:
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise OptionError(f"{where}.{key} must be a list of names, not {value!r}")
            value = tuple(value)
        elif expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise OptionError(
                f"{where}.{key} must be {expected.__name__}, not {type(value).__name__} {value!r}"
            )
        values[key] = value
    return cls(**values)


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise OptionError(f"{where}{key} must be a table")
    return value


def recipe_from_dict(data: dict[str, Any], source: str = "recipe") -> Recipe:
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise OptionError(
            f"{source}: unknown key {unknown[0]!r}; known: {', '.join(sorted(_TOP_KEYS))}"
        )
    name = data.get("name")
    base = data.get("base")
    if not isinstance(name, str) or not name:
        raise OptionError(f"{source}: 'name' must be a non-empty string")
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
        if not isinstance(st, dict):
            raise OptionError(f"{source}: {where} must be a table")
        bad = sorted(set(st) - _STAGE_KEYS)
        if bad:
            raise OptionError(
                f"{source}: unknown key {where}.{bad[0]}; known: {', '.join(sorted(_STAGE_KEYS))}"
            )
        stage_name = st.get("name", f"stage{i + 1}")
        if (
            not isinstance(stage_name, str)
            or not stage_name.replace("-", "").replace("_", "").isalnum()
        ):
            raise OptionError(
                f"{source}: {where}.name {stage_name!r}: use letters, digits, - and _"
            )
        for key in ("train", "dev"):
            if not isinstance(st.get(key), str) or not st[key]:
                raise OptionError(f"{source}: {where}.{key} must be the path of a manifest")
        language = st.get("language", data.get("language", DEFAULT_LANGUAGE))
        if not isinstance(language, str) or not language.isalpha() or not language.islower():
            raise OptionError(f"{source}: {where}.language {language!r}: a Whisper token like 'cs'")
        merge = st.get("merge", i < len(stages_data) - 1)
        if not isinstance(merge, bool):
            raise OptionError(f"{source}: {where}.merge must be true or false")
        stages.append(
            Stage(
                name=stage_name,
                train=Path(st["train"]).expanduser(),
                dev=Path(st["dev"]).expanduser(),
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
        raise OptionError(f"override {text!r}: expected KEY=VALUE, e.g. training.batch_size=4")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key.strip().split("."), value


def apply_override(data: dict[str, Any], path: list[str], value: Any) -> None:
    """Set ``path`` in the raw recipe dict; ``stages.NAME.key`` addresses a stage by name."""
    node: Any = data
    for i, part in enumerate(path[:-1]):
        if isinstance(node, list):
            match = [s for s in node if isinstance(s, dict) and s.get("name") == part]
            if not match and part.isdigit() and int(part) < len(node):
                match = [node[int(part)]]
            if not match:
                names = [s.get("name") for s in node if isinstance(s, dict)]
                raise OptionError(f"override {'.'.join(path)}: no stage {part!r}; stages: {names}")
            node = match[0]
        else:
            node = node.setdefault(part, [] if part == "stages" and i == 0 else {})
    if not isinstance(node, dict):
        raise OptionError(f"override {'.'.join(path)}: give a key inside a stage")
    node[path[-1]] = value


def shipped_recipes() -> dict[str, Path]:
    return {p.stem: p for p in sorted(RECIPES_DIR.glob("*.toml"))}


def load_recipe(source: str | Path, overrides: list[str] = ()) -> Recipe:
    """A recipe from a TOML (or resolved JSON) file, or by the name of a shipped recipe
    (``classic``, ``two-stage``), with ``KEY=VALUE`` overrides applied."""
    path = Path(source)
    if not path.exists() and str(source) in shipped_recipes():
        path = shipped_recipes()[str(source)]
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise OptionError(
            f"{source}: no such recipe; shipped recipes: {', '.join(shipped_recipes())}"
        ) from e
    try:
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as e:
        raise OptionError(f"{path}: not a valid recipe file ({e})") from e
    for override in overrides:
        apply_override(data, *parse_override(override))
    return recipe_from_dict(data, str(path))
