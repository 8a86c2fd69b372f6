"""The app's "Get an Upper Sorbian model…" (Models page): the catalogue as a table with what each
model costs here, and a download through the real backend from a local fake Hugging Face Hub
(testsupport.fake_hub) serving a tiny random Whisper: installed, listed, made the default;
cancelled midway (kept, continued next time), offline, a copyleft model declined."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest

from testsupport.fake_hub import FakeHub
from testsupport.random_whisper import whisper_config, write_random_safetensors

TINY_HUB_ID = "sorbian-lab/whisper-tiny-hsb"
WAIT_MS = 120_000  # converting and verifying the tiny model: seconds; slow CI machines: more


def entry(name: str, **fields) -> dict:
    """A catalogue entry as the JSON has it; ``fields`` replace the defaults."""
    data = {
        "name": name,
        "hub_id": f"sorbian-lab/{name}",
        "revision": None,
        "base": "openai/whisper-small",
        "parameters": 244_000_000,
        "license": "apache-2.0",
        "language": "cs",
        "language_source": "the authors' training script",
        "task": "transcribe",
        "reported_wer": 12.5,
        "test_set": "Common Voice 17 hsb test",
        "weights": "float32",
        "summary": f"{name}: a model for the tests",
        "sources": [f"https://huggingface.co/sorbian-lab/{name}"],
    }
    return data | fields


ENTRIES = [
    entry("tiny-hsb", hub_id=TINY_HUB_ID, parameters=20_000_000, reported_wer=None),
    entry(
        "turbo-agpl",
        base="openai/whisper-large-v3-turbo",
        parameters=809_000_000,
        license="agpl-3.0",
        reported_wer=6.2,
        test_set="the authors' own 10 % split",
    ),
    entry("to-german", task="translate", language="de", license="unknown", weights="float16"),
]


@pytest.fixture
def known(tmp_path: Path, monkeypatch) -> list[dict]:
    """The catalogue of ENTRIES instead of the shipped one."""
    path = tmp_path / "hsb-models.json"
    path.write_text(json.dumps({"models": ENTRIES}), encoding="utf-8")
    monkeypatch.setattr("hsb_whisper.export.catalogue.CATALOGUE_FILE", path)
    return ENTRIES


@pytest.fixture(scope="module")
def tiny_repo(default_model, tmp_path_factory) -> dict[str, bytes]:
    """The files of a tiny random Hugging Face Whisper (3 MB of float32 weights, the default
    model's tokenizer), as a Hub repository holds them."""
    folder = tmp_path_factory.mktemp("tiny-repo")
    config = whisper_config(d_model=16, layers=1, heads=2, ffn=32)
    write_random_safetensors(folder / "model.safetensors", config, "F32")
    return {
        "config.json": json.dumps(config).encode(),
        "preprocessor_config.json": b'{"feature_size": 80}',
        "tokenizer.json": (default_model.path / "tokenizer.json").read_bytes(),
        "model.safetensors": (folder / "model.safetensors").read_bytes(),
    }


@pytest.fixture
def hub(tiny_repo, monkeypatch):
    with FakeHub({TINY_HUB_ID: tiny_repo}) as fake:
        monkeypatch.setenv("HF_ENDPOINT", fake.url)
        yield fake


@pytest.fixture
def quick_speed(monkeypatch):
    """The default model's speed without running it (the tests that download)."""
    from hsb_whisper.desktop.ui import get_model_dialog

    monkeypatch.setattr(get_model_dialog, "measure_default_speed", lambda: 0.2)


def models_page(qtbot, store):
    from hsb_whisper.desktop.ui.models_page import ModelsPage

    page = ModelsPage(store)
    qtbot.addWidget(page)
    return page


def open_dialog(qtbot, page, name: str | None = None):
    """The page's dialog, its speed column filled, ``name`` selected."""
    dialog = page.open_get_dialog()
    qtbot.waitUntil(lambda: dialog.measured, timeout=WAIT_MS)
    if name:
        dialog.select(name)
    return dialog


def cells(dialog, column: int) -> list[str]:
    return [dialog.table.item(r, column).text() for r in range(dialog.table.rowCount())]


def test_the_table_shows_every_model_with_its_costs_and_licence(qtbot, store, known):
    from PySide6.QtGui import QColor

    from hsb_whisper.desktop.ui import get_model_dialog as g

    page = models_page(qtbot, store)
    assert page.get_button.text() == "Get an Upper Sorbian model…"
    buttons = page.layout().itemAt(0).layout()
    assert buttons.itemAt(0).widget() is page.get_button  # first in the row
    dialog = page.open_get_dialog()
    assert dialog.isVisible() and dialog.windowTitle() == "Get an Upper Sorbian model"
    assert cells(dialog, g.MODEL) == ["tiny-hsb", "turbo-agpl", "to-german"]
    assert cells(dialog, g.BASE) == ["whisper-small", "whisper-large-v3-turbo", "whisper-small"]
    # float32: 4 bytes a weight, float16: 2; int8 on disk: 1 (+3 MB of JSON either way)
    assert cells(dialog, g.DOWNLOAD) == ["~83 MB", "~3.2 GB", "~491 MB"]
    assert cells(dialog, g.DISK) == ["~23 MB", "~812 MB", "~247 MB"]
    assert cells(dialog, g.LICENCE) == ["apache-2.0", "AGPL-3.0 (copyleft)", "unknown"]
    copyleft = dialog.table.item(1, g.LICENCE)
    assert copyleft.foreground().color() == QColor("#b00020") and copyleft.font().bold()
    assert "must share it under the same licence" in copyleft.toolTip()
    assert dialog.table.item(0, g.LICENCE).font().bold() is False
    assert cells(dialog, g.WER) == ["—", "6.2 %", "12.5 %"]
    assert dialog.table.item(1, g.WER).toolTip() == "measured on the authors' own 10 % split"
    assert "cannot be compared" in dialog.note.text()
    # the default model really runs once (a thread) for the speed column
    assert cells(dialog, g.SPEED) == ["…"] * 3 or dialog.measured
    qtbot.waitUntil(lambda: dialog.measured, timeout=WAIT_MS)
    speeds = cells(dialog, g.SPEED)
    assert all(s.endswith("x)") for s in speeds), speeds
    rtf = [float(s.rsplit("~", 1)[1].rstrip("x)")) for s in speeds]
    assert rtf[0] < rtf[2] < rtf[1]  # in the order of their sizes

    dialog.select("turbo-agpl")
    details = dialog.details.text()
    assert "DILHTWD" not in details and "sorbian-lab/turbo-agpl" in details
    assert "https://huggingface.co/sorbian-lab/turbo-agpl" in details
    assert "Copyleft licence AGPL-3.0" in details
    assert "Reported WER: 6.2 % on the authors&#x27; own 10 % split" in details
    dialog.select("to-german")
    details = dialog.details.text()
    assert "writes German text" in details and "states no licence" in details
    assert dialog.make_default.isChecked()
    dialog.close()


def test_without_a_measurement_the_speed_comes_from_the_size(qtbot, store, known, monkeypatch):
    from hsb_whisper.desktop.ui import get_model_dialog as g

    def broken():
        raise RuntimeError("no default model here")

    monkeypatch.setattr(g, "measure_default_speed", broken)
    page = models_page(qtbot, store)
    dialog = open_dialog(qtbot, page)
    assert cells(dialog, g.SPEED) == ["fast", "slow", "fast"]  # expected_speed(entry, None)


def test_an_unreadable_catalogue_is_a_message(qtbot, store, tmp_path, quick_speed, monkeypatch):
    missing = tmp_path / "missing.json"
    monkeypatch.setattr("hsb_whisper.export.catalogue.CATALOGUE_FILE", missing)
    page = models_page(qtbot, store)
    dialog = open_dialog(qtbot, page)
    assert dialog.table.rowCount() == 0 and not dialog.download_button.isEnabled()
    assert dialog.status.text().startswith(f"{missing}: the model catalogue cannot be read")


def test_download_installs_lists_and_makes_it_the_default(qtbot, store, known, hub, tiny_repo):
    from hsb_whisper.desktop.ui import get_model_dialog as g
    from hsb_whisper.desktop.ui.files_page import FilesPage

    files = FilesPage(store=store)
    qtbot.addWidget(files)
    assert "Models → Get an Upper Sorbian model…" in files.hint.text()  # the first-run hint
    page = models_page(qtbot, store)
    # the real measurement first, as a user sees it: then the download
    dialog = open_dialog(qtbot, page, "tiny-hsb")
    phases = []
    dialog.bar.valueChanged.connect(lambda _v: phases.append(dialog.status.text()))
    started = time.monotonic()
    dialog.download_button.click()
    assert dialog.busy() and not dialog.download_button.isEnabled()
    assert dialog.cancel_button.isEnabled() and not dialog.table.isEnabled()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=WAIT_MS)
    status = dialog.status.text()
    assert status == "tiny-hsb is installed and is now the default model.", status
    total_mb = f"{sum(len(data) for data in tiny_repo.values()) / 1e6:.0f}"
    assert f"Downloading… {total_mb} of {total_mb} MB" in phases, phases
    assert store.default_name == "tiny-hsb"
    info = store.resolve("tiny-hsb").info
    assert info.language == "cs" and info.quantization == "int8"
    assert f"https://huggingface.co/{TINY_HUB_ID} (revision {hub.commits[TINY_HUB_ID]})" in (
        info.source
    )
    assert page.list.currentItem().text() == "tiny-hsb (default)"
    assert "Name: tiny-hsb" in page.details.toPlainText()
    assert cells(dialog, g.MODEL)[0] == "tiny-hsb (installed)"
    assert not dialog.download_button.isEnabled() and dialog.table.isEnabled()
    assert len(hub.gets("model.safetensors")) == 1
    dialog.close()
    assert page.open_get_dialog() is dialog  # the same dialog again, measured once
    assert cells(dialog, g.MODEL)[0] == "tiny-hsb (installed)"
    print(f"download, conversion and check: {time.monotonic() - started:.1f} s")


