"""Speaker diarization: the encoder (ONNX, parity with Resemblyzer's torch model where torch is
installed), the clustering (against scipy where installed), the diarization error rate, the
speaker track on generated conversations, and ``transcribe --speakers`` end to end with the real
default model."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hsb_whisper.audio import load_audio
from hsb_whisper.errors import ModelError, OptionError
from hsb_whisper.evaluation import diarization_error
from hsb_whisper.export import SpeakerEncoder
from hsb_whisper.export import speaker_encoder as encoder_module
from hsb_whisper.transcription import TranscribeOptions, Transcriber
from hsb_whisper.transcription import speakers as speakers_module
from hsb_whisper.transcription.speakers import SpeakerTrack, Turn, label_segments
from hsb_whisper.transcription.transcript import Segment, Word

from testsupport.cli_runner import run_cli
from testsupport.speech import speak_conversation, speak_sentences

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def conversation(tmp_path_factory) -> tuple[Path, list]:
    """41 s: three voices taking ten turns, 0.7 s apart."""
    return speak_conversation(tmp_path_factory.mktemp("conversation") / "talk.wav")


@pytest.fixture(scope="module")
def monologue(tmp_path_factory) -> Path:
    """One voice, 26 s, four sentences: a single speaker whatever the pauses."""
    lines = [
        "My grandmother told long stories every evening, and we children listened.",
        "Which songs do you still remember from those years in the village school?",
        "The spring festival had its own songs, and the miller had one of his own.",
        "That is a beautiful memory, and I thank you for telling it to us today.",
    ]
    path = tmp_path_factory.mktemp("monologue") / "one.wav"
    return speak_sentences(lines, "en+klatt", path, pause_s=0.9)


@pytest.fixture(scope="module")
def encoder() -> SpeakerEncoder:
    return SpeakerEncoder()


def track_turns(encoder, path: Path, speakers: int = 0, piece_s: float | None = None):
    audio = load_audio(path)
    track = SpeakerTrack(encoder)
    step = round(piece_s * 16000) if piece_s else len(audio)
    for at in range(0, len(audio), step):
        track.feed(audio[at : at + step])
    return track.turns(speakers)


def as_tuples(turns: list[Turn]) -> list[tuple]:
    return [(t.start, t.end, t.speaker) for t in turns]


def _script():
    spec = importlib.util.spec_from_file_location(
        "convert_speaker_encoder", ROOT / "scripts" / "convert_speaker_encoder.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


# The encoder ------------------------------------------------------------------------------------


def test_encoder_asset_has_its_licence_and_checksums():
    folder = encoder_module.asset_folder()
    info = json.loads((folder / encoder_module.INFO_FILE).read_text())
    assert "Apache License" in (folder / "LICENSE").read_text()
    assert info["source"].startswith("Resemblyzer 0.1.4")
    assert len(info["onnx_sha256"]) == len(info["weights_sha256"]) == 64
    assert (folder / encoder_module.MODEL_FILE).stat().st_size < 6_000_000


def test_embeddings_are_unit_vectors_for_any_batch(encoder):
    rng = np.random.default_rng(3)
    mels = rng.gamma(0.5, 2.0, (5, 150, 40)).astype(np.float32)
    together = encoder.embed(mels)
    alone = np.concatenate([encoder.embed(m[None]) for m in mels])
    assert together.shape == (5, 256)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(together, alone, atol=1e-5)
    with pytest.raises(ValueError, match="batch × frames × 40"):
        encoder.embed(mels[0])


def test_a_damaged_encoder_is_refused_with_the_file_named(tmp_path):
    shutil.copytree(encoder_module.asset_folder(), tmp_path / "speaker")
    model = tmp_path / "speaker" / encoder_module.MODEL_FILE
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0x01
    model.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"voice-encoder\.onnx: the speaker model is damaged"):
        SpeakerEncoder(tmp_path / "speaker")
    model.unlink()
    with pytest.raises(ModelError, match="missing or unreadable"):
        SpeakerEncoder(tmp_path / "speaker")


def test_mel_frames_are_librosas():
    librosa = pytest.importorskip("librosa")
    audio = (np.random.default_rng(1).standard_normal(16000 * 2 + 77) * 0.1).astype(np.float32)
    expected = librosa.feature.melspectrogram(
        y=audio, sr=16000, n_fft=400, hop_length=160, n_mels=40
    ).T
    got = encoder_module.mel_frames(audio)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6 * expected.max())


def test_onnx_encoder_matches_resemblyzers_torch_model(encoder):
    """The shipped ONNX file against the network built in torch from the Resemblyzer wheel's
    own weights (CI installs the wheel without its dependencies for this)."""
    torch = pytest.importorskip("torch")
    script = _script()
    try:
        weights, _, version = script.find_weights()
    except Exception:
        pytest.skip("Resemblyzer is not installed (pip install --no-deps resemblyzer==0.1.4)")
    model = script.build_torch_encoder(weights)
    rng = np.random.default_rng(7)
    for batch, frames in ((1, 150), (6, 150), (2, 90)):
        mels = rng.gamma(0.5, 2.0, (batch, frames, 40)).astype(np.float32)
        with torch.no_grad():
            expected = model(torch.from_numpy(mels)).numpy()
        np.testing.assert_allclose(encoder.embed(mels), expected, atol=1e-5)
    assert version == "0.1.4"


def test_the_conversion_script_rebuilds_the_shipped_encoder(encoder, tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("onnx")
    script = _script()
    try:
        script.find_weights()
    except Exception:
        pytest.skip("Resemblyzer is not installed (pip install --no-deps resemblyzer==0.1.4)")
    assert script.main(["--out", str(tmp_path)]) == 0
    rebuilt = SpeakerEncoder(tmp_path)
    shipped = json.loads((encoder_module.asset_folder() / encoder_module.INFO_FILE).read_text())
    assert rebuilt.info["weights_sha256"] == shipped["weights_sha256"]
    assert (tmp_path / "LICENSE").read_text() == (
        encoder_module.asset_folder() / "LICENSE"
    ).read_text()
    mels = np.random.default_rng(2).gamma(0.5, 2.0, (3, 150, 40)).astype(np.float32)
    np.testing.assert_allclose(rebuilt.embed(mels), encoder.embed(mels), atol=1e-6)


# Clustering and the error rate ----------------------------------------------------------------


def test_average_linkage_merges_as_scipy_does():
    hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
    rng = np.random.default_rng(0)
    centres = rng.standard_normal((4, 16))
    vectors = np.concatenate([c + 0.4 * rng.standard_normal((15, 16)) for c in centres])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ours = speakers_module.average_linkage(vectors, np.ones(len(vectors)))
    theirs = hierarchy.linkage(vectors, method="average", metric="cosine")
    np.testing.assert_allclose([d for d, _, _ in ours], theirs[:, 2], atol=1e-5)
    labels = speakers_module.cut(ours, len(vectors), clusters=4)
    expected = hierarchy.fcluster(theirs, 4, criterion="maxclust")
    assert len(set(labels)) == 4
    # the same partition (label numbers may differ)
    assert len(set(zip(labels, expected))) == 4


def test_weighted_items_link_like_the_windows_they_stand_for():
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((6, 8))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    repeated = np.repeat(vectors, [1, 3, 1, 2, 1, 1], axis=0)
    weighted = speakers_module.average_linkage(vectors, np.array([1, 3, 1, 2, 1, 1.0]))
    plain = speakers_module.average_linkage(repeated, np.ones(len(repeated)))
    # merging identical copies costs nothing; then the same merges at the same distances
    np.testing.assert_allclose(
        [d for d, _, _ in plain][-5:], [d for d, _, _ in weighted], atol=1e-5
    )


def test_diarization_error_rate():
    reference = [(0.0, 10.0, "a"), (10.0, 20.0, "b")]
    assert diarization_error(reference, [(0, 10, "x"), (10, 20, "y")]).rate == 0
    # speaker names do not matter, only the pairing
    swapped = diarization_error(reference, [(0, 10, "b"), (10, 20, "a")])
    assert swapped.rate == 0 and swapped.pairing == {"a": "b", "b": "a"}
    # 2 s of b said to be a's, 0.25 s of them in the collar around 10 s; 1 s of collars
    # in all (0.25 s inside the recording's ends, 0.5 s around the change)
    wrong = diarization_error(reference, [(0, 12, "x"), (12, 20, "y")])
    assert wrong.confusion == pytest.approx(2.0 - 0.25)
    assert wrong.speech == pytest.approx(19.0)
    # missed and invented speech
    partial = diarization_error(reference, [(0, 10, "x"), (25, 27, "y")], collar=0)
    assert partial.missed == pytest.approx(10) and partial.false_alarm == pytest.approx(2)
    assert partial.rate == pytest.approx(12 / 20)
    # the collar forgives a boundary placed 0.2 s late
    assert diarization_error(reference, [(0, 10.2, "x"), (10.2, 20, "y")]).rate == 0


# The speaker track on generated speech --------------------------------------------------------


def test_three_voices_are_three_speakers_with_a_low_error(encoder, conversation):
    path, truth = conversation
    turns = track_turns(encoder, path)
    assert {t.speaker for t in turns} == {"S1", "S2", "S3"}
    assert turns[0].speaker == "S1"  # numbered by first appearance
    score = diarization_error(truth, as_tuples(turns), collar=0.25)
    assert score.rate < 0.06, score
    assert len(set(score.pairing.values())) == 3


def test_told_two_speakers_gives_two(encoder, conversation):
    path, _ = conversation
    turns = track_turns(encoder, path, speakers=2)
    assert {t.speaker for t in turns} == {"S1", "S2"}
    assert {t.speaker for t in track_turns(encoder, path, speakers=1)} == {"S1"}


def test_one_voice_is_one_speaker(encoder, monologue):
    assert {t.speaker for t in track_turns(encoder, monologue)} == {"S1"}


def test_fed_in_small_pieces_and_short_blocks_the_result_is_the_same(
    encoder, conversation, monkeypatch
):
    path, truth = conversation
    whole = as_tuples(track_turns(encoder, path))
    assert as_tuples(track_turns(encoder, path, piece_s=0.37)) == whole
    monkeypatch.setattr(speakers_module, "BLOCK_S", 7.0)  # many speech regions span a block end
    blocks = track_turns(encoder, path, piece_s=3.1)
    assert {t.speaker for t in blocks} == {"S1", "S2", "S3"}
    assert diarization_error(truth, as_tuples(blocks)).rate < 0.06


def test_many_windows_are_clustered_in_runs(encoder, conversation, monkeypatch):
    """Recordings with more windows than MAX_ITEMS cluster runs of neighbouring windows; every
    window is still labelled on its own."""
    path, truth = conversation
    monkeypatch.setattr(speakers_module, "MAX_ITEMS", 16)  # 41 windows in 10 turns: runs
    turns = track_turns(encoder, path)
    assert {t.speaker for t in turns} == {"S1", "S2", "S3"}
    assert diarization_error(truth, as_tuples(turns)).rate < 0.06


def test_silence_has_no_turns(encoder):
    track = SpeakerTrack(encoder)
    track.feed(np.zeros(16000 * 5, dtype=np.float32))
    assert track.turns() == []


# Segments ---------------------------------------------------------------------------------------


def _segment(words: list[tuple[float, float, str]]) -> Segment:
    return Segment(
        start=words[0][0],
        end=words[-1][1],
        text=" ".join(w for _, _, w in words),
        avg_logprob=-0.2,
        no_speech_prob=0.01,
        words=tuple(Word(s, e, w, 0.9) for s, e, w in words),
    )


def test_a_segment_spanning_a_change_is_split_at_the_word():
    turns = [Turn(0.0, 2.0, "S1"), Turn(2.3, 5.0, "S2")]
    segment = _segment(
        [(0.1, 0.5, "Good"), (0.6, 1.8, "morning."), (2.4, 2.8, "Hello"), (2.9, 4.0, "there.")]
    )
    first, second = label_segments([segment], turns)
    assert (first.speaker, first.text, first.start, first.end) == ("S1", "Good morning.", 0.1, 1.8)
    assert (second.speaker, second.text, second.start) == ("S2", "Hello there.", 2.4)
    assert [w.text for w in second.words] == ["Hello", "there."]


def test_one_odd_word_inside_a_turn_does_not_split_it():
    turns = [Turn(0.0, 1.0, "S1"), Turn(1.0, 1.3, "S2"), Turn(1.3, 3.0, "S1")]
    segment = _segment([(0.1, 0.9, "one"), (1.0, 1.3, "two"), (1.4, 2.0, "three")])
    (only,) = label_segments([segment], turns)
    assert only.speaker == "S1" and only.text == segment.text


def test_segments_without_words_take_the_turn_they_overlap_most():
    turns = [Turn(0.0, 2.0, "S1"), Turn(2.5, 6.0, "S2")]
    plain = dataclasses.replace(_segment([(1.5, 5.0, "x")]), words=())
    outside = dataclasses.replace(_segment([(7.0, 8.0, "y")]), words=())
    assert [s.speaker for s in label_segments([plain, outside], turns)] == ["S2", "S2"]


# Options and the command line -----------------------------------------------------------------


def test_options_refuse_impossible_numbers_of_speakers():
    with pytest.raises(OptionError, match="number of speakers"):
        TranscribeOptions(speakers=21)
    assert TranscribeOptions(speakers=0).words and not TranscribeOptions().words


@pytest.mark.parametrize("value", ["0", "none", "-2"])
def test_bad_speakers_option_is_a_usage_error(capsys, value, monologue):
    result = run_cli(capsys, "transcribe", monologue, "--speakers", value)
    assert result.code == 2
    assert result.err == (
        f"hsb-whisper: error: --speakers {value}: give 'auto' or a number of speakers from 1\n"
    )


def test_speaker_names_need_speakers(capsys, monologue):
    result = run_cli(capsys, "transcribe", monologue, "--speaker-names", "Jan")
    assert result.code == 2
    assert (
        result.err == "hsb-whisper: error: --speaker-names needs --speakers auto or --speakers N\n"
    )
    result = run_cli(capsys, "transcribe", monologue, "--speakers", "2", "--speaker-names", "Jan,,")
    assert result.code == 2 and "a name is empty" in result.err


@pytest.mark.parametrize(
    "names",
    ["Jan\udcff,Marja", "Jan\x1b[31m,Marja", "Jan,\u200b", "\u202eJan,Marja", "Jan,\x00"],
)
def test_bad_speaker_names_are_refused_before_transcribing(capsys, tmp_path, names):
    args = ["transcribe", tmp_path / "none.wav", "--speakers", "2", "--speaker-names", names]
    result = run_cli(capsys, *args)
    assert result.code == 2, result.err
    assert "--speaker-names" in result.err and len(result.err.strip().splitlines()) == 1
    assert result.err.isprintable() or result.err.strip().isprintable()


def _speaker_of_truth(segment: dict, truth: list) -> int | None:
    middle = (segment["start"] + segment["end"]) / 2
    return next((k for s, e, k in truth if s - 0.3 <= middle <= e + 0.3), None)


@pytest.mark.slow
def test_transcribe_labels_every_segment_with_its_speaker(
    default_model, conversation, monologue, tmp_path, capsys
):
    path, truth = conversation
    out = tmp_path / "out"
    result = run_cli(
        capsys, "transcribe", path, monologue, "-l", "en", "--speakers", "auto",
        "--speaker-names", "Jan Nowak", "-f", "json,txt,eaf", "-o", out, "-q",
    )  # fmt: skip
    assert result.code == 0, result.err
    data = json.loads((out / "talk.json").read_text())
    segments = data["segments"]
    assert {s["speaker"] for s in segments} == {"S1", "S2", "S3"}
    assert "words" not in segments[0]  # word times were needed, but not asked for
    pairs = {(_speaker_of_truth(s, truth), s["speaker"]) for s in segments}
    assert len(pairs) == 3 and None not in {k for k, _ in pairs}, pairs  # one label per voice
    assert data["speakers"] == [
        {"id": "S1", "name": "Jan Nowak"}, {"id": "S2", "name": "S2"}, {"id": "S3", "name": "S3"},
    ]  # fmt: skip
    lines = (out / "talk.txt").read_text().splitlines()
    assert lines[0].startswith("Jan Nowak: ")
    assert {line.split(": ")[0] for line in lines} == {"Jan Nowak", "S2", "S3"}
    # the short one-voice file went through the batched group of short files
    one = json.loads((out / "one.json").read_text())
    assert {s["speaker"] for s in one["segments"]} == {"S1"}
    from pympi import Elan

    eaf = Elan.Eaf(str(out / "talk.eaf"))
    assert set(eaf.get_tier_names()) == {"Jan Nowak", "S2", "S3"}
    assert eaf.get_parameters_for_tier("Jan Nowak")["PARTICIPANT"] == "Jan Nowak"
    # … and comes back as training data, each tier's participant as the clips' speaker
    data = tmp_path / "data"
    shutil.copy(path, out / "talk.wav")  # the recording beside its .eaf
    (out / "talk.json").unlink()
    tiers = [arg for name in ("Jan Nowak", "S2", "S3") for arg in ("--tier", name)]
    result = run_cli(
        capsys, "data", "import-eaf", out / "talk.eaf", "--out", data, *tiers, "--no-join", "-q"
    )
    assert result.code == 0, result.err
    clips = [json.loads(line) for f in data.glob("*.jsonl") for line in f.read_text().splitlines()]
    assert {c["speaker"] for c in clips} == {"Jan Nowak", "S2", "S3"}
    assert len(clips) == len(segments)


@pytest.mark.slow
def test_transcribe_with_two_speakers_and_word_times(default_model, conversation):
    path, _ = conversation
    transcriber = Transcriber(
        default_model, TranscribeOptions(language="en", speakers=2, word_timestamps=True)
    )
    transcript = transcriber.transcribe_all(path)
    assert transcript.speakers == ["S1", "S2"]
    assert all(s.words for s in transcript.segments)
    without = Transcriber(default_model, TranscribeOptions(language="en"))
    plain = without.transcribe_all(path)
    assert all(s.speaker is None for s in plain.segments)
    # the same words, whether or not speakers split the segments
    words = " ".join(s.text for s in transcript.segments).split()
    assert words == " ".join(s.text for s in plain.segments).split()


@st.composite
def _segments_and_turns(draw):
    times = sorted(draw(st.lists(st.floats(0, 60), min_size=2, max_size=40)))
    words = [Word(a, b, f"w{i}", 0.9) for i, (a, b) in enumerate(zip(times[::2], times[1::2]))]
    cuts = sorted(draw(st.lists(st.integers(0, len(words)), max_size=5)))
    segments = [
        Segment(part[0].start, part[-1].end, " ".join(w.text for w in part), -0.1, 0.0, part)
        for part in (tuple(words[a:b]) for a, b in zip([0, *cuts], [*cuts, len(words)]))
        if part
    ]
    edges = sorted(draw(st.lists(st.floats(0, 60), min_size=2, max_size=12)))
    turns = [
        Turn(a, b, draw(st.sampled_from(["S1", "S2", "S3"])))
        for a, b in zip(edges[::2], edges[1::2])
    ]
    return segments, turns


@given(_segments_and_turns())
@settings(max_examples=200, deadline=None)
def test_labelling_keeps_every_word_in_order_and_names_only_known_speakers(case):
    segments, turns = case
    labelled = label_segments(segments, turns)
    words = [w for s in segments for w in s.words]
    assert [w for s in labelled for w in s.words] == words
    assert " ".join(s.text for s in labelled).split() == [w.text for w in words]
    if turns:
        assert {s.speaker for s in labelled} <= {t.speaker for t in turns}
        assert all(s.start <= s.end for s in labelled)


@pytest.mark.slow
def test_terminal_output_names_the_speaker_of_every_line(default_model, monologue, capsys):
    result = run_cli(capsys, "transcribe", monologue, "-l", "en", "--speakers", "auto", "-q")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) >= 3 and all(line.startswith("S1: ") for line in lines)
