"""Our audio decoding on whatever PyAV is installed: PyAV 19 (what pip picks on Python 3.12 and
later) dropped ``av.open``'s ``metadata_errors``, which faster-whisper's ``decode_audio`` passes;
CI runs this file on the lowest and the newest supported Python, so both ends are seen."""

from __future__ import annotations

import struct

import av
import numpy as np
import pytest

from hsb_whisper.audio import SAMPLE_RATE, AudioReader, inspect_audio, load_audio, probe_duration

from testsupport.speech import encode, write_wav

SAMPLE = "hsb_whisper/assets/samples/hsb-synthetic.mp3"


def _wav_with_latin1_title(path, seconds: float = 1.0, rate: int = 22050) -> None:
    """A WAV whose RIFF INFO title is Latin-1 ("Marté"), not UTF-8, as old recorders write it."""
    t = np.arange(int(seconds * rate)) / rate
    pcm = (np.sin(2 * np.pi * 220 * t) * 8000).astype("<i2").tobytes()
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    info = b"INFO" + b"INAM" + struct.pack("<I", 6) + b"Mart\xe9\x00"
    chunks = (
        b"fmt " + struct.pack("<I", len(fmt)) + fmt
        + b"LIST" + struct.pack("<I", len(info)) + info
        + b"data" + struct.pack("<I", len(pcm)) + pcm
    )  # fmt: skip
    path.write_bytes(b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks)


def test_non_utf8_metadata_does_not_make_a_file_unreadable(tmp_path):
    wav = tmp_path / "Marté.wav"
    _wav_with_latin1_title(wav, seconds=1.0)
    audio = load_audio(wav)
    assert audio.dtype == np.float32 and len(audio) == SAMPLE_RATE
    assert inspect_audio(wav).sample_rate == 22050
    assert probe_duration(wav) == pytest.approx(1.0, abs=0.01)
    reader = AudioReader(wav)
    assert np.array_equal(reader.read(10 * SAMPLE_RATE), audio)
    reader.finish()


def test_every_reader_gives_the_same_samples(tmp_path):
    """load_audio, the streaming AudioReader and (where it still works) faster-whisper's
    decode_audio decode a file to the same samples: training, evaluation and transcription see
    the same audio."""
    audio = load_audio(SAMPLE)
    reader = AudioReader(SAMPLE)
    pieces = []
    while not reader.exhausted:
        pieces.append(reader.read(7 * SAMPLE_RATE + 3))
    reader.finish()
    assert np.array_equal(np.concatenate(pieces), audio)
    assert 3.0 < len(audio) / SAMPLE_RATE < 6.0
    if int(av.__version__.split(".")[0]) < 19:
        from faster_whisper.audio import decode_audio

        assert np.array_equal(decode_audio(SAMPLE), audio)


@pytest.mark.parametrize(
    ("suffix", "codec"), [(".flac", "flac"), (".opus", "libopus"), (".mp3", "libmp3lame")]
)
def test_compressed_formats_decode_on_this_pyav(tmp_path, suffix, codec):
    rate = 48000  # what Opus allows
    t = np.arange(2 * rate) / rate
    wav = write_wav(tmp_path / "tone.wav", 0.3 * 32767 * np.sin(2 * np.pi * 440 * t), rate)
    path = encode(wav, tmp_path / f"tone{suffix}", codec, rate)
    audio = load_audio(path)
    assert abs(len(audio) / SAMPLE_RATE - 2.0) < 0.1, (av.__version__, len(audio))
    assert 0.2 < float(np.max(np.abs(audio))) < 0.4
