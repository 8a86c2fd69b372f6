"""A report that compares evaluations (folders written by
:func:`hsb_whisper.evaluation.metrics.write_evaluation`), e.g. the base model against the classic
and the two-stage adapter: a table of corpus and per-utterance WER, overlaid WER histograms,
the utterances where the best and the worst model differ most, and each model's worst utterances.

Written as ``report.md`` (the histogram beside it as ``wer_histograms.png``) and as a
self-contained ``report.html`` (the PNG embedded, no external CSS or JavaScript).
"""

from __future__ import annotations

import base64
import dataclasses
import html
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hsb_whisper.errors import OptionError
from hsb_whisper.evaluation.metrics import (
    NORMALIZATION,
    UtteranceScore,
    corpus_scores,
    format_percent,
    histogram_edges,
    histogram_labels,
    plot_position,
    read_evaluation,
    wer_histogram,
)
from hsb_whisper.files import atomic_open, atomic_write_text

__all__ = ["compare"]

REPORT_MD = "report.md"
REPORT_HTML = "report.html"
HISTOGRAMS_PNG = "wer_histograms.png"
BEST_MARK = "★ best"


@dataclasses.dataclass(frozen=True)
class _Evaluation:
    folder: Path
    name: str  # unique within the report
    meta: dict[str, Any]
    scores: list[UtteranceScore]
    corpus: dict[str, Any]

    @property
    def engine(self) -> str:
        """The engine and precision that decoded it (older evaluations: what their meta says)."""
        engine, precision = self.meta.get("engine"), self.meta.get("precision")
        if not engine:
            return "unknown"
        return f"{engine} ({precision})" if precision and "(" not in engine else str(engine)

    @property
    def wer_key(self) -> float:
        wer = self.corpus["wer"]
        return math.inf if wer is None else wer


# The report is a list of blocks, rendered once as Markdown and once as HTML.
@dataclasses.dataclass(frozen=True)
class _Heading:
    text: str
    level: int = 2


@dataclasses.dataclass(frozen=True)
class _Paragraph:
    text: str


@dataclasses.dataclass(frozen=True)
class _Table:
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    numeric: Sequence[bool]  # per column: right-aligned


@dataclasses.dataclass(frozen=True)
class _Image:
    alt: str
    path: Path


_Block = _Heading | _Paragraph | _Table | _Image


def _load(folders: Sequence[Path]) -> list[_Evaluation]:
    loaded = []
    for folder in folders:
        summary, scores = read_evaluation(Path(folder))
        meta = summary.get("meta")
        loaded.append(
            _Evaluation(
                folder=Path(folder),
                name=str(summary.get("name") or Path(folder).name),
                meta=meta if isinstance(meta, dict) else {},
                scores=scores,
                corpus=corpus_scores(scores),
            )
        )
    names = [e.name for e in loaded]
    return [  # the same name twice (the same model evaluated twice): add the folder
        dataclasses.replace(e, name=f"{e.name} ({e.folder.name})") if names.count(e.name) > 1 else e
        for e in loaded
    ]


def _summary_table(evaluations: list[_Evaluation], best: float) -> _Table:
    rows = []
    for e in evaluations:
        c, u = e.corpus, e.corpus["utterance_wer"]
        rows.append(
            [
                BEST_MARK if e.wer_key == best else "",
                e.name,
                str(c["utterances"]),
                format_percent(c["wer"]),
                format_percent(c["cer"]),
                format_percent(u["mean"]),
                format_percent(u["median"]),
                format_percent(u["p90"]),
                e.engine,
            ]
        )
    headers = ["", "name", "utterances", "WER", "CER", "mean", "median", "p90", "decoded by"]
    return _Table(headers, rows, [False, False, *[True] * 6, False])


