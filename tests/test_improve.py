"""Improve my model (issue 24, part 4), mechanics only: a tiny random Whisper is the default
model; eight recordings of synthetic speech have transcripts whose segments the user confirmed;
``improve`` cuts them into clips (whole recordings per split), trains a new adapter on top of the
default model, exports it, compares old and new on the held-out recordings and keeps the new one
only if it is better — the old one stays installed either way. With too little checked speech
nothing is trained and the message says how much more is needed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testsupport.cli_runner import one_error_line, run_cli
from testsupport.corrections import TINY_TRAINING

pytest.importorskip("peft")  # training needs the finetune extra

# The fixtures (conftest.py): ``tiny_default``, a store whose default model is the tiny random
# Whisper; ``corrected``, the folder of eight confirmed transcripts (testsupport.corrections).


def test_improve_trains_compares_and_keeps_only_a_better_model(tiny_default, corrected, tmp_path):
    from hsb_whisper.finetune.improve import improve

    store = tiny_default
    result = improve(
        [corrected], tmp_path / "work", min_minutes=0.01, overrides=TINY_TRAINING, store=store
    )
    assert (result.base, result.candidate) == ("tiny", "tiny-v2")
    assert result.test_words > 0 and result.train_minutes > 0
    report = json.loads((tmp_path / "work" / "data" / "report.json").read_text())
    test_clips = report["splits"]["test"]["clips"]
    old = json.loads((tmp_path / "work" / "evaluation-old" / "summary.json").read_text())
    new = json.loads((tmp_path / "work" / "evaluation-new" / "summary.json").read_text())
    assert old["corpus"]["utterances"] == new["corpus"]["utterances"] == test_clips
    assert (result.old_wer, result.new_wer) == (old["corpus"]["wer"], new["corpus"]["wer"])
    # the held-out recordings were never trained on
    train = {json.loads(line)["audio"] for line in (tmp_path / "work/data/train.jsonl").open()}
    test = {json.loads(line)["audio"] for line in (tmp_path / "work/data/test.jsonl").open()}
    assert not {Path(a).parent for a in train} & {Path(a).parent for a in test}
    assert "tiny" in store.names()  # the old model is kept either way
    assert result.installed == (result.new_wer < result.old_wer)
    print(result.summary())  # shown with -s: which way it went
    saved = json.loads((tmp_path / "work" / "improvement.json").read_text())
    assert saved["installed"] == result.installed and saved["summary"] == result.summary()
    if result.installed:
        assert store.default_name == "tiny-v2" and "tiny-v2" in store.names()
        info = store.resolve("tiny-v2").info
        assert info.language == "cs" and "fine-tuned with hsb-whisper" in info.source
        assert "installed as tiny-v2, now the default" in result.summary()
    else:
        assert store.default_name == "tiny" and "tiny-v2" not in store.names()
        assert "not better, so not installed" in result.summary()


def test_too_little_checked_speech_trains_nothing_and_says_how_much_more(
    capsys, tiny_default, corrected, tmp_path
):
    work = tmp_path / "work"
    result = run_cli(capsys, "improve", corrected, "--work-dir", work, "--min-minutes", "60")
    assert result.code == 1
    line = one_error_line(result.err, "needs at least 60")
    assert "minutes of checked speech to train on" in line and "more minutes" in line
    assert not (work / "run").exists()
    assert set(tiny_default.names()) == {"tiny", "whisper-base"}  # nothing installed
    assert tiny_default.default_name == "tiny"


def test_versions_are_numbered_after_the_model(store):
    from hsb_whisper.finetune.improve import next_version

    assert next_version(store, "zalozba-small") == "zalozba-small-v2"
    assert next_version(store, "zalozba-small-v2") == "zalozba-small-v3"


def test_sigterm_while_comparing_leaves_no_new_model_installed(
    capsys, monkeypatch, tiny_default, corrected, tmp_path
):
    """The app's Cancel (and quitting it) sends SIGTERM: arriving after the export installed the
    new model but before the comparison ended, it must not leave that model behind."""
    import os
    import signal
    import sys
    import time

    improve_module = sys.modules["hsb_whisper.finetune.improve"]  # the name is the function's

    def terminated_while_evaluating(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)  # the handler raises here
        raise AssertionError("SIGTERM was not turned into an exception")

    monkeypatch.setattr(improve_module, "evaluate", terminated_while_evaluating)
    before = signal.getsignal(signal.SIGTERM)
    args = ["improve", corrected, "--work-dir", tmp_path / "work", "--min-minutes", "0.01"]
    result = run_cli(capsys, *args, *(f"--set={o}" for o in TINY_TRAINING))
    assert result.code == 1
    one_error_line(result.err, "stopped (SIGTERM)")
    assert (tmp_path / "work" / "run" / "result.json").is_file()  # it got as far as exporting
    assert set(tiny_default.names()) == {"tiny", "whisper-base"}  # tiny-v2 removed again
    assert tiny_default.default_name == "tiny"
    assert signal.getsignal(signal.SIGTERM) is before  # the command's handler is gone again
