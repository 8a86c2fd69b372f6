"""The app's output folder: every finished file gets its own transcript file, on the real
default model (pytest-qt, offscreen)."""

from __future__ import annotations

import io
import shutil

from hsb_whisper.desktop.ui.main_window import MainWindow
from hsb_whisper.desktop.ui.settings import AppSettings
from hsb_whisper.transcription import formats

from testsupport.fake_stream import FakeSoundDevice

WAIT_MS = 120_000
TWO = ("interview.txt", "interview (2).txt")


def test_same_names_from_two_folders_get_two_transcripts(qtbot, clips, default_model, tmp_path):
    out = tmp_path / "transcripts"
    out.mkdir()
    short, long = tmp_path / "a" / "interview.wav", tmp_path / "b" / "interview.mp3"
    later = tmp_path / "c" / "interview.wav"
    for clip, path in ((clips["en"], short), (clips["en_long"], long), (clips["en"], later)):
        path.parent.mkdir()
        shutil.copyfile(clip, path)
    settings = AppSettings(language="en", beam_size=1, output_dir=str(out))
    win = MainWindow(settings, sd=FakeSoundDevice(devices=[]))
    qtbot.addWidget(win)
    ids = win.files.add_paths([short, long])
    # queued before either is transcribed: the names are given in the queue's order
    assert [win.files.jobs[i].outputs for i in ids] == [[out / name] for name in TWO]
    qtbot.waitUntil(lambda: all(win.files.jobs[i].state == "done" for i in ids), timeout=WAIT_MS)
    first, second = ((out / name).read_text(encoding="utf-8") for name in TWO)
    assert "store" in first.lower() and "snake" not in first.lower()
    assert "snake" in second.lower()  # only the long recording speaks of a snake
    for job_id, text in zip(ids, (first, second)):
        written = io.StringIO()
        formats.write_txt(win.files.jobs[job_id].transcript, written)
        assert text == written.getvalue()  # each file holds its own recording's transcript

    # added to the queue once the others are saved: a third name, the others stay as they are
    (third,) = win.files.add_paths([later])
    qtbot.waitUntil(lambda: win.files.jobs[third].state == "done", timeout=WAIT_MS)
    assert sorted(p.name for p in out.iterdir()) == [
        "interview (2).txt",
        "interview (3).txt",
        "interview.txt",
    ]
    assert "store" in (out / "interview (3).txt").read_text(encoding="utf-8").lower()
    assert (out / "interview (2).txt").read_text(encoding="utf-8") == second
    win.close()
