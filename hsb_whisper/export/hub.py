"""A Hugging Face Whisper repository from the Hub into a folder of ours: only the files a
conversion needs (safetensors weights, never pickles), all from one commit, each verified against
the checksum the Hub lists for it, resumable after a cut connection, a killed process or a cancel,
with byte progress and cancellation for the command line and the app. No torch, no transformers.

What huggingface_hub (0.23 or newer) does here: listing the commit and its files with their sizes
and checksums (``HfApi.model_info(files_metadata=True)``), each file's URL at that commit
(``hf_hub_url``), the HTTP client with its headers and token (``get_session``,
``build_hf_headers``), and turning an error status into its exceptions (``hf_raise_for_status``).

What is written by hand, and why: the download loop (``_Download.fetch``). ``hf_hub_download``
resumes only into its own ``.cache/huggingface/download/*.incomplete``, reports progress only
through a tqdm class, cannot be cancelled between chunks (only by raising from a progress bar),
hands Xet-stored files to hf_xet (where none of this holds) and checks only their size. Here
each file is streamed into ``target/.partial/NAME`` (continued with an HTTP ``Range`` request
when a part is already there), hashed while it arrives, and renamed to ``target/NAME`` only once
its size and checksum match: a file under its real name is always a complete, verified one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from huggingface_hub import HfApi, hf_hub_url
from huggingface_hub.utils import (
    GatedRepoError,
    HfHubHTTPError,
    HFValidationError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
    RevisionNotFoundError,
    build_hf_headers,
    get_session,
    hf_raise_for_status,
)

from hsb_whisper.errors import ModelError, OutputError, shown
from hsb_whisper.offline import hub_requests_allowed, user_wants_offline

log = logging.getLogger(__name__)

HUB = "https://huggingface.co"
# The files a Whisper conversion reads besides its weights (README.md: the model card, with the
# licence and languages).
WHISPER_FILES = frozenset(
    {
        "config.json",
        "generation_config.json",
        "preprocessor_config.json",
        "processor_config.json",
        "tokenizer.json",
        "tokenizer_config.json",
        "vocab.json",
        "merges.txt",
        "normalizer.json",
        "added_tokens.json",
        "special_tokens_map.json",
        "README.md",
    }
)
REQUIRED_FILES = ("config.json",)  # the tokenizer may come from the base model
SINGLE_WEIGHTS = "model.safetensors"
SHARD_INDEX = "model.safetensors.index.json"
_SHARD = re.compile(r"model-(\d{5})-of-(\d{5})\.safetensors")
# Weights in formats that are never fetched (pickles can run code; the others are not read).
_OTHER_WEIGHTS = (".bin", ".pt", ".pth", ".ckpt", ".msgpack", ".h5", ".onnx")
PARTIAL_DIR = ".partial"  # in the target folder: files still arriving
_CHUNK = 1 << 18  # bytes between progress reports and cancellation checks (256 KiB)
_TIMEOUT_S = 20.0  # seconds without an answer (connecting, or between bytes) before giving up
_RETRIES = 5  # times a file's connection may break, each time after bringing new bytes


class OfflineError(ModelError):
    """The Hugging Face Hub cannot be reached (no network, refused, timed out, switched off)."""


class DownloadCancelled(ModelError):
    """The caller's ``cancelled()`` said stop; what arrived is kept for the next call."""


@dataclasses.dataclass(frozen=True)
class RemoteFile:
    """A file of a Hub repository at one commit."""

    name: str  # at the repository's top level
    size: int  # bytes
    sha256: str | None  # of the content, for Git LFS files (weights)
    blob_id: str | None  # git's blob sha1 of the content, for plain git files (None for LFS)


def remote_whisper_files(
    hub_id: str,
    revision: str | None = None,
    *,
    endpoint: str | None = None,
    only: frozenset[str] | None = None,
) -> tuple[str, list[RemoteFile]]:
    """The commit ``revision`` (default: the main branch) of ``hub_id`` resolves to, and the files
    of it a Whisper conversion needs: configs, tokenizer, model card and safetensors weights (one
    ``model.safetensors``, or all the ``model-XXXXX-of-YYYYY.safetensors`` shards and their
    index), never other weights nor anything in a subfolder. A repository without
    ``config.json`` or safetensors weights is refused (ModelError). ``only``: just these of
    :data:`WHISPER_FILES`, those the repository has (no weights; what a fine-tuned model's
    repository lacks, from its base model's)."""
    endpoint = _endpoint(endpoint)
    _check_online(hub_id, endpoint)
    with _hub_errors(hub_id, endpoint, revision), hub_requests_allowed():
        info = HfApi(endpoint=endpoint).model_info(
            hub_id, revision=revision, files_metadata=True, timeout=_TIMEOUT_S
        )
    if not info.sha:
        raise ModelError(f"{hub_id}: {endpoint} did not say which commit {revision or 'main'} is")
    listed = {s.rfilename: s for s in info.siblings or []}
    if only is not None:
        return info.sha, [
            _remote(hub_id, endpoint, listed[n]) for n in sorted(only & listed.keys())
        ]
    for name in REQUIRED_FILES:
        if name not in listed:
            raise ModelError(
                f"{hub_id}: is not a Hugging Face Whisper model: it has no {name} "
                f"(at commit {info.sha[:12]})"
            )
    selected = [n for n in sorted(listed) if n in WHISPER_FILES] + _weights(hub_id, list(listed))
    return info.sha, [_remote(hub_id, endpoint, listed[name]) for name in selected]


