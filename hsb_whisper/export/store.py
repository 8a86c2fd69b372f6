"""The model store: the folder of installed models, each a self-describing CTranslate2 folder.

Both the command line and the app reach models only through :class:`ModelStore`, by name (a folder
of the store) or by path (any CTranslate2 Whisper folder, ours or not). The embedded default model
is assembled on first use and rebuilt if it is found damaged, never used half-written.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path

from hsb_whisper import paths
from hsb_whisper.errors import ModelError
from hsb_whisper.export import default_model
from hsb_whisper.export.metadata import METADATA_FILE, ModelInfo, check_files
from hsb_whisper.files import remove_tree

log = logging.getLogger(__name__)

# What faster-whisper needs in a folder to load it without going online: without tokenizer.json it
# downloads one from the Hugging Face Hub.
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
_STALE_TMP_S = 3600  # a staging folder untouched this long belongs to a killed process


@dataclasses.dataclass(frozen=True)
class LocalModel:
    """A model folder on disk, with our metadata when it has it (``None`` for foreign folders)."""

    path: Path
    info: ModelInfo | None

    @property
    def name(self) -> str:
        return self.info.name if self.info else self.path.name

    @property
    def language(self) -> str | None:
        """The language token to force at inference; ``None`` means detect it."""
        return self.info.language if self.info else None


class ModelStore:
    """Installed models under ``root`` (default: ``<user data dir>/models``)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else paths.models_dir()

    @property
    def default_name(self) -> str:
        return default_model.DEFAULT_MODEL_NAME

    def resolve(self, name_or_path: str | Path | None = None) -> LocalModel:
        """The model called ``name_or_path`` in the store, or the CTranslate2 folder at that path;
        the default model when ``None``."""
        if name_or_path is None or str(name_or_path) == self.default_name:
            return self.ensure_default()
        text = str(name_or_path)
        candidate = Path(text).expanduser()
        if candidate.is_dir() or "/" in text or "\\" in text:
            return open_folder(candidate)
        folder = self.root / text
        if not (folder / METADATA_FILE).is_file():
            raise ModelError(
                f"model {text!r} not found; installed models: {', '.join(self.names())}; "
                "or give the path to a CTranslate2 Whisper folder"
            )
        return open_folder(folder)

    def names(self) -> list[str]:
        """Names of the installed models (the default one always among them)."""
        self.ensure_default()
        return sorted(
            p.name
            for p in self.root.iterdir()
            if p.is_dir() and not p.name.startswith(".") and (p / METADATA_FILE).is_file()
        )

    def models(self) -> list[LocalModel | ModelError]:
        """Every installed model, or the error that makes it unusable."""
        result: list[LocalModel | ModelError] = []
        for name in self.names():
            try:
                result.append(open_folder(self.root / name))
            except ModelError as e:
                result.append(e)
        return result

    def verify(self, name: str) -> list[str]:
        """Full check of a stored model (every file's SHA-256): the problems found, if any."""
        folder = self.root / name
        info = ModelInfo.load(folder)
        return check_files(folder, info, full=True)

    def ensure_default(self) -> LocalModel:
        """The embedded default model, assembled if absent and rebuilt if damaged."""
        folder = self.root / self.default_name
        try:
            return open_folder(folder)
        except ModelError as e:
            if folder.exists():
                log.warning("rebuilding the default model: %s", e)
                remove_tree(folder)
        self._remove_stale_staging()
        try:
            default_model.assemble(folder)
        except FileExistsError:
            log.info("another process assembled %s first", folder)
        return open_folder(folder)

    def _remove_stale_staging(self) -> None:
        if not self.root.is_dir():
            return
        for tmp in self.root.glob(".*.tmp-*"):
            if time.time() - tmp.stat().st_mtime > _STALE_TMP_S:
                log.info("removing %s, left behind by an interrupted process", tmp)
                remove_tree(tmp)


def open_folder(folder: Path) -> LocalModel:
    """Check that ``folder`` is a loadable CTranslate2 Whisper folder and read its metadata.

    Folders of ours are checked against their metadata (every file present with its size);
    foreign folders must at least hold the files faster-whisper needs offline.
    """
    if not folder.is_dir():
        raise ModelError(f"{folder}: no such model folder")
    if (folder / METADATA_FILE).is_file():
        info = ModelInfo.load(folder)
        problems = check_files(folder, info)
        if problems:
            raise ModelError(f"{folder}: damaged model folder: {'; '.join(problems)}")
        return LocalModel(folder, info)
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise ModelError(
            f"{folder}: not a CTranslate2 Whisper model folder (missing {', '.join(missing)})"
        )
    return LocalModel(folder, None)
