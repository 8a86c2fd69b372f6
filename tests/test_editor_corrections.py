"""Correcting a transcript in the editor: edits keep the model's text, segments are checked with
the tick column or Ctrl+Return, F8 goes to the next uncertain segment, the model's uncertain words
are shaded, and "Use this recording for training" — all in the autosave. On a transcript of an
espeak recording by the real default model (with word times, so with word probabilities), and on
small transcripts built here where exact rows matter."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from hsb_whisper.data import read_manifest
from hsb_whisper.desktop.ui.editor import (
    CHECKED,
    SHADED_SPANS_ROLE,
    TEXT,
    UNSURE_ROW_ROLE,
    TranscriptEditor,
    autosave_path,
    load_saved,
    uncertain_spans,
)
from hsb_whisper.transcription import formats
from hsb_whisper.transcription.engine import TranscribeOptions, Transcriber
from hsb_whisper.transcription.transcript import (
    UNCERTAIN_BELOW,
    AudioInfo,
    Segment,
    Transcript,
    Word,
)

from testsupport.cli_runner import run_cli
from testsupport.speech import EN_SENTENCES

CHECK = Qt.CheckState.Checked


@pytest.fixture(scope="module")
def spoken(default_model, clips) -> Transcript:
    """The real model's transcript of four English sentences (espeak-ng), with word times."""
    options = TranscribeOptions(language="en", beam_size=1, word_timestamps=True)
    return Transcriber(default_model, options).transcribe_all(clips["en_long"])


def fresh(transcript: Transcript, audio: Path) -> Transcript:
    """A copy of ``transcript`` for the recording ``audio`` (its own autosave)."""
    info = dataclasses.replace(transcript.info, path=audio)
    return Transcript(info, list(transcript.segments), transcript.model)


@pytest.fixture
def editor(qtbot):
    widget = TranscriptEditor()
    qtbot.addWidget(widget)
    widget.resize(900, 400)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()  # the shortcuts work in the active window
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


def show(editor: TranscriptEditor, transcript: Transcript) -> None:
    """Open ``transcript``, the focus in the table (as after a click there: the shortcuts work
    where the focus is in the editor)."""
    editor.show_transcript(transcript)
    editor.table.setFocus()


def said(start: float, text: str, *probabilities: float, avg_logprob: float = -0.3) -> Segment:
    """A segment of ``text`` whose words (split at spaces) have ``probabilities``; none given:
    a segment without word times."""
    pieces = zip(text.split(), probabilities)
    words = tuple(Word(start + i / 4, start + (i + 1) / 4, w, p) for i, (w, p) in enumerate(pieces))
    return Segment(start, start + 2.0, text, avg_logprob, 0.0, words)


def made_up(audio: Path) -> Transcript:
    """Five segments: 0 and 3 have an uncertain word, 4 has no words and a low probability, 1
    and 2 are certain."""
    segments = [
        said(0.0, "Dobry dźeń, mje rěka Jan.", 0.9, 0.3, 0.8, 0.95, 0.7),
        said(2.0, "Bydlu w Budyšinje.", 0.9, 0.99, 0.6),
        said(4.0, "Dźensa je rjane wjedro.", 0.9, 0.99, 0.8, 0.7),
        said(6.0, "a ja a ty", 0.9, 0.9, 0.2, 0.9),
        said(8.0, "Moja mać rěči serbsce.", avg_logprob=-1.5),  # exp(-1.5) = 0.22
    ]
    return Transcript(AudioInfo(audio, 10.0, "hsb", 1.0), segments, "hsb-model")