def _remote(hub_id: str, endpoint: str, sibling) -> RemoteFile:
    if sibling.size is None:
        raise ModelError(f"{hub_id}: {endpoint} gave no size for {shown(sibling.rfilename)}")
    sha256 = sibling.lfs.sha256 if sibling.lfs else None
    return RemoteFile(sibling.rfilename, sibling.size, sha256, None if sha256 else sibling.blob_id)


def download_whisper(
    hub_id: str,
    target: Path,
    *,
    revision: str | None = None,
    endpoint: str | None = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
    cancelled: Callable[[], bool] = lambda: False,
    only: frozenset[str] | None = None,
) -> tuple[Path, str]:
    """The files :func:`remote_whisper_files` selects, downloaded into the folder ``target``
    (created); returns ``(target, commit sha)``. All files come from the one commit ``revision``
    resolves to first. ``endpoint``: the Hub's address (default ``$HF_ENDPOINT``, else
    huggingface.co).

    ``progress(done_bytes, total_bytes)`` over all the files, bytes already here included, is
    called at least every 256 KiB; ``cancelled()`` is asked as often and, when true, stops with
    :class:`DownloadCancelled`. What has arrived of a file is kept in ``target/.partial/``, and
    the next call with the same ``target`` continues it where it stopped; files already complete
    and verified are not fetched again. A file whose size or checksum does not match what the Hub
    lists is deleted (ModelError). Raises :class:`OfflineError` when the Hub cannot be reached.
    """
    endpoint = _endpoint(endpoint)
    sha, files = remote_whisper_files(hub_id, revision, endpoint=endpoint, only=only)
    for file in files:
        _inside(target, file.name)
    try:
        (target / PARTIAL_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"{target}: cannot create the download folder ({e.strerror})") from e
    with hub_requests_allowed():
        _Download(hub_id, endpoint, target, progress, cancelled).run(sha, files)
    log.info("%s at %s downloaded from %s into %s", hub_id, sha, endpoint, target)
    return target, sha


# --- which files ------------------------------------------------------------------------------


def _weights(hub_id: str, names: list[str]) -> list[str]:
    """The safetensors weights among a repository's file ``names``; refused in one line when
    there are none or the shards are incomplete."""
    if SINGLE_WEIGHTS in names:
        return [SINGLE_WEIGHTS]
    shards = sorted(n for n in names if _SHARD.fullmatch(n))
    if shards:
        count = int(_SHARD.fullmatch(shards[0])[2])
        expected = [f"model-{i:05d}-of-{count:05d}.safetensors" for i in range(1, count + 1)]
        missing = sorted({*expected, SHARD_INDEX} - set(names))
        unexpected = sorted(set(shards) - set(expected))
        if missing or unexpected:
            raise ModelError(
                f"{hub_id}: its sharded safetensors weights are incomplete or mixed (missing: "
                f"{', '.join(missing) or '-'}; unexpected: {', '.join(unexpected) or '-'})"
            )
        return [SHARD_INDEX, *shards]
    others = sorted(n for n in names if "/" not in n and n.endswith(_OTHER_WEIGHTS))
    if others:
        raise ModelError(
            f"{hub_id}: has only weights in formats hsb-whisper does not load "
            f"({shown(', '.join(others))}); it needs safetensors weights: the model's author can "
            "add them with Hugging Face's safetensors conversion "
            "(https://huggingface.co/spaces/safetensors/convert), and where that conversion's "
            "pull request is already open, its revision (refs/pr/N) can be downloaded"
        )
    raise ModelError(f"{hub_id}: has no safetensors weights ({SINGLE_WEIGHTS})")


