"""Manifests: the lists of clips (audio file + transcript) that training and evaluation read.

Our format is JSON Lines, one clip per line, so that a manifest streams and diffs well::

    {"audio": "clips/common_voice_hsb_1.mp3", "text": "Dobry dźeń.", "duration": 3.48,
     "speaker": "8d2c…", "sentence_id": "f1e2…", "id": "common_voice_hsb_1"}

``audio`` is relative to the manifest's folder (``../rec/a.wav`` is fine) or absolute; ``text``
is NFC-normalised with single spaces; ``duration`` (seconds), ``speaker``, ``sentence_id`` and
``id`` may be null.

Anywhere a manifest is read, the seed project's JSON files are accepted too: a JSON list of records
(``{"path": …, "sentence": …}`` and similar key names), pandas' column layout
(``{"path": {"0": …}, "sentence": {"0": …}}``), or a plain ``{audio path: text}`` object.
"""

from __future__ import annotations

import dataclasses
import json
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.files import atomic_open

AUDIO_KEYS = ("audio", "path", "audio_path", "audio_filepath", "file", "filename", "clip")
TEXT_KEYS = ("text", "sentence", "transcript", "transcription", "normalized_text")
SPEAKER_KEYS = ("speaker", "client_id", "speaker_id")


class ManifestError(HsbWhisperError):
    """A manifest file that cannot be read."""


def normalize_text(text: str) -> str:
    """NFC (composed characters, so "ě" is one code point however it was typed) and single
    spaces. Case and punctuation are kept: training learns them."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclasses.dataclass(frozen=True)
class Clip:
    audio: Path  # absolute path of the audio file
    text: str  # normalised transcript
    duration: float | None = None  # seconds
    speaker: str | None = None
    sentence_id: str | None = None
    id: str | None = None  # a name for reports (Common Voice: the clip file name without .mp3)

    @property
    def name(self) -> str:
        return self.id or self.audio.name

    def to_json(self, base: Path) -> dict[str, Any]:
        try:  # relative, so that a data folder can be moved or shared with its manifests
            audio = Path(os.path.relpath(self.audio, base)).as_posix()
        except ValueError:  # another drive on Windows
            audio = str(self.audio)
        return {
            "audio": audio,
            "text": self.text,
            "duration": None if self.duration is None else round(self.duration, 3),
            "speaker": self.speaker,
            "sentence_id": self.sentence_id,
            "id": self.id,
        }


def write_manifest(path: Path, clips: Iterable[Clip]) -> int:
    """Write ``clips`` as JSON Lines (atomically), audio paths relative to ``path``'s folder.
    Returns the number of clips."""
    base = path.parent.resolve()
    n = 0
    with atomic_open(path, "w") as f:
        for clip in clips:
            f.write(json.dumps(clip.to_json(base), ensure_ascii=False) + "\n")
            n += 1
    return n


def read_manifest(path: str | Path) -> list[Clip]:
    """Read one of our JSON Lines manifests or a seed-style JSON file (see the module docs)."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ManifestError(f"{path}: no such manifest") from e
    except (OSError, UnicodeDecodeError) as e:
        raise ManifestError(f"{path}: unreadable manifest ({e})") from e
    base = path.parent.resolve()
    records = _records(path, raw)
    clips = []
    for where, record in records:
        clips.append(_clip(path, where, record, base))
    return clips


def _records(path: Path, raw: str) -> list[tuple[str, dict[str, Any]]]:
    stripped = raw.lstrip()
    if path.suffix != ".jsonl" and stripped[:1] in "[{":
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            data = None  # maybe JSON Lines after all
        if data is not None:
            return _records_from_json(path, data)
    records = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise ManifestError(f"{path}:{number}: not a JSON object ({e.msg})") from e
        if not isinstance(record, dict):
            raise ManifestError(f"{path}:{number}: expected a JSON object per line")
        records.append((f"line {number}", record))
    return records


def _records_from_json(path: Path, data: Any) -> list[tuple[str, dict[str, Any]]]:
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        data = data["data"]
    if isinstance(data, list):
        if not all(isinstance(r, dict) for r in data):
            raise ManifestError(f"{path}: a JSON list of objects was expected")
        return [(f"item {i}", r) for i, r in enumerate(data)]
    if isinstance(data, dict):
        columns = {k: v for k, v in data.items() if isinstance(v, (dict, list))}
        if columns and len(columns) == len(data):  # pandas' to_json() column layout
            first = next(iter(columns.values()))
            keys = list(first.keys()) if isinstance(first, dict) else range(len(first))
            return [(f"row {k}", {c: col[k] for c, col in columns.items()}) for k in keys]
        if all(isinstance(v, str) for v in data.values()):  # {audio path: text}
            return [(f"key {k!r}", {"audio": k, "text": v}) for k, v in data.items()]
    raise ManifestError(
        f"{path}: not a manifest: expected JSON Lines, a JSON list of records, "
        "pandas columns or an {audio: text} object"
    )


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((record[k] for k in keys if record.get(k) is not None), None)


def _clip(path: Path, where: str, record: dict[str, Any], base: Path) -> Clip:
    audio = _first(record, AUDIO_KEYS)
    text = _first(record, TEXT_KEYS)
    if not isinstance(audio, str) or not audio:
        raise ManifestError(f"{path}, {where}: no audio path (one of {', '.join(AUDIO_KEYS)})")
    if text is not None and not isinstance(text, str):
        raise ManifestError(f"{path}, {where}: the transcript is not a string")
    duration = record.get("duration")
    if duration is not None and not isinstance(duration, (int, float)):
        raise ManifestError(f"{path}, {where}: duration must be a number of seconds")
    speaker = _first(record, SPEAKER_KEYS)
    audio_path = Path(audio).expanduser()
    return Clip(
        audio=Path(os.path.normpath(base / audio_path)),  # absolute stays absolute
        text=normalize_text(text or ""),
        duration=None if duration is None else float(duration),
        speaker=None if speaker in (None, "") else str(speaker),
        sentence_id=None if record.get("sentence_id") in (None, "") else str(record["sentence_id"]),
        id=None if record.get("id") in (None, "") else str(record["id"]),
    )
