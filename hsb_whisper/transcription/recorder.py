"""Recording from a microphone to a WAV file that survives a crash (no Qt).

A :class:`Recorder` captures float32 mono audio at 16 kHz (what Whisper wants) and writes it as
16-bit PCM WAV *while* it is captured:

- The PortAudio callback only copies each block into a queue: it never blocks, allocates little
  and does no I/O (a callback that misses its deadline makes PortAudio drop audio).
- A writer thread appends the blocks with the stdlib :mod:`wave` module, whose ``writeframes``
  patches the RIFF and data sizes in the header after every call, flushes them to the operating
  system at once and ``fsync``\\ s at least every :data:`SYNC_INTERVAL_S`. A process killed with
  SIGKILL therefore leaves a valid WAV holding everything but the blocks still queued (a few
  tens of milliseconds); a power cut loses at most the last :data:`SYNC_INTERVAL_S` more.
- :meth:`Recorder.stop` stops the stream, then drains every queued block to the file before
  closing it: the file holds exactly the samples the stream delivered while not paused.

The sound hardware comes in as an argument (``sd``: the ``sounddevice`` module, or a fake with the
same ``query_devices`` / ``InputStream`` / ``PortAudioError`` API), as in Buzz, so that tests can
replay a file through a fake stream.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import logging
import math
import os
import queue
import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from hsb_whisper.audio import SAMPLE_RATE  # recording at Whisper's rate saves resampling
from hsb_whisper.errors import HsbWhisperError

log = logging.getLogger(__name__)

CHANNELS = 1  # mono: Whisper mixes down anyway
BLOCK_S = 0.05  # seconds per PortAudio block: a level meter at 20 Hz, latency far below notice
SYNC_INTERVAL_S = 0.5  # longest time written audio waits for os.fsync (what a power cut loses)
SAMPLE_WIDTH = 2  # bytes per sample: 16-bit PCM
INT16_SCALE = 32768  # float full scale 1.0 ↔ int16 32768 (clipped to 32767), as FFmpeg decodes
# Level reported for digital silence: that of a single 16-bit step, 20·log10(1/32768).
SILENCE_DBFS = 20 * math.log10(1 / INT16_SCALE)  # -90.3 dBFS
MAX_BATCH_BLOCKS = 64  # blocks the writer joins into one write when it has fallen behind
WRITER_THREAD_NAME = "hsb-recorder-writer"

_STOP = object()  # queue sentinel: the stream has stopped, nothing follows


class RecorderError(HsbWhisperError):
    """No microphone, a microphone that cannot be opened, or a recording that cannot be written."""


class RecorderState(enum.Enum):
    IDLE = "idle"  # made, not started
    RECORDING = "recording"
    PAUSED = "paused"  # the stream runs, its blocks are dropped
    STOPPING = "stopping"  # stop() is draining the queue to the file
    STOPPED = "stopped"  # the file is complete and closed; a recorder is used once


@dataclasses.dataclass(frozen=True)
class InputDevice:
    index: int  # PortAudio device index, what ``Recorder(device=...)`` takes
    name: str
    default_samplerate: float  # Hz
    is_default: bool  # the system's default input device


@dataclasses.dataclass(frozen=True)
class RecordingResult:
    path: Path  # the finished WAV: 16-bit PCM, mono, at the recorder's sample rate
    samples: int  # frames in the file
    seconds: float  # samples / sample rate


def input_devices(sd: Any) -> list[InputDevice]:
    """The devices that can record (at least one input channel), in PortAudio's order.

    ``sd`` is the ``sounddevice`` module or a fake of it. An empty list means no microphone.
    """
    try:
        default = sd.query_devices(kind="input")["index"]
    except (sd.PortAudioError, KeyError, TypeError):  # no default input device
        default = None
    devices = []
    for i, d in enumerate(sd.query_devices()):
        if d.get("max_input_channels", 0) > 0:
            index = d.get("index", i)
            devices.append(
                InputDevice(index, d["name"], float(d["default_samplerate"]), index == default)
            )
    return devices


class Recorder:
    """Records one take from an input device into a WAV file (16-bit PCM mono).

    ``sd`` is the ``sounddevice`` module (or a fake of it); ``path`` the WAV to write (replaced if
    it exists). ``device`` is an :attr:`InputDevice.index` or a name (``None``: the system
    default; a name matches any device whose name contains it). Optional callbacks, all called
    on the writer thread in capture order and never while paused, so they must not block for
    long and must not call :meth:`stop`:

    - ``on_level(rms_dbfs, peak_dbfs)`` for every block, levels in dBFS (floor
      :data:`SILENCE_DBFS`);
    - ``on_audio(block)`` for every block written: float32 mono at ``samplerate``, shape
      ``(frames,)`` (for the live transcriber);
    - ``on_error(error)`` once, if writing the file fails (disk full…); :meth:`stop` raises it too.

    :meth:`start`, :meth:`pause`, :meth:`resume` and :meth:`stop` may be called from any thread.
    """

    def __init__(
        self,
        sd: Any,
        path: str | Path,
        samplerate: int = SAMPLE_RATE,
        device: int | str | None = None,
        on_level: Callable[[float, float], None] | None = None,
        on_audio: Callable[[np.ndarray], None] | None = None,
        on_error: Callable[[RecorderError], None] | None = None,
    ) -> None:
        self._sd = sd
        self.path = Path(path)
        self.samplerate = samplerate
        self.device = device
        self._on_level = on_level
        self._on_audio = on_audio
        self._on_error = on_error
        self._state = RecorderState.IDLE
        self._lock = threading.Lock()  # state transitions (short)
        self._stop_lock = threading.Lock()  # one stop() at a time; held while draining
        self._queue: queue.SimpleQueue = queue.SimpleQueue()  # put() never blocks
        self._paused = False  # read by the PortAudio callback: a plain bool, no lock
        self._stream: Any = None
        self._writer: threading.Thread | None = None
        self._file: Any = None
        self._wav: wave.Wave_write | None = None
        self._captured = 0  # frames queued by the callback (not paused); callback thread only
        self._written = 0  # frames in the file; writer thread only
        self._overflows = 0  # callbacks that reported lost input; writer thread only
        self._error: RecorderError | None = None
        self._failed_callbacks: set[str] = set()  # names of callbacks that raised (logged once)
        self._result: RecordingResult | None = None
        self.device_name: str | None = None  # of the device opened, once started

    @property
    def state(self) -> RecorderState:
        return self._state

    @property
    def seconds(self) -> float:
        """Seconds captured so far (not counting pauses): for an elapsed-time display."""
        return self._captured / self.samplerate

    @property
    def error(self) -> RecorderError | None:
        """The write error that ended the recording early, if any."""
        return self._error

    # -- starting ----------------------------------------------------------------------------------

    def start(self) -> None:
        """Open the input device and start recording into :attr:`path`.

        Raises ``RecorderError`` when there is no microphone, the device cannot be opened (busy,
        unplugged, refuses ``samplerate`` mono) or the file cannot be created; then nothing is
        left running and no file is left behind.
        """
        with self._lock:
            if self._state is not RecorderState.IDLE:
                raise RecorderError(
                    f"the recorder is already {self._state.value}; make a new one for a new take"
                )
            self.device_name = self._device_name()
            self._open_file()
            self._writer = threading.Thread(
                target=self._write_loop, name=WRITER_THREAD_NAME, daemon=True
            )
            self._writer.start()
            try:
                self._stream = self._open_stream()
            except BaseException:
                self._queue.put(_STOP)
                self._writer.join()
                self.path.unlink(missing_ok=True)
                raise
            self._state = RecorderState.RECORDING
        log.info("recording from %r at %d Hz into %s", self.device_name, self.samplerate, self.path)

    def _device_name(self) -> str:
        """The name of the device to open; raises ``RecorderError`` if there is none."""
        try:
            devices = input_devices(self._sd)
        except self._sd.PortAudioError as e:
            raise RecorderError(f"no microphone found; the sound system failed ({e})") from e
        if not devices:
            raise RecorderError(
                "no microphone found; connect one and check that the system's sound settings "
                "allow recording"
            )
        if self.device is None:
            chosen = next((d for d in devices if d.is_default), devices[0])
            self.device = chosen.index
            return chosen.name
        for d in devices:
            if self.device == d.index or (
                isinstance(self.device, str) and self.device.lower() in d.name.lower()
            ):
                return d.name
        names = ", ".join(f"{d.index}: {d.name}" for d in devices)
        raise RecorderError(f"no input device {self.device!r}; the input devices are {names}")

    def _open_file(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Both stay open for the whole take; the writer thread closes them.
            self._file = open(self.path, "wb")  # noqa: SIM115
            self._wav = wave.open(self._file, "wb")  # noqa: SIM115
            self._wav.setnchannels(CHANNELS)
            self._wav.setsampwidth(SAMPLE_WIDTH)
            self._wav.setframerate(self.samplerate)
            self._wav.writeframes(b"")  # writes the header: a valid empty WAV from the start
            self._file.flush()
        except OSError as e:
            if self._file is not None:
                with contextlib.suppress(OSError):  # flushing the header may fail again
                    self._file.close()
            raise RecorderError(
                f"{self.path}: cannot create the recording ({e.strerror or e})"
            ) from e

    def _open_stream(self) -> Any:
        sd = self._sd
        stream = None
        try:
            stream = sd.InputStream(
                samplerate=self.samplerate,
                channels=CHANNELS,
                dtype="float32",
                blocksize=round(BLOCK_S * self.samplerate),
                device=self.device,
                callback=self._callback,
            )
            stream.start()
        except (sd.PortAudioError, ValueError) as e:
            if stream is not None:
                stream.close()
            raise RecorderError(
                f"the microphone {self.device_name!r} cannot record {self.samplerate} Hz mono ({e})"
            ) from e
        return stream

    # -- the PortAudio callback (real-time: no blocking, no I/O) -----------------------------------

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        if self._paused:
            return
        self._captured += frames
        self._queue.put((indata[:, 0].copy(), status or None))

    # -- pausing -----------------------------------------------------------------------------------

    def pause(self) -> None:
        """Drop the blocks captured from now on until :meth:`resume` (the stream keeps running, so
        resuming is instant). Does nothing unless recording."""
        with self._lock:
            if self._state is RecorderState.RECORDING:
                self._paused = True
                self._state = RecorderState.PAUSED
                log.info("recording paused at %.2f s", self.seconds)

    def resume(self) -> None:
        """Record again after :meth:`pause`. Does nothing unless paused."""
        with self._lock:
            if self._state is RecorderState.PAUSED:
                self._paused = False
                self._state = RecorderState.RECORDING
                log.info("recording resumed at %.2f s", self.seconds)

    # -- stopping ----------------------------------------------------------------------------------

    def stop(self) -> RecordingResult:
        """Stop the stream, write every queued block and close the file.

        Idempotent and thread-safe: later or concurrent calls return the same result. Raises
        ``RecorderError`` if the recorder was never started or the file could not be written (the
        file then holds what was written before the error).
        """
        if self._writer is not None and threading.current_thread() is self._writer:
            raise RuntimeError("Recorder.stop() cannot be called from its own callbacks")
        with self._stop_lock:
            if self._result is None:
                with self._lock:
                    if self._state is RecorderState.IDLE:
                        raise RecorderError("the recorder was never started")
                    self._state = RecorderState.STOPPING
                self._stop_stream()
                # The stream is stopped: no callback runs any more, so the sentinel is the last item
                # and the writer drains everything queued before it.
                self._queue.put(_STOP)
                assert self._writer is not None
                self._writer.join()
                self._result = RecordingResult(
                    self.path, self._written, self._written / self.samplerate
                )
                self._state = RecorderState.STOPPED
                if self._overflows:
                    log.warning("the input overflowed %d times: audio was lost", self._overflows)
                log.info("recorded %.2f s into %s", self._result.seconds, self.path)
        if self._error is not None:
            raise self._error
        return self._result

    def _stop_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            stream.stop()  # returns once the last callback has run
        except self._sd.PortAudioError as e:  # e.g. the device was unplugged
            log.warning("stopping the input stream failed: %s", e)
        finally:
            stream.close()

    # -- the writer thread -------------------------------------------------------------------------

    def _write_loop(self) -> None:
        """Append queued blocks to the WAV until the stop sentinel; close the file at the end."""
        last_sync = time.monotonic()
        unsynced = False
        try:
            while True:
                items = self._next_items()
                done = bool(items) and items[-1] is _STOP
                if done:
                    items.pop()
                self._overflows += sum(1 for _, status in items if status)
                blocks = [block for block, _ in items]
                written = bool(blocks) and self._error is None and self._append(blocks)
                unsynced |= written
                if unsynced and (done or time.monotonic() - last_sync >= SYNC_INTERVAL_S):
                    unsynced = not self._sync()
                    last_sync = time.monotonic()
                for block in blocks if written else ():
                    self._notify(block)
                if done:
                    return
        except Exception as e:  # a bug: record it so that stop() reports it, keep the file valid
            self._fail(e)
        finally:
            self._close_file()

    def _next_items(self) -> list:
        """The queued (block, status) items, waiting at most SYNC_INTERVAL_S for the first; a
        backlog comes as one batch of up to MAX_BATCH_BLOCKS, ending early at the stop sentinel."""
        try:
            items = [self._queue.get(timeout=SYNC_INTERVAL_S)]
        except queue.Empty:
            return []
        while items[-1] is not _STOP and len(items) < MAX_BATCH_BLOCKS:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return items

    def _append(self, blocks: list[np.ndarray]) -> bool:
        """Write ``blocks`` (float32) as int16 and hand them to the OS; False after an error."""
        audio = np.concatenate(blocks) if len(blocks) > 1 else blocks[0]
        pcm = np.clip(np.rint(audio * INT16_SCALE), -INT16_SCALE, INT16_SCALE - 1).astype("<i2")
        try:
            assert self._wav is not None
            self._wav.writeframes(pcm.tobytes())  # also patches the header's sizes
            self._file.flush()  # to the OS now: a killed process loses nothing written
        except OSError as e:
            self._fail(e)
            return False
        self._written += len(pcm)
        return True

    def _sync(self) -> bool:
        try:
            os.fsync(self._file.fileno())
        except OSError as e:
            self._fail(e)
            return False
        return True

    def _fail(self, e: Exception) -> None:
        """Record the first write error (later ones only go to the log) and report it."""
        if self._error is not None:
            log.debug("writing %s failed again: %s", self.path, e)
            return
        reason = getattr(e, "strerror", None) or e
        self._error = RecorderError(
            f"{self.path}: writing the recording failed after {self._written / self.samplerate:.1f}"
            f" s ({reason}); the file holds the audio up to there"
        )
        log.error("%s", self._error, exc_info=e)
        if self._on_error is not None:
            self._call("on_error", self._on_error, self._error)

    def _notify(self, block: np.ndarray) -> None:
        if self._on_level is not None:
            self._call("on_level", self._on_level, *levels_dbfs(block))
        if self._on_audio is not None:
            self._call("on_audio", self._on_audio, block)

    def _call(self, name: str, callback: Callable[..., None], *args: Any) -> None:
        """Call a user callback; a failure is logged (with its traceback the first time only, not
        20 times a second) and recording goes on."""
        try:
            callback(*args)
        except Exception:
            if name not in self._failed_callbacks:
                self._failed_callbacks.add(name)
                log.exception("the recorder's %s callback failed", name)
            else:
                log.debug("the recorder's %s callback failed again", name)

    def _close_file(self) -> None:
        """Close the WAV (its header is already right) and the file, fsynced; runs on the writer
        thread whichever way it ends."""
        try:
            if self._wav is not None:
                self._wav.close()
            if self._file is not None:
                self._file.flush()
                os.fsync(self._file.fileno())
        except OSError as e:
            self._fail(e)
        finally:
            if self._file is not None:
                try:
                    self._file.close()
                except OSError as e:  # a second failure of the same disk: already reported
                    log.debug("closing %s failed: %s", self.path, e)
            self._wav = self._file = None


def levels_dbfs(block: np.ndarray) -> tuple[float, float]:
    """RMS and peak level of float32 audio in dBFS (0 = full scale), floored at
    :data:`SILENCE_DBFS`."""
    if block.size == 0:
        return SILENCE_DBFS, SILENCE_DBFS
    rms = math.sqrt(float(np.mean(np.square(block, dtype=np.float64))))
    peak = float(np.max(np.abs(block)))
    return _dbfs(rms), _dbfs(peak)


def _dbfs(value: float) -> float:
    return max(20 * math.log10(value), SILENCE_DBFS) if value > 0 else SILENCE_DBFS
