"""The translation catalogues (``hsb_whisper/assets/translations/*.ts``, the source of truth):
every text the UI asks for is translated, the compiled ``.qm`` files are those of the ``.ts``,
``scripts/translations.py`` merges the UI's messages in without losing a translation or its
review state, and docs/translating.md lists the Upper Sorbian texts that await review as the
catalogue has them. Fix for most failures: ``python scripts/translations.py``."""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from PySide6.QtCore import QTranslator

from hsb_whisper.desktop.ui.app import TRANSLATIONS
from hsb_whisper.desktop.ui.settings import UI_LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "translating.md"
_spec = importlib.util.spec_from_file_location("translations", ROOT / "scripts/translations.py")
translations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(translations)

LANGUAGES = ["hsb", "de"]


def catalogue(language: str) -> ET.Element:
    return ET.parse(TRANSLATIONS / f"hsb_whisper_{language}.ts").getroot()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> ET.Element:
    """The UI's messages, as pyside6-lupdate extracts them for the script."""
    return translations.extract(tmp_path_factory.mktemp("template"))


def test_a_catalogue_for_every_interface_language_but_english():
    assert translations.FOLDER == TRANSLATIONS
    assert sorted(translations.catalogues()) == sorted(set(UI_LANGUAGES) - {"en"})
    assert sorted(LANGUAGES) == sorted(translations.catalogues())


