"""Hugging Face Whisper → CTranslate2 without torch or transformers.

:func:`convert_hf_folder` turns a Hugging Face Whisper folder (``config.json``, ``tokenizer.json``,
``model.safetensors`` or its shards, optionally ``generation_config.json`` and the feature
extractor's settings) into a CTranslate2 model folder with nothing but numpy and ctranslate2, so it
runs in the transcription-only install. The model is built through ``ctranslate2.specs``
(``WhisperSpec``) and written by the spec's own ``validate``, ``optimize`` and ``save``, exactly as
ctranslate2's ``TransformersConverter`` does; the variables are filled as its ``WhisperLoader``
(``ctranslate2/converters/transformers.py``) fills them from a loaded transformers model:

* ``conv1``/``conv2``, the layer norms (``weight``/``bias`` → ``gamma``/``beta``), ``fc1``/``fc2``
  (``ffn/linear_0``/``linear_1``), ``out_proj`` and the position embeddings one to one;
* self-attention ``linear_0`` is [q; k; v] fused (weights and biases; Whisper's k_proj has no
  bias: a zero block, as ``utils.fuse_linear`` writes); cross-attention ``linear_0`` is q,
  ``linear_1`` is [k; v] fused, ``linear_2`` is ``out_proj``;
* ``decoder/projection`` is ``proj_out.weight`` when the file holds one (transformers 5 loads it
  even where ``tie_word_embeddings`` is true), else the token embeddings (tied; ``optimize`` then
  writes it as an alias);
* every tensor is first cast to the dtype transformers would load the model in (``dtype`` or
  ``torch_dtype`` of ``config.json`` or the shard index's metadata; without one, the first
  floating-point tensor's, as transformers' ``dtype="auto"``), with torch's rounding, so that
  ``quantization=None`` keeps that dtype (bfloat16 included) and the others give the same bytes;
* ``config.json``: ``suppress_ids``, ``suppress_ids_begin``, ``alignment_heads`` (by default every
  head of the last half of the decoder layers) and ``lang_ids`` (the sorted ``lang_to_id`` values)
  from ``generation_config.json``, or, without one, from ``config.json`` as transformers'
  ``GenerationConfig.from_model_config`` takes them; ``vocabulary.json``: the tokenizer's tokens by
  id, cut at or filled up to ``vocab_size`` with timestamp tokens ``<|0.00|>`` ….

One deliberate difference: without ``lang_to_id``, ``TransformersConverter`` asks the tokenizer
for ``additional_special_tokens``, which transformers 5 no longer has, and writes ``lang_ids: []``
(a model whose language detection fails); here the tokenizer's language tokens (``<|xx|>``) are
taken, as transformers 4 gave them.

Besides ``model.bin``, ``config.json`` and ``vocabulary.json`` the folder gets ``tokenizer.json``
(the source's bytes; faster-whisper would otherwise try to download one) and the
``preprocessor_config.json`` that :func:`hsb_whisper.export.convert.convert` writes (the settings
checked, the mel count faster-whisper reads).

The source folder is untrusted input and is checked as :mod:`hsb_whisper.export.hf_folder`
checks an imported folder, with the same functions and messages: plain files inside the folder
only, JSON bounded, ``config.json`` a Whisper config within bounds, the tokenizer's ids within the
vocabulary, the generation config typed, each safetensors header consistent with its file (known
dtypes, each tensor's bytes exactly its shape's, inside the data), every weight present with the
shape the config gives and a dtype of F32, F16 or BF16; pickled weights are refused. Every problem
is one ``ModelError`` line naming the file.

Weights are never all in memory at once: each variable of the spec is a ctranslate2 ``Variable``
(:func:`_weight_type`) that knows where its tensors lie in the open safetensors files and reads
them when CTranslate2 asks (comparing for aliases, quantizing, writing). What stays in memory is
what ``optimize`` converts (int8 weights and their scales, float16 copies); weights written as
stored are read one at a time while ``model.bin`` is written.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from hsb_whisper.errors import ModelError
from hsb_whisper.export.convert import (
    PREPROCESSOR_CONFIG,
    PROCESSOR_CONFIG,
    QUANTIZATIONS,
    TOKENIZER,
    _known_settings,
)
from hsb_whisper.export.ct2 import _LANGUAGE_TOKEN_RE, TIMESTAMP_STEP_S
from hsb_whisper.export.hf_folder import (
    CONFIG,
    WEIGHTS,
    WEIGHTS_INDEX,
    _listing,
    _open_plain,
    _read_plain,
    _weight_files,
    config_problem,
    generation_problem,
    json_object,
    read_json,
    safetensors_header,
    short_value,
    tokenizer_problem,
    weights_problem,
)
from hsb_whisper.export.pack import preprocessor_problem
from hsb_whisper.files import atomic_write_text, staging_dir

log = logging.getLogger(__name__)

GENERATION_CONFIG = "generation_config.json"
# The dtypes transformers may load a Whisper in (config.json's "dtype"), by safetensors name.
LOAD_DTYPES = {"float32": "F32", "float16": "F16", "bfloat16": "BF16"}
_FLOAT_KINDS = ("F64", "F32", "F16", "BF16")  # what transformers' dtype="auto" counts as floating
# Raw reading of a stored tensor: bfloat16 as its 16 bits (numpy has no bfloat16).
_RAW = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "BF16": np.dtype("<u2")}
_CHUNK_BYTES = 16 << 20  # compared (aliases) this many bytes of rows at a time
# WhisperConfig's default when config.json gives none (GenerationConfig.from_model_config uses it)
_DEFAULT_BEGIN_SUPPRESS = [220, 50256]


def convert_hf_folder(src: Path, dst: Path, quantization: str | None = None) -> Path:
    """Write the Hugging Face Whisper folder ``src`` as the CTranslate2 model folder ``dst``
    (see the module docs) and return ``dst``.

    ``quantization``: one of :data:`~hsb_whisper.export.convert.QUANTIZATIONS`, or ``None`` to
    keep the weights in the dtype the model is stored (loaded) in, as ``TransformersConverter``
    does by default. ``dst`` must not exist (it is written under a temporary name beside it and
    renamed when complete) or be an empty folder (a caller's staging folder, written into).
    Needs neither torch nor transformers.
    """
    src, dst = Path(src), Path(dst)
    if quantization is not None and quantization not in QUANTIZATIONS:
        raise ModelError(
            f"quantization {quantization!r} is not supported; "
            f"choose one of {', '.join(QUANTIZATIONS)}"
        )
    if dst.exists() and not (dst.is_dir() and not any(dst.iterdir())):
        raise ModelError(f"{dst}: already exists; give a new (or empty) folder for the model")
    log.info("converting %s to CTranslate2 (%s) without torch", src, quantization or "as stored")
    with contextlib.ExitStack() as files:
        source = _Source(src, files)
        spec = _whisper_spec(source)
        try:
            spec.validate()
            spec.optimize(quantization=quantization)
        except ValueError as e:  # what the checks above should have refused
            raise ModelError(f"{src}: cannot be converted ({e})") from e
        if dst.exists():
            _save(spec, source, dst)
        else:
            with staging_dir(dst) as tmp:
                _save(spec, source, tmp)
    return dst


def _save(spec: Any, source: _Source, out: Path) -> None:
    """model.bin, config.json and vocabulary.json (the spec's own save), the source's
    tokenizer.json bytes and the checked feature extractor settings, as convert() writes them."""
    settings = json.dumps(_known_settings(source.features), indent=2, sort_keys=True) + "\n"
    try:
        spec.save(str(out))
        with open(out / TOKENIZER, "xb") as f:
            f.write(source.tokenizer_bytes)
        atomic_write_text(out / PREPROCESSOR_CONFIG, settings)
    except OSError as e:
        raise ModelError(f"{out}: cannot be written ({e.strerror or e})") from e


# --- the source folder ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stored:
    """One tensor of a safetensors file: where its bytes are and what they are."""

    file: IO[bytes]
    where: Path
    dtype: str  # safetensors name: F32, F16, BF16 (others are refused before reading)
    shape: tuple[int, ...]
    start: int  # absolute offset in the file


class _Source:
    """A Hugging Face Whisper folder, checked; its safetensors files stay open in ``files``."""

    def __init__(self, folder: Path, files: contextlib.ExitStack) -> None:
        self.folder = folder
        names = set(_listing(folder))
        if CONFIG not in names:
            raise ModelError(
                f"{folder}: not a Hugging Face Whisper folder (config.json with model_type "
                "whisper and safetensors weights)"
            )
        weight_files = [n for n in _weight_files(folder, names) if n.endswith(".safetensors")]
        self.config = read_json(folder, CONFIG)
        problem = config_problem(self.config)
        if problem:
            raise ModelError(f"{folder / CONFIG}: {problem}")
        if TOKENIZER not in names:
            raise ModelError(f"{folder}: lacks {TOKENIZER}, which faster-whisper needs")
        self.tokenizer_bytes = _read_plain(folder, TOKENIZER)
        try:
            self.tokenizer = json_object(self.tokenizer_bytes)
        except ValueError as e:
            raise ModelError(f"{folder / TOKENIZER}: {e}") from e
        problem = tokenizer_problem(self.tokenizer, self.config["vocab_size"])
        if problem:
            raise ModelError(f"{folder / TOKENIZER}: {problem}")
        self.generation, where = self._generation(names)
        problem = generation_problem(self.generation, self.config)
        if problem:
            raise ModelError(f"{where}: {problem}")
        self.features = self._features(names)

        self.tensors: dict[str, _Stored] = {}
        order: list[_Stored] = []  # the first file's tensors by name (transformers' "auto")
        for name in weight_files:
            where = folder / name
            f = files.enter_context(_open_plain(folder, name))
            header = _read_header(f, where)
            if not order:
                order = [header[k] for k in sorted(header)]
            for key, stored in header.items():
                if key in self.tensors:
                    raise ModelError(
                        f"{where}: holds {key[:80]!r}, which "
                        f"{self.tensors[key].where.name} holds too; which one is meant?"
                    )
                self.tensors[key] = stored
        problem = weights_problem(
            {k: (t.dtype, list(t.shape)) for k, t in self.tensors.items()}, self.config
        )
        if problem:
            raise ModelError(f"{folder}: {problem}")
        self.load_dtype = self._load_dtype(names, order)
        self.projection = self._projection()

    def _generation(self, names: set[str]) -> tuple[dict[str, Any], Path]:
        """What transformers' model.generation_config holds: generation_config.json, or without
        one, config.json's values (None dropped) over WhisperConfig's defaults."""
        if GENERATION_CONFIG in names:
            return read_json(self.folder, GENERATION_CONFIG), self.folder / GENERATION_CONFIG
        values = {k: v for k, v in self.config.items() if v is not None}
        return {"begin_suppress_tokens": _DEFAULT_BEGIN_SUPPRESS, **values}, self.folder / CONFIG

    def _features(self, names: set[str]) -> dict[str, Any]:
        """The feature extractor's settings, as convert.feature_extractor_settings finds them."""
        if PREPROCESSOR_CONFIG in names:
            where = self.folder / PREPROCESSOR_CONFIG
            settings = read_json(self.folder, PREPROCESSOR_CONFIG)
        elif PROCESSOR_CONFIG in names:
            where = f"{self.folder / PROCESSOR_CONFIG}: feature_extractor"
            settings = read_json(self.folder, PROCESSOR_CONFIG).get("feature_extractor")
            if not isinstance(settings, dict):
                raise ModelError(f"{where}: missing or not a JSON object; it holds the mel count")
        else:
            raise ModelError(
                f"{self.folder}: lacks {PREPROCESSOR_CONFIG} (or the {PROCESSOR_CONFIG} of "
                "transformers 5 with a feature_extractor entry), whose mel count faster-whisper "
                "needs"
            )
        problem = preprocessor_problem(settings)
        if problem is not None:
            raise ModelError(f"{where}: {problem}")
        mels, features = self.config["num_mel_bins"], settings.get("feature_size", 80)
        if mels != features:
            raise ModelError(
                f"{where}: feature_size is {features}, but the model (config.json) takes "
                f"{mels} mel bins"
            )
        return settings

    def _load_dtype(self, names: set[str], order: list[_Stored]) -> str:
        """The dtype transformers loads the model in: config.json's dtype (or torch_dtype), else
        the index's metadata dtype, else the first floating-point tensor's (by name) of the first
        file, as transformers' dtype="auto" (get_state_dict_dtype)."""
        declared = [(CONFIG, self.config, "dtype"), (CONFIG, self.config, "torch_dtype")]
        if WEIGHTS_INDEX in names and WEIGHTS not in names:  # transformers' sharded_metadata
            metadata = read_json(self.folder, WEIGHTS_INDEX).get("metadata")
            if isinstance(metadata, dict):
                declared.append((WEIGHTS_INDEX, metadata, "dtype"))
        for file, values, key in declared:
            value = values.get(key)
            if value is not None:
                if not isinstance(value, str) or value not in LOAD_DTYPES:
                    raise ModelError(
                        f"{self.folder / file}: {key} is {short_value(value)}; a Whisper's "
                        f"weights are {', '.join(LOAD_DTYPES)}"
                    )
                return value
        found = next((t.dtype for t in order if t.dtype in _FLOAT_KINDS), "F32")
        if found not in LOAD_DTYPES.values():
            raise ModelError(
                f"{order[0].where}: its first floating-point tensor is {found}, the dtype the "
                f"model would be loaded in; Whisper weights are F32, F16 or BF16"
            )
        return next(k for k, v in LOAD_DTYPES.items() if v == found)

    def _projection(self) -> str:
        """proj_out.weight when stored (checked like the others), else the tied embeddings."""
        name, embeddings = "proj_out.weight", "model.decoder.embed_tokens.weight"
        stored = self.tensors.get(name)
        if stored is None:
            if self.config.get("tie_word_embeddings", True) is not True:
                raise ModelError(
                    f"{self.folder}: config.json says tie_word_embeddings is false, but the "
                    f"safetensors weights lack {name}; the model would be initialised at random"
                )
            return embeddings
        expected = (self.config["vocab_size"], self.config["d_model"])
        if stored.shape != expected:
            raise ModelError(
                f"{stored.where}: the weight {name} has the shape {list(stored.shape)}; "
                f"config.json gives {list(expected)}"
            )
        if stored.dtype not in _RAW:
            raise ModelError(
                f"{stored.where}: the weight {name} is {stored.dtype}; Whisper weights are "
                "F32, F16 or BF16"
            )
        return name

    def stored(self, name: str) -> _Stored:
        """The tensor ``name`` (also found without its "model." prefix, as transformers does)."""
        if name in self.tensors:
            return self.tensors[name]
        return self.tensors[name.removeprefix("model.")]

    def weight(self, *parts: str | int) -> Any:
        """The tensors named in ``parts`` concatenated along the first axis, as the load dtype;
        an ``int`` is that many zeros (Whisper's k_proj has no bias: fuse_linear writes zeros)."""
        stored = [p if isinstance(p, int) else self.stored(p) for p in parts]
        return _weight_type()(stored, self.load_dtype)

    def vocabulary(self) -> list[str]:
        """The tokens by id (added tokens over the model's vocab), as BartLoader/WhisperLoader
        take them from ``tokenizer.get_vocab()``: cut at, or filled with timestamp tokens up
        to, the vocabulary size."""
        by_token = dict(self.tokenizer["model"]["vocab"])
        by_token.update({t["content"]: t["id"] for t in self.tokenizer["added_tokens"]})
        tokens = [t for t, _ in sorted(by_token.items(), key=lambda item: item[1])]
        size = self.config["vocab_size"]
        tokens = tokens[:size]
        tokens.extend(f"<|{i * TIMESTAMP_STEP_S:.2f}|>" for i in range(size - len(tokens)))
        return tokens

    def language_ids(self) -> list[int]:
        lang_to_id = self.generation.get("lang_to_id")
        if isinstance(lang_to_id, dict):
            return sorted(lang_to_id.values())
        ids = {t["content"]: t["id"] for t in self.tokenizer["added_tokens"]}
        return sorted(i for token, i in ids.items() if _LANGUAGE_TOKEN_RE.match(token))


def _read_header(f: IO[bytes], where: Path) -> dict[str, _Stored]:
    """The tensors of the open safetensors file ``f``, after the checks of
    :func:`hsb_whisper.export.hf_folder.safetensors_header`, made on this open file so that what
    is checked is what is read."""
    _, tensors = safetensors_header(f, where)
    return {
        name: _Stored(f, where, dtype, tuple(shape), start)
        for name, (dtype, shape, start) in tensors.items()
    }


# --- the spec ---------------------------------------------------------------------------------


def _whisper_spec(source: _Source) -> Any:
    """WhisperSpec filled as WhisperLoader fills it (see the module docs)."""
    from ctranslate2.specs import whisper_spec

    config = source.config
    spec = whisper_spec.WhisperSpec(
        config["encoder_layers"],
        config["encoder_attention_heads"],
        config["decoder_layers"],
        config["decoder_attention_heads"],
    )
    w, d_model = source.weight, config["d_model"]

    def linear(layer: Any, prefix: str, bias: bool = True) -> None:
        layer.weight = w(f"{prefix}.weight")
        if bias:
            layer.bias = w(f"{prefix}.bias")

    def norm(layer: Any, prefix: str) -> None:
        layer.gamma, layer.beta = w(f"{prefix}.weight"), w(f"{prefix}.bias")

    def attention(layer: Any, prefix: str, self_attention: bool) -> None:
        q, k, v = (f"{prefix}.{x}_proj" for x in "qkv")
        if self_attention:
            layer.linear[0].weight = w(f"{q}.weight", f"{k}.weight", f"{v}.weight")
            layer.linear[0].bias = w(f"{q}.bias", d_model, f"{v}.bias")
        else:
            linear(layer.linear[0], q)
            layer.linear[1].weight = w(f"{k}.weight", f"{v}.weight")
            layer.linear[1].bias = w(d_model, f"{v}.bias")
        linear(layer.linear[-1], f"{prefix}.out_proj")

    def common(stack: Any, prefix: str) -> None:
        stack.position_encodings.encodings = w(f"{prefix}.embed_positions.weight")
        norm(stack.layer_norm, f"{prefix}.layer_norm")

    def ffn(layer: Any, prefix: str) -> None:
        linear(layer.ffn.linear_0, f"{prefix}.fc1")
        linear(layer.ffn.linear_1, f"{prefix}.fc2")
        norm(layer.ffn.layer_norm, f"{prefix}.final_layer_norm")

    encoder, decoder = spec.encoder, spec.decoder
    linear(encoder.conv1, "model.encoder.conv1")
    linear(encoder.conv2, "model.encoder.conv2")
    common(encoder, "model.encoder")
    for i, layer in enumerate(encoder.layer):
        prefix = f"model.encoder.layers.{i}"
        attention(layer.self_attention, f"{prefix}.self_attn", True)
        norm(layer.self_attention.layer_norm, f"{prefix}.self_attn_layer_norm")
        ffn(layer, prefix)
    decoder.embeddings.weight = w("model.decoder.embed_tokens.weight")
    common(decoder, "model.decoder")
    for i, layer in enumerate(decoder.layer):
        prefix = f"model.decoder.layers.{i}"
        attention(layer.self_attention, f"{prefix}.self_attn", True)
        norm(layer.self_attention.layer_norm, f"{prefix}.self_attn_layer_norm")
        attention(layer.attention, f"{prefix}.encoder_attn", False)
        norm(layer.attention.layer_norm, f"{prefix}.encoder_attn_layer_norm")
        ffn(layer, prefix)
    decoder.projection.weight = w(source.projection)

    generation = source.generation
    spec.config.suppress_ids = generation.get("suppress_tokens")
    spec.config.suppress_ids_begin = generation.get("begin_suppress_tokens")
    heads = generation.get("alignment_heads")
    if heads is None:  # WhisperLoader's default: every head of the last half of the layers
        layers, n = config["decoder_layers"], config["decoder_attention_heads"]
        heads = [list(p) for p in itertools.product(range(layers // 2, layers), range(n))]
    spec.config.alignment_heads = heads
    spec.config.lang_ids = source.language_ids()
    spec.register_vocabulary(source.vocabulary())
    return spec


# --- variables read on demand -----------------------------------------------------------------


def _bfloat16_bits(values: np.ndarray) -> np.ndarray:
    """float32 → bfloat16 bits, rounded to nearest even as torch rounds (NaN → 0x7FC0)."""
    bits = values.astype("<f4", copy=False).view("<u4")
    rounded = ((bits + (((bits >> 16) & 1) + 0x7FFF)) >> 16).astype("<u2")
    rounded[np.isnan(values)] = 0x7FC0
    return rounded


def _widen(bits: np.ndarray) -> np.ndarray:
    """bfloat16 bits → float32 (exact)."""
    return (bits.astype("<u4") << 16).view("<f4")


def _cast(raw: np.ndarray, stored: str, load: str) -> np.ndarray:
    """A tensor read as ``_RAW[stored]`` in the load dtype's storage (bfloat16: its bits), as
    torch casts it: through float32, which every one of these holds exactly."""
    if LOAD_DTYPES[load] == stored:
        return raw
    values = _widen(raw) if stored == "BF16" else raw
    if load == "bfloat16":
        return _bfloat16_bits(values)
    return values.astype(load)


@functools.cache
def _weight_type() -> type:
    """The class of the spec's weights: a ctranslate2 ``Variable`` (ctranslate2.specs imports torch
    where installed, so it is imported only when converting)."""
    from ctranslate2.specs.model_spec import NumpyVariable, Variable

    class Weight(Variable):
        """Tensors of the source concatenated along the first axis, in the load dtype, read
        when needed; ``int`` parts are blocks of zero rows."""

        def __init__(self, parts: list[_Stored | int], dtype: str) -> None:
            self.parts = parts
            self._dtype = dtype
            first = next(p for p in parts if not isinstance(p, int))
            self._row_shape = first.shape[1:]
            rows = sum(p if isinstance(p, int) else p.shape[0] for p in parts)
            self._shape = (rows, *self._row_shape)
            self._head: np.ndarray | None = None

        @property
        def shape(self) -> tuple[int, ...]:
            return self._shape

        @property
        def dtype(self) -> str:
            return self._dtype

        def _storage(self) -> np.dtype:
            return _RAW[LOAD_DTYPES[self._dtype]]

        def num_bytes(self) -> int:
            return math.prod(self._shape) * self._storage().itemsize

        def rows(self, begin: int, end: int) -> np.ndarray:
            """Rows ``begin`` to ``end`` in the load dtype's storage."""
            width = math.prod(self._row_shape)
            out = []
            at = 0
            for part in self.parts:
                n = part if isinstance(part, int) else part.shape[0]
                lo, hi = max(begin, at), min(end, at + n)
                if lo < hi:
                    if isinstance(part, int):
                        out.append(np.zeros((hi - lo) * width, self._storage()))
                    else:
                        raw = _read(part, (lo - at) * width, (hi - lo) * width)
                        out.append(_cast(raw, part.dtype, self._dtype))
                at += n
            flat = out[0] if len(out) == 1 else np.concatenate(out)
            return flat.reshape((end - begin, *self._row_shape))

        def stored(self) -> np.ndarray:
            return self.rows(0, self._shape[0])

        def float32(self) -> np.ndarray:
            values = self.stored()
            if self._dtype == "bfloat16":
                return _widen(values)
            return values.astype(np.float32, copy=False)

        def numpy(self) -> np.ndarray:  # a fresh array: _quantize scales it in place
            if self._dtype == "bfloat16":
                raise TypeError("numpy has no bfloat16; convert the variable first")
            return self.stored()

        def to_bytes(self) -> memoryview:
            return memoryview(np.ascontiguousarray(self.stored())).cast("B")

        def _to(self, dtype: str) -> Any:
            if dtype == "float32":
                return NumpyVariable(self.float32())
            if dtype == "float16":
                return NumpyVariable(self.float32().astype(np.float16))
            raise ModelError(f"converting weights to {dtype} is not supported without torch")

        def _comparable(self, begin: int, end: int) -> np.ndarray:
            values = self.rows(begin, end)
            return _widen(values) if self._dtype == "bfloat16" else values

        def _equal(self, other: Any) -> bool:
            """numpy's (and torch's) element-wise equality (-0 = 0, NaN ≠ NaN), the first row
            first (cached: optimize compares every pair), then in chunks."""
            if self._dtype != other._dtype or self._shape != other._shape:
                return False
            if self._head is None:
                self._head = self._comparable(0, 1)
            if other._head is None:
                other._head = other._comparable(0, 1)
            if not np.array_equal(self._head, other._head):
                return False
            rows = self._shape[0]
            step = max(1, _CHUNK_BYTES // max(1, self.num_bytes() // max(1, rows)))
            for begin in range(1, rows, step):
                end = min(rows, begin + step)
                if not np.array_equal(self._comparable(begin, end), other._comparable(begin, end)):
                    return False
            return True

    return Weight


def _read(part: _Stored, first: int, count: int) -> np.ndarray:
    """``count`` elements of the stored tensor ``part`` from element ``first``, as stored."""
    dtype = _RAW[part.dtype]
    out = np.empty(count, dtype)
    view = memoryview(out).cast("B")
    part.file.seek(part.start + first * dtype.itemsize)
    done = 0
    while done < len(view):
        n = part.file.readinto(view[done:])
        if not n:
            raise ModelError(
                f"{part.where}: ends before the data its header promises (changed while "
                "being converted?)"
            )
        done += n
    return out
