"""Word and character error rates of transcripts against references, per utterance and for a
whole test set, and the evaluation folder that keeps them (CSV, JSON summary, WER histogram).

Scoring normalisation (applied the same way to the reference and the hypothesis, for Upper
Sorbian and Czech alike):

1. Unicode NFC: composed letters, so "ě" is one character however it was typed.
2. Case folding (Unicode full case folding): "Dźeń" → "dźeń"; German "ß" → "ss".
3. Every punctuation or symbol character (Unicode categories P* and S*, among them
   . , ; : ! ? ' " ( ) [ ] / * % & - and the typographic „ “ ‚ ‘ « » – — … as well as + = < > € ♪)
   is replaced by a space, so a hyphenated word counts as two words: "serbsko-němski" →
   "serbsko němski".
4. Invisible format characters (category Cf: soft hyphen, zero-width space, byte-order mark) are
   deleted.
5. Runs of whitespace become one space; leading and trailing whitespace is dropped.

Letters keep their diacritics (ě, č, ć, ł, ń, ó, ř, š, ź, ž stay, and "ě" and "e" are different
letters) and digits are kept as written (numbers are not spelled out).

Error rates: WER = (S + D + I) / N, with substitutions, deletions and insertions from jiwer's
minimum-edit alignment of the normalised words and N the number of reference words; CER is the
same over the characters of the normalised text, the single spaces between words included. An
utterance whose normalised reference is empty has N = 0; its rate is then errors / max(N, 1),
i.e. WER = the number of hypothesis words (0 when the hypothesis is empty too), never infinite.
The corpus WER of a test set is (ΣS + ΣD + ΣI) / ΣN over all its utterances (long utterances
weigh more), not the mean of the utterance WERs; the corpus CER likewise.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import statistics
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hsb_whisper.data import Clip
from hsb_whisper.errors import HsbWhisperError, OptionError
from hsb_whisper.files import atomic_open, atomic_write_text

EVALUATION_FORMAT = "hsb-whisper evaluation"  # the "format" key of summary.json
EVALUATION_FORMAT_VERSION = 1
NORMALIZATION = "NFC, casefold, punctuation and symbols to spaces; diacritics and digits kept"

__all__ = [
    "EvaluationError",
    "UtteranceScore",
    "corpus_scores",
    "normalize_for_scoring",
    "read_evaluation",
    "score_utterances",
    "write_evaluation",
]

UTTERANCES_CSV = "utterances.csv"
SUMMARY_JSON = "summary.json"
HISTOGRAM_PNG = "wer_histogram.png"

# Histogram of utterance WER: bins of 0.1 from 0 up to 1.0, then one bin for everything >= 1.0
# (insertions can push an utterance's WER above 1).
WER_BIN_WIDTH = 0.1
N_WER_BINS = 11  # [0, 0.1), [0.1, 0.2), …, [0.9, 1.0), [1.0, ∞)

_CSV_COLUMNS = (
    "id",
    "wer",
    "cer",
    "substitutions",
    "deletions",
    "insertions",
    "hits",
    "reference_words",
    "char_errors",
    "reference_chars",
    "reference",
    "hypothesis",
    "reference_normalized",
    "hypothesis_normalized",
)
_CSV_INT_COLUMNS = (
    "substitutions",
    "deletions",
    "insertions",
    "hits",
    "reference_words",
    "char_errors",
    "reference_chars",
)


class EvaluationError(HsbWhisperError):
    """A folder that is not a readable evaluation (as written by :func:`write_evaluation`)."""


def normalize_for_scoring(text: str) -> str:
    """The scoring normalisation described in this module's docstring."""
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    out = []
    for ch in folded:
        category = unicodedata.category(ch)
        if category[0] in "PS":
            out.append(" ")
        elif category != "Cf":
            out.append(ch)
    return " ".join("".join(out).split())


def error_rate(errors: int, reference_length: int) -> float:
    """errors / reference length, with an empty reference counting as length 1."""
    return errors / max(reference_length, 1)