def ui_messages() -> tuple[set[tuple[str, str, str]], list[str]]:
    """Every translatable text in the UI's code as (context, source, disambiguation), the way
    pyside6-lupdate keys it: ``self.tr("…")`` / ``tr("…")`` inside a class (context: the class's
    name) and ``QCoreApplication.translate("Context", "…")``; and, apart, the calls whose texts
    are no string literals (lupdate cannot read them, so they would never be translated)."""
    import ast
    from pathlib import Path

    import hsb_whisper.desktop.ui as ui

    def literal(node: ast.expr | None) -> str | None:
        if node is None:
            return ""
        return (
            node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
        )

    def visit(node: ast.AST, context: str | None, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                visit(child, child.name, where)
                continue
            if isinstance(child, ast.Call):
                func = child.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                owner = getattr(getattr(func, "value", None), "id", None)
                args = list(child.args) + [None] * 3
                comment = next((k.value for k in child.keywords if k.arg == "disambiguation"), None)
                key = None
                if name == "tr":
                    key = (context, literal(args[0]), literal(comment or args[1]))
                elif name == "translate" and owner in ("QCoreApplication", "QApplication"):
                    key = (literal(args[0]), literal(args[1]), literal(comment or args[2]))
                if key is not None and None in key:
                    unreadable.append(f"{where}:{child.lineno}: {ast.unparse(child)}")
                elif key is not None:
                    messages.add(key)
            visit(child, context, where)

    messages: set[tuple[str, str, str]] = set()
    unreadable: list[str] = []
    for path in sorted(Path(ui.__file__).parent.rglob("*.py")):
        visit(ast.parse(path.read_text(encoding="utf-8")), None, path.name)
    return messages, unreadable


def test_every_text_in_the_code_is_one_lupdate_reads(template):
    """The UI's texts as the code reads (its ``tr`` and ``translate`` calls) are the messages
    lupdate extracts for the catalogues: none is lost because it is no string literal or is
    outside a class."""
    wanted, unreadable = ui_messages()
    assert unreadable == [], "texts lupdate cannot read (no string literal, no class)"
    assert wanted == {k for k, _ in translations.messages(template)}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_the_ui_asks_for_is_translated(template, language):
    """Finished or awaiting review, but not empty; and nothing live the code no longer asks
    for (such a message is vanished or obsolete after the script has run)."""
    wanted = {k for k, _ in translations.messages(template)}
    assert len(wanted) > 50  # lupdate found the UI's texts
    ts = catalogue(language)
    live = {
        k
        for k, m in translations.messages(ts)
        if translations.state(m) not in ("vanished", "obsolete")
    }
    assert (sorted(wanted - live), sorted(live - wanted)) == ([], []), "run scripts/translations.py"
    assert translations.untranslated(ts) == [], "fill these in the .ts"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_qm_is_compiled_from_the_ts(tmp_path, language):
    """lrelease's output is the same bytes for the same .ts (checked), so the .qm in the
    repository must be what the .ts compiles to."""
    qm = tmp_path / "compiled.qm"
    translations.compile_catalogue(TRANSLATIONS / f"hsb_whisper_{language}.ts", qm)
    committed = (TRANSLATIONS / f"hsb_whisper_{language}.qm").read_bytes()
    assert qm.read_bytes() == committed, "the .qm is stale: run scripts/translations.py"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_ts_is_in_the_layout_qt_writes(language):
    """As lupdate and Qt Linguist write it (so a save in Linguist shows only what was edited)."""
    path = TRANSLATIONS / f"hsb_whisper_{language}.ts"
    assert translations.serialize(catalogue(language)) == path.read_bytes()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_app_gets_every_translation_from_the_qm(language):
    """What QTranslator finds in the .qm is the .ts's translation of each message in use,
    finished or not: lrelease keeps unfinished translations by default, so the app shows the
    Upper Sorbian texts that await review, not English."""
    compiled = QTranslator()
    assert compiled.load(str(TRANSLATIONS / f"hsb_whisper_{language}.qm"))
    ts = catalogue(language)
    live = [
        (k, translations.text(m))
        for k, m in translations.messages(ts)
        if translations.state(m) in ("finished", "unfinished")
    ]
    assert len(live) > 50
    assert [(k, compiled.translate(k[0], k[1], k[2] or None)) for k, _ in live] == live
    if language == "hsb":
        assert len(translations.unreviewed(ts)) > 100  # among them


def test_german_is_finished_and_upper_sorbian_only_where_firefox_has_the_wording():
    def states(language: str) -> dict[tuple[str, str], str]:
        return {k[:2]: translations.state(m) for k, m in translations.messages(catalogue(language))}

    assert set(states("de").values()) == {"finished"}
    hsb = states("hsb")
    for firefox in [("FilesPage", "Cancel"), ("FilesPage", "Retry"), ("RecordPage", "Microphone")]:
        assert hsb[firefox] == "finished"
    for new in [("TranscriptEditor", "Save transcript"), ("MainWindow", "Transcript")]:
        assert hsb[new] == "unfinished"


def test_the_doc_lists_the_texts_awaiting_review():
    text = DOC.read_text(encoding="utf-8")
    found = re.search(r"<!-- unreviewed: .*? -->\n\n(.*?)<!-- end unreviewed -->", text, re.S)
    assert found, "docs/translating.md lost its markers"
    expected = translations.unreviewed_table(catalogue("hsb"))
    assert found.group(1) == expected, (
        "paste the output of python scripts/translations.py --list-unreviewed into "
        "docs/translating.md"
    )


# --- the merge, on small catalogues ---------------------------------------------------------


def ts(body: str, language: str = "hsb_DE") -> ET.Element:
    return ET.fromstring(f'<TS version="2.1" language="{language}">{body}</TS>')


def message(
    source: str,
    translation: str = "",
    kind: str | None = "unfinished",
    line: int | None = None,
    comment: str = "",
    note: str = "",
) -> str:
    """A ``<message>`` as XML text (finished: ``kind=None``)."""
    parts = [f'<location filename="a.py" line="{line}"/>' if line else ""]
    parts.append(f"<source>{escape(source)}</source>")
    parts.append(f"<comment>{escape(comment)}</comment>" if comment else "")
    parts.append(f"<translatorcomment>{escape(note)}</translatorcomment>" if note else "")
    kind_attribute = f' type="{kind}"' if kind else ""
    parts.append(f"<translation{kind_attribute}>{escape(translation)}</translation>")
    return f"<message>{''.join(parts)}</message>"


def context(name: str, *messages: str) -> str:
    return f"<context><name>{name}</name>{''.join(messages)}</context>"


def rows(ts_element: ET.Element) -> list[tuple[str, str, str, str]]:
    """(context, source, state, translation) of every message, in order."""
    return [
        (k[0], k[1], translations.state(m), translations.text(m))
        for k, m in translations.messages(ts_element)
    ]


def test_merge_keeps_translations_and_states_and_adds_new_messages_unfinished():
    template = ts(
        context(
            "Page",
            message("Cancel", line=3),
            message("Save", line=4),
            message("New text", line=5),
            message("Open", line=6, comment="a file"),
        ),
        language="",
    )
    old = ts(
        context(
            "Page",
            message("Cancel", "Přetorhnyć", None, line=1),
            message("Save", "Składować", note="check the verb", line=2),
            message("Open", "Wočinić", None, comment="a file"),
            message("Open", "Wočinjeny", None),  # same source, other disambiguation: gone
        )
    )
    merged, gone = translations.merge(template, old)
    assert merged.get("language") == "hsb_DE"
    assert rows(merged) == [
        ("Page", "Cancel", "finished", "Přetorhnyć"),
        ("Page", "Save", "unfinished", "Składować"),
        ("Page", "New text", "unfinished", ""),
        ("Page", "Open", "finished", "Wočinić"),
        ("Page", "Open", "vanished", "Wočinjeny"),
    ]
    assert gone == [("Page", "Open", "")]
    assert translations.untranslated(merged) == [("Page", "New text", "")]
    assert translations.unreviewed(merged) == [(("Page", "Save", ""), "Składować")]
    save = next(m for k, m in translations.messages(merged) if k[1] == "Save")
    assert save.findtext("translatorcomment") == "check the verb"  # the reviewer's note stays
    assert [loc.get("line") for loc in save.iter("location")] == ["4"]  # where the code is now
    assert [c.tag for c in save] == ["location", "source", "translatorcomment", "translation"]
    again, gone_again = translations.merge(template, merged)
    assert translations.serialize(again) == translations.serialize(merged)  # nothing drifts
    assert gone_again == []


def test_a_text_no_longer_asked_for_stays_next_to_its_successor_and_comes_back():
    old = ts(
        context(
            "Page",
            message("Progress", "Postup", None, line=1),
            message("Add files…", "Dataje přidać…", None, line=2),
            message("Draft", "Naćisk", line=3),  # unfinished
            message("Never translated", "", line=4),
            message("Add folder…", "Rjadowak přidać…", None, line=5),
        )
        + context("Gone", message("Quit", "Skónčić", None, line=9))
    )
    template = ts(
        context("Alpha", message("Hello", line=1))  # new; "Gone", only in the old, sorts after
        + context(
            "Page",
            message("Progress", line=1),
            message("Add audio files…", line=2),
            message("Add folder…", line=3),
        ),
        language="",
    )
    merged, gone = translations.merge(template, old)
    assert rows(merged) == [
        ("Alpha", "Hello", "unfinished", ""),
        ("Gone", "Quit", "vanished", "Skónčić"),
        ("Page", "Progress", "finished", "Postup"),
        ("Page", "Add files…", "vanished", "Dataje přidać…"),
        ("Page", "Draft", "obsolete", "Naćisk"),
        ("Page", "Add audio files…", "unfinished", ""),
        ("Page", "Add folder…", "finished", "Rjadowak přidać…"),
    ]
    assert sorted(gone) == [("Gone", "Quit", ""), ("Page", "Add files…", ""), ("Page", "Draft", "")]
    vanished = next(m for k, m in translations.messages(merged) if k[1] == "Add files…")
    assert vanished.find("location") is None
    # the texts come back: the finished one finished again, the unfinished one unfinished
    back = ts(context("Page", message("Add files…", line=7), message("Draft", line=8)), language="")
    revived, _ = translations.merge(back, merged)
    assert rows(revived) == [
        ("Gone", "Quit", "vanished", "Skónčić"),  # no "Alpha": nothing translated in it
        ("Page", "Progress", "vanished", "Postup"),
        ("Page", "Add files…", "finished", "Dataje přidać…"),
        ("Page", "Draft", "unfinished", "Naćisk"),
        ("Page", "Add folder…", "vanished", "Rjadowak přidać…"),
    ]
    assert translations.untranslated(revived) == []


def test_a_new_catalogue_gets_every_message_empty(tmp_path):
    path = translations.add_language("pl_PL", tmp_path)
    assert path.name == "hsb_whisper_pl.ts"
    with pytest.raises(FileExistsError):
        translations.add_language("pl_PL", tmp_path)
    template = ts(context("Page", message("Cancel", line=1)), language="")
    merged, _ = translations.merge(template, ET.parse(path).getroot())
    assert merged.get("language") == "pl_PL"
    assert translations.untranslated(merged) == [("Page", "Cancel", "")]


def test_the_layout_is_qts():
    """The layout of Qt's ts.cpp, which lupdate and Qt Linguist write: checked against them
    (lupdate, merging into the German catalogue, leaves it byte for byte as it is)."""
    element = ts(
        context(
            "Page",
            message("the model's own", "modelowy", None, line=3),
            message('Needs “skip silence” & "quotes" <here>', "a\nb", "unfinished", line=4),
        )
    )
    assert translations.serialize(element).decode() == (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<!DOCTYPE TS>\n"
        '<TS version="2.1" language="hsb_DE">\n'
        "<context>\n"
        "    <name>Page</name>\n"
        "    <message>\n"
        '        <location filename="a.py" line="3"/>\n'
        "        <source>the model&apos;s own</source>\n"
        "        <translation>modelowy</translation>\n"
        "    </message>\n"
        "    <message>\n"
        '        <location filename="a.py" line="4"/>\n'
        "        <source>Needs “skip silence” &amp; &quot;quotes&quot; &lt;here&gt;</source>\n"
        '        <translation type="unfinished">a\nb</translation>\n'
        "    </message>\n"
        "</context>\n"
        "</TS>\n"
    )
    assert rows(ET.fromstring(translations.serialize(element))) == rows(element)


def test_update_on_a_copy_changes_nothing(tmp_path):
    """The whole run (lupdate, merge, write, lrelease) on copies of the catalogues: no
    message missing, the same .qm, no temporary file left behind."""
    for language in LANGUAGES:
        source = TRANSLATIONS / f"hsb_whisper_{language}.ts"
        (tmp_path / source.name).write_bytes(source.read_bytes())
    assert translations.update(tmp_path) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"hsb_whisper_{language}.{suffix}" for language in LANGUAGES for suffix in ("ts", "qm")
    )
    for language in LANGUAGES:
        name = f"hsb_whisper_{language}"
        assert (tmp_path / f"{name}.qm").read_bytes() == (TRANSLATIONS / f"{name}.qm").read_bytes()
        copied = ET.parse(tmp_path / f"{name}.ts").getroot()
        assert [
            (k, translations.state(m), translations.text(m))
            for k, m in translations.messages(copied)
        ] == [
            (k, translations.state(m), translations.text(m))
            for k, m in translations.messages(catalogue(language))
        ]
