"""Hugging Face → CTranslate2 without torch (hsb_whisper.export.ct2_writer): the same bytes as
ctranslate2's TransformersConverter for fp32, fp16, bf16, sharded, tied and untied folders and the
embedded default model, no torch or transformers needed, and hostile folders refused in one line."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hsb_whisper.errors import ModelError
from hsb_whisper.export import convert_hf_folder
from hsb_whisper.export.ct2 import read_model_bin

from testsupport import child_env
from testsupport.random_whisper import random_tensors, whisper_config, write_safetensors

SAMPLE = Path(__file__).resolve().parents[1] / "hsb_whisper" / "assets" / "samples"
SAMPLE = SAMPLE / "en-synthetic.mp3"
OUTPUT_FILES = ("model.bin", "config.json", "vocabulary.json", "tokenizer.json")
# A Whisper small enough to copy for every hostile variant, written with numpy alone.
NUMPY_WHISPER = whisper_config(16, 2, 2, 32, suppress_tokens=[1, 2, 7])


@pytest.fixture(scope="module", autouse=True)
def offline():
    """The reference converter loads local folders only; nothing may reach the Hub."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        yield


# --- folders written with numpy ---------------------------------------------------------------


def numpy_whisper(
    out: Path, tokenizer: Path, dtype: str = "F32", generation: bool = True, **config
) -> Path:
    out.mkdir(parents=True)
    config = {**NUMPY_WHISPER, **config}
    (out / "config.json").write_text(json.dumps(config))
    shutil.copy(tokenizer, out / "tokenizer.json")
    (out / "preprocessor_config.json").write_text(json.dumps({"feature_size": 80}))
    if generation:
        added = json.loads(tokenizer.read_text())["added_tokens"]
        lang_to_id = {
            t["content"]: t["id"] for t in added if t["content"] in ("<|en|>", "<|cs|>", "<|pl|>")
        }
        gen = {"lang_to_id": lang_to_id, "alignment_heads": [[1, 1], [0, 1]], "max_length": 448}
        gen.update(suppress_tokens=[1, 2, 7], begin_suppress_tokens=[220, 50257])
        (out / "generation_config.json").write_text(json.dumps(gen))
    write_safetensors(out / "model.safetensors", random_tensors(config, dtype))
    return out


@pytest.fixture(scope="module")
def tokenizer(default_model) -> Path:
    return default_model.path / "tokenizer.json"


@pytest.fixture(scope="module")
def small(tokenizer, tmp_path_factory) -> Path:
    """A numpy-written Whisper (d_model 16, 2 + 2 layers), float32."""
    return numpy_whisper(tmp_path_factory.mktemp("numpy") / "small", tokenizer)


# --- the reference: ctranslate2's TransformersConverter ---------------------------------------


def reference(src: Path, out: Path, quantization: str | None) -> Path:
    from ctranslate2.converters import TransformersConverter

    converter = TransformersConverter(str(src), copy_files=["tokenizer.json"])
    converter.convert(str(out), quantization=quantization, force=True)
    return out


def assert_same_model(ours: Path, theirs: Path, files: tuple[str, ...] = OUTPUT_FILES) -> None:
    for name in files:
        if filecmp.cmp(ours / name, theirs / name, shallow=False):
            continue
        if name == "model.bin":  # say which variable differs
            a, ha = read_model_bin(ours / name)
            b, hb = read_model_bin(theirs / name)
            assert ha == hb
            assert sorted(a) == sorted(b)
            for key in sorted(a):
                assert (a[key].dtype, a[key].shape) == (b[key].dtype, b[key].shape), key
                assert a[key].tobytes() == b[key].tobytes(), key
        pytest.fail(f"{name} differs from TransformersConverter's")


