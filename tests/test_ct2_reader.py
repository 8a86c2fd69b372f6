"""CTranslate2 → Hugging Face Whisper (hsb_whisper.export.ct2): the model.bin reader, the written
folder, the round trip back to CTranslate2 and transcripts equal to faster-whisper's."""

from __future__ import annotations

import json
import os
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from hsb_whisper.errors import ModelError
from hsb_whisper.export.ct2 import (
    ct2_to_hf,
    dequantize,
    float_weights,
    load_hf_whisper,
    read_model_bin,
)

pytestmark = pytest.mark.slow  # the real default model, converted and run

SAMPLES = Path(__file__).resolve().parents[1] / "hsb_whisper" / "assets" / "samples"
HF_FILES = (
    "config.json",
    "generation_config.json",
    "model.safetensors",
    "preprocessor_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
)
# Multilingual Whisper base as the embedded default model has it (facts note: 212 variables, one
# alias; 6 + 6 layers of width 512, 8 heads, FFN 2048, 80 mel bins, 51,865 tokens).
BASE_VARIABLES = 212
BASE_ALIASES = {"decoder/projection/weight": "decoder/embeddings/weight"}


@pytest.fixture(scope="module", autouse=True)
def offline():
    """Nothing here may reach the Hugging Face Hub."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        yield


@pytest.fixture(scope="module")
def hf_base(default_model, tmp_path_factory) -> Path:
    """The default model as a Hugging Face folder, float16 kept (one conversion per module)."""
    pytest.importorskip("transformers")  # the reader tests above and below do without it
    return ct2_to_hf(default_model.path, tmp_path_factory.mktemp("ct2-hf") / "base-hf", "float16")


def _vocabulary(folder: Path) -> list[str]:
    return (folder / "vocabulary.txt").read_text(encoding="utf-8").split("\n")[:-1]


def test_reader_sees_whisper_base(default_model):
    variables, header = read_model_bin(default_model.path / "model.bin")
    assert header["binary_version"] == 6
    assert header["spec"] == "WhisperSpec"
    assert header["revision"] == 3
    assert header["variable_count"] == BASE_VARIABLES
    assert header["aliases"] == BASE_ALIASES
    assert len(variables) == BASE_VARIABLES + len(BASE_ALIASES)
    assert variables["decoder/projection/weight"] is variables["decoder/embeddings/weight"]
    assert variables["decoder/embeddings/weight"].shape == (51_865, 512)
    assert variables["decoder/embeddings/weight"].dtype == np.float16
    assert variables["encoder/conv1/weight"].shape == (512, 80, 3)
    assert int(variables["encoder/num_heads"]) == int(variables["decoder/num_heads"]) == 8
    # float_weights: float32 on request, scalars (flags, head counts) left out, aliases shared
    weights = float_weights(variables, "float32")
    assert "encoder/num_heads" not in weights
    assert weights["decoder/projection/weight"] is weights["decoder/embeddings/weight"]
    assert weights["encoder/conv2/bias"].dtype == np.float32
    assert np.array_equal(weights["encoder/conv2/bias"], variables["encoder/conv2/bias"])


def test_hf_folder_has_every_file_and_sizes_from_the_tensors(hf_base, default_model):
    for name in HF_FILES:
        assert (hf_base / name).is_file(), name
    config = json.loads((hf_base / "config.json").read_text(encoding="utf-8"))
    expected = {
        "model_type": "whisper",
        "d_model": 512,
        "encoder_layers": 6,
        "decoder_layers": 6,
        "encoder_attention_heads": 8,
        "decoder_attention_heads": 8,
        "encoder_ffn_dim": 2048,
        "decoder_ffn_dim": 2048,
        "num_mel_bins": 80,
        "vocab_size": 51_865,
        "max_source_positions": 1500,
        "max_target_positions": 448,
        "tie_word_embeddings": True,
        "dtype": "float16",
        "decoder_start_token_id": 50_258,
        "eos_token_id": 50_257,
    }
    assert {key: config.get(key) for key in expected} == expected
    ct2 = json.loads((default_model.path / "config.json").read_text(encoding="utf-8"))
    assert config["suppress_tokens"] == ct2["suppress_ids"]
    assert config["begin_suppress_tokens"] == ct2["suppress_ids_begin"]

    gen = json.loads((hf_base / "generation_config.json").read_text(encoding="utf-8"))
    vocabulary = _vocabulary(default_model.path)
    assert gen["lang_to_id"] == {vocabulary[i]: i for i in ct2["lang_ids"]}
    assert gen["lang_to_id"]["<|cs|>"] == vocabulary.index("<|cs|>")
    assert gen["task_to_id"] == {
        "transcribe": vocabulary.index("<|transcribe|>"),
        "translate": vocabulary.index("<|translate|>"),
    }
    assert gen["no_timestamps_token_id"] == vocabulary.index("<|notimestamps|>")
    assert gen["decoder_start_token_id"] == vocabulary.index("<|startoftranscript|>")
    assert gen["eos_token_id"] == gen["pad_token_id"] == vocabulary.index("<|endoftext|>")
    assert gen["prev_sot_token_id"] == vocabulary.index("<|startofprev|>")
    assert gen["alignment_heads"] == ct2["alignment_heads"]
    assert gen["suppress_tokens"] == ct2["suppress_ids"]
    assert gen["begin_suppress_tokens"] == ct2["suppress_ids_begin"]
    assert gen["is_multilingual"] is True
    assert gen["max_length"] == 448

    features = json.loads((hf_base / "preprocessor_config.json").read_text(encoding="utf-8"))
    assert features["feature_size"] == 80
    assert features["feature_extractor_type"] == "WhisperFeatureExtractor"


def test_tokenizer_keeps_whisper_special_tokens(hf_base, default_model):
    from transformers import WhisperTokenizerFast

    tokenizer = WhisperTokenizerFast.from_pretrained(hf_base, local_files_only=True)
    vocabulary = _vocabulary(default_model.path)
    assert len(tokenizer) == len(vocabulary) == 51_865  # the timestamp tokens included
    specials = ["<|startoftranscript|>", "<|cs|>", "<|transcribe|>", "<|notimestamps|>"]
    ids = [vocabulary.index(token) for token in specials]
    assert tokenizer.encode("".join(specials), add_special_tokens=False) == ids
    assert tokenizer.convert_ids_to_tokens(ids) == specials
    assert set(specials) <= set(tokenizer.all_special_tokens)
    first_timestamp = vocabulary.index("<|notimestamps|>") + 1
    assert tokenizer.convert_tokens_to_ids("<|0.00|>") == first_timestamp
    assert vocabulary[first_timestamp] == "<|0.00|>"
    hello = tokenizer.encode(" Ahoj", add_special_tokens=False)
    eot = vocabulary.index("<|endoftext|>")
    sequence = [*ids[:3], first_timestamp, *hello, first_timestamp + 50, eot]
    assert tokenizer.decode(sequence, skip_special_tokens=True) == " Ahoj"
    assert tokenizer.decode(sequence, decode_with_timestamps=True) == (
        "<|startoftranscript|><|cs|><|transcribe|><|0.00|> Ahoj<|1.00|><|endoftext|>"
    )


def test_round_trip_to_ctranslate2_is_bit_identical(hf_base, default_model, tmp_path):
    import ctranslate2

    out = tmp_path / "back"
    ctranslate2.converters.TransformersConverter(str(hf_base)).convert(
        str(out), quantization="float16"
    )
    original, header = read_model_bin(default_model.path / "model.bin")
    again, header_again = read_model_bin(out / "model.bin")
    assert header["variable_count"] == BASE_VARIABLES
    assert header_again["aliases"] == header["aliases"] == BASE_ALIASES
    for name, value in original.items():
        other = again[name]
        assert (other.dtype, other.shape) == (value.dtype, value.shape), name
        assert other.tobytes() == value.tobytes(), name
    # A newer ctranslate2 may add flags of its own (4.8 writes decoder/scale_alibi and
    # decoder/alibi_use_positive_positions): scalars only, all off.
    extra = {name: again[name] for name in set(again) - set(original)}
    assert all(value.ndim == 0 and not value for value in extra.values()), extra
    # the rebuilt generation config carries CTranslate2's config.json through unchanged
    for key, value in json.loads((default_model.path / "config.json").read_text()).items():
        assert json.loads((out / "config.json").read_text())[key] == value, key


def _features(processor, audio: np.ndarray):
    """Log-mel features as faster-whisper (and OpenAI's transcribe) feed them to the encoder.

    Both compute the log-mel of the audio and pad it with zeros to 30 s; the Hugging Face feature
    extractor pads the audio with silence first, whose log-mel is not zero. On the robotic Czech
    clip that difference alone changed the greedy transcript, so the frames past the audio are
    zeroed.
    """
    features = processor(audio, sampling_rate=16_000, return_tensors="pt").input_features
    features[..., len(audio) // processor.feature_extractor.hop_length :] = 0
    return features


def test_transcripts_equal_faster_whisper(hf_base, default_model, clips):
    import torch
    from faster_whisper import WhisperModel

    from hsb_whisper.audio import load_audio

    items = [
        (SAMPLES / "hsb-synthetic.mp3", "cs"),
        (clips["cs"], "cs"),
        (SAMPLES / "en-synthetic.mp3", "en"),
        (clips["en"], "en"),
    ]
    reference = WhisperModel(str(default_model.path), device="cpu", compute_type="float32")
    expected = {}
    for path, language in items:
        segments, _ = reference.transcribe(
            str(path),
            language=language,
            beam_size=1,
            temperature=0,
            without_timestamps=True,
            vad_filter=False,
        )
        expected[path] = "".join(segment.text for segment in segments).strip()
    del reference

    model, processor = load_hf_whisper(hf_base)  # float32, as faster-whisper computes here
    assert model.dtype == torch.float32 and not model.training
    assert model.proj_out.weight.data_ptr() == model.model.decoder.embed_tokens.weight.data_ptr()
    got = {}
    for language in ("cs", "en"):
        paths = [path for path, lang in items if lang == language]
        features = torch.cat([_features(processor, load_audio(p)) for p in paths])
        with torch.inference_mode():
            ids = model.generate(
                features, language=language, task="transcribe", num_beams=1, do_sample=False
            )
        texts = processor.batch_decode(ids, skip_special_tokens=True)
        got.update({path: text.strip() for path, text in zip(paths, texts)})
    assert got == expected
    assert "stella" in got[clips["en"]].lower()


def _tiny_hf(folder: Path, tokenizer_from: Path) -> dict:
    """A random Whisper with another layout (2 encoder / 1 decoder layers, 4 / 2 heads) and the
    real tokenizer; returns its state dict as numpy arrays."""
    import torch
    from transformers import GenerationConfig, WhisperConfig, WhisperForConditionalGeneration

    torch.manual_seed(0)
    config = WhisperConfig(
        vocab_size=51_865,
        num_mel_bins=80,
        d_model=64,
        encoder_layers=2,
        decoder_layers=1,
        encoder_attention_heads=4,
        decoder_attention_heads=2,
        encoder_ffn_dim=96,
        decoder_ffn_dim=128,
        bos_token_id=50_257,
        eos_token_id=50_257,
        pad_token_id=50_257,
        decoder_start_token_id=50_258,
    )
    model = WhisperForConditionalGeneration(config).eval()
    model.save_pretrained(folder)
    generation = GenerationConfig.from_pretrained(tokenizer_from)
    generation.alignment_heads = [[0, 0], [0, 1]]
    generation.save_pretrained(folder)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(tokenizer_from / name, folder / name)
    return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}


def test_int8_model_is_dequantised(hf_base, tmp_path):
    import ctranslate2
    from safetensors.numpy import load_file

    original = _tiny_hf(tmp_path / "tiny-hf", hf_base)
    ct2 = tmp_path / "tiny-ct2"
    ctranslate2.converters.TransformersConverter(
        str(tmp_path / "tiny-hf"), copy_files=["tokenizer.json"]
    ).convert(str(ct2), quantization="int8")
    variables, _ = read_model_bin(ct2 / "model.bin")
    scale = variables["encoder/layer_0/ffn/linear_0/weight_scale"]
    assert variables["encoder/layer_0/ffn/linear_0/weight"].dtype == np.int8
    assert variables["encoder/conv1/weight"].dtype == np.int8  # conv1d: one scale per channel
    assert scale.dtype == np.float32 and scale.shape == (96,)

    out = ct2_to_hf(ct2, tmp_path / "tiny-back")
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    layout = ("encoder_layers", "decoder_layers", "encoder_attention_heads")
    assert [config[key] for key in layout] == [2, 1, 4]
    assert config["decoder_attention_heads"] == 2
    assert (config["encoder_ffn_dim"], config["decoder_ffn_dim"]) == (96, 128)
    gen = json.loads((out / "generation_config.json").read_text(encoding="utf-8"))
    assert gen["alignment_heads"] == [[0, 0], [0, 1]]

    back = load_file(str(out / "model.safetensors"))
    assert set(back) == {k for k in original if k != "proj_out.weight"}  # proj_out is tied
    for name, value in back.items():
        assert value.dtype == np.float32, name
        rows = original[name].reshape(len(original[name]), -1)
        if name.endswith("weight") and value.ndim >= 2 and "embed_positions" not in name:
            # int8 = round(weight * 127 / max|row|): off by at most half a step per row
            step = np.abs(rows).max(axis=1, keepdims=True) / 127
            error = np.abs(value.reshape(rows.shape) - rows)
            assert np.all(error <= step / 2 * (1 + 1e-5) + 1e-12), name
        else:
            assert np.array_equal(value, original[name]), name


def test_dequantise_follows_ctranslate2_convention():
    rng = np.random.default_rng(0)
    weight = rng.normal(size=(5, 7)).astype(np.float32)
    scale = 127 / np.abs(weight).max(axis=1)  # model_spec.py's _quantize, int8
    values = np.rint(weight * scale[:, None]).astype(np.int8)
    assert np.abs(values).max() == 127
    restored = dequantize(values, scale)
    assert restored.dtype == np.float32
    assert np.all(np.abs(restored - weight) <= 0.5 / scale[:, None] + 1e-7)
    by_hand = dequantize(np.array([[127, -64]], np.int8), np.array([63.5], np.float32))
    assert np.array_equal(by_hand, [[2, np.float32(-64) / np.float32(63.5)]])
    # int16: one scale for the whole tensor
    assert np.array_equal(dequantize(np.array([1024, -512], np.int16), np.float32(512)), [2, -1])


def _string(text: str) -> bytes:
    raw = text.encode("utf-8")
    return struct.pack("<H", len(raw) + 1) + raw + b"\0"


def _model_bin(
    variables: list[tuple[str, int, np.ndarray]],
    spec: str = "WhisperSpec",
    version: int = 6,
    aliases: tuple[tuple[str, str], ...] = (),
) -> bytes:
    """A model.bin as model_spec.py writes it; variables as (name, dtype id, array)."""
    data = struct.pack("<I", version) + _string(spec) + struct.pack("<II", 3, len(variables))
    for name, type_id, array in variables:
        data += _string(name) + struct.pack("<B", array.ndim)
        data += struct.pack(f"<{array.ndim}I", *array.shape)
        data += struct.pack("<BI", type_id, array.nbytes) + array.tobytes()
    data += struct.pack("<I", len(aliases))
    for alias, target in aliases:
        data += _string(alias) + _string(target)
    return data


def test_reader_handles_small_files_by_hand(tmp_path):
    path = tmp_path / "model.bin"
    bf16 = (np.array([1.0, -2.5, 3.140625], np.float32).view(np.uint32) >> 16).astype(np.uint16)
    path.write_bytes(
        _model_bin(
            [
                ("a/weight", 1, np.array([[1, -2], [3, 4]], np.int8)),
                ("a/weight_scale", 0, np.array([2.0, 4.0], np.float32)),
                ("b", 5, bf16),
                ("n", 2, np.array(8, np.int16)),
            ],
            aliases=(("c/weight", "a/weight"),),
        )
    )
    variables, header = read_model_bin(path)
    assert header["variable_count"] == 4 and header["aliases"] == {"c/weight": "a/weight"}
    assert variables["c/weight_scale"] is variables["a/weight_scale"]
    assert np.array_equal(variables["b"], [1.0, -2.5, 3.140625])  # bfloat16 widened exactly
    assert variables["n"].shape == () and int(variables["n"]) == 8
    weights = float_weights(variables, "float16")
    assert set(weights) == {"a/weight", "b", "c/weight"}
    assert np.array_equal(weights["a/weight"], [[0.5, -1], [0.75, 1]])
    assert weights["c/weight"] is weights["a/weight"]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (_model_bin([], version=99), "binary version 99 is not supported"),
        (_model_bin([("x", 9, np.zeros(2, np.int8))]), "unknown dtype id 9"),
        (_model_bin([]) + b"junk", "4 unexpected bytes"),
        (_model_bin([("x", 0, np.zeros(4, np.float32))])[:-8], "truncated"),
        (b"", "truncated"),
    ],
)
def test_damaged_model_bin_is_a_model_error(tmp_path, data, problem):
    path = tmp_path / "model.bin"
    path.write_bytes(data)
    with pytest.raises(ModelError, match=problem) as error:
        read_model_bin(path)
    assert str(path) in str(error.value)


def test_truncated_default_model_leaves_nothing(default_model, tmp_path):
    pytest.importorskip("transformers")  # ct2_to_hf imports it before reading model.bin
    folder = tmp_path / "cut"
    folder.mkdir()
    for name in ("config.json", "tokenizer.json"):
        shutil.copy(default_model.path / name, folder / name)
    with open(default_model.path / "model.bin", "rb") as f:
        (folder / "model.bin").write_bytes(f.read(1 << 20))  # the first MiB of 145
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "hf"
    with pytest.raises(ModelError, match="truncated") as error:
        ct2_to_hf(folder, out)
    assert str(folder / "model.bin") in str(error.value)
    assert "decoder/embeddings/weight" in str(error.value)
    assert not os.listdir(out.parent)  # no half-written folder, no staging leftovers


def test_wrong_inputs_are_model_errors(hf_base, tmp_path):
    with pytest.raises(ModelError, match="already exists"):
        ct2_to_hf(tmp_path, hf_base)
    with pytest.raises(ModelError, match="no such file"):
        read_model_bin(tmp_path / "model.bin")
    (tmp_path / "model.bin").write_bytes(_model_bin([], spec="TransformerSpec"))
    with pytest.raises(ModelError, match="not a Whisper model"):
        ct2_to_hf(tmp_path, tmp_path / "out")
    with pytest.raises(ModelError, match="not a folder"):
        load_hf_whisper(tmp_path / "missing")
