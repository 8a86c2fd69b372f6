"""A Hugging Face Whisper folder that someone else made, copied and checked before anything of it
is converted or loaded.

A downloaded model folder is untrusted input. :func:`stage_hf_folder` copies only the files a
conversion needs (configs, tokenizer, model card, safetensors weights) into a private folder,
and only when each is a plain file inside the given folder: a ``preprocessor_config.json``
symlinked to ``~/.docker/config.json`` would otherwise be copied by content into the model and
shipped in every pack of it, and a FIFO would block the import forever. Symlinks are followed
only inside the folder (or, for a Hugging Face cache snapshot, into its ``blobs``). Every copy is
then checked against what it must be, before transformers or CTranslate2 see it: each JSON file
bounded in size and nesting; ``config.json`` a Whisper config whose sizes are bounded (an
``encoder_layers`` of 1,000,000 would fill the memory while the model is built); ``tokenizer.json``
a tokenizer; ``generation_config.json`` typed; the safetensors headers consistent with the file
and with the config (every weight present with its shape: a missing one would be initialised at
random). Pickled weights (``pytorch_model.bin``), which run code when loaded, are never copied.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import stat
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from hsb_whisper.errors import ModelError

log = logging.getLogger(__name__)

# Bounds on a Whisper config, generous above the largest Whisper (large-v3: d_model 1280, 32 + 32
# layers, 20 heads, FFN 5120, 51,866 tokens, 128 mel bins, 1500 + 448 positions).
CONFIG_LIMITS = {
    "d_model": range(1, 4097),
    "encoder_layers": range(1, 65),
    "decoder_layers": range(1, 65),
    "encoder_attention_heads": range(1, 65),
    "decoder_attention_heads": range(1, 65),
    "encoder_ffn_dim": range(1, 16385),
    "decoder_ffn_dim": range(1, 16385),
    "vocab_size": range(1, 131073),
    "num_mel_bins": range(1, 257),
    "max_source_positions": range(1, 4097),
    "max_target_positions": range(1, 4097),
}
MAX_PARAMETERS = 2_000_000_000  # large-v3 has 1,550 M
_TOKEN_ID_KEYS = ("pad_token_id", "bos_token_id", "eos_token_id", "decoder_start_token_id")
_MAX_JSON_BYTES = 64 << 20  # Whisper's tokenizer.json is about 2.5 MB
_MAX_TEXT_BYTES = 16 << 20  # merges.txt about 0.5 MB; a model card a few kB
_MAX_HEADER_BYTES = 100 << 20  # safetensors' own limit on a header
_MAX_WEIGHT_BYTES = 16 << 30  # large-v3 in float32 is 6.2 GB
_CHUNK = 1 << 20

CONFIG = "config.json"
TOKENIZER = "tokenizer.json"
WEIGHTS = "model.safetensors"
WEIGHTS_INDEX = "model.safetensors.index.json"
_SHARD_RE = re.compile(r"model-\d{1,5}-of-\d{1,5}\.safetensors")
# The other files a conversion reads; anything else in the folder is never opened.
JSON_FILES = (
    "generation_config.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.json",
    "normalizer.json",
    "preprocessor_config.json",
    "processor_config.json",
)
TEXT_FILES = ("merges.txt", "README.md")
PICKLE_WEIGHTS = re.compile(r"(pytorch_model.*\.bin|.*\.(pt|pth|ckpt|pkl|pickle))")
# safetensors dtypes and their bytes per element; weights must be floating point.
_DTYPE_BYTES = {
    "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "F8_E4M3": 1, "F8_E5M2": 1,
    "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U64": 8, "U32": 4, "U16": 2, "U8": 1, "BOOL": 1,
}  # fmt: skip
_WEIGHT_DTYPES = ("F32", "F16", "BF16")


def stage_hf_folder(folder: Path, dest: Path) -> dict[str, Any]:
    """Copy what a conversion needs from the Hugging Face Whisper ``folder`` into the existing,
    private folder ``dest`` and check it (see the module docs); returns the config. Every problem
    is a ``ModelError`` naming the file in ``folder``."""
    names = set(_listing(folder))
    if CONFIG not in names:
        raise ModelError(
            f"{folder}: not a Hugging Face Whisper folder (config.json with model_type whisper "
            "and safetensors weights)"
        )
    weights = _weight_files(folder, names)
    for name in (CONFIG, TOKENIZER, *JSON_FILES, *TEXT_FILES, *weights):
        if name in names:
            limit = _MAX_WEIGHT_BYTES if name.endswith(".safetensors") else _MAX_JSON_BYTES
            _copy_plain(folder, name, dest / name, limit)
    if TOKENIZER not in names:
        raise ModelError(f"{folder}: lacks {TOKENIZER}, which faster-whisper needs")
    config = read_json(dest, CONFIG, where=folder / CONFIG)
    problem = config_problem(config)
    if problem:
        raise ModelError(f"{folder / CONFIG}: {problem}")
    tokenizer = read_json(dest, TOKENIZER, where=folder / TOKENIZER)
    problem = tokenizer_problem(tokenizer, config["vocab_size"])
    if problem:
        raise ModelError(f"{folder / TOKENIZER}: {problem}")
    for name in JSON_FILES:
        if name in names:
            data = read_json(dest, name, where=folder / name)
            problem = _FILE_CHECKS.get(name, _no_code)(data, config)
            if problem:
                raise ModelError(f"{folder / name}: {problem}")
    shapes: dict[str, tuple[str, list[int]]] = {}
    for name in weights:
        shapes.update(safetensors_shapes(dest / name, folder / name))
    problem = weights_problem(shapes, config)
    if problem:
        raise ModelError(f"{folder}: {problem}")
    return config


def _listing(folder: Path) -> Iterator[str]:
    try:
        with os.scandir(folder) as it:
            yield from (entry.name for entry in it)
    except OSError as e:
        raise ModelError(f"{folder}: cannot be read ({e.strerror or e})") from e


def _weight_files(folder: Path, names: set[str]) -> list[str]:
    """The safetensors files to copy: one, or the shards an index names. A folder with only
    pickled weights is refused: loading them can run any code."""
    if WEIGHTS in names:
        return [WEIGHTS]
    if WEIGHTS_INDEX in names:
        index = _read_json_bytes(_read_plain(folder, WEIGHTS_INDEX), folder / WEIGHTS_INDEX)
        weight_map = index.get("weight_map")
        if not isinstance(weight_map, dict) or not weight_map:
            raise ModelError(f"{folder / WEIGHTS_INDEX}: weight_map missing or not an object")
        shards = sorted({str(v) for v in weight_map.values()})
        bad = next((s for s in shards if not _SHARD_RE.fullmatch(s) or s not in names), None)
        if bad is not None:
            raise ModelError(
                f"{folder / WEIGHTS_INDEX}: names {bad[:80]!r}, which is not a model-N-of-M."
                "safetensors file in the folder"
            )
        return [WEIGHTS_INDEX, *shards]
    pickles = sorted(n for n in names if PICKLE_WEIGHTS.fullmatch(n))
    if pickles:
        raise _pickle_refusal(folder, pickles)
    raise ModelError(
        f"{folder}: not a Hugging Face Whisper folder (config.json with model_type whisper and "
        "safetensors weights)"
    )


def require_safetensors(folder: Path) -> None:
    """Refuse a Hugging Face model folder (a base, a merged stage, an adapter's base) that has no
    safetensors weights: everything that loads one with transformers asks this first, so that a
    pickle (``pytorch_model.bin``) is never loaded, whichever torch is installed (torch's own
    default refuses code only since 2.6). From a folder with both, transformers reads the
    safetensors."""
    if any(Path(folder).glob("model*.safetensors")):
        return
    pickles = sorted(
        entry.name for entry in Path(folder).iterdir() if PICKLE_WEIGHTS.fullmatch(entry.name)
    )
    if pickles:
        raise _pickle_refusal(folder, pickles)
    raise ModelError(f"{folder}: no model.safetensors (or its shards); not a model folder")


def _pickle_refusal(folder: Path, pickles: list[str]) -> ModelError:
    return ModelError(
        f"{folder}: holds only pickle weights ({', '.join(pickles)}), which can run code when "
        "loaded; convert it to safetensors first: take the model's safetensors from its "
        "source (on the Hugging Face Hub, the 'safetensors/convert' Space converts a model "
        "on Hugging Face's machines), or convert it on a machine that holds nothing of value"
    )


# --- reading files that may be anything -------------------------------------------------------


def _plain_path(folder: Path, name: str) -> Path:
    """``folder/name`` if it is a regular file inside ``folder``, following a symlink only to a
    file inside it (or, in a Hugging Face cache snapshot, inside the cache's ``blobs``)."""
    path = folder / name
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            target = Path(os.path.realpath(path))
            inside = [Path(os.path.realpath(folder))]
            if folder.parent.name == "snapshots":
                inside.append(Path(os.path.realpath(folder.parent.parent)) / "blobs")
            if not any(target.is_relative_to(root) for root in inside):
                raise ModelError(
                    f"{path}: a symbolic link to {target}, outside the model folder; an imported "
                    "folder's files must be plain files inside it"
                )
            path, mode = target, os.lstat(target).st_mode
    except OSError as e:
        raise ModelError(f"{path}: cannot be read ({e.strerror or e})") from e
    if not stat.S_ISREG(mode):
        raise ModelError(f"{path}: not a regular file (a FIFO, device or folder); not a model file")
    return path


def _open_plain(folder: Path, name: str):
    """A binary file object of ``folder/name`` (see :func:`_plain_path`), opened so that a file
    swapped meanwhile for a symlink or a FIFO is refused rather than followed or blocked on."""
    path = _plain_path(folder, name)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise ModelError(f"{folder / name}: cannot be read ({e.strerror or e})") from e
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ModelError(f"{folder / name}: not a regular file; not a model file")
    return os.fdopen(fd, "rb")


def _read_plain(folder: Path, name: str, limit: int = _MAX_JSON_BYTES) -> bytes:
    with _open_plain(folder, name) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ModelError(f"{folder / name}: more than {limit} bytes; not a model's {name}")
    return data


def _copy_plain(folder: Path, name: str, dest: Path, limit: int) -> None:
    size = 0
    try:
        with _open_plain(folder, name) as src, open(dest, "xb") as dst:
            while chunk := src.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ModelError(f"{folder / name}: more than {limit} bytes; not a model file")
                dst.write(chunk)
    except OSError as e:
        raise ModelError(f"{folder / name}: cannot be copied ({e.strerror or e})") from e


def read_json(folder: Path, name: str, *, where: Path | None = None) -> dict[str, Any]:
    """The JSON object in ``folder/name`` (a plain file, at most 64 MiB); ``where`` names the
    file in messages."""
    return _read_json_bytes(_read_plain(folder, name), where or folder / name)


def read_text(folder: Path, name: str) -> str:
    """The text of ``folder/name`` (a plain file, at most 16 MiB), or "" when absent."""
    if not os.path.lexists(folder / name):
        return ""
    return _read_plain(folder, name, _MAX_TEXT_BYTES).decode("utf-8", errors="replace")


def json_object(raw: bytes) -> dict[str, Any]:
    """``raw`` (a file from anyone) as a JSON object, or ``ValueError`` with the phrase that says
    why not: bad UTF-8 or JSON, a number of thousands of digits, nesting deep enough to exhaust
    Python's stack, another kind of value."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError as e:
        raise ValueError("not valid JSON (nested too deeply)") from e
    except ValueError as e:
        raise ValueError(f"not valid JSON ({str(e)[:120]})") from e
    if not isinstance(data, dict):
        raise ValueError(f"must be a JSON object, not {short_value(data)}")
    return data


def _read_json_bytes(raw: bytes, where: Path | str) -> dict[str, Any]:
    try:
        return json_object(raw)
    except ValueError as e:
        raise ModelError(f"{where}: {e}") from e


# --- what each file must be -------------------------------------------------------------------


def short_value(value: object) -> str:
    """A JSON value for a message: numbers and strings shortened, containers by kind."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        return "a number of more than 30 digits"
    if isinstance(value, (bool, int, float, str)) or value is None:
        text = repr(value)
        return text if len(text) <= 40 else text[:40] + "…"
    return f"a {type(value).__name__}"


def _is_int(value: object) -> bool:
    return type(value) is int  # not True, not 80.0


def config_problem(config: dict[str, Any]) -> str | None:
    """Why ``config`` (a ``config.json``) is not a Whisper config within :data:`CONFIG_LIMITS`
    (and at most :data:`MAX_PARAMETERS` parameters); ``None`` when it is."""
    if config.get("model_type") != "whisper":
        return f"model_type is {short_value(config.get('model_type'))}, not 'whisper'"
    if "auto_map" in config:
        return "names custom model code (auto_map), which would run when loaded"
    for key, allowed in CONFIG_LIMITS.items():
        value = config.get(key)
        if not _is_int(value) or value not in allowed:
            return (
                f"{key} is {short_value(value)}; a Whisper model has {allowed.start} to "
                f"{allowed[-1]}"
            )
    for side in ("encoder", "decoder"):
        heads = config[f"{side}_attention_heads"]
        if config["d_model"] % heads:
            return (
                f"d_model {config['d_model']} is not a multiple of {side}_attention_heads {heads}"
            )
    for key in _TOKEN_ID_KEYS:
        value = config.get(key)
        if value is not None and not (_is_int(value) and 0 <= value < config["vocab_size"]):
            return f"{key} is {short_value(value)}; not a token of the {config['vocab_size']}"
    activation = config.get("activation_function", "gelu")
    if activation != "gelu":
        return f"activation_function is {short_value(activation)}; Whisper uses 'gelu'"
    if not isinstance(config.get("scale_embedding", False), bool):
        return f"scale_embedding is {short_value(config['scale_embedding'])}; true or false"
    parameters = sum(math.prod(shape) for shape in expected_shapes(config).values())
    if parameters > MAX_PARAMETERS:
        return (
            f"describes a model of {parameters / 1e6:,.0f} M parameters; the largest Whisper "
            f"has 1,550 M (at most {MAX_PARAMETERS / 1e6:,.0f} M accepted)"
        )
    return None


def tokenizer_problem(tokenizer: dict[str, Any], vocab_size: int) -> str | None:
    """Why ``tokenizer`` (a ``tokenizer.json``) is not a Whisper tokenizer for ``vocab_size``
    tokens; ``None`` when it is."""
    model = tokenizer.get("model")
    if not isinstance(model, dict) or not isinstance(model.get("vocab"), dict):
        return "not a tokenizer (no model with a vocab object)"
    added = tokenizer.get("added_tokens")
    if not isinstance(added, list):
        return f"added_tokens is {short_value(added)}; a Whisper tokenizer lists its special tokens"
    ids = list(model["vocab"].values())
    for token in added:
        if not (isinstance(token, dict) and isinstance(token.get("content"), str)):
            return (
                f"added_tokens holds {short_value(token)}; each must have a content string "
                "and an id"
            )
        ids.append(token.get("id"))
    bad = next((i for i in ids if not (_is_int(i) and 0 <= i < vocab_size)), None)
    if bad is not None or not ids:
        return f"token id {short_value(bad)}; the model (config.json) has {vocab_size} tokens"
    return None


def language_tokens(tokenizer: dict[str, Any], known: tuple[str, ...]) -> list[str]:
    """The Whisper language tokens (of ``known``) that a checked ``tokenizer.json`` holds."""
    contents = {t["content"] for t in tokenizer["added_tokens"]}
    return [code for code in known if f"<|{code}|>" in contents]


def _int_list(value: object, size: int | None = None) -> bool:
    return isinstance(value, list) and all(
        _is_int(v) and v >= 0 for v in value
    ) and (size is None or len(value) == size)  # fmt: skip


def generation_problem(data: dict[str, Any], config: dict[str, Any]) -> str | None:
    vocab = config["vocab_size"]

    def token(v: object) -> bool:
        return _is_int(v) and 0 <= v < vocab

    checks: dict[str, Callable[[Any], bool]] = {
        "forced_decoder_ids": lambda v: (
            isinstance(v, list)
            and all(
                isinstance(p, list)
                and len(p) == 2
                and _is_int(p[0])
                and (p[1] is None or token(p[1]))
                for p in v
            )
        ),
        "lang_to_id": lambda v: isinstance(v, dict) and all(map(token, v.values())),
        "task_to_id": lambda v: isinstance(v, dict) and all(map(token, v.values())),
        "suppress_tokens": lambda v: isinstance(v, list) and all(map(token, v)),
        "begin_suppress_tokens": lambda v: isinstance(v, list) and all(map(token, v)),
        "alignment_heads": lambda v: (
            isinstance(v, list)
            and all(
                _int_list(p, 2)
                and p[0] < config["decoder_layers"]
                and p[1] < config["decoder_attention_heads"]
                for p in v
            )
        ),
        "no_timestamps_token_id": token,
        "decoder_start_token_id": token,
        "language": lambda v: isinstance(v, str),
        "task": lambda v: isinstance(v, str),
        "is_multilingual": lambda v: isinstance(v, bool),
        "max_length": lambda v: _is_int(v) and 0 < v <= config["max_target_positions"],
    }
    for key, ok in checks.items():
        if data.get(key) is not None and not ok(data[key]):
            return f"{key} is {short_value(data[key])}, not what a Whisper generation config holds"
    return None


def _no_code(data: dict[str, Any], config: dict[str, Any]) -> str | None:
    if "auto_map" in data:
        return "names custom code (auto_map), which would run when loaded"
    return None


def _processor_problem(data: dict[str, Any], config: dict[str, Any]) -> str | None:
    settings = data.get("feature_extractor")
    if settings is not None and not isinstance(settings, dict):
        return f"feature_extractor is {short_value(settings)}, not a JSON object"
    return _no_code(data, config)


_FILE_CHECKS = {
    "generation_config.json": generation_problem,
    "processor_config.json": _processor_problem,
}  # preprocessor_config.json: convert.feature_extractor_settings, as for our own exports


# --- weights ----------------------------------------------------------------------------------


def expected_shapes(config: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    """Every weight of ``WhisperForConditionalGeneration`` for a checked ``config``, with its
    shape (``proj_out`` is tied to the token embeddings and not stored)."""
    d, shapes = config["d_model"], {}
    norm = {"weight": (d,), "bias": (d,)}

    def add(prefix: str, parts: dict[str, tuple[int, ...]]) -> None:
        shapes.update({f"{prefix}.{k}": v for k, v in parts.items()})

    def attention(prefix: str) -> None:
        add(prefix, {"k_proj.weight": (d, d), "v_proj.weight": (d, d), "v_proj.bias": (d,)})
        add(prefix, {"q_proj.weight": (d, d), "q_proj.bias": (d,)})
        add(prefix, {"out_proj.weight": (d, d), "out_proj.bias": (d,)})

    for side in ("encoder", "decoder"):
        ffn = config[f"{side}_ffn_dim"]
        for i in range(config[f"{side}_layers"]):
            layer = f"model.{side}.layers.{i}"
            attention(f"{layer}.self_attn")
            add(f"{layer}.self_attn_layer_norm", norm)
            if side == "decoder":
                attention(f"{layer}.encoder_attn")
                add(f"{layer}.encoder_attn_layer_norm", norm)
            add(layer, {"fc1.weight": (ffn, d), "fc1.bias": (ffn,)})
            add(layer, {"fc2.weight": (d, ffn), "fc2.bias": (d,)})
            add(f"{layer}.final_layer_norm", norm)
        add(f"model.{side}.layer_norm", norm)
    add("model.encoder", {"conv1.weight": (d, config["num_mel_bins"], 3), "conv1.bias": (d,)})
    add("model.encoder", {"conv2.weight": (d, d, 3), "conv2.bias": (d,)})
    add("model.encoder", {"embed_positions.weight": (config["max_source_positions"], d)})
    add("model.decoder", {"embed_positions.weight": (config["max_target_positions"], d)})
    add("model.decoder", {"embed_tokens.weight": (config["vocab_size"], d)})
    return shapes


def safetensors_shapes(path: Path, where: Path) -> dict[str, tuple[str, list[int]]]:
    """Tensor name → (dtype, shape) of the safetensors file ``path``, after the checks of
    :func:`safetensors_header`. ``where`` names the file in messages."""
    with open(path, "rb") as f:
        _, tensors = safetensors_header(f, where)
    return {name: (dtype, shape) for name, (dtype, shape, _) in tensors.items()}


def safetensors_header(
    f: IO[bytes], where: Path
) -> tuple[int, dict[str, tuple[str, list[int], int]]]:
    """The header of the open safetensors file ``f`` (read from its start), after checking that
    it is one: length within the file, a JSON object, known dtypes, each tensor's bytes exactly
    its shape's, inside the data. Returns where the data starts and, per tensor name, (dtype,
    shape, offset of its first byte in the file). Checked on the open file, so that what is
    checked is what a reader of ``f`` reads."""
    size = os.fstat(f.fileno()).st_size
    head = f.read(8)
    if len(head) < 8:
        raise ModelError(f"{where}: {size} bytes; too short to be a safetensors file")
    (length,) = struct.unpack("<Q", head)
    if length > size - 8 or length > _MAX_HEADER_BYTES:
        raise ModelError(
            f"{where}: its header declares {length} bytes, but the file has {size - 8} "
            "after the length; truncated or not a safetensors file"
        )
    header = _read_json_bytes(f.read(length), f"{where}: header")
    data_start, data_bytes = 8 + length, size - 8 - length
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if not isinstance(entry, dict):
            raise ModelError(f"{where}: tensor {name[:80]!r} is described by {short_value(entry)}")
        dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
        if dtype not in _DTYPE_BYTES:
            raise ModelError(
                f"{where}: tensor {name[:80]!r} has the unknown dtype {short_value(dtype)}"
            )
        if not _int_list(shape) or not _int_list(offsets, 2) or offsets[0] > offsets[1]:
            raise ModelError(
                f"{where}: tensor {name[:80]!r}: shape {short_value(shape)} or data_offsets "
                f"{short_value(offsets)} are not lists of non-negative integers"
            )
        expected = math.prod(shape) * _DTYPE_BYTES[dtype]
        if offsets[1] - offsets[0] != expected or offsets[1] > data_bytes:
            raise ModelError(
                f"{where}: tensor {name[:80]!r} of shape {shape} ({dtype}) needs {expected} "
                f"bytes, but its data_offsets {offsets} do not give them within the "
                f"{data_bytes} bytes of data"
            )
        tensors[name] = (dtype, shape, data_start + offsets[0])
    return data_start, tensors


def weights_problem(shapes: dict[str, tuple[str, list[int]]], config: dict[str, Any]) -> str | None:
    """Why the stored tensors ``shapes`` are not the weights ``config`` describes."""
    expected = expected_shapes(config)
    # transformers also loads checkpoints saved without the "model." prefix
    found = {
        n if n.startswith(("model.", "proj_out.")) else f"model.{n}": v for n, v in shapes.items()
    }
    missing = [name for name in expected if name not in found]
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        return (
            f"the safetensors weights lack {missing[0]}{more}; the model would be initialised "
            "at random"
        )
    for name, shape in expected.items():
        dtype, stored = found[name]
        if tuple(stored) != shape:
            return f"the weight {name} has the shape {stored}; config.json gives {list(shape)}"
        if dtype not in _WEIGHT_DTYPES:
            return f"the weight {name} is {dtype}; Whisper weights are F32, F16 or BF16"
    return None


def write_safetensors(path: Path, tensors: dict[str, tuple[str, Any]]) -> None:
    """Write ``tensors`` (name → (safetensors dtype such as ``"F32"``, a numpy array holding
    those bytes)) as a safetensors file, in name order: the 8-byte little-endian header length,
    the JSON header, the raw data. Written by hand, as :func:`safetensors_header` reads: the
    safetensors package is not in the transcriber installer (the self-test's tiny model)."""
    import numpy as np

    names = sorted(tensors)
    header, offset = {}, 0
    for name in names:
        dtype, array = tensors[name]
        header[name] = {
            "dtype": dtype,
            "shape": list(array.shape),
            "data_offsets": [offset, offset + array.nbytes],
        }
        offset += array.nbytes
    raw = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw)
        for name in names:
            f.write(np.ascontiguousarray(tensors[name][1]).tobytes())
