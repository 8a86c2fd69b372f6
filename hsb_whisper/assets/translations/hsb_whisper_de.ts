<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Curves</name>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="81"/>
        <source>waiting for steps…</source>
        <translation>Warten auf Schritte…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="112"/>
        <source>step {0}</source>
        <translation>Schritt {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="114"/>
        <source>training loss</source>
        <translation>Trainingsverlust</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="114"/>
        <source>dev WER</source>
        <translation>dev-WER</translation>
    </message>
</context>
<context>
    <name>DataPage</name>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="145"/>
        <source>Training data</source>
        <translation>Trainingsdaten</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="148"/>
        <source>Recordings of Upper Sorbian with their transcripts. Every clip is checked; clips that cannot be used are set aside with the reason.</source>
        <translation>Obersorbische Aufnahmen mit ihren Transkripten. Jeder Clip wird geprüft; unbrauchbare Clips werden mit Begründung aussortiert.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="152"/>
        <source>Upper Sorbian</source>
        <translation>Obersorbisch</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="153"/>
        <source>Also Czech data (for the two-stage recipe)</source>
        <translation>Auch tschechische Daten (für das zweistufige Rezept)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="154"/>
        <source>Czech</source>
        <translation>Tschechisch</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="160"/>
        <source>&amp;Import and check</source>
        <translation>&amp;Importieren und prüfen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="170"/>
        <source>&amp;Continue that run</source>
        <translation>Diesen Lauf &amp;fortsetzen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="209"/>
        <source>Your transcripts hold {0:.1f} minutes of checked speech. Some of the recordings are held out: the results page measures the new model on them.</source>
        <translation>Ihre Transkripte enthalten {0:.1f} Minuten geprüfte Sprache. Einige der Aufnahmen werden zurückgehalten: Die Ergebnisseite misst das neue Modell an ihnen.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="220"/>
        <source>An unfinished training run is waiting: {0}</source>
        <translation>Ein nicht abgeschlossener Trainingslauf wartet: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="255"/>
        <source>The data is ready. Go on with Next.</source>
        <translation>Die Daten sind bereit. Fahren Sie mit „Weiter“ fort.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="261"/>
        <source>Choose where the {0} data is.</source>
        <translation>Wählen Sie, wo die Daten ({0}) liegen.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="266"/>
        <source>Importing {0}…</source>
        <translation>{0} wird importiert…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="299"/>
        <source>No usable clips are left for {0} ({1}): see the report below.</source>
        <translation>Für {0} ({1}) bleiben keine brauchbaren Clips übrig: siehe Bericht unten.</translation>
    </message>
</context>
<context>
    <name>DataSource</name>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="95"/>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="101"/>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="102"/>
        <source>Where</source>
        <translation>Ort</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="107"/>
        <source>a Common Voice archive (.tar.gz) or its extracted folder</source>
        <translation>ein Common-Voice-Archiv (.tar.gz) oder sein entpackter Ordner</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="108"/>
        <source>a folder of recordings with transcripts</source>
        <translation>ein Ordner mit Aufnahmen und Transkripten</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="109"/>
        <source>an ELAN corpus (.eaf files with their recordings)</source>
        <translation>ein ELAN-Korpus (.eaf-Dateien mit ihren Aufnahmen)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="110"/>
        <source>a Praat corpus (.TextGrid files with their recordings)</source>
        <translation>ein Praat-Korpus (.TextGrid-Dateien mit ihren Aufnahmen)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="111"/>
        <source>a folder of checked manifests (train.jsonl, dev.jsonl)</source>
        <translation>ein Ordner mit geprüften Manifesten (train.jsonl, dev.jsonl)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="112"/>
        <source>my corrected transcripts (the segments I checked)</source>
        <translation>meine korrigierten Transkripte (die Abschnitte, die ich geprüft habe)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="117"/>
        <source>empty: the transcripts saved in this app</source>
        <translation>leer: die in dieser App gespeicherten Transkripte</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="119"/>
        <source>path</source>
        <translation>Pfad</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="132"/>
        <source>Choose a folder</source>
        <translation>Ordner wählen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="135"/>
        <source>Choose the archive</source>
        <translation>Archiv wählen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="135"/>
        <source>Archives (*.tar.gz *.tgz)</source>
        <translation>Archive (*.tar.gz *.tgz)</translation>
    </message>
</context>
<context>
    <name>ExportPage</name>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="41"/>
        <source>Export and install</source>
        <translation>Exportieren und installieren</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="44"/>
        <source>The new model goes into your models, checked, ready for the transcription pages. A pack (.zip) shares it with others.</source>
        <translation>Das neue Modell kommt geprüft zu Ihren Modellen, bereit zum Transkribieren. Mit einem Paket (.zip) teilen Sie es mit anderen.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="53"/>
        <source>Use it as the &amp;default model</source>
        <translation>Als Standard&amp;modell verwenden</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="55"/>
        <source>&amp;Export and install</source>
        <translation>&amp;Exportieren und installieren</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="57"/>
        <source>Save as a &amp;pack to share…</source>
        <translation>Als &amp;Paket zum Teilen speichern…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="66"/>
        <source>Model name</source>
        <translation>Modellname</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="67"/>
        <source>Weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="92"/>
        <source>The new model was not better than {0} on the held-out speech, so it is not made the default model. You can still install it to try it.</source>
        <translation>Das neue Modell war auf der zurückgehaltenen Sprache nicht besser als {0} und wird daher nicht zum Standardmodell. Sie können es trotzdem installieren, um es auszuprobieren.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="127"/>
        <source>{0} is installed{1}.</source>
        <translation>{0} ist installiert{1}.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="128"/>
        <source> and is the default model</source>
        <translation> und ist das Standardmodell</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="131"/>
        <source>{0} is kept as it was.</source>
        <translation>{0} bleibt unverändert erhalten.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="147"/>
        <source>Save the pack</source>
        <translation>Paket speichern</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="155"/>
        <source>Pack saved: {0}</source>
        <translation>Paket gespeichert: {0}</translation>
    </message>
</context>
<context>
    <name>FilesPage</name>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="66"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="66"/>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="66"/>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="74"/>
        <source>Add files…</source>
        <translation>Dateien hinzufügen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="76"/>
        <source>Add folder…</source>
        <translation>Ordner hinzufügen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="78"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="80"/>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="82"/>
        <source>Open transcript</source>
        <translation>Transkript öffnen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="95"/>
        <source>Add audio files or a folder, or drop them here.</source>
        <translation>Fügen Sie Audiodateien oder einen Ordner hinzu oder ziehen Sie sie hierher.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="98"/>
        <source>The built-in model whisper-base is not trained for Upper Sorbian (it writes Czech spelling): get a better one under Models → Get an Upper Sorbian model…</source>
        <translation>Das eingebaute Modell whisper-base ist nicht für Obersorbisch trainiert (es schreibt tschechische Rechtschreibung): Ein besseres gibt es unter Modelle → Obersorbisches Modell holen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="135"/>
        <source>Audio files</source>
        <translation>Audiodateien</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="137"/>
        <source>Audio</source>
        <translation>Audio</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="142"/>
        <source>Folder with recordings</source>
        <translation>Ordner mit Aufnahmen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="160"/>
        <source>queued</source>
        <translation>wartet</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="161"/>
        <source>transcribing</source>
        <translation>wird transkribiert</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="162"/>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="163"/>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="164"/>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
</context>
<context>
    <name>GetModelDialog</name>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="128"/>
        <source>Get an Upper Sorbian model</source>
        <translation>Obersorbisches Modell holen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="138"/>
        <source>Whisper models trained for Upper Sorbian. The chosen one is downloaded once from the Hugging Face Hub, converted and checked on this computer.</source>
        <translation>Für Obersorbisch trainierte Whisper-Modelle. Das gewählte wird einmal vom Hugging Face Hub heruntergeladen und auf diesem Computer umgewandelt und geprüft.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="146"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="147"/>
        <source>Base</source>
        <translation>Basis</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="148"/>
        <source>Download</source>
        <translation>Download</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="149"/>
        <source>On disk</source>
        <translation>Speicherplatz</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="150"/>
        <source>Speed here</source>
        <translation>Tempo hier</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="151"/>
        <source>Licence</source>
        <translation>Lizenz</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="152"/>
        <source>Reported WER</source>
        <translation>Angegebene WER</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="157"/>
        <source>Seconds of work per second of audio (1x = real time), estimated from a short run of the default model here and the model&apos;s size.</source>
        <translation>Sekunden Arbeit je Sekunde Audio (1x = Echtzeit), geschätzt aus einem kurzen Lauf des Standardmodells hier und der Größe des Modells.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="170"/>
        <source>Reported word error rates come from different test sets: they cannot be compared with each other.</source>
        <translation>Die angegebenen Wortfehlerraten stammen aus verschiedenen Testsätzen: Sie lassen sich nicht miteinander vergleichen.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="178"/>
        <source>Make it the default &amp;model</source>
        <translation>Als Standard&amp;modell verwenden</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="184"/>
        <source>&amp;Download</source>
        <translation>&amp;Herunterladen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="186"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="189"/>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="224"/>
        <source> (installed)</source>
        <translation> (installiert)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="236"/>
        <source>measured on {0}</source>
        <translation>gemessen auf {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="263"/>
        <source>fast</source>
        <translation>schnell</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="264"/>
        <source>about real time</source>
        <translation>etwa Echtzeit</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="265"/>
        <source>slow</source>
        <translation>langsam</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="266"/>
        <source>very slow</source>
        <translation>sehr langsam</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="271"/>
        <source>{0} (copyleft)</source>
        <translation>{0} (Copyleft)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="272"/>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="276"/>
        <source>Copyleft licence {0}: whoever distributes this model (or a service built on it, for AGPL) must share it under the same licence.</source>
        <translation>Copyleft-Lizenz {0}: Wer dieses Modell weitergibt (oder, bei AGPL, einen darauf aufbauenden Dienst anbietet), muss es unter derselben Lizenz weitergeben.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="298"/>
        <source>Hugging Face Hub: {0}; language token {1} ({2})</source>
        <translation>Hugging Face Hub: {0}; Sprach-Token {1} ({2})</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="307"/>
        <source>Reported WER: {0} % on {1}</source>
        <translation>Angegebene WER: {0} %, gemessen auf {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="313"/>
        <source>Sources: {0}</source>
        <translation>Quellen: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="325"/>
        <source>The model card states no licence.</source>
        <translation>Die Modellkarte nennt keine Lizenz.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="328"/>
        <source>This model writes German text for Upper Sorbian speech (a translation).</source>
        <translation>Dieses Modell schreibt zu obersorbischer Sprache deutschen Text (eine Übersetzung).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="375"/>
        <source>Download {0}?</source>
        <translation>{0} herunterladen?</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="376"/>
        <source>Download it?</source>
        <translation>Herunterladen?</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="391"/>
        <source>Connecting…</source>
        <translation>Verbinden…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="399"/>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="409"/>
        <source>Downloading… {0} of {1} MB</source>
        <translation>Herunterladen… {0} von {1} MB</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="414"/>
        <source>Downloading… {0} MB</source>
        <translation>Herunterladen… {0} MB</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="417"/>
        <source>Converting and checking…</source>
        <translation>Umwandeln und prüfen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="434"/>
        <source>{0} is installed and is now the default model.</source>
        <translation>{0} ist installiert und jetzt das Standardmodell.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="436"/>
        <source>{0} is installed: choose it on the Models page.</source>
        <translation>{0} ist installiert: Wählen Sie es unter Modelle aus.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="444"/>
        <source>Cancelled. What was downloaded is kept: Download continues from there next time.</source>
        <translation>Abgebrochen. Das bisher Heruntergeladene bleibt erhalten: „Herunterladen“ macht beim nächsten Mal dort weiter.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="450"/>
        <source>Not installed: {0}</source>
        <translation>Nicht installiert: {0}</translation>
    </message>
</context>
<context>
    <name>HardwarePage</name>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="26"/>
        <source>This computer</source>
        <translation>Dieser Computer</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="29"/>
        <source>A few training steps of the real model are timed here, to tell how long the whole training would take on this computer.</source>
        <translation>Einige Trainingsschritte des echten Modells werden hier gemessen, um abzuschätzen, wie lange das ganze Training auf diesem Computer dauern würde.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="33"/>
        <source>&amp;Measure again</source>
        <translation>Erneut &amp;messen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="60"/>
        <source>Measuring… (the base model is prepared first; this can take minutes)</source>
        <translation>Messung läuft… (zuerst wird das Basismodell vorbereitet; das kann Minuten dauern)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="71"/>
        <source>Hardware: {0}</source>
        <translation>Hardware: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="74"/>
        <source>Stage {0}: {1} steps × {2} s = {3} (on {4})</source>
        <translation>Stufe {0}: {1} Schritte × {2} s = {3} (auf {4})</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="85"/>
        <source>Fast training: the recordings of a step share {0} windows of 30 seconds on average instead of one each ({1}).</source>
        <translation>Schnelles Training: Die Aufnahmen eines Schritts teilen sich im Mittel {0} Fenster zu 30 Sekunden statt je eines ({1}).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="91"/>
        <source>Training would take about {0} (hours:minutes).</source>
        <translation>Das Training würde etwa {0} dauern (Stunden:Minuten).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="102"/>
        <source>Could not measure: {0}</source>
        <translation>Messung nicht möglich: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="104"/>
        <source>You can still train; the time is then not known in advance.</source>
        <translation>Sie können trotzdem trainieren; die Dauer ist dann vorab nicht bekannt.</translation>
    </message>
</context>
<context>
    <name>ImproveDialog</name>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="87"/>
        <source>Improve my model with my corrections</source>
        <translation>Mein Modell mit meinen Korrekturen verbessern</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="92"/>
        <source>The segments you corrected or checked in the Transcript tab train a new version of your model. A few of your recordings are held out: the old and the new model both transcribe them, and the new one is installed as the default model only if it gets fewer words wrong. The old model is kept either way. Training can take hours on a computer without a graphics card; closing this window leaves it running.</source>
        <translation>Die Abschnitte, die Sie im Reiter Transkript korrigiert oder geprüft haben, trainieren eine neue Version Ihres Modells. Einige Ihrer Aufnahmen werden zurückgehalten: Das alte und das neue Modell transkribieren sie beide, und das neue wird nur dann als Standardmodell installiert, wenn es weniger Wörter falsch erkennt. Das alte Modell bleibt in jedem Fall erhalten. Auf einem Computer ohne Grafikkarte kann das Training Stunden dauern; wenn Sie dieses Fenster schließen, läuft es weiter.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="101"/>
        <location filename="../../desktop/ui/improve_dialog.py" line="314"/>
        <source>{0} (the default model)</source>
        <translation>{0} (das Standardmodell)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="102"/>
        <source>counting…</source>
        <translation>wird gezählt…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="105"/>
        <source>Model:</source>
        <translation>Modell:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="106"/>
        <source>Checked speech:</source>
        <translation>Geprüfte Sprache:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="108"/>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="110"/>
        <source>Ca&amp;ncel</source>
        <translation>Ab&amp;brechen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="125"/>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="168"/>
        <source>{0} minutes in your transcripts</source>
        <translation>{0} Minuten in Ihren Transkripten</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="170"/>
        <location filename="../../desktop/ui/improve_dialog.py" line="322"/>
        <source>{0} more minutes of checked speech are needed</source>
        <translation>Es werden noch {0} Minuten geprüfte Sprache benötigt</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="178"/>
        <source>not counted: {0}</source>
        <translation>nicht gezählt: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="231"/>
        <source>Cancelled; nothing was installed.</source>
        <translation>Abgebrochen; nichts wurde installiert.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="234"/>
        <source>Not improved: {0}</source>
        <translation>Nicht verbessert: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="236"/>
        <source>Details: {0}</source>
        <translation>Details: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="248"/>
        <source>Training: step {0} of {1}, loss {2}, {3} left</source>
        <translation>Training: Schritt {0} von {1}, Verlust {2}, noch {3}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="253"/>
        <source>step {0}: {1} % of words wrong on recordings set aside to check it</source>
        <translation>Schritt {0}: {1} % der Wörter falsch auf den zur Kontrolle zurückgelegten Aufnahmen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="266"/>
        <source>Preparing: cutting your checked segments into clips, loading {0}…</source>
        <translation>Vorbereitung: Ihre geprüften Abschnitte werden in Clips geschnitten, {0} wird geladen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="274"/>
        <source>Exporting the new model and comparing it with {0} on your held-out recordings… This can no longer be cancelled.</source>
        <translation>Das neue Modell wird exportiert und auf Ihren zurückgehaltenen Aufnahmen mit {0} verglichen… Das lässt sich nicht mehr abbrechen.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="285"/>
        <source>The new model is better: it is installed as {0} and is now the default model ({1} is kept).</source>
        <translation>Das neue Modell ist besser: Es ist als {0} installiert und jetzt das Standardmodell ({1} bleibt erhalten).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="290"/>
        <source>The new model is not better, so it was not installed: {0} stays the default model.</source>
        <translation>Das neue Modell ist nicht besser und wurde daher nicht installiert: {0} bleibt das Standardmodell.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="294"/>
        <source>{0} minutes</source>
        <translation>{0} Minuten</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="296"/>
        <source>{0} s</source>
        <translation>{0} s</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="299"/>
        <source>On {0} of your held-out corrected speech ({1} words the new model never trained on), {2} gets {3} % of words wrong, the new model {4} %.</source>
        <translation>Auf {0} Ihrer zurückgehaltenen korrigierten Sprache ({1} Wörter, mit denen das neue Modell nie trainiert hat) erkennt {2} {3} % der Wörter falsch, das neue Modell {4} %.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="308"/>
        <source>Work folder: {0}</source>
        <translation>Arbeitsordner: {0}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="53"/>
        <source>Files</source>
        <translation>Dateien</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="54"/>
        <source>Record</source>
        <translation>Aufnehmen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="55"/>
        <source>Transcript</source>
        <translation>Transkript</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="56"/>
        <source>Models</source>
        <translation>Modelle</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="58"/>
        <source>&amp;hsb-whisper</source>
        <translation>&amp;hsb-whisper</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="59"/>
        <source>Settings…</source>
        <translation>Einstellungen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="60"/>
        <source>Train a model…</source>
        <translation>Modell trainieren…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="61"/>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="107"/>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="164"/>
        <source>no audio output</source>
        <translation>keine Audioausgabe</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="167"/>
        <source>Cannot play: {0}</source>
        <translation>Wiedergabe nicht möglich: {0}</translation>
    </message>
</context>
<context>
    <name>MergeSpeakersDialog</name>
    <message>
        <location filename="../../desktop/ui/editor.py" line="598"/>
        <source>Merge speakers</source>
        <translation>Sprecher zusammenführen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="608"/>
        <source>Segments of</source>
        <translation>Die Abschnitte von</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="609"/>
        <source>become those of</source>
        <translation>werden die von</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="610"/>
        <source>The two are then one speaker, with the second one&apos;s name.</source>
        <translation>Die beiden sind dann ein Sprecher, mit dem Namen des zweiten.</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="45"/>
        <source>Get an Upper Sorbian model…</source>
        <translation>Obersorbisches Modell holen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="48"/>
        <source>Install model pack…</source>
        <translation>Modellpaket installieren…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="50"/>
        <source>Install model folder…</source>
        <translation>Modellordner installieren…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="52"/>
        <source>Import a Whisper model…</source>
        <translation>Whisper-Modell importieren…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="55"/>
        <source>Use as default</source>
        <translation>Als Standard verwenden</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="57"/>
        <source>Train a model…</source>
        <translation>Modell trainieren…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="59"/>
        <source>Improve with my corrections…</source>
        <translation>Mit meinen Korrekturen verbessern…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="98"/>
        <source>damaged: {0}</source>
        <translation>beschädigt: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="100"/>
        <source> (default)</source>
        <translation> (Standard)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="149"/>
        <location filename="../../desktop/ui/models_page.py" line="293"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="150"/>
        <location filename="../../desktop/ui/models_page.py" line="280"/>
        <source>Language token</source>
        <translation>Sprach-Token</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="151"/>
        <source>Base</source>
        <translation>Basis</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="152"/>
        <source>Weights</source>
        <translation>Gewichte</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="153"/>
        <source>Recipe</source>
        <translation>Rezept</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="154"/>
        <source>WER</source>
        <translation>WER (Wortfehlerrate)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="155"/>
        <source>Source</source>
        <translation>Herkunft</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="156"/>
        <source>Licence</source>
        <translation>Lizenz</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="157"/>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="162"/>
        <source>Not trained for Upper Sorbian (writes Czech spelling).</source>
        <translation>Nicht für Obersorbisch trainiert (schreibt tschechische Rechtschreibung).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="165"/>
        <source>Copyleft licence: {0}</source>
        <translation>Copyleft-Lizenz: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="192"/>
        <source>On your corrections: …</source>
        <translation>Bei Ihren Korrekturen: …</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="208"/>
        <source>Your corrections could not be scored: {0}</source>
        <translation>Ihre Korrekturen konnten nicht ausgewertet werden: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="224"/>
        <source>No corrected transcripts of this model yet: correct or check segments in the Transcript tab.</source>
        <translation>Noch keine korrigierten Transkripte dieses Modells: Korrigieren oder prüfen Sie Abschnitte im Reiter Transkript.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="232"/>
        <source>On your {0} corrected minutes ({1} words in one recording) this model got {2} % of words wrong.</source>
        <translation>In Ihren {0} korrigierten Minuten ({1} Wörter in einer Aufnahme) hat dieses Modell {2} % der Wörter falsch erkannt.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="237"/>
        <source>On your {0} corrected minutes ({1} words in {2} recordings) this model got {3} % of words wrong.</source>
        <translation>In Ihren {0} korrigierten Minuten ({1} Wörter in {2} Aufnahmen) hat dieses Modell {3} % der Wörter falsch erkannt.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="241"/>
        <source>Saved transcripts that could not be read: {0} (the log names them).</source>
        <translation>Gespeicherte Transkripte, die nicht gelesen werden konnten: {0} (das Protokoll nennt sie).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="252"/>
        <source>Model pack</source>
        <translation>Modellpaket</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="252"/>
        <source>Model packs</source>
        <translation>Modellpakete</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="257"/>
        <source>Model folder</source>
        <translation>Modellordner</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="265"/>
        <source>Not installed</source>
        <translation>Nicht installiert</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="268"/>
        <source>Hugging Face Whisper folder</source>
        <translation>Hugging-Face-Whisper-Ordner</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="274"/>
        <location filename="../../desktop/ui/models_page.py" line="326"/>
        <source>Not imported</source>
        <translation>Nicht importiert</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="282"/>
        <source>The model does not say which Whisper language token to force. Upper Sorbian models use cs, de or pl:</source>
        <translation>Das Modell gibt nicht an, welches Whisper-Sprach-Token erzwungen werden soll. Obersorbische Modelle verwenden cs, de oder pl:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="293"/>
        <source>Model name</source>
        <translation>Modellname</translation>
    </message>
</context>
<context>
    <name>RecipePage</name>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="41"/>
        <source>Recipe</source>
        <translation>Rezept</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="42"/>
        <source>How to train: the two recipes of the original research.</source>
        <translation>Wie trainiert wird: die zwei Rezepte der ursprünglichen Forschung.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="43"/>
        <source>&amp;Classic</source>
        <translation>&amp;Klassisch</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="46"/>
        <source>One adapter is trained directly on the Upper Sorbian data. It needs only Upper Sorbian recordings and is the quicker of the two.</source>
        <translation>Ein Adapter wird direkt mit den obersorbischen Daten trainiert. Er braucht nur obersorbische Aufnahmen und ist der schnellere der beiden.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="50"/>
        <source>&amp;Two-stage</source>
        <translation>Zwei&amp;stufig</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="53"/>
        <source>An adapter is first trained on Czech and merged into the model, then a second one on Upper Sorbian. The original research found this lowers the word error rate on Upper Sorbian; it needs Czech data as well.</source>
        <translation>Zuerst wird ein Adapter auf Tschechisch trainiert und ins Modell übernommen, dann ein zweiter auf Obersorbisch. Laut der ursprünglichen Forschung senkt das die Wortfehlerrate im Obersorbischen; dafür braucht es auch tschechische Daten.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="68"/>
        <source>whisper-small, as in the research (downloaded once if not here)</source>
        <translation>whisper-small, wie in der Forschung (wird einmalig heruntergeladen)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="72"/>
        <source>whisper-base, the embedded model (works offline, quicker)</source>
        <translation>whisper-base, das eingebaute Modell (offline, schneller)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="74"/>
        <source>another Whisper folder…</source>
        <translation>ein anderer Whisper-Ordner…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="78"/>
        <source>{0}, the model you use now (make it better)</source>
        <translation>{0}, das Modell, das Sie jetzt verwenden (verbessern)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="84"/>
        <source>&amp;Fast training on a computer without a GPU</source>
        <translation>&amp;Schnelles Training auf einem Computer ohne GPU</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="88"/>
        <source>Several short recordings share one 30-second window, with a short silence between them: the model listens to them in one pass, which makes training on a processor several times faster. It costs some accuracy: measured on real speech (Dutch, whisper-base, one epoch), the trained model got 37.4 % of the words wrong, against 34.8 % with one recording per window (54.7 % untrained). Untick it for the most accurate model when time does not matter. On a computer with an NVIDIA GPU this is not used.</source>
        <translation>Mehrere kurze Aufnahmen teilen sich ein 30-Sekunden-Fenster, mit einer kurzen Stille dazwischen: Das Modell hört sie in einem Durchgang, was das Training auf einem Prozessor um ein Mehrfaches beschleunigt. Das kostet etwas Genauigkeit: Gemessen an echter Sprache (Niederländisch, whisper-base, eine Epoche) erkannte das trainierte Modell 37,4 % der Wörter falsch, gegenüber 34,8 % mit einer Aufnahme pro Fenster (54,7 % untrainiert). Deaktivieren Sie es für das genaueste Modell, wenn die Zeit keine Rolle spielt. Auf einem Computer mit NVIDIA-GPU wird dies nicht verwendet.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="100"/>
        <source>&amp;Advanced settings</source>
        <translation>&amp;Erweiterte Einstellungen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="109"/>
        <source>all epochs</source>
        <translation>alle Epochen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="111"/>
        <source>Epochs</source>
        <translation>Epochen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="112"/>
        <source>Batch size</source>
        <translation>Batchgröße</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="113"/>
        <source>Learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="114"/>
        <source>LoRA rank r</source>
        <translation>LoRA-Rang r</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="115"/>
        <source>LoRA alpha</source>
        <translation>LoRA-Alpha</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="116"/>
        <source>Stop after steps</source>
        <translation>Nach Schritten anhalten</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="118"/>
        <source>training.checkpoint_every=50</source>
        <translation>training.checkpoint_every=50</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="121"/>
        <source>More settings
(KEY=VALUE, one a line,
as finetune --set)</source>
        <translation>Weitere Einstellungen
(SCHLÜSSEL=WERT, eine pro Zeile,
wie finetune --set)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="127"/>
        <source>Base model</source>
        <translation>Basismodell</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="158"/>
        <source>A Whisper model folder</source>
        <translation>Whisper-Modellordner</translation>
    </message>
</context>
<context>
    <name>RecordPage</name>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="56"/>
        <source>Record</source>
        <translation>Aufnehmen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="57"/>
        <location filename="../../desktop/ui/record_page.py" line="105"/>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="58"/>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="64"/>
        <source>Text appears here while you speak.</source>
        <translation>Der Text erscheint hier, während Sie sprechen.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="66"/>
        <source>Microphone</source>
        <translation>Mikrofon</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="93"/>
        <source>No microphone found. Connect one and restart; transcribing files still works.</source>
        <translation>Kein Mikrofon gefunden. Schließen Sie eines an und starten Sie neu; Dateien transkribieren geht weiterhin.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="105"/>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="129"/>
        <source>Recording to {0}</source>
        <translation>Aufnahme nach {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="158"/>
        <source>Saved {0} ({1:.1f} s); transcribing it in Files.</source>
        <translation>{0} gespeichert ({1:.1f} s); wird unter Dateien transkribiert.</translation>
    </message>
</context>
<context>
    <name>ResultsPage</name>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="100"/>
        <source>Results</source>
        <translation>Ergebnisse</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="102"/>
        <source>The base model and the new one on clips that were not trained on.</source>
        <translation>Das Basismodell und das neue auf Clips, mit denen nicht trainiert wurde.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="114"/>
        <source>WER</source>
        <translation>WER</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="114"/>
        <source>Transcript</source>
        <translation>Transkript</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="114"/>
        <source>Recognised</source>
        <translation>Erkannt</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="120"/>
        <source>&amp;Play the selected utterance</source>
        <translation>Ausgewählte Äußerung &amp;abspielen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="123"/>
        <source>The worst utterances of the new model:</source>
        <translation>Die schlechtesten Äußerungen des neuen Modells:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="155"/>
        <source>Report: {0}</source>
        <translation>Bericht: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="178"/>
        <source>On your {0} of corrected speech held out from training ({1} words the new model never trained on), {2} gets {3} of words wrong, the new model {4}.</source>
        <translation>Auf Ihren {0} korrigierter Sprache, die vom Training zurückgehalten wurden ({1} Wörter, auf denen das neue Modell nie trainiert hat), erkennt {2} {3} der Wörter falsch, das neue Modell {4}.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="183"/>
        <source>On {0} of held-out speech ({1} words the new model never trained on), {2} gets {3} of words wrong, the new model {4}.</source>
        <translation>Auf {0} zurückgehaltener Sprache ({1} Wörter, auf denen das neue Modell nie trainiert hat) erkennt {2} {3} der Wörter falsch, das neue Modell {4}.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="188"/>
        <source>The new model is better.</source>
        <translation>Das neue Modell ist besser.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="190"/>
        <source>The new model is not better: it is not made the default model.</source>
        <translation>Das neue Modell ist nicht besser: Es wird nicht zum Standardmodell.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="205"/>
        <source>no audio output</source>
        <translation>keine Audioausgabe</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="208"/>
        <source>Cannot play {0}: {1}</source>
        <translation>{0} kann nicht abgespielt werden: {1}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="30"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="31"/>
        <source>the model&apos;s own</source>
        <translation>das des Modells</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="37"/>
        <source>all cores</source>
        <translation>alle Kerne</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="38"/>
        <source>skip silence (VAD)</source>
        <translation>Stille überspringen (VAD)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="40"/>
        <source>automatic ({0})</source>
        <translation>automatisch ({0})</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="43"/>
        <source>Speech windows of up to 30 s decoded together: faster on long recordings. 1 decodes one after the other. Needs “skip silence”.</source>
        <translation>Sprachfenster bis 30 s werden gemeinsam dekodiert: schneller bei langen Aufnahmen. 1 dekodiert eines nach dem anderen. Braucht „Stille überspringen“.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="50"/>
        <source>Off</source>
        <translation>Aus</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="51"/>
        <source>Automatic</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="59"/>
        <source>Labels who spoke when: each segment of a transcribed file gets a speaker, whom you can name, reassign and merge in the transcript. “Automatic” finds the number of speakers; a number labels exactly that many. Live text has no speakers.</source>
        <translation>Kennzeichnet, wer wann gesprochen hat: Jeder Abschnitt einer transkribierten Datei bekommt einen Sprecher, den Sie im Transkript benennen, neu zuordnen und mit einem anderen zusammenführen können. „Automatisch“ ermittelt die Zahl der Sprecher; eine Zahl kennzeichnet genau so viele. Der Live-Text hat keine Sprecher.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="64"/>
        <source>next to the audio</source>
        <translation>neben der Audiodatei</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="70"/>
        <source>Language token</source>
        <translation>Sprach-Token</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="71"/>
        <source>Beam size</source>
        <translation>Strahlbreite (Beam)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="72"/>
        <source>Compute type</source>
        <translation>Rechentyp</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="73"/>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="75"/>
        <source>Batch size</source>
        <translation>Batchgröße</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="76"/>
        <source>Speakers</source>
        <translation>Sprecher</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="77"/>
        <source>Output folder</source>
        <translation>Ausgabeordner</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="78"/>
        <source>Interface language (after a restart)</source>
        <translation>Sprache der Oberfläche (nach Neustart)</translation>
    </message>
</context>
<context>
    <name>TrainingPage</name>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="126"/>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="129"/>
        <source>Training runs in a process of its own. Pause stops it after the next checkpoint; it can be continued later, also after closing the app.</source>
        <translation>Das Training läuft in einem eigenen Prozess. Pausieren hält es nach dem nächsten Prüfpunkt an; es lässt sich später fortsetzen, auch nach dem Schließen der App.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="133"/>
        <location filename="../../desktop/ui/wizard/training_page.py" line="257"/>
        <source>&amp;Start training</source>
        <translation>Training &amp;starten</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="134"/>
        <source>&amp;Pause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="135"/>
        <source>Ca&amp;ncel</source>
        <translation>Ab&amp;brechen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="186"/>
        <source>Starting… (run folder {0})</source>
        <translation>Wird gestartet… (Ordner des Laufs: {0})</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="193"/>
        <source>Pausing after the next checkpoint…</source>
        <translation>Pausiert nach dem nächsten Prüfpunkt…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="211"/>
        <source>Training finished. Go on with Next to see the results.</source>
        <translation>Training abgeschlossen. „Weiter“ zeigt die Ergebnisse.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="214"/>
        <source>Paused. Start continues the run (also after closing the app).</source>
        <translation>Pausiert. Der Lauf lässt sich fortsetzen (auch nach dem Schließen der App).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="217"/>
        <source>Cancelled. Start continues from the last checkpoint.</source>
        <translation>Abgebrochen. Der Lauf lässt sich ab dem letzten Prüfpunkt fortsetzen.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="222"/>
        <source>Training failed: {0}</source>
        <translation>Training fehlgeschlagen: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="224"/>
        <source>Details: {0}</source>
        <translation>Details: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="236"/>
        <source>stage {0}: step {1} of {2}, epoch {3}, loss {4}, {5} left</source>
        <translation>Stufe {0}: Schritt {1} von {2}, Epoche {3}, Verlust {4}, noch {5}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="247"/>
        <source>stage {0}, step {1}: dev WER {2}</source>
        <translation>Stufe {0}, Schritt {1}: dev-WER {2}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="257"/>
        <source>&amp;Continue training</source>
        <translation>Training &amp;fortsetzen</translation>
    </message>
</context>
<context>
    <name>TrainingWizard</name>
    <message>
        <location filename="../../desktop/ui/wizard/__init__.py" line="46"/>
        <source>Train a model</source>
        <translation>Modell trainieren</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/__init__.py" line="51"/>
        <source>&lt; &amp;Back</source>
        <translation>&lt; &amp;Zurück</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/__init__.py" line="52"/>
        <source>&amp;Next &gt;</source>
        <translation>&amp;Weiter &gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/__init__.py" line="53"/>
        <source>&amp;Finish</source>
        <translation>Ab&amp;schließen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/__init__.py" line="54"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>TranscriptEditor</name>
    <message>
        <location filename="../../desktop/ui/editor.py" line="201"/>
        <source>No transcript open. Transcribe a file or a recording.</source>
        <translation>Kein Transkript geöffnet. Transkribieren Sie eine Datei oder eine Aufnahme.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="202"/>
        <source>Search…</source>
        <translation>Suchen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="206"/>
        <source>Start</source>
        <translation>Anfang</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="206"/>
        <source>End</source>
        <translation>Ende</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="206"/>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="206"/>
        <source>Speaker</source>
        <translation>Sprecher</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="209"/>
        <source>Checked: the text is right (Ctrl+Return checks and goes on)</source>
        <translation>Geprüft: Der Text stimmt (Strg+Eingabe prüft und geht weiter)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="223"/>
        <source>Play segment</source>
        <translation>Abschnitt abspielen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="226"/>
        <source>Rename speaker…</source>
        <translation>Sprecher umbenennen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="228"/>
        <source>Give the speaker of the selected segment a name, in the whole transcript.</source>
        <translation>Dem Sprecher des ausgewählten Abschnitts einen Namen geben, im ganzen Transkript.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="231"/>
        <location filename="../../desktop/ui/editor.py" line="449"/>
        <source>Assign to speaker</source>
        <translation>Sprecher zuordnen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="233"/>
        <source>The selected segments were said by another speaker.</source>
        <translation>Die ausgewählten Abschnitte hat ein anderer Sprecher gesagt.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="238"/>
        <location filename="../../desktop/ui/editor.py" line="450"/>
        <source>Merge speakers…</source>
        <translation>Sprecher zusammenführen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="239"/>
        <source>Two speakers are one person: make them one.</source>
        <translation>Zwei Sprecher sind eine Person: zu einem zusammenführen.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="253"/>
        <source>Save {0}</source>
        <translation>{0} speichern</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="270"/>
        <location filename="../../desktop/ui/editor.py" line="279"/>
        <source>Next uncertain</source>
        <translation>Nächste unsichere Stelle</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="273"/>
        <source>Check and go on</source>
        <translation>Prüfen und weiter</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="282"/>
        <source>Go to the next unchecked segment the model was unsure of (F8). Ctrl+Return marks the current segment as checked and goes on.</source>
        <translation>Zum nächsten ungeprüften Abschnitt, bei dem das Modell unsicher war (F8). Strg+Eingabe markiert den aktuellen Abschnitt als geprüft und geht weiter.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="287"/>
        <source>Use this recording for training</source>
        <translation>Diese Aufnahme fürs Training verwenden</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="291"/>
        <source>Corrected and checked segments become training data for a better model. Untick to keep this recording out of all training data.</source>
        <translation>Korrigierte und geprüfte Abschnitte werden zu Trainingsdaten für ein besseres Modell. Ohne Häkchen bleibt diese Aufnahme aus allen Trainingsdaten heraus.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="419"/>
        <source>Rename speaker</source>
        <translation>Sprecher umbenennen</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="420"/>
        <source>Name of {0} in the whole transcript (empty: {1}):</source>
        <translation>Name für {0} im ganzen Transkript (leer: {1}):</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="436"/>
        <source>New speaker</source>
        <translation>Neuer Sprecher</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="446"/>
        <source>Rename {0}…</source>
        <translation>{0} umbenennen…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="493"/>
        <source>The model wrote: {0}</source>
        <translation>Das Modell schrieb: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="500"/>
        <source>{0} of {1} segments checked</source>
        <translation>{0} von {1} Abschnitten geprüft</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="505"/>
        <source>All uncertain segments are checked.</source>
        <translation>Alle unsicheren Abschnitte sind geprüft.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="585"/>
        <source>Save transcript</source>
        <translation>Transkript speichern</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="590"/>
        <source>Not saved</source>
        <translation>Nicht gespeichert</translation>
    </message>
</context>
</TS>