def _inside(target: Path, name: str) -> str:
    """``name`` when it is a plain file name in ``target``; a name from the server that would
    reach elsewhere (a subfolder, ``..``, an absolute path) is refused."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ModelError(f"{target}: refusing a file name from the Hub: {shown(name)}")
    return name


# --- the download ---------------------------------------------------------------------------


class _Download:
    """One call's download into ``target``: the bytes done of all its files, and whom to tell."""

    def __init__(self, hub_id, endpoint, target: Path, progress, cancelled) -> None:
        self.hub_id, self.endpoint, self.target = hub_id, endpoint, target
        self.partial_dir = target / PARTIAL_DIR
        self.progress, self.cancelled = progress, cancelled
        self.done = self.total = 0

    def run(self, sha: str, files: list[RemoteFile]) -> None:
        self.total = sum(f.size for f in files)
        todo = [f for f in files if not _matches(self.target / f.name, f)]
        parts = [self.partial_dir / f.name for f in todo]
        arrived = sum(p.stat().st_size for p in parts if p.is_file())
        _check_space(self.target, sum(f.size for f in todo) - arrived)
        self.add(self.total - sum(f.size for f in todo) + arrived)
        for file in todo:
            self.check_cancelled()
            url = hf_hub_url(self.hub_id, file.name, revision=sha, endpoint=self.endpoint)
            self.fetch(file, url, self.partial_dir / file.name)
        with contextlib.suppress(OSError):
            self.partial_dir.rmdir()  # empty unless something else was left there

    def fetch(self, file: RemoteFile, url: str, part: Path) -> None:
        """``file`` streamed from ``url`` into ``part``, continued from what ``part`` already
        holds, checked, and renamed to its real name. A connection that breaks after bringing
        new bytes is resumed at once, up to ``_RETRIES`` times per file."""
        digest, have = _hasher(file), part.stat().st_size if part.is_file() else 0
        if have > file.size:  # left by another commit's download: not this file
            self.add(-have)
            part.unlink()
            have = 0
        if have:  # (already counted as done)
            _hash_file(part, digest)
            log.info("%s: resuming %s at byte %d of %d", self.hub_id, file.name, have, file.size)
        tries, broken = 0, None
        while have < file.size:
            before = have
            headers = {**build_hf_headers(), "Accept-Encoding": "identity"}
            if have:
                headers["Range"] = f"bytes={have}-"
            try:
                with _stream(self.hub_id, self.endpoint, url, headers) as (status, chunks):
                    if status == 416:  # "your range starts beyond the end"
                        raise self.mismatch(file, part, f"shorter than {file.size} bytes")
                    if have and status != 206:  # the whole file again
                        self.add(-have)
                        digest, have = _hasher(file), 0
                        part.write_bytes(b"")
                    with open(part, "ab") as out:
                        for chunk in chunks:
                            if have + len(chunk) > file.size:
                                raise self.mismatch(file, part, f"longer than {file.size} bytes")
                            out.write(chunk)
                            digest.update(chunk)
                            have += len(chunk)
                            self.add(len(chunk))
                            self.check_cancelled()
            except _network_errors() as e:
                broken = e
            if have < file.size:  # broken, or ended early
                tries = tries + 1 if have > before else _RETRIES
                if tries >= _RETRIES:
                    raise OfflineError(
                        f"{self.hub_id}: the connection to {self.endpoint} broke while "
                        f"downloading {shown(file.name)} ({have} of {file.size} bytes kept): run "
                        "it again to continue where it stopped"
                    ) from broken
                log.info(
                    "%s: connection broken in %s (%r); resuming", self.hub_id, file.name, broken
                )
        expected = file.sha256 or file.blob_id
        if expected and digest.hexdigest() != expected:
            kind = "sha256" if file.sha256 else "git blob sha1"
            raise self.mismatch(file, part, f"{kind} {digest.hexdigest()}, listed {expected}")
        os.replace(part, self.target / file.name)

    def mismatch(self, file: RemoteFile, part: Path, what: str) -> ModelError:
        """The one-line error for a file that is not what the Hub lists; the file is deleted."""
        part.unlink(missing_ok=True)
        return ModelError(
            f"{self.hub_id}: {shown(file.name)} from {self.endpoint} does not match its checksum "
            f"({what}); nothing was installed"
        )

    def add(self, size: int) -> None:
        self.done += size
        self.progress(self.done, self.total)

    def check_cancelled(self) -> None:
        if self.cancelled():
            raise DownloadCancelled(f"{self.hub_id}: the download was cancelled")


def _hasher(file: RemoteFile):
    """An empty hash of the kind ``file`` is listed with: sha256 (LFS), else git's blob sha1
    (the sha1 of a ``blob SIZE\\0`` header and the content)."""
    if file.sha256:
        return hashlib.sha256()
    return hashlib.sha1(b"blob %d\0" % file.size)


def _hash_file(path: Path, digest) -> None:
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)


def _matches(path: Path, file: RemoteFile) -> bool:
    """Whether ``path`` is already a complete copy of ``file`` (size and checksum)."""
    if not path.is_file() or path.stat().st_size != file.size:
        return False
    digest = _hasher(file)
    _hash_file(path, digest)
    return digest.hexdigest() == (file.sha256 or file.blob_id or digest.hexdigest())


