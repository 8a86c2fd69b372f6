"""``hsb-whisper models import``: someone else's Hugging Face Whisper into the store; and the
notes that say what a model is not (the embedded base: no Upper Sorbian; copyleft weights). A
folder saved by transformers 5 (the feature extractor's settings in ``processor_config.json``).
And folders from others, trusted in nothing (issue 21): symlinks to local secrets, FIFOs,
pickles, absurd or mistyped configs, damaged safetensors, bad tokenizers and names all end in one
line naming the file and the problem, exit 1, and leave nothing in the store."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import struct
import threading
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hsb_whisper.errors import ModelError
from hsb_whisper.export import ModelInfo, ModelStore, hf_folder
from hsb_whisper.export.metadata import check_files

from testsupport.cli_runner import run_cli, run_cli_offline

pytest.importorskip("transformers")  # converting needs the finetune extra

pytestmark = pytest.mark.usefixtures("store_left_as_it_was")  # imports are removed


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def without_language(folder: Path, target: Path) -> Path:
    """A copy of an HF Whisper folder whose generation config forces no language."""
    shutil.copytree(folder, target)
    generation = target / "generation_config.json"
    data = json.loads(generation.read_text(encoding="utf-8"))
    data["forced_decoder_ids"] = [[1, None], [2, 50359]]
    data.pop("language", None)
    generation.write_text(json.dumps(data), encoding="utf-8")
    (target / "README.md").unlink(missing_ok=True)
    return target


@pytest.fixture(scope="module")
def imported_base(hf_base):
    """The embedded base, converted to a Hugging Face folder and imported back (int8)."""
    from hsb_whisper.export import import_model

    folder, info = import_model(str(hf_base), name="base-import", language="cs")
    return folder, info


def test_import_of_a_whisper_folder_is_verified_and_described(imported_base, hf_base, clips):
    folder, info = imported_base
    assert folder == ModelStore().root / "base-import"
    assert info.language == "cs" and info.quantization == "int8"
    assert info.source == str(hf_base.resolve())
    assert info.license == "unknown"  # no model card, no licence in config.json
    assert info.base  # config.json's _name_or_path, or the folder
    assert ModelInfo.load(folder) == info
    assert check_files(folder, info, full=True) == []
    proc = run_cli_offline("transcribe", clips["en"], "-m", "base-import", "--beam-size", "1")
    assert proc.returncode == 0, proc.stderr
    assert "not trained for Upper Sorbian" not in proc.stderr  # only the embedded default


def test_cli_import_of_the_tiny_whisper_prints_its_time(capsys, tiny_whisper, clips):
    result = run_cli(
        capsys, "models", "import", tiny_whisper, "--name", "tiny-import", "--language", "de"
    )
    assert result.code == 0, result.err
    assert "imported tiny-import (language token de, int8" in result.out
    assert "import took" in result.out
    info = ModelInfo.load(ModelStore().root / "tiny-import")
    assert info.language == "de" and info.source == str(tiny_whisper.resolve())
    assert info.license == "unknown"
    proc = run_cli_offline(
        "transcribe", clips["en"], "-m", "tiny-import", "--beam-size", "1", "--no-vad", "-q"
    )
    assert proc.returncode == 0, proc.stderr
    assert "heavy: []" in proc.stdout


def test_no_language_is_refused_in_one_line(capsys, hf_base, tmp_path):
    folder = without_language(hf_base, tmp_path / "no-language")
    before = listing(ModelStore().root)
    result = run_cli(capsys, "models", "import", folder, "--name", "no-language")
    assert result.code != 0
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "--language" in lines[0] and "cs, de, pl" in lines[0]
    assert listing(ModelStore().root) == before


def test_a_language_stated_by_the_card_or_generation_config_is_used(hf_base, tmp_path):
    from hsb_whisper.export import import_facts

    folder = without_language(hf_base, tmp_path / "card")
    (folder / "README.md").write_text("---\nlanguage:\n- pl\n---\n# a card\n", encoding="utf-8")
    assert import_facts(str(folder)).language == "pl"
    (folder / "README.md").write_text("---\nlanguage: [cs, de]\n---\n", encoding="utf-8")
    assert import_facts(str(folder)).language is None  # several: not clearly one
    generation = folder / "generation_config.json"
    data = json.loads(generation.read_text(encoding="utf-8"))
    data["forced_decoder_ids"] = [[1, data["lang_to_id"]["<|de|>"]], [2, 50359]]
    generation.write_text(json.dumps(data), encoding="utf-8")
    assert import_facts(str(folder)).language == "de"


def test_copyleft_licence_is_flagged(capsys, tiny_whisper, tmp_path):
    folder = tmp_path / "agpl-whisper"
    shutil.copytree(tiny_whisper, folder)
    (folder / "README.md").write_text(
        "---\nlicense: agpl-3.0\nlanguage:\n- cs\ntags:\n- whisper\n---\n# AGPL Whisper\n",
        encoding="utf-8",
    )
    result = run_cli(capsys, "models", "import", folder, "--name", "agpl-import")
    assert result.code == 0, result.err
    info = ModelInfo.load(ModelStore().root / "agpl-import")
    assert info.license == "agpl-3.0" and info.language == "cs"  # the card's token
    assert "note: copyleft: AGPL-3.0" in result.out
    listed = run_cli(capsys, "models", "list")
    line = next(x for x in listed.out.splitlines() if x.startswith("agpl-import"))
    assert line.endswith("(copyleft: AGPL-3.0)")
    default_line = next(x for x in listed.out.splitlines() if x.startswith("whisper-base"))
    assert "(not trained for Upper Sorbian (writes Czech spelling))" in default_line
    shown = run_cli(capsys, "models", "info", "agpl-import")
    assert json.loads(shown.out)["notes"] == ["copyleft: AGPL-3.0"]


def test_import_names_are_checked_before_any_work(capsys, tiny_whisper, monkeypatch):
    def no_work(*args, **kwargs):
        raise AssertionError("the import started although its name is refused")

    monkeypatch.setattr("hsb_whisper.export.model_import.build_model", no_work)
    result = run_cli(capsys, "models", "import", tiny_whisper, "--name", "Whisper-Base")
    assert result.code != 0 and "only by case or look-alike letters" in result.err
    result = run_cli(capsys, "models", "import", tiny_whisper, "--name", "../x")
    assert result.code != 0 and "field 'name'" in result.err


def test_transcribe_says_when_the_embedded_model_was_used(capsys, default_model, clips, tmp_path):
    other = tmp_path / "other-model"
    shutil.copytree(default_model.path, other)
    info = ModelInfo.load(other)
    import dataclasses

    dataclasses.replace(info, name="other-model").save(other)
    ModelStore().install(other)
    try:
        args = ["transcribe", clips["en"], "--beam-size", "1", "--no-vad"]
        result = run_cli(capsys, *args)
        assert result.code == 0, result.err
        assert "not trained for Upper Sorbian" in result.err
        assert "hsb-whisper models get" in result.err
        assert "not trained" not in run_cli(capsys, *args, "-q").err
        result = run_cli(capsys, *args, "-m", "other-model")
        assert result.code == 0 and "not trained" not in result.err
    finally:
        ModelStore().remove("other-model")


def test_models_page_import_button(qtbot, default_model, tiny_whisper, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

    from hsb_whisper.desktop.ui.files_page import FilesPage
    from hsb_whisper.desktop.ui.models_page import ModelsPage

    store = ModelStore()
    page = ModelsPage(store)
    qtbot.addWidget(page)
    names = [page.list.item(i).text() for i in range(page.list.count())]
    page.list.setCurrentRow(next(i for i, n in enumerate(names) if n.startswith("whisper-base")))
    assert "Not trained for Upper Sorbian" in page.details.toPlainText()
    files = FilesPage(store=store)
    qtbot.addWidget(files)
    assert "not trained for Upper Sorbian" in files.hint.text()

    folder = without_language(tiny_whisper, tmp_path / "gui-whisper")
    (folder / "README.md").write_text("---\nlicense: cc-by-sa-4.0\n---\n", encoding="utf-8")
    asked = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))

    def get_item(parent, title, label, items, current, editable):
        asked.append(list(items))
        return "pl", True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("gui-import", True))
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    page.import_button.click()
    qtbot.waitUntil(lambda: page._import is None, timeout=120_000)
    assert warnings == [] and asked == [["cs", "de", "pl"]]
    assert ModelInfo.load(store.root / "gui-import").language == "pl"
    details = page.details.toPlainText()
    assert "Name: gui-import" in details and "Copyleft licence: CC-BY-SA-4.0" in details

    page.import_button.click()  # the same name again: the page shows why, nothing changes
    qtbot.waitUntil(lambda: page._import is None, timeout=120_000)
    assert len(warnings) == 1 and "gui-import" in warnings[0]


# ---- a folder saved by transformers 5 ------------------------------------------------------------


MELS = 128  # as large-v3: faster-whisper's default of 80 would not fit this model


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


# ---- from others: trusted in nothing -------------------------------------------------------------


SECRET = b"hunter2-SECRET-TOKEN"


def store_listing() -> list[str]:
    root = ModelStore().root
    return sorted(os.listdir(root)) if root.exists() else []


def copy_of(tiny_whisper: Path, tmp_path: Path) -> Path:
    """A copy of the tiny Whisper; its weights hard-linked (never changed in place here)."""
    folder = tmp_path / "model"
    shutil.copytree(tiny_whisper, folder, copy_function=os.link)
    for name in os.listdir(folder):  # JSON files are edited: give them their own inode
        if not name.endswith(".safetensors"):
            data = (folder / name).read_bytes()
            (folder / name).unlink()
            (folder / name).write_bytes(data)
    return folder


def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "home" / ".docker" / "config.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'{"auths": {"registry": {"auth": "' + SECRET + b'"}}, "feature_size": 80}')
    return path


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.unlink()
    path.write_text(json.dumps(data), encoding="utf-8")


def set_keys(name: str, **values):
    return lambda folder, tmp: edit_json(folder / name, lambda d: d.update(values))


def replace_bytes(name: str, data: bytes):
    def apply(folder: Path, tmp: Path) -> None:
        (folder / name).unlink()
        (folder / name).write_bytes(data)

    return apply


def symlink_to_secret(name: str):
    def apply(folder: Path, tmp: Path) -> None:
        (folder / name).unlink(missing_ok=True)
        (folder / name).symlink_to(secret_file(tmp))

    return apply


def fifo(name: str):
    def apply(folder: Path, tmp: Path) -> None:
        (folder / name).unlink()
        os.mkfifo(folder / name)

    return apply


def header_change(change):
    """Rewrite model.safetensors with ``change(header, data) -> (header or raw bytes, data)``."""

    def apply(folder: Path, tmp: Path) -> None:
        path = folder / "model.safetensors"
        raw = path.read_bytes()
        (length,) = struct.unpack("<Q", raw[:8])
        header, data = json.loads(raw[8 : 8 + length]), raw[8 + length :]
        header, data = change(header, data)
        if not isinstance(header, bytes):
            header = json.dumps(header).encode()
        path.unlink()
        path.write_bytes(struct.pack("<Q", len(header)) + header + data)

    return apply


def drop_tensor(header, data):
    header.pop("model.decoder.layers.1.fc2.weight")
    return header, data


def set_first(key, value):
    def change(header, data):
        name = next(n for n in header if n != "__metadata__")
        header[name][key] = value
        return header, data

    return change


def without_token(token: str):
    def change(data):
        data["added_tokens"] = [t for t in data["added_tokens"] if t["content"] != token]

    return lambda folder, tmp: edit_json(folder / "tokenizer.json", change)


DEEP = b"[" * 200_000 + b"]" * 200_000
HUGE = {"encoder_layers": 64, "decoder_layers": 64, "d_model": 4096}
HUGE |= {"encoder_ffn_dim": 16384, "decoder_ffn_dim": 16384}

# (id, change to a copy of the tiny Whisper, text the one line must hold)
HOSTILE = [
    # 1. files: symlinks out of the folder, FIFOs
    ("symlink-preprocessor", symlink_to_secret("preprocessor_config.json"), "symbolic link"),
    ("symlink-config", symlink_to_secret("config.json"), "outside the model folder"),
    ("symlink-card", symlink_to_secret("README.md"), "outside the model folder"),
    ("fifo-preprocessor", fifo("preprocessor_config.json"), "not a regular file"),
    ("fifo-config", fifo("config.json"), "not a regular file"),
    # 2. absurd or mistyped configs
    ("encoder-layers-1e6", set_keys("config.json", encoder_layers=1_000_000), "encoder_layers"),
    ("d-model-1e9", set_keys("config.json", d_model=10**9), "d_model is 1000000000"),
    ("vocab-1e40", set_keys("config.json", vocab_size=10**40), "more than 30 digits"),
    ("mels-negative", set_keys("config.json", num_mel_bins=-1), "num_mel_bins is -1"),
    ("d-model-string", set_keys("config.json", d_model="64"), "d_model is '64'"),
    ("layers-list", set_keys("config.json", encoder_layers=[2]), "encoder_layers is a list"),
    ("layers-dict", set_keys("config.json", decoder_layers={"n": 2}), "a dict"),
    ("layers-bool", set_keys("config.json", decoder_layers=True), "decoder_layers is True"),
    ("layers-float", set_keys("config.json", decoder_layers=2.0), "decoder_layers is 2.0"),
    ("heads-divide", set_keys("config.json", encoder_attention_heads=3), "not a multiple"),
    ("pad-token", set_keys("config.json", pad_token_id=10**6), "pad_token_id"),
    ("not-whisper", set_keys("config.json", model_type="bert"), "model_type is 'bert'"),
    ("remote-code", set_keys("config.json", auto_map={"AutoModel": "x.Y"}), "custom model code"),
    ("2b-parameters", set_keys("config.json", **HUGE), "M parameters"),
    ("config-list", replace_bytes("config.json", b"[1, 2]"), "must be a JSON object"),
    ("config-deep", replace_bytes("config.json", DEEP), "nested too deeply"),
    ("n-fft-4e8", set_keys("preprocessor_config.json", n_fft=400_000_000), "n_fft is 400000000"),
    ("mels-string", set_keys("preprocessor_config.json", feature_size="80"), "feature_size"),
    ("forced-ids-int", set_keys("generation_config.json", forced_decoder_ids=5), "forced_dec"),
    ("lang-to-id-list", set_keys("generation_config.json", lang_to_id=[1]), "lang_to_id"),
    ("generation-deep", replace_bytes("generation_config.json", DEEP), "nested too deeply"),
    # tokenizers
    (
        "no-added-tokens",
        lambda f, t: edit_json(f / "tokenizer.json", lambda d: d.pop("added_tokens")),
        "added_tokens",
    ),
    (
        "no-vocab",
        lambda f, t: edit_json(f / "tokenizer.json", lambda d: d.pop("model")),
        "not a tokenizer",
    ),
    ("tokenizer-deep", replace_bytes("tokenizer.json", DEEP), "nested too deeply"),
    ("no-tokenizer", lambda f, t: (f / "tokenizer.json").unlink(), "lacks tokenizer.json"),
    # safetensors
    ("st-truncated", replace_bytes("model.safetensors", b"\x10\x00\x00"), "too short"),
    (
        "st-header-length",
        replace_bytes("model.safetensors", struct.pack("<Q", 10**9) + b"{}"),
        "header declares 1000000000 bytes",
    ),
    ("st-not-json", header_change(lambda h, d: (b"{not json", d)), "not valid JSON"),
    ("st-header-list", header_change(lambda h, d: (b"[]", d)), "must be a JSON object"),
    ("st-deep-header", header_change(lambda h, d: (DEEP, d)), "nested too deeply"),
    ("st-dtype", header_change(set_first("dtype", "Q7")), "unknown dtype 'Q7'"),
    ("st-shape", header_change(set_first("shape", [10**6, 10**6])), "needs 4000000000000 bytes"),
    ("st-offsets", header_change(set_first("data_offsets", [0, 10**12])), "data_offsets"),
    ("st-empty", header_change(lambda h, d: ({}, b"")), "weights lack model."),
    ("st-missing", header_change(drop_tensor), "lack model.decoder.layers.1.fc2.weight"),
    ("st-shape-config", set_keys("config.json", num_mel_bins=128), "has the shape [64, 80, 3]"),
]


def refused_in_one_line(capsys, folder: Path, message: str, *args: str) -> None:
    before = store_listing()
    result = run_cli(capsys, "models", "import", folder, "--name", "hostile", *args)
    lines = result.err.strip().splitlines()
    assert result.code == 1 and len(lines) == 1, result.err
    assert message in lines[0] and str(folder) in lines[0], lines[0]
    assert "unexpected error" not in lines[0]
    assert SECRET.decode() not in result.err + result.out
    assert store_listing() == before


@pytest.mark.parametrize(
    ("change", "message"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE]
)
def test_hostile_folder_is_refused_in_one_line(
    capsys, tiny_whisper, tmp_path, monkeypatch, change, message
):
    def no_build(*args, **kwargs):
        raise AssertionError("a model was built from a folder that should have been refused")

    monkeypatch.setattr("hsb_whisper.export.model_import.build_model", no_build)
    folder = copy_of(tiny_whisper, tmp_path)
    change(folder, tmp_path)
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            refused_in_one_line(capsys, folder, message, "--language", "de")
            outcome.append(None)
        except BaseException as e:  # handed to the test's thread
            outcome.append(e)

    worker = threading.Thread(target=run, daemon=True)  # a FIFO must not hang the import
    worker.start()
    worker.join(timeout=120)
    assert outcome, "the import hung"
    if outcome[0] is not None:
        raise outcome[0]


def evil_pickle(marker: Path) -> bytes:
    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    return pickle.dumps({"model.encoder.conv1.weight": Evil()}, protocol=2)


def test_pickle_only_folder_is_refused_and_never_loaded(capsys, tiny_whisper, tmp_path):
    marker = tmp_path / "pwned"
    folder = copy_of(tiny_whisper, tmp_path)
    (folder / "model.safetensors").unlink()
    (folder / "pytorch_model.bin").write_bytes(evil_pickle(marker))
    refused_in_one_line(
        capsys, folder, "holds only pickle weights (pytorch_model.bin), which can run code when "
        "loaded; convert it to safetensors first", "--language", "de",
    )  # fmt: skip
    assert not marker.exists()
    result = run_cli(capsys, "models", "import", folder, "--name", "hostile", "-l", "de")
    assert "weights_only" not in result.err


def test_language_the_tokenizer_lacks_is_refused_with_the_tokens_it_has(
    capsys, tiny_whisper, tmp_path
):
    folder = copy_of(tiny_whisper, tmp_path)
    without_token("<|yue|>")(folder, tmp_path)
    before = store_listing()
    result = run_cli(capsys, "models", "import", folder, "--name", "hostile", "-l", "yue")
    lines = result.err.strip().splitlines()
    assert result.code == 1 and len(lines) == 1, result.err
    assert "has no <|yue|> token; it has: af, am, ar" in lines[0]
    assert store_listing() == before


def test_foreign_links_and_pickles_beside_safetensors_are_never_read_or_shipped(
    capsys, tiny_whisper, tmp_path, monkeypatch
):
    """Files a conversion does not need are never opened (a symlinked secret, a pickle beside
    the safetensors); the imported model and its pack hold no byte of them."""
    marker = tmp_path / "pwned"
    folder = copy_of(tiny_whisper, tmp_path)
    (folder / "notes.json").symlink_to(secret_file(tmp_path))
    (folder / "pytorch_model.bin").write_bytes(evil_pickle(marker))
    edit_json(folder / "preprocessor_config.json", lambda d: d.update(token=SECRET.decode()))
    result = run_cli(capsys, "models", "import", folder, "--name", "safe-import", "-l", "de")
    assert result.code == 0, result.err
    assert not marker.exists()
    model = ModelStore().root / "safe-import"
    assert sorted(os.listdir(model)) == sorted(
        ["config.json", "hsb-whisper-model.json", "model.bin", "preprocessor_config.json",
         "tokenizer.json", "vocabulary.json"]
    )  # fmt: skip
    # A bare name is the store's model, even with a folder of that name here.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "safe-import").mkdir()
    packed = run_cli(capsys, "models", "pack", "safe-import", "-o", tmp_path / "p.zip")
    assert packed.code == 0, packed.err
    with zipfile.ZipFile(tmp_path / "p.zip") as zf:
        assert all(SECRET not in zf.read(n) for n in zf.namelist())
    assert SECRET not in (tmp_path / "p.zip").read_bytes()


def test_a_bare_name_that_is_only_a_folder_here_says_how_to_name_the_folder(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m2").mkdir()
    result = run_cli(capsys, "models", "pack", "m2")
    lines = result.err.strip().splitlines()
    assert result.code == 1 and len(lines) == 1, result.err
    assert "model 'm2' not found" in lines[0] and "write ./m2" in lines[0]
    result = run_cli(capsys, "models", "pack", "./m2")  # a path: the folder (not a model)
    assert result.code == 1 and "not a CTranslate2 Whisper model folder" in result.err


# --- names: one check for every way into the store -------------------------------------------


def test_embedded_name_is_refused_by_import_on_a_fresh_store(tiny_whisper, tmp_path):
    from hsb_whisper.errors import OptionError
    from hsb_whisper.export import import_model

    fresh = ModelStore(tmp_path / "fresh-store")
    with pytest.raises(OptionError, match="name of the embedded default model"):
        import_model(str(tiny_whisper), name="whisper-base", language="de", store=fresh)
    assert not (fresh.root / "whisper-base").exists()


@pytest.mark.parametrize("command", ["import", "export"])
def test_settings_file_name_is_refused_everywhere(capsys, tiny_whisper, command):
    before = store_listing()
    if command == "import":
        args = ["models", "import", tiny_whisper, "--name", "store.json", "-l", "de"]
    else:
        args = ["export", tiny_whisper, "--name", "store.json"]
    result = run_cli(capsys, *args)
    lines = result.err.strip().splitlines()
    assert result.code != 0 and len(lines) == 1, result.err
    assert "'store.json' is the name of the store's settings file" in lines[0]
    assert store_listing() == before
    result = run_cli(capsys, "models", "default", "store.json")
    assert result.code == 1 and "model 'store.json' is not installed" in result.err


def test_name_problem_is_one_check(tmp_path):
    store = ModelStore(tmp_path / "s")
    assert "embedded" in store.name_problem("whisper-base")
    assert "settings file" in store.name_problem("store.json")
    assert "look-alike" in store.name_problem("Whisper-Base")
    assert "field 'name'" in store.name_problem("../x")
    assert store.name_problem("hsb-small") is None


# --- any JSON value for the config's checked keys: our error or a checked copy -----------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
CHECKED_KEYS = [*hf_folder.CONFIG_LIMITS, "pad_token_id", "decoder_start_token_id", "model_type"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.dictionaries(st.sampled_from(CHECKED_KEYS), JSON_VALUES, min_size=1, max_size=3),
    generation=st.dictionaries(
        st.sampled_from(["forced_decoder_ids", "lang_to_id", "alignment_heads", "language"]),
        JSON_VALUES,
        max_size=2,
    ),
)
def test_any_config_values_end_in_our_error_or_a_checked_copy(
    tiny_whisper, tmp_path_factory, changes, generation
):
    tmp = tmp_path_factory.mktemp("h")
    folder = copy_of(tiny_whisper, tmp)
    edit_json(folder / "config.json", lambda d: d.update(changes))
    edit_json(folder / "generation_config.json", lambda d: d.update(generation))
    staged = tmp / "staged"
    staged.mkdir()
    try:
        config = hf_folder.stage_hf_folder(folder, staged)
    except ModelError as e:
        assert str(folder) in str(e) and "\n" not in str(e)
    else:
        assert hf_folder.config_problem(config) is None
    shutil.rmtree(tmp)
