<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="de_DE">
<context>
    <name>FilesPage</name>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="65" />
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="65" />
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="65" />
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="73" />
        <source>Add files…</source>
        <translation>Dateien hinzufügen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="75" />
        <source>Add folder…</source>
        <translation>Ordner hinzufügen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="77" />
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="79" />
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="81" />
        <source>Open transcript</source>
        <translation>Transkript öffnen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="94" />
        <source>Add audio files or a folder, or drop them here.</source>
        <translation>Fügen Sie Audiodateien oder einen Ordner hinzu oder ziehen Sie sie hierher.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="97" />
        <source>The built-in model whisper-base is not trained for Upper Sorbian (it writes Czech spelling): import a better model on the Models page.</source>
        <translation>Das eingebaute Modell whisper-base ist nicht für Obersorbisch trainiert (es schreibt tschechische Rechtschreibung): Importieren Sie unter Modelle ein besseres Modell.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="134" />
        <source>Audio files</source>
        <translation>Audiodateien</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="136" />
        <source>Audio</source>
        <translation>Audio</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="141" />
        <source>Folder with recordings</source>
        <translation>Ordner mit Aufnahmen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="159" />
        <source>queued</source>
        <translation>wartet</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="160" />
        <source>transcribing</source>
        <translation>wird transkribiert</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="161" />
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="162" />
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="163" />
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="42" />
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="43" />
        <source>Record</source>
        <translation>Aufnehmen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="44" />
        <source>Transcript</source>
        <translation>Transkript</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="45" />
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="47" />
        <source>&amp;hsb-whisper</source>
        <translation>&amp;hsb-whisper</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="48" />
        <source>Settings…</source>
        <translation>Einstellungen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="49" />
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="79" />
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="123" />
        <source>no audio output</source>
        <translation>keine Audioausgabe</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="126" />
        <source>Cannot play: {0}</source>
        <translation>Wiedergabe nicht möglich: {0}</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="66" />
        <source>Install model pack…</source>
        <translation>Modellpaket installieren…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="68" />
        <source>Install model folder…</source>
        <translation>Modellordner installieren…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="70" />
        <source>Import a Whisper model…</source>
        <translation>Whisper-Modell importieren…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="73" />
        <source>Use as default</source>
        <translation>Als Standard verwenden</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="94" />
        <source>damaged: {0}</source>
        <translation>beschädigt: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="96" />
        <source> (default)</source>
        <translation> (Standard)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="109" />
        <location filename="../../desktop/ui/models_page.py" line="176" />
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="110" />
        <location filename="../../desktop/ui/models_page.py" line="163" />
        <source>Language token</source>
        <translation>Sprach-Token</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="111" />
        <source>Base</source>
        <translation>Basis</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="112" />
        <source>Weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="113" />
        <source>Recipe</source>
        <translation>Rezept</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="114" />
        <source>WER</source>
        <translation>WER (Wortfehlerrate)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="115" />
        <source>Source</source>
        <translation>Herkunft</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="116" />
        <source>Licence</source>
        <translation>Lizenz</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="117" />
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="122" />
        <source>Not trained for Upper Sorbian (writes Czech spelling).</source>
        <translation>Nicht für Obersorbisch trainiert (schreibt tschechische Rechtschreibung).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="125" />
        <source>Copyleft licence: {0}</source>
        <translation>Copyleft-Lizenz: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="135" />
        <source>Model pack</source>
        <translation>Modellpaket</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="135" />
        <source>Model packs</source>
        <translation>Modellpakete</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="140" />
        <source>Model folder</source>
        <translation>Modellordner</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="148" />
        <source>Not installed</source>
        <translation>Nicht installiert</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="151" />
        <source>Hugging Face Whisper folder</source>
        <translation>Hugging-Face-Whisper-Ordner</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="157" />
        <location filename="../../desktop/ui/models_page.py" line="212" />
        <source>Not imported</source>
        <translation>Nicht importiert</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="165" />
        <source>The model does not say which Whisper language token to force. Upper Sorbian models use cs, de or pl:</source>
        <translation>Das Modell gibt nicht an, welches Whisper-Sprach-Token erzwungen werden soll. Obersorbische Modelle verwenden cs, de oder pl:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="176" />
        <source>Model name</source>
        <translation>Modellname</translation>
    </message>
</context>
<context>
    <name>RecordPage</name>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="53" />
        <source>Record</source>
        <translation>Aufnehmen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="54" />
        <location filename="../../desktop/ui/record_page.py" line="102" />
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="55" />
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="61" />
        <source>Text appears here while you speak.</source>
        <translation>Der Text erscheint hier, während Sie sprechen.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="63" />
        <source>Microphone</source>
        <translation>Mikrofon</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="90" />
        <source>No microphone found. Connect one and restart; transcribing files still works.</source>
        <translation>Kein Mikrofon gefunden. Schließen Sie eines an und starten Sie neu; Dateien transkribieren geht weiterhin.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="102" />
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="124" />
        <source>Recording to {0}</source>
        <translation>Aufnahme nach {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="153" />
        <source>Saved {0} ({1:.1f} s); transcribing it in Files.</source>
        <translation>{0} gespeichert ({1:.1f} s); wird unter Dateien transkribiert.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="25" />
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="26" />
        <source>the model's own</source>
        <translation>das des Modells</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="32" />
        <source>all cores</source>
        <translation>alle Kerne</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="33" />
        <source>skip silence (VAD)</source>
        <translation>Stille überspringen (VAD)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="34" />
        <source>next to the audio</source>
        <translation>neben der Audiodatei</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="40" />
        <source>Language token</source>
        <translation>Sprach-Token</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="41" />
        <source>Beam size</source>
        <translation>Strahlbreite (Beam)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="42" />
        <source>Compute type</source>
        <translation>Rechentyp</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="43" />
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="45" />
        <source>Output folder</source>
        <translation>Ausgabeordner</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="46" />
        <source>Interface language (after a restart)</source>
        <translation>Sprache der Oberfläche (nach Neustart)</translation>
    </message>
</context>
<context>
    <name>TranscriptEditor</name>
    <message>
        <location filename="../../desktop/ui/editor.py" line="61" />
        <source>No transcript open. Transcribe a file or a recording.</source>
        <translation>Kein Transkript geöffnet. Transkribieren Sie eine Datei oder eine Aufnahme.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="62" />
        <source>Search…</source>
        <translation>Suchen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="65" />
        <source>Start</source>
        <translation>Anfang</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="65" />
        <source>End</source>
        <translation>Ende</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="65" />
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="70" />
        <source>Play segment</source>
        <translation>Abschnitt abspielen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="77" />
        <source>Save {0}</source>
        <translation>{0} speichern</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="143" />
        <source>Save transcript</source>
        <translation>Transkript speichern</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="148" />
        <source>Not saved</source>
        <translation>Nicht gespeichert</translation>
    </message>
</context>
</TS>