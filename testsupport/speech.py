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

# What the tests' clips say (conftest.py's ``clips``), and what the app and recorder tests replay.
EN_SENTENCE = "Please call Stella and ask her to bring these things with her from the store."
EN_SENTENCES = [
    "Please call Stella.",
    "Ask her to bring these things with her from the store.",
    "Six spoons of fresh snow peas, five thick slabs of blue cheese, and a snack for her brother.",
    "We also need a small plastic snake and a big toy frog for the kids.",
]
CS_SENTENCE = "Dobrý den, jmenuji se Jan a bydlím v Praze. Dnes je krásné počasí."


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


# Three synthetic voices chosen (of 20 tried) for how far apart the speaker encoder puts them:
# average cosine distance 0.57–0.58 between them, 0.11–0.20 within each (real voices differ more).
CONVERSATION_VOICES = (("en+klatt", 10), ("en+anika", 80), ("de+f5", 65))
CONVERSATION_LINES = (
    "Good morning, and welcome to our programme about the villages of Lusatia.",
    "Thank you. I grew up in a small village near Bautzen, where everybody spoke Sorbian.",
    "And I come from Hoyerswerda, where most families spoke German at home.",
    "How did the language sound at home when you were a child?",
    "My grandmother told long stories every evening, and we children listened to every word.",
    "We had no stories at home, but we sang many old songs together.",
    "Which songs do you still remember from those years?",
    "I remember the songs for the spring festival, and the one about the miller.",
    "I remember above all the Christmas songs in the church.",
    "That is a beautiful memory. Thank you both for coming today.",
)


def speak_conversation(
    path: Path,
    turns: list[tuple[int, str]] | None = None,
    voices=CONVERSATION_VOICES,
    pause_s: float = 0.7,
) -> tuple[Path, list[tuple[float, float, int]]]:
    """A conversation as one 16 kHz WAV: each ``(speaker, text)`` turn spoken by
    ``voices[speaker]`` (espeak-ng voice, pitch 0–99), ``pause_s`` between turns. Returns the
    path and the truth: ``(start, end, speaker)`` of every turn, in seconds (speech only, the
    leading and trailing silence espeak adds trimmed away)."""
    if turns is None:
        turns = [(i % len(voices), line) for i, line in enumerate(CONVERSATION_LINES)]
    rate = 16000
    parts, truth, at = [np.zeros(int(0.5 * rate), np.int16)], [], int(0.5 * rate)
    for i, (speaker, text) in enumerate(turns):
        voice, pitch = voices[speaker]
        raw = path.with_suffix(f".{i}.wav")
        subprocess.run([ESPEAK, "-v", voice, "-p", str(pitch), "-w", str(raw), text], check=True)
        samples, source_rate = read_wav(raw)
        raw.unlink()
        samples = samples[:, 0].astype(np.float32)
        # espeak-ng writes 22.05 kHz: resample linearly (fine for tests of speaker mechanics)
        positions = np.arange(0, len(samples) - 1, source_rate / rate)
        samples = np.interp(positions, np.arange(len(samples)), samples)
        loud = np.flatnonzero(np.abs(samples) > 300)
        samples = samples[loud[0] : loud[-1] + 1] if len(loud) else samples
        parts += [samples.astype(np.int16), np.zeros(int(pause_s * rate), np.int16)]
        truth.append((at / rate, (at + len(samples)) / rate, speaker))
        at += len(samples) + int(pause_s * rate)
    return write_wav(path, np.concatenate(parts), rate), truth


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