def test_an_edited_checked_and_excluded_transcript_is_saved_and_reopened(
    qtbot, capsys, editor, spoken, clips, tmp_path
):
    """The whole round trip of issue 24: the real model's transcript, two segments edited and
    one checked in the editor, saved, reopened — and imported as training data: exactly the
    checked segments, with the corrected texts, cut at the segments' times."""
    audio = Path(shutil.copy(clips["en_long"], tmp_path / "talk.wav"))
    transcript = fresh(spoken, audio)
    model_texts = [s.text for s in transcript.segments]
    assert len(model_texts) >= 3, f"the clip's four sentences gave {model_texts}"
    show(editor, transcript)
    editor.autosave()  # as the main window does with a finished transcript
    table = editor.table
    assert editor.progress.text() == f"0 of {len(model_texts)} segments checked"
    assert editor.training.isChecked()

    table.item(0, TEXT).setText(EN_SENTENCES[0])  # as the user's typing ends up in the cell

    table.setCurrentCell(1, TEXT)  # and through the cell's own editor, a plain line edit
    table.editItem(table.item(1, TEXT))
    line = table.viewport().findChild(QLineEdit)
    assert line is not None and line.text() == model_texts[1]
    line.setText(EN_SENTENCES[1] + " Thanks!")
    qtbot.keyClick(line, Qt.Key.Key_Return)

    table.setCurrentCell(2, TEXT)  # checked as it is, with the shortcut
    qtbot.keyClick(table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    editor.training.click()

    texts = [EN_SENTENCES[0], EN_SENTENCES[1] + " Thanks!", *model_texts[2:]]
    for reopened in (formats.read_json(autosave_path(audio)), load_saved(audio)):
        assert [s.text for s in reopened.segments] == texts
        assert [s.model_text for s in reopened.segments] == model_texts
        assert [s.edited for s in reopened.segments][:3] == [True, True, False]
        assert [s.confirmed for s in reopened.segments] == [True, True, True] + [False] * (
            len(texts) - 3
        )
        assert [s.words for s in reopened.segments] == [s.words for s in spoken.segments]
        assert reopened.excluded_from_training
    assert json.loads(autosave_path(audio).read_text(encoding="utf-8"))["format_version"] == 2

    assert table.item(0, TEXT).toolTip() == f"The model wrote: {model_texts[0]}"
    assert table.item(2, TEXT).toolTip() == ""  # checked, not edited
    assert editor.progress.text() == f"3 of {len(texts)} segments checked"

    again = TranscriptEditor()  # opened again: the ticks and the training choice are back
    qtbot.addWidget(again)
    again.show_transcript(load_saved(audio))
    ticks = [again.table.item(row, CHECKED).checkState() == CHECK for row in range(len(texts))]
    assert ticks == [True, True, True] + [False] * (len(texts) - 3)
    assert not again.training.isChecked()
    assert again.progress.text() == f"3 of {len(texts)} segments checked"
    again.training.click()
    assert not load_saved(audio).excluded_from_training

    out = tmp_path / "corrections"
    result = run_cli(capsys, "data", "import-corrections", autosave_path(audio), "--out", out)
    assert result.code == 0, result.err
    clips_made = [
        c for split in ("train", "dev", "test") for c in read_manifest(out / f"{split}.jsonl")
    ]
    clips_made.sort(key=lambda c: c.audio)
    checked = load_saved(audio).segments[:3]
    assert [c.text for c in clips_made] == [s.text for s in checked]  # 1.5-s pauses: not joined
    for clip, segment in zip(clips_made, checked):
        span = segment.end - segment.start
        assert span <= clip.duration <= span + 0.3 + 0.02  # padded 0.15 s each side at most


def test_ctrl_return_while_typing_keeps_the_text_checks_and_goes_on(qtbot, editor, tmp_path):
    audio = tmp_path / "typed.wav"
    show(editor, made_up(audio))
    table = editor.table
    table.setCurrentCell(0, TEXT)
    table.editItem(table.item(0, TEXT))
    line = table.viewport().findChild(QLineEdit)
    line.setText("Dobry dźeń, mje rěka Jan!")
    qtbot.keyClick(line, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    saved = load_saved(audio).segments[0]
    assert (saved.text, saved.model_text, saved.confirmed) == (
        "Dobry dźeń, mje rěka Jan!",
        "Dobry dźeń, mje rěka Jan.",
        True,
    )
    assert table.currentRow() == 3  # the next uncertain segment after 0


def test_next_uncertain_visits_the_uncertain_rows_and_skips_checked_ones(qtbot, editor, tmp_path):
    show(editor, made_up(tmp_path / "five.wav"))
    table = editor.table

    def f8() -> int:
        qtbot.keyClick(table, Qt.Key.Key_F8)
        return table.currentRow()

    assert [f8() for _ in range(4)] == [0, 3, 4, 0]  # 1 and 2 are certain; it wraps around
    table.item(3, CHECKED).setCheckState(CHECK)  # the tick column
    assert load_saved(tmp_path / "five.wav").segments[3].confirmed
    assert [f8() for _ in range(3)] == [4, 0, 4]
    assert editor.status.text() == ""
    editor.confirm_row(0)
    table.setCurrentCell(1, TEXT)
    qtbot.keyClick(table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert table.currentRow() == 4  # 1 checked (not uncertain), 4 is the one left
    qtbot.keyClick(table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert table.currentRow() == 4  # none left: the selection stays
    assert editor.status.text() == "All uncertain segments are checked."
    assert editor.progress.text() == "4 of 5 segments checked"
    table.item(4, CHECKED).setCheckState(Qt.CheckState.Unchecked)  # not sure after all
    assert editor.status.text() == ""
    assert f8() == 4


def test_next_uncertain_on_the_real_transcript(qtbot, editor, spoken, tmp_path):
    transcript = fresh(spoken, tmp_path / "talk.wav")
    show(editor, transcript)
    unsure = [i for i, s in enumerate(spoken.segments) if s.confidence < UNCERTAIN_BELOW]
    assert unsure, "robot speech to whisper-base: some words are uncertain"
    visited = []
    for _ in unsure:
        qtbot.keyClick(editor.table, Qt.Key.Key_F8)
        visited.append(editor.table.currentRow())
    assert visited == unsure
    for row in unsure:
        editor.table.item(row, CHECKED).setCheckState(CHECK)
    qtbot.keyClick(editor.table, Qt.Key.Key_F8)
    assert editor.status.text() == "All uncertain segments are checked."


def test_the_shaded_spans_are_exactly_the_uncertain_words(spoken):
    t = made_up(Path("five.wav"))
    # in segment 3 the second "a" (at 5), not the first: a word is looked for after the one before
    assert [uncertain_spans(s) for s in t.segments] == [[(6, 11)], [], [], [(5, 6)], []]
    assert t.segments[0].text[6:11] == "dźeń,"
    low = dataclasses.replace(t.segments[0], words=(*t.segments[0].words, Word(9, 9, "zmylk", 0.1)))
    assert uncertain_spans(low) == [(6, 11)]  # a word not in the text is left out
    assert uncertain_spans(t.segments[0], threshold=0.85) == [(6, 11), (12, 15), (21, 25)]
    t.edit_text(0, "Dobry dźeń, mje rěka Jan!")
    assert uncertain_spans(t.segments[0]) == []  # edited: the words are not the text's any more

    shaded = 0
    for segment in spoken.segments:  # the real model's words, found in its text
        spans = uncertain_spans(segment)
        assert [segment.text[a:b] for a, b in spans] == [w.text for w in segment.uncertain_words()]
        shaded += len(spans)
    assert shaded, "robot speech to whisper-base: some words are uncertain"


def test_the_editor_shades_unchecked_unedited_uncertainty(qtbot, editor, tmp_path):
    transcript = made_up(tmp_path / "shaded.wav")
    show(editor, transcript)
    table = editor.table

    def shading() -> list[tuple[list, bool]]:
        """Per row: the shaded spans of its text, and whether the whole row is shaded."""
        rows = range(table.rowCount())
        spans = [table.item(r, TEXT).data(SHADED_SPANS_ROLE) for r in rows]
        return list(zip(spans, [bool(table.item(r, CHECKED).data(UNSURE_ROW_ROLE)) for r in rows]))

    assert shading() == [
        ([(6, 11)], False),
        ([], False),
        ([], False),
        ([(5, 6)], False),
        ([], True),
    ]
    editor.grab()  # the delegate paints these without error
    table.item(0, TEXT).setText("Dobry dźeń, mje rěka Jan!")  # edited
    editor.confirm_row(3)  # checked
    editor.confirm_row(4)
    assert shading() == [([], False), ([], False), ([], False), ([], False), ([], False)]
    editor.confirm_row(3, False)
    assert shading()[3] == ([(5, 6)], False)
    editor.grab()


def test_a_transcript_of_format_1_opens_with_nothing_checked(qtbot, editor, tmp_path):
    old = {
        "format_version": 1, "file": str(tmp_path / "old.wav"), "duration": 3.0, "language": "cs",
        "model": "m", "text": "x y",
        "segments": [
            {"id": 0, "start": 0.0, "end": 1.0, "text": "x", "avg_logprob": -0.2,
             "no_speech_prob": 0.0},
            {"id": 1, "start": 1.0, "end": 2.0, "text": "y", "avg_logprob": -2.0,
             "no_speech_prob": 0.0},
        ],
    }  # fmt: skip
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    show(editor, formats.read_json(tmp_path / "old.json"))
    table = editor.table
    assert [table.item(r, CHECKED).checkState() for r in (0, 1)] == [Qt.CheckState.Unchecked] * 2
    assert editor.progress.text() == "0 of 2 segments checked"
    assert editor.training.isChecked()
    assert [bool(table.item(r, CHECKED).data(UNSURE_ROW_ROLE)) for r in (0, 1)] == [False, True]
    qtbot.keyClick(table, Qt.Key.Key_F8)
    assert table.currentRow() == 1
    table.item(1, TEXT).setText("z")
    saved = json.loads(autosave_path(tmp_path / "old.wav").read_text(encoding="utf-8"))
    assert saved["format_version"] == 2
    assert saved["segments"][1]["original_text"] == "y" and saved["segments"][1]["confirmed"]
