"""The model store: the folder of installed models, each a self-describing CTranslate2 folder.

Both the command line and the app reach models only through :class:`ModelStore`, by name (a folder
of the store) or by path (any CTranslate2 Whisper folder, ours or not). The embedded default model
is assembled on first use and rebuilt if it is found damaged, never used half-written (an
installer ships it assembled and read-only instead, outside the store: see
:func:`hsb_whisper.export.default_model.bundled_folder`). Other
models are installed from packs or folders (checked by :mod:`hsb_whisper.export.pack`), and
``store.json`` beside them names the one used when none is given.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import re
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from hsb_whisper import paths
from hsb_whisper.errors import ModelError, shown
from hsb_whisper.export import default_model
from hsb_whisper.export.metadata import METADATA_FILE, ModelInfo, check_files, metadata_problem
from hsb_whisper.export.pack import open_pack
from hsb_whisper.files import atomic_write_text, current_umask, remove_tree

log = logging.getLogger(__name__)

# What faster-whisper needs in a folder to load it without going online: without tokenizer.json it
# downloads one from the Hugging Face Hub.
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
_STALE_TMP_S = 3600  # a staging folder untouched this long belongs to a killed process
# An export's work folders can sit untouched for hours while a running export measures WER.
_STALE_EXPORT_S = 24 * 3600
# The store's settings, beside the model folders: {"default": "<name>"}.
SETTINGS_FILE = "store.json"
# What other processes leave in the store while they work, as the code that makes them names it
# (files.staging_dir and install: .<name>.tmp-*; remove_tree and _swap_in: .<name>.trash-*;
# export.convert: .export-*; finetune.publish: .float32-*; files.atomic_open of store.json), and
# how long each may go untouched before it is taken for the leftover of a killed process.
_STAGING_PATTERNS = (
    (".*.tmp-*", _STALE_TMP_S),
    (".*.trash-*", _STALE_TMP_S),
    (f".{SETTINGS_FILE}.*.part", _STALE_TMP_S),
    (".export-*", _STALE_EXPORT_S),
    (".float32-*", _STALE_EXPORT_S),
)
# Letters of other scripts that pass for Latin ones (Cyrillic, Greek, Armenian and Latin variants,
# from Unicode's confusables.txt), upper case mapped to upper case, lower to lower. NFKC already
# folds fullwidth, mathematical, ligature and other compatibility forms; casefold does the case.
_LOOKALIKE_FROM = "АВЕКМНОРСТУХЅІЈԚԜӀаеорсухѕіјԁԛԝӏһүΑΒΕΖΗΙΚΜΝΟΡΤΥΧαονριχυκօսհɑɡı"
_LOOKALIKE_TO = "ABEKMHOPCTYXSIJQWIaeopcyxsijdqwlhyABEZHIKMNOPTYXaovpixukouhagi"
_LOOKALIKES = str.maketrans(_LOOKALIKE_FROM, _LOOKALIKE_TO)
EMBEDDED_NAME = default_model.DEFAULT_MODEL_NAME  # always installed; never replaced or removed
_LABEL_RE = re.compile(r"[^A-Za-z0-9_-]+")  # characters kept in a staging folder's name


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

    @property
    def untrained_default(self) -> bool:
        """Whether this is the embedded whisper-base, which was never trained on Upper Sorbian
        (it writes Czech spelling)."""
        info = self.info
        return (
            self.name == EMBEDDED_NAME
            and info is not None
            and info.recipe is None
            and info.base == "openai/whisper-base"
        )


class ModelStore:
    """Installed models under ``root`` (default: ``<user data dir>/models``)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else paths.models_dir()

    @property
    def default_name(self) -> str:
        """The model used when none is named: the one set with :meth:`set_default`, or the
        embedded one when none is set or the one set is no longer installed."""
        name = self._settings().get("default")
        if not isinstance(name, str) or name == EMBEDDED_NAME:
            return EMBEDDED_NAME
        if not (_is_plain_name(name) and (self.root / name / METADATA_FILE).is_file()):
            log.warning("the default model %r is not installed; using %s", name, EMBEDDED_NAME)
            return EMBEDDED_NAME
        return name

    def resolve(self, name_or_path: str | Path | None = None) -> LocalModel:
        """The model called ``name_or_path`` in the store, or the CTranslate2 folder at that path;
        the default model when ``None``."""
        if name_or_path is None:
            name = self.default_name
            return self.ensure_default() if name == EMBEDDED_NAME else open_folder(self.root / name)
        if str(name_or_path) == EMBEDDED_NAME:
            return self.ensure_default()
        text = str(name_or_path)
        if "/" in text or "\\" in text or text.startswith("~") or text in (".", ".."):
            return open_folder(Path(text).expanduser())
        # A bare name is the store's model, never a folder of that name in the working folder.
        folder = self.root / text
        if not (_is_plain_name(text) and (folder / METADATA_FILE).is_file()):
            here = f"; for the folder {text} here, write ./{text}" if Path(text).is_dir() else ""
            raise ModelError(
                f"model {text!r} not found; installed models: {_shown(self.names())}; "
                f"or give the path to a CTranslate2 Whisper folder (with a /){here}"
            )
        return open_folder(folder)

    def names(self) -> list[str]:
        """Names of the installed models (the default one always among them)."""
        self._remove_stale_staging()
        self.ensure_default()
        if not self.root.is_dir():  # an installer's bundled default model needs no store
            return [EMBEDDED_NAME]
        with _os_errors("listing the models", self.root):
            return sorted(
                {EMBEDDED_NAME}
                | {
                    p.name
                    for p in self.root.iterdir()
                    if p.is_dir() and not p.name.startswith(".") and _has_metadata(p)
                }
            )

    def folder(self, name: str) -> Path:
        """Where the installed model ``name`` is (the embedded one may lie outside the store)."""
        if name == EMBEDDED_NAME:
            return default_model.bundled_folder() or self.root / EMBEDDED_NAME
        return self.root / name

    def models(self) -> list[LocalModel | ModelError]:
        """Every installed model, or the error that makes it unusable: one damaged or unreadable
        model never hides the others."""
        result: list[LocalModel | ModelError] = []
        for name in self.names():
            try:
                result.append(open_folder(self.folder(name)))
            except ModelError as e:
                result.append(e)
            except OSError as e:  # e.g. a folder without read permission
                result.append(ModelError(f"{self.folder(name)}: cannot be read ({_problem(e)})"))
        return result

    def name_problem(self, name: str) -> str | None:
        """Why a new model may not be called ``name`` (the one check of every way into the store:
        import, export, pack install), as a clause that follows the name; ``None`` when it may.
        See :func:`name_problem` for the names no model may have; a name that could be taken for
        an installed model's (:meth:`lookalike`) is refused too."""
        problem = name_problem(name)
        if problem is not None:
            return problem
        other = self.lookalike(name)
        if other is not None:
            return (
                f"differs from the installed model {other!r} only by case or look-alike "
                "letters, and could be taken for it"
            )
        return None

    def lookalike(self, name: str) -> str | None:
        """An installed model (or the embedded one) whose name is not ``name`` but could be
        taken for it: the same once case, compatibility forms and look-alike letters are folded
        (see :func:`name_key`). Installing under such a name is refused."""
        key = name_key(name)
        installed = {EMBEDDED_NAME}
        with contextlib.suppress(OSError):
            installed.update(p.name for p in self.root.iterdir() if not p.name.startswith("."))
        return next((n for n in sorted(installed) if n != name and name_key(n) == key), None)

    def verify(self, name: str) -> list[str]:
        """Full check of a stored model (every file's SHA-256): the problems found, if any."""
        folder = self.folder(name)
        info = ModelInfo.load(folder)
        return check_files(folder, info, full=True)

    def install(self, source: Path, *, replace: bool = False) -> LocalModel:
        """Install a pack (``.zip``) or model folder under the model's own name.

        Everything in ``source`` is checked (see :func:`~hsb_whisper.export.pack.open_pack`)
        in a staging folder inside the store, which becomes ``<store>/<name>`` by a rename only
        when complete. A name already installed is refused unless ``replace``; the embedded
        model is never replaced. On any error the store is left exactly as it was.
        """
        source = Path(source)
        with _os_errors(f"installing {source}", self.root):
            return self._install(source, replace)

    def _install(self, source: Path, replace: bool) -> LocalModel:
        self._remove_stale_staging()
        created_root = not self.root.exists()
        self.root.mkdir(parents=True, exist_ok=True)
        label = _LABEL_RE.sub("_", source.stem).strip("_") or "pack"
        tmp = Path(tempfile.mkdtemp(prefix=f".{label}.tmp-", dir=self.root))
        try:
            info = open_pack(source, tmp)
            final = self._installable(info.name, source, replace)
            os.chmod(
                tmp, 0o777 & ~current_umask()
            )  # mkdtemp makes it private; give it normal rights
            if replace and final.exists():
                _swap_in(tmp, final)
            else:
                try:
                    os.rename(tmp, final)
                except OSError as e:  # another process installed the same name meanwhile
                    raise ModelError(f"{source}: cannot install as {final} ({e})") from e
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            with contextlib.suppress(OSError):
                if created_root and not any(self.root.iterdir()):
                    self.root.rmdir()
            raise
        log.info("installed %s from %s", final, source)
        return open_folder(final)

    def remove(self, name: str) -> None:
        """Delete the installed model ``name`` (never the embedded one); if it was the default,
        the embedded model becomes the default again."""
        with _os_errors(f"removing the model {name!r}", self.root):
            self._remove(name)

    def _remove(self, name: str) -> None:
        if name == EMBEDDED_NAME:
            raise ModelError(f"{name} is the embedded default model and cannot be removed")
        self._remove_stale_staging()
        folder = self.root / name
        if not (_is_plain_name(name) and (folder / METADATA_FILE).is_file()):
            raise ModelError(
                f"model {name!r} is not installed; installed models: {_shown(self.names())}"
            )
        if self._settings().get("default") == name:
            self._write_settings(default=None)
        remove_tree(folder)
        log.info("removed %s", folder)

    def set_default(self, name: str) -> LocalModel:
        """Make the installed model ``name`` the one used when none is named."""
        with _os_errors("setting the default model", self.root):
            return self._set_default(name)

    def _set_default(self, name: str) -> LocalModel:
        self._remove_stale_staging()
        if name == EMBEDDED_NAME:
            model = self.ensure_default()
        elif _is_plain_name(name) and (self.root / name / METADATA_FILE).is_file():
            model = open_folder(self.root / name)  # refuses a damaged model
        else:
            raise ModelError(
                f"model {name!r} is not installed; installed models: {_shown(self.names())}"
            )
        self._write_settings(default=None if name == EMBEDDED_NAME else name)
        return model

    def ensure_default(self) -> LocalModel:
        """The embedded default model, assembled if absent and rebuilt if damaged; an
        installer's read-only copy where there is one (never rebuilt: there are no parts to
        rebuild it from)."""
        bundled = default_model.bundled_folder()
        if bundled is not None:
            try:
                return open_folder(bundled)
            except (ModelError, OSError) as e:
                raise ModelError(
                    f"the default model that came with this installation is damaged ({e}); "
                    "reinstall hsb-whisper"
                ) from e
        folder = self.root / EMBEDDED_NAME
        with _os_errors("preparing the default model", folder):
            try:
                return open_folder(folder)
            except ModelError as e:
                if folder.exists():
                    log.warning("rebuilding the default model: %s", e)
                    with contextlib.suppress(FileNotFoundError):  # another process was quicker
                        remove_tree(folder)
            self._remove_stale_staging()
            try:
                default_model.assemble(folder)
            except OSError:
                # Another process renamed its folder into place first: FileExistsError from
                # staging_dir's check, or ENOTEMPTY/EEXIST from the rename after it. Its folder
                # appeared by a rename, so it is complete: it is used.
                if not folder.is_dir():
                    raise
                log.info("another process assembled %s first", folder)
            return open_folder(folder)

    def _remove_stale_staging(self) -> None:
        """Delete what killed processes left in the store (see ``_STAGING_PATTERNS``). Never
        fails: a store that cannot be cleaned now is cleaned by a later call."""
        try:
            found = [
                (p, age) for pattern, age in _STAGING_PATTERNS for p in self.root.glob(pattern)
            ]
        except OSError:
            return
        for path, max_age in found:
            try:
                if time.time() - _last_touched(path) > max_age:
                    log.info("removing %s, left behind by an interrupted process", path)
                    remove_tree(path)
            except OSError as e:  # removed meanwhile by another process, or a read-only store
                log.debug("cannot remove %s (%s)", path, e)

    def _installable(self, name: str, source: Path, replace: bool) -> Path:
        """Where the model ``name`` from ``source`` goes, if it may go there."""
        problem = self.name_problem(name)
        if problem is not None:
            raise ModelError(
                f"{source}: the model is called {name!r}, which {problem}; give the model another "
                "name in its metadata"
            )
        final = self.root / name
        if final.exists() and not replace:
            raise ModelError(
                f"{source}: a model named {name!r} is already installed ({final}); "
                "install with --replace to replace it"
            )
        return final

    def _settings(self) -> dict:
        path = self.root / SETTINGS_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            log.warning("ignoring unreadable %s (%s)", path, e)
            return {}
        return data if isinstance(data, dict) else {}

    def _write_settings(self, **changes: object) -> None:
        """Update keys of ``store.json`` (``None`` removes one), keeping the others."""
        data = self._settings()
        for key, value in changes.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        self.root.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.root / SETTINGS_FILE, json.dumps(data, indent=2) + "\n")


