"""How the command line reports what went wrong: a usage mistake is one line and exit code 2; an
unexpected failure reaches the terminal as one line naming the log file, its traceback goes to
the log file only; a log file that cannot be written is one line, once."""

from __future__ import annotations

import logging

import pytest

from hsb_whisper import audio, paths

from testsupport.cli_runner import run_cli

SAMPLE = "hsb_whisper/assets/samples/hsb-synthetic.mp3"


def _log_text() -> str:
    return (paths.log_dir() / "hsb-whisper.log").read_text(encoding="utf-8")


def test_a_bug_in_transcription_is_one_line_and_the_traceback_is_logged(
    capsys, monkeypatch, default_model
):
    """PyAV 19's ``TypeError`` (an argument ``av.open`` no longer takes) as the user met it:
    the terminal gets one line for the file, naming the log file."""

    def broken_decoder(path):
        raise TypeError("open() got an unexpected keyword argument 'metadata_errors'")
        yield  # a generator, as the real one

    monkeypatch.setattr(audio, "_decode_16k", broken_decoder)
    result = run_cli(capsys, "transcribe", SAMPLE, "-l", "cs")
    assert result.code == 1
    assert "Traceback" not in result.err and 'File "' not in result.err, result.err
    lines = [line for line in result.err.splitlines() if "metadata_errors" in line]
    assert len(lines) == 1, result.err
    assert "TypeError" in lines[0] and str(paths.log_dir()) in lines[0]
    log = _log_text()
    assert "Traceback" in log and "broken_decoder" in log


def test_a_logged_exception_prints_one_line_with_where_its_traceback_is(capsys):
    from hsb_whisper.cli import setup_logging

    log_file = setup_logging()
    capsys.readouterr()
    try:
        raise RuntimeError("the widget fell over")
    except RuntimeError:
        logging.getLogger("hsb_whisper.data.checks").exception("checking x.wav failed")
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "hsb-whisper: ERROR: checking x.wav failed (RuntimeError: the widget fell over); "
        f"traceback in {log_file}"
    ]
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "Traceback" in _log_text() and "the widget fell over" in _log_text()


# ---- usage mistakes exit with 2 ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["-l", "hsb"],
            "language token 'hsb' is not one this model knows (Whisper has no Upper Sorbian "
            "token; models of ours force 'cs')",
        ),
        (["-l", "xx"], "language token 'xx' is not one this model knows; use 'auto' or one of"),
        (
            ["-f", "docx"],
            "unknown output format 'docx'; choose from txt, srt, vtt, json, eaf, textgrid or all",
        ),
        (["-f", "txt,,srt,docx"], "unknown output format 'docx'"),
        (["--beam-size", "0"], "beam size must be at least 1, not 0"),
        (["--threads", "-2"], "threads must be 0 (all cores) or more, not -2"),
    ],
)
def test_usage_mistakes_exit_2(capsys, clips, default_model, transcribed, args, message):
    result = run_cli(capsys, "transcribe", clips["en"], *args)
    assert result.code == 2
    assert result.err.startswith(f"hsb-whisper: error: {message}")
    assert len(result.err.strip().splitlines()) == 1 and result.out == ""
    assert transcribed == []


# ---- the log file --------------------------------------------------------------------------------


def test_a_log_file_that_cannot_be_written_is_one_line(capsys):
    import errno
    import logging
    import logging.handlers

    from hsb_whisper.cli import setup_logging

    class FullDisk:
        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

        def flush(self):
            pass

    setup_logging()
    handler = next(
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    )
    handler.stream.close()
    handler.stream = FullDisk()
    handler.shouldRollover = lambda record: False
    for _ in range(3):
        logging.getLogger("hsb_whisper.test").warning("a message")
    err = capsys.readouterr().err
    assert err.count("cannot write the log file") == 1 and "No space left on device" in err
    assert "Traceback" not in err and "Logging error" not in err
    setup_logging()  # a fresh log file for the tests after this one
