"""The transcription path never touches the network and never imports torch."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def test_transcribe_with_sockets_forbidden(clips, default_model, tmp_path):
    script = textwrap.dedent(
        f"""
        import socket, sys

        class NoNetwork(socket.socket):
            def __init__(self, *args, **kwargs):
                raise OSError("network access attempted")

        socket.socket = NoNetwork
        socket.create_connection = NoNetwork
        from hsb_whisper.desktop.cli import main
        code = main(["transcribe", {str(clips["en"])!r}, "-l", "en", "-f", "json",
                     "-o", {str(tmp_path)!r}])
        heavy = sorted(m for m in ("torch", "transformers", "peft", "PySide6") if m in sys.modules)
        print("heavy:", heavy)
        sys.exit(code)
        """
    )
    env = {**os.environ, "HSB_WHISPER_HOME": os.environ["HSB_WHISPER_HOME"]}
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        env.pop(name, None)  # the product must set them itself
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "heavy: []" in proc.stdout
    assert "stella" in (tmp_path / "en.json").read_text(encoding="utf-8").lower()
