"""The transcription path never touches the network and never imports torch."""

from __future__ import annotations

from testsupport.cli_runner import run_cli_offline


def test_transcribe_with_sockets_forbidden(clips, default_model, tmp_path):
    proc = run_cli_offline("transcribe", clips["en"], "-l", "en", "-f", "json", "-o", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "heavy: []" in proc.stdout
    assert "stella" in (tmp_path / "en.json").read_text(encoding="utf-8").lower()
