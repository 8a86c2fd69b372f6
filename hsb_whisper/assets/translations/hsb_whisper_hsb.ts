<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="hsb_DE">
<context>
    <name>Curves</name>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="81"/>
        <source>waiting for steps…</source>
        <translation type="unfinished">čaka so na kroki…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="112"/>
        <source>step {0}</source>
        <translation type="unfinished">krok {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="114"/>
        <source>training loss</source>
        <translation type="unfinished">strata</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="114"/>
        <source>dev WER</source>
        <translation type="unfinished">dev-WER</translation>
    </message>
</context>
<context>
    <name>DataPage</name>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="145"/>
        <source>Training data</source>
        <translation type="unfinished">Trenowanske daty</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="148"/>
        <source>Recordings of Upper Sorbian with their transcripts. Every clip is checked; clips that cannot be used are set aside with the reason.</source>
        <translation type="unfinished">Hornjoserbske nahrawki z jich přepisami. Kóžda nahrawka so přepruwuje; nahrawki, kotrež njehodźa so wužiwać, so z přičinu na bok staja.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="152"/>
        <source>Upper Sorbian</source>
        <translation>Hornjoserbšćina</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="153"/>
        <source>Also Czech data (for the two-stage recipe)</source>
        <translation type="unfinished">Tež čěske daty (za recept w dwěmaj etapomaj)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="154"/>
        <source>Czech</source>
        <translation>Čěšćina</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="160"/>
        <source>&amp;Import and check</source>
        <translation type="unfinished">&amp;Importować a přepruwować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="170"/>
        <source>&amp;Continue that run</source>
        <translation type="unfinished">Z tym běhom &amp;pokročować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="209"/>
        <source>Your transcripts hold {0:.1f} minutes of checked speech. Some of the recordings are held out: the results page measures the new model on them.</source>
        <translation type="unfinished">Waše přepisy wobsahuja {0:.1f} mjeńšin přepruwowaneje rěče. Někotre z nahrawkow so na bok stajeja: strona wuslědkow na nich nowy model měri.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="220"/>
        <source>An unfinished training run is waiting: {0}</source>
        <translation type="unfinished">Njedokónčeny trenowanski běh čaka: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="255"/>
        <source>The data is ready. Go on with Next.</source>
        <translation type="unfinished">Daty su hotowe. Pokročujće z „Dale“.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="261"/>
        <source>Choose where the {0} data is.</source>
        <translation type="unfinished">Wubjerće, hdźe su daty ({0}).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="266"/>
        <source>Importing {0}…</source>
        <translation type="unfinished">{0} so importuje…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="299"/>
        <source>No usable clips are left for {0} ({1}): see the report below.</source>
        <translation type="unfinished">Za {0} ({1}) žane wužiwajomne nahrawki njewostawaja: hlejće rozprawu deleka.</translation>
    </message>
</context>
<context>
    <name>DataSource</name>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="95"/>
        <source>Browse…</source>
        <translation>Přepytać…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="101"/>
        <source>Data</source>
        <translation>Daty</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="102"/>
        <source>Where</source>
        <translation type="unfinished">Hdźe</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="107"/>
        <source>a Common Voice archive (.tar.gz) or its extracted folder</source>
        <translation type="unfinished">archiw Common Voice (.tar.gz) abo jeho wupakowany rjadowak</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="108"/>
        <source>a folder of recordings with transcripts</source>
        <translation type="unfinished">rjadowak z nahrawkami a přepisami</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="109"/>
        <source>an ELAN corpus (.eaf files with their recordings)</source>
        <translation type="unfinished">korpus ELAN (dataje .eaf z jich nahrawkami)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="110"/>
        <source>a Praat corpus (.TextGrid files with their recordings)</source>
        <translation type="unfinished">korpus Praat (dataje .TextGrid z jich nahrawkami)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="111"/>
        <source>a folder of checked manifests (train.jsonl, dev.jsonl)</source>
        <translation type="unfinished">rjadowak z přepruwowanymi manifestami (train.jsonl, dev.jsonl)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="112"/>
        <source>my corrected transcripts (the segments I checked)</source>
        <translation type="unfinished">moje porjedźene přepisy (wotrězki, kotrež sym přepruwował(a))</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="117"/>
        <source>empty: the transcripts saved in this app</source>
        <translation type="unfinished">prózdne: přepisy składowane w tutym nałoženju</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="119"/>
        <source>path</source>
        <translation>šćežka</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="132"/>
        <source>Choose a folder</source>
        <translation>Rjadowak wubrać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="135"/>
        <source>Choose the archive</source>
        <translation type="unfinished">Archiw wubrać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/data_page.py" line="135"/>
        <source>Archives (*.tar.gz *.tgz)</source>
        <translation type="unfinished">Archiwy (*.tar.gz *.tgz)</translation>
    </message>
</context>
<context>
    <name>ExportPage</name>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="41"/>
        <source>Export and install</source>
        <translation type="unfinished">Eksportować a instalować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="44"/>
        <source>The new model goes into your models, checked, ready for the transcription pages. A pack (.zip) shares it with others.</source>
        <translation type="unfinished">Nowy model so přepruwuje a k wašim modelam přida, hotowy za přepisowanje. Z paketom (.zip) móžeće jón z druhimi dźělić.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="53"/>
        <source>Use it as the &amp;default model</source>
        <translation type="unfinished">Jako &amp;standardny model wužiwać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="55"/>
        <source>&amp;Export and install</source>
        <translation type="unfinished">&amp;Eksportować a instalować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="57"/>
        <source>Save as a &amp;pack to share…</source>
        <translation type="unfinished">Jako &amp;paket za dźělenje składować…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="66"/>
        <source>Model name</source>
        <translation type="unfinished">Mjeno modela</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="67"/>
        <source>Weights</source>
        <translation type="unfinished">Wahi</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="92"/>
        <source>The new model was not better than {0} on the held-out speech, so it is not made the default model. You can still install it to try it.</source>
        <translation type="unfinished">Nowy model njebě na na bok stajenej rěči lěpši hač {0}, tohodla so standardny model njestanje. Móžeće jón pak instalować, zo byšće jón wupruwowali.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="127"/>
        <source>{0} is installed{1}.</source>
        <translation type="unfinished">{0} je instalowany{1}.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="128"/>
        <source> and is the default model</source>
        <translation type="unfinished"> a je standardny model</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="131"/>
        <source>{0} is kept as it was.</source>
        <translation type="unfinished">{0} wostanje kaž bě.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="147"/>
        <source>Save the pack</source>
        <translation type="unfinished">Paket składować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/export_page.py" line="155"/>
        <source>Pack saved: {0}</source>
        <translation type="unfinished">Paket składowany: {0}</translation>
    </message>
</context>
<context>
    <name>FilesPage</name>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="66"/>
        <source>File</source>
        <translation>Dataja</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="66"/>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="66"/>
        <source>Progress</source>
        <translation type="unfinished">Postup</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="74"/>
        <source>Add files…</source>
        <translation type="unfinished">Dataje přidać…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="76"/>
        <source>Add folder…</source>
        <translation>Rjadowak přidać…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="78"/>
        <source>Cancel</source>
        <translation>Přetorhnyć</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="80"/>
        <source>Retry</source>
        <translation>Hišće raz spytać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="82"/>
        <source>Open transcript</source>
        <translation type="unfinished">Přepis wočinić</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="95"/>
        <source>Add audio files or a folder, or drop them here.</source>
        <translation type="unfinished">Přidajće awdiodataje abo rjadowak abo ćehńće je sem.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="98"/>
        <source>The built-in model whisper-base is not trained for Upper Sorbian (it writes Czech spelling): get a better one under Models → Get an Upper Sorbian model…</source>
        <translation type="unfinished">Zatwarjeny model whisper-base njeje za hornjoserbšćinu trenowany (pisa čěski prawopis): lěpši dóstanjeće pod Modele → Hornjoserbski model wobstarać…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="135"/>
        <source>Audio files</source>
        <translation type="unfinished">Awdiodataje</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="137"/>
        <source>Audio</source>
        <translation type="unfinished">Awdio</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="142"/>
        <source>Folder with recordings</source>
        <translation type="unfinished">Rjadowak z nahrawkami</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="160"/>
        <source>queued</source>
        <translation type="unfinished">čaka</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="161"/>
        <source>transcribing</source>
        <translation type="unfinished">přepisuje so</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="162"/>
        <source>done</source>
        <translation>dokónčene</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="163"/>
        <source>failed</source>
        <translation>njeporadźiło</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="164"/>
        <source>cancelled</source>
        <translation type="unfinished">přetorhnjene</translation>
    </message>
</context>
<context>
    <name>GetModelDialog</name>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="128"/>
        <source>Get an Upper Sorbian model</source>
        <translation type="unfinished">Hornjoserbski model wobstarać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="138"/>
        <source>Whisper models trained for Upper Sorbian. The chosen one is downloaded once from the Hugging Face Hub, converted and checked on this computer.</source>
        <translation type="unfinished">Modele Whisper trenowane za hornjoserbšćinu. Wubrany model so jónu z Hugging Face Hub sćehnje a na tutym ličaku přetworja a přepruwuje.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="146"/>
        <source>Model</source>
        <translation type="unfinished">Model</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="147"/>
        <source>Base</source>
        <translation type="unfinished">Zakład</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="148"/>
        <source>Download</source>
        <translation type="unfinished">Sćehnjenje</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="149"/>
        <source>On disk</source>
        <translation type="unfinished">Na disku</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="150"/>
        <source>Speed here</source>
        <translation type="unfinished">Spěšnosć tu</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="151"/>
        <source>Licence</source>
        <translation type="unfinished">Licenca</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="152"/>
        <source>Reported WER</source>
        <translation type="unfinished">Podata WER</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="157"/>
        <source>Seconds of work per second of audio (1x = real time), estimated from a short run of the default model here and the model&apos;s size.</source>
        <translation type="unfinished">Sekundy dźěła na sekundu awdia (1x = woprawdźity čas), wuličene z krótkeho běha standardneho modela tu a z wulkosće modela.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="170"/>
        <source>Reported word error rates come from different test sets: they cannot be compared with each other.</source>
        <translation type="unfinished">Podate zmylkowe kwoty słowow pochadźeja z rozdźělnych testowych sadźbow: njedadźa so mjez sobu přirunać.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="178"/>
        <source>Make it the default &amp;model</source>
        <translation type="unfinished">Jako standardny &amp;model wužiwać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="184"/>
        <source>&amp;Download</source>
        <translation type="unfinished">&amp;Sćehnyć</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="186"/>
        <source>Cancel</source>
        <translation>Přetorhnyć</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="189"/>
        <source>Close</source>
        <translation type="unfinished">Začinić</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="224"/>
        <source> (installed)</source>
        <translation type="unfinished"> (instalowany)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="236"/>
        <source>measured on {0}</source>
        <translation type="unfinished">měrjene na {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="263"/>
        <source>fast</source>
        <translation type="unfinished">spěšny</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="264"/>
        <source>about real time</source>
        <translation type="unfinished">něhdźe woprawdźity čas</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="265"/>
        <source>slow</source>
        <translation type="unfinished">pomały</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="266"/>
        <source>very slow</source>
        <translation type="unfinished">jara pomały</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="271"/>
        <source>{0} (copyleft)</source>
        <translation type="unfinished">{0} (copyleft)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="272"/>
        <source>unknown</source>
        <translation type="unfinished">njeznata</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="276"/>
        <source>Copyleft licence {0}: whoever distributes this model (or a service built on it, for AGPL) must share it under the same licence.</source>
        <translation type="unfinished">Copyleft-licenca {0}: štóž tutón model rozšěrja (abo při AGPL słužbu na nim zapołoženu poskića), dyrbi jón pod samsnej licencu dale dać.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="298"/>
        <source>Hugging Face Hub: {0}; language token {1} ({2})</source>
        <translation type="unfinished">Hugging Face Hub: {0}; rěčny token {1} ({2})</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="307"/>
        <source>Reported WER: {0} % on {1}</source>
        <translation type="unfinished">Podata WER: {0} %, měrjena na {1}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="313"/>
        <source>Sources: {0}</source>
        <translation type="unfinished">Žórła: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="325"/>
        <source>The model card states no licence.</source>
        <translation type="unfinished">Karta modela žanu licencu njemjenuje.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="328"/>
        <source>This model writes German text for Upper Sorbian speech (a translation).</source>
        <translation type="unfinished">Tutón model piše k hornjoserbskej rěči němski tekst (přełožk).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="375"/>
        <source>Download {0}?</source>
        <translation type="unfinished">{0} sćehnyć?</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="376"/>
        <source>Download it?</source>
        <translation type="unfinished">Sćehnyć?</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="391"/>
        <source>Connecting…</source>
        <translation type="unfinished">Zwjazuje so…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="399"/>
        <source>Cancelling…</source>
        <translation type="unfinished">Přetorhuje so…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="409"/>
        <source>Downloading… {0} of {1} MB</source>
        <translation type="unfinished">Sćahuje so… {0} z {1} MB</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="414"/>
        <source>Downloading… {0} MB</source>
        <translation type="unfinished">Sćahuje so… {0} MB</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="417"/>
        <source>Converting and checking…</source>
        <translation type="unfinished">Přetworja a přepruwuje so…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="434"/>
        <source>{0} is installed and is now the default model.</source>
        <translation type="unfinished">{0} je instalowany a je nětko standardny model.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="436"/>
        <source>{0} is installed: choose it on the Models page.</source>
        <translation type="unfinished">{0} je instalowany: wubjerće jón na stronje Modele.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="444"/>
        <source>Cancelled. What was downloaded is kept: Download continues from there next time.</source>
        <translation type="unfinished">Přetorhnjene. Dotal sćehnjene so wobchowa: „Sćehnyć“ přichodny raz tam pokročuje.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/get_model_dialog.py" line="450"/>
        <source>Not installed: {0}</source>
        <translation type="unfinished">Njeinstalowane: {0}</translation>
    </message>
</context>
<context>
    <name>HardwarePage</name>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="26"/>
        <source>This computer</source>
        <translation type="unfinished">Tutón ličak</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="29"/>
        <source>A few training steps of the real model are timed here, to tell how long the whole training would take on this computer.</source>
        <translation type="unfinished">Někotre trenowanske kroki woprawdźiteho modela so tu měrja, zo by so zwěsćiło, kak dołho by cyłe trenowanje na tutym ličaku trało.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="33"/>
        <source>&amp;Measure again</source>
        <translation type="unfinished">Znowa &amp;měrić</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="60"/>
        <source>Measuring… (the base model is prepared first; this can take minutes)</source>
        <translation type="unfinished">Měri so… (najprjedy so zakładny model přihotuje; to móže minuty trać)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="71"/>
        <source>Hardware: {0}</source>
        <translation type="unfinished">Hardwara: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="74"/>
        <source>Stage {0}: {1} steps × {2} s = {3} (on {4})</source>
        <translation type="unfinished">Etapa {0}: {1} krokow × {2} s = {3} (na {4})</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="85"/>
        <source>Fast training: the recordings of a step share {0} windows of 30 seconds on average instead of one each ({1}).</source>
        <translation type="unfinished">Spěšne trenowanje: nahrawki jednoho kroka so w přerězku do {0} woknow po 30 sekundach dźěla město jednoho za kóždu ({1}).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="91"/>
        <source>Training would take about {0} (hours:minutes).</source>
        <translation type="unfinished">Trenowanje by přibližnje {0} trało (hodźiny:mjeńšiny).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="102"/>
        <source>Could not measure: {0}</source>
        <translation type="unfinished">Měrjenje njeje so poradźiło: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/hardware_page.py" line="104"/>
        <source>You can still train; the time is then not known in advance.</source>
        <translation type="unfinished">Móžeće přiwšěm trenować; trajo je potom njeznate.</translation>
    </message>
</context>
<context>
    <name>ImproveDialog</name>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="87"/>
        <source>Improve my model with my corrections</source>
        <translation type="unfinished">Mój model z mojimi porjedźenjemi polěpšić</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="92"/>
        <source>The segments you corrected or checked in the Transcript tab train a new version of your model. A few of your recordings are held out: the old and the new model both transcribe them, and the new one is installed as the default model only if it gets fewer words wrong. The old model is kept either way. Training can take hours on a computer without a graphics card; closing this window leaves it running.</source>
        <translation type="unfinished">Wotrězki, kotrež sće w rajtarku Přepis porjedźili abo přepruwowali, trenuja nowu wersiju wašeho modela. Někotre z wašich nahrawkow so na bok stajeja: stary a nowy model je wobaj přepisujetej, a nowy so jako standardny model instaluje jenož, hdyž mjenje słowow wopak spózna. Stary model so w kóždym padźe wobchowa. Na kompjuterje bjez grafiskeje karty móže trenowanje hodźiny trać; hdyž tute wokno začinjeće, dale běži.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="101"/>
        <location filename="../../desktop/ui/improve_dialog.py" line="314"/>
        <source>{0} (the default model)</source>
        <translation type="unfinished">{0} (standardny model)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="102"/>
        <source>counting…</source>
        <translation type="unfinished">liči so…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="105"/>
        <source>Model:</source>
        <translation type="unfinished">Model:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="106"/>
        <source>Checked speech:</source>
        <translation type="unfinished">Přepruwowana rěč:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="108"/>
        <source>&amp;Start</source>
        <translation type="unfinished">&amp;Startować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="110"/>
        <source>Ca&amp;ncel</source>
        <translation>Přetorh&amp;nyć</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="125"/>
        <source>&amp;Close</source>
        <translation type="unfinished">&amp;Začinić</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="168"/>
        <source>{0} minutes in your transcripts</source>
        <translation type="unfinished">{0} mjeńšin we wašich přepisach</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="170"/>
        <location filename="../../desktop/ui/improve_dialog.py" line="322"/>
        <source>{0} more minutes of checked speech are needed</source>
        <translation type="unfinished">Trjeba so hišće {0} mjeńšin přepruwowaneje rěče</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="178"/>
        <source>not counted: {0}</source>
        <translation type="unfinished">njeličene: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="231"/>
        <source>Cancelled; nothing was installed.</source>
        <translation type="unfinished">Přetorhnjene; ničo njeje so instalowało.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="234"/>
        <source>Not improved: {0}</source>
        <translation type="unfinished">Njepolěpšene: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="236"/>
        <source>Details: {0}</source>
        <translation type="unfinished">Podrobnosće: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="248"/>
        <source>Training: step {0} of {1}, loss {2}, {3} left</source>
        <translation type="unfinished">Trenowanje: krok {0} z {1}, strata {2}, wostawa {3}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="253"/>
        <source>step {0}: {1} % of words wrong on recordings set aside to check it</source>
        <translation type="unfinished">krok {0}: {1} % słowow wopak na nahrawkach, kotrež su so za kontrolu na bok stajili</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="266"/>
        <source>Preparing: cutting your checked segments into clips, loading {0}…</source>
        <translation type="unfinished">Přihot: waše přepruwowane wotrězki so do klipow rězaja, {0} so začituje…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="274"/>
        <source>Exporting the new model and comparing it with {0} on your held-out recordings… This can no longer be cancelled.</source>
        <translation type="unfinished">Nowy model so eksportuje a so na wašich na bok stajenych nahrawkach z {0} přirunuje… To so hižo přetorhnyć njeda.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="285"/>
        <source>The new model is better: it is installed as {0} and is now the default model ({1} is kept).</source>
        <translation type="unfinished">Nowy model je lěpši: je jako {0} instalowany a je nětko standardny model ({1} so wobchowa).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="290"/>
        <source>The new model is not better, so it was not installed: {0} stays the default model.</source>
        <translation type="unfinished">Nowy model lěpši njeje, tohodla njeje so instalował: {0} wostanje standardny model.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="294"/>
        <source>{0} minutes</source>
        <translation type="unfinished">{0} mjeńšin</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="296"/>
        <source>{0} s</source>
        <translation type="unfinished">{0} s</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="299"/>
        <source>On {0} of your held-out corrected speech ({1} words the new model never trained on), {2} gets {3} % of words wrong, the new model {4} %.</source>
        <translation type="unfinished">Na {0} wašeje na bok stajeneje porjedźeneje rěče ({1} słowow, na kotrychž nowy model ženje trenował njeje) spózna {2} {3} % słowow wopak, nowy model {4} %.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/improve_dialog.py" line="308"/>
        <source>Work folder: {0}</source>
        <translation type="unfinished">Dźěłowy rjadowak: {0}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="53"/>
        <source>Files</source>
        <translation type="unfinished">Dataje</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="54"/>
        <source>Record</source>
        <translation type="unfinished">Nahrać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="55"/>
        <source>Transcript</source>
        <translation type="unfinished">Přepis</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="56"/>
        <source>Models</source>
        <translation type="unfinished">Modele</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="58"/>
        <source>&amp;hsb-whisper</source>
        <translation>&amp;hsb-whisper</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="59"/>
        <source>Settings…</source>
        <translation>Nastajenja…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="60"/>
        <source>Train a model…</source>
        <translation type="unfinished">Model trenować…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="61"/>
        <source>Quit</source>
        <translation>Skónčić</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="107"/>
        <source>Ready</source>
        <translation type="unfinished">Hotowy</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="164"/>
        <source>no audio output</source>
        <translation type="unfinished">žadyn awdiowudaće</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="167"/>
        <source>Cannot play: {0}</source>
        <translation type="unfinished">Wothrać njemóžno: {0}</translation>
    </message>
</context>
<context>
    <name>MergeSpeakersDialog</name>
    <message>
        <location filename="../../desktop/ui/editor.py" line="598"/>
        <source>Merge speakers</source>
        <translation type="unfinished">Rěčnikow zjednoćić</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="608"/>
        <source>Segments of</source>
        <translation type="unfinished">Wotrězki rěčnika</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="609"/>
        <source>become those of</source>
        <translation type="unfinished">budu wotrězki rěčnika</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="610"/>
        <source>The two are then one speaker, with the second one&apos;s name.</source>
        <translation type="unfinished">Wobaj staj potom jedyn rěčnik z mjenom druheho.</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="45"/>
        <source>Get an Upper Sorbian model…</source>
        <translation type="unfinished">Hornjoserbski model wobstarać…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="48"/>
        <source>Install model pack…</source>
        <translation type="unfinished">Modelowy paket instalować…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="50"/>
        <source>Install model folder…</source>
        <translation type="unfinished">Modelowy rjadowak instalować…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="52"/>
        <source>Import a Whisper model…</source>
        <translation type="unfinished">Whisper-model importować…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="55"/>
        <source>Use as default</source>
        <translation>Jako standard wužiwać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="57"/>
        <source>Train a model…</source>
        <translation type="unfinished">Model trenować…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="59"/>
        <source>Improve with my corrections…</source>
        <translation type="unfinished">Z mojimi porjedźenjemi polěpšić…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="98"/>
        <source>damaged: {0}</source>
        <translation type="unfinished">wobškodźene: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="100"/>
        <source> (default)</source>
        <translation type="unfinished"> (standard)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="149"/>
        <location filename="../../desktop/ui/models_page.py" line="293"/>
        <source>Name</source>
        <translation>Mjeno</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="150"/>
        <location filename="../../desktop/ui/models_page.py" line="280"/>
        <source>Language token</source>
        <translation type="unfinished">Rěčny token</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="151"/>
        <source>Base</source>
        <translation type="unfinished">Zakład</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="152"/>
        <source>Weights</source>
        <translation type="unfinished">Wahi</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="153"/>
        <source>Recipe</source>
        <translation type="unfinished">Recept</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="154"/>
        <source>WER</source>
        <translation type="unfinished">WER (zmylkowa kwota słowow)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="155"/>
        <source>Source</source>
        <translation type="unfinished">Žórło</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="156"/>
        <source>Licence</source>
        <translation type="unfinished">Licenca</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="157"/>
        <source>Folder</source>
        <translation>Rjadowak</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="162"/>
        <source>Not trained for Upper Sorbian (writes Czech spelling).</source>
        <translation type="unfinished">Njeje za hornjoserbšćinu trenowany (pisa čěski prawopis).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="165"/>
        <source>Copyleft licence: {0}</source>
        <translation type="unfinished">Copyleft-licenca: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="192"/>
        <source>On your corrections: …</source>
        <translation type="unfinished">Na wašich porjedźenkach: …</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="208"/>
        <source>Your corrections could not be scored: {0}</source>
        <translation type="unfinished">Waše porjedźenki njedachu so wuhódnoćić: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="224"/>
        <source>No corrected transcripts of this model yet: correct or check segments in the Transcript tab.</source>
        <translation type="unfinished">Hišće žane porjedźene přepisy tutoho modela: porjedźće abo přepruwujće wotrězki w rajtarku Přepis.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="232"/>
        <source>On your {0} corrected minutes ({1} words in one recording) this model got {2} % of words wrong.</source>
        <translation type="unfinished">Na wašich {0} porjedźenych mjeńšinach ({1} słowow w jednej nahrawce) je tutón model {2} % słowow wopak spóznał.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="237"/>
        <source>On your {0} corrected minutes ({1} words in {2} recordings) this model got {3} % of words wrong.</source>
        <translation type="unfinished">Na wašich {0} porjedźenych mjeńšinach ({1} słowow w {2} nahrawkach) je tutón model {3} % słowow wopak spóznał.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="241"/>
        <source>Saved transcripts that could not be read: {0} (the log names them).</source>
        <translation type="unfinished">Składowane přepisy, kotrež njedachu so čitać: {0} (protokol je mjenuje).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="252"/>
        <source>Model pack</source>
        <translation type="unfinished">Modelowy paket</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="252"/>
        <source>Model packs</source>
        <translation type="unfinished">Modelowe pakety</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="257"/>
        <source>Model folder</source>
        <translation type="unfinished">Modelowy rjadowak</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="265"/>
        <source>Not installed</source>
        <translation type="unfinished">Njeinstalowane</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="268"/>
        <source>Hugging Face Whisper folder</source>
        <translation type="unfinished">Rjadowak Hugging Face Whisper</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="274"/>
        <location filename="../../desktop/ui/models_page.py" line="326"/>
        <source>Not imported</source>
        <translation type="unfinished">Njeimportowane</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="282"/>
        <source>The model does not say which Whisper language token to force. Upper Sorbian models use cs, de or pl:</source>
        <translation type="unfinished">Model njepraji, kotry rěčny token Whisper so wužiwa. Hornjoserbske modele wužiwaja cs, de abo pl:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="293"/>
        <source>Model name</source>
        <translation type="unfinished">Mjeno modela</translation>
    </message>
</context>
<context>
    <name>RecipePage</name>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="41"/>
        <source>Recipe</source>
        <translation type="unfinished">Recept</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="42"/>
        <source>How to train: the two recipes of the original research.</source>
        <translation type="unfinished">Kak trenować: dwaj receptaj originalneho slědźenja.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="43"/>
        <source>&amp;Classic</source>
        <translation type="unfinished">&amp;Klasiski</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="46"/>
        <source>One adapter is trained directly on the Upper Sorbian data. It needs only Upper Sorbian recordings and is the quicker of the two.</source>
        <translation type="unfinished">Jedyn adapter so direktnje na hornjoserbskich datach trenuje. Trjeba jenož hornjoserbske nahrawki a je spěšniši z wobeju.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="50"/>
        <source>&amp;Two-stage</source>
        <translation type="unfinished">Dwě &amp;etapje</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="53"/>
        <source>An adapter is first trained on Czech and merged into the model, then a second one on Upper Sorbian. The original research found this lowers the word error rate on Upper Sorbian; it needs Czech data as well.</source>
        <translation type="unfinished">Najprjedy so adapter na čěšćinje trenuje a z modelom zjednoći, potom druhi na hornjoserbšćinje. Po originalnym slědźenju to zmylkowu kwotu słowow za hornjoserbšćinu znižuje; trjeba pak tež čěske daty.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="68"/>
        <source>whisper-small, as in the research (downloaded once if not here)</source>
        <translation type="unfinished">whisper-small, kaž w slědźenju (so jónu sćehnje, jeli tu njeje)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="72"/>
        <source>whisper-base, the embedded model (works offline, quicker)</source>
        <translation type="unfinished">whisper-base, zatwarjeny model (dźěła offline, spěšniši)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="74"/>
        <source>another Whisper folder…</source>
        <translation type="unfinished">druhi rjadowak Whisper…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="78"/>
        <source>{0}, the model you use now (make it better)</source>
        <translation type="unfinished">{0}, model, kotryž nětko wužiwaće (polěpšić)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="84"/>
        <source>&amp;Fast training on a computer without a GPU</source>
        <translation type="unfinished">&amp;Spěšne trenowanje na ličaku bjez GPU</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="88"/>
        <source>Several short recordings share one 30-second window, with a short silence between them: the model listens to them in one pass, which makes training on a processor several times faster. It costs some accuracy: measured on real speech (Dutch, whisper-base, one epoch), the trained model got 37.4 % of the words wrong, against 34.8 % with one recording per window (54.7 % untrained). Untick it for the most accurate model when time does not matter. On a computer with an NVIDIA GPU this is not used.</source>
        <translation type="unfinished">Wjacore krótke nahrawki so do jednoho 30-sekundoweho wokna z krótkej ćišinu mjez nimi zestajeja: model je w jednym přeběhu słyši, štož trenowanje na procesorje wjacekróć spěšniše čini. To pak kusk dokładnosće płaći: měrjene na woprawdźitej rěči (nižozemšćina, whisper-base, jedna epocha) trenowany model 37,4 % słowow wopak spózna, napřećo 34,8 % z jednej nahrawku na wokno (54,7 % bjez trenowanja). Wotstrońće hóčku za najdokładniši model, hdyž čas žanu rólu njehraje. Na ličaku z GPU NVIDIA so to njewužiwa.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="100"/>
        <source>&amp;Advanced settings</source>
        <translation>&amp;Rozšěrjene nastajenja</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="109"/>
        <source>all epochs</source>
        <translation type="unfinished">wšě epochi</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="111"/>
        <source>Epochs</source>
        <translation type="unfinished">Epochi</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="112"/>
        <source>Batch size</source>
        <translation type="unfinished">Wulkosć batcha</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="113"/>
        <source>Learning rate</source>
        <translation type="unfinished">Spěšnosć wuknjenja</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="114"/>
        <source>LoRA rank r</source>
        <translation type="unfinished">LoRA-rang r</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="115"/>
        <source>LoRA alpha</source>
        <translation type="unfinished">LoRA-alfa</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="116"/>
        <source>Stop after steps</source>
        <translation type="unfinished">Po krokach zastajić</translation>
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
        <translation type="unfinished">Dalše nastajenja
(KLUČ=HÓDNOTA, jedne na linku,
kaž finetune --set)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="127"/>
        <source>Base model</source>
        <translation type="unfinished">Zakładny model</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/recipe_page.py" line="158"/>
        <source>A Whisper model folder</source>
        <translation type="unfinished">Rjadowak modela Whisper</translation>
    </message>
</context>
<context>
    <name>RecordPage</name>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="56"/>
        <source>Record</source>
        <translation type="unfinished">Nahrać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="57"/>
        <location filename="../../desktop/ui/record_page.py" line="105"/>
        <source>Pause</source>
        <translation>Přestawka</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="58"/>
        <source>Stop</source>
        <translation>Zastajić</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="64"/>
        <source>Text appears here while you speak.</source>
        <translation type="unfinished">Tekst so tu pokazuje, mjeztym zo rěčiće.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="66"/>
        <source>Microphone</source>
        <translation>Mikrofon</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="93"/>
        <source>No microphone found. Connect one and restart; transcribing files still works.</source>
        <translation type="unfinished">Žadyn mikrofon namakany. Zwjazajće jedyn a startujće znowa; přepis datajow dale funguje.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="105"/>
        <source>Resume</source>
        <translation>Pokročować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="129"/>
        <source>Recording to {0}</source>
        <translation type="unfinished">Nahrawa so do {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="158"/>
        <source>Saved {0} ({1:.1f} s); transcribing it in Files.</source>
        <translation type="unfinished">{0} składowane ({1:.1f} s); přepisuje so w Datajach.</translation>
    </message>
</context>
<context>
    <name>ResultsPage</name>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="100"/>
        <source>Results</source>
        <translation>Wuslědki</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="102"/>
        <source>The base model and the new one on clips that were not trained on.</source>
        <translation type="unfinished">Zakładny a nowy model na nahrawkach, z kotrymiž so njeje trenowało.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="114"/>
        <source>WER</source>
        <translation type="unfinished">WER</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="114"/>
        <source>Transcript</source>
        <translation type="unfinished">Přepis</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="114"/>
        <source>Recognised</source>
        <translation type="unfinished">Spóznate</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="120"/>
        <source>&amp;Play the selected utterance</source>
        <translation type="unfinished">Wubrane wuprajenje wot&amp;hrać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="123"/>
        <source>The worst utterances of the new model:</source>
        <translation type="unfinished">Najhórše wuprajenja noweho modela:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="155"/>
        <source>Report: {0}</source>
        <translation type="unfinished">Rozprawa: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="178"/>
        <source>On your {0} of corrected speech held out from training ({1} words the new model never trained on), {2} gets {3} of words wrong, the new model {4}.</source>
        <translation type="unfinished">Na wašich {0} porjedźeneje rěče, kotrež so za trenowanje njewužiwachu ({1} słowow, na kotrychž nowy model ženje njetrenowaše), {2} {3} słowow wopak spózna, nowy model {4}.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="183"/>
        <source>On {0} of held-out speech ({1} words the new model never trained on), {2} gets {3} of words wrong, the new model {4}.</source>
        <translation type="unfinished">Na {0} na bok stajeneje rěče ({1} słowow, na kotrychž nowy model ženje njetrenowaše) {2} {3} słowow wopak spózna, nowy model {4}.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="188"/>
        <source>The new model is better.</source>
        <translation type="unfinished">Nowy model je lěpši.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="190"/>
        <source>The new model is not better: it is not made the default model.</source>
        <translation type="unfinished">Nowy model njeje lěpši: standardny model so njestanje.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="205"/>
        <source>no audio output</source>
        <translation type="unfinished">žadyn awdiowudaće</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/results_page.py" line="208"/>
        <source>Cannot play {0}: {1}</source>
        <translation type="unfinished">{0} njeda so wothrać: {1}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="30"/>
        <source>Settings</source>
        <translation>Nastajenja</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="31"/>
        <source>the model&apos;s own</source>
        <translation type="unfinished">modelowy</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="37"/>
        <source>all cores</source>
        <translation type="unfinished">wšě jadra</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="38"/>
        <source>skip silence (VAD)</source>
        <translation type="unfinished">ćišinu přeskočić (VAD)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="40"/>
        <source>automatic ({0})</source>
        <translation type="unfinished">awtomatisce ({0})</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="43"/>
        <source>Speech windows of up to 30 s decoded together: faster on long recordings. 1 decodes one after the other. Needs “skip silence”.</source>
        <translation type="unfinished">Wokna rěče hač do 30 s so zhromadnje dekoduja: spěšnišo při dołhich nahrawkach. 1 dekoduje jedne po druhim. Trjeba „ćišinu přeskočić“.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="50"/>
        <source>Off</source>
        <translation type="unfinished">Wupinjene</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="51"/>
        <source>Automatic</source>
        <translation type="unfinished">Awtomatisce</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="59"/>
        <source>Labels who spoke when: each segment of a transcribed file gets a speaker, whom you can name, reassign and merge in the transcript. “Automatic” finds the number of speakers; a number labels exactly that many. Live text has no speakers.</source>
        <translation type="unfinished">Woznamjenja, štó je hdy rěčał: kóždy wotrězk přepisaneje dataje dóstanje rěčnika, kotrehož móžeće w přepisu pomjenować, druhemu rěčnikej přirjadować a z druhim zjednoćić. „Awtomatisce“ ličbu rěčnikow sam zwěsći; ličba woznamjenja runje telko rěčnikow. Tekst při nahrawanju rěčnikow nima.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="64"/>
        <source>next to the audio</source>
        <translation type="unfinished">pódla awdiodataje</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="70"/>
        <source>Language token</source>
        <translation type="unfinished">Rěčny token</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="71"/>
        <source>Beam size</source>
        <translation type="unfinished">Šěrokosć pytanja (beam)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="72"/>
        <source>Compute type</source>
        <translation type="unfinished">Typ wobličenja</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="73"/>
        <source>Threads</source>
        <translation>Nitki</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="75"/>
        <source>Batch size</source>
        <translation type="unfinished">Wulkosć batcha</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="76"/>
        <source>Speakers</source>
        <translation type="unfinished">Rěčnicy</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="77"/>
        <source>Output folder</source>
        <translation type="unfinished">Cilowy rjadowak</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="78"/>
        <source>Interface language (after a restart)</source>
        <translation type="unfinished">Rěč powjercha (po nowym starće)</translation>
    </message>
</context>
<context>
    <name>TrainingPage</name>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="126"/>
        <source>Training</source>
        <translation type="unfinished">Trenowanje</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="129"/>
        <source>Training runs in a process of its own. Pause stops it after the next checkpoint; it can be continued later, also after closing the app.</source>
        <translation type="unfinished">Trenowanje běži w swójskim procesu. Přestawka je po přichodnym kontrolnym dypku zastaji; pozdźišo da so z nim pokročować, tež po začinjenju nałoženja.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="133"/>
        <location filename="../../desktop/ui/wizard/training_page.py" line="257"/>
        <source>&amp;Start training</source>
        <translation type="unfinished">Trenowanje &amp;startować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="134"/>
        <source>&amp;Pause</source>
        <translation>&amp;Přestawka</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="135"/>
        <source>Ca&amp;ncel</source>
        <translation>Přetorh&amp;nyć</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="186"/>
        <source>Starting… (run folder {0})</source>
        <translation type="unfinished">Startuje so… (rjadowak běha: {0})</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="193"/>
        <source>Pausing after the next checkpoint…</source>
        <translation type="unfinished">Přestawka po přichodnym kontrolnym dypku…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="211"/>
        <source>Training finished. Go on with Next to see the results.</source>
        <translation type="unfinished">Trenowanje je dokónčene. „Dale“ pokazuje wuslědki.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="214"/>
        <source>Paused. Start continues the run (also after closing the app).</source>
        <translation type="unfinished">Přestawka. Z běhom da so pokročować (tež po začinjenju nałoženja).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="217"/>
        <source>Cancelled. Start continues from the last checkpoint.</source>
        <translation type="unfinished">Přetorhnjene. Z běhom da so wot posledneho kontrolneho dypka pokročować.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="222"/>
        <source>Training failed: {0}</source>
        <translation type="unfinished">Trenowanje njeje so poradźiło: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="224"/>
        <source>Details: {0}</source>
        <translation type="unfinished">Podrobnosće: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="236"/>
        <source>stage {0}: step {1} of {2}, epoch {3}, loss {4}, {5} left</source>
        <translation type="unfinished">etapa {0}: krok {1} z {2}, epocha {3}, strata {4}, wostawa {5}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="247"/>
        <source>stage {0}, step {1}: dev WER {2}</source>
        <translation type="unfinished">etapa {0}, krok {1}: dev-WER {2}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/training_page.py" line="257"/>
        <source>&amp;Continue training</source>
        <translation type="unfinished">Z trenowanjom po&amp;kročować</translation>
    </message>
</context>
<context>
    <name>TrainingWizard</name>
    <message>
        <location filename="../../desktop/ui/wizard/__init__.py" line="46"/>
        <source>Train a model</source>
        <translation type="unfinished">Model trenować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/__init__.py" line="51"/>
        <source>&lt; &amp;Back</source>
        <translation>&lt; &amp;Wróćo</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/__init__.py" line="52"/>
        <source>&amp;Next &gt;</source>
        <translation>&amp;Dale &gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/__init__.py" line="53"/>
        <source>&amp;Finish</source>
        <translation>&amp;Dokónčić</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/wizard/__init__.py" line="54"/>
        <source>Cancel</source>
        <translation>Přetorhnyć</translation>
    </message>
</context>
<context>
    <name>TranscriptEditor</name>
    <message>
        <location filename="../../desktop/ui/editor.py" line="201"/>
        <source>No transcript open. Transcribe a file or a recording.</source>
        <translation type="unfinished">Žadyn přepis wočinjeny. Přepisajće dataju abo nahrawku.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="202"/>
        <source>Search…</source>
        <translation>Pytać…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="206"/>
        <source>Start</source>
        <translation type="unfinished">Spočatk</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="206"/>
        <source>End</source>
        <translation type="unfinished">Kónc</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="206"/>
        <source>Text</source>
        <translation>Tekst</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="206"/>
        <source>Speaker</source>
        <translation type="unfinished">Rěčnik</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="209"/>
        <source>Checked: the text is right (Ctrl+Return checks and goes on)</source>
        <translation type="unfinished">Přepruwowane: tekst je prawy (Ctrl+Return přepruwuje a pokročuje)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="223"/>
        <source>Play segment</source>
        <translation type="unfinished">Wotrězk wothrać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="226"/>
        <source>Rename speaker…</source>
        <translation type="unfinished">Rěčnika přemjenować…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="228"/>
        <source>Give the speaker of the selected segment a name, in the whole transcript.</source>
        <translation type="unfinished">Rěčnikej wubraneho wotrězka mjeno dać, w cyłym přepisu.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="231"/>
        <location filename="../../desktop/ui/editor.py" line="449"/>
        <source>Assign to speaker</source>
        <translation type="unfinished">Rěčnikej přirjadować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="233"/>
        <source>The selected segments were said by another speaker.</source>
        <translation type="unfinished">Wubrane wotrězki je druhi rěčnik prajił.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="238"/>
        <location filename="../../desktop/ui/editor.py" line="450"/>
        <source>Merge speakers…</source>
        <translation type="unfinished">Rěčnikow zjednoćić…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="239"/>
        <source>Two speakers are one person: make them one.</source>
        <translation type="unfinished">Dwaj rěčnikaj stej jedna wosoba: zjednoćće jeju.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="253"/>
        <source>Save {0}</source>
        <translation type="unfinished">{0} składować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="270"/>
        <location filename="../../desktop/ui/editor.py" line="279"/>
        <source>Next uncertain</source>
        <translation type="unfinished">Přichodne njewěste městno</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="273"/>
        <source>Check and go on</source>
        <translation type="unfinished">Přepruwować a pokročować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="282"/>
        <source>Go to the next unchecked segment the model was unsure of (F8). Ctrl+Return marks the current segment as checked and goes on.</source>
        <translation type="unfinished">K přichodnemu njepřepruwowanemu wotrězkej, při kotrymž model wěsty njebě (F8). Ctrl+Return markěruje aktualny wotrězk jako přepruwowany a pokročuje.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="287"/>
        <source>Use this recording for training</source>
        <translation type="unfinished">Tutu nahrawku za trenowanje wužiwać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="291"/>
        <source>Corrected and checked segments become training data for a better model. Untick to keep this recording out of all training data.</source>
        <translation type="unfinished">Porjedźene a přepruwowane wotrězki budu trenowanske daty za lěpši model. Hdyž to njeje wubrane, wostanje tuta nahrawka zwonka wšěch trenowanskich datow.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="419"/>
        <source>Rename speaker</source>
        <translation type="unfinished">Rěčnika přemjenować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="420"/>
        <source>Name of {0} in the whole transcript (empty: {1}):</source>
        <translation type="unfinished">Mjeno za {0} w cyłym přepisu (prózdne: {1}):</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="436"/>
        <source>New speaker</source>
        <translation type="unfinished">Nowy rěčnik</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="446"/>
        <source>Rename {0}…</source>
        <translation type="unfinished">{0} přemjenować…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="493"/>
        <source>The model wrote: {0}</source>
        <translation type="unfinished">Model napisa: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="500"/>
        <source>{0} of {1} segments checked</source>
        <translation type="unfinished">Přepruwowane: {0} z {1} wotrězkow</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="505"/>
        <source>All uncertain segments are checked.</source>
        <translation type="unfinished">Wšě njewěste wotrězki su přepruwowane.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="585"/>
        <source>Save transcript</source>
        <translation type="unfinished">Přepis składować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="590"/>
        <source>Not saved</source>
        <translation type="unfinished">Njeskładowane</translation>
    </message>
</context>
</TS>