def _differences(best: _Evaluation, worst: _Evaluation, limit: int) -> list[_Block]:
    title = f"Where they differ most: {best.name} (best) and {worst.name} (worst)"
    worst_by_id = {s.id: s for s in worst.scores}
    pairs = [(s, worst_by_id[s.id]) for s in best.scores if s.id in worst_by_id]
    if not pairs:
        return []
    shared = len(pairs)
    pairs = [p for p in pairs if p[0].wer != p[1].wer]
    pairs.sort(key=lambda p: (-abs(p[1].wer - p[0].wer), p[0].id))
    text = (
        f"{shared} utterances are in both; {len(pairs)} have a different WER. The "
        f"{min(limit, len(pairs))} with the largest difference (WER of {worst.name} minus WER "
        f"of {best.name}, in percentage points):"
    )
    rows = [
        [
            b.id,
            format_percent(b.wer),
            format_percent(w.wer),
            f"{100 * (w.wer - b.wer):+.1f}",
            b.reference,
            b.hypothesis,
            w.hypothesis,
        ]
        for b, w in pairs[:limit]
    ]
    headers = [
        "id",
        f"{best.name} WER",
        f"{worst.name} WER",
        "difference",
        "reference",
        f"{best.name} hypothesis",
        f"{worst.name} hypothesis",
    ]
    blocks: list[_Block] = [_Heading(title), _Paragraph(text)]
    if rows:
        blocks.append(_Table(headers, rows, [False, True, True, True, False, False, False]))
    return blocks


def _meta_text(e: _Evaluation) -> str:
    items = [f"folder: {e.folder}"]
    for key, value in e.meta.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        items.append(f"{key}: {shown}")
    return "; ".join(items)


def _worst_utterances(e: _Evaluation, limit: int) -> list[_Block]:
    wrong = sorted((s for s in e.scores if s.errors), key=lambda s: (-s.wer, -s.errors, s.id))
    wrong = wrong[:limit]
    blocks: list[_Block] = [
        _Heading(f"{e.name}: the {len(wrong)} worst utterance{'' if len(wrong) == 1 else 's'}"),
        _Paragraph(_meta_text(e)),
    ]
    if not wrong:
        blocks.append(_Paragraph("Every utterance was recognised without an error."))
        return blocks
    rows = [
        [
            s.id,
            format_percent(s.wer),
            f"{s.substitutions}/{s.deletions}/{s.insertions}",
            str(s.reference_words),
            s.reference,
            s.hypothesis,
        ]
        for s in wrong
    ]
    headers = ["id", "WER", "S/D/I", "words", "reference", "hypothesis"]
    blocks.append(_Table(headers, rows, [False, True, True, True, False, False]))
    return blocks


def _engine_note(evaluations: list[_Evaluation]) -> list[_Block]:
    engines = sorted({e.engine for e in evaluations})
    if len(engines) == 1:
        return [_Paragraph(f"Every model was decoded by {engines[0]}.")]
    return [
        _Paragraph(
            f"Warning: these evaluations were decoded by different engines or precisions "
            f"({', '.join(engines)}); part of a difference may come from the decoding, not the "
            "model. Evaluate all of them with the same --engine and --compute-type."
        )
    ]