@pytest.fixture(scope="module")
def hf_variants(tiny_whisper, small, tmp_path_factory) -> dict[str, Path]:
    """The tiny random Whisper (transformers) saved as fp32, fp16, bf16, in shards, with an
    untied proj_out, with a config that loads it as another dtype; and the numpy-written one."""
    import torch
    from transformers import WhisperForConditionalGeneration

    root = tmp_path_factory.mktemp("variants")
    extra = ("tokenizer.json", "preprocessor_config.json", "generation_config.json")

    def save(model, name: str, **kwargs) -> Path:
        out = root / name
        model.save_pretrained(out, safe_serialization=True, **kwargs)
        for file in extra:
            shutil.copy(tiny_whisper / file, out / file)
        return out

    def load(dtype=torch.float32):
        return WhisperForConditionalGeneration.from_pretrained(tiny_whisper, dtype=dtype)

    variants = {"fp32": tiny_whisper, "numpy": small}
    variants["fp16"] = save(load(torch.float16), "fp16")
    variants["bf16"] = save(load(torch.bfloat16), "bf16")
    variants["sharded"] = save(load(), "sharded", max_shard_size="2MB")  # float32
    assert len(list(variants["sharded"].glob("model-*-of-*.safetensors"))) > 1
    untied = load()
    untied.config.tie_word_embeddings = False
    untied.proj_out.weight = torch.nn.Parameter(untied.proj_out.weight.detach().clone() * 0.5)
    variants["untied"] = save(untied, "untied")
    # float32 weights that transformers loads as another dtype (rounded as torch rounds), once
    # from a transformers 4 config's torch_dtype
    for name, key, dtype in (
        ("as-bf16", "dtype", "bfloat16"),
        ("legacy", "torch_dtype", "float16"),
    ):
        variants[name] = root / name
        shutil.copytree(tiny_whisper, variants[name])
        config = json.loads((tiny_whisper / "config.json").read_text())
        config.pop("dtype", None)
        config[key] = dtype
        (variants[name] / "config.json").write_text(json.dumps(config))
    return variants


PARITY = [
    (variant, quantization)
    for variant in ("fp32", "fp16", "bf16")
    for quantization in (None, "int8", "int8_float16", "float16")
] + [
    (variant, quantization)
    for variant in ("sharded", "untied", "numpy", "as-bf16", "legacy")
    for quantization in (None, "int8_float32")
]


@pytest.mark.parametrize(("variant", "quantization"), PARITY)
def test_same_bytes_as_transformers_converter(hf_variants, variant, quantization, tmp_path):
    pytest.importorskip("transformers")
    src = hf_variants[variant]
    ours = convert_hf_folder(src, tmp_path / "ours", quantization)
    theirs = reference(src, tmp_path / "theirs", quantization)
    assert_same_model(ours, theirs)
    _, header = read_model_bin(ours / "model.bin")
    tied = variant != "untied"
    assert ("decoder/projection/weight" in header["aliases"]) == tied
    settings = json.loads((ours / "preprocessor_config.json").read_text())
    assert settings["feature_size"] == 80


def test_without_generation_config_language_tokens_are_kept(tiny_whisper, tmp_path):
    """The one difference: transformers 5's tokenizer has no additional_special_tokens, so
    TransformersConverter writes lang_ids [] for a folder without lang_to_id; ours takes the
    tokenizer's language tokens (the ones lang_to_id would name)."""
    pytest.importorskip("transformers")
    src = tmp_path / "no-generation-config"
    shutil.copytree(tiny_whisper, src)
    (src / "generation_config.json").unlink()
    ours = convert_hf_folder(src, tmp_path / "ours", "int8")
    theirs = reference(src, tmp_path / "theirs", "int8")
    assert_same_model(ours, theirs, ("model.bin", "vocabulary.json", "tokenizer.json"))
    mine, their = (json.loads((d / "config.json").read_text()) for d in (ours, theirs))
    assert their.pop("lang_ids") == []
    generation = json.loads((tiny_whisper / "generation_config.json").read_text())
    assert mine.pop("lang_ids") == sorted(generation["lang_to_id"].values())
    assert mine == their