# --- the network ------------------------------------------------------------------------------


@contextlib.contextmanager
def _stream(hub_id: str, endpoint: str, url: str, headers: dict) -> Iterator[tuple[int, Iterator]]:
    """GET ``url`` as (status, chunks of at most ``_CHUNK`` bytes), redirects followed, an error
    status turned into a ModelError. huggingface_hub's client is httpx2's or httpx's
    (huggingface_hub 1.0 and newer) or requests' (before)."""
    session = get_session()
    with contextlib.ExitStack() as stack:
        with _hub_errors(hub_id, endpoint):  # opening only: a broken stream is the caller's
            if callable(getattr(session, "stream", None)):  # httpx, httpx2
                kwargs = {"headers": headers, "timeout": _TIMEOUT_S, "follow_redirects": True}
                response = stack.enter_context(session.stream("GET", url, **kwargs))
                chunks = response.iter_bytes(_CHUNK)
                if response.status_code >= 400 and response.status_code != 416:
                    response.read()
            else:  # requests
                kwargs = {"headers": headers, "timeout": _TIMEOUT_S, "stream": True}
                response = stack.enter_context(session.get(url, **kwargs))
                chunks = response.iter_content(_CHUNK)
            if response.status_code != 416:  # (asked for a range beyond the end)
                hf_raise_for_status(response)
        yield response.status_code, chunks


def _network_errors() -> tuple[type[BaseException], ...]:
    """What huggingface_hub's HTTP library raises when a server cannot be reached or a connection
    breaks or times out, taken from whichever of them is loaded (none is imported here)."""
    found: list[type[BaseException]] = [OfflineModeIsEnabled, ConnectionError, TimeoutError]
    for library, names in (
        ("httpx2", ("TransportError",)),
        ("httpx", ("TransportError",)),
        ("requests.exceptions", ("ConnectionError", "Timeout", "ChunkedEncodingError")),
    ):
        module = sys.modules.get(library)
        found += [getattr(module, n) for n in names if module and hasattr(module, n)]
    return tuple(found)


@contextlib.contextmanager
def _hub_errors(hub_id: str, endpoint: str, revision: str | None = None) -> Iterator[None]:
    """The Hub's and the network's exceptions as one line each (ModelError, OfflineError)."""
    try:
        yield
    except HFValidationError as e:
        raise ModelError(f"{shown(hub_id)}: not a Hugging Face model id (owner/name)") from e
    except GatedRepoError as e:  # before RepositoryNotFoundError, its base class
        raise ModelError(
            f"{hub_id}: is gated on {endpoint}: accept its conditions on the model's page, then "
            "log in (hf auth login) or set HF_TOKEN"
        ) from e
    except RepositoryNotFoundError as e:
        raise ModelError(
            f"{hub_id}: no such model on {endpoint} (or it is private: log in with a token that "
            "may read it)"
        ) from e
    except RevisionNotFoundError as e:
        raise ModelError(f"{hub_id}: has no revision {shown(str(revision))}") from e
    except HfHubHTTPError as e:
        status = getattr(e.response, "status_code", "an error")
        raise ModelError(f"{hub_id}: {endpoint} answered {status}; try again later") from e
    except OfflineModeIsEnabled as e:
        raise OfflineError(_offline(hub_id, endpoint, "huggingface_hub is in offline mode")) from e
    except _network_errors() as e:
        log.info("cannot reach %s for %s: %r", endpoint, hub_id, e)
        raise OfflineError(_offline(hub_id, endpoint)) from e


def _offline(hub_id: str, endpoint: str, why: str = "") -> str:
    reason = f"{why}, " if why else ""
    return (
        f"{hub_id}: cannot reach the Hugging Face Hub ({reason}{endpoint}): getting a model needs "
        "the network once; offline, bring a Hugging Face Whisper folder (hsb-whisper models "
        "import FOLDER) or a model pack (hsb-whisper models install PACK.zip)"
    )


def _check_online(hub_id: str, endpoint: str) -> None:
    """The user's ``HF_HUB_OFFLINE=1`` stops a download; the one this program sets to keep
    model loading local does not (:mod:`hsb_whisper.offline`)."""
    if user_wants_offline():
        raise OfflineError(_offline(hub_id, endpoint, "HF_HUB_OFFLINE=1 is set"))


def _endpoint(endpoint: str | None) -> str:
    return (endpoint or os.environ.get("HF_ENDPOINT") or HUB).rstrip("/")


def _check_space(target: Path, needed: int) -> None:
    free = shutil.disk_usage(target).free
    if needed > free:
        raise OutputError(
            f"{target}: the download needs {needed / 1e9:.1f} GB more and only "
            f"{free / 1e9:.1f} GB are free"
        )
