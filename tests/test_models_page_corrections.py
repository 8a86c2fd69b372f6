"""The Models page's "how good is the model for me": the selected model's word error rate on the
user's corrections of its own output, from the transcripts the app saved."""

from __future__ import annotations

from pathlib import Path

import pytest

from hsb_whisper import paths
from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.transcription import formats
from hsb_whisper.transcription.transcript import AudioInfo, Segment, Transcript

WAIT_MS = 30_000
PENDING = "On your corrections: …"
NONE_YET = (
    "No corrected transcripts of this model yet: correct or check segments in the Transcript tab."
)
LONG = " ".join(["słowo"] * 1200)  # 1200 words the model got right


def transcript(model: str, audio: str, rows: list[tuple[str, str | None, float, float]]):
    """Rows of (model's text, the user's: None = checked as it is, "" = never looked at, start,
    end)."""
    t = Transcript(
        AudioInfo(Path(audio), 600.0, "cs", 1.0),
        [Segment(start, end, text, -0.2, 0.01) for text, _, start, end in rows],
        model,
    )
    for i, (_, user, _, _) in enumerate(rows):
        if user is None:
            t.confirm(i)
        elif user:
            t.edit_text(i, user)
    return t


def save(t: Transcript, name: str) -> Path:
    folder = paths.transcripts_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return formats.save(t, folder / f"{name}.json", "json")


def save_corrections(tmp_path: Path) -> None:
    """whisper-base's own transcripts of two recordings: 1200 + 5 + 1 = 1206 reference words,
    1 deletion ("tam") + 1 substitution ("derje" for "Wutrobnje") = 2 errors, in 30 + 36 + 12 =
    78 s of confirmed segments; one of hsb-good; a private one and another model's, which do
    not count for whisper-base."""
    save(
        transcript(
            "whisper-base",
            str(tmp_path / "a.wav"),
            [
                (LONG, None, 0.0, 30.0),
                ("ja bydlu w budyšinje", "Ja bydlu w Budyšinje tam.", 30.0, 66.0),
                ("njewěm što", "", 66.0, 70.0),  # not checked: not counted
            ],
        ),
        "a",
    )
    save(transcript("whisper-base", str(tmp_path / "b.wav"), [("derje", "Wutrobnje!", 0, 12)]), "b")
    private = transcript("whisper-base", str(tmp_path / "p.wav"), [("x y z", "Mój telefon", 0, 9)])
    private.excluded_from_training = True
    save(private, "private")
    save(transcript("someone-else", str(tmp_path / "s.wav"), [("a b", "c d", 0, 60)]), "other")
    # hsb-good: 3 words, 1 substitution, 90 s, in one recording
    good = transcript(
        "hsb-good", str(tmp_path / "g.wav"), [("dobry dźeń jan", "Dobry dźeń, Jano!", 0, 90)]
    )
    save(good, "g")


def page_of(qtbot, store):
    from hsb_whisper.desktop.ui.models_page import ModelsPage

    page = ModelsPage(store)
    qtbot.addWidget(page)
    return page


def shown(qtbot, page, name: str) -> str:
    """The corrections line of model ``name``: "…" until its thread has computed the figure
    (the first row's starts with the page)."""
    page.select(name)
    assert page.details.toPlainText().endswith(PENDING) or name in page._corrections
    qtbot.waitUntil(lambda: not page.details.toPlainText().endswith(PENDING), timeout=WAIT_MS)
    assert page.list.currentItem().text().startswith(name)
    details = page.details.toPlainText()
    assert f"Name: {name}" in details
    return details.split("\n\n")[-1]


def test_the_models_own_word_error_rate_on_your_corrections(qtbot, store, good, tmp_path):
    save_corrections(tmp_path)
    page = page_of(qtbot, store)
    assert page.list.currentItem().text() == "hsb-good"
    assert page.details.toPlainText().endswith(PENDING)  # computed in a thread meanwhile
    assert shown(qtbot, page, "whisper-base") == (
        "On your 1.3 corrected minutes (1\u202f206 words in 2 recordings) this model got "
        f"{100 * 2 / 1206:.1f} % of words wrong."
    )
    assert shown(qtbot, page, "hsb-good") == (
        "On your 1.5 corrected minutes (3 words in one recording) this model got "
        f"{100 * 1 / 3:.1f} % of words wrong."
    )
    # Computed once per model: going back shows it at once, nothing runs.
    page.select("whisper-base")
    assert page.details.toPlainText().endswith("2 recordings) this model got 0.2 % of words wrong.")
    assert page._scoring == {}


def test_no_corrections_yet_and_a_refresh_computes_again(qtbot, store, tmp_path):
    page = page_of(qtbot, store)
    assert shown(qtbot, page, "whisper-base") == NONE_YET
    save_corrections(tmp_path)
    page.select("whisper-base")
    assert page.details.toPlainText().endswith(NONE_YET)  # kept until the page is refreshed
    page.refresh()
    assert shown(qtbot, page, "whisper-base").startswith("On your 1.3 corrected minutes")


def test_coming_back_to_the_page_computes_again(qtbot, store, tmp_path):
    """The user corrects on the Transcript tab, then looks at the Models tab again."""
    page = page_of(qtbot, store)
    page.show()
    assert shown(qtbot, page, "whisper-base") == NONE_YET
    page.hide()
    save_corrections(tmp_path)
    page.show()
    assert page.details.toPlainText().endswith(PENDING)
    assert shown(qtbot, page, "whisper-base").startswith("On your 1.3 corrected minutes")


def test_a_damaged_transcript_is_one_line_and_the_others_count(qtbot, store, tmp_path):
    save_corrections(tmp_path)
    (paths.transcripts_dir() / "damaged.json").write_text('{"format": 2, "segm', encoding="utf-8")
    page = page_of(qtbot, store)
    line = shown(qtbot, page, "whisper-base")
    assert line.split("\n") == [
        "On your 1.3 corrected minutes (1\u202f206 words in 2 recordings) this model got "
        f"{100 * 2 / 1206:.1f} % of words wrong.",
        "Saved transcripts that could not be read: 1 (the log names them).",
    ]


@pytest.mark.parametrize("error", [HsbWhisperError("cannot read /x: gone"), KeyError("bug")])
def test_a_failure_is_one_line(qtbot, store, monkeypatch, error):
    from hsb_whisper.desktop.ui import models_page

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(models_page, "corrections_wer", fail)
    page = page_of(qtbot, store)
    expected = "cannot read /x: gone" if isinstance(error, HsbWhisperError) else "KeyError: 'bug'"
    assert shown(qtbot, page, "whisper-base") == (
        f"Your corrections could not be scored: {expected}"
    )


def test_a_finished_task_ends_its_thread_without_the_gui_thread(qtbot):
    """At exit the window waits for running tasks on the GUI thread (wait_all): a task whose
    call has returned must end its thread by itself, not when the GUI thread delivers its
    result — that waited out the whole timeout of 30 s at every close."""
    import threading

    from hsb_whisper.desktop.ui.task import Task, wait_all

    returned = threading.Event()

    def call(worker):
        returned.set()
        return 42

    task = Task(call).start()
    assert returned.wait(10)
    assert task.wait(10_000)  # no event processed here: the thread ended on its own
    assert wait_all(10_000)
    qtbot.waitUntil(lambda: not task.running())
