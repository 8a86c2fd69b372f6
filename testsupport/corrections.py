"""Saved transcripts whose segments the user confirmed, as "Improve my model" trains on: eight
recordings of synthetic Czech speech (espeak-ng), one speaker and one segment each, half of them
corrected and half checked as they stood. With the tiny random Whisper as the default model,
the test suite's improve runs train on them (``TINY_TRAINING``: two steps)."""

from __future__ import annotations

from pathlib import Path

from hsb_whisper.transcription import formats
from hsb_whisper.transcription.transcript import AudioInfo, Segment, Transcript

from testsupport.speech import read_wav, speak

SENTENCES = (
    "Dobrý den.", "Jmenuji se Jan.", "Bydlím v Praze.", "Dnes je krásné počasí.",
    "Mám rád čaj.", "Kde je nádraží?", "To je můj dům.", "Děkuji pěkně.",
)  # fmt: skip
# The classic recipe shrunk for the tiny Whisper: seconds of training
TINY_TRAINING = (
    "training.max_steps=2",
    "training.batch_size=2",
    "training.eval_max_new_tokens=4",
    "lora.r=4",
    "lora.alpha=8",
)


def save_corrected(transcripts: Path, recordings: Path) -> Path:
    """Speak :data:`SENTENCES` into ``recordings/rec<i>.wav`` and save their transcripts, every
    segment confirmed (the odd ones by editing the model's lower-case text), as the app's editor
    saves them, into ``transcripts`` (made if missing: e.g. ``paths.transcripts_dir()``)."""
    transcripts.mkdir(parents=True, exist_ok=True)
    recordings.mkdir(parents=True, exist_ok=True)
    for i, sentence in enumerate(SENTENCES):
        audio = speak(sentence, "cs", recordings / f"rec{i}.wav")
        samples, rate = read_wav(audio)
        duration = len(samples) / rate
        segment = Segment(0.0, duration, sentence.lower(), -0.5, 0.01, speaker="S1")
        transcript = Transcript(
            AudioInfo(audio, duration, "cs", 1.0), [segment], "tiny", {"S1": f"Speaker {i}"}
        )
        if i % 2:
            transcript.edit_text(0, sentence)
        else:
            transcript.confirm(0)
        formats.save(transcript, transcripts / f"rec{i}.json", "json")
    return transcripts
