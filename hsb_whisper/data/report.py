"""What a data import or check found: clips, hours and speakers per split, rejects per reason, the
character inventory. Printed for the user and saved as JSON beside the manifests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hsb_whisper.data.characters import character_inventory
from hsb_whisper.data.checks import REASONS, CheckResult, Reject
from hsb_whisper.data.manifest import Clip
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


def build_report(result: CheckResult, locale: str | None = None) -> dict[str, Any]:
    texts = [c.text for clips in result.kept.values() for c in clips]
    return {
        "splits": {name: split_summary(clips) for name, clips in result.kept.items()},
        "rejected": len(result.rejects),
        "rejects_by_reason": result.reason_counts(),
        "locale": locale,
        "characters": [
            {"char": c.char, "count": c.count, "name": c.name, "suspicious": c.suspicious}
            for c in character_inventory(texts, locale)
        ],
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
    return "\n".join(lines)


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
