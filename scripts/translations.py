"""Extract, fill and compile the translations: ``hsb_whisper/assets/translations/*.ts`` → ``*.qm``.

    python scripts/translations.py          # after changing a UI text or a translation below

It runs pyside6-lupdate over ``hsb_whisper/desktop/ui/*.py`` into a fresh template, so every
catalogue holds exactly the messages the UI asks for (lupdate will not update the Upper Sorbian
catalogue itself: "the target language is not recognized"), fills in the tables below and
compiles each catalogue with pyside6-lrelease. It exits with 1 when a message has no translation.

The texts live here, one table per language, so they are reviewed in one place. The Upper Sorbian
texts reuse wording from Debian's firefox-esr-l10n-hsb where it fits (Přetorhnyć, Składować,
Wočinić, Hišće raz spytać, Nastajenja, Mikrofon, Rjadowak, Profilowy rjadowak → Modelowy
rjadowak, instalować, Dataja, Nitki, …); the rest were written for this program and await review
by a native speaker (see README).
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "hsb_whisper" / "assets" / "translations"
UI = ROOT / "hsb_whisper" / "desktop" / "ui"

HSB = {
    " (default)": " (standard)",
    "&hsb-whisper": "&hsb-whisper",
    "Add files…": "Dataje přidać…",
    "Add folder…": "Rjadowak přidać…",
    "Audio": "Awdio",
    "Audio files": "Awdiodataje",
    "Base": "Zakład",
    "Beam size": "Šěrokosć pytanja (beam)",
    "Cancel": "Přetorhnyć",
    "Cannot play: {0}": "Wothrać njemóžno: {0}",
    "Compute type": "Typ wobličenja",
    "End": "Kónc",
    "File": "Dataja",
    "Files": "Dataje",
    "Folder": "Rjadowak",
    "Folder with recordings": "Rjadowak z nahrawkami",
    "Install model pack…": "Modelowy paket instalować…",
    "Install model folder…": "Modelowy rjadowak instalować…",
    "Model folder": "Modelowy rjadowak",
    "Interface language (after a restart)": "Rěč powjercha (po nowym starće)",
    "Language token": "Rěčny token",
    "Licence": "Licenca",
    "Microphone": "Mikrofon",
    "Model pack": "Modelowy paket",
    "Model packs": "Modelowe pakety",
    "Models": "Modele",
    "Name": "Mjeno",
    "No microphone found. Connect one and restart; transcribing files still works.": "Žadyn mikrofon namakany. Zwjazajće jedyn a startujće znowa; přepis datajow dale "
    "funguje.",
    "No transcript open. Transcribe a file or a recording.": "Žadyn přepis wočinjeny. Přepisajće dataju abo nahrawku.",
    "Not installed": "Njeinstalowane",
    "Not saved": "Njeskładowane",
    "Open transcript": "Přepis wočinić",
    "Output folder": "Cilowy rjadowak",
    "Pause": "Přestawka",
    "Play segment": "Wotrězk wothrać",
    "Progress": "Postup",
    "Quit": "Skónčić",
    "Ready": "Hotowy",
    "Recipe": "Recept",
    "Record": "Nahrać",
    "Recording to {0}": "Nahrawa so do {0}",
    "Resume": "Pokročować",
    "Retry": "Hišće raz spytać",
    "Save transcript": "Přepis składować",
    "Save {0}": "{0} składować",
    "Saved {0} ({1:.1f} s); transcribing it in Files.": "{0} składowane ({1:.1f} s); přepisuje so w Datajach.",
    "Search…": "Pytać…",
    "Settings": "Nastajenja",
    "Settings…": "Nastajenja…",
    "Source": "Žórło",
    "Start": "Spočatk",
    "State": "Status",
    "Stop": "Zastajić",
    "Text": "Tekst",
    "Text appears here while you speak.": "Tekst so tu pokazuje, mjeztym zo rěčiće.",
    "Threads": "Nitki",
    "Transcript": "Přepis",
    "Use as default": "Jako standard wužiwać",
    "WER": "WER (zmylkowa kwota słowow)",
    "Weights": "Wahi",
    "all cores": "wšě jadra",
    "cancelled": "přetorhnjene",
    "damaged: {0}": "wobškodźene: {0}",
    "done": "dokónčene",
    "failed": "njeporadźiło",
    "next to the audio": "pódla awdiodataje",
    "no audio output": "žadyn awdiowudaće",
    "queued": "čaka",
    "skip silence (VAD)": "ćišinu přeskočić (VAD)",
    "the model's own": "modelowy",
    "transcribing": "přepisuje so",
    "Import a Whisper model…": "Whisper-model importować…",
    "Hugging Face Whisper folder": "Rjadowak Hugging Face Whisper",
    "Not imported": "Njeimportowane",
    "Model name": "Mjeno modela",
    "The model does not say which Whisper language token to force. Upper Sorbian models use cs, de or pl:": "Model njepraji, kotry rěčny token Whisper so wužiwa. Hornjoserbske modele wužiwaja cs, de abo pl:",
    "Not trained for Upper Sorbian (writes Czech spelling).": "Njeje za hornjoserbšćinu trenowany (pisa čěski prawopis).",
    "Copyleft licence: {0}": "Copyleft-licenca: {0}",
    "Add audio files or a folder, or drop them here.": "Přidajće awdiodataje abo rjadowak abo ćehńće je sem.",
    "The built-in model whisper-base is not trained for Upper Sorbian (it writes Czech spelling): import a better model on the Models page.": "Zatwarjeny model whisper-base njeje za hornjoserbšćinu trenowany (pisa čěski prawopis): importujće lěpši model na stronje Modele.",
}

DE = {
    " (default)": " (Standard)",
    "&hsb-whisper": "&hsb-whisper",
    "Add files…": "Dateien hinzufügen…",
    "Add folder…": "Ordner hinzufügen…",
    "Audio": "Audio",
    "Audio files": "Audiodateien",
    "Base": "Basis",
    "Beam size": "Strahlbreite (Beam)",
    "Cancel": "Abbrechen",
    "Cannot play: {0}": "Wiedergabe nicht möglich: {0}",
    "Compute type": "Rechentyp",
    "End": "Ende",
    "File": "Datei",
    "Files": "Dateien",
    "Folder": "Ordner",
    "Folder with recordings": "Ordner mit Aufnahmen",
    "Install model pack…": "Modellpaket installieren…",
    "Install model folder…": "Modellordner installieren…",
    "Model folder": "Modellordner",
    "Interface language (after a restart)": "Sprache der Oberfläche (nach Neustart)",
    "Language token": "Sprach-Token",
    "Licence": "Lizenz",
    "Microphone": "Mikrofon",
    "Model pack": "Modellpaket",
    "Model packs": "Modellpakete",
    "Models": "Modelle",
    "Name": "Name",
    "No microphone found. Connect one and restart; transcribing files still works.": "Kein Mikrofon gefunden. Schließen Sie eines an und starten Sie neu; Dateien "
    "transkribieren geht weiterhin.",
    "No transcript open. Transcribe a file or a recording.": "Kein Transkript geöffnet. Transkribieren Sie eine Datei oder eine Aufnahme.",
    "Not installed": "Nicht installiert",
    "Not saved": "Nicht gespeichert",
    "Open transcript": "Transkript öffnen",
    "Output folder": "Ausgabeordner",
    "Pause": "Pause",
    "Play segment": "Abschnitt abspielen",
    "Progress": "Fortschritt",
    "Quit": "Beenden",
    "Ready": "Bereit",
    "Recipe": "Rezept",
    "Record": "Aufnehmen",
    "Recording to {0}": "Aufnahme nach {0}",
    "Resume": "Fortsetzen",
    "Retry": "Erneut versuchen",
    "Save transcript": "Transkript speichern",
    "Save {0}": "{0} speichern",
    "Saved {0} ({1:.1f} s); transcribing it in Files.": "{0} gespeichert ({1:.1f} s); wird unter Dateien transkribiert.",
    "Search…": "Suchen…",
    "Settings": "Einstellungen",
    "Settings…": "Einstellungen…",
    "Source": "Herkunft",
    "Start": "Anfang",
    "State": "Status",
    "Stop": "Stopp",
    "Text": "Text",
    "Text appears here while you speak.": "Der Text erscheint hier, während Sie sprechen.",
    "Threads": "Threads",
    "Transcript": "Transkript",
    "Use as default": "Als Standard verwenden",
    "WER": "WER (Wortfehlerrate)",
    "Weights": "Gewichte",
    "all cores": "alle Kerne",
    "cancelled": "abgebrochen",
    "damaged: {0}": "beschädigt: {0}",
    "done": "fertig",
    "failed": "fehlgeschlagen",
    "next to the audio": "neben der Audiodatei",
    "no audio output": "keine Audioausgabe",
    "queued": "wartet",
    "skip silence (VAD)": "Stille überspringen (VAD)",
    "the model's own": "das des Modells",
    "transcribing": "wird transkribiert",
    "Import a Whisper model…": "Whisper-Modell importieren…",
    "Hugging Face Whisper folder": "Hugging-Face-Whisper-Ordner",
    "Not imported": "Nicht importiert",
    "Model name": "Modellname",
    "The model does not say which Whisper language token to force. Upper Sorbian models use cs, de or pl:": "Das Modell gibt nicht an, welches Whisper-Sprach-Token erzwungen werden soll. Obersorbische Modelle verwenden cs, de oder pl:",
    "Not trained for Upper Sorbian (writes Czech spelling).": "Nicht für Obersorbisch trainiert (schreibt tschechische Rechtschreibung).",
    "Copyleft licence: {0}": "Copyleft-Lizenz: {0}",
    "Add audio files or a folder, or drop them here.": "Fügen Sie Audiodateien oder einen Ordner hinzu oder ziehen Sie sie hierher.",
    "The built-in model whisper-base is not trained for Upper Sorbian (it writes Czech spelling): import a better model on the Models page.": "Das eingebaute Modell whisper-base ist nicht für Obersorbisch trainiert (es schreibt tschechische Rechtschreibung): Importieren Sie unter Modelle ein besseres Modell.",
}

TABLES = {"hsb": HSB, "de": DE}
LOCALES = {"hsb": "hsb_DE", "de": "de_DE"}


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(f"pyside6-{name}"))


def extract() -> ET.ElementTree:
    """The UI's messages as pyside6-lupdate finds them, every translation empty and unfinished."""
    # Written next to the catalogues so that its <location> paths are right for them too.
    template = FOLDER / f"template-{os.getpid()}.ts"
    try:
        sources = sorted(str(p) for p in UI.glob("*.py"))
        subprocess.run([_tool("lupdate"), "-silent", *sources, "-ts", str(template)], check=True)
        return ET.parse(template)
    finally:
        template.unlink(missing_ok=True)


def fill(tree: ET.ElementTree, table: dict[str, str]) -> list[str]:
    """Write the translations into ``tree``; returns the source texts that have none."""
    missing = []
    for message in tree.iter("message"):
        source = message.findtext("source")
        translation = message.find("translation")
        if source in table:
            translation.text = table[source]
            translation.attrib.pop("type", None)
        else:
            missing.append(source)
    return missing


def main() -> int:
    failed = False
    template = extract()
    used = {m.findtext("source") for m in template.iter("message")}
    for language, table in TABLES.items():
        ts = FOLDER / f"hsb_whisper_{language}.ts"
        tree = copy.deepcopy(template)
        tree.getroot().set("language", LOCALES[language])
        for source in fill(tree, table):
            print(f"{ts.name}: no translation for {source!r}", file=sys.stderr)
            failed = True
        for source in sorted(table.keys() - used):
            print(f"{ts.name}: {source!r} is no longer used by the UI", file=sys.stderr)
        tree.write(ts, encoding="utf-8", xml_declaration=True)
        subprocess.run(
            [_tool("lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
