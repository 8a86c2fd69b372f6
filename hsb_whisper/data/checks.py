"""Validation of training data: every clip is decoded and every transcript measured before a long
training run can trip over it (the characters of the transcripts are in :mod:`characters`).

Each problem has a reason code (see :data:`REASONS`); a rejected clip goes to the rejects file with
its reason and details, never silently away. Clips are checked in parallel processes (decoding is
CPU-bound; one worker per core), and the file's hash finds duplicates across splits.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

from hsb_whisper.audio import CHUNK_LENGTH, inspect_audio, probe_duration
from hsb_whisper.data.manifest import Clip
from hsb_whisper.errors import AudioError
from hsb_whisper.parallel import map_parallel

log = logging.getLogger(__name__)

MAX_CLIP_SECONDS = float(CHUNK_LENGTH)  # Whisper's input window
# Whisper's decoder holds 448 tokens: <|startoftranscript|>, language, task and <|notimestamps|>
# come first and <|endoftext|> last, which leaves 448 - 5 = 443 for the transcript itself.
MAX_TEXT_TOKENS = 448 - 5
# A transcript longer than this is refused before it is tokenised (tokenising a 12 MB annotation
# takes gigabytes): 30 s of the fastest speech is a few hundred characters, and 443 tokens of
# even the longest words stay far below it.
MAX_TEXT_CHARS = 4096
# A Common Voice clip larger than this is not extracted from an archive: a 30 s clip is well under
# 1 MiB; 64 MiB would be half an hour of 320 kb/s MP3.
MAX_CLIP_BYTES = 64 << 20
_HASH_CHUNK = 1 << 20  # bytes read at a time for the duplicate hash (any file size in 1 MiB)

REASONS = {
    "missing_audio": "the audio file does not exist",
    "empty_audio": "the audio file is empty or holds no samples",
    "unreadable_audio": "the audio cannot be decoded",
    "truncated_audio": "the audio file is cut off",
    "silent_audio": "the audio is silent",
    "too_long_audio": f"longer than Whisper's {MAX_CLIP_SECONDS:.0f} s window",
    "empty_text": "the transcript is empty",
    "too_long_text": f"the transcript has more than {MAX_TEXT_TOKENS} tokens",
    "bad_times": "the annotation's times are not within its recording (negative, past the "
    "end, or ending where it starts)",
    "duplicate_audio": "the same audio appears earlier in the data",
    "unsafe_path": "the table's path is not a file in the release's clips folder (never read)",
    "too_large_audio": f"larger than {MAX_CLIP_BYTES >> 20} MiB in the archive (not extracted)",
}
AUDIO_REJECT_REASONS = {  # AudioError.kind → reject reason
    "missing": "missing_audio",
    "not_a_file": "missing_audio",
    "empty": "empty_audio",
    "unreadable": "unreadable_audio",
    "truncated": "truncated_audio",
    "silent": "silent_audio",
}
# Splits whose clips win when the same audio appears twice: evaluation data stays intact and the
# duplicate is dropped from training, so nothing heard in training is tested.
_SPLIT_PRIORITY = ("test", "dev")


@dataclasses.dataclass(frozen=True)
class Reject:
    clip: Clip
    split: str
    reason: str  # a key of REASONS
    detail: str


@dataclasses.dataclass
class CheckResult:
    kept: dict[str, list[Clip]]  # per split, in input order, durations filled in
    rejects: list[Reject]

    def reason_counts(self) -> dict[str, int]:
        return dict(collections.Counter(r.reason for r in self.rejects).most_common())


@dataclasses.dataclass(frozen=True)
class _AudioResult:
    duration: float | None
    digest: str | None
    kind: str | None  # an AudioError kind, when the file is unusable
    problem: str | None


def _check_audio(path: Path, decode: bool) -> _AudioResult:
    """Runs in a worker process."""
    try:
        duration = inspect_audio(path).duration if decode else probe_duration(path)
        digest = file_digest(path)
    except AudioError as e:
        return _AudioResult(None, None, e.kind, e.problem)
    except OSError as e:
        return _AudioResult(None, None, "unreadable", str(e))
    except Exception as e:  # a decoder bug on a hostile file: one reject, not a lost run
        log.error("checking %s failed unexpectedly", path, exc_info=True)
        return _AudioResult(None, None, "unreadable", f"unexpected {type(e).__name__}: {e}")
    return _AudioResult(duration, digest, None, None)


def file_digest(path: Path) -> str:
    """The file's BLAKE2b hash (16 bytes, hex), read in chunks: memory stays small however large
    the file."""
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        while chunk := f.read(_HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def count_tokens_function() -> Callable[[str], int]:
    """Token counter with Whisper's multilingual tokenizer (from the embedded default model)."""
    from tokenizers import Tokenizer

    from hsb_whisper.export import ModelStore

    tokenizer = Tokenizer.from_file(str(ModelStore().ensure_default().path / "tokenizer.json"))
    return lambda text: len(tokenizer.encode(" " + text, add_special_tokens=False).ids)


def check_clips(
    splits: dict[str, list[Clip]],
    *,
    decode: bool = True,
    progress: Callable[[int], None] | None = None,
    count_tokens: Callable[[str], int] | None = None,
    workers: int | None = None,
) -> CheckResult:
    """Check every clip of every split; ``decode=False`` only reads headers (fast, but finds
    neither damaged nor silent audio)."""
    count_tokens = count_tokens or count_tokens_function()
    order = sorted(splits, key=lambda s: (*_SPLIT_PRIORITY, s).index(s))
    entries = [(split, clip) for split in order for clip in splits[split]]
    unique_paths = list(dict.fromkeys(clip.audio for _, clip in entries))
    results = dict(
        zip(
            unique_paths,
            map_parallel(partial(_check_audio, decode=decode), unique_paths, progress, workers),
        )
    )
    kept: dict[str, list[Clip]] = {split: [] for split in splits}
    rejects: list[Reject] = []
    first_seen: dict[str, Clip] = {}
    for split, clip in entries:
        reject = partial(Reject, clip, split)
        result = results[clip.audio]
        if result.kind is not None:
            rejects.append(reject(AUDIO_REJECT_REASONS[result.kind], result.problem or ""))
            continue
        if result.duration <= 0:
            rejects.append(reject("empty_audio", "zero duration"))
            continue
        if result.duration > MAX_CLIP_SECONDS:
            rejects.append(reject("too_long_audio", f"{result.duration:.1f} s"))
            continue
        if not clip.text:
            rejects.append(reject("empty_text", ""))
            continue
        if len(clip.text) > MAX_TEXT_CHARS:
            rejects.append(reject("too_long_text", f"{len(clip.text)} characters"))
            continue
        tokens = count_tokens(clip.text)
        if tokens > MAX_TEXT_TOKENS:
            rejects.append(reject("too_long_text", f"{tokens} tokens"))
            continue
        earlier = first_seen.setdefault(result.digest, clip)
        if earlier is not clip:
            rejects.append(reject("duplicate_audio", f"same audio as {earlier.audio}"))
            continue
        kept[split].append(dataclasses.replace(clip, duration=result.duration))
    return CheckResult(kept, rejects)
