"""Scoring (normalisation, WER/CER per utterance and per corpus), evaluation folders and the
comparison report. Every expected number below is counted by hand in the comment beside it."""

from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

import pytest

from hsb_whisper.errors import HsbWhisperError, OptionError
from hsb_whisper.evaluation.compare import compare
from hsb_whisper.evaluation.metrics import (
    EvaluationError,
    corpus_scores,
    normalize_for_scoring,
    read_evaluation,
    score_utterances,
    wer_histogram,
    write_evaluation,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dobry dźeń, mje rěka Jan.", "dobry dźeń mje rěka jan"),
        ("„Witaj“, praji wón – a so směje…", "witaj praji wón a so směje"),
        ("‚Ja‘ «ty» — (my)!? [wy]; „oni“", "ja ty my wy oni"),
        ("serbsko-němski słownik", "serbsko němski słownik"),  # a hyphen splits the word
        ("ŁUŽICA Čěska ŘEKA", "łužica čěska řeka"),  # upper case folded, diacritics kept
        ("Lěto 2024: 15 % + 3 €", "lěto 2024 15 3"),  # digits kept, symbols gone
        ("  a\t\nb  ", "a b"),
        ("słow\u00adnik", "słownik"),  # a soft hyphen is deleted, not a word break
        ("…!?", ""),
        ("", ""),
    ],
)
def test_normalize_for_scoring(text, expected):
    assert normalize_for_scoring(text) == expected


def test_normalize_turns_decomposed_input_into_composed_letters():
    decomposed = unicodedata.normalize("NFD", "Rěčny Dźeń Łódź")
    assert len(decomposed) == 21  # ě, č, ź, ń, ó, ź: letter + combining mark each (ł has none)
    result = normalize_for_scoring(decomposed)
    assert result == "rěčny dźeń łódź"
    assert len(result) == 15 and unicodedata.is_normalized("NFC", result)


def test_substitutions_deletions_insertions_counted_by_hand():
    # words: dobry=dobry, dźeń→den (S), mje=mje, rěka→jan (S), jan=jan, +jan (I): 3 errors / 5
    # characters (23 in "dobry dźeń mje rěka jan", spaces included): in "dźeń"→"den" ź is
    # deleted and ń→n (1 D, 1 S); "rěka jan"→"jan jan jan": r, ě, k substituted and 3
    # characters inserted (3 S, 3 I). r, ě, k, ź, ń occur nowhere in the hypothesis and it is
    # 2 characters longer, so no cheaper alignment exists: 8 errors / 23.
    (s,) = score_utterances(["u1"], ["Dobry dźeń, mje rěka Jan."], ["dobry den mje jan jan jan"])
    assert (s.hits, s.substitutions, s.deletions, s.insertions) == (3, 2, 0, 1)
    assert s.reference_words == 5 and s.errors == 3
    assert s.wer == 3 / 5
    assert (s.char_errors, s.reference_chars) == (8, 23)
    assert s.cer == 8 / 23
    assert s.reference == "Dobry dźeń, mje rěka Jan."
    assert s.reference_normalized == "dobry dźeń mje rěka jan"


def test_corpus_wer_is_total_errors_over_total_words_not_the_mean():
    scores = score_utterances(
        ["u1", "u2"],
        ["Dobry dźeń, mje rěka Jan.", "Bydlu w Budyšinje."],
        ["dobry den mje jan jan jan", "bydlu budyšinje"],
    )
    # u2: "w" deleted: 1 error / 3 words; characters: "w " deleted, 2 / 17
    assert (scores[1].deletions, scores[1].wer, scores[1].char_errors) == (1, 1 / 3, 2)
    c = corpus_scores(scores)
    assert c["wer"] == 4 / 8  # (3 + 1) / (5 + 3)
    assert c["cer"] == 10 / 40  # (8 + 2) / (23 + 17)
    mean = (3 / 5 + 1 / 3) / 2  # 7/15 = 0.4667: the mean of utterance WERs is another number
    assert c["utterance_wer"]["mean"] == pytest.approx(mean)
    assert c["wer"] != pytest.approx(c["utterance_wer"]["mean"])
    assert c["utterance_wer"]["median"] == pytest.approx(mean)
    assert c["utterance_wer"]["p90"] == 3 / 5  # nearest rank: ceil(0.9 · 2) = 2nd of 2
    assert c["utterance_wer"]["max"] == 3 / 5
    counts = {k: c[k] for k in ("utterances", "reference_words", "substitutions")}
    assert counts == {"utterances": 2, "reference_words": 8, "substitutions": 2}
    assert (c["deletions"], c["insertions"], c["hits"]) == (1, 1, 5)


