"""The app's settings, persisted with QSettings (an INI file in the hsb-whisper data folder)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QLocale, QSettings

from hsb_whisper import paths
from hsb_whisper.transcription.engine import MAX_SPEAKERS, TranscribeOptions

UI_LANGUAGES = {"hsb": "Hornjoserbsce", "de": "Deutsch", "en": "English"}
FALLBACK_UI_LANGUAGE = "hsb"  # on first start when the system's language is none of them
SPEAKERS_OFF = -1  # AppSettings.speakers: no diarization (TranscribeOptions.speakers None)


@dataclasses.dataclass
class AppSettings:
    language: str = ""  # Whisper token; "" = the model's own
    beam_size: int = 5
    compute_type: str = "int8"
    threads: int = 0
    vad: bool = True
    batch_size: int = 0  # speech windows decoded together; 0: automatic (see TranscribeOptions)
    output_dir: str = ""  # "" = next to each input file
    ui_language: str = FALLBACK_UI_LANGUAGE  # load_settings: the system's on first start
    model: str = ""  # "" = the store's default
    # who spoke when, in files (live text has none): SPEAKERS_OFF; 0: find the number; N: N
    speakers: int = SPEAKERS_OFF

    def transcribe_options(self) -> TranscribeOptions:
        return TranscribeOptions(
            language=self.language or None,
            beam_size=self.beam_size,
            compute_type=self.compute_type,
            threads=self.threads,
            vad=self.vad,
            # without the VAD there are no cuts to batch at: one window after the other
            batch_size=(self.batch_size or None) if self.vad else None,
            speakers=None if self.speakers == SPEAKERS_OFF else self.speakers,
            # The editor shades the words the model was unsure of, and a corrected transcript
            # keeps the model's words beside the user's text: batched decoding has word times
            # anyway (they cut its segments), so keeping them costs nothing there.
            word_timestamps=True,
        )


def settings_file() -> Path:
    return paths.data_dir() / "settings.ini"


def _qsettings() -> QSettings:
    return QSettings(str(settings_file()), QSettings.Format.IniFormat)


def system_language(system: QLocale | None = None) -> str:
    """The language the system shows its own texts in, as a code ("de", "hsb"; "C" for the C
    locale): the first of the user's interface languages (``system``: QLocale.system())."""
    return (system or QLocale.system()).uiLanguages()[0].split("-")[0]


def default_ui_language(system: QLocale | None = None) -> str:
    """The interface language before one is chosen: the system's when the app has it, else
    Upper Sorbian."""
    language = system_language(system)
    return language if language in UI_LANGUAGES else FALLBACK_UI_LANGUAGE


def load_settings(system: QLocale | None = None) -> AppSettings:
    """The saved settings; what was never saved has its default, and the interface language
    that of the system (``system``: QLocale.system(), see :func:`default_ui_language`)."""
    store = _qsettings()
    values = {}
    for field in dataclasses.fields(AppSettings):
        raw = store.value(field.name)
        if raw is None:
            continue
        default = field.default
        try:
            if isinstance(default, bool):
                values[field.name] = str(raw).lower() in ("true", "1")
            elif isinstance(default, int):
                values[field.name] = int(raw)
            else:
                values[field.name] = str(raw)
        except ValueError:
            continue  # a hand-edited value we cannot read: keep the default
    if not SPEAKERS_OFF <= values.get("speakers", SPEAKERS_OFF) <= MAX_SPEAKERS:
        del values["speakers"]  # one TranscribeOptions would refuse at every file
    if values.get("ui_language") not in UI_LANGUAGES:  # never chosen, or a hand-edited "fr"
        values["ui_language"] = default_ui_language(system)
    return AppSettings(**values)


def save_settings(settings: AppSettings) -> None:
    store = _qsettings()
    for key, value in dataclasses.asdict(settings).items():
        store.setValue(key, value)
    store.sync()