@dataclasses.dataclass(frozen=True)
class UtteranceScore:
    id: str
    reference: str  # as given (display)
    hypothesis: str  # as given (display)
    reference_normalized: str  # what was scored
    hypothesis_normalized: str
    wer: float  # error_rate(S + D + I, reference_words)
    cer: float  # error_rate(char_errors, reference_chars)
    hits: int  # words
    substitutions: int
    deletions: int
    insertions: int
    reference_words: int  # N
    char_errors: int  # character substitutions + deletions + insertions
    reference_chars: int  # characters of reference_normalized, spaces included

    @property
    def errors(self) -> int:
        """Word errors: S + D + I."""
        return self.substitutions + self.deletions + self.insertions


def _score(uid: str, reference: str, hypothesis: str) -> UtteranceScore:
    import jiwer

    ref, hyp = normalize_for_scoring(reference), normalize_for_scoring(hypothesis)
    if ref and hyp:
        words = jiwer.process_words(ref, hyp)
        hits, s, d, i = words.hits, words.substitutions, words.deletions, words.insertions
        chars = jiwer.process_characters(ref, hyp)
        char_errors = chars.substitutions + chars.deletions + chars.insertions
    else:  # one side empty: nothing to align (jiwer 3 refuses an empty reference)
        hits, s = 0, 0
        d, i = len(ref.split()), len(hyp.split())
        char_errors = len(ref) + len(hyp)
    n_words = hits + s + d
    return UtteranceScore(
        id=uid,
        reference=reference,
        hypothesis=hypothesis,
        reference_normalized=ref,
        hypothesis_normalized=hyp,
        wer=error_rate(s + d + i, n_words),
        cer=error_rate(char_errors, len(ref)),
        hits=hits,
        substitutions=s,
        deletions=d,
        insertions=i,
        reference_words=n_words,
        char_errors=char_errors,
        reference_chars=len(ref),
    )


def score_utterances(
    ids: Sequence[str], references: Sequence[str], hypotheses: Sequence[str]
) -> list[UtteranceScore]:
    """Score each hypothesis against its reference (same order). Ids name the utterances in
    reports and must be unique; a length mismatch or a repeated id raises :class:`OptionError`."""
    if not len(ids) == len(references) == len(hypotheses):
        raise OptionError(
            f"cannot score {len(hypotheses)} hypotheses against {len(references)} references "
            f"with {len(ids)} ids: one of each per utterance is needed"
        )
    seen: set[str] = set()
    for uid in ids:
        if uid in seen:
            raise OptionError(f"utterance id {uid!r} occurs twice; every utterance needs its own")
        seen.add(uid)
    return [_score(u, r, h) for u, r, h in zip(ids, references, hypotheses)]


def unique_ids(clips: Sequence[Clip]) -> list[str]:
    """Clip names, made unique with ``#2``, ``#3``… where a manifest repeats one."""
    seen: dict[str, int] = {}
    ids = []
    for clip in clips:
        seen[clip.name] = seen.get(clip.name, 0) + 1
        ids.append(clip.name if seen[clip.name] == 1 else f"{clip.name}#{seen[clip.name]}")
    return ids


def score_clips(clips: Sequence[Clip], hypotheses: Sequence[str]) -> list[UtteranceScore]:
    """Score the transcripts of a manifest's clips (same order) against their texts."""
    return score_utterances(unique_ids(clips), [c.text for c in clips], hypotheses)


