"""What runs on a cluster's workers: one loaded :class:`Transcriber` per Ray actor.

Workers see no file of the driver's machine: audio comes as the file's bytes through Ray's
object store (written to a temporary file for the decoder, under its own name so that the
decoder's checks see its suffix), and the model as its folder's files, written once per node
into a folder named by their hash. Every error a file causes comes back as one line naming the
file as the driver knows it; only the death of the worker process itself reaches the driver as
Ray's exception (which it answers with a retry on another worker).
"""

from __future__ import annotations

import dataclasses
import os
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from hsb_whisper.errors import AudioError, HsbWhisperError
from hsb_whisper.export import LocalModel
from hsb_whisper.files import staging_dir
from hsb_whisper.transcription import TranscribeOptions, Transcriber, Transcript
from hsb_whisper.transcription.engine import cut_pieces

MODEL_CACHE = "hsb-whisper-archive-models"  # under the node's temporary folder


@dataclasses.dataclass(frozen=True)
class Failure:
    """A file that cannot be transcribed: the one line that says why."""

    reason: str


def materialise_model(files: dict[str, bytes], key: str) -> Path:
    """The model folder made of ``files`` (name → bytes) on this node, written once per node
    (atomically: a folder renamed into place) and reused by every worker and run."""
    folder = Path(tempfile.gettempdir()) / MODEL_CACHE / key
    if not folder.is_dir():
        try:
            with staging_dir(folder) as staging:
                for name, data in files.items():
                    (staging / name).write_bytes(data)
        except FileExistsError:  # another worker of this node was faster
            pass
    return folder


class Worker:
    """A Ray actor's body (``ray.remote`` is applied by the driver): one model, loaded once."""

    def __init__(
        self,
        model_files: dict[str, bytes],
        model_key: str,
        model: LocalModel,
        options: TranscribeOptions,
        piece_s: float,
    ) -> None:
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.piece_s = piece_s
        self.problem: tuple[str, str] | None = None
        local = LocalModel(materialise_model(model_files, model_key), model.info)
        try:
            self.transcriber = Transcriber(local, options, piece_s=piece_s)
        except HsbWhisperError as e:  # a language the model lacks: said by who(), in one line
            self.problem = (type(e).__name__, str(e).replace(str(local.path), str(model.path)))

    def who(self) -> tuple[str, int, tuple[str, str] | None]:
        """This worker's name (host:pid), process id, and why it cannot work (the error's
        class name and message) or None."""
        return self.name, os.getpid(), self.problem

    def transcribe_files(self, paths: list[str], *data: bytes) -> tuple[list, float]:
        """Whole files (their paths on the driver, their bytes): a :class:`Transcript` or a
        :class:`Failure` for each, in order, and the seconds it took. Short files are decoded
        together (:meth:`Transcriber.transcribe_many`), each to the text it has on its own."""
        started = time.perf_counter()
        results: list[Transcript | Failure] = []
        with tempfile.TemporaryDirectory(prefix="hsb-archive-") as folder:
            local = _written(Path(folder), paths, data)
            for (_, result), original, temp in zip(
                self.transcriber.transcribe_many(local), paths, local
            ):
                results.append(self._finished(result, original, temp))
        return results, time.perf_counter() - started

    def _finished(self, result, original: str, temp: Path) -> Transcript | Failure:
        try:
            if isinstance(result, Exception):
                raise result
            segments, info = result
            transcript = self.transcriber.finish(info, list(segments))
            info = dataclasses.replace(transcript.info, path=Path(original), speakers=None)
            return dataclasses.replace(transcript, info=info)
        except Exception as e:
            return Failure(failure_reason(e, original, temp))

    def split(self, path: str, data: bytes) -> Iterator:
        """A long file cut into the pieces the transcriber cuts it into (read once, here),
        streamed: ``{"duration": s}``, then per piece ``{"piece": i, "offset": samples}`` and
        its samples (float32 mono 16 kHz), then ``{"turns": speaker turns or None}``; or
        ``{"short": True}`` for a file of one piece, or ``{"failure": Failure}``."""
        with tempfile.TemporaryDirectory(prefix="hsb-archive-") as folder:
            (temp,) = _written(Path(folder), [path], [data])
            try:
                reader = self.transcriber.open(temp)
                first = reader.read(self.transcriber.first_read())
                if reader.exhausted:
                    yield {"short": True}
                    return
                yield {"duration": reader.header_duration}
                offset = 0
                for index, piece in enumerate(cut_pieces(reader, first, self.piece_s)):
                    yield {"piece": index, "offset": offset, "samples": len(piece)}
                    yield piece
                    offset += len(piece)
                yield {"turns": self.transcriber.speaker_turns(reader)}
            except Exception as e:
                yield {"failure": Failure(failure_reason(e, path, temp))}

    def transcribe_piece(self, audio, language: str | None, offset_s: float, path: str):
        """One piece of a long file: ``(segments, language, probability)`` (times from the
        file's start) or a :class:`Failure`, and the seconds it took."""
        started = time.perf_counter()
        try:
            result = self.transcriber.transcribe_piece(audio, language, offset_s)
        except Exception as e:
            result = Failure(failure_reason(e, path, None))
        return result, time.perf_counter() - started


def failure_reason(error: Exception, original: str, temp: Path | None) -> str:
    """The one line for a file's failure, naming the file as the driver knows it (as
    ``hsb-whisper transcribe`` words it)."""
    if isinstance(error, AudioError):
        return f"{original}: {error.problem}"
    if isinstance(error, HsbWhisperError):
        text = str(error)
        return text.replace(str(temp), original) if temp is not None else text
    return f"{original}: unexpected failure ({type(error).__name__}: {error})"


def _written(folder: Path, paths: list[str], data) -> list[Path]:
    """Each file's bytes under its own name (numbered folders: two files may share a name)."""
    local = []
    for number, (path, content) in enumerate(zip(paths, data)):
        target = folder / str(number) / Path(path).name
        target.parent.mkdir()
        target.write_bytes(content)
        local.append(target)
    return local
