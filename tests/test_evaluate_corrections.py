"""``evaluate MODEL --corrections``: a model's word error rate on the segments the user confirmed
in saved transcripts — the model's own text where it wrote the transcript, the segment's audio
decoded with the model where another model did."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hsb_whisper import paths
from hsb_whisper.audio import SAMPLE_RATE, load_audio
from hsb_whisper.evaluation import (
    DecodingOptions,
    corpus_scores,
    corrections,
    corrections_wer,
    open_decoder,
)
from hsb_whisper.evaluation.metrics import score_utterances
from hsb_whisper.transcription import formats
from hsb_whisper.transcription.transcript import AudioInfo, Segment, Transcript

from testsupport import child_env
from testsupport.cli_runner import one_line_error, run_cli
from testsupport.speech import EN_SENTENCE, EN_SENTENCES

MODEL = "whisper-base"  # the default model: its store name is what its transcripts say

# (model's text, the user's text or None: confirmed unchanged, start, end). Reference = the
# user's text; the scoring folds case and drops punctuation.
EDITS = [
    ("dobry dźeń ja sym jan", None, 0.0, 2.0),  # 5 words, right
    ("ja bydlu w budyšinje a dźěłam", "Ja bydlu w Budyšinje a dźěłam tam.", 2.5, 5.0),  # 7, 1 D
    ("moja žona rěka marja a našej dźěći", "Moja žona rěka Maja a naše dźěći.", 5.0, 8.0),  # 7, 2 S
    ("derje", "Wutrobnje!", 8.5, 9.5),  # 1 word, 1 S
]
# 5 + 7 + 7 + 1 = 20 reference words; 3 substitutions + 1 deletion = 4 errors: WER 4 / 20 = 0.20
EXPECTED_WER = (3 + 1) / 20
SECONDS = 2.0 + 2.5 + 3.0 + 1.0


def segment(text: str, start: float, end: float) -> Segment:
    return Segment(start, end, text, -0.2, 0.01)


def corrected(model: str = MODEL, audio: str = "a.wav") -> Transcript:
    """The four confirmed segments of EDITS, and two that do not count: one never looked at, one
    edited and then unconfirmed again."""
    rows = [*EDITS, ("wšo je wopak", None, 10.0, 11.0), ("tež wopak", "Njewěm.", 11.0, 12.0)]
    t = Transcript(
        AudioInfo(Path(audio), 12.0, "cs", 1.0),
        [segment(text, start, end) for text, _, start, end in rows],
        model,
    )
    for i, (_, user, _, _) in enumerate(EDITS):
        if user is None:
            t.confirm(i)
        else:
            t.edit_text(i, user)
    t.edit_text(5, "Njewěm.")
    t.confirm(5, False)
    return t


def private(model: str = MODEL) -> Transcript:
    """A confirmed segment the model got all wrong, in a recording kept out of training."""
    t = Transcript(AudioInfo(Path("p.wav"), 3.0, "cs", 1.0), [segment("x y z", 0.0, 2.0)], model)
    t.edit_text(0, "Mój priwatny telefon")
    t.excluded_from_training = True
    return t


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "transcripts"
    d.mkdir()
    formats.save(corrected(), d / "own.json", "json")
    formats.save(private(), d / "private.json", "json")
    formats.save(corrected("other-model", "missing.wav"), d / "by-other.json", "json")
    again = private()  # the same recording, not marked here: private all the same
    again.excluded_from_training = False
    formats.save(again, d / "private-again.json", "json")
    older = formats.save(corrected(), d / "own-older.json", "json")  # a.wav again: counts once
    os.utime(older, (1_000_000_000, 1_000_000_000))
    return d


@pytest.fixture
def no_torch(monkeypatch):
    """torch, transformers and peft look uninstalled (what the command checks before using
    them)."""
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a, **k: (
            None if name in ("torch", "transformers", "peft") else real(name, *a, **k)
        ),
    )


def test_the_figure_is_the_corpus_wer_of_the_confirmed_segments(default_model, folder, monkeypatch):
    def no_decoding(*args, **kwargs):
        raise AssertionError("the model's own transcripts need no decoding")

    monkeypatch.setattr(corrections, "open_decoder", no_decoding)
    score = corrections_wer(MODEL, [folder], only_own=True)
    assert score.wer == pytest.approx(EXPECTED_WER)
    assert 0 < score.cer < score.wer
    assert (score.words, score.segments, score.recordings) == (20, 4, 1)
    assert score.seconds == pytest.approx(SECONDS) and score.decoded_segments == 0
    assert (score.skipped_excluded, score.skipped_other_models, score.problems) == (2, 1, ())
    assert score.skipped_duplicates == 1
    [recording] = score.per_recording
    assert recording.transcript == folder / "own.json" and not recording.decoded
    assert recording.wer == pytest.approx(EXPECTED_WER) and recording.written_by == MODEL
    assert [u.hypothesis for u in score.utterances] == [text for text, *_ in EDITS]

    # Without --only-own the other model's transcript is decoded: its recording is missing,
    # which is one line naming both files, and the figure stands on the rest.
    score = corrections_wer(MODEL, [folder])
    assert score.wer == pytest.approx(EXPECTED_WER) and score.skipped_other_models == 0
    [problem] = score.problems
    assert str(folder / "by-other.json") in problem and "missing.wav: no such file" in problem


def test_the_command_prints_the_figure_and_writes_the_report(store, no_torch, capsys, tmp_path):
    home = paths.transcripts_dir()  # the app's folder: what --corrections reads by default
    home.mkdir(parents=True)
    formats.save(corrected(), home / "a.json", "json")
    formats.save(private(), home / "p.json", "json")
    right = corrected(audio="b.wav")
    for i in range(len(EDITS)):  # the model got this recording right
        right.segments[i] = dataclasses.replace(right.segments[i], original_text=None)
    formats.save(right, home / "b.json", "json")

    out = tmp_path / "report"
    result = run_cli(capsys, "evaluate", MODEL, "--corrections", "--out", out)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    # 40 words, 4 errors (all in a.wav): 10.0 %; 2 × 8.5 s = 17 s
    assert lines[0].startswith(
        "on your 17 corrected seconds (40 words in 8 segments of 2 recordings) whisper-base "
        "gets 10.0 % of words wrong (CER "
    )
    assert (
        lines[1]
        == "(the text whisper-base wrote in its own transcripts was scored: nothing decoded)"
    )
    assert lines[2] == "skipped 1 recording excluded from training (private)"
    assert lines[3].split() == ["WER", "CER", "words", "segments", "minutes", "text", "recording"]
    assert lines[4].split()[:2] == ["20.0", "%"] and lines[4].endswith("a.wav")  # worst first
    assert lines[5].split()[:2] == ["0.0", "%"] and lines[5].endswith("b.wav")
    assert lines[-1] == f"evaluation: {out}"

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["name"] == MODEL and summary["corpus"]["wer"] == pytest.approx(0.1)
    assert summary["corpus"]["utterances"] == 8 and summary["corpus"]["reference_words"] == 40
    facts = summary["meta"]["corrections"]
    assert (facts["recordings"], facts["decoded_segments"], facts["skipped_excluded"]) == (2, 0, 1)
    assert [Path(r["audio"]).name for r in facts["per_recording"]] == ["a.wav", "b.wav"]
    assert summary["meta"]["engine"] == corrections.NOT_DECODED


def test_another_models_segments_are_decoded_with_the_model(
    default_model, en_transcriber, clips, no_torch, capsys, tmp_path
):
    transcript = en_transcriber.transcribe_all(clips["en_long"])  # four sentences, four segments
    assert len(transcript.segments) >= 3
    transcript.model = "other-model"
    transcript.confirm(1)  # the transcription was right (an unchanged text needs confirming)
    transcript.edit_text(2, EN_SENTENCES[2])  # the user wrote what was said
    path = formats.save(transcript, tmp_path / "en_long.json", "json")

    score = corrections_wer(MODEL, [path], language="en")

    # The same spans evaluated directly: cut from the whole recording, decoded by evaluate's
    # decoder with the same options, scored the same way.
    audio = load_audio(clips["en_long"])
    confirmed = [transcript.segments[1], transcript.segments[2]]
    spans = [audio[round(s.start * SAMPLE_RATE) : round(s.end * SAMPLE_RATE)] for s in confirmed]
    decoder = open_decoder("ct2", default_model.path, engine="faster-whisper", compute_type="int8")
    hypotheses = decoder.decode(spans, DecodingOptions(language="en"))
    direct = corpus_scores(score_utterances(["1", "2"], [s.text for s in confirmed], hypotheses))
    assert [u.hypothesis for u in score.utterances] == hypotheses
    assert score.wer == direct["wer"] and score.cer == direct["cer"]
    assert score.words == direct["reference_words"] == 11 + 18
    assert score.decoded_segments == 2 and score.per_recording[0].decoded
    assert 0 < score.wer < 0.5  # whisper-base hears most of the espeak English

    result = run_cli(
        capsys, "evaluate", MODEL, "--corrections", path, "-l", "en", "--out", tmp_path / "r"
    )
    assert result.code == 0, result.err
    assert f"gets {100 * score.wer:.1f} % of words wrong" in result.out
    assert "(2 segments decoded now with faster-whisper (int8), language token en)" in result.out


def test_the_command_needs_no_torch(default_model, clips, tmp_path):
    """In a process where torch, transformers, peft and accelerate cannot be imported: one
    transcript of the model's own, one of another model's whose segment is decoded."""
    formats.save(corrected(), tmp_path / "own.json", "json")
    other = Transcript(
        AudioInfo(clips["en"], 4.0, "en", 1.0), [segment("x", 0.0, 3.6)], "other-model"
    )
    other.edit_text(0, EN_SENTENCE)
    formats.save(other, tmp_path / "other.json", "json")
    code = f"""
