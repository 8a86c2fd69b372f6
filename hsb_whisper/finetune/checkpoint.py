"""Checkpoints of a training stage, safe to share: the adapter (safetensors), the optimiser's
state (safetensors, its other fields as JSON metadata), the scheduler's and the random
generators' states (JSON) and the trainer state (JSON, written last: its presence means the
checkpoint is complete). Nothing is unpickled, except the pickled files of checkpoints written by
older versions, and those only with torch's restricted ``weights_only`` loader on torch 2.6 or
newer (older versions' can be made to run code: CVE-2025-32434). Every part is checked as it is
read back; a part that is not what it must be is a :class:`RunFolderError` naming the file.

Each checkpoint is written under a temporary name and renamed when complete, so a killed run
never damages its last good checkpoint.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import logging
import pickle
import random
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from hsb_whisper.files import atomic_write_text, staging_dir
from hsb_whisper.finetune.run import RunFolderError

log = logging.getLogger(__name__)

STATE_FILE = "trainer_state.json"  # in a checkpoint; written last, so its presence = complete


@dataclasses.dataclass
class StageState:
    """Where a stage's training is; :data:`STATE_FILE` holds it as a JSON object whose keys are
    these fields, in this order."""

    step: int = 0  # optimiser steps taken
    epoch: int = 0  # epochs finished
    batch_in_epoch: int = 0  # batches of the current epoch taken (a resumed epoch skips them)
    best_wer: float | None = None  # the best dev WER so far (its adapter is the best one)
    last_wer: float | None = None  # the latest dev WER

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self)) + "\n"


def save_adapter(model, target: Path) -> None:
    """Replace ``target`` with the model's current adapter, never leaving it half-written."""
    shutil.rmtree(target.with_name(target.name + ".new"), ignore_errors=True)  # a crash's leftover
    with staging_dir(target.with_name(target.name + ".new")) as tmp:
        model.save_pretrained(tmp)
    old = target.with_name(target.name + ".old")
    if target.exists():
        target.rename(old)
    target.with_name(target.name + ".new").rename(target)
    shutil.rmtree(old, ignore_errors=True)


def latest_checkpoint(folder: Path) -> Path | None:
    complete = [p for p in folder.glob("step-*") if (p / STATE_FILE).is_file()]
    return max(complete, key=lambda p: int(p.name.split("-")[1]), default=None)


def save_checkpoint(
    folder, state: StageState, accelerator, model, optimizer, scheduler, cfg
) -> None:
    accelerator.wait_for_everyone()
    if not accelerator.is_main_process:
        return
    target = folder / f"step-{state.step:06d}"
    if target.exists():
        return
    with staging_dir(target) as tmp:
        accelerator.unwrap_model(model).save_pretrained(tmp / "adapter")
        _save_optimizer(optimizer.state_dict(), tmp / OPTIMIZER_FILE)
        atomic_write_text(tmp / SCHEDULER_FILE, json.dumps(scheduler.state_dict()) + "\n")
        atomic_write_text(tmp / RNG_FILE, json.dumps(_rng_states()) + "\n")
        (tmp / STATE_FILE).write_text(state.to_json(), encoding="utf-8")  # last: complete
    for old in sorted(folder.glob("step-*"), key=lambda p: p.name)[: -cfg.keep_checkpoints]:
        shutil.rmtree(old, ignore_errors=True)


