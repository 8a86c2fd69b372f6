"""Bad input: one clear line per file, other files still processed, non-zero exit, no traceback."""

from __future__ import annotations

import pytest

from hsb_whisper.audio import load_audio, mpeg_frame_length
from hsb_whisper.errors import AudioError

from testsupport.cli_runner import run_cli
from testsupport.speech import encode, read_wav, write_wav

EXPECTED = {
    "missing": "no such file",
    "folder": "is a folder, not an audio file",
    "empty": "the file is empty (0 bytes)",
    "garbage": "not a readable audio file",
    "truncated": "the file is truncated",
    "silence": "the recording is silent",
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_each_bad_input_has_its_message(capsys, clips, kind, default_model):
    result = run_cli(capsys, "transcribe", clips[kind], "--beam-size", "1")
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert lines == [
        f"hsb-whisper: error: {clips[kind]}: {EXPECTED[kind]}"
        + lines[0].split(EXPECTED[kind], 1)[1]
    ]
    assert "Traceback" not in result.err
    assert result.out == ""


def test_batch_with_bad_files_still_writes_good_outputs(capsys, clips, tmp_path, default_model):
    files = [clips["truncated"], clips["en"], clips["missing"], clips["garbage"], clips["en_mp3"]]
    result = run_cli(
        capsys,
        "transcribe",
        *files,
        "-l",
        "en",
        "--beam-size",
        "1",
        "-f",
        "txt,srt",
        "-o",
        tmp_path,
    )
    assert result.code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["en.srt", "en.txt"]
    # en.wav and en.mp3 share a name: the second must not overwrite the first
    assert f"{clips['en_mp3']}: its output would overwrite that of {clips['en']}" in result.err
    assert result.err.count("hsb-whisper: error:") == 4
    assert "1 of 5 files transcribed, 4 failed" in result.err
    assert "store" in (tmp_path / "en.txt").read_text(encoding="utf-8").lower()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary leftovers


def test_unknown_model_and_language_and_format(capsys, clips, default_model):
    result = run_cli(capsys, "transcribe", clips["en"], "-m", "nope")
    assert result.code == 1
    assert "model 'nope' not found; installed models: whisper-base" in result.err
    result = run_cli(capsys, "transcribe", clips["en"], "-l", "hsb")
    assert result.code == 2  # a usage mistake
    assert "language token 'hsb' is not one this model knows" in result.err
    result = run_cli(capsys, "transcribe", clips["en"], "-f", "docx")
    assert result.code == 2
    assert (
        "unknown output format 'docx'; choose from txt, srt, vtt, json, eaf, textgrid or all"
        in result.err
    )


def test_truncated_flac_is_detected(clips, tmp_path):
    whole = encode(clips["en"], tmp_path / "whole.flac", "flac", 44100)
    cut = tmp_path / "cut.flac"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])  # STREAMINFO says all
    assert len(load_audio(whole)) > 0
    with pytest.raises(AudioError, match=r"truncated: only \d\.\d s of the 4\.\d s"):
        load_audio(cut)


def test_wav_with_stale_header_is_accepted(clips, tmp_path):
    # What a recorder killed mid-recording leaves: the header's data size is wrong.
    samples, rate = read_wav(clips["en"])
    data = bytearray(write_wav(tmp_path / "a.wav", samples, rate).read_bytes())
    data[40:44] = (0).to_bytes(4, "little")  # data chunk size never updated
    (tmp_path / "a.wav").write_bytes(data)
    assert len(load_audio(tmp_path / "a.wav")) / 16000 == pytest.approx(len(samples) / rate, 0.01)


def test_quiet_but_real_audio_is_not_silence(clips, tmp_path):
    samples, rate = read_wav(clips["en"])
    quiet = write_wav(tmp_path / "quiet.wav", samples // 200, rate)  # about -46 dB
    assert len(load_audio(quiet)) > 0


def test_mpeg_frame_length():
    # MPEG-1 Layer III, 128 kb/s, 44.1 kHz, no padding: 144 * 128000 / 44100 = 417 bytes
    assert mpeg_frame_length(bytes([0xFF, 0xFB, 0x90, 0x00])) == 417
    assert mpeg_frame_length(bytes([0xFF, 0xFB, 0x92, 0x00])) == 418  # padding bit
    # MPEG-2 Layer III, 64 kb/s, 22.05 kHz: 72 * 64000 / 22050 = 208 bytes
    assert mpeg_frame_length(bytes([0xFF, 0xF3, 0x80, 0x00])) == 208
    assert mpeg_frame_length(b"ID3\x04") is None
    assert mpeg_frame_length(bytes([0xFF, 0xFB, 0x00, 0x00])) is None  # free format
