"""A fake of the parts of the ``sounddevice`` module a recorder uses, replaying a WAV file.

``FakeSoundDevice(wav)`` stands in for the module: ``query_devices()``, ``InputStream(...)`` and
``PortAudioError``. Its stream delivers the file from a thread in blocks of ``block_s`` seconds
(float32, shape ``(frames, channels)``, as PortAudio does), at real-time pace when ``realtime``,
then stops delivering and sets ``exhausted``. ``delivered_samples`` counts the frames passed to the
callback. ``FakeSoundDevice(wav, devices=[])`` has no microphone; ``open_error="…"`` makes opening
a stream raise ``PortAudioError``; ``samplerates=(48000,)`` makes it refuse other rates.
"""

from __future__ import annotations

import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

DEFAULT_DEVICE = {
    "name": "Fake Microphone",
    "index": 0,
    "hostapi": 0,
    "max_input_channels": 1,
    "max_output_channels": 0,
    "default_samplerate": 44100.0,
}


class PortAudioError(Exception):
    """Stands in for ``sounddevice.PortAudioError``."""


def read_wav_float(path: Path, samplerate: int) -> np.ndarray:
    """A 16-bit PCM WAV as float32 mono in [-1, 1) (value / 32768, as FFmpeg decodes), linearly
    resampled to ``samplerate`` if needed (good enough for a fake microphone)."""
    with wave.open(str(path), "rb") as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        pcm = pcm.reshape(-1, w.getnchannels())[:, 0]
        rate = w.getframerate()
    audio = pcm.astype(np.float32) / 32768
    if rate != samplerate:
        n = round(len(audio) * samplerate / rate)
        audio = np.interp(np.arange(n) * rate / samplerate, np.arange(len(audio)), audio)
        audio = audio.astype(np.float32)
    return audio


class FakeInputStream:
    """Replays the device's audio to ``callback`` from a thread, as ``sounddevice.InputStream``
    delivers the microphone's (``blocksize`` is ignored: the device's ``block_s`` rules)."""

    def __init__(
        self,
        device: FakeSoundDevice,
        samplerate: float,
        channels: int,
        dtype: str,
        blocksize: int,
        device_index: int | str | None,
        callback: Callable[[np.ndarray, int, Any, Any], None],
    ) -> None:
        self._dev = device
        self.samplerate = int(samplerate)
        self.channels = channels
        self.dtype = dtype
        self.blocksize = blocksize  # recorded for tests; the device's block_s rules
        self.device = device_index
        self.callback = callback
        self.audio = read_wav_float(device.wav_path, self.samplerate)
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        self.active = False
        self.closed = False

    def __enter__(self) -> FakeInputStream:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self.close()

    def start(self) -> None:
        self.active = True
        self._thread = threading.Thread(target=self._run, name="fake-portaudio", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Like PortAudio's: returns once the callback will not be called again."""
        self._halt.set()
        if self._thread is not None:
            self._thread.join()
        self.active = False

    def close(self) -> None:
        self.stop()
        self.closed = True

    def _run(self) -> None:
        dev = self._dev
        block = max(1, round(dev.block_s * self.samplerate))
        t0 = time.monotonic()
        for i, pos in enumerate(range(0, len(self.audio), block)):
            if self._halt.is_set():
                return
            if dev.before_block is not None:
                dev.before_block(i)
            data = self.audio[pos : pos + block]
            indata = np.repeat(data[:, None], self.channels, axis=1)  # (frames, channels)
            self.callback(indata, len(data), None, dev.status_flags)
            dev._add_delivered(len(data))
            if dev.after_block is not None:
                dev.after_block(i)
            if dev.realtime:  # pace: block i+1 is due when i+1 blocks' worth of time has passed
                due = t0 + (pos + len(data)) / self.samplerate
                if self._halt.wait(max(0.0, due - time.monotonic())):
                    return
        dev.exhausted.set()


class FakeSoundDevice:
    """The ``sounddevice`` module as far as a recorder uses it, with one fake microphone that
    plays ``wav_path``."""

    PortAudioError = PortAudioError

    def __init__(
        self,
        wav_path: str | Path | None = None,
        realtime: bool = True,
        block_s: float = 0.1,
        devices: list[dict] | None = None,
        open_error: str | None = None,
        samplerates: tuple[int, ...] | None = None,
        before_block: Callable[[int], None] | None = None,
        after_block: Callable[[int], None] | None = None,
    ) -> None:
        self.wav_path = Path(wav_path) if wav_path is not None else None
        self.realtime = realtime
        self.block_s = block_s
        self.devices = [dict(DEFAULT_DEVICE)] if devices is None else devices
        self.open_error = open_error
        self.samplerates = samplerates
        self.before_block = before_block  # called on the stream thread before block i
        self.after_block = after_block  # … and after it was delivered
        self.status_flags = None  # what the callback gets as ``status``
        self.exhausted = threading.Event()
        self.streams: list[FakeInputStream] = []
        self._delivered = 0
        self._cond = threading.Condition()

    @property
    def delivered_samples(self) -> int:
        with self._cond:
            return self._delivered

    def _add_delivered(self, n: int) -> None:
        with self._cond:
            self._delivered += n
            self._cond.notify_all()

    def wait_delivered(self, samples: int, timeout: float = 10.0) -> int:
        """Block until at least ``samples`` frames were delivered; returns the count."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._delivered >= samples, timeout):
                raise TimeoutError(f"only {self._delivered} of {samples} samples delivered")
            return self._delivered

    def query_devices(self, device: int | str | None = None, kind: str | None = None) -> Any:
        if device is None and kind is None:
            return list(self.devices)
        if device is None:  # the default device of a kind, as PortAudio reports it
            key = "max_input_channels" if kind == "input" else "max_output_channels"
            found = [d for d in self.devices if d[key] > 0]
            if not found:
                raise PortAudioError("Error querying device -1")
            return found[0]
        for d in self.devices:
            if device in (d["index"], d["name"]):
                return d
        raise ValueError(f"No input/output device matching {device!r}")

    def InputStream(  # the sounddevice name
        self,
        samplerate: float | None = None,
        channels: int = 1,
        dtype: str = "float32",
        blocksize: int = 0,
        device: int | str | None = None,
        callback: Callable[[np.ndarray, int, Any, Any], None] | None = None,
    ) -> FakeInputStream:
        if self.open_error is not None:
            raise PortAudioError(self.open_error)
        if not any(d["max_input_channels"] > 0 for d in self.devices):
            raise PortAudioError("Error querying device -1")
        if self.samplerates is not None and samplerate not in self.samplerates:
            raise PortAudioError(
                "Error opening InputStream: Invalid sample rate [PaErrorCode -9997]"
            )
        if dtype != "float32" or callback is None:
            raise NotImplementedError("the fake only delivers float32 to a callback")
        if self.wav_path is None:
            raise NotImplementedError("the fake needs a WAV file to replay")
        stream = FakeInputStream(
            self, samplerate or 44100, channels, dtype, blocksize, device, callback
        )
        self.streams.append(stream)
        return stream

    @property
    def audio(self) -> np.ndarray:
        """What the (last) stream replays: float32 mono at the stream's rate."""
        return self.streams[-1].audio