def load_checkpoint(folder: Path, model, optimizer, scheduler) -> StageState:
    """Restore a checkpoint into the model, optimiser, scheduler and random generators; returns
    its trainer state. Nothing in it is unpickled except, for checkpoints written before the
    pickle-free files, torch's restricted ``weights_only`` loader on torch 2.6 or newer (older
    versions' can be made to run code). A file that is refused is a :class:`RunFolderError`."""
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    adapter = folder / "adapter" / "adapter_model.safetensors"
    with _refusing(adapter):
        set_peft_model_state_dict(model, load_file(adapter))
    with _refusing(folder / STATE_FILE):
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
        if not (isinstance(state, dict) and state.keys() >= _STATE_KEYS):
            raise ValueError(f"a JSON object with {', '.join(sorted(_STATE_KEYS))}")
        for key in ("step", "epoch", "batch_in_epoch"):
            if not isinstance(state[key], int) or isinstance(state[key], bool) or state[key] < 0:
                raise ValueError(f"{key} is not a count")
        # the keys it needs (any others are not kept: hsb-whisper never wrote others)
        state = StageState(**{key: state[key] for key in _STATE_KEYS})
    if (folder / OPTIMIZER_FILE).exists():
        with _refusing(folder / OPTIMIZER_FILE):
            optimizer.load_state_dict(_load_optimizer(folder / OPTIMIZER_FILE, optimizer))
    else:
        with _refusing(folder / "optimizer.pt"):
            optimizer.load_state_dict(_legacy_load(folder / "optimizer.pt"))
    if (folder / SCHEDULER_FILE).exists():
        with _refusing(folder / SCHEDULER_FILE):
            scheduler.load_state_dict(
                _checked_like(
                    json.loads((folder / SCHEDULER_FILE).read_text(encoding="utf-8")),
                    scheduler.state_dict(),
                )
            )
    else:
        with _refusing(folder / "scheduler.pt"):
            scheduler.load_state_dict(_legacy_load(folder / "scheduler.pt"))
    if (folder / RNG_FILE).exists():
        with _refusing(folder / RNG_FILE):
            _restore_rng_states(json.loads((folder / RNG_FILE).read_bytes()))
    elif not _torch_load_is_safe():
        log.warning(
            "%s: random states of an older hsb-whisper, which torch %s cannot read safely; "
            "resuming without them, so the resumed run is not bit-exact with an "
            "uninterrupted one (torch 2.6 or newer reads them)",
            folder / "rng.pt",
            _torch_version(),
        )
    else:
        with _refusing(folder / "rng.pt"):
            _apply_rng_states(_legacy_rng_states(folder / "rng.pt"))
    return state


# Pickle-free checkpoint files (written since the run folder had to be safe to share);
# optimizer.pt, scheduler.pt and rng.pt are their older, pickled forms.
OPTIMIZER_FILE = "optimizer.safetensors"  # tensors; the rest of the state dict as metadata
SCHEDULER_FILE = "scheduler.json"
RNG_FILE = "rng.json"
_STATE_KEYS = {field.name for field in dataclasses.fields(StageState)}
_OPTIMIZER_FORMAT = "hsb-whisper optimizer state 1"
_ADAMW_STATE = {"step", "exp_avg", "exp_avg_sq"}


@contextlib.contextmanager
def _refusing(path: Path) -> Iterator[None]:
    """Turns whatever reading or applying one checkpoint file raises into one line naming it:
    the file may come from anyone, and anything it makes a loader raise is its fault."""
    try:
        yield
    except RunFolderError:
        raise
    except Exception as e:
        if isinstance(e, FileNotFoundError) and not path.exists():
            reason = "missing"
        elif isinstance(e, OSError):
            reason = f"cannot be read ({e.strerror or e})"
        elif isinstance(e, pickle.UnpicklingError):  # torch's message suggests loading it anyway
            reason = (
                "refused: a pickle holding more than tensors and plain values (it could run code)"
            )
        else:
            reason = (
                f"refused ({type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ''})"
            )
        raise RunFolderError(
            f"{path}: {reason}; not a checkpoint file as hsb-whisper writes it — remove "
            f"{path.parent} to resume from the checkpoint before it, or train in a new run folder"
        ) from e


def _save_optimizer(state: dict, path: Path) -> None:
    """The optimiser's state dict as safetensors: its tensors as ``state.<param>.<name>``, the
    rest (param groups, non-tensor entries) as JSON in the metadata."""
    import torch
    from safetensors.torch import save_file

    tensors, scalars = {}, {}
    for param, entries in state["state"].items():
        for name, value in entries.items():
            if isinstance(value, torch.Tensor):
                tensors[f"state.{param}.{name}"] = value.detach().cpu().contiguous()
            else:
                scalars[f"{param}.{name}"] = value
    metadata = {
        "format": _OPTIMIZER_FORMAT,
        "param_groups": json.dumps(state["param_groups"]),
        "scalars": json.dumps(scalars),
    }
    save_file(tensors, str(path), metadata=metadata)


