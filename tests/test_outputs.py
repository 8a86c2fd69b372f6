"""Output planning: no transcript overwrites a recording or another recording's transcript."""

from __future__ import annotations

import os
from pathlib import Path

from hsb_whisper.transcription.outputs import Clash, plan_outputs


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
