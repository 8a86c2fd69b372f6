"""Reading audio files for transcription and training: float32 mono 16 kHz NumPy arrays.

Decoding is PyAV (FFmpeg: wav, mp3, ogg/opus, flac, m4a, any sample rate, stereo mixed down),
resampled exactly as faster-whisper's ``decode_audio`` does, which we no longer call: it passes
``metadata_errors`` to ``av.open``, which PyAV 19 (the version pip picks on Python 3.12 and
later) no longer accepts. This module adds what a user needs before a long job starts: a clear
:class:`~hsb_whisper.errors.AudioError` for a missing, empty, undecodable, truncated or silent
file.

Truncation is found where the file says how long it is: an MP3 whose last frame is cut off, a FLAC
or M4A whose header promises more than can be decoded. A WAV whose header size is wrong is *not*
refused: that is what a recorder killed mid-recording leaves, and its audio is all there.
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import logging
import math
import re
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from hsb_whisper.errors import AudioError

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000  # Hz, what Whisper's feature extractor expects
CHUNK_LENGTH = 30  # seconds: Whisper's input window; a training clip must fit in it
# What counts as an audio file wherever the program looks into a folder or offers a file dialog
# (everything FFmpeg decodes that people record speech in).
AUDIO_SUFFIXES = (
    ".wav", ".mp3", ".ogg", ".opus", ".flac", ".m4a", ".aac", ".wma", ".webm", ".mp4",
)  # fmt: skip
SILENCE_PEAK_DBFS = -60.0  # a file whose loudest sample is quieter than this holds no speech
# A file is called truncated when its header promises more audio than can be decoded, by more
# than this margin (decoders legitimately drop a few priming/padding frames).
TRUNCATION_TOLERANCE_S = 0.5

# MPEG audio frame header tables (ISO 11172-3 / 13818-3), used only to tell whether the last frame
# of an MP3 is cut off: FFmpeg silently drops such a frame, so no library reports it.
_MPEG_BITRATES_KBPS = {
    (1, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (1, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (1, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (2, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MPEG_SAMPLE_RATES = {1: (44100, 48000, 32000), 2: (22050, 24000, 16000), 25: (11025, 12000, 8000)}
# Metadata that is not valid UTF-8 (tags written by old recorders) must not make a file
# unreadable: PyAV before 19 raises on it unless told to ignore it; PyAV 19 dropped the option
# (and no longer raises).
_AV_MAJOR = int(av.__version__.split(".")[0])
_OPEN_OPTIONS = {"metadata_errors": "ignore"} if _AV_MAJOR < 19 else {}


def mpeg_frame_length(header: bytes) -> int | None:
    """Length in bytes of the MPEG audio frame starting with ``header`` (4 bytes), or ``None``
    when the bytes are not a frame header with a fixed bitrate."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version = {0: 25, 2: 2, 3: 1}.get((header[1] >> 3) & 3)
    layer = {3: 1, 2: 2, 1: 3}.get((header[1] >> 1) & 3)
    bitrate_index, rate_index = header[2] >> 4, (header[2] >> 2) & 3
    if version is None or layer is None or bitrate_index in (0, 15) or rate_index == 3:
        return None
    bitrate = _MPEG_BITRATES_KBPS[(min(version, 2), layer)][bitrate_index] * 1000
    sample_rate = _MPEG_SAMPLE_RATES[version][rate_index]
    padding = (header[2] >> 1) & 1
    if layer == 1:
        return (12 * bitrate // sample_rate + padding) * 4
    if layer == 3 and version != 1:
        return 72 * bitrate // sample_rate + padding
    return 144 * bitrate // sample_rate + padding


@contextlib.contextmanager
def _open_audio(path: Path) -> Iterator[tuple[av.container.InputContainer, av.AudioStream]]:
    """The container and its first audio stream; FFmpeg's errors (also those raised while the
    caller demuxes or decodes) become an ``AudioError`` naming the file."""
    try:
        with av.open(str(path), **_OPEN_OPTIONS) as container:
            if not container.streams.audio:
                raise AudioError(path, "the file has no audio stream")
            yield container, container.streams.audio[0]
    except (av.error.FFmpegError, ValueError) as e:
        raise AudioError(path, f"not a readable audio file ({_av_error(e)})") from e


def _check_complete(path: Path) -> float | None:
    """Demux ``path`` (no decoding) and raise ``AudioError`` if its last MP3 frame is cut off.

    Returns the duration the container header declares (seconds), or ``None`` if unknown or only
    estimated (MP3 without a frame count).
    """
    with _open_audio(path) as (container, stream):
        last = None
        for packet in container.demux(stream):
            if packet.size:
                last = packet
        if last is None:
            raise AudioError(path, "the file holds no audio data", "empty")
        if container.format.name == "mp3":
            _check_mp3_tail(path, last)
            return None
        if container.duration is None:
            return None
        return container.duration / av.time_base


def _check_file(path: Path) -> None:
    if not path.exists():
        raise AudioError(path, "no such file", "missing")
    if path.is_dir():
        raise AudioError(path, "is a folder, not an audio file", "not_a_file")
    if path.stat().st_size == 0:
        raise AudioError(path, "the file is empty (0 bytes)", "empty")


def _check_mp3_tail(path: Path, last: av.Packet) -> None:
    expected = mpeg_frame_length(bytes(last)[:4])
    if expected is not None and last.size < expected:
        raise AudioError(
            path,
            f"the file is truncated: its last MP3 frame has {last.size} of {expected} "
            "bytes (an interrupted download or copy?)",
            "truncated",
        )


def _check_length(path: Path, decoded: float, declared: float | None) -> None:
    if declared is not None and decoded < declared - TRUNCATION_TOLERANCE_S:
        raise AudioError(
            path,
            f"the file is truncated: only {decoded:.1f} s of the {declared:.1f} s its header "
            "declares could be decoded",
            "truncated",
        )


def _check_level(path: Path, peak: float) -> float:
    """The peak level in dBFS; raises ``AudioError`` if it is silence."""
    peak_dbfs = 20 * math.log10(peak) if peak > 0 else -math.inf
    if peak_dbfs < SILENCE_PEAK_DBFS:
        level = "digital silence" if peak == 0 else f"peak level {peak_dbfs:.0f} dBFS"
        raise AudioError(
            path, f"the recording is silent ({level}); nothing to transcribe", "silent"
        )
    return peak_dbfs


@dataclasses.dataclass(frozen=True)
class AudioFacts:
    duration: float  # seconds, counted from the decoded samples
    sample_rate: int  # Hz, as stored
    channels: int
    peak_dbfs: float  # loudest sample


def find_audio_files(folder: str | Path) -> list[Path]:
    """The audio files (by :data:`AUDIO_SUFFIXES`) anywhere below ``folder``, sorted."""
    return sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES)