@pytest.mark.slow
def test_default_model_round_trip(hf_base, default_model, tmp_path):
    """The embedded model → Hugging Face (float32) → CTranslate2 both ways: the same bytes and
    the same transcript; float16 gives back every weight of the embedded model bit for bit."""
    pytest.importorskip("transformers")
    from faster_whisper import WhisperModel

    ours = convert_hf_folder(hf_base, tmp_path / "ours", "int8")
    theirs = reference(hf_base, tmp_path / "theirs", "int8")
    assert_same_model(ours, theirs)
    texts = []
    for folder in (ours, theirs):
        model = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=2)
        segments, _ = model.transcribe(
            str(SAMPLE), language="en", beam_size=1, without_timestamps=True, vad_filter=False
        )
        texts.append("".join(s.text for s in segments).strip())
        del model
    assert texts[0] == texts[1] and len(texts[0]) > 10

    back = convert_hf_folder(hf_base, tmp_path / "float16", "float16")
    original, header = read_model_bin(default_model.path / "model.bin")
    again, header_again = read_model_bin(back / "model.bin")
    assert header_again["aliases"] == header["aliases"]
    for name, value in original.items():  # the newer spec adds two alibi flags: extra scalars
        assert (again[name].dtype, again[name].shape) == (value.dtype, value.shape), name
        assert again[name].tobytes() == value.tobytes(), name


def test_needs_neither_torch_nor_transformers(tokenizer, tmp_path):
    """A child process in which torch, transformers, safetensors and ml_dtypes cannot be imported
    converts a bf16 folder (int8 and as stored), and CTranslate2 loads the result."""
    src = numpy_whisper(tmp_path / "bf16", tokenizer, "BF16")
    code = f"""
import json, sys
blocked = ("torch", "transformers", "safetensors", "ml_dtypes")
for name in blocked:
    sys.modules[name] = None  # import raises ImportError
from pathlib import Path
from hsb_whisper.export.ct2_writer import convert_hf_folder
for q in ("int8", None):
    convert_hf_folder(Path({str(src)!r}), Path({str(tmp_path)!r}) / f"out-{{q}}", q)
import ctranslate2
model = ctranslate2.models.Whisper({str(tmp_path / "out-int8")!r}, compute_type="int8")
features = ctranslate2.StorageView.from_array(__import__("numpy").zeros((1, 80, 3000), "float32"))
language = model.detect_language(features)[0][0][0]
loaded = [m for m in blocked if sys.modules.get(m) is not None]
print(json.dumps({{"loaded": loaded, "language": language}}))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=child_env(), timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["loaded"] == []
    assert result["language"] in ("<|en|>", "<|cs|>", "<|pl|>")  # lang_ids from lang_to_id
    _, header = read_model_bin(tmp_path / "out-None" / "model.bin")
    assert header["variable_count"] > 0
    dtypes = set(_dtype_ids(tmp_path / "out-None" / "model.bin").values())
    assert dtypes == {5, 2, 1}  # bfloat16 kept as stored; int16 and int8 scalars (heads, flags)
    if _importable("torch") and _importable("transformers"):
        assert_same_model(tmp_path / "out-int8", reference(src, tmp_path / "theirs", "int8"))


def _dtype_ids(path: Path) -> dict[str, int]:
    """Each stored variable's CTranslate2 dtype id (the reader widens bfloat16 to float32)."""
    raw, at = path.read_bytes(), 0

    def take(fmt: str) -> int:
        nonlocal at
        (value,) = struct.unpack_from("<" + fmt, raw, at)
        at += struct.calcsize(fmt)
        return value

    def string() -> str:
        nonlocal at
        n = take("H")
        at += n
        return raw[at - n : at - 1].decode()

    take("I"), string(), take("I")
    ids = {}
    for _ in range(take("I")):
        name = string()
        for _ in range(take("B")):
            take("I")
        ids[name] = take("B")
        size = take("I")
        at += size
    return ids


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


