"""What a data import or check found: clips, hours and speakers per split, rejects per reason, the
character inventory; for corpora the recordings used, the unit of the split and warnings (an empty
split, dev and test not speaker-disjoint). Printed for the user and saved as JSON beside the
manifests."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hsb_whisper.data.characters import character_inventory
from hsb_whisper.data.checks import REASONS, CheckResult, Reject
from hsb_whisper.data.manifest import Clip
from hsb_whisper.errors import shown
from hsb_whisper.files import atomic_open, atomic_write_text


def split_summary(clips: list[Clip]) -> dict[str, Any]:
    seconds = sum(c.duration or 0.0 for c in clips)
    speakers = {c.speaker for c in clips if c.speaker}
    return {
        "clips": len(clips),
        "hours": round(seconds / 3600, 4),
        "speakers": len(speakers),
        "mean_seconds": round(seconds / len(clips), 2) if clips else 0.0,
    }


# What a split left empty means for the user (a split not named here is never warned about)
EMPTY_SPLIT = {
    "train": "there is nothing to train on",
    "dev": "training cannot measure its progress or keep the best checkpoint",
    "test": "there is nothing to measure the finished model on",
}


def build_report(
    result: CheckResult, locale: str | None = None, warnings: Iterable[str] = ()
) -> dict[str, Any]:
    """The report of ``result``; its ``warnings`` are ``warnings`` and one for each empty split
    of train, dev and test (each split in ``result.kept`` is wanted)."""
    texts = [c.text for clips in result.kept.values() for c in clips]
    empty = [
        f"{name} is empty: {why}"
        for name, why in EMPTY_SPLIT.items()
        if name in result.kept and not result.kept[name]
    ]
    return {
        "splits": {name: split_summary(clips) for name, clips in result.kept.items()},
        "rejected": len(result.rejects),
        "rejects_by_reason": result.reason_counts(),
        "locale": locale,
        "characters": [
            {"char": c.char, "count": c.count, "name": c.name, "suspicious": c.suspicious}
            for c in character_inventory(texts, locale)
        ],
        "warnings": [*empty, *warnings],
    }


def render_report(report: dict[str, Any]) -> str:
    lines = ["split   clips    hours  speakers  mean s"]
    for name, s in report["splits"].items():
        lines.append(
            f"{name:<6} {s['clips']:>6} {s['hours']:>8.3f} {s['speakers']:>9} "
            f"{s['mean_seconds']:>7.1f}"
        )
    if report["rejected"]:
        lines.append(f"\nrejected: {report['rejected']} clips")
        for reason, n in report["rejects_by_reason"].items():
            lines.append(f"  {n:>5}  {reason}: {REASONS[reason]}")
    else:
        lines.append("\nrejected: none")
    chars = report["characters"]
    letters = "".join(sorted(c["char"] for c in chars if c["char"].isalpha()))
    lines.append(f"\ncharacters: {len(chars)} distinct; letters: {letters}")
    for c in chars:
        if c["suspicious"]:
            lines.append(f"  check {c['char']!r} {c['name']} ×{c['count']}: {c['suspicious']}")
    lines += _render_recordings(
        report.get("recordings", []), report.get("recordings_elsewhere", [])
    )
    unreadable = report.get("unreadable_files", [])
    if unreadable:
        lines.append(f"\nunreadable annotation files (left out): {len(unreadable)}")
        lines += [f"  {shown(u['problem'], 400)}" for u in unreadable]
    if "unit" in report.get("split", {}):
        lines.append(f"\nsplit by {report['split']['described']}")
    for warning in report.get("warnings", []):
        lines.append(f"\nWARNING: {warning}")
    return "\n".join(lines)


# Up to this many recordings are listed one by one; of more, only those not found the usual way
MAX_LISTED_RECORDINGS = 20
USUAL_FINDS = ("by RELATIVE_MEDIA_URL", "beside the .TextGrid")


def _render_recordings(
    recordings: list[dict[str, Any]], elsewhere: list[dict[str, Any]]
) -> list[str]:
    """Each annotation file's recording and how it was found; where it really is when outside
    the corpus or reached through a symbolic link (always listed)."""
    if not recordings:
        return []
    lines = [f"\nrecordings: {len(recordings)}"]
    real = {e["annotations"]: f"{e['real_path']} ({e['why']})" for e in elsewhere}
    listed = recordings
    if len(recordings) > MAX_LISTED_RECORDINGS:
        listed = [
            r for r in recordings if r["found"] not in USUAL_FINDS or r["annotations"] in real
        ]
    for r in listed:
        where = f"{r['recording']}, {r['found']}" if r["recording"] else r["found"]
        if r["annotations"] in real:
            where += f"; really {real[r['annotations']]}"
        lines.append(f"  {shown(r['annotations'])}: {shown(where, 400)}")
    if len(listed) < len(recordings):
        rest = len(recordings) - len(listed)
        lines.append(f"  … and {rest} more, each found the usual way (all in report.json)")
    return lines


def write_rejects(path: Path, rejects: list[Reject]) -> None:
    """One JSON object per rejected clip: the clip, its split, the reason code and details."""
    base = path.parent.resolve()
    with atomic_open(path, "w") as f:
        for r in rejects:
            record = {**r.clip.to_json(base), "split": r.split, "reason": r.reason}
            record["detail"] = r.detail
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_report(path: Path, report: dict[str, Any]) -> None:
    atomic_write_text(path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
