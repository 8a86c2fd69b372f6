"""The speaker encoder: a voice's embedding from 40-band mel frames, for telling speakers apart.

The model is Resemblyzer's GE2E voice encoder (3-layer LSTM, 1.4 M parameters, Apache-2.0),
converted to ONNX by ``scripts/convert_speaker_encoder.py`` from the weights in the Resemblyzer
wheel and shipped in ``hsb_whisper/assets/speaker/`` with its licence and a JSON file of
checksums. It runs with onnxruntime (which faster-whisper already needs for its VAD): no torch,
no network. The file's SHA-256 is checked when it is loaded, so a damaged installation says so
instead of labelling speakers wrongly.

Its input is what Resemblyzer computes with librosa (a power mel spectrogram: 25 ms Hann windows
every 10 ms, 40 Slaney mel bands from 0 to 8 kHz, centred frames, zero padding). It is computed
here with NumPy and faster-whisper's mel filters, so that the installers carry no librosa.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources
from pathlib import Path

import numpy as np

from hsb_whisper.errors import ModelError

SAMPLE_RATE = 16000
N_FFT = 400  # 25 ms
HOP = 160  # 10 ms: 100 frames a second
N_MELS = 40
EMBEDDING_SIZE = 256
# Resemblyzer normalises every utterance to this loudness (only ever making it louder).
TARGET_DBFS = -30.0
MODEL_FILE = "voice-encoder.onnx"
INFO_FILE = "voice-encoder.json"


def asset_folder() -> Path:
    """Where the encoder, its licence and its checksums lie (inside the installed package)."""
    return Path(str(resources.files("hsb_whisper.assets") / "speaker"))


@functools.cache
def _filters() -> np.ndarray:
    from faster_whisper.feature_extractor import FeatureExtractor

    # librosa's Slaney mel filters (faster-whisper's copy), for 0–8 kHz at 16 kHz: (40, 201)
    return FeatureExtractor.get_mel_filters(SAMPLE_RATE, N_FFT, N_MELS).astype(np.float32)


@functools.cache
def _window() -> np.ndarray:
    # the periodic Hann window, as librosa (scipy's get_window with fftbins=True) makes it
    return (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)


def normalize_volume(audio: np.ndarray) -> np.ndarray:
    """Quiet audio made as loud as :data:`TARGET_DBFS` (Resemblyzer's ``normalize_volume`` with
    ``increase_only``); louder audio is left as it is."""
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if len(audio) else 0.0
    if rms <= 0:
        return audio
    change = TARGET_DBFS - 20 * np.log10(rms)
    return audio * np.float32(10 ** (change / 20)) if change > 0 else audio


def mel_frames(audio: np.ndarray) -> np.ndarray:
    """Power mel frames (frames × 40, float32) of float32 mono 16 kHz audio, as
    ``librosa.feature.melspectrogram(y, sr=16000, n_fft=400, hop_length=160, n_mels=40)`` gives
    them (transposed): ``1 + len(audio) // 160`` frames."""
    audio = np.asarray(audio, dtype=np.float32)
    padded = np.pad(audio, N_FFT // 2)
    if len(padded) < N_FFT:
        padded = np.pad(padded, (0, N_FFT - len(padded)))
    count = 1 + (len(padded) - N_FFT) // HOP
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP][:count]
    spectrum = np.fft.rfft(frames * _window(), axis=1)
    power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
    return power @ _filters().T


class SpeakerEncoder:
    """The ONNX voice encoder in an onnxruntime session (one thread per core by default)."""

    def __init__(self, folder: Path | None = None, threads: int = 0) -> None:
        folder = Path(folder) if folder else asset_folder()
        path = folder / MODEL_FILE
        try:
            info = json.loads((folder / INFO_FILE).read_text(encoding="utf-8"))
            data = path.read_bytes()
        except (OSError, ValueError) as e:
            raise ModelError(f"{path}: the speaker model is missing or unreadable ({e})") from e
        digest = hashlib.sha256(data).hexdigest()
        if digest != info.get("onnx_sha256"):
            raise ModelError(
                f"{path}: the speaker model is damaged (its SHA-256 is not the one in "
                f"{INFO_FILE}); reinstall hsb-whisper"
            )
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # onnxruntime's warnings are about its own graph rewrites
        # no memory arena: it would keep its largest batch's memory for good (+67 MB measured
        # over 42 minutes of speech), while freed memory goes back to the transcriber
        options.enable_cpu_mem_arena = False
        try:
            self._session = onnxruntime.InferenceSession(
                data, sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as e:  # onnxruntime raises its own exception types
            raise ModelError(f"{path}: the speaker model could not be loaded ({e})") from e
        self.info = info

    def embed(self, mels: np.ndarray) -> np.ndarray:
        """L2-normalised embeddings (batch × 256) of a batch of mel windows of equal length
        (batch × frames × 40, from :func:`mel_frames`)."""
        mels = np.ascontiguousarray(mels, dtype=np.float32)
        if mels.ndim != 3 or mels.shape[2] != N_MELS:
            raise ValueError(f"mel windows must be batch × frames × {N_MELS}, not {mels.shape}")
        if not len(mels):
            return np.zeros((0, EMBEDDING_SIZE), dtype=np.float32)
        return self._session.run(None, {"mels": mels})[0]