def _build(evaluations: list[_Evaluation], png: Path, worst: int) -> list[_Block]:
    best_wer = min(e.wer_key for e in evaluations)
    best = next(e for e in evaluations if e.wer_key == best_wer)
    worst_eval = max(reversed(evaluations), key=lambda e: e.wer_key)
    blocks: list[_Block] = [
        _Heading("Evaluation report: " + ", ".join(e.name for e in evaluations), level=1),
        _Paragraph(
            f"WER and CER are corpus rates (all errors / all reference words or characters); "
            f"mean, median and p90 describe the per-utterance WER. Best by corpus WER: "
            f"{best.name} ({format_percent(best.corpus['wer'])}). Text is scored after "
            f"normalisation: {NORMALIZATION}."
        ),
        *_engine_note(evaluations),
        _summary_table(evaluations, best_wer),
        _Image("Per-utterance WER histograms", png),
    ]
    if worst > 0 and worst_eval is not best:
        blocks += _differences(best, worst_eval, worst)
    if worst > 0:
        for e in evaluations:
            blocks += _worst_utterances(e, worst)
    return blocks


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\|*`[]"})
_MD_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")  # one inside a word (cv_001) is plain text


def _md_text(text: str) -> str:
    """Plain text safe in Markdown: HTML special characters escaped, table and emphasis
    characters backslash-escaped, line breaks as spaces."""
    text = html.escape(text, quote=False).translate(_MD_SPECIAL)
    return " ".join(_MD_UNDERSCORE.sub(r"\_", text).split())


def _render_markdown(blocks: list[_Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, _Heading):
            out.append("#" * b.level + " " + _md_text(b.text))
        elif isinstance(b, _Paragraph):
            out.append(_md_text(b.text))
        elif isinstance(b, _Image):
            out.append(f"![{_md_text(b.alt)}]({b.path.name})")
        else:
            lines = ["| " + " | ".join(_md_text(h) for h in b.headers) + " |"]
            lines.append("| " + " | ".join("---:" if n else "---" for n in b.numeric) + " |")
            lines += ["| " + " | ".join(_md_text(c) for c in row) + " |" for row in b.rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; vertical-align: top; }
th { background: #f2f2f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
img { max-width: 100%; }
"""


def _render_html(blocks: list[_Block], title: str) -> str:
    esc = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        f"<style>{_CSS}</style></head>",
        "<body>",
    ]
    for b in blocks:
        if isinstance(b, _Heading):
            out.append(f"<h{b.level}>{esc(b.text)}</h{b.level}>")
        elif isinstance(b, _Paragraph):
            out.append(f"<p>{esc(b.text)}</p>")
        elif isinstance(b, _Image):
            data = base64.b64encode(b.path.read_bytes()).decode("ascii")
            out.append(f'<p><img alt="{esc(b.alt)}" src="data:image/png;base64,{data}"></p>')
        else:
            out.append("<table>")
            out.append("<tr>" + "".join(f"<th>{esc(h)}</th>" for h in b.headers) + "</tr>")
            for row in b.rows:
                cells = (
                    f'<td class="num">{esc(c)}</td>' if n else f"<td>{esc(c)}</td>"
                    for c, n in zip(row, b.numeric)
                )
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</table>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _save_histograms(path: Path, evaluations: list[_Evaluation]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    edges = histogram_edges()
    fig, ax = plt.subplots(figsize=(9, 5), dpi=100)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, e in enumerate(evaluations):
        color = colors[i % len(colors)]
        counts = wer_histogram(e.scores)
        shares = [100 * c / max(len(e.scores), 1) for c in counts]
        label = (
            f"{e.name}: WER {format_percent(e.corpus['wer'])}, "
            f"median {format_percent(e.corpus['utterance_wer']['median'])}"
        )
        ax.stairs(shares, edges, color=color, linewidth=2.2, label=label)
        ax.stairs(shares, edges, color=color, alpha=0.12, fill=True)
        median = e.corpus["utterance_wer"]["median"]
        if median is not None:
            ax.axvline(plot_position(median), color=color, linestyle="--", linewidth=1.2)
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xticks([x + (edges[1] - edges[0]) / 2 for x in edges[:-1]], histogram_labels())
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel("utterance WER (dashed: median)")
    ax.set_ylabel("share of utterances (%)")
    ax.set_ylim(bottom=0)
    ax.set_title("Per-utterance WER")
    # below the plot, where it hides no bar however many evaluations there are
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False)
    with atomic_open(path, "wb") as f:
        fig.savefig(f, format="png", bbox_inches="tight")
    plt.close(fig)


def compare(evaluations: list[Path], out: Path, worst: int = 10) -> Path:
    """Compare evaluation folders; write ``report.md``, ``report.html`` and
    ``wer_histograms.png`` into ``out`` (created if needed) and return the Markdown path.

    ``worst`` is how many utterances each per-model list and the "differ most" list show
    (0: none). An empty list, or a folder that is not an evaluation, raises an
    :class:`~hsb_whisper.errors.HsbWhisperError` naming the folder.
    """
    if not evaluations:
        raise OptionError("nothing to compare: give at least one evaluation folder")
    if worst < 0:
        raise OptionError(f"worst must be 0 or more utterances, not {worst}")
    loaded = _load(evaluations)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    png = out / HISTOGRAMS_PNG
    _save_histograms(png, loaded)
    blocks = _build(loaded, png, worst)
    title = f"Evaluation report: {', '.join(e.name for e in loaded)}"
    atomic_write_text(out / REPORT_HTML, _render_html(blocks, title))
    md = out / REPORT_MD
    atomic_write_text(md, _render_markdown(blocks))
    return md
