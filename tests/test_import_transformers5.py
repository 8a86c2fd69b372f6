"""``models import`` of a folder saved by transformers 5, whose ``processor.save_pretrained``
writes the feature extractor's settings into ``processor_config.json`` and no
``preprocessor_config.json``: the settings are read from there, checked as a pack's are, and
written as the ``preprocessor_config.json`` that faster-whisper reads the mel count from."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hsb_whisper.export import ModelInfo, ModelStore
from hsb_whisper.export.metadata import check_files

from testsupport.cli_runner import run_cli, run_cli_offline

pytest.importorskip("transformers")  # converting needs the finetune extra

MELS = 128  # as large-v3: faster-whisper's default of 80 would not fit this model

pytestmark = pytest.mark.usefixtures("store_left_as_it_was")  # imports are removed


@pytest.fixture(scope="module")
def saved_by_transformers5(hf_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random Whisper with 128 mel bins and its processor, saved as transformers 5 does:
    ``model.save_pretrained`` and ``processor.save_pretrained``, nothing else."""
    import torch
    from transformers import (
        GenerationConfig,
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperProcessor,
        WhisperTokenizerFast,
    )

    from hsb_whisper.selftest import TINY_WHISPER

    out = tmp_path_factory.mktemp("v5") / "tiny-whisper-128"
    config = WhisperConfig.from_pretrained(hf_base)
    for key, value in {**TINY_WHISPER, "num_mel_bins": MELS}.items():
        setattr(config, key, value)
    torch.manual_seed(0)
    model = WhisperForConditionalGeneration(config)
    generation = GenerationConfig.from_pretrained(hf_base)
    generation.alignment_heads = [[1, 0], [1, 1]]
    model.generation_config = generation
    model.save_pretrained(out)
    processor = WhisperProcessor(
        feature_extractor=WhisperFeatureExtractor(feature_size=MELS),
        tokenizer=WhisperTokenizerFast.from_pretrained(hf_base),
    )
    processor.save_pretrained(out)
    assert not (out / "preprocessor_config.json").exists()  # the premise: transformers 5
    saved = json.loads((out / "processor_config.json").read_text(encoding="utf-8"))
    assert saved["feature_extractor"]["feature_size"] == MELS
    return out


def test_import_reads_the_feature_extractor_from_processor_config(
    capsys, saved_by_transformers5, clips
):
    result = run_cli(
        capsys, "models", "import", saved_by_transformers5, "--name", "tiny-v5", "--language", "de"
    )
    assert result.code == 0, result.err
    folder = ModelStore().root / "tiny-v5"
    info = ModelInfo.load(folder)
    assert check_files(folder, info, full=True) == []
    written = json.loads((folder / "preprocessor_config.json").read_text(encoding="utf-8"))
    assert written["feature_size"] == MELS and written["n_fft"] == 400

    from faster_whisper import WhisperModel

    model = WhisperModel(str(folder), device="cpu", compute_type="int8")
    assert model.model.n_mels == MELS
    assert model.feature_extractor.mel_filters.shape[0] == MELS
    proc = run_cli_offline(
        "transcribe", clips["en"], "-m", "tiny-v5", "--beam-size", "1", "--no-vad", "-q"
    )
    assert proc.returncode == 0, proc.stderr  # a random model: the text is noise


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"n_fft": 400_000_000}, "processor_config.json: feature_extractor: n_fft is 400000000"),
        ({"feature_size": 80}, f"feature_size is 80, but the model (config.json) takes {MELS}"),
        (None, "missing or not a JSON object"),
    ],
)
def test_bad_feature_extractor_settings_are_refused(
    capsys, saved_by_transformers5, tmp_path, change, message
):
    folder = shutil.copytree(saved_by_transformers5, tmp_path / "bad")
    path = folder / "processor_config.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    if change is None:
        del data["feature_extractor"]
    else:
        data["feature_extractor"].update(change)
    path.write_text(json.dumps(data), encoding="utf-8")
    before = ModelStore().names()
    result = run_cli(capsys, "models", "import", folder, "--name", "bad-v5", "--language", "de")
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.err
    assert ModelStore().names() == before