def _nearest_rank(sorted_values: list[float], percent: int) -> float:
    """The smallest value that at least ``percent`` % of the values are less than or equal to."""
    rank = max(1, (percent * len(sorted_values) + 99) // 100)  # ceil(percent/100 · n)
    return sorted_values[rank - 1]


def corpus_scores(scores: Sequence[UtteranceScore]) -> dict[str, Any]:
    """Corpus WER/CER (total errors / total reference length), the counts behind them, and the
    distribution of utterance WER (mean, median, p90 by nearest rank, max).

    With no utterances at all, every rate and distribution value is ``None``.
    """
    n_words = sum(s.reference_words for s in scores)
    n_chars = sum(s.reference_chars for s in scores)
    sub = sum(s.substitutions for s in scores)
    dele = sum(s.deletions for s in scores)
    ins = sum(s.insertions for s in scores)
    char_errors = sum(s.char_errors for s in scores)
    wers = sorted(s.wer for s in scores)
    distribution: dict[str, float | None] = dict.fromkeys(("mean", "median", "p90", "max"))
    if wers:
        distribution = {
            "mean": statistics.fmean(wers),
            "median": statistics.median(wers),
            "p90": _nearest_rank(wers, 90),
            "max": wers[-1],
        }
    return {
        "utterances": len(scores),
        "wer": error_rate(sub + dele + ins, n_words) if scores else None,
        "cer": error_rate(char_errors, n_chars) if scores else None,
        "reference_words": n_words,
        "hits": sum(s.hits for s in scores),
        "substitutions": sub,
        "deletions": dele,
        "insertions": ins,
        "reference_chars": n_chars,
        "char_errors": char_errors,
        "utterance_wer": distribution,
    }


def wer_bin(score: UtteranceScore) -> int:
    """Histogram bin of an utterance's WER: 0 for [0, 0.1), …, 9 for [0.9, 1.0), 10 for ≥ 1.0.
    Computed from the integer counts, so a WER of exactly 0.3 always lands in bin 3."""
    return min(10 * score.errors // max(score.reference_words, 1), N_WER_BINS - 1)


def wer_histogram(scores: Sequence[UtteranceScore]) -> list[int]:
    """Number of utterances in each of the :data:`N_WER_BINS` bins of :func:`wer_bin`."""
    counts = [0] * N_WER_BINS
    for s in scores:
        counts[wer_bin(s)] += 1
    return counts


def histogram_edges() -> list[float]:
    """Bin edges on the WER axis of the plots; the last bin (≥ 1.0) is drawn as [1.0, 1.1)."""
    return [i * WER_BIN_WIDTH for i in range(N_WER_BINS + 1)]


def histogram_labels() -> list[str]:
    """Tick labels of the bins: "0–10%", …, "90–100%", "≥100%"."""
    labels = [f"{10 * i}–{10 * (i + 1)}%" for i in range(N_WER_BINS - 1)]
    return [*labels, "≥100%"]


def plot_position(wer: float) -> float:
    """Where a WER value is drawn on the histograms' x axis (everything ≥ 1.0 in the last bin)."""
    return min(wer, 1.0 + WER_BIN_WIDTH / 2)


def format_percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _save_histogram(path: Path, name: str, scores: Sequence[UtteranceScore], corpus: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    edges = histogram_edges()
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    ax.bar(
        edges[:-1],
        wer_histogram(scores),
        width=WER_BIN_WIDTH,
        align="edge",
        color="#3b6ea5",
        edgecolor="white",
    )
    median = corpus["utterance_wer"]["median"]
    if median is not None:
        ax.axvline(
            plot_position(median),
            color="#b03a2e",
            linestyle="--",
            linewidth=2,
            label=f"median utterance WER {format_percent(median)}",
        )
        ax.legend()
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xticks([e + WER_BIN_WIDTH / 2 for e in edges[:-1]], histogram_labels(), fontsize=8)
    ax.set_xlabel("utterance WER")
    ax.set_ylabel("utterances")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(
        f"{name}: corpus WER {format_percent(corpus['wer'])} ({corpus['utterances']} utterances)"
    )
    fig.tight_layout()
    with atomic_open(path, "wb") as f:
        fig.savefig(f, format="png")
    plt.close(fig)


def _utterances_csv(scores: Sequence[UtteranceScore]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for s in scores:
        row = dataclasses.asdict(s)
        row["wer"], row["cer"] = round(s.wer, 4), round(s.cer, 4)  # exact values: from the counts
        writer.writerow([row[c] for c in _CSV_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def write_evaluation(
    out: Path, name: str, scores: Sequence[UtteranceScore], meta: dict[str, Any]
) -> dict[str, Any]:
    """Write ``utterances.csv``, ``summary.json`` and ``wer_histogram.png`` into the folder
    ``out`` (created if needed; files already there are replaced). ``meta`` is free-form and
    stored as given (model, manifest, decoding options…; values JSON cannot hold are written as
    strings). Returns the summary."""
    if not name.strip():
        raise OptionError("an evaluation needs a name (e.g. the model's), not an empty one")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    corpus = corpus_scores(scores)
    summary = {
        "format": EVALUATION_FORMAT,
        "format_version": EVALUATION_FORMAT_VERSION,
        "name": name,
        "normalization": NORMALIZATION,
        "meta": meta,
        "corpus": corpus,
    }
    with atomic_open(out / UTTERANCES_CSV, "wb") as f:
        f.write(_utterances_csv(scores))
    text = json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n"
    atomic_write_text(out / SUMMARY_JSON, text)
    _save_histogram(out / HISTOGRAM_PNG, name, scores, corpus)
    return json.loads(text)


def _read_summary(folder: Path) -> dict[str, Any]:
    path = folder / SUMMARY_JSON
    if not folder.is_dir():
        raise EvaluationError(f"{folder}: not an evaluation folder (no such folder)")
    if not path.is_file():
        raise EvaluationError(f"{folder}: not an evaluation folder (it has no {SUMMARY_JSON})")
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise EvaluationError(f"{path}: not a readable evaluation summary ({e})") from e
    if not isinstance(summary, dict) or summary.get("format") != EVALUATION_FORMAT:
        raise EvaluationError(
            f'{path}: not an evaluation summary (it lacks "format": "{EVALUATION_FORMAT}")'
        )
    if summary.get("format_version") != EVALUATION_FORMAT_VERSION:
        raise EvaluationError(
            f"{path}: evaluation format version {summary.get('format_version')!r}; this version "
            f"of hsb-whisper reads version {EVALUATION_FORMAT_VERSION}"
        )
    return summary


def _score_from_row(path: Path, line: int, row: dict[str, str]) -> UtteranceScore:
    try:
        counts = {c: int(row[c]) for c in _CSV_INT_COLUMNS}
    except (TypeError, ValueError) as e:
        raise EvaluationError(f"{path}, line {line}: a count is not a whole number ({e})") from e
    words = counts["substitutions"] + counts["deletions"] + counts["insertions"]
    return UtteranceScore(
        id=row["id"],
        reference=row["reference"],
        hypothesis=row["hypothesis"],
        reference_normalized=row["reference_normalized"],
        hypothesis_normalized=row["hypothesis_normalized"],
        wer=error_rate(words, counts["reference_words"]),
        cer=error_rate(counts["char_errors"], counts["reference_chars"]),
        **counts,
    )


def read_evaluation(folder: Path) -> tuple[dict[str, Any], list[UtteranceScore]]:
    """Read a folder written by :func:`write_evaluation`: its summary and its utterance scores
    (rates recomputed exactly from the counts). Raises :class:`EvaluationError` naming the
    folder or file when it is not one."""
    folder = Path(folder)
    summary = _read_summary(folder)
    path = folder / UTTERANCES_CSV
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in _CSV_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise EvaluationError(f"{path}: not an utterance table (no {', '.join(missing)})")
            scores = [_score_from_row(path, i, row) for i, row in enumerate(reader, start=2)]
    except FileNotFoundError as e:
        raise EvaluationError(f"{folder}: not an evaluation folder (no {UTTERANCES_CSV})") from e
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise EvaluationError(f"{path}: not readable ({e})") from e
    expected = summary.get("corpus", {}).get("utterances")
    if expected != len(scores):
        raise EvaluationError(
            f"{path}: {len(scores)} utterances, but {SUMMARY_JSON} counts {expected}; "
            "the folder was changed after the evaluation"
        )
    return summary, scores