def test_empty_reference_and_empty_hypothesis():
    scores = score_utterances(
        ["both", "ref", "hyp", "punct"],
        ["", "…", "Dobry dźeń!", "Dobry dźeń!"],
        ["", "a b", "", "?!"],
    )
    both, ref, hyp, punct = scores
    assert (both.wer, both.cer, both.errors, both.reference_words) == (0.0, 0.0, 0, 0)
    # empty reference: WER = number of inserted words, CER = inserted characters ("a b": 3)
    assert (ref.insertions, ref.wer, ref.char_errors, ref.cer) == (2, 2.0, 3, 3.0)
    # empty hypothesis: every reference word deleted
    assert (hyp.deletions, hyp.wer, hyp.char_errors, hyp.cer) == (2, 1.0, 10, 1.0)
    assert (punct.hypothesis_normalized, punct.deletions, punct.wer) == ("", 2, 1.0)
    c = corpus_scores(scores)
    assert (c["reference_words"], c["wer"]) == (4, (2 + 2 + 2) / 4)
    assert wer_histogram(scores) == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3]


def test_no_utterances_and_bad_input():
    c = corpus_scores([])
    assert c["utterances"] == 0 and c["wer"] is None and c["utterance_wer"]["median"] is None
    with pytest.raises(OptionError, match="2 hypotheses against 1 references"):
        score_utterances(["a"], ["x"], ["x", "y"])
    with pytest.raises(OptionError, match="'a' occurs twice"):
        score_utterances(["a", "a"], ["x", "y"], ["x", "y"])


def test_histogram_bins_are_exact_at_the_edges():
    refs = ["a b c d e f g h i j"] * 4 + ["a"]
    hyps = ["a b c d e f g h i j", "x y z d e f g h i j", "a b c d e f g h i", "", "a a a"]
    scores = score_utterances([str(i) for i in range(5)], refs, hyps)
    assert [s.wer for s in scores] == [0.0, 0.3, 0.1, 1.0, 2.0]
    # bins [0, .1) [.1, .2) [.2, .3) [.3, .4) … [.9, 1) [1, ∞): 0.3 lands in the 4th bin
    assert wer_histogram(scores) == [1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 2]


