"""Keep the translations in step with the UI: ``hsb_whisper/assets/translations/*.ts`` → ``*.qm``.

    python scripts/translations.py                      # after changing a UI text or a .ts
    python scripts/translations.py --list-unreviewed    # the Upper Sorbian texts awaiting review
    python scripts/translations.py --add-language pl_PL # a new, empty catalogue

The ``.ts`` catalogues are the source of truth: edit them in Qt Linguist (``pyside6-linguist``),
on a translation platform or in a text editor; no translation lives in Python. The script runs
pyside6-lupdate over every ``.py`` under ``hsb_whisper/desktop/ui`` (the wizard's subpackage too)
into a fresh template (lupdate will not update the Upper Sorbian catalogue itself: "the target
language is not recognized") and merges it into each catalogue ``hsb_whisper_<language>.ts``:
a message the UI still asks for, by (context, source text, disambiguation), keeps its
translation, its state and its translator comment and gets the code's current location; a new
message comes in empty and unfinished; a message the UI no longer asks for stays, without
locations, as Qt's lupdate keeps it: ``type="vanished"`` when it was finished, ``"obsolete"``
when it was not (dropped when it had no translation), and it comes back with its translation
when the code asks for it again. Each catalogue is written back in the layout Qt's own tools
write (so saving in Qt Linguist changes only what was edited) under a temporary name that then
replaces the file, and compiled with pyside6-lrelease (also via a temporary name). It exits with
1 naming each message that has no translation.

States, as Qt Linguist shows them: a finished translation (no ``type``) is settled; an
unfinished one (``type="unfinished"``) awaits review by a native speaker. lrelease compiles
unfinished translations too (its default, which this script keeps), so the app shows them. All
German texts are finished. The Upper Sorbian texts that are whole strings of Debian's
firefox-esr-l10n-hsb (Mozilla's Upper Sorbian localisation) with the same meaning are finished
(Přetorhnyć, Hišće raz spytać, Nastajenja, Mikrofon, Rjadowak, Dataja, Nitki, Přestawka,
Pokročować, < Wróćo, Dale >, Dokónčić, …); the rest, including phrases that combine Firefox's
words with new ones (Přepis składować, Přepis wočinić, Modelowy rjadowak instalować…), were
written for this program and are unfinished until a native speaker has reviewed them.
``--list-unreviewed`` prints them as the table in docs/translating.md, which a test keeps
equal to it.
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "hsb_whisper" / "assets" / "translations"
UI = ROOT / "hsb_whisper" / "desktop" / "ui"
PREFIX = "hsb_whisper_"  # the catalogues are FOLDER/hsb_whisper_<language>.ts
REVIEWED_LANGUAGE = "hsb"  # the catalogue --list-unreviewed lists by default
GONE = ("vanished", "obsolete")  # Qt's types for a message the code no longer asks for

Key = tuple[str, str, str]  # (context, source text, disambiguation)


def _tool(name: str) -> str:
    """``pyside6-<name>`` beside this Python (the virtual environment's), else on PATH."""
    beside = Path(sys.executable).with_name(f"pyside6-{name}")
    found = str(beside) if beside.exists() else shutil.which(f"pyside6-{name}")
    if found is None:
        raise FileNotFoundError(f"pyside6-{name} (installed with PySide6) is not found")
    return found


def catalogues(folder: Path = FOLDER) -> dict[str, Path]:
    """The catalogues by language code (``hsb``, ``de``), from the file names."""
    found = sorted(folder.glob(f"{PREFIX}*.ts"))
    return {path.stem.removeprefix(PREFIX): path for path in found}


def extract(folder: Path = FOLDER) -> ET.Element:
    """The UI's messages as pyside6-lupdate finds them, every translation empty and unfinished.
    The template is written in ``folder`` (next to the catalogues, so that its ``<location>``
    paths are right for them) and removed again."""
    template = folder / f"template-{os.getpid()}.ts"
    try:
        sources = sorted(str(p) for p in UI.rglob("*.py"))
        subprocess.run([_tool("lupdate"), "-silent", *sources, "-ts", str(template)], check=True)
        return ET.parse(template).getroot()
    finally:
        template.unlink(missing_ok=True)


def key(context: ET.Element, message: ET.Element) -> Key:
    return (
        context.findtext("name") or "",
        message.findtext("source") or "",
        message.findtext("comment") or "",
    )


def messages(ts: ET.Element) -> Iterator[tuple[Key, ET.Element]]:
    """Every message of a catalogue (vanished ones too) with its key, in the file's order."""
    for context in ts.iter("context"):
        for message in context.iter("message"):
            yield key(context, message), message


def state(message: ET.Element) -> str:
    """``finished``, ``unfinished``, ``vanished`` or ``obsolete``."""
    translation = message.find("translation")
    kind = translation.get("type") if translation is not None else "unfinished"
    return kind or "finished"


def text(message: ET.Element) -> str:
    """The translation (the first form of a plural one)."""
    translation = message.find("translation")
    if translation is None:
        return ""
    forms = translation.findall("numerusform")
    return (forms[0].text if forms else translation.text) or ""


# the order Qt's tools write a message's children in (ts.cpp); anything else follows them
ORDER = (
    "location",
    "source",
    "oldsource",
    "comment",
    "oldcomment",
    "extracomment",
    "translatorcomment",
    "translation",
)
FROM_CODE = ("location", "source", "comment", "extracomment")  # what the template decides


def _by_context(ts: ET.Element | None) -> dict[str, list[tuple[Key, ET.Element]]]:
    found: dict[str, list[tuple[Key, ET.Element]]] = {}
    for k, message in messages(ts) if ts is not None else ():
        found.setdefault(k[0], []).append((k, message))
    return found


def _kept(previous: ET.Element, message: ET.Element) -> ET.Element:
    """The template's ``message`` with the translation (state, translator comment, …) of the
    catalogue's ``previous`` one; vanished comes back finished, obsolete unfinished."""
    merged = copy.deepcopy(message)
    for child in list(merged):
        if child.tag not in FROM_CODE:
            merged.remove(child)
    for child in previous:
        if child.tag not in FROM_CODE:
            merged.append(copy.deepcopy(child))
    for attribute, value in previous.attrib.items():
        merged.set(attribute, value)
    translation = merged.find("translation")
    if translation is None:
        translation = ET.SubElement(merged, "translation", {"type": "unfinished"})
    if translation.get("type") == "vanished":
        del translation.attrib["type"]
    elif translation.get("type") == "obsolete":
        translation.set("type", "unfinished")
    merged[:] = sorted(merged, key=lambda c: ORDER.index(c.tag) if c.tag in ORDER else len(ORDER))
    return merged


def _gone(message: ET.Element) -> ET.Element:
    """A message the code no longer asks for: no locations, vanished if it was finished,
    obsolete if it was not."""
    kept = copy.deepcopy(message)
    for location in kept.findall("location"):
        kept.remove(location)
    translation = kept.find("translation")
    if translation.get("type") not in GONE:
        translation.set("type", "obsolete" if translation.get("type") else "vanished")
    return kept


def merge(template: ET.Element, catalogue: ET.Element | None) -> tuple[ET.Element, list[Key]]:
    """The catalogue brought in step with the template (both ``<TS>`` elements; ``catalogue``
    None for a new one), and the keys of the messages that went out of use in this merge.

    The result has the template's messages in its order: one the catalogue has keeps its
    translation, state and translator comment (a vanished or obsolete one comes back finished
    or unfinished) with the template's locations and code comments; a new one is empty and
    unfinished. A message only the catalogue has stays, as lupdate keeps it, without locations
    and marked ``vanished`` (it was finished) or ``obsolete`` (it was not), after the message
    that preceded it in the catalogue (so next to its successor when a text was reworded); an
    untranslated one is dropped. Neither argument is changed."""
    new, old = _by_context(template), _by_context(catalogue)
    previous = {k: m for entries in reversed(old.values()) for k, m in reversed(entries)}
    result = ET.Element("TS", {"version": template.get("version", "2.1")})
    for attribute in ("language", "sourcelanguage"):
        value = (catalogue if catalogue is not None else template).get(attribute)
        if value:
            result.set(attribute, value)
    order = list(new)
    for name in old.keys() - new.keys():  # a context the code no longer has: sorted in, as lupdate
        order.insert(next((i for i, n in enumerate(order) if n > name), len(order)), name)
    asked = {k for entries in new.values() for k, _ in entries}
    gone: list[Key] = []
    for name in order:
        after: dict[Key | None, list[ET.Element]] = {}  # gone messages by their predecessor
        anchor: Key | None = None
        for k, message in old.get(name, []):
            if k in asked:
                anchor = k
            elif previous[k] is message and text(message):
                after.setdefault(anchor, []).append(_gone(message))
                if state(message) not in GONE:
                    gone.append(k)
        context = ET.Element("context")
        ET.SubElement(context, "name").text = name
        context.extend(after.pop(None, []))
        for k, message in new.get(name, []):
            context.append(_kept(previous[k], message) if k in previous else copy.deepcopy(message))
            context.extend(after.pop(k, []))
        if context.find("message") is not None:
            result.append(context)
    return result, gone


def untranslated(ts: ET.Element) -> list[Key]:
    """The messages in use that have no translation (the app would show them in English)."""
    return [k for k, m in messages(ts) if state(m) not in GONE and not text(m)]


def unreviewed(ts: ET.Element) -> list[tuple[Key, str]]:
    """The unfinished translations in use, with their text."""
    return [(k, text(m)) for k, m in messages(ts) if state(m) == "unfinished" and text(m)]


def _cell(value: str) -> str:
    """A text as a Markdown table cell, shown as written (accelerator ``&`` included)."""
    for special in "\\`*_[]<>|":
        value = value.replace(special, "\\" + special)
    return value.replace("\n", "<br>")


def unreviewed_table(ts: ET.Element, language: str = "Upper Sorbian") -> str:
    """The unfinished translations as a Markdown table, one row per English text and
    translation (with the classes, the contexts, that show it), in the catalogue's order."""
    rows: dict[tuple[str, str], list[str]] = {}
    for (context, source, comment), translation in unreviewed(ts):
        where = context + (f" ({comment})" if comment else "")
        rows.setdefault((source, translation), []).append(where)
    lines = [f"| English | {language}, awaiting review | Where (class) |", "|---|---|---|"]
    for (source, translation), where in rows.items():
        lines.append(f"| {_cell(source)} | {_cell(translation)} | {', '.join(where)} |")
    return "\n".join(lines) + "\n"


ENTITIES = {'"': "&quot;", "&": "&amp;", ">": "&gt;", "<": "&lt;", "'": "&apos;"}


def _protect(value: str) -> str:
    """Text as Qt's ts.cpp escapes it (``protect``), so files match what Qt's tools write."""
    out = []
    for ch in value:
        if ch in ENTITIES:
            out.append(ENTITIES[ch])
        elif ord(ch) < 0x20 and ch not in "\n\t":
            raise ValueError(f"a control character in a UI text: {value!r}")
        elif ord(ch) > 0x7F and ch.isspace():  # a no-break space, a thin space: made visible
            out.append(f"&#x{ord(ch):x};")
        else:
            out.append(ch)
    return "".join(out)


def _element(element: ET.Element, indent: str, lines: list[str]) -> None:
    attributes = "".join(f' {n}="{_protect(v)}"' for n, v in element.attrib.items())
    if element.tag == "location":
        lines.append(f"{indent}<location{attributes}/>")
    elif len(element):
        lines.append(f"{indent}<{element.tag}{attributes}>")
        for child in element:
            _element(child, indent + "    ", lines)
        lines.append(f"{indent}</{element.tag}>")
    else:
        body = _protect(element.text or "")
        lines.append(f"{indent}<{element.tag}{attributes}>{body}</{element.tag}>")


def serialize(ts: ET.Element) -> bytes:
    """A catalogue in the layout of Qt's lupdate and Linguist: a ``<context>`` at the margin,
    four spaces a level below it, ``'`` and ``"`` as entities, UTF-8."""
    attributes = "".join(
        f' {n}="{_protect(ts.get(n))}"'
        for n in ("version", "language", "sourcelanguage")
        if ts.get(n)
    )
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>", f"<TS{attributes}>"]
    for child in ts:
        _element(child, "", lines)
    lines.append("</TS>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _replace(path: Path, write) -> None:
    """Write ``path`` through ``write(temporary path)`` and rename it into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_catalogue(ts: ET.Element, path: Path) -> None:
    _replace(path, lambda temporary: temporary.write_bytes(serialize(ts)))


def compile_catalogue(ts_path: Path, qm_path: Path) -> None:
    """pyside6-lrelease with its defaults: unfinished translations are compiled too."""
    _replace(
        qm_path,
        lambda temporary: subprocess.run(
            [_tool("lrelease"), "-silent", str(ts_path), "-qm", str(temporary)], check=True
        ),
    )


def add_language(locale: str, folder: Path = FOLDER) -> Path:
    """An empty catalogue for ``locale`` (``pl_PL``: ``hsb_whisper_pl.ts``); the next run fills
    it with the UI's messages."""
    path = folder / f"{PREFIX}{locale.split('_')[0]}.ts"
    if path.exists():
        raise FileExistsError(path)
    write_catalogue(ET.Element("TS", {"version": "2.1", "language": locale}), path)
    return path


def update(folder: Path = FOLDER) -> int:
    """Merge the UI's messages into every catalogue, write and compile them; 1 when a message
    has no translation."""
    template = extract(folder)
    failed = False
    for path in catalogues(folder).values():
        catalogue, gone = merge(template, ET.parse(path).getroot())
        for context, source, _ in gone:
            print(
                f"{path.name}: {source!r} ({context}) is no longer used by the UI "
                "(kept as vanished/obsolete)",
                file=sys.stderr,
            )
        for context, source, _ in untranslated(catalogue):
            print(f"{path.name}: no translation for {source!r} ({context})", file=sys.stderr)
            failed = True
        write_catalogue(catalogue, path)
        compile_catalogue(path, path.with_suffix(".qm"))
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--list-unreviewed",
        nargs="?",
        const=REVIEWED_LANGUAGE,
        metavar="LANGUAGE",
        help="print the unfinished translations of a catalogue (default: hsb) as a Markdown "
        "table and change nothing",
    )
    action.add_argument(
        "--add-language",
        metavar="LOCALE",
        help="create an empty catalogue for LOCALE (pl_PL) and fill it with the UI's messages",
    )
    args = parser.parse_args(argv)
    if args.list_unreviewed:
        language = args.list_unreviewed
        path = FOLDER / f"{PREFIX}{language}.ts"
        if not path.is_file():
            parser.error(f"no catalogue {path.relative_to(ROOT)}")
        name = "Upper Sorbian" if language == REVIEWED_LANGUAGE else language
        sys.stdout.write(unreviewed_table(ET.parse(path).getroot(), name))
        return 0
    if args.add_language:
        print(f"created {add_language(args.add_language).relative_to(ROOT)}", file=sys.stderr)
    return update()


if __name__ == "__main__":
    sys.exit(main())
