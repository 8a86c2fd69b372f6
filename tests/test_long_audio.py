"""Long recordings in pieces, the same text on every run, and the repetition guard."""

from __future__ import annotations

import numpy as np
import pytest

from hsb_whisper.audio import SAMPLE_RATE, AudioReader, load_audio
from hsb_whisper.errors import AudioError
from hsb_whisper.evaluation import DecodingOptions, HFDecoder, decoding
from hsb_whisper.transcription import TranscribeOptions, Transcriber, batched
from hsb_whisper.transcription import engine as transcriber_module

from testsupport.speech import write_wav

SAMPLES = "hsb_whisper/assets/samples"


def test_reader_gives_the_samples_load_audio_gives(clips):
    whole = load_audio(clips["en_long"])
    reader = AudioReader(clips["en_long"])
    pieces = []
    while not reader.exhausted:
        pieces.append(reader.read(SAMPLE_RATE * 3))  # 3 s at a time
    reader.finish()
    assert np.array_equal(np.concatenate(pieces), whole)
    assert reader.samples_read == len(whole)


def test_same_file_same_text_although_the_fallback_samples(default_model, monkeypatch):
    # faster-whisper falls back to sampling at temperature > 0 when a segment's average log
    # probability is below log_prob_threshold: at 0 every segment does, whatever the CPU's GEMM
    # backend makes of the audio (the English sample under the "cs" token fell back with MKL,
    # Intel's default, but not with oneDNN, AMD's). Before seeding, four runs gave four texts.
    # (Sequential decoding: batched windows fall back only when they look wrong.)
    from faster_whisper import WhisperModel

    transcribe = WhisperModel.transcribe
    monkeypatch.setattr(
        WhisperModel,
        "transcribe",
        lambda self, audio, **kw: transcribe(self, audio, **{"log_prob_threshold": 0.0, **kw}),
    )
    path = f"{SAMPLES}/en-synthetic.mp3"
    transcriber = Transcriber(default_model, TranscribeOptions(batch_size=1))
    texts = [" ".join(s.text for s in transcriber.transcribe(path)[0]) for _ in range(3)]
    assert transcriber._sampled  # the fallback did sample
    other = Transcriber(default_model, TranscribeOptions(batch_size=1))
    texts.append(" ".join(s.text for s in other.transcribe(path)[0]))
    assert len(set(texts)) == 1, texts


def test_long_file_is_transcribed_in_pieces_cut_at_pauses(default_model, clips, monkeypatch):
    options = TranscribeOptions(language="en", beam_size=1)
    transcriber = Transcriber(default_model, options)
    whole = list(transcriber.transcribe(clips["en_long"])[0])

    cuts = []
    real_cut = batched.cut_at_pause

    def counted(audio, search_s):
        piece, rest = real_cut(audio, search_s)
        cuts.append(len(piece) / SAMPLE_RATE)
        return piece, rest

    # pieces of 8 s (+2 s to find a pause) instead of 10 minutes: the 4 sentences, 1.5 s apart,
    # are cut between sentences
    monkeypatch.setattr(transcriber_module, "PIECE_S", 8.0)
    monkeypatch.setattr(transcriber_module, "CUT_SEARCH_S", 2.0)
    monkeypatch.setattr(batched, "cut_at_pause", counted)
    segments, info = transcriber.transcribe(clips["en_long"])
    pieces = list(segments)
    duration = len(load_audio(clips["en_long"])) / SAMPLE_RATE
    assert len(cuts) >= 2 and all(6.0 <= c <= 10.0 for c in cuts)
    assert info.duration == pytest.approx(duration, abs=0.1)  # from the header
    starts = [s.start for s in pieces]
    assert starts == sorted(starts) and pieces[-1].end <= duration + 0.01
    assert pieces[-1].end > duration - 5  # times run on across the pieces
    for text in (whole, pieces):  # every sentence is there, none twice
        words = " ".join(s.text for s in text).lower()
        for key in ("please", "store", "brother", "kids"):
            assert words.count(key) == 1, (key, words)


def test_silence_of_a_long_file_is_reported_at_its_end(default_model, tmp_path, monkeypatch):
    silent = write_wav(tmp_path / "silent.wav", np.zeros(SAMPLE_RATE * 25, np.int16), SAMPLE_RATE)
    monkeypatch.setattr(transcriber_module, "PIECE_S", 8.0)
    monkeypatch.setattr(transcriber_module, "CUT_SEARCH_S", 2.0)
    segments, _ = Transcriber(default_model, TranscribeOptions()).transcribe(silent)
    with pytest.raises(AudioError, match="the recording is silent"):
        list(segments)


def has_repeated_ngram(ids: list[int], n: int) -> bool:
    grams = [tuple(ids[i : i + n]) for i in range(len(ids) - n + 1)]
    return len(grams) != len(set(grams))


def test_decoding_guards_against_repetition_loops(tiny_whisper, clips, monkeypatch):
    decoder = HFDecoder.load(tiny_whisper)
    audio = [load_audio(clips["en"])]
    options = DecodingOptions(language="cs", max_new_tokens=100)

    def token_ids(text: str) -> list[int]:
        return decoder.processor.tokenizer(text, add_special_tokens=False).input_ids

    monkeypatch.setattr(decoding, "NO_REPEAT_NGRAM_SIZE", 0)  # unguarded: a random model loops
    looping = token_ids(decoder.decode(audio, options)[0])
    monkeypatch.setattr(decoding, "NO_REPEAT_NGRAM_SIZE", 10)
    guarded = token_ids(decoder.decode(audio, options)[0])
    assert has_repeated_ngram(looping, 10)
    assert not has_repeated_ngram(guarded, 10)