def _checked_like(data: Any, expected: dict) -> dict:
    """``data`` if it has the keys of ``expected`` (a state dict) with values of the same JSON
    kinds (lists of the same length); a scheduler would take any keys as its attributes."""
    if not isinstance(data, dict) or data.keys() != expected.keys():
        raise ValueError(f"not a JSON object with the keys {', '.join(sorted(expected))}")
    for key, want in json.loads(json.dumps(expected)).items():
        got = data[key]
        numbers = (int, float)
        same = (
            isinstance(got, numbers) and not isinstance(got, bool)
            if isinstance(want, numbers) and not isinstance(want, bool)
            else type(got) is type(want)
        )
        if not same or (isinstance(want, list) and len(got) != len(want)):
            raise ValueError(f"{key!r} is not what the scheduler keeps there")
    return data


def _load_optimizer(path: Path, optimizer) -> dict:
    """The state dict :func:`_save_optimizer` wrote, checked against ``optimizer``'s parameters
    (a tensor of another shape would fail only at the next step)."""
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as f:
        metadata = f.metadata() or {}
        if metadata.get("format") != _OPTIMIZER_FORMAT:
            raise ValueError(f"no {_OPTIMIZER_FORMAT!r} in the metadata")
        tensors = {key: f.get_tensor(key) for key in f.keys()}  # noqa: SIM118 (safe_open is no dict)
    groups = json.loads(metadata["param_groups"])
    scalars = json.loads(metadata["scalars"])
    if not (isinstance(groups, list) and all(isinstance(g, dict) for g in groups)):
        raise ValueError("param_groups is not a list of objects")
    if not isinstance(scalars, dict):
        raise ValueError("scalars is not an object")
    current = optimizer.state_dict()["param_groups"]
    if len(groups) != len(current):
        raise ValueError(f"{len(groups)} parameter groups, the optimiser has {len(current)}")
    for saved, now in zip(groups, current):
        _checked_like(saved, now)
        if saved["params"] != now["params"]:
            raise ValueError("the parameter groups name other parameters")
    params = [p for group in optimizer.param_groups for p in group["params"]]
    state: dict[int, dict[str, Any]] = {}
    for key, value in [*tensors.items(), *((f"state.{k}", v) for k, v in scalars.items())]:
        _, param, name = key.split(".", 2)
        index = int(param)
        if not 0 <= index < len(params):
            raise ValueError(f"{key}: no such parameter")
        if getattr(value, "ndim", 0) and value.shape != params[index].shape:
            raise ValueError(
                f"{key}: shape {tuple(value.shape)}, the parameter's is "
                f"{tuple(params[index].shape)}"
            )
        state.setdefault(index, {})[name] = value
    for index, entries in state.items():  # AdamW's (make_optimizer); amsgrad adds one
        if not _ADAMW_STATE <= entries.keys() <= _ADAMW_STATE | {"max_exp_avg_sq"}:
            raise ValueError(f"parameter {index}: not AdamW's state ({', '.join(sorted(entries))})")
    return {"state": state, "param_groups": groups}


def _torch_version() -> str:
    import torch

    return torch.__version__


def _torch_load_is_safe() -> bool:
    """Whether ``torch.load(weights_only=True)`` can be trusted with a file from someone else:
    before torch 2.6 it could be made to run code (CVE-2025-32434)."""
    major, minor = (int(part) for part in _torch_version().split(".")[:2])
    return (major, minor) >= (2, 6)


def _legacy_load(path: Path) -> Any:
    """A pickled checkpoint file of an older hsb-whisper, read with torch's restricted loader
    (tensors and plain containers only); never with ``weights_only=False``."""
    import torch

    if not _torch_load_is_safe():
        raise RunFolderError(
            f"{path}: a checkpoint of an older hsb-whisper (a pickle), which torch "
            f"{_torch_version()} cannot read safely; resume it with torch 2.6 or newer"
        )
    with warnings.catch_warnings():  # e.g. "pickle protocol 4": the refusal, if any, says it all
        warnings.simplefilter("ignore")
        return torch.load(path, weights_only=True, map_location="cpu")


