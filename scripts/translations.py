"""Extract, fill and compile the translations: ``hsb_whisper/assets/translations/*.ts`` → ``*.qm``.

    python scripts/translations.py          # after changing a UI text or a translation below

It runs pyside6-lupdate over every ``.py`` under ``hsb_whisper/desktop/ui`` (the wizard's
subpackage too) into a fresh template, so every catalogue holds exactly the messages the UI asks
for (lupdate will not update the Upper Sorbian catalogue itself: "the target language is not
recognized"), fills in the tables below and compiles each catalogue with pyside6-lrelease. It
exits with 1 when a message has no translation.

The texts live here, one table per language, so they are reviewed in one place (a
``(class, text)`` key gives one class its own wording of a text). The Upper Sorbian
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
    "&Fast training on a computer without a GPU": "&Spěšne trenowanje na ličaku bjez GPU",
    "Several short recordings share one 30-second window, with a short silence "
    "between them, as Whisper itself was trained: the model listens to them in one "
    "pass, which makes training on a processor several times faster while the whole "
    "model is still adapted. Each recording is still used once per epoch. On a "
    "computer with an NVIDIA GPU this is not used.": "Wjacore krótke nahrawki so do "
    "jednoho 30-sekundoweho wokna z krótkej ćišinu mjez nimi zestajeja, kaž je so Whisper sam "
    "trenował: model je w jednym přeběhu słyši, štož trenowanje na procesorje wjacekróć "
    "spěšniše čini, a cyły model so dale přiměrja. Kóžda nahrawka so dale jónu na epochu "
    "wužiwa. Na ličaku z GPU NVIDIA so to njewužiwa.",
    "Fast training: the recordings of a step share {0} windows of 30 "
    "seconds on average instead of one each ({1}).": "Spěšne trenowanje: nahrawki jednoho "
    "kroka so w přerězku do {0} woknow po 30 sekundach dźěla město jednoho za kóždu ({1}).",
    " (default)": " (standard)",
    "&hsb-whisper": "&hsb-whisper",
    "Add files…": "Dataje přidać…",
    "Add folder…": "Rjadowak přidać…",
    "Audio": "Awdio",
    "Audio files": "Awdiodataje",
    "Base": "Zakład",
    "Beam size": "Šěrokosć pytanja (beam)",
    "automatic ({0})": "awtomatisce ({0})",
    "Speech windows of up to 30 s decoded together: faster on long recordings. "
    "1 decodes one after the other. Needs “skip silence”.": "Wokna rěče hač do 30 s so "
    "zhromadnje dekoduja: spěšnišo při dołhich nahrawkach. 1 dekoduje jedne po druhim. "
    "Trjeba „ćišinu přeskočić“.",
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
    # the fine-tuning wizard (hsb_whisper/desktop/ui/wizard) and its menu entry and button
    "Train a model…": "Model trenować…",
    "Train a model": "Model trenować",
    "< &Back": "< &Wróćo",
    "&Next >": "&Dale >",
    "&Finish": "&Dokónčić",
    "Training data": "Trenowanske daty",
    "Recordings of Upper Sorbian with their transcripts. Every clip is checked; clips that cannot be used are set aside with the reason.": "Hornjoserbske nahrawki z jich přepisami. Kóžda nahrawka so přepruwuje; nahrawki, kotrež njehodźa so wužiwać, so z přičinu na bok staja.",
    "Upper Sorbian": "Hornjoserbšćina",
    "Czech": "Čěšćina",
    "Also Czech data (for the two-stage recipe)": "Tež čěske daty (za recept w dwěmaj etapomaj)",
    "&Import and check": "&Importować a přepruwować",
    "&Continue that run": "Z tym běhom &pokročować",
    "An unfinished training run is waiting: {0}": "Njedokónčeny trenowanski běh čaka: {0}",
    "The data is ready. Go on with Next.": "Daty su hotowe. Pokročujće z „Dale“.",
    "Choose where the {0} data is.": "Wubjerće, hdźe su daty ({0}).",
    "Importing {0}…": "{0} so importuje…",
    "No usable clips are left for {0} ({1}): see the report below.": "Za {0} ({1}) žane wužiwajomne nahrawki njewostawaja: hlejće rozprawu deleka.",
    "path": "šćežka",
    "Browse…": "Přepytać…",
    "Data": "Daty",
    "Where": "Hdźe",
    "a Common Voice archive (.tar.gz) or its extracted folder": "archiw Common Voice (.tar.gz) abo jeho wupakowany rjadowak",
    "a folder of recordings with transcripts": "rjadowak z nahrawkami a přepisami",
    "an ELAN corpus (.eaf files with their recordings)": "korpus ELAN (dataje .eaf z jich nahrawkami)",
    "a Praat corpus (.TextGrid files with their recordings)": "korpus Praat (dataje .TextGrid z jich nahrawkami)",
    "a folder of checked manifests (train.jsonl, dev.jsonl)": "rjadowak z přepruwowanymi manifestami (train.jsonl, dev.jsonl)",
    "Choose a folder": "Rjadowak wubrać",
    "Choose the archive": "Archiw wubrać",
    "Archives (*.tar.gz *.tgz)": "Archiwy (*.tar.gz *.tgz)",
    "How to train: the two recipes of the original research.": "Kak trenować: dwaj receptaj originalneho slědźenja.",
    "&Classic": "&Klasiski",
    "One adapter is trained directly on the Upper Sorbian data. It needs only Upper Sorbian recordings and is the quicker of the two.": "Jedyn adapter so direktnje na hornjoserbskich datach trenuje. Trjeba jenož hornjoserbske nahrawki a je spěšniši z wobeju.",
    "&Two-stage": "Dwě &etapje",
    "An adapter is first trained on Czech and merged into the model, then a second one on Upper Sorbian. The original research found this lowers the word error rate on Upper Sorbian; it needs Czech data as well.": "Najprjedy so adapter na čěšćinje trenuje a z modelom zjednoći, potom druhi na hornjoserbšćinje. Po originalnym slědźenju to zmylkowu kwotu słowow za hornjoserbšćinu znižuje; trjeba pak tež čěske daty.",
    "whisper-small, as in the research (downloaded once if not here)": "whisper-small, kaž w slědźenju (so jónu sćehnje, jeli tu njeje)",
    "whisper-base, the embedded model (works offline, quicker)": "whisper-base, zatwarjeny model (dźěła offline, spěšniši)",
    "another Whisper folder…": "druhi rjadowak Whisper…",
    "&Advanced settings": "&Rozšěrjene nastajenja",
    "all epochs": "wšě epochi",
    "Epochs": "Epochi",
    "Batch size": "Wulkosć batcha",
    "Learning rate": "Spěšnosć wuknjenja",
    "LoRA rank r": "LoRA-rang r",
    "LoRA alpha": "LoRA-alfa",
    "Stop after steps": "Po krokach zastajić",
    "training.checkpoint_every=50": "training.checkpoint_every=50",
    "More settings\n(KEY=VALUE, one a line,\nas finetune --set)": "Dalše nastajenja\n(KLUČ=HÓDNOTA, jedne na linku,\nkaž finetune --set)",
    "Base model": "Zakładny model",
    "A Whisper model folder": "Rjadowak modela Whisper",
    "This computer": "Tutón ličak",
    "A few training steps of the real model are timed here, to tell how long the whole training would take on this computer.": "Někotre trenowanske kroki woprawdźiteho modela so tu měrja, zo by so zwěsćiło, kak dołho by cyłe trenowanje na tutym ličaku trało.",
    "&Measure again": "Znowa &měrić",
    "Measuring… (the base model is prepared first; this can take minutes)": "Měri so… (najprjedy so zakładny model přihotuje; to móže minuty trać)",
    "Hardware: {0}": "Hardwara: {0}",
    "Stage {0}: {1} steps × {2} s = {3} (on {4})": "Etapa {0}: {1} krokow × {2} s = {3} (na {4})",
    "Training would take about {0} (hours:minutes).": "Trenowanje by přibližnje {0} trało (hodźiny:mjeńšiny).",
    "Could not measure: {0}": "Měrjenje njeje so poradźiło: {0}",
    "You can still train; the time is then not known in advance.": "Móžeće přiwšěm trenować; trajo je potom njeznate.",
    "Training": "Trenowanje",
    "Training runs in a process of its own. Pause stops it after the next checkpoint; it can be continued later, also after closing the app.": "Trenowanje běži w swójskim procesu. Přestawka je po přichodnym kontrolnym dypku zastaji; pozdźišo da so z nim pokročować, tež po začinjenju nałoženja.",
    "&Start training": "Trenowanje &startować",
    "&Continue training": "Z trenowanjom po&kročować",
    "&Pause": "&Přestawka",
    "Ca&ncel": "Přetorh&nyć",
    "Starting… (run folder {0})": "Startuje so… (rjadowak běha: {0})",
    "Pausing after the next checkpoint…": "Přestawka po přichodnym kontrolnym dypku…",
    "Training finished. Go on with Next to see the results.": "Trenowanje je dokónčene. „Dale“ pokazuje wuslědki.",
    "Paused. Start continues the run (also after closing the app).": "Přestawka. Z běhom da so pokročować (tež po začinjenju nałoženja).",
    "Cancelled. Start continues from the last checkpoint.": "Přetorhnjene. Z běhom da so wot posledneho kontrolneho dypka pokročować.",
    "Training failed: {0}": "Trenowanje njeje so poradźiło: {0}",
    "Details: {0}": "Podrobnosće: {0}",
    "stage {0}: step {1} of {2}, epoch {3}, loss {4}, {5} left": "etapa {0}: krok {1} z {2}, epocha {3}, strata {4}, wostawa {5}",
    "stage {0}, step {1}: dev WER {2}": "etapa {0}, krok {1}: dev-WER {2}",
    "waiting for steps…": "čaka so na kroki…",
    "step {0}": "krok {0}",
    "training loss": "strata",  # a legend beside the chart: little room
    "dev WER": "dev-WER",
    "Results": "Wuslědki",
    "The base model and the new one on clips that were not trained on.": "Zakładny a nowy model na nahrawkach, z kotrymiž so njeje trenowało.",
    "Recognised": "Spóznate",
    "&Play the selected utterance": "Wubrane wuprajenje wot&hrać",
    "The worst utterances of the new model:": "Najhórše wuprajenja noweho modela:",
    "Report: {0}": "Rozprawa: {0}",
    "Cannot play {0}: {1}": "{0} njeda so wothrać: {1}",
    "Export and install": "Eksportować a instalować",
    "The new model goes into your models, checked, ready for the transcription pages. A pack (.zip) shares it with others.": "Nowy model so přepruwuje a k wašim modelam přida, hotowy za přepisowanje. Z paketom (.zip) móžeće jón z druhimi dźělić.",
    "Use it as the &default model": "Jako &standardny model wužiwać",
    "&Export and install": "&Eksportować a instalować",
    "Save as a &pack to share…": "Jako &paket za dźělenje składować…",
    "{0} is installed{1}.": "{0} je instalowany{1}.",
    " and is the default model": " a je standardny model",
    "Save the pack": "Paket składować",
    "Pack saved: {0}": "Paket składowany: {0}",
    # (class, text): where a text must read differently there
    ("ResultsPage", "WER"): "WER",  # a narrow column of percentages
    # speakers (diarization): the editor's Speaker column and its edits, and the setting
    "Speaker": "Rěčnik",
    "Speakers": "Rěčnicy",
    "Off": "Wupinjene",
    "Automatic": "Awtomatisce",
    "Labels who spoke when: each segment of a transcribed file gets a speaker, whom "
    "you can name, reassign and merge in the transcript. “Automatic” finds the "
    "number of speakers; a number labels exactly that many. Live text has no speakers.": "Woznamjenja, štó je hdy rěčał: kóždy wotrězk přepisaneje dataje dóstanje rěčnika, "
    "kotrehož móžeće w přepisu pomjenować, druhemu rěčnikej přirjadować a z druhim "
    "zjednoćić. „Awtomatisce“ ličbu rěčnikow sam zwěsći; ličba woznamjenja runje telko "
    "rěčnikow. Tekst při nahrawanju rěčnikow nima.",
    "Rename speaker…": "Rěčnika přemjenować…",
    "Rename speaker": "Rěčnika přemjenować",
    "Give the speaker of the selected segment a name, in the whole transcript.": "Rěčnikej wubraneho wotrězka mjeno dać, w cyłym přepisu.",
    "Assign to speaker": "Rěčnikej přirjadować",
    "The selected segments were said by another speaker.": "Wubrane wotrězki je druhi rěčnik prajił.",
    "Merge speakers…": "Rěčnikow zjednoćić…",
    "Merge speakers": "Rěčnikow zjednoćić",
    "Two speakers are one person: make them one.": "Dwaj rěčnikaj stej jedna wosoba: zjednoćće jeju.",
    "Name of {0} in the whole transcript (empty: {1}):": "Mjeno za {0} w cyłym přepisu (prózdne: {1}):",
    "New speaker": "Nowy rěčnik",
    "Rename {0}…": "{0} přemjenować…",
    "Segments of": "Wotrězki rěčnika",
    "become those of": "budu wotrězki rěčnika",
    "The two are then one speaker, with the second one's name.": "Wobaj staj potom jedyn rěčnik z mjenom druheho.",
}

DE = {
    "&Fast training on a computer without a GPU": "&Schnelles Training auf einem Computer ohne GPU",
    "Several short recordings share one 30-second window, with a short silence "
    "between them, as Whisper itself was trained: the model listens to them in one "
    "pass, which makes training on a processor several times faster while the whole "
    "model is still adapted. Each recording is still used once per epoch. On a "
    "computer with an NVIDIA GPU this is not used.": "Mehrere kurze Aufnahmen teilen sich "
    "ein 30-Sekunden-Fenster, mit einer kurzen Stille dazwischen, so wie Whisper selbst "
    "trainiert wurde: Das Modell hört sie in einem Durchgang, was das Training auf einem "
    "Prozessor um ein Mehrfaches beschleunigt, während weiterhin das ganze Modell angepasst "
    "wird. Jede Aufnahme wird weiterhin einmal pro Epoche verwendet. Auf einem Computer mit "
    "NVIDIA-GPU wird dies nicht verwendet.",
    "Fast training: the recordings of a step share {0} windows of 30 "
    "seconds on average instead of one each ({1}).": "Schnelles Training: Die Aufnahmen "
    "eines Schritts teilen sich im Mittel {0} Fenster zu 30 Sekunden statt je eines ({1}).",
    " (default)": " (Standard)",
    "&hsb-whisper": "&hsb-whisper",
    "Add files…": "Dateien hinzufügen…",
    "Add folder…": "Ordner hinzufügen…",
    "Audio": "Audio",
    "Audio files": "Audiodateien",
    "Base": "Basis",
    "Beam size": "Strahlbreite (Beam)",
    "automatic ({0})": "automatisch ({0})",
    "Speech windows of up to 30 s decoded together: faster on long recordings. "
    "1 decodes one after the other. Needs “skip silence”.": "Sprachfenster bis 30 s werden "
    "gemeinsam dekodiert: schneller bei langen Aufnahmen. 1 dekodiert eines nach dem anderen. "
    "Braucht „Stille überspringen“.",
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
    # the fine-tuning wizard (hsb_whisper/desktop/ui/wizard) and its menu entry and button
    "Train a model…": "Modell trainieren…",
    "Train a model": "Modell trainieren",
    "< &Back": "< &Zurück",
    "&Next >": "&Weiter >",
    "&Finish": "Ab&schließen",
    "Training data": "Trainingsdaten",
    "Recordings of Upper Sorbian with their transcripts. Every clip is checked; clips that cannot be used are set aside with the reason.": "Obersorbische Aufnahmen mit ihren Transkripten. Jeder Clip wird geprüft; unbrauchbare Clips werden mit Begründung aussortiert.",
    "Upper Sorbian": "Obersorbisch",
    "Czech": "Tschechisch",
    "Also Czech data (for the two-stage recipe)": "Auch tschechische Daten (für das zweistufige Rezept)",
    "&Import and check": "&Importieren und prüfen",
    "&Continue that run": "Diesen Lauf &fortsetzen",
    "An unfinished training run is waiting: {0}": "Ein nicht abgeschlossener Trainingslauf wartet: {0}",
    "The data is ready. Go on with Next.": "Die Daten sind bereit. Fahren Sie mit „Weiter“ fort.",
    "Choose where the {0} data is.": "Wählen Sie, wo die Daten ({0}) liegen.",
    "Importing {0}…": "{0} wird importiert…",
    "No usable clips are left for {0} ({1}): see the report below.": "Für {0} ({1}) bleiben keine brauchbaren Clips übrig: siehe Bericht unten.",
    "path": "Pfad",
    "Browse…": "Durchsuchen…",
    "Data": "Daten",
    "Where": "Ort",
    "a Common Voice archive (.tar.gz) or its extracted folder": "ein Common-Voice-Archiv (.tar.gz) oder sein entpackter Ordner",
    "a folder of recordings with transcripts": "ein Ordner mit Aufnahmen und Transkripten",
    "an ELAN corpus (.eaf files with their recordings)": "ein ELAN-Korpus (.eaf-Dateien mit ihren Aufnahmen)",
    "a Praat corpus (.TextGrid files with their recordings)": "ein Praat-Korpus (.TextGrid-Dateien mit ihren Aufnahmen)",
    "a folder of checked manifests (train.jsonl, dev.jsonl)": "ein Ordner mit geprüften Manifesten (train.jsonl, dev.jsonl)",
    "Choose a folder": "Ordner wählen",
    "Choose the archive": "Archiv wählen",
    "Archives (*.tar.gz *.tgz)": "Archive (*.tar.gz *.tgz)",
    "How to train: the two recipes of the original research.": "Wie trainiert wird: die zwei Rezepte der ursprünglichen Forschung.",
    "&Classic": "&Klassisch",
    "One adapter is trained directly on the Upper Sorbian data. It needs only Upper Sorbian recordings and is the quicker of the two.": "Ein Adapter wird direkt mit den obersorbischen Daten trainiert. Er braucht nur obersorbische Aufnahmen und ist der schnellere der beiden.",
    "&Two-stage": "Zwei&stufig",
    "An adapter is first trained on Czech and merged into the model, then a second one on Upper Sorbian. The original research found this lowers the word error rate on Upper Sorbian; it needs Czech data as well.": "Zuerst wird ein Adapter auf Tschechisch trainiert und ins Modell übernommen, dann ein zweiter auf Obersorbisch. Laut der ursprünglichen Forschung senkt das die Wortfehlerrate im Obersorbischen; dafür braucht es auch tschechische Daten.",
    "whisper-small, as in the research (downloaded once if not here)": "whisper-small, wie in der Forschung (wird einmalig heruntergeladen)",
    "whisper-base, the embedded model (works offline, quicker)": "whisper-base, das eingebaute Modell (offline, schneller)",
    "another Whisper folder…": "ein anderer Whisper-Ordner…",
    "&Advanced settings": "&Erweiterte Einstellungen",
    "all epochs": "alle Epochen",
    "Epochs": "Epochen",
    "Batch size": "Batchgröße",
    "Learning rate": "Lernrate",
    "LoRA rank r": "LoRA-Rang r",
    "LoRA alpha": "LoRA-Alpha",
    "Stop after steps": "Nach Schritten anhalten",
    "training.checkpoint_every=50": "training.checkpoint_every=50",
    "More settings\n(KEY=VALUE, one a line,\nas finetune --set)": "Weitere Einstellungen\n(SCHLÜSSEL=WERT, eine pro Zeile,\nwie finetune --set)",
    "Base model": "Basismodell",
    "A Whisper model folder": "Whisper-Modellordner",
    "This computer": "Dieser Computer",
    "A few training steps of the real model are timed here, to tell how long the whole training would take on this computer.": "Einige Trainingsschritte des echten Modells werden hier gemessen, um abzuschätzen, wie lange das ganze Training auf diesem Computer dauern würde.",
    "&Measure again": "Erneut &messen",
    "Measuring… (the base model is prepared first; this can take minutes)": "Messung läuft… (zuerst wird das Basismodell vorbereitet; das kann Minuten dauern)",
    "Hardware: {0}": "Hardware: {0}",
    "Stage {0}: {1} steps × {2} s = {3} (on {4})": "Stufe {0}: {1} Schritte × {2} s = {3} (auf {4})",
    "Training would take about {0} (hours:minutes).": "Das Training würde etwa {0} dauern (Stunden:Minuten).",
    "Could not measure: {0}": "Messung nicht möglich: {0}",
    "You can still train; the time is then not known in advance.": "Sie können trotzdem trainieren; die Dauer ist dann vorab nicht bekannt.",
    "Training": "Training",
    "Training runs in a process of its own. Pause stops it after the next checkpoint; it can be continued later, also after closing the app.": "Das Training läuft in einem eigenen Prozess. Pausieren hält es nach dem nächsten Prüfpunkt an; es lässt sich später fortsetzen, auch nach dem Schließen der App.",
    "&Start training": "Training &starten",
    "&Continue training": "Training &fortsetzen",
    "&Pause": "&Pausieren",
    "Ca&ncel": "Ab&brechen",
    "Starting… (run folder {0})": "Wird gestartet… (Ordner des Laufs: {0})",
    "Pausing after the next checkpoint…": "Pausiert nach dem nächsten Prüfpunkt…",
    "Training finished. Go on with Next to see the results.": "Training abgeschlossen. „Weiter“ zeigt die Ergebnisse.",
    "Paused. Start continues the run (also after closing the app).": "Pausiert. Der Lauf lässt sich fortsetzen (auch nach dem Schließen der App).",
    "Cancelled. Start continues from the last checkpoint.": "Abgebrochen. Der Lauf lässt sich ab dem letzten Prüfpunkt fortsetzen.",
    "Training failed: {0}": "Training fehlgeschlagen: {0}",
    "Details: {0}": "Details: {0}",
    "stage {0}: step {1} of {2}, epoch {3}, loss {4}, {5} left": "Stufe {0}: Schritt {1} von {2}, Epoche {3}, Verlust {4}, noch {5}",
    "stage {0}, step {1}: dev WER {2}": "Stufe {0}, Schritt {1}: dev-WER {2}",
    "waiting for steps…": "Warten auf Schritte…",
    "step {0}": "Schritt {0}",
    "training loss": "Trainingsverlust",
    "dev WER": "dev-WER",
    "Results": "Ergebnisse",
    "The base model and the new one on clips that were not trained on.": "Das Basismodell und das neue auf Clips, mit denen nicht trainiert wurde.",
    "Recognised": "Erkannt",
    "&Play the selected utterance": "Ausgewählte Äußerung &abspielen",
    "The worst utterances of the new model:": "Die schlechtesten Äußerungen des neuen Modells:",
    "Report: {0}": "Bericht: {0}",
    "Cannot play {0}: {1}": "{0} kann nicht abgespielt werden: {1}",
    "Export and install": "Exportieren und installieren",
    "The new model goes into your models, checked, ready for the transcription pages. A pack (.zip) shares it with others.": "Das neue Modell kommt geprüft zu Ihren Modellen, bereit zum Transkribieren. Mit einem Paket (.zip) teilen Sie es mit anderen.",
    "Use it as the &default model": "Als Standard&modell verwenden",
    "&Export and install": "&Exportieren und installieren",
    "Save as a &pack to share…": "Als &Paket zum Teilen speichern…",
    "{0} is installed{1}.": "{0} ist installiert{1}.",
    " and is the default model": " und ist das Standardmodell",
    "Save the pack": "Paket speichern",
    "Pack saved: {0}": "Paket gespeichert: {0}",
    # (class, text): where a text must read differently there
    ("ResultsPage", "WER"): "WER",  # a narrow column of percentages
    # speakers (diarization): the editor's Speaker column and its edits, and the setting
    "Speaker": "Sprecher",
    "Speakers": "Sprecher",
    "Off": "Aus",
    "Automatic": "Automatisch",
    "Labels who spoke when: each segment of a transcribed file gets a speaker, whom "
    "you can name, reassign and merge in the transcript. “Automatic” finds the "
    "number of speakers; a number labels exactly that many. Live text has no speakers.": "Kennzeichnet, wer wann gesprochen hat: Jeder Abschnitt einer transkribierten Datei "
    "bekommt einen Sprecher, den Sie im Transkript benennen, neu zuordnen und mit einem "
    "anderen zusammenführen können. „Automatisch“ ermittelt die Zahl der Sprecher; eine Zahl "
    "kennzeichnet genau so viele. Der Live-Text hat keine Sprecher.",
    "Rename speaker…": "Sprecher umbenennen…",
    "Rename speaker": "Sprecher umbenennen",
    "Give the speaker of the selected segment a name, in the whole transcript.": "Dem Sprecher des ausgewählten Abschnitts einen Namen geben, im ganzen Transkript.",
    "Assign to speaker": "Sprecher zuordnen",
    "The selected segments were said by another speaker.": "Die ausgewählten Abschnitte hat ein anderer Sprecher gesagt.",
    "Merge speakers…": "Sprecher zusammenführen…",
    "Merge speakers": "Sprecher zusammenführen",
    "Two speakers are one person: make them one.": "Zwei Sprecher sind eine Person: zu einem zusammenführen.",
    "Name of {0} in the whole transcript (empty: {1}):": "Name für {0} im ganzen Transkript (leer: {1}):",
    "New speaker": "Neuer Sprecher",
    "Rename {0}…": "{0} umbenennen…",
    "Segments of": "Die Abschnitte von",
    "become those of": "werden die von",
    "The two are then one speaker, with the second one's name.": "Die beiden sind dann ein Sprecher, mit dem Namen des zweiten.",
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
        sources = sorted(str(p) for p in UI.rglob("*.py"))
        subprocess.run([_tool("lupdate"), "-silent", *sources, "-ts", str(template)], check=True)
        return ET.parse(template)
    finally:
        template.unlink(missing_ok=True)


def fill(tree: ET.ElementTree, table: dict[str | tuple[str, str], str]) -> list[str]:
    """Write the translations into ``tree``: the table's ``(context, source)`` entry where it has
    one (a text that must read differently in one class), else its ``source`` entry; returns the
    source texts that have none."""
    missing = []
    for context in tree.iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            source = message.findtext("source")
            translation = message.find("translation")
            text = table.get((name, source), table.get(source))
            if text is not None:
                translation.text = text
                translation.attrib.pop("type", None)
            else:
                missing.append(source)
    return missing


def main() -> int:
    failed = False
    template = extract()
    used: set[str | tuple[str, str]] = set()
    for context in template.iter("context"):
        for message in context.iter("message"):
            used |= {
                message.findtext("source"),
                (context.findtext("name"), message.findtext("source")),
            }
    for language, table in TABLES.items():
        ts = FOLDER / f"hsb_whisper_{language}.ts"
        tree = copy.deepcopy(template)
        tree.getroot().set("language", LOCALES[language])
        for source in fill(tree, table):
            print(f"{ts.name}: no translation for {source!r}", file=sys.stderr)
            failed = True
        for source in sorted(table.keys() - used, key=str):
            print(f"{ts.name}: {source!r} is no longer used by the UI", file=sys.stderr)
        tree.write(ts, encoding="utf-8", xml_declaration=True)
        subprocess.run(
            [_tool("lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