# --- options and output folder ----------------------------------------------------------------


def test_into_an_empty_folder_and_not_over_anything(small, tmp_path):
    empty = tmp_path / "staging"
    empty.mkdir()
    assert convert_hf_folder(small, empty, "float16") == empty
    assert sorted(p.name for p in empty.iterdir()) == sorted(
        [*OUTPUT_FILES, "preprocessor_config.json"]
    )
    with pytest.raises(ModelError, match="already exists"):
        convert_hf_folder(small, empty, "float16")
    with pytest.raises(ModelError, match="quantization 'int4' is not supported"):
        convert_hf_folder(small, tmp_path / "new", "int4")
    assert not (tmp_path / "new").exists()


def test_processor_config_of_transformers_5(small, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(small, src)
    (src / "preprocessor_config.json").unlink()
    settings = {"feature_size": 80, "hop_length": 160, "chunk_length": 30, "n_fft": 400}
    (src / "processor_config.json").write_text(json.dumps({"feature_extractor": settings}))
    out = convert_hf_folder(src, tmp_path / "out", "int8")
    written = json.loads((out / "preprocessor_config.json").read_text())
    assert written["feature_size"] == 80 and written["nb_max_frames"] == 3000


# --- hostile folders --------------------------------------------------------------------------


def _edit_json(name: str, **changes):
    def edit(folder: Path) -> None:
        data = json.loads((folder / name).read_text())
        data.update(changes)
        (folder / name).write_text(json.dumps(data))

    return edit


def _edit_tensors(change):
    """Rewrite model.safetensors after ``change(tensors)``."""

    def edit(folder: Path) -> None:
        config = json.loads((folder / "config.json").read_text())
        tensors = random_tensors(config, "F32")
        change(tensors)
        write_safetensors(folder / "model.safetensors", tensors)

    return edit


def _edit_header(change):
    """Rewrite model.safetensors' header after ``change(header)``, the data kept."""

    def edit(folder: Path) -> None:
        raw = (folder / "model.safetensors").read_bytes()
        (length,) = struct.unpack("<Q", raw[:8])
        header = json.loads(raw[8 : 8 + length])
        change(header)
        new = json.dumps(header).encode()
        data = raw[8 + length :]
        (folder / "model.safetensors").write_bytes(struct.pack("<Q", len(new)) + new + data)

    return edit


def _pickle_only(folder: Path) -> None:
    (folder / "model.safetensors").unlink()
    (folder / "pytorch_model.bin").write_bytes(b"PK\x03\x04 a pickle")


def _outside_link(folder: Path) -> None:
    outside = folder.parent / "elsewhere.json"
    outside.write_text((folder / "config.json").read_text())
    (folder / "config.json").unlink()
    (folder / "config.json").symlink_to(outside)


def _long_header(folder: Path) -> None:
    raw = (folder / "model.safetensors").read_bytes()
    (folder / "model.safetensors").write_bytes(struct.pack("<Q", len(raw)) + raw[8:])


def _shards_holding_one_tensor_twice(folder: Path) -> None:
    config = json.loads((folder / "config.json").read_text())
    tensors = random_tensors(config, "F32")
    names = sorted(tensors)
    first = {n: tensors[n] for n in names[: len(names) // 2]}
    second = {n: tensors[n] for n in names[len(names) // 2 - 1 :]}  # one name in both
    write_safetensors(folder / "model-00001-of-00002.safetensors", first)
    write_safetensors(folder / "model-00002-of-00002.safetensors", second)
    weight_map = {n: "model-00001-of-00002.safetensors" for n in first}
    weight_map.update({n: "model-00002-of-00002.safetensors" for n in second})
    index = {"metadata": {}, "weight_map": weight_map}
    (folder / "model.safetensors.index.json").write_text(json.dumps(index))
    (folder / "model.safetensors").unlink()


def _missing(name: str):
    return lambda folder: (folder / name).unlink()


def _fc1(tensors):
    tensors["model.encoder.layers.0.fc1.weight"] = ("F32", np.zeros((31, 16), "<f4"))


def _int_weight(tensors):
    tensors["model.encoder.layers.0.fc1.weight"] = ("I32", np.zeros((32, 16), "<i4"))


def _proj_out(tensors):
    tensors["proj_out.weight"] = ("F32", np.zeros((51865, 15), "<f4"))


def _offsets_outside(header):
    header["model.encoder.conv1.bias"]["data_offsets"] = [10**9, 10**9 + 64]


def _unknown_dtype(header):
    header["model.encoder.conv1.bias"]["dtype"] = "F128"


HOSTILE = {
    "pickle weights only": (_pickle_only, "small", "holds only pickle weights"),
    "config out of bounds": (
        _edit_json("config.json", encoder_layers=1_000_000),
        "config.json",
        "encoder_layers is 1000000",
    ),
    "custom code": (_edit_json("config.json", auto_map={"x": "y"}), "config.json", "auto_map"),
    "config dtype": (_edit_json("config.json", dtype="float64"), "config.json", "dtype is"),
    "config dtype list": (_edit_json("config.json", dtype=[1]), "config.json", "dtype is a list"),
    "untied without proj_out": (
        _edit_json("config.json", tie_word_embeddings=False),
        "small",
        "lack proj_out.weight",
    ),
    "tokenizer id": (
        _edit_json(
            "config.json",
            vocab_size=50000,
            **dict.fromkeys(("bos_token_id", "eos_token_id", "pad_token_id"), 1),
            decoder_start_token_id=2,
        ),
        "tokenizer.json",
        "the model (config.json) has 50000 tokens",
    ),
    "alignment heads": (
        _edit_json("generation_config.json", alignment_heads=[[7, 0]]),
        "generation_config.json",
        "alignment_heads",
    ),
    "shape": (_edit_tensors(_fc1), "small", "has the shape [31, 16]"),
    "weight dtype": (_edit_tensors(_int_weight), "small", "is I32; Whisper weights are"),
    "proj_out shape": (_edit_tensors(_proj_out), "model.safetensors", "proj_out.weight"),
    "offsets outside the file": (
        _edit_header(_offsets_outside),
        "model.safetensors",
        "do not give them within",
    ),
    "unknown dtype": (_edit_header(_unknown_dtype), "model.safetensors", "unknown dtype 'F128'"),
    "header longer than the file": (_long_header, "model.safetensors", "its header declares"),
    "symlink outside": (_outside_link, "config.json", "outside the model folder"),
    "tensor in two shards": (
        _shards_holding_one_tensor_twice,
        "model-00002-of-00002.safetensors",
        "holds too",
    ),
    "no tokenizer": (_missing("tokenizer.json"), "small", "lacks tokenizer.json"),
    "no feature extractor settings": (
        _missing("preprocessor_config.json"),
        "small",
        "lacks preprocessor_config.json",
    ),
    "mel count": (
        _edit_json("preprocessor_config.json", feature_size=128),
        "preprocessor_config.json",
        "feature_size is 128",
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_folder_refused_in_one_line(small, tmp_path, case):
    edit, named, phrase = HOSTILE[case]
    src = tmp_path / "small"
    shutil.copytree(small, src)
    edit(src)
    dst = tmp_path / "out"
    with pytest.raises(ModelError) as caught:
        convert_hf_folder(src, dst, "int8")
    message = str(caught.value)
    assert "\n" not in message and len(message) < 600, message
    assert phrase in message, message
    assert str(src / named if named != "small" else src) in message, message
    assert not dst.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_weights_refused_without_blocking(small, tmp_path):
    src = tmp_path / "small"
    shutil.copytree(small, src)
    (src / "model.safetensors").unlink()
    os.mkfifo(src / "model.safetensors")
    with pytest.raises(ModelError, match="not a regular file"):
        convert_hf_folder(src, tmp_path / "out", "int8")