def test_write_and_read_evaluation(tmp_path):
    scores = score_utterances(
        ["u1", "u2"],
        ["Dobry dźeń, mje rěka Jan.", 'Bydlu w Budyšinje, "Łužica".'],
        ["dobry den mje jan jan jan", "bydlu budyšinje"],
    )
    meta = {"model": "two-stage", "manifest": tmp_path / "test.jsonl", "beam_size": 5}
    summary = write_evaluation(tmp_path / "ev", "two-stage", scores, meta)
    assert summary["name"] == "two-stage"
    assert summary["meta"] == {**meta, "manifest": str(tmp_path / "test.jsonl")}
    assert summary["corpus"] == json.loads(json.dumps(corpus_scores(scores)))

    read_summary, read_scores = read_evaluation(tmp_path / "ev")
    assert read_summary == summary
    assert read_scores == scores

    with open(tmp_path / "ev" / "utterances.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in rows] == ["u1", "u2"]
    assert rows[0]["wer"] == "0.6" and rows[0]["substitutions"] == "2"
    assert rows[0]["insertions"] == "1" and rows[0]["reference_words"] == "5"
    assert rows[1]["reference"] == 'Bydlu w Budyšinje, "Łužica".'
    assert rows[1]["hypothesis"] == "bydlu budyšinje"
    assert (tmp_path / "ev" / "wer_histogram.png").read_bytes().startswith(PNG_MAGIC)


def test_read_evaluation_refuses_other_folders(tmp_path):
    with pytest.raises(EvaluationError, match=r"no summary\.json") as e:
        read_evaluation(tmp_path)
    assert str(tmp_path) in str(e.value)
    (tmp_path / "summary.json").write_text('{"name": "x"}', encoding="utf-8")
    with pytest.raises(EvaluationError, match="not an evaluation summary"):
        read_evaluation(tmp_path)


# Three models on the same three utterances (hand-counted; characters: 10 + 12 + 17 = 39).
REFERENCES = {"u1": "Dobry dźeń.", "u2": "Mje rěka Jan.", "u3": "Bydlu w Budyšinje."}
HYPOTHESES = {
    # ("<noise> |" is scored as "noise"; it must show escaped in both report formats)
    # u1: dźeń→den, 1/2 words, 2 chars; u2: all 3 words wrong, chars: j deleted, e→ě, r→ř, ě→e,
    # a→e = 5; u3: "noise" for 3 words: 1 S + 2 D; chars: only n and e can match, 17 - 2 = 15
    # WER 7/8 = 87.5%, CER 22/39 = 56.4%, utterance WERs 0.5, 1, 1: mean 83.3%, median 100%
    "base": {"u1": "Dobry den", "u2": "Mě řeka jen", "u3": "<noise> |"},
    # u2: reka (1 word, 1 char); u3: "w" deleted (1 word, "w " 2 chars)
    # WER 2/8 = 25.0%, CER 3/39 = 7.7%, utterance WERs 0, 1/3, 1/3: mean 22.2%, median 33.3%
    "classic": {"u1": "Dobry dźeń", "u2": "Mje reka Jan", "u3": "Bydlu Budyšinje"},
    # u3: w→we (1 word, 1 char): WER 1/8 = 12.5%, CER 1/39 = 2.6%, WERs 0, 0, 1/3: mean 11.1%
    "two-stage": {"u1": "dobry dźeń", "u2": "mje rěka jan", "u3": "bydlu we budyšinje"},
}


@pytest.fixture(scope="module")
def evaluations(tmp_path_factory) -> list[Path]:
    root = tmp_path_factory.mktemp("evaluations")
    folders = []
    ids = list(REFERENCES)
    for name, hyps in HYPOTHESES.items():
        scores = score_utterances(ids, list(REFERENCES.values()), [hyps[i] for i in ids])
        write_evaluation(root / name, name, scores, {"model": name, "beam_size": 5})
        folders.append(root / name)
    return folders


def test_compare_report(evaluations, tmp_path):
    md_path = compare(evaluations, tmp_path / "report", worst=2)
    assert md_path == tmp_path / "report" / "report.md"
    md = md_path.read_text(encoding="utf-8")
    assert "| ★ best | two-stage | 3 | 12.5% | 2.6% | 11.1% | 0.0% | 33.3% |" in md
    assert "|  | base | 3 | 87.5% | 56.4% | 83.3% | 100.0% | 100.0% |" in md
    assert "|  | classic | 3 | 25.0% | 7.7% | 22.2% | 33.3% | 33.3% |" in md
    assert md.count("★ best") == 1
    assert "![Per-utterance WER histograms](wer_histograms.png)" in md

    # best (two-stage) against worst (base): u2 differs by 100 points, u3 by 66.7, u1 by 50
    differ = md.split("## Where they differ most")[1].split("\n## ")[0]
    assert "base WER" in differ and "two-stage WER" in differ
    rows = [line for line in differ.splitlines() if line.startswith("| u")]
    assert [r.split(" | ")[0] for r in rows] == ["| u2", "| u3"]  # worst=2: the two largest
    u3 = "| u3 | 33.3% | 100.0% | +66.7 | Bydlu w Budyšinje. | bydlu we budyšinje |"
    assert u3 + " &lt;noise&gt; \\| |" in differ

    # the worst utterances: at most 2, errorless ones never
    base = md.split("## base: the 2 worst utterances")[1].split("\n## ")[0]
    assert "| u2 | 100.0% | 3/0/0 | 3 | Mje rěka Jan. | Mě řeka jen |" in base
    assert "| u3 | 100.0% | 1/2/0 | 3 | Bydlu w Budyšinje. | &lt;noise&gt; \\| |" in base
    assert "| u1 |" not in base
    two_stage = md.split("## two-stage: the 1 worst utterance")[1]
    assert "| u3 | 33.3% | 1/0/0 | 3 | Bydlu w Budyšinje. | bydlu we budyšinje |" in two_stage
    assert "| u1 |" not in two_stage and "| u2 |" not in two_stage

    out = tmp_path / "report"
    assert (out / "wer_histograms.png").read_bytes().startswith(PNG_MAGIC)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<td>&lt;noise&gt; |</td>" in page and "<noise>" not in page
    assert "<td>★ best</td><td>two-stage</td>" in page
    assert 'src="data:image/png;base64,iVBORw0KGgo' in page  # the PNG itself, embedded
    assert "<script" not in page and "<link" not in page and "http" not in page


def test_differ_section_rows_are_sorted_by_difference(evaluations, tmp_path):
    md = compare(evaluations, tmp_path, worst=10).read_text(encoding="utf-8")
    differ = md.split("## Where they differ most")[1].split("\n## ")[0]
    assert "3 utterances are in both; 3 have a different WER" in differ
    rows = [line.split(" | ")[0] for line in differ.splitlines() if line.startswith("| u")]
    assert rows == ["| u2", "| u3", "| u1"]


def test_compare_without_shared_ids_has_no_differ_section(evaluations, tmp_path):
    other = score_utterances(["x1"], ["Dobry dźeń."], ["dobry"])
    write_evaluation(tmp_path / "other", "other", other, {})
    md = compare([evaluations[0], tmp_path / "other"], tmp_path / "r").read_text(encoding="utf-8")
    assert "Where they differ most" not in md
    assert "| ★ best | other | 1 | 50.0% |" in md


def test_compare_refuses_empty_list_and_non_evaluations(evaluations, tmp_path):
    with pytest.raises(OptionError, match="at least one evaluation"):
        compare([], tmp_path / "r")
    not_one = tmp_path / "just-a-folder"
    not_one.mkdir()
    with pytest.raises(HsbWhisperError, match="just-a-folder: not an evaluation folder"):
        compare([evaluations[0], not_one], tmp_path / "r")
    assert not (tmp_path / "r").exists()
