"""An unexpected failure reaches the terminal as one line naming the log file; its traceback
goes to the log file only."""

from __future__ import annotations

import logging

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