import sys
for name in ("torch", "transformers", "peft", "accelerate"):
    sys.modules[name] = None  # importing raises ImportError; find_spec finds nothing
from hsb_whisper.cli import main
sys.exit(main(["evaluate", "{MODEL}", "--corrections", {str(tmp_path)!r}, "-l", "en",
               "--out", {str(tmp_path / "report")!r}]))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=child_env(), timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "(35 words in 5 segments of 2 recordings) whisper-base gets " in done.stdout
    assert "(1 segment decoded now with faster-whisper (int8), language token en; 4 more" in (
        done.stdout
    )


def test_no_confirmed_segment_is_one_line(store, capsys):
    result = run_cli(capsys, "evaluate", MODEL, "--corrections")  # no transcripts folder yet
    one_line_error(result, "no confirmed segments in your saved transcripts", "mark it as checked")

    home = paths.transcripts_dir()
    home.mkdir(parents=True)
    t = corrected()
    for i in range(len(t.segments)):
        t.confirm(i, False)
    formats.save(t, home / "a.json", "json")
    formats.save(private(), home / "p.json", "json")
    result = run_cli(capsys, "evaluate", MODEL, "--corrections")
    one_line_error(
        result, "(1 recording excluded from training (private))", "correct a segment's text"
    )

    # confirmed segments, but none can count: the recording to decode is gone
    formats.save(corrected("other-model", "gone.wav"), home / "b.json", "json")
    result = run_cli(capsys, "evaluate", MODEL, "--corrections")
    assert result.code == 1 and "gone.wav: no such file (not counted)" in result.err
    assert result.err.splitlines()[-1].endswith("could be counted: 1 problem above")


