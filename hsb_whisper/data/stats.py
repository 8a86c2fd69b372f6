"""Size and shape of a manifest: hours, clips, speakers and the distribution of clip durations,
as text for the terminal and as a PNG histogram (matplotlib)."""

from __future__ import annotations

import dataclasses
import logging
import math
import statistics
from collections.abc import Callable
from pathlib import Path

from hsb_whisper.audio import probe_duration
from hsb_whisper.data.checks import MAX_CLIP_SECONDS
from hsb_whisper.data.manifest import Clip
from hsb_whisper.errors import AudioError
from hsb_whisper.parallel import map_parallel

log = logging.getLogger(__name__)

BIN_SECONDS = 2.0  # histogram bin width
# The histogram ends here; its last bin counts every longer clip (a header claiming a year of
# audio must not make a list of millions of bins).
HISTOGRAM_TOP_SECONDS = 10 * MAX_CLIP_SECONDS
_BAR_WIDTH = 40  # characters of the longest text bar


@dataclasses.dataclass(frozen=True)
class Stats:
    clips: int
    hours: float
    speakers: int  # 0 when the manifest names none
    durations: list[float]  # seconds, one per readable clip
    unreadable: int  # clips whose duration could not be read

    @property
    def summary(self) -> dict[str, float]:
        d = sorted(self.durations) or [0.0]
        return {
            "mean": statistics.fmean(d),
            "median": statistics.median(d),
            "min": d[0],
            "max": d[-1],
            "p90": d[min(len(d) - 1, int(0.9 * len(d)))],
        }


def _duration(clip: Clip) -> float | None:
    if clip.duration is not None:
        return clip.duration
    try:
        seconds = probe_duration(clip.audio)  # the header; decodes only when it says nothing
    except (AudioError, OSError):
        return None
    except Exception:  # a decoder bug on a hostile file: counted unreadable, not a lost run
        log.error("reading the duration of %s failed unexpectedly", clip.audio, exc_info=True)
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def manifest_stats(clips: list[Clip], progress: Callable[[int], None] | None = None) -> Stats:
    durations = map_parallel(_duration, clips, progress)
    known = [d for d in durations if d is not None]
    return Stats(
        clips=len(clips),
        hours=sum(known) / 3600,
        speakers=len({c.speaker for c in clips if c.speaker}),
        durations=known,
        unreadable=len(durations) - len(known),
    )


def histogram(durations: list[float], bin_seconds: float = BIN_SECONDS) -> list[tuple[float, int]]:
    """(bin start, count) pairs from 0 to the longest clip (at least Whisper's 30 s window, at
    most :data:`HISTOGRAM_TOP_SECONDS`: the last bin holds every longer clip too)."""
    top = min(max([*durations, MAX_CLIP_SECONDS]), HISTOGRAM_TOP_SECONDS)
    n_bins = int(top // bin_seconds) + 1
    counts = [0] * n_bins
    for d in durations:
        counts[min(int(min(d, top) // bin_seconds), n_bins - 1)] += 1
    return [(i * bin_seconds, c) for i, c in enumerate(counts)]


def format_hours(hours: float) -> str:
    return f"{hours:.2f} h" if hours >= 0.1 else f"{hours * 60:.1f} min"


def render_stats(stats: Stats) -> str:
    s = stats.summary
    lines = [
        f"clips: {stats.clips}   total: {format_hours(stats.hours)}   "
        f"speakers: {stats.speakers or 'unknown'}",
        f"duration s: mean {s['mean']:.1f}  median {s['median']:.1f}  p90 {s['p90']:.1f}  "
        f"min {s['min']:.1f}  max {s['max']:.1f}",
    ]
    if stats.unreadable:
        lines.append(
            f"unreadable clips (not counted): {stats.unreadable}; run 'hsb-whisper data check'"
        )
    bins = histogram(stats.durations)
    while len(bins) > 1 and bins[-1][1] == 0:
        bins.pop()
    peak = max((c for _, c in bins), default=0) or 1
    for start, count in bins:
        bar = "█" * round(_BAR_WIDTH * count / peak)
        end = "∞" if start >= HISTOGRAM_TOP_SECONDS else f"{start + BIN_SECONDS:.0f}"
        lines.append(f"{start:>5.0f}–{end:<3}s {count:>6} {bar}")
    return "\n".join(lines)


def save_histogram_png(stats: Stats, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hsb_whisper.files import atomic_open

    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    top = min(max([*stats.durations, MAX_CLIP_SECONDS]), HISTOGRAM_TOP_SECONDS)
    bins = [i * BIN_SECONDS for i in range(int(top // BIN_SECONDS) + 2)]
    shown = [min(d, bins[-1] - BIN_SECONDS / 2) for d in stats.durations]  # longer: last bin
    ax.hist(shown, bins=bins, color="#3b6ea5", edgecolor="white")
    ax.axvline(MAX_CLIP_SECONDS, color="#b03a2e", linestyle="--", label="Whisper's 30 s window")
    ax.set_xlabel("clip duration (s)")
    ax.set_ylabel("clips")
    ax.set_title(f"{title}: {stats.clips} clips, {format_hours(stats.hours)}")
    ax.legend()
    fig.tight_layout()
    with atomic_open(path, "wb") as f:
        fig.savefig(f, format="png")
    plt.close(fig)
