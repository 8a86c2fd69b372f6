"""``hsb-whisper models import``: someone else's Hugging Face Whisper into the store; and the
notes that say what a model is not (the embedded base: no Upper Sorbian; copyleft weights)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hsb_whisper.export import ModelInfo, ModelStore
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
    from hsb_whisper.finetune import import_model

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
    from hsb_whisper.finetune import import_facts

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

    monkeypatch.setattr("hsb_whisper.finetune.model_import.build_model", no_work)
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
        assert "hsb-whisper models import" in result.err
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
