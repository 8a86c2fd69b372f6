"""The recorder and the live segmenter, with a fake microphone replaying WAV files.

No test sleeps to wait for a result: they wait on events, conditions and thread joins (the only
loop with a sleep polls a killed child's file size, with a deadline).
"""

from __future__ import annotations

import errno
import itertools
import os
import signal
import subprocess
import sys
import threading
import wave
from pathlib import Path
from unittest.mock import Mock

import numpy as np
import pytest

from hsb_whisper.audio import SAMPLE_RATE, load_audio
from hsb_whisper.transcription.live import LiveSegmenter, Utterance
from hsb_whisper.transcription.recorder import (
    SILENCE_DBFS,
    WRITER_THREAD_NAME,
    Recorder,
    RecorderError,
    RecorderState,
    input_devices,
)

from testsupport import ROOT, child_env
from testsupport.fake_stream import FakeSoundDevice
from testsupport.speech import EN_SENTENCES, read_wav, speak_sentences, write_wav

WAV_HEADER_BYTES = 44  # what the wave module writes for PCM
TIMEOUT_S = 20  # for waits that normally end in well under a second


def pcm(audio: np.ndarray) -> np.ndarray:
    """float32 as the recorder stores it: int16, value × 32768."""
    return np.clip(np.rint(audio * 32768), -32768, 32767).astype(np.int16)


def recorded(path: Path) -> np.ndarray:
    samples, rate = read_wav(path)
    assert rate == SAMPLE_RATE and samples.shape[1] == 1
    return samples[:, 0]


def writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name in (WRITER_THREAD_NAME, "fake-portaudio")]


