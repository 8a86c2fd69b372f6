<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="hsb_DE">
<context>
    <name>FilesPage</name>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="65" />
        <source>File</source>
        <translation>Dataja</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="65" />
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="65" />
        <source>Progress</source>
        <translation>Postup</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="73" />
        <source>Add files…</source>
        <translation>Dataje přidać…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="75" />
        <source>Add folder…</source>
        <translation>Rjadowak přidać…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="77" />
        <source>Cancel</source>
        <translation>Přetorhnyć</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="79" />
        <source>Retry</source>
        <translation>Hišće raz spytać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="81" />
        <source>Open transcript</source>
        <translation>Přepis wočinić</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="94" />
        <source>Add audio files or a folder, or drop them here.</source>
        <translation>Přidajće awdiodataje abo rjadowak abo ćehńće je sem.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="97" />
        <source>The built-in model whisper-base is not trained for Upper Sorbian (it writes Czech spelling): import a better model on the Models page.</source>
        <translation>Zatwarjeny model whisper-base njeje za hornjoserbšćinu trenowany (pisa čěski prawopis): importujće lěpši model na stronje Modele.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="134" />
        <source>Audio files</source>
        <translation>Awdiodataje</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="136" />
        <source>Audio</source>
        <translation>Awdio</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="141" />
        <source>Folder with recordings</source>
        <translation>Rjadowak z nahrawkami</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="159" />
        <source>queued</source>
        <translation>čaka</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="160" />
        <source>transcribing</source>
        <translation>přepisuje so</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="161" />
        <source>done</source>
        <translation>dokónčene</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="162" />
        <source>failed</source>
        <translation>njeporadźiło</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/files_page.py" line="163" />
        <source>cancelled</source>
        <translation>přetorhnjene</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="42" />
        <source>Files</source>
        <translation>Dataje</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="43" />
        <source>Record</source>
        <translation>Nahrać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="44" />
        <source>Transcript</source>
        <translation>Přepis</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="45" />
        <source>Models</source>
        <translation>Modele</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="47" />
        <source>&amp;hsb-whisper</source>
        <translation>&amp;hsb-whisper</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="48" />
        <source>Settings…</source>
        <translation>Nastajenja…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="49" />
        <source>Quit</source>
        <translation>Skónčić</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="79" />
        <source>Ready</source>
        <translation>Hotowy</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="123" />
        <source>no audio output</source>
        <translation>žadyn awdiowudaće</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/main_window.py" line="126" />
        <source>Cannot play: {0}</source>
        <translation>Wothrać njemóžno: {0}</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="66" />
        <source>Install model pack…</source>
        <translation>Modelowy paket instalować…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="68" />
        <source>Install model folder…</source>
        <translation>Modelowy rjadowak instalować…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="70" />
        <source>Import a Whisper model…</source>
        <translation>Whisper-model importować…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="73" />
        <source>Use as default</source>
        <translation>Jako standard wužiwać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="94" />
        <source>damaged: {0}</source>
        <translation>wobškodźene: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="96" />
        <source> (default)</source>
        <translation> (standard)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="109" />
        <location filename="../../desktop/ui/models_page.py" line="176" />
        <source>Name</source>
        <translation>Mjeno</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="110" />
        <location filename="../../desktop/ui/models_page.py" line="163" />
        <source>Language token</source>
        <translation>Rěčny token</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="111" />
        <source>Base</source>
        <translation>Zakład</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="112" />
        <source>Weights</source>
        <translation>Wahi</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="113" />
        <source>Recipe</source>
        <translation>Recept</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="114" />
        <source>WER</source>
        <translation>WER (zmylkowa kwota słowow)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="115" />
        <source>Source</source>
        <translation>Žórło</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="116" />
        <source>Licence</source>
        <translation>Licenca</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="117" />
        <source>Folder</source>
        <translation>Rjadowak</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="122" />
        <source>Not trained for Upper Sorbian (writes Czech spelling).</source>
        <translation>Njeje za hornjoserbšćinu trenowany (pisa čěski prawopis).</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="125" />
        <source>Copyleft licence: {0}</source>
        <translation>Copyleft-licenca: {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="135" />
        <source>Model pack</source>
        <translation>Modelowy paket</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="135" />
        <source>Model packs</source>
        <translation>Modelowe pakety</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="140" />
        <source>Model folder</source>
        <translation>Modelowy rjadowak</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="148" />
        <source>Not installed</source>
        <translation>Njeinstalowane</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="151" />
        <source>Hugging Face Whisper folder</source>
        <translation>Rjadowak Hugging Face Whisper</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="157" />
        <location filename="../../desktop/ui/models_page.py" line="212" />
        <source>Not imported</source>
        <translation>Njeimportowane</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="165" />
        <source>The model does not say which Whisper language token to force. Upper Sorbian models use cs, de or pl:</source>
        <translation>Model njepraji, kotry rěčny token Whisper so wužiwa. Hornjoserbske modele wužiwaja cs, de abo pl:</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/models_page.py" line="176" />
        <source>Model name</source>
        <translation>Mjeno modela</translation>
    </message>
</context>
<context>
    <name>RecordPage</name>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="53" />
        <source>Record</source>
        <translation>Nahrać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="54" />
        <location filename="../../desktop/ui/record_page.py" line="102" />
        <source>Pause</source>
        <translation>Přestawka</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="55" />
        <source>Stop</source>
        <translation>Zastajić</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="61" />
        <source>Text appears here while you speak.</source>
        <translation>Tekst so tu pokazuje, mjeztym zo rěčiće.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="63" />
        <source>Microphone</source>
        <translation>Mikrofon</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="90" />
        <source>No microphone found. Connect one and restart; transcribing files still works.</source>
        <translation>Žadyn mikrofon namakany. Zwjazajće jedyn a startujće znowa; přepis datajow dale funguje.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="102" />
        <source>Resume</source>
        <translation>Pokročować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="124" />
        <source>Recording to {0}</source>
        <translation>Nahrawa so do {0}</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/record_page.py" line="153" />
        <source>Saved {0} ({1:.1f} s); transcribing it in Files.</source>
        <translation>{0} składowane ({1:.1f} s); přepisuje so w Datajach.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="25" />
        <source>Settings</source>
        <translation>Nastajenja</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="26" />
        <source>the model's own</source>
        <translation>modelowy</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="32" />
        <source>all cores</source>
        <translation>wšě jadra</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="33" />
        <source>skip silence (VAD)</source>
        <translation>ćišinu přeskočić (VAD)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="34" />
        <source>next to the audio</source>
        <translation>pódla awdiodataje</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="40" />
        <source>Language token</source>
        <translation>Rěčny token</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="41" />
        <source>Beam size</source>
        <translation>Šěrokosć pytanja (beam)</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="42" />
        <source>Compute type</source>
        <translation>Typ wobličenja</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="43" />
        <source>Threads</source>
        <translation>Nitki</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="45" />
        <source>Output folder</source>
        <translation>Cilowy rjadowak</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/settings_dialog.py" line="46" />
        <source>Interface language (after a restart)</source>
        <translation>Rěč powjercha (po nowym starće)</translation>
    </message>
</context>
<context>
    <name>TranscriptEditor</name>
    <message>
        <location filename="../../desktop/ui/editor.py" line="61" />
        <source>No transcript open. Transcribe a file or a recording.</source>
        <translation>Žadyn přepis wočinjeny. Přepisajće dataju abo nahrawku.</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="62" />
        <source>Search…</source>
        <translation>Pytać…</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="65" />
        <source>Start</source>
        <translation>Spočatk</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="65" />
        <source>End</source>
        <translation>Kónc</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="65" />
        <source>Text</source>
        <translation>Tekst</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="70" />
        <source>Play segment</source>
        <translation>Wotrězk wothrać</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="77" />
        <source>Save {0}</source>
        <translation>{0} składować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="143" />
        <source>Save transcript</source>
        <translation>Přepis składować</translation>
    </message>
    <message>
        <location filename="../../desktop/ui/editor.py" line="148" />
        <source>Not saved</source>
        <translation>Njeskładowane</translation>
    </message>
</context>
</TS>