def _legacy_rng_states(path: Path) -> dict[str, Any]:
    """``rng.pt`` of an older hsb-whisper: numpy's state in it is an array, the one global
    torch's restricted loader must be told about (an object array would still be refused)."""
    import torch

    core = getattr(np, "_core", None) or np.core  # numpy 2 / 1
    reconstruct = core.multiarray._reconstruct
    allowed = [
        (reconstruct, "numpy._core.multiarray._reconstruct"),
        (reconstruct, "numpy.core.multiarray._reconstruct"),
        np.ndarray,
        np.dtype,
        type(np.dtype(np.uint32)),
    ]
    with torch.serialization.safe_globals(allowed):
        states = _legacy_load(path)
    if not isinstance(states, dict):
        raise ValueError("not a dictionary of random states")
    return states


def _rng_states() -> dict[str, Any]:
    """Every random generator a resumed run must continue, as JSON: Python's, numpy's, torch's
    CPU one and, on GPUs, each device's (dropout in the adapters draws from the CUDA
    generator). Torch's states are bytes, written as base64."""
    import torch

    version, internal, gauss = random.getstate()
    key, keys, pos, has_gauss, cached = np.random.get_state()
    states: dict[str, Any] = {
        "python": [version, list(internal), gauss],
        "numpy": [key, keys.tolist(), pos, has_gauss, cached],
        "torch": _b64(torch.get_rng_state()),
    }
    if torch.cuda.is_available():
        states["cuda"] = [_b64(s) for s in torch.cuda.get_rng_state_all()]
    return states


def _b64(state) -> str:
    return base64.b64encode(state.numpy().tobytes()).decode("ascii")


def _restore_rng_states(states: Any) -> None:
    """Set every generator to what :func:`_rng_states` returned (read back from JSON);
    ``ValueError`` or another exception of the generators for anything else."""
    _apply_rng_states(_parse_rng_states(states))


def _parse_rng_states(states: Any) -> dict[str, Any]:
    """What :func:`_rng_states` returned, back as the objects the generators take."""
    import torch

    if not isinstance(states, dict) or not {"python", "torch"} <= states.keys():
        raise ValueError("not a JSON object of random states")

    def state_bytes(text: Any) -> Any:
        if not isinstance(text, str):
            raise ValueError("a generator state is not base64 text")
        raw = base64.b64decode(text, validate=True)
        return torch.frombuffer(bytearray(raw), dtype=torch.uint8) if raw else torch.empty(0)

    python = states["python"]
    if not (isinstance(python, list) and len(python) == 3 and isinstance(python[1], list)):
        raise ValueError("python: not [version, state, gauss]")
    parsed: dict[str, Any] = {
        "python": (python[0], tuple(python[1]), python[2]),
        "torch": state_bytes(states["torch"]),
    }
    if "numpy" in states:
        numpy = states["numpy"]
        if not (isinstance(numpy, list) and len(numpy) == 5 and isinstance(numpy[1], list)):
            raise ValueError("numpy: not [key, state, pos, has_gauss, cached_gaussian]")
        keys = np.array(numpy[1], dtype=np.int64)  # ValueError for anything but integers
        if keys.shape != (624,) or keys.min() < 0 or keys.max() >= 1 << 32:
            raise ValueError("numpy: not 624 32-bit words")
        parsed["numpy"] = (numpy[0], keys.astype(np.uint32), *numpy[2:])
    if "cuda" in states:
        if not isinstance(states["cuda"], list):
            raise ValueError("cuda: not a list")
        parsed["cuda"] = [state_bytes(s) for s in states["cuda"]]
    return parsed


def _apply_rng_states(states: dict[str, Any]) -> None:
    import torch

    random.setstate(states["python"])
    torch.set_rng_state(states["torch"])
    if "numpy" in states:  # checkpoints written before numpy's state was kept lack it
        np.random.set_state(states["numpy"])
    if "cuda" in states:
        if not torch.cuda.is_available():
            log.warning("the checkpoint holds GPU random states, but no GPU is here; not restored")
        elif len(states["cuda"]) != torch.cuda.device_count():
            log.warning(
                "the checkpoint holds random states of %d GPUs, this machine has %d; not restored",
                len(states["cuda"]),
                torch.cuda.device_count(),
            )
        else:
            torch.cuda.set_rng_state_all(states["cuda"])