def gated_get_model(monkeypatch, weights: int):
    """The real get_model, paused after the first chunk of the weights (the last ``weights``
    bytes of the download) until the dialog's cancellation reaches it: Cancel lands midway,
    whatever the machine's speed."""
    from hsb_whisper.desktop.ui import get_model_dialog as g

    real, paused = g.get_model, threading.Event()

    def get_model(name, *, progress, cancelled, **kwargs):
        def gate(phase, done, total):
            progress(phase, done, total)
            if phase == "download" and total - weights < done < total and not paused.is_set():
                paused.set()
                deadline = time.monotonic() + 60
                while not cancelled() and time.monotonic() < deadline:
                    time.sleep(0.01)

        return real(name, progress=gate, cancelled=cancelled, **kwargs)

    monkeypatch.setattr(g, "get_model", get_model)
    return paused


def test_cancel_keeps_the_download_and_the_next_one_continues_it(
    qtbot, store, known, hub, tiny_repo, quick_speed, monkeypatch
):
    paused = gated_get_model(monkeypatch, len(tiny_repo["model.safetensors"]))
    page = models_page(qtbot, store)
    dialog = open_dialog(qtbot, page, "tiny-hsb")
    dialog.make_default.setChecked(False)
    names = store.names()
    dialog.download_button.click()
    qtbot.waitUntil(lambda: paused.is_set() or not dialog.busy(), timeout=WAIT_MS)
    assert paused.is_set(), dialog.status.text()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=WAIT_MS)
    assert dialog.status.text().startswith("Cancelled. What was downloaded is kept")
    assert store.names() == names and store.default_name == "whisper-base"
    assert dialog.download_button.isEnabled() and not dialog.bar.isVisible()
    first = hub.gets("model.safetensors")
    assert len(first) == 1 and first[0].range is None

    dialog.download_button.click()  # continues where it stopped
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=WAIT_MS)
    assert dialog.status.text() == "tiny-hsb is installed: choose it on the Models page."
    assert store.default_name == "whisper-base" and "tiny-hsb" in store.names()
    ranges = [r.range for r in hub.gets("model.safetensors")]
    assert len(ranges) == 2 and ranges[1].startswith("bytes=") and ranges[1] != "bytes=0-"
    assert page.list.currentItem().text() == "tiny-hsb"


