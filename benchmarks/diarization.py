"""Speaker labels: error, speed and memory, on generated conversations.

    python -m benchmarks.diarization [--conversations 8] [--speed-min 10] [--memory-min 120]

1. **Error.** ``--conversations`` conversations of 2 or 3 espeak-ng voices (drawn from six that
   the speaker encoder puts apart) taking 8–14 turns of one sentence, with pauses of 0.3–1.0 s.
   Each is diarized with the number of speakers found automatically and with it given; the
   diarization error rate (DER, 0.25 s collar) and the number found are printed per
   conversation and pooled. Synthetic voices show the mechanics, not accuracy on people.
2. **Speed.** ``--speed-min`` minutes of those conversations: the diarization alone (VAD, mel
   frames, embeddings, clustering) against transcribing the same audio (default model, int8,
   beam 5, batch 8, ``-l en``), in this process: how much longer ``--speakers auto`` makes a
   transcription, and how many times faster than real time the diarization runs.
3. **Memory.** A ``--memory-min`` minute MP3 of the conversations one after the other, transcribed
   by ``hsb-whisper transcribe`` in child processes with and without ``--speakers auto``: the
   peak RSS of each (the kernel's ``ru_maxrss``) and the difference. ``--memory-min 0`` skips it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

from hsb_whisper.audio import load_audio
from hsb_whisper.evaluation import diarization_error
from hsb_whisper.export import ModelStore, SpeakerEncoder
from hsb_whisper.transcription import TranscribeOptions, Transcriber
from hsb_whisper.transcription.speakers import SpeakerTrack

from benchmarks.long_audio_memory import peak_rss_mb
from testsupport.speech import speak_conversation

RATE = 16000
VOICES = [
    ("en+klatt", 10),
    ("en+anika", 80),
    ("de+f5", 65),
    ("en+Storm", 50),
    ("en+klatt3", 30),
    ("en+aunty", 70),
]
LINES = [
    "Good morning, and welcome to our programme about the villages of Lusatia.",
    "Thank you. I grew up in a small village near Bautzen.",
    "How did the language sound at home when you were a child?",
    "My grandmother told long stories every evening.",
    "We had no stories at home, but we sang many old songs together.",
    "Which songs do you still remember from those years?",
    "I remember the songs for the spring festival, and the one about the miller.",
    "That is a beautiful memory.",
    "Yes, indeed.",
    "The school was two kilometres away, and in winter we walked through deep snow.",
    "Did the teachers speak Sorbian with you?",
    "Only the old teacher did; the young ones came from Dresden.",
    "And what about the church on Sundays?",
    "The sermon was in Sorbian, and afterwards everybody talked in front of the church.",
]


def make_conversation(folder: Path, index: int, rng: np.random.Generator):
    count = 2 + index % 2
    voices = [VOICES[i] for i in rng.choice(len(VOICES), count, replace=False)]
    turns, previous = [], None
    for _ in range(int(rng.integers(8, 15))):
        speaker = int(rng.choice([s for s in range(count) if s != previous]))
        turns.append((speaker, LINES[int(rng.integers(len(LINES)))]))
        previous = speaker
    pause = float(rng.uniform(0.3, 1.0))
    path, truth = speak_conversation(folder / f"c{index}.wav", turns, voices, pause_s=pause)
    return path, truth, voices, pause


def diarize(encoder, audio: np.ndarray, speakers: int = 0):
    track = SpeakerTrack(encoder)
    track.feed(audio)
    return [(t.start, t.end, t.speaker) for t in track.turns(speakers)]


def error_part(folder: Path, encoder, n: int) -> list[Path]:
    rng = np.random.default_rng(15)
    rows, paths = [], []
    print("conversation | voices | pause s | length s | found | DER auto | DER given")
    for i in range(n):
        path, truth, voices, pause = make_conversation(folder, i, rng)
        paths.append(path)
        audio = load_audio(path)
        auto = diarize(encoder, audio)
        given = diarize(encoder, audio, len(voices))
        found = len({s for _, _, s in auto})
        rows.append(
            (diarization_error(truth, auto), diarization_error(truth, given), found, len(voices))
        )
        names = ", ".join(f"{v}/{p}" for v, p in voices)
        print(
            f"{i} | {names} | {pause:.2f} | {len(audio) / RATE:.0f} | {found} of {len(voices)} | "
            f"{rows[-1][0].rate:.1%} | {rows[-1][1].rate:.1%}"
        )
    for label, k in (("auto", 0), ("given", 1)):
        errors = sum(r[k].missed + r[k].false_alarm + r[k].confusion for r in rows)
        speech = sum(r[k].speech for r in rows)
        print(f"pooled DER ({label}): {errors / speech:.2%} of {speech:.0f} s scored speech")
    right = sum(r[2] == r[3] for r in rows)
    print(f"number of speakers found automatically: right in {right} of {n}")
    return paths


def speed_part(paths: list[Path], encoder, minutes: float) -> np.ndarray:
    pieces, total = [], 0
    while total < minutes * 60 * RATE:
        for path in paths:
            audio = load_audio(path)
            pieces.append(audio)
            total += len(audio)
    audio = np.concatenate(pieces)[: int(minutes * 60 * RATE)]
    seconds = len(audio) / RATE
    start = time.perf_counter()
    turns = diarize(encoder, audio)
    diarization = time.perf_counter() - start
    model = ModelStore().resolve()
    transcriber = Transcriber(model, TranscribeOptions(language="en"))
    start = time.perf_counter()
    segments, _ = transcriber._transcribe_piece(audio, "en")
    count = sum(1 for _ in segments)
    transcription = time.perf_counter() - start
    print(
        f"{seconds / 60:.0f} min of audio: diarization {diarization:.1f} s "
        f"({seconds / diarization:.0f}× real time, {len(turns)} turns); "
        f"transcription {transcription:.1f} s ({count} segments); "
        f"--speakers auto adds {diarization / transcription:.1%} to the transcription time"
    )
    return audio


def write_mp3(path: Path, audio: np.ndarray, minutes: float) -> Path:
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libmp3lame", rate=RATE, layout="mono")
        stream.bit_rate = 32_000
        written, want = 0, int(minutes * 60 * RATE)
        while written < want:
            block = audio[: want - written]
            samples = (np.clip(block, -1, 1) * 32767).astype(np.int16)
            frame = av.AudioFrame.from_ndarray(samples[None, :], format="s16", layout="mono")
            frame.rate = RATE
            for packet in stream.encode(frame):
                out.mux(packet)
            written += len(block)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def memory_part(folder: Path, audio: np.ndarray, minutes: float) -> None:
    tape = write_mp3(folder / "long.mp3", audio, minutes)
    env = {**os.environ, "HSB_WHISPER_HOME": str(folder / "home")}
    base = [sys.executable, "-m", "hsb_whisper", "transcribe", str(tape), "-l", "en", "-q"]
    results = {}
    for label, extra in (("without", []), ("--speakers auto", ["--speakers", "auto"])):
        out = folder / label.replace(" ", "_")
        rss, wall = peak_rss_mb([*base, "-f", "json", "-o", str(out), *extra], env)
        results[label] = rss
        print(f"{minutes:.0f} min, {label}: peak RSS {rss:.0f} MB, {wall:.0f} s")
    difference = results["--speakers auto"] - results["without"]
    print(f"peak RSS difference: {difference:+.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=8)
    parser.add_argument("--speed-min", type=float, default=10)
    parser.add_argument("--memory-min", type=float, default=120)
    args = parser.parse_args()
    encoder = SpeakerEncoder()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = error_part(folder, encoder, args.conversations)
        audio = speed_part(paths, encoder, args.speed_min)
        if args.memory_min:
            memory_part(folder, audio, args.memory_min)


if __name__ == "__main__":
    main()
