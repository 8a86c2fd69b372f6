"""Improve my model in the app (issue 24, part 4): the dialog counts the checked speech in the
app's saved transcripts, runs ``hsb-whisper improve`` as a child process with the tiny random
Whisper as the default model (two training steps), shows the phases as they come and, at the end,
what ``improvement.json`` says — and the store holds what it says. With too little checked speech
Start stays disabled and says how much more is needed."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from hsb_whisper import paths
from hsb_whisper.transcription import formats

from testsupport.corrections import TINY_TRAINING, save_corrected


def open_dialog(qtbot, store, **options):
    from hsb_whisper.desktop.ui.improve_dialog import ImproveDialog

    dialog = ImproveDialog(store, **options)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.counting, timeout=10_000)
    return dialog


def checked_minutes() -> float:
    """The confirmed segments' minutes in the app's transcripts (every one is used here)."""
    transcripts = [formats.read_json(p) for p in paths.transcripts_dir().glob("*.json")]
    return sum(s.end - s.start for t in transcripts for s in t.confirmed_segments) / 60


def test_start_runs_improve_and_shows_what_it_found(qtbot, tiny_default, tmp_path):
    pytest.importorskip("peft")  # training needs the finetune extra
    from hsb_whisper.desktop.ui.improve_dialog import COMPARING, PREPARING

    store = tiny_default
    save_corrected(paths.transcripts_dir(), tmp_path / "recordings")
    dialog = open_dialog(
        qtbot, store, overrides=TINY_TRAINING, min_minutes=0.01, work_root=tmp_path / "improve"
    )
    assert dialog.model_label.text() == "tiny (the default model)"
    assert f"{checked_minutes():.1f} minutes in your transcripts" == dialog.minutes_label.text()
    assert dialog.start_button.isEnabled() and not dialog.cancel_button.isEnabled()
    improved: list[str] = []
    dialog.improved.connect(improved.append)

    seen: set[tuple[str, bool]] = set()  # (phase, Cancel enabled) while it ran

    def ended() -> bool:
        seen.add((dialog.phase, dialog.cancel_button.isEnabled()))
        return not dialog.timer.isActive()  # the job ended and the dialog shows it

    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert dialog.busy() and not dialog.start_button.isEnabled()
    qtbot.waitUntil(ended, timeout=120_000)

    assert dialog.job.state == "finished", dialog.job.error
    assert (PREPARING, True) in seen and (COMPARING, False) in seen  # no Cancel while installing
    result = json.loads((dialog.work / "improvement.json").read_text(encoding="utf-8"))
    assert dialog.job.improvement == result
    assert dialog.work.parent == tmp_path / "improve"
    assert (result["base"], result["candidate"]) == ("tiny", "tiny-v2")
    shown = dialog.status.text()
    figures = (f"{100 * result['old_wer']:.1f} %", f"{100 * result['new_wer']:.1f} %")
    assert f"({result['test_words']} words the new model never trained on)" in shown
    assert f"tiny gets {figures[0]} of words wrong, the new model {figures[1]}." in shown
    assert "tiny" in store.names()  # the old model is kept either way
    print(result["summary"])  # shown with -s: which way it went
    if result["installed"]:
        assert "it is installed as tiny-v2 and is now the default model (tiny is kept)" in shown
        assert store.default_name == "tiny-v2" and improved == ["tiny-v2"]
        assert dialog.model_label.text() == "tiny-v2 (the default model)"
    else:
        assert "not better, so it was not installed: tiny stays the default model" in shown
        assert store.default_name == "tiny" and "tiny-v2" not in store.names()
        assert improved == []
    assert dialog.start_button.isEnabled() and not dialog.bar.isVisible()


def test_too_little_checked_speech_disables_start_and_says_how_much_more(qtbot, store, tmp_path):
    save_corrected(paths.transcripts_dir(), tmp_path / "recordings")
    dialog = open_dialog(qtbot, store)  # the command's minimum: 5 minutes
    needed = f"{5 - checked_minutes():.1f} more minutes of checked speech are needed"
    assert not dialog.start_button.isEnabled()
    assert dialog.minutes_label.text().endswith(needed)
    assert dialog.start_button.toolTip() == needed
    assert dialog.model_label.text() == "whisper-base (the default model)"
    assert dialog.job is None


def test_the_commands_refusal_is_its_one_line_and_cancel_stops_it(qtbot, store, tmp_path):
    """The dialog lets through what its count allows; the command counts the training split
    alone (here 6 of 8 recordings) and refuses: its one line is shown. Then Cancel."""
    pytest.importorskip("peft")
    save_corrected(paths.transcripts_dir(), tmp_path / "recordings")
    minimum = round(0.9 * checked_minutes(), 3)
    dialog = open_dialog(qtbot, store, min_minutes=minimum, work_root=tmp_path / "improve")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.timer.isActive(), timeout=60_000)
    assert dialog.job.state == "failed"
    shown = dialog.status.text()
    assert f"Not improved: {dialog.job.error}" in shown
    assert (
        f"minutes of checked speech to train on; improving the model needs at least {minimum:g}"
        in shown
    )
    assert not (dialog.work / "run").exists() and store.names() == ["whisper-base"]

    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)  # again, then Cancel
    assert dialog.cancel_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.job.state == "cancelled" and not dialog.timer.isActive()
    assert dialog.status.text() == "Cancelled; nothing was installed."
    assert dialog.start_button.isEnabled() and store.names() == ["whisper-base"]


def test_the_models_page_opens_it_and_shows_the_model_it_installed(qtbot, store, good):
    from hsb_whisper.desktop.ui.improve_dialog import ImproveDialog
    from hsb_whisper.desktop.ui.models_page import ModelsPage

    page = ModelsPage(store)
    qtbot.addWidget(page)
    qtbot.mouseClick(page.improve_button, Qt.MouseButton.LeftButton)
    dialog = page._improve_dialog
    assert isinstance(dialog, ImproveDialog) and dialog.isVisible() and dialog.parent() is page
    assert dialog.model_label.text() == "whisper-base (the default model)"
    store.set_default("hsb-good")  # what a successful improvement does, then says
    dialog.improved.emit("hsb-good")
    assert page.list.currentItem().text() == "hsb-good (default)"
    qtbot.waitUntil(lambda: not dialog.counting, timeout=10_000)
    qtbot.mouseClick(page.improve_button, Qt.MouseButton.LeftButton)  # idle: a new one
    assert page._improve_dialog is not dialog
    assert page._improve_dialog.model_label.text() == "hsb-good (the default model)"