def probe_duration(path: str | Path) -> float:
    """Duration in seconds from the container header, without decoding; falls back to decoding
    when the header does not say (raises ``AudioError`` for unreadable files)."""
    path = Path(path)
    _check_file(path)
    with _open_audio(path) as (container, _):
        if container.duration is not None:
            return container.duration / av.time_base
    return inspect_audio(path).duration


def inspect_audio(path: str | Path) -> AudioFacts:
    """Decode ``path`` once at its own sample rate and check it as :func:`load_audio` does
    (missing, empty, unreadable, truncated, silent), without resampling or keeping the samples."""
    path = Path(path)
    _check_file(path)
    with _open_audio(path) as (container, stream):
        is_mp3 = container.format.name == "mp3"
        declared = None if is_mp3 or container.duration is None else container.duration
        samples, peak, last, damage = 0, 0.0, None, None
        rate = stream.rate or stream.codec_context.sample_rate
        for packet in container.demux(stream):
            if not packet.size:
                continue
            last = packet
            try:
                frames = packet.decode()
            except av.error.InvalidDataError as e:
                damage = f"damaged audio data after {samples / (rate or 1):.1f} s ({_av_error(e)})"
                break
            for frame in frames:
                data = frame.to_ndarray()
                samples += frame.samples
                rate = rate or frame.sample_rate
                if data.size:
                    peak = max(peak, _peak(data, frame.format.name))
        channels = stream.codec_context.channels
    if last is None or (samples == 0 and not damage):
        raise AudioError(path, "the file holds no audio samples", "empty")
    if not rate:  # what FFmpeg makes of a zero-filled ".mp3": a stream without a sample rate
        raise AudioError(path, "not a readable audio file (no sample rate, no decodable frame)")
    if is_mp3:
        _check_mp3_tail(path, last)
    duration = samples / rate
    _check_length(path, duration, None if declared is None else declared / av.time_base)
    if damage:
        raise AudioError(path, damage)
    return AudioFacts(duration, rate, channels, _check_level(path, peak))


