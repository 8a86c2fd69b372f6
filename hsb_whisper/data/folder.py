"""A linguist's own recordings: audio files with transcripts, split into train/dev/test.

Transcripts come either from a table (CSV or TSV with a header: a path column and a text column,
optionally a speaker column) or from sidecar files (``a.wav`` + ``a.txt``, UTF-8). They are split
into train/dev/test by :mod:`hsb_whisper.data.split`.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

from hsb_whisper.audio import find_audio_files
from hsb_whisper.data.manifest import AUDIO_KEYS, SPEAKER_KEYS, TEXT_KEYS, Clip, normalize_text
from hsb_whisper.errors import HsbWhisperError, OptionError

TABLE_NAMES = ("metadata.csv", "metadata.tsv", "transcripts.csv", "transcripts.tsv")


class FolderError(HsbWhisperError):
    """A recordings folder or table that cannot be read."""


def find_table(folder: Path) -> Path | None:
    return next((folder / n for n in TABLE_NAMES if (folder / n).is_file()), None)


def read_table(table: Path, folder: Path) -> list[Clip]:
    """Clips from a CSV/TSV table; audio paths are relative to ``folder`` (or absolute)."""
    try:
        text = table.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise FolderError(f"{table}: unreadable table ({e})") from e
    delimiter = "\t" if table.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    reader.fieldnames = columns
    audio_col = next((k for k in AUDIO_KEYS if k in columns), None)
    text_col = next((k for k in TEXT_KEYS if k in columns), None)
    speaker_col = next((k for k in SPEAKER_KEYS if k in columns), None)
    if audio_col is None or text_col is None:
        raise FolderError(
            f"{table}: needs a header with an audio column ({', '.join(AUDIO_KEYS)}) and a text "
            f"column ({', '.join(TEXT_KEYS)}); found {', '.join(columns) or 'no header'}"
        )
    clips = []
    try:
        for row in reader:
            if not (row.get(audio_col) or "").strip():
                continue
            audio = Path(row[audio_col].strip())
            clips.append(
                Clip(
                    audio=audio if audio.is_absolute() else folder / audio,
                    text=normalize_text(row.get(text_col) or ""),
                    speaker=(row.get(speaker_col) or "").strip() or None if speaker_col else None,
                    id=audio.stem,
                )
            )
    except csv.Error as e:  # e.g. a field over csv's size limit
        raise FolderError(f"{table}, line {reader.reader.line_num}: unreadable table ({e})") from e
    return clips


def read_sidecars(folder: Path, speaker_from_folder: bool = False) -> list[Clip]:
    """Every audio file below ``folder`` with the text of the ``.txt`` beside it ("" if none)."""
    clips = []
    for audio in find_audio_files(folder):
        if any(part.startswith(".") for part in audio.relative_to(folder).parts):
            continue
        sidecar = audio.with_suffix(".txt")
        try:
            text = sidecar.read_text(encoding="utf-8-sig") if sidecar.is_file() else ""
        except (OSError, UnicodeDecodeError) as e:
            raise FolderError(f"{sidecar}: unreadable transcript ({e})") from e
        speaker = None
        if speaker_from_folder and audio.parent != folder:
            speaker = audio.relative_to(folder).parts[0]
        clips.append(Clip(audio, normalize_text(text), speaker=speaker, id=audio.stem))
    return clips


def parse_fractions(text: str) -> tuple[float, float, float]:
    """``"0.8,0.1,0.1"`` → train, dev, test fractions (must be ≥ 0 and sum to 1; NaN and
    infinity are refused)."""
    try:
        parts = tuple(float(x) for x in text.split(","))
    except ValueError as e:
        raise OptionError(f"split {text!r}: expected three numbers such as 0.8,0.1,0.1") from e
    finite = all(math.isfinite(p) and p >= 0 for p in parts)
    if len(parts) != 3 or not finite or abs(sum(parts) - 1) > 1e-6:
        raise OptionError(f"split {text!r}: expected three fractions ≥ 0 that sum to 1")
    return parts  # type: ignore[return-value]
