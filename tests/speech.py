"""Synthetic speech for tests: espeak-ng (Debian package ``espeak-ng``) and PyAV encoders.

Robotic speech says little about real accuracy; it exercises the mechanics with real audio files.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import av
import numpy as np

ESPEAK = shutil.which("espeak-ng")


def speak(text: str, voice: str, path: Path, speed: int | None = None) -> Path:
    """Synthesise ``text`` with espeak-ng into a 22.05 kHz mono 16-bit WAV at ``path``.

    ``speed`` in words per minute; espeak-ng's default (175) when ``None``.
    """
    if ESPEAK is None:
        raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")
    rate = [] if speed is None else ["-s", str(speed)]
    subprocess.run([ESPEAK, "-v", voice, *rate, "-w", str(path), text], check=True)
    return path


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """int16 samples (frames × channels) and the sample rate of a PCM WAV file."""
    with wave.open(str(path), "rb") as w:
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        return data.reshape(-1, w.getnchannels()), w.getframerate()


def write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    samples = samples.reshape(len(samples), -1).astype(np.int16)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(samples.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return path


def speak_sentences(sentences: list[str], voice: str, path: Path, pause_s: float = 1.0) -> Path:
    """Several sentences with ``pause_s`` of silence between them, as one WAV."""
    parts = []
    rate = 22050
    for i, sentence in enumerate(sentences):
        piece, rate = read_wav(speak(sentence, voice, path.with_suffix(f".{i}.wav")))
        parts += [piece, np.zeros((int(pause_s * rate), 1), np.int16)]
        path.with_suffix(f".{i}.wav").unlink()
    return write_wav(path, np.concatenate(parts), rate)


def encode(source_wav: Path, path: Path, codec: str, rate: int, channels: int = 1) -> Path:
    """Re-encode a WAV with PyAV into ``path`` (container from the suffix) with ``codec``."""
    samples, source_rate = read_wav(source_wav)
    mono = samples[:, 0]
    layout = "mono" if channels == 1 else "stereo"
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        resampler = av.AudioResampler(format=stream.format.name, layout=layout, rate=rate)
        interleaved = np.repeat(mono, channels)[None, :]  # packed s16: L0 R0 L1 R1 …
        frame = av.AudioFrame.from_ndarray(interleaved, format="s16", layout=layout)
        frame.sample_rate = source_rate
        for resampled in resampler.resample(frame):
            for packet in stream.encode(resampled):
                out.mux(packet)
        for resampled in resampler.resample(None):
            for packet in stream.encode(resampled):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path