def _peak(data: np.ndarray, sample_format: str) -> float:
    """Largest absolute sample value, scaled to 1.0 = full scale."""
    peak = float(np.max(np.abs(data.astype(np.float32, copy=False))))
    if sample_format.startswith(("s16",)):
        return peak / 32768
    if sample_format.startswith(("s32",)):
        return peak / 2147483648
    if sample_format.startswith("u8"):
        return float(np.max(np.abs(data.astype(np.float32) - 128))) / 128
    return peak  # float and double formats are already in [-1, 1]


def load_audio(path: str | Path) -> np.ndarray:
    """Decode ``path`` to float32 mono at 16 kHz, or raise ``AudioError`` naming the problem."""
    path = Path(path)
    _check_file(path)
    declared = _check_complete(path)
    try:
        blocks = list(_decode_16k(path))
    except AudioError:
        raise
    except (av.error.FFmpegError, ValueError, IndexError) as e:
        log.debug("decoding %s failed", path, exc_info=True)
        raise AudioError(path, f"not a readable audio file ({_av_error(e)})") from e
    audio = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)

    _check_length(path, len(audio) / SAMPLE_RATE, declared)
    if len(audio) == 0:
        raise AudioError(path, "the file holds no audio samples", "empty")
    _check_level(path, float(np.max(np.abs(audio))))
    return audio


# Input samples resampled at a time: faster-whisper's ``decode_audio`` feeds FFmpeg's resampler
# in groups of this size, and the same groups give the same samples.
_RESAMPLE_GROUP = 500_000


def _decode_16k(path: Path) -> Iterator[np.ndarray]:
    """The first audio stream of ``path`` as float32 mono 16 kHz blocks: FFmpeg's resampler to
    16-bit mono, fed as faster-whisper's ``decode_audio`` feeds it (a damaged frame is skipped)."""
    resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    with _open_audio(path) as (container, stream):
        fifo = av.audio.fifo.AudioFifo()
        frames = container.decode(stream)
        while True:
            try:
                frame = next(frames)
            except StopIteration:
                break
            except av.error.InvalidDataError:  # a damaged frame: skipped, as decode_audio does
                continue
            frame.pts = None
            fifo.write(frame)
            if fifo.samples >= _RESAMPLE_GROUP:
                yield from _resample(resampler, fifo.read())
        if fifo.samples:
            yield from _resample(resampler, fifo.read())
        yield from _resample(resampler, None)  # flush


