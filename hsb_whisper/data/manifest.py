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
import math
import os
import stat
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hsb_whisper.errors import HsbWhisperError
from hsb_whisper.files import atomic_open

AUDIO_KEYS = ("audio", "path", "audio_path", "audio_filepath", "file", "filename", "clip")
TEXT_KEYS = ("text", "sentence", "transcript", "transcription", "normalized_text")
SPEAKER_KEYS = ("speaker", "client_id", "speaker_id")
# No recording in a manifest is longer than a day: a larger ``duration`` is a damaged manifest
# (it would also make the duration histogram of ``data stats`` enormous).
MAX_DURATION_SECONDS = 24 * 3600.0


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
    try:  # a device (/dev/zero), a pipe or a folder would be read forever, or not at all
        regular = stat.S_ISREG(path.stat().st_mode)
    except FileNotFoundError as e:
        raise ManifestError(f"{path}: no such manifest") from e
    except (OSError, ValueError) as e:
        raise ManifestError(f"{path}: unreadable manifest ({e})") from e
    if not regular:
        raise ManifestError(f"{path}: not a regular file; a manifest is a JSON Lines file")
    try:
        raw = path.read_text(encoding="utf-8-sig")  # a byte order mark from Windows editors
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
            data = _loads(path, raw)
        except ManifestError as e:
            if not isinstance(e.__cause__, json.JSONDecodeError):
                raise
            data = None  # maybe JSON Lines after all
        if data is not None:
            return _records_from_json(path, data)
    records = []
    # JSON Lines are separated by "\n" only: str.splitlines() would also split at U+2028, U+0085
    # and other characters that JSON allows unescaped inside a string.
    for number, line in enumerate(raw.split("\n"), start=1):
        if not line.strip():
            continue
        record = _loads(path, line, f":{number}")
        if not isinstance(record, dict):
            raise ManifestError(f"{path}:{number}: expected a JSON object per line")
        records.append((f"line {number}", record))
    return records


def _loads(path: Path, text: str, where: str = "") -> Any:
    """``json.loads`` whose every failure is a one-line :class:`ManifestError`."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ManifestError(f"{path}{where}: not a JSON object ({e.msg})") from e
    except RecursionError as e:
        raise ManifestError(f"{path}{where}: JSON nested too deeply to be a manifest") from e
    except ValueError as e:  # e.g. an integer of more than 4300 digits
        raise ManifestError(f"{path}{where}: not a JSON object ({e})") from e


def _columns(path: Path, columns: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Rows of pandas' column layout; every column must have the same rows."""
    names = list(columns)
    first = columns[names[0]]
    for name in names[1:]:
        col = columns[name]
        same = (
            type(col) is type(first) and col.keys() == first.keys()
            if isinstance(col, dict)
            else isinstance(first, list) and len(col) == len(first)
        )
        if not same:
            raise ManifestError(
                f"{path}: pandas columns {names[0]!r} and {name!r} do not have the same rows"
            )
    keys = list(first.keys()) if isinstance(first, dict) else range(len(first))
    return [(f"row {k}", {c: col[k] for c, col in columns.items()}) for k in keys]


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
            return _columns(path, columns)
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
    duration = _duration(path, where, record.get("duration"))
    speaker = _first(record, SPEAKER_KEYS)
    if "\0" in audio:
        raise ManifestError(f"{path}, {where}: the audio path contains a NUL character")
    try:
        audio_path = Path(audio).expanduser()
    except RuntimeError as e:  # "~someone/…" where there is no such user
        raise ManifestError(f"{path}, {where}: cannot expand {audio!r} ({e})") from e
    clip = Clip(
        audio=Path(os.path.normpath(base / audio_path)),  # absolute stays absolute
        text=normalize_text(text or ""),
        duration=duration,
        speaker=_label(path, where, "speaker", speaker),
        sentence_id=_label(path, where, "sentence_id", record.get("sentence_id")),
        id=_label(path, where, "id", record.get("id")),
    )
    for field, value in (("audio path", audio), *((f, getattr(clip, f)) for f in _TEXT_FIELDS)):
        if value is not None and not _is_unicode(value):
            raise ManifestError(
                f"{path}, {where}: the {field} is not valid Unicode (an unpaired surrogate escape)"
            )
    return clip


_TEXT_FIELDS = ("text", "speaker", "sentence_id", "id")


def _label(path: Path, where: str, name: str, value: Any) -> str | None:
    """A speaker, sentence or clip id: a string or a number (null or "" for none)."""
    if value is None or value == "":
        return None
    if isinstance(value, (str, int, float)):
        return str(value)
    raise ManifestError(f"{path}, {where}: {name} must be a string or a number")


def _is_unicode(text: str) -> bool:
    """False for strings with lone surrogates (JSON's "\\ud800"), which no file can hold."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _duration(path: Path, where: str, value: Any) -> float | None:
    """Seconds, or None; anything but a number from 0 to a day is refused (NaN, Infinity,
    negative, 1e15, true)."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            seconds = float(value)
        except OverflowError:  # an integer beyond any float
            seconds = math.inf
        if 0 <= seconds <= MAX_DURATION_SECONDS:  # False for NaN too
            return seconds
        raise ManifestError(
            f"{path}, {where}: duration {seconds:.6g} is not a number of seconds from 0 to "
            f"{MAX_DURATION_SECONDS:.0f} (a day)"
        )
    raise ManifestError(f"{path}, {where}: duration must be a number of seconds")