@pytest.fixture(scope="module")
def noise_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4.3 s of loud noise and a chirp, 16 kHz, not a whole number of blocks long."""
    rng = np.random.default_rng(0)
    t = np.arange(round(4.3 * SAMPLE_RATE) + 7) / SAMPLE_RATE
    signal_ = 0.3 * np.sin(2 * np.pi * (200 + 400 * t) * t) + 0.05 * rng.standard_normal(t.size)
    path = tmp_path_factory.mktemp("rec") / "noise.wav"
    return write_wav(path, np.rint(signal_ * 32767).astype(np.int16), SAMPLE_RATE)


@pytest.fixture(scope="module")
def speech_16k(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    """Three English sentences with 1.5 s pauses (espeak-ng), resampled to a 16 kHz WAV."""
    d = tmp_path_factory.mktemp("speech")
    source = speak_sentences(EN_SENTENCES[:3], "en", d / "three.wav", pause_s=1.5)
    audio = load_audio(source)
    path = write_wav(d / "three-16k.wav", pcm(audio), SAMPLE_RATE)
    return path, recorded(path).astype(np.float32) / 32768


def test_recording_holds_exactly_what_was_delivered(noise_wav, tmp_path):
    fake = FakeSoundDevice(noise_wav, realtime=False, block_s=0.037)
    levels: list[tuple[float, float]] = []
    blocks: list[np.ndarray] = []
    out = tmp_path / "take.wav"
    rec = Recorder(fake, out, on_level=lambda *lv: levels.append(lv), on_audio=blocks.append)
    assert rec.state is RecorderState.IDLE
    rec.start()
    assert rec.state is RecorderState.RECORDING
    stream = fake.streams[0]
    assert (stream.samplerate, stream.channels, stream.dtype) == (SAMPLE_RATE, 1, "float32")
    assert (stream.blocksize, stream.device) == (800, 0)  # 50 ms; the default device's index
    assert fake.exhausted.wait(TIMEOUT_S)
    results = []
    stoppers = [threading.Thread(target=lambda: results.append(rec.stop())) for _ in range(3)]
    for t in stoppers:
        t.start()
    for t in stoppers:
        t.join(TIMEOUT_S)
    result = rec.stop()  # idempotent
    assert rec.state is RecorderState.STOPPED
    assert results == [result] * 3
    assert result.samples == fake.delivered_samples == len(fake.audio)
    assert result.seconds == pytest.approx(len(fake.audio) / SAMPLE_RATE)
    data = recorded(out)
    assert len(data) == result.samples
    assert np.array_equal(data, pcm(fake.audio))  # the input was int16: no rounding at all
    assert np.array_equal(np.concatenate(blocks), fake.audio)
    assert len(levels) == len(blocks) == -(-len(fake.audio) // round(0.037 * SAMPLE_RATE))
    assert all(SILENCE_DBFS < rms < peak < 0 for rms, peak in levels)
    assert not writer_threads()


def test_stop_drains_every_queued_block(noise_wav, tmp_path):
    """Stop while the writer is stuck behind ~1 s of queued blocks: all of them reach the file."""
    fake = FakeSoundDevice(noise_wav, realtime=True, block_s=0.01)
    release, written_before_release = threading.Event(), []

    def slow_consumer(block: np.ndarray) -> None:
        if not release.is_set():
            written_before_release.append(len(block))
            release.wait(TIMEOUT_S)

    rec = Recorder(fake, tmp_path / "take.wav", on_audio=slow_consumer)
    rec.start()
    fake.wait_delivered(SAMPLE_RATE, TIMEOUT_S)
    stopper = threading.Thread(target=rec.stop)
    stopper.start()
    fake.streams[0]._thread.join(TIMEOUT_S)  # the stream has stopped; the writer is still stuck
    assert rec.state is RecorderState.STOPPING
    queued = fake.delivered_samples - sum(written_before_release)
    release.set()
    stopper.join(TIMEOUT_S)
    result = rec.stop()
    assert written_before_release == [160]  # one block written when stop() began …
    assert queued > 0.9 * SAMPLE_RATE  # … and about a second of blocks still queued
    assert fake.delivered_samples < len(fake.audio)  # stopped in the middle of the file
    assert result.samples == fake.delivered_samples
    assert np.array_equal(recorded(result.path), pcm(fake.audio[: result.samples]))


def test_paused_blocks_are_left_out(noise_wav, tmp_path):
    block = round(0.02 * SAMPLE_RATE)
    rec: Recorder

    def before_block(i: int) -> None:  # on the stream thread: exactly blocks 20–49 are paused
        if i == 20:
            rec.pause()
            assert rec.state is RecorderState.PAUSED
        elif i == 50:
            rec.resume()
            assert rec.state is RecorderState.RECORDING

    fake = FakeSoundDevice(noise_wav, realtime=False, block_s=0.02, before_block=before_block)
    rec = Recorder(fake, tmp_path / "take.wav")
    rec.start()
    assert fake.exhausted.wait(TIMEOUT_S)
    result = rec.stop()
    expected = np.concatenate([fake.audio[: 20 * block], fake.audio[50 * block :]])
    assert result.samples == fake.delivered_samples - 30 * block == len(expected)
    assert np.array_equal(recorded(result.path), pcm(expected))
    rec.pause()  # no effect once stopped
    assert rec.state is RecorderState.STOPPED


@pytest.mark.parametrize(
    ("fake_options", "message"),
    [
        ({"devices": []}, "no microphone found; connect one"),
        (
            {"open_error": "Device unavailable [PaErrorCode -9985]"},
            "the microphone 'Fake Microphone' cannot record 16000 Hz mono "
            r"\(Device unavailable \[PaErrorCode -9985\]\)",
        ),
        ({"samplerates": (48000,)}, "'Fake Microphone' cannot record 16000 Hz mono.*sample rate"),
    ],
)
def test_no_usable_microphone(noise_wav, tmp_path, fake_options, message):
    fake = FakeSoundDevice(noise_wav, **fake_options)
    out = tmp_path / "take.wav"
    rec = Recorder(fake, out)
    with pytest.raises(RecorderError, match=message) as e:
        rec.start()
    assert "\n" not in str(e.value)
    assert rec.state is RecorderState.IDLE
    assert not writer_threads()
    assert not out.exists()
    with pytest.raises(RecorderError, match="never started"):
        rec.stop()


def test_unwritable_path(noise_wav, tmp_path):
    (tmp_path / "a-file").write_text("")
    fake = FakeSoundDevice(noise_wav)
    with pytest.raises(RecorderError, match=r"a-file/take.wav: cannot create the recording"):
        Recorder(fake, tmp_path / "a-file" / "take.wav").start()
    assert not fake.streams and not writer_threads()


def test_disk_full_midway_keeps_a_valid_file(noise_wav, tmp_path):
    errors: list[RecorderError] = []
    rec: Recorder
    seen = []

    def fill_disk(block: np.ndarray) -> None:  # on the writer thread, after writing the block
        seen.append(len(block))
        if len(seen) == 5:
            rec._wav.writeframes = Mock(
                side_effect=OSError(errno.ENOSPC, "No space left on device")
            )

    fake = FakeSoundDevice(noise_wav, realtime=False, block_s=0.05)
    rec = Recorder(fake, tmp_path / "take.wav", on_audio=fill_disk, on_error=errors.append)
    rec.start()
    assert fake.exhausted.wait(TIMEOUT_S)
    with pytest.raises(RecorderError, match=r"failed after .* s \(No space left on device\)"):
        rec.stop()
    assert errors and str(errors[0]) == str(rec.error)
    data = recorded(tmp_path / "take.wav")
    assert 5 * 800 <= len(data) == sum(seen) < len(fake.audio)
    assert np.array_equal(data, pcm(fake.audio[: len(data)]))
    assert not writer_threads()


def test_devices_are_listed_and_chosen(noise_wav, tmp_path):
    usb = {"name": "USB Headset", "index": 3, "max_input_channels": 1, "max_output_channels": 2}
    speaker = {"name": "Speakers", "index": 1, "max_input_channels": 0, "max_output_channels": 2}
    devices = [dict(speaker, default_samplerate=48000.0), dict(usb, default_samplerate=16000.0)]
    fake = FakeSoundDevice(noise_wav, realtime=False, devices=devices)
    assert [(d.index, d.name, d.is_default) for d in input_devices(fake)] == [
        (3, "USB Headset", True)
    ]
    with pytest.raises(RecorderError, match=r"no input device 'Webcam'; .* 3: USB Headset"):
        Recorder(fake, tmp_path / "a.wav", device="Webcam").start()
    rec = Recorder(fake, tmp_path / "b.wav", device="usb")
    rec.start()
    assert rec.device_name == "USB Headset" and rec.device == "usb"
    assert rec.stop().samples == fake.delivered_samples


def test_this_machine_without_microphone(tmp_path):
    """The real sounddevice module on a machine with no input device (CI): a clear error."""
    sd = pytest.importorskip("sounddevice")
    if input_devices(sd):
        pytest.skip("this machine has a microphone")
    with pytest.raises(RecorderError, match="no microphone found"):
        Recorder(sd, tmp_path / "take.wav").start()
    assert not writer_threads()


CHILD = """
from testsupport.fake_stream import FakeSoundDevice
from hsb_whisper.transcription.recorder import Recorder

