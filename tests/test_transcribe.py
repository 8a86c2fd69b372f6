"""Transcription behaviour with the real default model (Whisper base) on synthetic speech."""

from __future__ import annotations

import json
import re

import pytest

from hsb_whisper.cli import main
from hsb_whisper.transcription import TranscribeOptions, Transcriber

from testsupport.cli_runner import run_cli
from testsupport.speech import EN_SENTENCE, encode


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def test_english_clip_gives_the_sentence(en_transcriber, clips):
    transcript = en_transcriber.transcribe_all(clips["en"])
    assert normalise(" ".join(s.text for s in transcript.segments)) == normalise(EN_SENTENCE)
    assert transcript.info.language == "en"
    assert transcript.info.duration == pytest.approx(4.9, abs=1.5)


def test_default_language_comes_from_model_metadata(default_model, clips):
    assert default_model.info.language == "cs"
    transcriber = Transcriber(default_model, TranscribeOptions())
    assert transcriber.language == "cs"
    transcript = transcriber.transcribe_all(clips["cs"])
    text = normalise(" ".join(s.text for s in transcript.segments))
    assert transcript.info.language == "cs"
    assert "dobrý" in text and "počasí" in text, text


def test_auto_language_detects_english(default_model, clips):
    transcriber = Transcriber(default_model, TranscribeOptions(language="auto", beam_size=1))
    assert transcriber.language is None
    _, info = transcriber.transcribe(clips["en"])
    assert info.language == "en"
    assert 0.5 < info.language_probability <= 1.0


@pytest.mark.parametrize(
    ("name", "codec", "rate", "channels"),
    [
        ("stereo-44k.mp3", "libmp3lame", 44100, 2),
        ("stereo-32k.flac", "flac", 32000, 2),
        ("mono-48k.ogg", "libopus", 48000, 1),
        ("stereo-44k.m4a", "aac", 44100, 2),
        ("mono-11k.wav", "pcm_s16le", 11025, 1),
    ],
)
def test_formats_and_sample_rates(en_transcriber, clips, tmp_path, name, codec, rate, channels):
    path = encode(clips["en"], tmp_path / name, codec, rate, channels)
    text = normalise(" ".join(s.text for s in en_transcriber.transcribe_all(path).segments))
    assert "stella" in text and "store" in text, text


def parse_cues(text: str, marker: str) -> list[tuple[float, float, str]]:
    ts = rf"(\d\d):(\d\d):(\d\d){re.escape(marker)}(\d\d\d)"
    cues = []
    for m in re.finditer(rf"{ts} --> {ts}\n(.+?)\n\n", text, re.S):
        g = [int(x) for x in m.groups()[:8]]
        start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000
        end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000
        cues.append((start, end, m.group(9)))
    return cues


def assert_monotonic_inside(times: list[tuple[float, float]], duration: float) -> None:
    assert times
    previous_end = 0.0
    for start, end in times:
        assert previous_end - 0.001 <= start <= end <= duration + 0.001
        previous_end = end


def test_srt_vtt_json_outputs(capsys, clips, tmp_path, default_model):
    result = run_cli(
        capsys,
        "transcribe",
        clips["en_long"],
        "-l",
        "en",
        "-f",
        "srt,vtt",
        "-f",
        "json",
        "--word-timestamps",
        "-o",
        tmp_path,
    )
    assert result.code == 0, result.err
    data = json.loads((tmp_path / "en_long.json").read_text(encoding="utf-8"))
    duration = data["duration"]
    assert duration == pytest.approx(22, abs=6)
    assert data["language"] == "en" and data["model"] == "whisper-base"
    assert "store" in normalise(data["text"]) and "snake" in normalise(data["text"])
    assert len(data["segments"]) >= 2
    assert_monotonic_inside([(s["start"], s["end"]) for s in data["segments"]], duration)
    words = [w for s in data["segments"] for w in s["words"]]
    assert_monotonic_inside([(w["start"], w["end"]) for w in words], duration)

    srt = (tmp_path / "en_long.srt").read_text(encoding="utf-8")
    cues = parse_cues(srt, ",")
    assert len(cues) == len(data["segments"])
    assert [int(n) for n in re.findall(r"^(\d+)\n\d\d:", srt, re.M)] == list(
        range(1, len(cues) + 1)
    )
    assert_monotonic_inside([(a, b) for a, b, _ in cues], duration)
    assert [t for _, _, t in cues] == [s["text"] for s in data["segments"]]

    vtt = (tmp_path / "en_long.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n")
    vtt_cues = parse_cues(vtt, ".")
    assert [(a, b) for a, b, _ in vtt_cues] == [(a, b) for a, b, _ in cues]


def test_text_to_stdout_without_formats(capsys, clips, default_model):
    result = run_cli(capsys, "transcribe", clips["en"], "-l", "en", "--beam-size", "1")
    assert result.code == 0, result.err
    assert "store" in normalise(result.out)


def test_formats_next_to_input_by_default(capsys, clips, tmp_path, default_model):
    audio = tmp_path / "clip.mp3"
    audio.write_bytes(clips["en_mp3"].read_bytes())
    result = run_cli(capsys, "transcribe", audio, "-l", "en", "-f", "txt", "--beam-size", "1")
    assert result.code == 0, result.err
    assert "store" in normalise((tmp_path / "clip.txt").read_text(encoding="utf-8"))
    assert result.out == ""


def test_transcribe_by_model_path(capsys, clips, default_model):
    result = run_cli(
        capsys, "transcribe", clips["en"], "-m", default_model.path, "-l", "en", "--beam-size", "1"
    )
    assert result.code == 0, result.err
    assert "store" in normalise(result.out)


def test_models_list_shows_default(capsys, default_model):
    result = run_cli(capsys, "models", "list")
    assert result.code == 0
    line = next(line for line in result.out.splitlines() if line.startswith("whisper-base"))
    assert "(default)" in line and " cs " in line and "openai/whisper-base" in line
    info = json.loads(run_cli(capsys, "models", "info", "whisper-base").out)
    assert info["license"] == "MIT" and info["language"] == "cs"
    assert info["files"]["model.bin"] == 145_217_532


def test_help_is_plain_text_and_names_what_word_timestamps_change(capsys):
    with pytest.raises(SystemExit):
        main(["transcribe", "--help"])
    out = capsys.readouterr().out
    assert "``" not in out and ":func:" not in out
    words = " ".join(out.split("--word-timestamps", 2)[2].split()[:30])
    assert "JSON" in words and "ELAN" in words and "Praat" in words, words
