"""A local stand-in for the Hugging Face Hub: the requests huggingface_hub makes to list a model's
files (``HfApi.model_info(..., files_metadata=True)``) and to download them (``HEAD``/``GET``
``/{id}/resolve/{revision}/{file}``, with byte ranges), answered from repositories held in memory,
with knobs for what goes wrong on a real network: a connection cut in the middle of a file, bytes
that do not match their advertised checksum, a missing or gated repository.

Files whose name ends in ``.safetensors`` are served as Git LFS files (their sha256 advertised,
and a redirect to ``/lfs/...``, the fake's CDN), the others as plain git files (their git blob id
advertised), as the Hub does.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import parse_qs, quote, unquote, urlsplit

_RANGE = re.compile(r"bytes=(\d+)-(\d*)")
_ERROR_CODES = {401: "GatedRepo", 403: "GatedRepo", 404: "RepoNotFound"}


class Request(NamedTuple):
    method: str
    path: str  # unquoted, without the query
    range: str | None  # the Range header as sent


def git_blob_id(data: bytes) -> str:
    """The sha1 git gives ``data`` as a blob (what the Hub lists as a plain file's ``blobId``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _resolved(path: str) -> str | None:
    """The file name in a ``/{owner}/{name}/resolve/{revision}/{file}`` path, else None."""
    parts = path.lstrip("/").split("/", 4)
    return parts[4] if len(parts) == 5 and parts[2] == "resolve" else None


def _lfs_pointer(data: bytes) -> bytes:
    """The pointer file git holds for an LFS file (whose blob id the Hub lists as ``blobId``)."""
    sha = hashlib.sha256(data).hexdigest()
    spec = "https://git-lfs.github.com/spec/v1"
    return f"version {spec}\noid sha256:{sha}\nsize {len(data)}\n".encode()


class FakeHub:
    """``with FakeHub({"owner/name": {"config.json": b"..."}}) as hub:`` pass ``hub.url`` as the
    endpoint. Each repository has one commit, ``hub.commits[hub_id]``, also reachable as "main".

    - ``cut_after={file: n}``: the first GET that serves ``file``'s bytes (in any repository)
      sends its first ``n`` bytes, then closes the connection.
    - ``corrupt={file}``: ``file`` is served with one byte changed; its size and checksum are
      advertised as those of the real bytes.
    - ``status={hub_id: 404 | 401 | 403}``: every request about that repository gets this status,
      with the Hub's ``X-Error-Code`` (RepoNotFound, GatedRepo).
    - ``log``: every request, in order (see :class:`Request`, :meth:`gets`).
    """

    def __init__(
        self,
        repos: dict[str, dict[str, bytes]],
        *,
        cut_after: dict[str, int] | None = None,
        corrupt: set[str] | frozenset[str] = frozenset(),
        status: dict[str, int] | None = None,
    ) -> None:
        self.repos = repos
        self.commits = {hub_id: hashlib.sha1(hub_id.encode()).hexdigest() for hub_id in repos}
        self.cut_after = dict(cut_after or {})
        self.corrupt = set(corrupt)
        self.status = dict(status or {})
        self.log: list[Request] = []
        self.url = ""
        self._lock = threading.Lock()

    def gets(self, filename: str) -> list[Request]:
        """The GET requests for the file ``filename`` (any repository, any revision)."""
        return [r for r in self.log if r.method == "GET" and _resolved(r.path) == filename]

    def __enter__(self) -> FakeHub:
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )  # (checks for shutdown every 10 ms: a test's exit is not held up)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    # --- what the server says about a repository ----------------------------------------------

    def _sibling(self, name: str, data: bytes, blobs: bool) -> dict:
        if not blobs:
            return {"rfilename": name}
        if not name.endswith(".safetensors"):
            return {"rfilename": name, "size": len(data), "blobId": git_blob_id(data)}
        pointer = _lfs_pointer(data)
        lfs = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        lfs["pointerSize"] = len(pointer)
        return {"rfilename": name, "size": len(data), "blobId": git_blob_id(pointer), "lfs": lfs}

    def _info(self, hub_id: str, blobs: bool) -> dict:
        siblings = [self._sibling(n, d, blobs) for n, d in self.repos[hub_id].items()]
        info = {"id": hub_id, "modelId": hub_id, "sha": self.commits[hub_id], "private": False}
        # (what huggingface_hub 0.23 also requires)
        return info | {"downloads": 0, "likes": 0, "tags": [], "siblings": siblings}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """Quiet about a client that hung up (a cancelled download), as the Hub would be."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as huggingface_hub's client expects

        def log_message(self, *args) -> None:  # quiet: the tests read hub.log
            pass

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            parts = [unquote(p) for p in url.path.lstrip("/").split("/")]
            with hub._lock:
                hub.log.append(Request(self.command, unquote(url.path), self.headers.get("Range")))
            if parts[:2] == ["api", "models"]:
                rest = "/".join(parts[2:])
                hub_id, _, revision = rest.partition("/revision/")
                if not self._repo_ok(hub_id, revision or "main"):
                    return
                blobs = parse_qs(url.query).get("blobs", [""])[0].lower() in ("1", "true")
                return self._send(200, json.dumps(hub._info(hub_id, blobs)).encode())
            if len(parts) >= 5 and parts[2] == "resolve":
                hub_id, revision, name = "/".join(parts[:2]), parts[3], "/".join(parts[4:])
                if self._repo_ok(hub_id, revision):
                    self._file(hub_id, name, redirect=name.endswith(".safetensors"))
                return
            if len(parts) >= 4 and parts[0] == "lfs" and "/".join(parts[1:3]) in hub.repos:
                return self._file("/".join(parts[1:3]), "/".join(parts[3:]), redirect=False)
            self._send(404, b"not found")

        do_HEAD = do_GET  # the same headers, no body (see _send)

        def _repo_ok(self, hub_id: str, revision: str) -> bool:
            """Whether the repository and revision exist; else the error is sent."""
            status = hub.status.get(hub_id) or (404 if hub_id not in hub.repos else None)
            if status is None and revision not in ("main", hub.commits[hub_id]):
                self._send(404, b"no such revision", {"X-Error-Code": "RevisionNotFound"})
                return False
            if status is not None:
                code = _ERROR_CODES.get(status, "")
                self._send(status, f"{hub_id}: {code}".encode(), {"X-Error-Code": code})
                return False
            return True

        def _file(self, hub_id: str, name: str, redirect: bool) -> None:
            """The file's bytes (a range of them when asked); ``redirect``: the Hub's headers
            and a redirect to /lfs/{hub_id}/{name}, where the bytes are (as the Hub sends LFS
            files to its CDN)."""
            data = hub.repos[hub_id].get(name)
            if data is None:
                self._send(404, b"no such file", {"X-Error-Code": "EntryNotFound"})
                return
            lfs = name.endswith(".safetensors")
            etag = hashlib.sha256(data).hexdigest() if lfs else git_blob_id(data)
            headers = {"X-Repo-Commit": hub.commits[hub_id], "ETag": f'"{etag}"'}
            headers["Accept-Ranges"] = "bytes"
            if lfs:
                headers |= {"X-Linked-Etag": f'"{etag}"', "X-Linked-Size": str(len(data))}
            if redirect:
                location = f"/lfs/{hub_id}/{name}"
                return self._send(302, b"", headers | {"Location": quote(location)})
            if name in hub.corrupt:
                data = bytes([data[0] ^ 0xFF]) + data[1:]
            status, size = 200, len(data)
            match = _RANGE.fullmatch(self.headers.get("Range") or "")
            if match:
                start = int(match[1])
                if start >= size:
                    self._send(416, b"", headers | {"Content-Range": f"bytes */{size}"})
                    return
                status, data = 206, data[start : int(match[2] or size - 1) + 1]
                headers["Content-Range"] = f"bytes {start}-{start + len(data) - 1}/{size}"
            cut = hub.cut_after.pop(name, None) if self.command == "GET" else None
            self._send(status, data, headers, cut=cut)

        def _send(self, status: int, data: bytes, headers=None, cut: int | None = None) -> None:
            """The answer; to HEAD without its body; ``cut``: only that many bytes of the body
            are sent before the connection is closed."""
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data if cut is None else data[:cut])
            if cut is not None:
                self.wfile.flush()
                self.close_connection = True

    return Handler