def report(i):
    print(fake.delivered_samples, flush=True)

fake = FakeSoundDevice({wav!r}, realtime=True, block_s=0.05, after_block=report)
Recorder(fake, {out!r}).start()
fake.exhausted.wait(60)
print("exhausted", flush=True)  # too late: the parent kills us long before
"""


def test_killed_recorder_leaves_a_valid_wav(noise_wav, tmp_path):
    """SIGKILL ~2.5 s into a 4.3 s recording: the WAV is valid and lacks at most the last second."""
    out = tmp_path / "killed.wav"
    script = CHILD.format(wav=str(noise_wav), out=str(out))
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT, env=child_env()
    )
    try:
        target = WAV_HEADER_BYTES + round(2.5 * SAMPLE_RATE) * 2
        deadline = threading.Event()
        timer = threading.Timer(TIMEOUT_S, deadline.set)
        timer.start()
        while not (out.exists() and out.stat().st_size >= target) and not deadline.is_set():
            assert child.poll() is None, "the recording child died on its own"
            deadline.wait(0.02)  # poll the size on disk
        timer.cancel()
        assert not deadline.is_set(), "the child did not record 2.5 s in time"
        os.kill(child.pid, signal.SIGKILL)
        stdout, _ = child.communicate(timeout=TIMEOUT_S)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    lines = stdout.split()
    assert "exhausted" not in lines
    delivered = int(lines[-1])  # what the child's microphone had delivered when it died
    with wave.open(str(out), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, SAMPLE_RATE)
        frames = w.getnframes()
        data = np.frombuffer(w.readframes(frames), dtype="<i2")
    assert len(data) == frames
    source = recorded(noise_wav)
    assert 2.5 * SAMPLE_RATE <= frames <= delivered + round(0.05 * SAMPLE_RATE)
    assert delivered - frames <= SAMPLE_RATE, f"lost {(delivered - frames) / SAMPLE_RATE:.2f} s"
    assert np.array_equal(data, source[:frames])
    assert len(load_audio(out)) == frames


def speech_regions(audio: np.ndarray, gap_s: float = 1.0) -> list[tuple[float, float]]:
    """(start, end) seconds of the stretches of sound separated by ≥ gap_s of near-silence."""
    loud = np.flatnonzero(np.abs(audio) > 1e-3)
    breaks = np.flatnonzero(np.diff(loud) > gap_s * SAMPLE_RATE)
    starts = np.concatenate([[loud[0]], loud[breaks + 1]])
    ends = np.concatenate([loud[breaks], [loud[-1]]]) + 1
    return [(s / SAMPLE_RATE, e / SAMPLE_RATE) for s, e in zip(starts, ends)]


def test_live_segmenter_emits_each_sentence_after_its_pause(speech_16k, tmp_path):
    """Recorder → LiveSegmenter: one utterance per sentence, each within ~1 s of its end."""
    path, audio = speech_16k
    sentences = speech_regions(audio)
    assert len(sentences) == 3
    emitted: list[tuple[float, Utterance]] = []  # (audio time when emitted, utterance)
    segmenter = LiveSegmenter(lambda u: emitted.append((segmenter.seconds, u)))
    fake = FakeSoundDevice(path, realtime=False, block_s=0.05)
    rec = Recorder(fake, tmp_path / "take.wav", on_audio=segmenter.feed)
    rec.start()
    assert fake.exhausted.wait(TIMEOUT_S)
    rec.stop()
    assert segmenter.flush() == []  # trailing silence: nothing more
    utterances = [u for _, u in emitted]
    assert len(utterances) == 3, [(u.start_s, u.end_s) for u in utterances]
    for (emitted_at, u), (start, end) in zip(emitted, sentences):
        assert u.start_s <= start and u.end_s >= end, (u.start_s, u.end_s, start, end)
        assert emitted_at - end <= 1.0, f"emitted {emitted_at - end:.2f} s after the sentence"
        first, last = round(u.start_s * SAMPLE_RATE), round(u.end_s * SAMPLE_RATE)
        assert np.array_equal(u.audio, audio[first:last])
    for a, b in itertools.pairwise(utterances):
        assert a.end_s <= b.start_s


def test_live_segmenter_cuts_long_speech_without_losing_any(speech_16k):
    """With a 2 s limit, long sentences are split into pieces that neither overlap nor leave out
    any sound; flush emits the speech still going on at the end."""
    _, audio = speech_16k
    audio = audio[: round(speech_regions(audio)[-1][1] * SAMPLE_RATE) - 8000]  # stop mid-word
    segmenter = LiveSegmenter(max_utterance_s=2.0)
    block = round(0.1 * SAMPLE_RATE)
    utterances = [
        u for i in range(0, len(audio), block) for u in segmenter.feed(audio[i : i + block])
    ]
    final = segmenter.flush()
    assert len(final) == 1 and final[0].end_s == pytest.approx(len(audio) / SAMPLE_RATE)
    utterances += final
    assert len(utterances) >= 6
    covered = np.zeros(len(audio), bool)
    for a, b in itertools.pairwise(utterances):
        assert a.end_s <= b.start_s
    for u in utterances:
        assert len(u.audio) <= 2 * SAMPLE_RATE
        first, last = round(u.start_s * SAMPLE_RATE), round(u.end_s * SAMPLE_RATE)
        assert np.array_equal(u.audio, audio[first:last])
        covered[first:last] = True
    loud = np.abs(audio) > 0.01
    assert not np.any(loud & ~covered), "audible samples outside every utterance"


def feed_in_blocks(segmenter: LiveSegmenter, audio: np.ndarray, block_s: float = 0.05) -> list:
    """Feed ``audio`` as a recorder would; return ``(audio seconds fed, utterance)`` for each
    final utterance ``feed`` returned, then those of ``flush``."""
    block = round(block_s * SAMPLE_RATE)
    finals = []
    for i in range(0, len(audio), block):
        finals += [(segmenter.seconds, u) for u in segmenter.feed(audio[i : i + block])]
    return finals + [(segmenter.seconds, u) for u in segmenter.flush()]


def test_tentative_utterances_come_before_the_pause_is_confirmed(speech_16k):
    """Each sentence is passed on as a tentative utterance when its pause has lasted 0.2 s;
    the final one that follows ~0.3 s later has exactly the same samples; the final ones keep
    every guarantee (and are what feed returns)."""
    _, audio = speech_16k
    tentative: list[tuple[float, Utterance]] = []
    segmenter = LiveSegmenter(on_tentative=lambda u: tentative.append((segmenter.seconds, u)))
    finals = feed_in_blocks(segmenter, audio)
    assert len(finals) == 3 and all(u.final for _, u in finals)
    assert len(tentative) == 3 and not any(u.final for _, u in tentative)
    for (guessed_at, guess), (confirmed_at, final) in zip(tentative, finals):
        assert guess.same_as(final), (guess.start_s, guess.end_s, final.start_s, final.end_s)
        assert confirmed_at - guessed_at >= 0.2  # min_silence_s − the tentative pause, ± a scan
    plain = feed_in_blocks(LiveSegmenter(), audio)  # without tentative ones: the same cuts
    assert [(u.start_s, u.end_s) for _, u in plain] == [(u.start_s, u.end_s) for _, u in finals]


def test_a_tentative_utterance_is_not_confirmed_when_speech_goes_on(speech_16k):
    """A 0.3 s pause (longer than the tentative pause, shorter than min_silence_s) makes a
    tentative utterance, but the final one runs on past it to the real pause."""
    _, audio = speech_16k
    (s1, e1), (s2, e2) = speech_regions(audio)[:2]
    first = audio[round(s1 * SAMPLE_RATE) : round(e1 * SAMPLE_RATE)]
    second = audio[round(s2 * SAMPLE_RATE) : round(e2 * SAMPLE_RATE)]
    gap, tail = np.zeros(round(0.3 * SAMPLE_RATE), np.float32), np.zeros(SAMPLE_RATE, np.float32)
    joined = np.concatenate([tail, first, gap, second, tail])
    tentative: list[Utterance] = []
    finals = [u for _, u in feed_in_blocks(LiveSegmenter(on_tentative=tentative.append), joined)]
    assert len(finals) == 1
    assert finals[0].start_s <= 1.0 and finals[0].end_s >= (len(joined) - len(tail)) / SAMPLE_RATE
    assert len(tentative) == 2
    assert not tentative[0].same_as(finals[0])
    assert tentative[0].end_s < (len(tail) + len(first) + len(gap)) / SAMPLE_RATE
    assert tentative[1].same_as(finals[0])


def test_tentative_pause_must_cover_the_padding():
    from hsb_whisper.errors import OptionError

    with pytest.raises(OptionError, match=r"at least 0\.2 s"):
        LiveSegmenter(on_tentative=print, tentative_silence_s=0.1)
    # a confirmation as short as the tentative pause: nothing to guess
    assert LiveSegmenter(on_tentative=print, min_silence_s=0.2).on_tentative is None
