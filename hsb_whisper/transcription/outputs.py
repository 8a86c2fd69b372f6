"""Names for transcript files: a transcript never overwrites a recording or another transcript.

:func:`plan_outputs` gives each input its output paths, one per format, in an output folder or
next to the input, named after the input (``interview.mp3`` → ``interview.txt``). When that name
is taken, there are two policies:

- numbered (the app): the later input gets ``interview (2).txt``, then ``interview (3).txt``, …
  in the inputs' order, so the same queue always gets the same names;
- strict (the command line, where scripts expect ``interview.txt``): the input is refused with a
  :class:`Clash` that names the other file.

A name is taken when it is one of the inputs (also spelt differently: symbolic or hard links,
``..``), when another input's output has it (also when the two differ only in letter case, which
Windows and macOS file systems do not tell apart, so a folder copied there keeps both), and, when
numbered, when a folder of that name exists. A file that is merely there, such as the transcript
of an earlier run, is written over: transcribing a recording again replaces its transcript.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from hsb_whisper.transcription import formats


@dataclasses.dataclass(frozen=True)
class Clash:
    """Why an input's outputs must not be written (strict planning)."""

    output: Path  # the input's output whose name is taken
    other: Path  # the input that ``output`` is (maybe the input itself), or that already has it
    overwrites_input: bool  # True: ``output`` is the file ``other``; False: its output


@dataclasses.dataclass
class OutputPlan:
    # input → its outputs, one per format in the order asked (strict: also for refused inputs,
    # the names they would have had)
    outputs: dict[Path, list[Path]]
    clashes: dict[Path, Clash]  # input → why its outputs must not be written (strict only)


def plan_outputs(
    inputs: Sequence[Path],
    fmts: Sequence[str],
    folder: Path | None = None,
    *,
    earlier: Mapping[Path, Sequence[Path]] | None = None,
    numbered: bool = True,
) -> OutputPlan:
    """Output paths for ``inputs`` in formats ``fmts`` (names of :data:`formats.FORMATS`), in
    ``folder`` (None: next to each input). ``earlier`` holds the plans made before in the same
    session (input → outputs): their outputs stay taken and their inputs protected, and an
    input planned before keeps its outputs when they are still in the folder and formats asked.
    ``numbered`` chooses the policy (see the module's description)."""
    earlier = dict(earlier or {})
    inputs_by_key: dict[object, Path] = {}  # every spelling of an input → the input, first wins
    for path in [*earlier, *inputs][::-1]:
        inputs_by_key.update(dict.fromkeys(_identities(path), path))
    planned = {k: path for path in earlier for k in _identities(path)}  # inputs planned before
    owners: dict[object, Path] = {}  # every spelling of a planned output → its input
    for path, outputs in earlier.items():
        _claim(owners, outputs, path)
    plan = OutputPlan({}, {})
    for path in inputs:
        mine = set(_identities(path))
        target = path.parent if folder is None else folder
        before = next((earlier[planned[k]] for k in mine if k in planned), None)
        if before is not None and _named_alike(before, target, fmts):
            plan.outputs[path] = list(before)
            continue
        for number in itertools.count(1):
            name = path.stem if number == 1 else f"{path.stem} ({number})"
            outputs = [target / (name + formats.suffix(fmt)) for fmt in fmts]
            clash = _clash(outputs, mine, inputs_by_key, owners, numbered)
            if clash is None or not numbered:
                break
        plan.outputs[path] = outputs
        if clash is not None:
            plan.clashes[path] = clash
        else:
            _claim(owners, outputs, path)
    return plan


def _clash(
    outputs: list[Path],
    mine: set[object],
    inputs_by_key: Mapping[object, Path],
    owners: Mapping[object, Path],
    numbered: bool,
) -> Clash | None:
    """The first problem with writing ``outputs`` for the input whose identities are ``mine``:
    an output that is an input, then one that another input's output has (checked in that
    order over all outputs), then, when ``numbered``, one that is a folder."""
    for out in outputs:
        victim = next((inputs_by_key[k] for k in _identities(out) if k in inputs_by_key), None)
        if victim is not None:
            return Clash(out, victim, overwrites_input=True)
    for out in outputs:
        owner = next((owners[k] for k in _output_keys(out) if k in owners), None)
        if owner is not None and not mine & set(_identities(owner)):  # not the input again
            return Clash(out, owner, overwrites_input=False)
    if numbered:
        for out in outputs:
            if out.is_dir():
                return Clash(out, out, overwrites_input=False)
    return None


def _claim(owners: dict[object, Path], outputs: Iterable[Path], path: Path) -> None:
    for out in outputs:
        for key in _output_keys(out):
            owners.setdefault(key, path)


def _named_alike(outputs: Sequence[Path], folder: Path, fmts: Sequence[str]) -> bool:
    """Whether ``outputs`` are one name in ``folder`` with the suffixes of ``fmts``, in order."""
    if len(outputs) != len(fmts) or not outputs:
        return False
    first = outputs[0].name.removesuffix(formats.suffix(fmts[0]))
    return list(outputs) == [folder / (first + formats.suffix(fmt)) for fmt in fmts]


def _output_keys(path: Path) -> list[object]:
    """:func:`_identities`, and the resolved path in lower case: two outputs that differ only in
    letter case are one file on Windows and macOS."""
    keys = _identities(path)
    return [*keys, ("casefold", str(keys[0]).casefold())]


def _identities(path: Path) -> list[object]:
    """What makes ``path`` one file: its resolved path (symbolic links, ``..``) and, when it
    exists, its device and inode (hard links, case-insensitive file systems), as
    :func:`os.path.samefile` compares them."""
    try:
        keys: list[object] = [path.resolve()]
    except (OSError, RuntimeError):  # a link loop
        keys = [path.absolute()]
    try:
        st = path.stat()
    except OSError:  # not there (yet)
        return keys
    return [*keys, (st.st_dev, st.st_ino)]