def name_key(name: str) -> str:
    """``name`` reduced so that names a reader could take for each other are equal: NFKC,
    look-alike letters of other scripts replaced by the Latin ones, case folded."""
    folded = unicodedata.normalize("NFKC", name).translate(_LOOKALIKES).casefold()
    return unicodedata.normalize("NFKC", folded)


def _shown(names: list[str]) -> str:
    """Folder names for a message: any with control or invisible characters as escapes."""
    return ", ".join(shown(n, limit=None) for n in names)


def _has_metadata(folder: Path) -> bool:
    """Whether ``folder`` holds our metadata; an unreadable one counts (and is then reported by
    :meth:`ModelStore.models` instead of silently left out)."""
    try:
        return (folder / METADATA_FILE).is_file()
    except OSError:
        return True


def _last_touched(path: Path) -> float:
    """The newest modification time of ``path`` and everything in it: a running process writes
    into the files of its staging folder, which does not change the folder's own time."""
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        for parent, folders, files in os.walk(path):
            for name in (*folders, *files):
                with contextlib.suppress(OSError):
                    newest = max(newest, os.lstat(os.path.join(parent, name)).st_mtime)
    return newest


def _problem(e: OSError) -> str:
    return e.strerror or str(e) or type(e).__name__


@contextlib.contextmanager
def _os_errors(doing: str, path: Path) -> Iterator[None]:
    """An ``OSError`` of a store operation (a read-only store folder, a full disk) as one
    ``ModelError`` line naming the path and the problem."""
    try:
        yield
    except OSError as e:
        where = e.filename if e.filename is not None else path
        raise ModelError(f"{where}: {_problem(e)} (while {doing})") from e


