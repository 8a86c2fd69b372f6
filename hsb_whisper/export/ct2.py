"""Reading CTranslate2 Whisper models, and turning them into Hugging Face Whisper folders.

Fine-tuning needs the weights as a ``transformers`` ``WhisperForConditionalGeneration``; the model
store holds CTranslate2 folders (``model.bin``, ``config.json``, ``tokenizer.json``). This module
parses ``model.bin`` itself (no CTranslate2 runtime needed) and writes a complete Hugging Face
folder: weights, model and generation configuration, tokenizer and feature extractor.

The ``model.bin`` layout is the one ``ctranslate2/specs/model_spec.py`` writes (little-endian):
u32 binary version; string spec name; u32 spec revision; u32 variable count; per variable:
string name, u8 rank, u32 × rank dimensions, u8 dtype id, u32 byte count, raw bytes; then u32
alias count and (alias, target) string pairs. A string is a u16 length that counts a trailing
NUL, the UTF-8 bytes, the NUL.

The transcription path imports :mod:`hsb_whisper.export`, and it must never load torch, so torch,
transformers and safetensors are imported inside the functions that need them.
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from hsb_whisper.errors import ModelError
from hsb_whisper.export.hf_folder import require_safetensors
from hsb_whisper.files import staging_dir

if TYPE_CHECKING:
    from transformers import WhisperForConditionalGeneration, WhisperProcessor

# Binary versions whose layout this reader knows. CTranslate2's own loader (src/models/model.cc)
# reads every version from 4 on the same way (dtype id + byte count per variable; aliases since
# version 3); 6 is the current one (CURRENT_BINARY_VERSION in model_spec.py). Whisper support
# arrived after version 4, so older layouts are never Whisper models.
BINARY_VERSIONS = range(4, 7)  # 4 to 6; the pack checks use this range too
WHISPER_SPEC = "WhisperSpec"

# Dtype ids: the order of the DataType enum in include/ctranslate2/types.h (model_spec.py's
# _dtype_to_type_id). numpy has no bfloat16: those are read as raw 16-bit words and widened.
_BFLOAT16_ID = 5
_DTYPES: dict[int, np.dtype] = {
    0: np.dtype("<f4"),
    1: np.dtype("i1"),
    2: np.dtype("<i2"),
    3: np.dtype("<i4"),
    4: np.dtype("<f2"),
    _BFLOAT16_ID: np.dtype("<u2"),
}
_BFLOAT16_SHIFT = 16  # a bfloat16 is the upper half of a float32's 32 bits

SCALE_SUFFIX = "_scale"  # int8/int16 weights carry "<name>_scale" (model_spec.py's _quantize)
FLOAT_DTYPES = ("float32", "float16")  # what ct2_to_hf can write

# Whisper's fixed dimensions: every released model uses 64 per attention head (d_model / heads),
# 0.02 s per timestamp token, and the multilingual models have 51,865 or more tokens (OpenAI's
# ``Whisper.is_multilingual``: n_vocab >= 51865; the English-only ones have 51,864).
WHISPER_HEAD_DIM = 64
TIMESTAMP_STEP_S = 0.02
MULTILINGUAL_MIN_VOCAB = 51_865
# generate() may start with a timestamp up to 1 s in: 1.0 / 0.02 = 50 (OpenAI's
# max_initial_timestamp default, and what openai/whisper-*'s generation_config.json says).
MAX_INITIAL_TIMESTAMP_INDEX = round(1.0 / TIMESTAMP_STEP_S)

_EOT = "<|endoftext|>"
_SOT = "<|startoftranscript|>"
_TRANSCRIBE = "<|transcribe|>"
_TRANSLATE = "<|translate|>"
_NO_TIMESTAMPS = "<|notimestamps|>"
_PREV = "<|startofprev|>"
_LANGUAGE_TOKEN_RE = re.compile(r"^<\|([a-z]{2,3})\|>$")
_LAYER_RE = re.compile(r"^(encoder|decoder)/layer_(\d+)/")
_HF_FILES = (
    "config.json",
    "generation_config.json",
    "model.safetensors",
    "preprocessor_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
)


class _Buffer:
    """Sequential little-endian reads from the bytes of one file, with truncation checks."""

    def __init__(self, path: Path, data: bytearray) -> None:
        self.path = path
        self.data = data
        self.pos = 0

    def take(self, n: int, what: str) -> memoryview:
        end = self.pos + n
        if end > len(self.data):
            raise ModelError(
                f"{self.path}: the file is truncated: {what} needs {n} bytes at offset {self.pos} "
                f"but the file ends at {len(self.data)} (an interrupted download or copy?)"
            )
        view = memoryview(self.data)[self.pos : end]
        self.pos = end
        return view

    def unpack(self, fmt: str, what: str) -> int:
        return struct.unpack("<" + fmt, self.take(struct.calcsize(fmt), what))[0]

    def string(self, what: str) -> str:
        length = self.unpack("H", f"the length of {what}")
        raw = bytes(self.take(length, what))
        if not raw or raw[-1] != 0:
            raise ModelError(f"{self.path}: {what} at offset {self.pos - length} is not a string")
        try:
            return raw[:-1].decode("utf-8")
        except UnicodeDecodeError as e:
            raise ModelError(f"{self.path}: {what} is not UTF-8 ({e}); damaged file?") from e


def read_model_bin(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Variables of a CTranslate2 ``model.bin`` by name, and header information.

    Arrays keep their stored dtype (float32, float16, int8, int16, int32; rank-0 arrays for
    scalars) and share one writable buffer holding the file; bfloat16 is widened to float32
    (exactly), since numpy has no bfloat16. Aliases are resolved: the alias names the same array
    as its target (and ``<alias>_scale`` the target's scale, as CTranslate2 does). The header dict
    has ``binary_version``, ``spec`` (e.g. ``"WhisperSpec"``), ``revision``, ``variable_count``
    (stored variables, aliases not counted) and ``aliases`` ({alias: target}).

    Raises ``ModelError`` naming the file for a missing, truncated or damaged file and for an
    unsupported binary version.
    """
    path = Path(path)
    try:
        with open(path, "rb") as f:
            size = f.seek(0, 2)
            f.seek(0)
            data = bytearray(size)
            got = f.readinto(data)
    except FileNotFoundError as e:
        raise ModelError(f"{path}: no such file; not a CTranslate2 model folder?") from e
    except IsADirectoryError as e:
        raise ModelError(f"{path}: is a folder, expected a CTranslate2 model.bin") from e
    except OSError as e:
        raise ModelError(f"{path}: cannot be read ({e.strerror or e})") from e
    if got != size:
        raise ModelError(f"{path}: read {got} of {size} bytes; the file changed while read?")
    buf = _Buffer(path, data)
    version = buf.unpack("I", "the binary version")
    if version not in BINARY_VERSIONS:
        raise ModelError(
            f"{path}: CTranslate2 binary version {version} is not supported (this reader knows "
            f"versions {BINARY_VERSIONS.start} to {BINARY_VERSIONS.stop - 1}); not a model.bin, "
            "or one written by a newer CTranslate2?"
        )
    spec = buf.string("the spec name")
    revision = buf.unpack("I", "the spec revision")
    count = buf.unpack("I", "the variable count")
    variables: dict[str, np.ndarray] = {}
    for index in range(count):
        name = buf.string(f"the name of variable {index}")
        rank = buf.unpack("B", f"the rank of {name}")
        shape = tuple(buf.unpack("I", f"a dimension of {name}") for _ in range(rank))
        type_id = buf.unpack("B", f"the dtype of {name}")
        nbytes = buf.unpack("I", f"the byte count of {name}")
        dtype = _DTYPES.get(type_id)
        if dtype is None:
            raise ModelError(f"{path}: variable {name} has unknown dtype id {type_id}")
        expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if nbytes != expected:
            raise ModelError(
                f"{path}: variable {name} of shape {list(shape)} and dtype id {type_id} should "
                f"have {expected} bytes but says {nbytes}; damaged file?"
            )
        start = buf.pos
        buf.take(nbytes, f"the data of {name}")
        array = np.frombuffer(data, dtype=dtype, count=nbytes // dtype.itemsize, offset=start)
        array = array.reshape(shape)
        if type_id == _BFLOAT16_ID:
            array = (array.astype(np.uint32) << _BFLOAT16_SHIFT).view(np.float32)
        if name in variables:
            raise ModelError(f"{path}: variable {name} appears twice; damaged file?")
        variables[name] = array
    aliases: dict[str, str] = {}
    alias_count = buf.unpack("I", "the alias count")
    for index in range(alias_count):
        alias = buf.string(f"the name of alias {index}")
        target = buf.string(f"the target of alias {alias}")
        if target not in variables:
            raise ModelError(f"{path}: alias {alias} names a missing variable {target}")
        aliases[alias] = target
        variables[alias] = variables[target]
        if target + SCALE_SUFFIX in variables:
            variables[alias + SCALE_SUFFIX] = variables[target + SCALE_SUFFIX]
    if buf.pos != len(data):
        raise ModelError(
            f"{path}: {len(data) - buf.pos} unexpected bytes after the last alias; damaged file?"
        )
    header = {
        "binary_version": version,
        "spec": spec,
        "revision": revision,
        "variable_count": count,
        "aliases": aliases,
    }
    return variables, header


def dequantize(values: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """float32 weights from quantized ``values`` and their CTranslate2 ``scale``.

    CTranslate2 stores ``round(weight * scale)`` (model_spec.py's ``_quantize``): for int8 one
    scale per output row, ``127 / max|row|`` (a conv1d weight is flattened to rows first); for
    int16 one scale for the whole tensor. So ``weight ≈ values / scale``, as its Dequantize op.
    """
    scale = np.asarray(scale, dtype=np.float32)
    if scale.ndim:  # per row: broadcast over the remaining axes
        scale = scale.reshape(scale.shape + (1,) * (values.ndim - scale.ndim))
    return values.astype(np.float32) / scale


def float_weights(
    variables: dict[str, np.ndarray], dtype: str = "float32"
) -> dict[str, np.ndarray]:
    """The tensors of ``variables`` as floating point ``dtype`` (``"float32"`` or ``"float16"``).

    Quantized weights are dequantized with their ``…_scale`` (which is then left out); tensors
    already in ``dtype`` are passed through unchanged (not copied). Scalars (flags, head counts)
    are left out: they are settings, not weights.
    """
    if dtype not in FLOAT_DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(FLOAT_DTYPES)}, not {dtype!r}")
    target = np.dtype(dtype)
    out: dict[str, np.ndarray] = {}
    converted: dict[int, np.ndarray] = {}  # by id of the stored array: aliases stay one array
    for name, value in variables.items():
        if value.ndim == 0 or name.endswith(SCALE_SUFFIX):
            continue
        if id(value) not in converted:
            result = value
            scale = variables.get(name + SCALE_SUFFIX)
            if scale is not None and value.dtype.kind == "i":
                result = dequantize(value, scale)
            converted[id(value)] = result if result.dtype == target else result.astype(target)
        out[name] = converted[id(value)]
    return out


def _fail(folder: Path, problem: str) -> ModelError:
    return ModelError(f"{folder}: {problem}")


def _layer_count(folder: Path, names: set[str], stack: str) -> int:
    indices = {int(m.group(2)) for n in names if (m := _LAYER_RE.match(n)) and m.group(1) == stack}
    if not indices:
        raise _fail(folder, f"model.bin has no {stack} layers; not a Whisper model?")
    if indices != set(range(len(indices))):
        raise _fail(folder, f"model.bin's {stack} layers are not numbered 0..{len(indices) - 1}")
    return len(indices)


def _heads(variables: dict[str, np.ndarray], stack: str, d_model: int) -> int:
    scalar = variables.get(f"{stack}/num_heads")
    return int(scalar) if scalar is not None else d_model // WHISPER_HEAD_DIM


def _hf_tensors(
    folder: Path, weights: dict[str, np.ndarray], layers: dict[str, int]
) -> tuple[dict[str, np.ndarray], bool]:
    """Hugging Face state-dict tensors from CTranslate2 Whisper weights, and whether the output
    projection is tied to the token embeddings.

    CTranslate2 fuses self-attention q, k, v into ``linear_0`` and cross-attention k, v into
    ``linear_1``, with zeros for k's bias (Whisper's k_proj has none). A k bias would not change
    the attention anyway (it adds the same q·b to every key's score), so it is dropped.
    """
    used: set[str] = set()
    out: dict[str, np.ndarray] = {}

    def get(name: str) -> np.ndarray:
        if name not in weights:
            raise _fail(folder, f"model.bin lacks {name}; not a Whisper model this reader knows")
        used.add(name)
        return weights[name]

    def copy(ct2: str, hf: str) -> None:
        out[hf] = get(ct2)

    def linear(ct2: str, hf: str) -> None:
        copy(f"{ct2}/weight", f"{hf}.weight")
        copy(f"{ct2}/bias", f"{hf}.bias")

    def norm(ct2: str, hf: str) -> None:
        copy(f"{ct2}/gamma", f"{hf}.weight")
        copy(f"{ct2}/beta", f"{hf}.bias")

    def split(ct2: str, hf: str, parts: tuple[str, ...]) -> None:
        weight, bias = get(f"{ct2}/weight"), get(f"{ct2}/bias")
        for part, w, b in zip(parts, np.split(weight, len(parts)), np.split(bias, len(parts))):
            out[f"{hf}.{part}.weight"] = np.ascontiguousarray(w)
            if part != "k_proj":
                out[f"{hf}.{part}.bias"] = np.ascontiguousarray(b)

    def block(ct2: str, hf: str) -> None:
        split(f"{ct2}/self_attention/linear_0", f"{hf}.self_attn", ("q_proj", "k_proj", "v_proj"))
        linear(f"{ct2}/self_attention/linear_1", f"{hf}.self_attn.out_proj")
        norm(f"{ct2}/self_attention/layer_norm", f"{hf}.self_attn_layer_norm")
        linear(f"{ct2}/ffn/linear_0", f"{hf}.fc1")
        linear(f"{ct2}/ffn/linear_1", f"{hf}.fc2")
        norm(f"{ct2}/ffn/layer_norm", f"{hf}.final_layer_norm")

    for conv in ("conv1", "conv2"):
        linear(f"encoder/{conv}", f"model.encoder.{conv}")
    copy("encoder/position_encodings/encodings", "model.encoder.embed_positions.weight")
    norm("encoder/layer_norm", "model.encoder.layer_norm")
    for i in range(layers["encoder"]):
        block(f"encoder/layer_{i}", f"model.encoder.layers.{i}")

    copy("decoder/embeddings/weight", "model.decoder.embed_tokens.weight")
    copy("decoder/position_encodings/encodings", "model.decoder.embed_positions.weight")
    norm("decoder/layer_norm", "model.decoder.layer_norm")
    for i in range(layers["decoder"]):
        ct2, hf = f"decoder/layer_{i}", f"model.decoder.layers.{i}"
        block(ct2, hf)
        linear(f"{ct2}/attention/linear_0", f"{hf}.encoder_attn.q_proj")
        split(f"{ct2}/attention/linear_1", f"{hf}.encoder_attn", ("k_proj", "v_proj"))
        linear(f"{ct2}/attention/linear_2", f"{hf}.encoder_attn.out_proj")
        norm(f"{ct2}/attention/layer_norm", f"{hf}.encoder_attn_layer_norm")

    projection = get("decoder/projection/weight")
    embeddings = out["model.decoder.embed_tokens.weight"]
    tied = projection is embeddings or np.array_equal(projection, embeddings)
    if not tied:
        out["proj_out.weight"] = projection
    bias = weights.get("decoder/projection/bias")
    if bias is not None:
        used.add("decoder/projection/bias")
        if np.any(bias):
            raise _fail(folder, "model.bin has an output projection bias, which Whisper has not")
    unknown = sorted(set(weights) - used)
    if unknown:
        raise _fail(
            folder,
            f"model.bin has tensors a Whisper model does not have ({', '.join(unknown[:5])}"
            f"{', …' if len(unknown) > 5 else ''}); a layout this reader does not know",
        )
    return out, tied


def _load_json(path: Path, if_missing: str) -> Any:
    """The JSON in ``path``, or a ``ModelError`` naming it (``if_missing`` says what a missing file
    means)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ModelError(f"{path}: no such file; {if_missing}") from e
    except (OSError, ValueError) as e:
        raise ModelError(f"{path}: not readable JSON ({e})") from e


def _read_ct2_config(folder: Path) -> dict[str, Any]:
    path = folder / "config.json"
    config = _load_json(path, "not a CTranslate2 model folder?")
    if not isinstance(config, dict):
        raise ModelError(f"{path}: expected a JSON object")
    return config


def _tokenizer(folder: Path, vocab_size: int, max_length: int):
    """Whisper's tokenizer from the folder's ``tokenizer.json``, Whisper's special tokens named.

    Loaded bare, only ``<|endoftext|>`` counts as special for transformers; the others (start of
    transcript, languages, tasks, ``<|notimestamps|>``, …) are passed explicitly. The timestamp
    tokens (``<|0.00|>`` … ``<|30.00|>``) that CTranslate2 folders leave out of tokenizer.json are
    added after ``<|notimestamps|>`` (as newer Hub Whisper tokenizers have them), so the tokenizer
    covers the model's whole vocabulary. They are not special: transformers' Whisper tokenizer
    finds timestamps as the ids after its last special token.
    """
    from transformers import AddedToken, WhisperTokenizerFast

    path = folder / "tokenizer.json"
    data = _load_json(path, "a Whisper folder needs its tokenizer")
    specials = [t["content"] for t in data.get("added_tokens", []) if t.get("special")]
    missing = [
        t for t in (_EOT, _SOT, _TRANSCRIBE, _TRANSLATE, _NO_TIMESTAMPS) if t not in specials
    ]
    if missing:
        raise ModelError(f"{path}: not a Whisper tokenizer (no {', '.join(missing)})")
    tokenizer = WhisperTokenizerFast(
        tokenizer_file=str(path),
        unk_token=_EOT,
        bos_token=_EOT,
        eos_token=_EOT,
        pad_token=_EOT,
        extra_special_tokens=[t for t in specials if t != _EOT],
        model_max_length=max_length,
    )
    first_timestamp = tokenizer.convert_tokens_to_ids(_NO_TIMESTAMPS) + 1
    if len(tokenizer) == first_timestamp < vocab_size:
        tokenizer.add_tokens(
            [
                AddedToken(f"<|{i * TIMESTAMP_STEP_S:.2f}|>", special=False, normalized=False)
                for i in range(vocab_size - first_timestamp)
            ]
        )
    if len(tokenizer) > vocab_size:
        raise ModelError(
            f"{path}: {len(tokenizer)} tokens, more than the model's {vocab_size} embeddings"
        )
    return tokenizer


def _generation_fields(
    folder: Path, ct2_config: dict[str, Any], tokenizer, vocab_size: int, layers: int, heads: int
) -> dict[str, Any]:
    """What ``generation_config.json`` and the model config need beyond sizes, as OpenAI's
    openai/whisper-* folders have it: special ids from the tokenizer, suppressed tokens, language
    ids and alignment heads from CTranslate2's ``config.json``."""
    ids = {t: tokenizer.convert_tokens_to_ids(t) for t in (_EOT, _SOT, _TRANSCRIBE, _TRANSLATE)}
    eot = ids[_EOT]
    fields: dict[str, Any] = {
        "bos_token_id": eot,
        "eos_token_id": eot,
        "pad_token_id": eot,
        "decoder_start_token_id": ids[_SOT],
        "suppress_tokens": [int(t) for t in ct2_config.get("suppress_ids") or []],
        "begin_suppress_tokens": [
            int(t)
            for t in ct2_config.get("suppress_ids_begin")
            or [tokenizer.encode(" ", add_special_tokens=False)[0], eot]
        ],
        "no_timestamps_token_id": tokenizer.convert_tokens_to_ids(_NO_TIMESTAMPS),
        "max_initial_timestamp_index": MAX_INITIAL_TIMESTAMP_INDEX,
        "return_timestamps": False,
        "is_multilingual": vocab_size >= MULTILINGUAL_MIN_VOCAB,
    }
    if _PREV in tokenizer.get_vocab():
        fields["prev_sot_token_id"] = tokenizer.convert_tokens_to_ids(_PREV)
    heads_list = ct2_config.get("alignment_heads")
    if not heads_list:  # CTranslate2's own default: every head of the last half of the layers
        heads_list = [
            [layer, head] for layer in range(layers // 2, layers) for head in range(heads)
        ]
    fields["alignment_heads"] = [[int(layer), int(head)] for layer, head in heads_list]
    if fields["is_multilingual"]:
        lang_ids = ct2_config.get("lang_ids")
        if lang_ids:
            tokens = tokenizer.convert_ids_to_tokens([int(i) for i in lang_ids])
        else:
            tokens = [t for t in tokenizer.get_vocab() if _LANGUAGE_TOKEN_RE.match(t)]
        bad = [t for t in tokens if not t or not _LANGUAGE_TOKEN_RE.match(t)]
        if bad or not tokens:
            raise _fail(folder, f"config.json's lang_ids do not name language tokens ({bad[:3]})")
        lang_to_id = {t: tokenizer.convert_tokens_to_ids(t) for t in tokens}
        fields["lang_to_id"] = dict(sorted(lang_to_id.items(), key=lambda kv: kv[1]))
        fields["task_to_id"] = {"translate": ids[_TRANSLATE], "transcribe": ids[_TRANSCRIBE]}
        # Language detection, then transcription, when generate() is given no language.
        fields["forced_decoder_ids"] = [[1, None], [2, ids[_TRANSCRIBE]]]
    return fields


def ct2_to_hf(folder: Path, out: Path, dtype: str = "float32") -> Path:
    """Write the CTranslate2 Whisper folder ``folder`` as a Hugging Face Whisper folder ``out``.

    ``out`` (which must not exist) gets ``config.json``, ``generation_config.json``,
    ``model.safetensors`` (weights as ``dtype``: ``"float32"``, or ``"float16"``, which keeps
    float16 weights bit for bit), ``tokenizer.json``, ``tokenizer_config.json`` and
    ``preprocessor_config.json``. It is written beside ``out`` under a temporary name and renamed
    when complete, so a crash leaves nothing under the real name. Returns ``out``.
    """
    import transformers
    from safetensors.numpy import save_file

    folder, out = Path(folder), Path(out)
    if dtype not in FLOAT_DTYPES:
        raise ModelError(f"cannot write {out} as {dtype!r}: use one of {', '.join(FLOAT_DTYPES)}")
    if out.exists():
        raise ModelError(f"{out}: already exists; give a new folder for the Hugging Face model")
    if not folder.is_dir():
        raise ModelError(f"{folder}: not a folder; expected a CTranslate2 Whisper model folder")
    variables, header = read_model_bin(folder / "model.bin")
    if header["spec"] != WHISPER_SPEC:
        raise ModelError(
            f"{folder / 'model.bin'}: a CTranslate2 {header['spec'] or 'unnamed'} model, "
            f"not a Whisper model ({WHISPER_SPEC})"
        )
    ct2_config = _read_ct2_config(folder)

    names = set(variables)
    layers = {stack: _layer_count(folder, names, stack) for stack in ("encoder", "decoder")}
    weights = float_weights(variables, dtype)
    tensors, tied = _hf_tensors(folder, weights, layers)
    del weights
    d_model, mel_bins, _ = tensors["model.encoder.conv1.weight"].shape
    vocab_size, decoder_width = tensors["model.decoder.embed_tokens.weight"].shape
    if decoder_width != d_model:
        raise _fail(folder, f"encoder width {d_model} differs from decoder width {decoder_width}")
    heads = {stack: _heads(variables, stack, d_model) for stack in layers}
    for stack, n in heads.items():
        if n <= 0 or d_model % n:
            raise _fail(folder, f"{stack} has {n} attention heads for width {d_model}")
    max_source = tensors["model.encoder.embed_positions.weight"].shape[0]
    max_target = tensors["model.decoder.embed_positions.weight"].shape[0]

    tokenizer = _tokenizer(folder, vocab_size, max_target)
    fields = _generation_fields(
        folder, ct2_config, tokenizer, vocab_size, layers["decoder"], heads["decoder"]
    )
    config = transformers.WhisperConfig(
        architectures=["WhisperForConditionalGeneration"],
        vocab_size=vocab_size,
        num_mel_bins=mel_bins,
        d_model=d_model,
        encoder_layers=layers["encoder"],
        decoder_layers=layers["decoder"],
        encoder_attention_heads=heads["encoder"],
        decoder_attention_heads=heads["decoder"],
        encoder_ffn_dim=tensors["model.encoder.layers.0.fc1.weight"].shape[0],
        decoder_ffn_dim=tensors["model.decoder.layers.0.fc1.weight"].shape[0],
        max_source_positions=max_source,
        max_target_positions=max_target,
        tie_word_embeddings=tied,
        dtype=dtype,
        **{
            key: fields[key]
            for key in (
                "bos_token_id",
                "eos_token_id",
                "pad_token_id",
                "decoder_start_token_id",
                "suppress_tokens",
                "begin_suppress_tokens",
            )
        },
    )
    generation = transformers.GenerationConfig(max_length=max_target, **fields)
    # conv1's weight is (d_model, mel bins, kernel width): its input channels are the mel bins.
    features = transformers.WhisperFeatureExtractor(feature_size=mel_bins)

    with staging_dir(out) as tmp:
        save_file(tensors, str(tmp / "model.safetensors"), metadata={"format": "pt"})
        config.save_pretrained(tmp)
        generation.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        features.save_pretrained(tmp)
        missing = [name for name in _HF_FILES if not (tmp / name).is_file()]
        if missing:  # a transformers version that saves under other names
            raise _fail(out, f"transformers did not write {', '.join(missing)}")
    return out


def load_hf_whisper(
    folder: Path, dtype: str = "float32"
) -> tuple[WhisperForConditionalGeneration, WhisperProcessor]:
    """The model (in eval mode, weights as ``dtype``) and processor of a local Hugging Face Whisper
    folder, loaded without any network access."""
    import torch
    import transformers

    folder = Path(folder)
    if not folder.is_dir():
        raise ModelError(f"{folder}: not a folder; expected a Hugging Face Whisper model folder")
    if dtype not in FLOAT_DTYPES:
        raise ModelError(f"cannot load {folder} as {dtype!r}: use one of {', '.join(FLOAT_DTYPES)}")
    require_safetensors(folder)
    try:
        processor = transformers.WhisperProcessor.from_pretrained(folder, local_files_only=True)
        model = transformers.WhisperForConditionalGeneration.from_pretrained(
            folder, local_files_only=True, dtype=getattr(torch, dtype)
        )
    except (OSError, ValueError) as e:
        raise ModelError(f"{folder}: not a loadable Hugging Face Whisper folder ({e})") from e
    model.eval()
    return model, processor
