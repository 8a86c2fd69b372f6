"""The editor's speakers (diarization): the Speaker column, rename, reassign, merge, autosave; and
the Speakers setting, on transcripts built here; and once the whole app with the real model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pympi import Elan
from PySide6.QtWidgets import QDialogButtonBox

from hsb_whisper.desktop.ui.editor import (
    SPEAKER,
    TEXT,
    MergeSpeakersDialog,
    TranscriptEditor,
    autosave_path,
    load_saved,
)
from hsb_whisper.desktop.ui.main_window import MainWindow
from hsb_whisper.desktop.ui.settings import SPEAKERS_OFF, AppSettings, load_settings, save_settings
from hsb_whisper.desktop.ui.settings_dialog import SettingsDialog
from hsb_whisper.desktop.ui.workers import FileWorker
from hsb_whisper.transcription.transcript import AudioInfo, Segment, Transcript

from testsupport.fake_stream import FakeSoundDevice
from testsupport.qt_wait import worker_signal
from testsupport.speech import speak_conversation

LINES = [  # (speaker, text): three speakers taking turns
    ("S1", "Dobry dźeń."),
    ("S2", "Dobry dźeń, kak so maš?"),
    ("S1", "Dźakuju so, derje."),
    ("S3", "Ja sym tež tu."),
    ("S2", "To je rjenje."),
    ("S3", "Hdźe je Jan?"),
]


def conversation(audio: Path, lines=LINES) -> Transcript:
    segments = [
        Segment(2.0 * i, 2.0 * i + 1.5, text, -0.2, 0.01, speaker=speaker)
        for i, (speaker, text) in enumerate(lines)
    ]
    return Transcript(AudioInfo(audio, 2.0 * len(lines), "cs", 1.0), segments, "whisper-base")


@pytest.fixture
def editor(qtbot, tmp_path):
    widget = TranscriptEditor()
    qtbot.addWidget(widget)
    widget.resize(980, 420)
    transcript = conversation(tmp_path / "talk.wav")
    widget.show_transcript(transcript)
    widget.autosave()  # as the main window does with a finished transcript
    return widget


def column(editor: TranscriptEditor, col: int) -> list[str]:
    return [editor.table.item(row, col).text() for row in range(editor.table.rowCount())]


def saved_json(editor: TranscriptEditor) -> dict:
    return json.loads(autosave_path(editor.transcript.info.path).read_text(encoding="utf-8"))


def test_speakers_get_a_column_before_the_text(editor):
    table = editor.table
    assert not table.isColumnHidden(SPEAKER)
    header = table.horizontalHeader()
    assert header.visualIndex(SPEAKER) == header.visualIndex(TEXT) - 1
    assert table.horizontalHeaderItem(SPEAKER).text() == "Speaker"
    assert column(editor, SPEAKER) == [s for s, _ in LINES]
    assert column(editor, TEXT) == [t for _, t in LINES]
    assert all(not b.isHidden() for b in editor.speaker_buttons)


def test_no_speakers_no_column_and_no_buttons(qtbot, editor, tmp_path):
    plain = conversation(tmp_path / "plain.wav", [(None, t) for _, t in LINES])
    editor.show_transcript(plain)  # after a transcript with speakers: all of it goes
    assert editor.table.isColumnHidden(SPEAKER)
    assert all(b.isHidden() for b in editor.speaker_buttons)
    fresh = TranscriptEditor()
    qtbot.addWidget(fresh)
    fresh.show_transcript(plain)
    assert fresh.table.isColumnHidden(SPEAKER)
    assert column(fresh, TEXT) == [t for _, t in LINES]
    assert all(b.isHidden() for b in fresh.speaker_buttons)


def test_rename_changes_every_row_and_the_autosave(editor):
    editor.rename_speaker("S1", "  Jan   Nowak ")
    assert column(editor, SPEAKER) == ["Jan Nowak" if s == "S1" else s for s, _ in LINES]
    assert editor.table.item(0, SPEAKER).toolTip() == "Jan Nowak (S1)"
    reopened = load_saved(editor.transcript.info.path)
    assert reopened.speaker_names == {"S1": "Jan Nowak"}
    assert [s.speaker for s in reopened.segments] == [s for s, _ in LINES]
    editor.rename_speaker("S1", "")  # an empty name: back to the id
    assert column(editor, SPEAKER)[0] == "S1"
    assert load_saved(editor.transcript.info.path).speaker_names == {}


def test_reassign_selected_rows(editor):
    editor.table.setCurrentCell(3, TEXT)
    editor.table.setCurrentCell(5, TEXT, editor.table.selectionModel().SelectionFlag.Select)
    assert editor.selected_rows() == [3, 5]
    editor.reassign_rows(editor.selected_rows(), "S1")
    assert column(editor, SPEAKER) == ["S1", "S2", "S1", "S1", "S2", "S1"]
    assert [s["speaker"] for s in saved_json(editor)["segments"]] == column(editor, SPEAKER)
    assert editor.transcript.speakers == ["S1", "S2"]
    new = editor.transcript.new_speaker()
    editor.reassign_rows([4], new)
    assert new == "S3" and editor.table.item(4, SPEAKER).text() == "S3"


def test_assign_menu_lists_the_speakers_and_a_new_one(editor):
    editor.rename_speaker("S2", "Marja")
    editor.table.setCurrentCell(0, TEXT)
    editor._fill_assign_menu(editor.assign_menu)
    actions = [a for a in editor.assign_menu.actions() if not a.isSeparator()]
    assert [a.text() for a in actions] == ["S1", "Marja (S2)", "S3", "New speaker"]
    actions[-1].trigger()  # row 0 to a new speaker
    assert editor.table.item(0, SPEAKER).text() == "S4"
    assert load_saved(editor.transcript.info.path).segments[0].speaker == "S4"


def test_merge_leaves_no_rows_of_the_merged_speaker(editor):
    editor.rename_speaker("S3", "Pětr")
    editor.rename_speaker("S2", "Marja")
    editor.merge_speakers("S3", "S2")
    assert "S3" not in [s.speaker for s in editor.transcript.segments]
    assert column(editor, SPEAKER) == ["S1", "Marja", "S1", "Marja", "Marja", "Marja"]
    assert editor.merge_button.isEnabled()  # still two speakers: S1 and S2
    reopened = load_saved(editor.transcript.info.path)
    assert reopened.speakers == ["S1", "S2"]
    assert reopened.speaker_names == {"S2": "Marja"}


def test_double_click_on_a_speaker_renames_it(qtbot, editor, monkeypatch):
    from hsb_whisper.desktop.ui import editor as module

    asked = []

    def get_text(parent, title, label, text=""):
        asked.append((label, text))
        return "Jan", True

    monkeypatch.setattr(module.QInputDialog, "getText", staticmethod(get_text))
    editor.table.cellDoubleClicked.emit(2, SPEAKER)
    assert asked == [("Name of S1 in the whole transcript (empty: S1):", "")]
    assert column(editor, SPEAKER)[:3] == ["Jan", "S2", "Jan"]
    with qtbot.waitSignal(editor.play_requested) as played:  # elsewhere it still plays
        editor.table.cellDoubleClicked.emit(2, TEXT)
    assert played.args == [4.0, 5.5]


def test_merge_dialog_offers_each_pair_once_chosen(qtbot, editor):
    dialog = MergeSpeakersDialog(editor.transcript, "S3", editor)
    qtbot.addWidget(dialog)
    assert dialog.choice() == ("S3", "S1")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.target.setCurrentIndex(dialog.target.findData("S3"))
    assert not ok.isEnabled()  # a speaker cannot be merged into itself
    dialog.target.setCurrentIndex(dialog.target.findData("S2"))
    assert ok.isEnabled() and dialog.choice() == ("S3", "S2")


def test_round_trip_keeps_speakers_names_and_text(qtbot, editor):
    editor.rename_speaker("S1", "Jan")
    editor.reassign_rows([5], "S1")
    editor.merge_speakers("S3", "S2")
    editor.table.item(1, TEXT).setText("Dobry wječor!")  # a text edit saves the speakers too
    expected = [editor.table.item(r, SPEAKER).text() for r in range(editor.table.rowCount())]
    reopened = load_saved(editor.transcript.info.path)
    assert reopened == editor.transcript
    again = TranscriptEditor()
    qtbot.addWidget(again)
    again.show_transcript(reopened)
    assert column(again, SPEAKER) == expected == ["Jan", "S2", "Jan", "S2", "S2", "Jan"]
    assert column(again, TEXT)[1] == "Dobry wječor!"


@pytest.mark.parametrize(
    ("choice", "speakers"), [("Off", None), ("Automatic", 0), ("2", 2), ("8", 8)]
)
def test_speakers_setting_maps_to_transcribe_options(qtbot, choice, speakers):
    assert AppSettings().transcribe_options().speakers is None  # off unless asked for
    dialog = SettingsDialog(AppSettings())
    qtbot.addWidget(dialog)
    assert dialog.speakers.currentText() == "Off"
    dialog.speakers.setCurrentText(choice)
    settings = dialog.result_settings()
    assert settings.transcribe_options().speakers == speakers
    save_settings(settings)
    assert load_settings() == settings
    reopened = SettingsDialog(settings)
    qtbot.addWidget(reopened)
    assert reopened.speakers.currentText() == choice


def test_unusable_speakers_setting_falls_back_to_off(tmp_path):
    from hsb_whisper.desktop.ui.settings import _qsettings

    save_settings(AppSettings(speakers=3))
    store = _qsettings()
    store.setValue("speakers", 99)
    store.sync()
    assert load_settings().speakers == SPEAKERS_OFF


def test_file_worker_finishes_through_the_transcriber(qtbot, tmp_path):
    """The worker's transcript is the transcriber's ``finish`` (which labels speakers)."""
    labelled = conversation(tmp_path / "talk.wav")
    plain = [dataclass_without_speaker(s) for s in labelled.segments]

    class Fake:
        def transcribe(self, path):
            return iter(plain), labelled.info

        def finish(self, info, segments):
            assert info == labelled.info and segments == plain
            return labelled

    class Models:
        def get(self, model, options):
            return Fake()

    worker = FileWorker(Models())
    with qtbot.waitSignal(worker.finished) as done:  # run here, in the test's thread
        worker.run(7, str(labelled.info.path), "whisper-base", AppSettings().transcribe_options())
    assert done.args == [7, labelled]


def dataclass_without_speaker(segment: Segment) -> Segment:
    import dataclasses

    return dataclasses.replace(segment, speaker=None)


@pytest.mark.slow
def test_the_app_transcribes_with_speakers_and_exports_the_names(qtbot, default_model, tmp_path):
    """Real: the app's worker, the default model and the speaker encoder on a generated
    three-voice conversation; then a rename in the editor reaches the ELAN file."""
    talk, _ = speak_conversation(tmp_path / "talk.wav")
    settings = AppSettings(language="en", beam_size=1, speakers=0)
    window = MainWindow(settings, sd=FakeSoundDevice(devices=[]))
    qtbot.addWidget(window)
    window.show()
    try:
        with worker_signal(qtbot, window.file_worker.finished, 120_000):
            window.files.add_paths([talk])
        editor = window.editor
        qtbot.waitUntil(lambda: editor.transcript is not None)
        assert editor.transcript.speakers == ["S1", "S2", "S3"]
        assert not editor.table.isColumnHidden(SPEAKER)
        assert set(column(editor, SPEAKER)) == {"S1", "S2", "S3"}
        editor.rename_speaker("S2", "Marja Kral")
        assert "Marja Kral" in column(editor, SPEAKER)
        eaf = Elan.Eaf(str(editor.export("eaf", tmp_path / "talk.eaf")))
        names = {"S1", "Marja Kral", "S3"}  # the app keeps word times: a words tier each
        assert set(eaf.get_tier_names()) == names | {f"words ({n})" for n in names}
        assert saved_json(editor)["speakers"][1] == {"id": "S2", "name": "Marja Kral"}
    finally:
        window.close()
