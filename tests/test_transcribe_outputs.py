"""Transcripts' outputs: no transcript overwrites a recording or another recording's transcript
(the planning), and on the command line the output location is checked before anything is
transcribed; a write that fails is one line and leaves nothing behind."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from hsb_whisper.transcription.outputs import Clash, plan_outputs

from testsupport.cli_runner import one_error_line, run_cli


def recordings(folder: Path, *names: str) -> list[Path]:
    paths = []
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"audio")
        paths.append(path)
    return paths


def test_same_name_in_different_folders_is_numbered_in_queue_order(tmp_path):
    a, b, c = recordings(tmp_path, "a/interview.mp3", "b/interview.wav", "c/interview.ogg")
    out = tmp_path / "out"
    plan = plan_outputs([a, b, c], ["txt", "srt"], out)
    assert plan.outputs == {
        a: [out / "interview.txt", out / "interview.srt"],
        b: [out / "interview (2).txt", out / "interview (2).srt"],
        c: [out / "interview (3).txt", out / "interview (3).srt"],
    }
    assert plan.clashes == {}
    assert plan_outputs([a, b, c], ["txt", "srt"], out) == plan  # the same queue, the same names
    # next to each input they do not meet
    assert plan_outputs([a, b], ["txt"]).outputs == {
        a: [a.parent / "interview.txt"],
        b: [b.parent / "interview.txt"],
    }


def test_strict_planning_refuses_the_second_of_two_same_names(tmp_path):
    a, b = recordings(tmp_path, "a/interview.mp3", "b/interview.wav")
    out = tmp_path / "out"
    plan = plan_outputs([a, b], ["txt"], out, numbered=False)
    assert plan.outputs == {a: [out / "interview.txt"], b: [out / "interview.txt"]}
    assert plan.clashes == {b: Clash(out / "interview.txt", a, overwrites_input=False)}


def test_output_that_is_an_input_is_never_planned(tmp_path):
    # a recording that happens to be called a.txt, beside a.mp3: neither transcript may be a.txt
    a_mp3, a_txt = recordings(tmp_path, "a.mp3", "a.txt")
    plan = plan_outputs([a_mp3, a_txt], ["txt"])
    assert plan.outputs == {a_mp3: [tmp_path / "a (2).txt"], a_txt: [tmp_path / "a (3).txt"]}
    strict = plan_outputs([a_mp3, a_txt], ["txt"], numbered=False)
    assert strict.clashes == {
        a_mp3: Clash(a_txt, a_txt, overwrites_input=True),
        a_txt: Clash(a_txt, a_txt, overwrites_input=True),
    }


def test_output_that_is_the_input_under_another_name(tmp_path):
    (rec,) = recordings(tmp_path, "in/rec.mp3")
    out = tmp_path / "out"
    out.mkdir()
    os.link(rec, out / "rec.txt")  # the recording's inode under the transcript's name
    (out / "rec (2).txt").symlink_to(rec)
    assert plan_outputs([rec], ["txt"], out).outputs == {rec: [out / "rec (3).txt"]}
    assert plan_outputs([rec], ["txt"], out, numbered=False).clashes == {
        rec: Clash(out / "rec.txt", rec, overwrites_input=True)
    }


def test_outputs_planned_earlier_stay_taken_and_stay_their_inputs(tmp_path):
    a, b, c = recordings(tmp_path, "a/interview.mp3", "b/interview.wav", "c/interview.ogg")
    out = tmp_path / "out"
    first = plan_outputs([a], ["txt"], out)
    (out / "interview.txt").parent.mkdir()
    (out / "interview.txt").write_text("a's transcript, saved earlier in the session")
    second = plan_outputs([b], ["txt"], out, earlier=first.outputs)  # added to the queue later
    assert second.outputs == {b: [out / "interview (2).txt"]}
    earlier = {**first.outputs, **second.outputs}
    # queued again (retry, added twice): the same transcript file, not a third
    assert plan_outputs([b, a], ["txt"], out, earlier=earlier).outputs == {
        b: [out / "interview (2).txt"],
        a: [out / "interview.txt"],
    }
    assert plan_outputs([c], ["txt"], out, earlier=earlier).outputs == {
        c: [out / "interview (3).txt"]
    }
    # another output folder chosen meanwhile: planned anew there
    other = tmp_path / "other"
    assert plan_outputs([b], ["txt"], other, earlier=earlier).outputs == {
        b: [other / "interview.txt"]
    }


def test_a_file_from_an_earlier_run_is_replaced_but_a_folder_is_not(tmp_path):
    (rec,) = recordings(tmp_path, "talk.wav")
    (tmp_path / "talk.txt").write_text("the transcript of an earlier run")
    assert plan_outputs([rec], ["txt"]).outputs == {rec: [tmp_path / "talk.txt"]}
    (tmp_path / "talk.srt").mkdir()
    assert plan_outputs([rec], ["txt", "srt"]).outputs == {
        rec: [tmp_path / "talk (2).txt", tmp_path / "talk (2).srt"]
    }


def test_names_that_differ_only_in_case_are_one_file(tmp_path):
    # Windows and macOS would write both into one file
    a, b = recordings(tmp_path, "a/Interview.wav", "b/interview.mp3")
    out = tmp_path / "out"
    assert plan_outputs([a, b], ["txt"], out).outputs == {
        a: [out / "Interview.txt"],
        b: [out / "interview (2).txt"],
    }


def test_the_same_input_twice_has_one_plan_and_no_clash(tmp_path):
    (rec,) = recordings(tmp_path, "talk.wav")
    spelt_otherwise = tmp_path / "sub" / ".." / "talk.wav"
    (tmp_path / "sub").mkdir()
    plan = plan_outputs([rec, spelt_otherwise], ["txt"], numbered=False)
    assert plan.clashes == {}
    assert plan.outputs[rec] == [tmp_path / "talk.txt"]


# ---- the command line: an output must never be an input ------------------------------------------


FAST = ("-l", "en", "--beam-size", "1", "-q")


def test_output_named_like_the_input_is_refused(capsys, clips, tmp_path, default_model):
    talk = tmp_path / "talk.txt"  # cp talk.mp3 talk.txt; hsb-whisper transcribe -f txt talk.txt
    shutil.copyfile(clips["en_mp3"], talk)
    recording = talk.read_bytes()
    good = tmp_path / "good.wav"
    shutil.copyfile(clips["en"], good)
    result = run_cli(capsys, "transcribe", "-f", "txt", talk, good, *FAST)
    assert result.code == 1
    assert talk.read_bytes() == recording  # the recording is still there
    one_error_line(
        result.err,
        f"{talk}: its output {talk} would overwrite the file itself; use --output-dir DIR "
        "or another --format",
    )
    assert "store" in (tmp_path / "good.txt").read_text(encoding="utf-8").lower()  # others go on


def test_output_of_one_input_that_is_another_input_is_refused(
    capsys, clips, tmp_path, default_model, transcribed
):
    a_mp3, a_txt = tmp_path / "a.mp3", tmp_path / "a.txt"
    shutil.copyfile(clips["en_mp3"], a_mp3)
    shutil.copyfile(clips["en_mp3"], a_txt)  # a recording that happens to be called a.txt
    recording = a_txt.read_bytes()
    result = run_cli(capsys, "transcribe", "-f", "txt", a_mp3, a_txt, *FAST)
    assert result.code == 1
    assert a_txt.read_bytes() == recording
    one_error_line(result.err, f"{a_mp3}: its output {a_txt} would overwrite the input {a_txt};")
    one_error_line(result.err, f"{a_txt}: its output {a_txt} would overwrite the file itself;")
    assert transcribed == []  # refused before any work was done


@pytest.mark.parametrize("link", ["hard", "symbolic", "dotdot"])
def test_output_that_is_the_input_under_another_name_is_refused(
    capsys, clips, tmp_path, default_model, link
):
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir(), out.mkdir()
    if link == "dotdot":  # -o in/../in: the input's own folder, spelt differently
        rec, output_dir = inputs / "rec.txt", inputs / ".." / "in"
    else:
        rec, output_dir = inputs / "rec.mp3", out
    shutil.copyfile(clips["en_mp3"], rec)
    recording = rec.read_bytes()
    target = output_dir / "rec.txt"
    if link == "hard":
        os.link(rec, target)  # the same inode under the output's name
    elif link == "symbolic":
        target.symlink_to(rec)
    result = run_cli(capsys, "transcribe", "-f", "txt", "-o", output_dir, rec, *FAST)
    assert result.code == 1
    assert rec.read_bytes() == recording
    one_error_line(result.err, f"{rec}: its output {target} would overwrite the file itself")


# ---- the output location is checked before anything is transcribed -------------------------------


def test_output_dir_that_is_a_file_or_under_a_file(
    capsys, clips, tmp_path, default_model, transcribed
):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    result = run_cli(capsys, "transcribe", "-o", a_file, clips["en"], *FAST)
    assert result.code == 1
    assert result.err.strip() == (
        f"hsb-whisper: error: --output-dir {a_file}: is a file, not a folder; give a folder"
    )
    under = a_file / "sub" / "dir"
    result = run_cli(capsys, "transcribe", "-o", under, clips["en"], *FAST)
    assert result.code == 1
    assert result.err.strip() == (
        f"hsb-whisper: error: --output-dir {under}: is under {a_file}, which is a file, not a "
        "folder; give a folder"
    )
    assert transcribed == []
    assert a_file.read_text() == "not a folder"


def test_unwritable_output_dir_is_found_before_transcribing(
    capsys, clips, tmp_path, default_model, transcribed, monkeypatch
):
    # Tests run as root, for whom permission bits do not stop anything: a read-only folder is
    # simulated where every write starts, at the creation of a file in it.
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kwargs):
        if dir is not None and Path(dir) == readonly:
            raise PermissionError(errno.EACCES, "Permission denied", str(dir))
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    result = run_cli(capsys, "transcribe", "-o", readonly, clips["en"], *FAST)
    assert result.code == 1
    assert result.err.strip() == (
        f"hsb-whisper: error: --output-dir {readonly}: cannot write there (Permission denied)"
    )
    # next to each input: the file in the read-only folder is refused, the other is transcribed
    rec = readonly / "rec.wav"
    shutil.copyfile(clips["en"], rec)
    good = tmp_path / "good.wav"
    shutil.copyfile(clips["en"], good)
    result = run_cli(capsys, "transcribe", "-f", "txt", rec, good, *FAST)
    assert result.code == 1
    one_error_line(
        result.err,
        f"{rec}: cannot write its output in {readonly} (Permission denied); use --output-dir DIR",
    )
    assert transcribed == [good]
    assert (tmp_path / "good.txt").is_file() and not (readonly / "rec.txt").exists()


def test_output_path_that_is_a_folder_is_refused(
    capsys, clips, tmp_path, default_model, transcribed
):
    out = tmp_path / "out"
    (out / "en.txt").mkdir(parents=True)  # where the transcript of en.wav must go
    result = run_cli(capsys, "transcribe", "-o", out, clips["en"], clips["cs"], *FAST)
    assert result.code == 1
    one_error_line(
        result.err,
        f"{clips['en']}: its output {out / 'en.txt'} is a folder; rename it or use --output-dir",
    )
    assert transcribed == [clips["cs"]]
    assert (out / "cs.txt").is_file() and (out / "en.txt").is_dir()


def test_error_while_writing_is_one_line(capsys, clips, tmp_path, default_model, monkeypatch):
    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # the last step of every atomic write
    out = tmp_path / "out"
    result = run_cli(capsys, "transcribe", "-o", out, "-f", "txt,srt", clips["en"], *FAST)
    assert result.code == 1
    one_error_line(
        result.err, f"{out / 'en.txt'}: the txt output cannot be written (No space left on device)"
    )
    assert list(out.iterdir()) == []  # no half-written file, no temporary leftover