def name_problem(name: str) -> str | None:
    """Why no model may be called ``name``, as a clause that follows the name (``'x', which
    …``); ``None`` when one may. Not a model name of the metadata (a path, a hidden or Windows
    device name, …), the embedded model's name (never replaced), or the store's settings file."""
    problem = metadata_problem({"name": name})
    if problem is not None:
        return f"is refused: {problem}"
    if name == EMBEDDED_NAME:
        return "is the name of the embedded default model, which cannot be replaced"
    if name == SETTINGS_FILE:
        return "is the name of the store's settings file"
    return None


def _is_plain_name(name: str) -> bool:
    """A name that can only mean a folder directly in the store (no path, no hidden folder, not
    the settings file)."""
    return (
        bool(name)
        and not name.startswith(".")
        and "/" not in name
        and "\\" not in name
        and name != SETTINGS_FILE
    )


def _swap_in(new: Path, final: Path) -> None:
    """Replace the folder ``final`` by ``new``: the old one is renamed aside first and put back
    if the second rename fails, then deleted."""
    trash = Path(tempfile.mkdtemp(prefix=f".{final.name}.trash-", dir=final.parent))
    os.rename(final, trash / final.name)
    try:
        os.rename(new, final)
    except BaseException:
        os.rename(trash / final.name, final)
        trash.rmdir()
        raise
    shutil.rmtree(trash, ignore_errors=True)


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