def test_closing_while_downloading_cancels_and_waits(
    qtbot, store, known, hub, tiny_repo, quick_speed, monkeypatch
):
    paused = gated_get_model(monkeypatch, len(tiny_repo["model.safetensors"]))
    page = models_page(qtbot, store)
    dialog = open_dialog(qtbot, page, "tiny-hsb")
    names = store.names()
    dialog.download_button.click()
    qtbot.waitUntil(lambda: paused.is_set() or not dialog.busy(), timeout=WAIT_MS)
    assert paused.is_set(), dialog.status.text()
    dialog.reject()  # Close, Escape or the window's ×
    assert not dialog.isVisible()
    thread, _worker = dialog._download
    assert thread.isFinished()  # waited for: nothing runs under a closed dialog
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=WAIT_MS)
    assert store.names() == names
    assert dialog.status.text().startswith("Cancelled.")


def free_port() -> int:
    """A port nothing listens on (bound, then closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_offline_the_reason_is_shown_in_one_line(qtbot, store, known, quick_speed, monkeypatch):
    hub_url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("HF_ENDPOINT", hub_url)
    page = models_page(qtbot, store)
    dialog = open_dialog(qtbot, page, "tiny-hsb")
    names = store.names()
    dialog.download_button.click()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=WAIT_MS)
    status = dialog.status.text()
    assert status.startswith("Not installed: ") and "\n" not in status
    assert f"cannot reach the Hugging Face Hub ({hub_url})" in status, status
    assert dialog.status.styleSheet() == "color: #b00020"
    assert store.names() == names and dialog.download_button.isEnabled()


def test_a_failed_conversion_is_shown_in_one_line(qtbot, store, known, quick_speed, monkeypatch):
    from hsb_whisper.desktop.ui import get_model_dialog as g
    from hsb_whisper.errors import ModelError

    checking = threading.Event()
    go_on = threading.Event()

    def get_model(name, *, progress, cancelled, **kwargs):
        progress("download", 480_000_000, 480_000_000)
        progress("convert", 0, 1)
        checking.set()
        go_on.wait(60)
        raise ModelError(f"{name}: faster-whisper cannot load the converted model")

    monkeypatch.setattr(g, "get_model", get_model)
    page = models_page(qtbot, store)
    dialog = open_dialog(qtbot, page, "tiny-hsb")
    dialog.download_button.click()
    qtbot.waitUntil(
        lambda: checking.is_set() and dialog.status.text() == "Converting and checking…",
        timeout=WAIT_MS,
    )
    assert dialog.bar.isVisible() and dialog.bar.maximum() == 0  # busy: one step
    assert not dialog.cancel_button.isEnabled()  # a conversion is not stopped midway
    go_on.set()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=WAIT_MS)
    assert dialog.status.text() == (
        "Not installed: tiny-hsb: faster-whisper cannot load the converted model"
    )
    assert not dialog.bar.isVisible() and dialog.download_button.isEnabled()


def test_a_copyleft_model_is_downloaded_only_when_confirmed(
    qtbot, store, known, quick_speed, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    from hsb_whisper.desktop.ui import get_model_dialog as g

    asked, called = [], []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda parent, title, text: asked.append(text) or QMessageBox.StandardButton.No,
    )
    monkeypatch.setattr(g, "get_model", lambda *a, **k: called.append(a))
    page = models_page(qtbot, store)
    dialog = open_dialog(qtbot, page, "turbo-agpl")
    dialog.download_button.click()
    assert len(asked) == 1 and "Copyleft licence AGPL-3.0" in asked[0]
    assert not dialog.busy() and called == []
    dialog.select("to-german")
    dialog.download_button.click()
    assert "writes German text" in asked[1] and "states no licence" in asked[1]
    assert not dialog.busy() and called == []


def test_a_dialog_deleted_while_measuring_leaves_its_thread_to_finish(qtbot, store, monkeypatch):
    from hsb_whisper.desktop.ui import get_model_dialog as g
    from hsb_whisper.desktop.ui.models_page import ModelsPage

    go_on = threading.Event()
    monkeypatch.setattr(g, "measure_default_speed", lambda: go_on.wait(60) and 0.2)
    page, gone = ModelsPage(store), []
    page.open_get_dialog().destroyed.connect(lambda: gone.append(True))
    (thread,) = g._RUNNING
    try:
        page.deleteLater()  # the dialog goes with its page while the speed is still measured
        qtbot.waitUntil(lambda: bool(gone), timeout=WAIT_MS)  # a child thread: abort here
        assert thread.isRunning()
    finally:
        go_on.set()
    qtbot.waitUntil(thread.isFinished, timeout=WAIT_MS)
    g._RUNNING.discard(thread)  # its result had nowhere to go