def read_spans(path: str | Path, spans: list[tuple[int, int]]) -> Iterator[tuple[int, np.ndarray]]:
    """The float32 mono 16 kHz samples of each ``(start, end)`` span of ``path`` (sample
    indices at 16 kHz), as ``(index in spans, samples)`` in the order the spans end. The file is
    decoded once from its start and only up to the last span's end, keeping only the spans being
    read: memory holds spans, never the whole recording. A span reaching past the end of the
    audio comes with the samples there are (fewer, or none). Raises ``AudioError`` for a missing,
    empty or undecodable file (also midway, after the spans already yielded)."""
    path = Path(path)
    _check_file(path)
    _check_complete(path)  # demuxes without decoding: an empty file, a cut-off MP3 frame
    waiting = collections.deque(sorted(range(len(spans)), key=lambda i: spans[i][0]))
    reading: dict[int, list[np.ndarray]] = {}
    offset = 0  # samples decoded before ``block``
    try:
        for block in _decode_16k(path):
            after = offset + block.size
            while waiting and spans[waiting[0]][0] < after:
                reading[waiting.popleft()] = []
            for i in list(reading):
                start, end = spans[i]
                piece = block[max(start - offset, 0) : max(min(end - offset, block.size), 0)]
                if piece.size:
                    reading[i].append(piece)
                if end <= after:
                    yield i, _joined(reading.pop(i))
            offset = after
            if not waiting and not reading:
                return
    except (av.error.FFmpegError, ValueError, IndexError) as e:
        raise AudioError(path, f"not a readable audio file ({_av_error(e)})") from e
    if offset == 0:
        raise AudioError(path, "the file holds no audio samples", "empty")
    for i, pieces in reading.items():
        yield i, _joined(pieces)
    for i in waiting:
        yield i, np.zeros(0, np.float32)


def _joined(pieces: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(pieces) if pieces else np.zeros(0, np.float32)


def _resample(resampler, frame) -> Iterator[np.ndarray]:
    for out in resampler.resample(frame):
        yield out.to_ndarray().reshape(-1).astype(np.float32) / 32768.0


def _av_error(e: Exception) -> str:
    """FFmpeg's message without the errno and the file name it repeats."""
    text = str(e).split(": '", 1)[0]
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", text).strip()
    return text.lower() if text else type(e).__name__


class AudioReader:
    """A file's float32 mono 16 kHz samples, decoded piece by piece: never the whole file in
    memory, however long the recording. The samples are those :func:`load_audio` returns
    (FFmpeg's resampler to 16-bit mono at 16 kHz, fed in the same groups of frames).

    Opening checks what can be checked without decoding (missing, empty, unreadable, a cut-off
    last MP3 frame); :meth:`finish` checks the rest once everything is read (no samples, shorter
    than its header declares, silent), raising ``AudioError`` as :func:`load_audio` would.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        _check_file(self.path)
        self._declared = _check_complete(self.path)
        # what the header says (FFmpeg estimates it from the bit rate where it says nothing;
        # without any, the file is decoded once to count its samples, not keeping them)
        self.header_duration = probe_duration(self.path)
        self._blocks = _decode_16k(self.path)
        self._pending: list[np.ndarray] = []
        self._pending_samples = 0
        self.samples_read = 0  # handed out by read()
        self.exhausted = False  # the decoder has nothing more
        self._peak = 0.0

    def read(self, n: int) -> np.ndarray:
        """The next ``n`` samples (fewer only at the end of the file; then ``exhausted``)."""
        while self._pending_samples < n and not self.exhausted:
            try:
                block = next(self._blocks)
            except StopIteration:
                self.exhausted = True
                break
            except (av.error.FFmpegError, ValueError, IndexError) as e:
                raise AudioError(self.path, f"not a readable audio file ({_av_error(e)})") from e
            if block.size:
                self._peak = max(self._peak, float(np.max(np.abs(block))))
                self._pending.append(block)
                self._pending_samples += block.size
        joined = np.concatenate(self._pending) if self._pending else np.zeros(0, np.float32)
        out, rest = joined[:n], joined[n:]
        self._pending = [rest] if rest.size else []
        self._pending_samples = rest.size
        self.samples_read += out.size
        return out

    def finish(self) -> None:
        """Once all is read: raise ``AudioError`` if the file held no samples, less than its
        header declares, or only silence."""
        if self.samples_read == 0:
            raise AudioError(self.path, "the file holds no audio samples", "empty")
        _check_length(self.path, self.samples_read / SAMPLE_RATE, self._declared)
        _check_level(self.path, self._peak)
