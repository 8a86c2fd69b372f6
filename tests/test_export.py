"""Export of a trained run: merge, CTranslate2 conversion, verification, metadata, packs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hsb_whisper.errors import ModelError, OptionError
from hsb_whisper.evaluation import HFDecoder
from hsb_whisper.export import ModelInfo, ModelStore
from hsb_whisper.export.metadata import check_files
from hsb_whisper.finetune import Run, export_run

from testsupport.cli_runner import run_cli, run_cli_offline


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def test_float32_export_of_a_real_model_matches_it(hf_base, data_dirs, tmp_path):
    # a random tiny model has near-ties (CTranslate2 and transformers agree on 50 tokens, then
    # differ on end-of-text); whisper-base's greedy transcripts must be identical
    store = ModelStore(tmp_path / "store")
    folder, info = export_run(
        hf_base,
        name="base-f32",
        quantization="float32",
        store=store,
        dev=data_dirs["hsb"] / "dev.jsonl",
        wer_clips=3,
    )
    assert info.evaluation["float32_parity"] is True and info.evaluation["verified_clips"] == 3
    assert info.quantization == "float32" and info.language == "cs"
    assert check_files(folder, info, full=True) == []
    for name in ("model.bin", "config.json", "tokenizer.json", "preprocessor_config.json"):
        assert (folder / name).is_file()


def test_export_pack_install_and_transcribe_offline(capsys, tiny_run, tmp_path, monkeypatch, clips):
    result = run_cli(
        capsys, "export", tiny_run, "--name", "tiny-int8", "--pack", tmp_path / "tiny-int8.zip"
    )
    assert result.code == 0, result.err
    folder = ModelStore().root / "tiny-int8"
    info = ModelInfo.load(folder)
    assert info.language == "cs" and info.quantization == "int8"
    assert info.recipe["recipe"]["name"] == "classic"
    assert info.recipe["training_data"][0]["clips"] == 9
    assert "wer_float32" in info.evaluation
    assert (tiny_run / "export" / "tiny-int8-hf" / "model.safetensors").is_file()  # merged HF kept
    assert info.recipe["adapter"] == "best"
    assert json.loads((tiny_run / "result.json").read_text())["exports"]["tiny-int8"] == "best"

    # a community member's machine: another store, the pack installed, transcription offline
    home = tmp_path / "elsewhere"
    monkeypatch.setenv("HSB_WHISPER_HOME", str(home))
    assert run_cli(capsys, "models", "install", tmp_path / "tiny-int8.zip").code == 0
    assert ModelInfo.load(home / "models" / "tiny-int8") == info  # metadata round-trips
    proc = run_cli_offline(
        "transcribe",
        clips["en"],
        "-m",
        "tiny-int8",
        "-f",
        "json",
        "-o",
        tmp_path / "out",
        "--beam-size",
        "1",
        "--no-vad",
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads((tmp_path / "out" / "en.json").read_text(encoding="utf-8"))
    assert data["model"] == "tiny-int8"
    assert data["language"] == "cs"  # the token from the metadata was forced (English audio)


def test_int8_export_reports_its_wer_against_float32(tiny_run, tmp_path):
    store = ModelStore(tmp_path / "store")
    folder, info = export_run(tiny_run, name="tiny-q8", quantization="int8", store=store)
    assert folder == store.root / "tiny-q8"
    e = info.evaluation
    assert e["clips"] == 4 and e["float32_parity"] is None
    assert e["wer_difference"] == pytest.approx(e["wer"] - e["wer_float32"])
    assert ModelInfo.load(folder).evaluation == e  # saved in the folder too
    assert check_files(folder, ModelInfo.load(folder), full=True) == []


def test_failed_verification_leaves_no_model(tiny_run, tmp_path, monkeypatch):
    store = ModelStore(tmp_path / "store")
    store.ensure_default()
    before = listing(store.root)
    monkeypatch.setattr(HFDecoder, "decode", lambda self, audio, options: ["something else"] * 3)
    with pytest.raises(
        ModelError,
        match=r"verification failed: clip 1: faster-whisper gives .* "
        r"but the merged model gives 'something else'; the export was not kept",
    ):
        export_run(tiny_run, name="broken", quantization="float32", store=store)
    assert listing(store.root) == before


def test_existing_name_and_bad_quantization_are_refused(capsys, tiny_run):
    result = run_cli(capsys, "export", tiny_run, "--name", "whisper-base")
    assert result.code == 1 and "the embedded default model" in result.err
    assert "choose another name" in result.err
    with pytest.raises(SystemExit) as exit_info:  # argparse: not one of the choices
        run_cli(capsys, "export", tiny_run, "--name", "x", "--quantization", "int4")
    assert exit_info.value.code == 2
    assert "invalid choice: 'int4'" in capsys.readouterr().err


def test_export_of_the_last_adapter_is_recorded(capsys, tiny_run, tmp_path):
    store = ModelStore(tmp_path / "store")
    run = Run(tiny_run)
    from safetensors.torch import load_file

    _, info = export_run(tiny_run, name="tiny-last", adapter="last", store=store)
    assert info.recipe["adapter"] == "last"
    assert run.result().exports["tiny-last"] == "last"
    merged = load_file(run.export_dir("tiny-last") / "model.safetensors")
    base = load_file(run.result().base / "model.safetensors")
    last = load_file(run.result().last_adapter / "adapter_model.safetensors")
    q = next(k for k in merged if k.endswith("decoder.layers.0.self_attn.q_proj.weight"))
    a = next(v for k, v in last.items() if "decoder.layers.0.self_attn.q_proj.lora_A" in k)
    b = next(v for k, v in last.items() if "decoder.layers.0.self_attn.q_proj.lora_B" in k)
    scale = 8 / 4  # alpha / r of the tiny run
    assert (merged[q] - base[q]).sub(scale * b @ a).abs().max() < 1e-5  # the last adapter's update
    with pytest.raises(OptionError, match=r"--adapter last: .* is not a training run folder"):
        export_run(run.result().base, name="x", adapter="last", store=store)


def test_export_names_are_checked_before_any_work(tiny_run, tmp_path, monkeypatch):
    store = ModelStore(tmp_path / "store")
    store.ensure_default()

    def no_work(*args, **kwargs):
        raise AssertionError("the export started although its name is refused")

    monkeypatch.setattr("hsb_whisper.finetune.publish.build_model", no_work)
    with pytest.raises(OptionError, match="'whisper-base' only by case or look-alike letters"):
        export_run(tiny_run, name="Whisper-Base", store=store)
    with pytest.raises(OptionError, match=r"--name '\.\./x' is refused: field 'name'"):
        export_run(tiny_run, name="../x", store=store)