def test_damaged_transcripts_are_one_line_each_and_the_others_count(
    default_model, capsys, tmp_path
):
    good = formats.save(corrected(), tmp_path / "good.json", "json")
    data = json.loads(good.read_text(encoding="utf-8"))
    bad = {
        "list.json": "[1, 2]",
        "cut.json": good.read_text(encoding="utf-8")[:100],
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "number-text.json": json.dumps(data | {"segments": [{**data["segments"][0], "text": 5}]}),
        "no-span.json": json.dumps(data | {"segments": [{**data["segments"][0], "start": 3.0}]}),
        "nan.json": json.dumps(data | {"segments": [{**data["segments"][0], "end": float("nan")}]}),
        "bytes.json": b"\xff\xfe\x00\x01",
        "nul.json": json.dumps(data | {"model": "other-model", "file": "a\u0000.wav"}),
    }
    for name, content in bad.items():
        target = tmp_path / name
        target.write_bytes(content) if isinstance(content, bytes) else target.write_text(content)
    sources = [good, *(tmp_path / name for name in bad)]

    score = corrections_wer(MODEL, sources)
    assert score.wer == pytest.approx(EXPECTED_WER) and score.recordings == 1
    assert len(score.problems) == len(bad)
    for name, problem in zip(bad, score.problems):
        assert str(tmp_path / name) in problem and "\n" not in problem

    result = run_cli(capsys, "evaluate", MODEL, "--corrections", *sources, "--out", tmp_path / "r")
    assert result.code == 0, result.err
    assert "gets 20.0 % of words wrong" in result.out
    for name in bad:
        [line] = [x for x in result.err.splitlines() if name in x]
        assert line.startswith("hsb-whisper: WARNING: ") and "(not counted)" in line
    assert "Traceback" not in result.err


def test_manifest_and_corrections_are_one_or_the_other(capsys, tmp_path):
    manifest = tmp_path / "m.jsonl"
    for args, says in (
        ([], "one of the arguments --manifest --corrections is required"),
        (["--manifest", manifest, "--corrections"], "not allowed with argument --manifest"),
    ):
        with pytest.raises(SystemExit) as exit_:  # argparse: a usage error
            run_cli(capsys, "evaluate", MODEL, *args)
        assert exit_.value.code == 2 and says in capsys.readouterr().err
    result = run_cli(capsys, "evaluate", MODEL, "--manifest", manifest, "--only-own")
    one_line_error(result, "--only-own goes with --corrections")
