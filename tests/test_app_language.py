"""The interface language: Qt's own texts (the file dialog, standard buttons) follow it, German
under Upper Sorbian; on first start it is the system's when the app has it (pytest-qt,
offscreen)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel

from hsb_whisper.desktop.ui import settings as app_settings
from hsb_whisper.desktop.ui.app import QT_LANGUAGES, install_translators
from hsb_whisper.desktop.ui.settings import (
    AppSettings,
    default_ui_language,
    load_settings,
    save_settings,
)

NATIVE_OFF = Qt.ApplicationAttribute.AA_DontUseNativeDialogs


@pytest.fixture
def interface(qapp):
    """Installs the translators of a language (on a system in English unless told otherwise)
    and takes them away again after the test, with the native-dialog choice."""
    installed = []

    def install(language: str, system: str = "en_GB") -> None:
        installed.extend(install_translators(qapp, language, QLocale(system)))

    yield install
    for translator in installed:
        qapp.removeTranslator(translator)
    qapp.setAttribute(NATIVE_OFF, False)


@pytest.mark.parametrize(
    ("language", "look_in", "file_name", "cancel"),
    [
        ("hsb", "&Suchen in:", "Datei&name:", "Abbrechen"),  # Qt has no hsb: German
        ("de", "&Suchen in:", "Datei&name:", "Abbrechen"),
        ("en", "&Look in:", "File &name:", "Cancel"),
    ],
)
def test_qt_dialogs_speak_the_interface_language(
    qtbot, interface, language, look_in, file_name, cancel
):
    interface(language)
    dialog = QFileDialog(None, "Audio files")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own, as the app shows it
    qtbot.addWidget(dialog)
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert labels[:2] == [look_in, file_name]
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == cancel


@pytest.mark.parametrize(
    ("language", "system", "qt_dialogs"),
    [
        ("de", "en_GB", True),  # an English system's dialog would be English: Qt's, in German
        ("hsb", "en_US", True),
        ("de", "de_AT", False),  # the system's own dialog speaks German already
        ("hsb", "de_DE", False),
        ("hsb", "hsb_DE", False),
        ("en", "de_DE", True),
        ("en", "C", False),
    ],
)
def test_the_systems_file_dialog_only_where_it_speaks_the_language(
    qapp, interface, language, system, qt_dialogs
):
    interface(language, system)
    assert qapp.testAttribute(NATIVE_OFF) is qt_dialogs


@pytest.mark.parametrize(
    ("system", "expected"),
    [
        ("hsb_DE", "hsb"),
        ("de_DE", "de"),
        ("de_CH", "de"),
        ("en_US", "en"),
        ("fr_FR", "hsb"),  # a language the app does not have: Upper Sorbian
        ("dsb_DE", "hsb"),
        ("C", "hsb"),
    ],
)
def test_first_start_follows_the_system_language(system, expected):
    assert default_ui_language(QLocale(system)) == expected


def test_a_saved_language_wins_over_the_system(tmp_path, monkeypatch):
    monkeypatch.setattr(app_settings, "settings_file", lambda: tmp_path / "settings.ini")
    assert load_settings(QLocale("de_DE")).ui_language == "de"  # nothing saved yet
    assert load_settings(QLocale("fr_FR")).ui_language == "hsb"
    save_settings(AppSettings(ui_language="en"))
    assert load_settings(QLocale("de_DE")).ui_language == "en"
    (tmp_path / "settings.ini").write_text("[General]\nui_language=fr\n")  # edited by hand
    assert load_settings(QLocale("de_DE")).ui_language == "de"


def test_the_bundle_carries_the_qt_translations_the_app_loads():
    pytest.importorskip("PyInstaller", reason="PyInstaller is not installed (extra 'bundle')")
    from PyInstaller.utils.hooks.qt import pyside6_library_info

    # the hook PyInstaller runs for QtCore (PySide6.QtCore is in every build)
    _, _, datas = pyside6_library_info.collect_module("PySide6.QtCore")
    collected = {(Path(dest) / Path(src).name).as_posix() for src, dest in datas}
    for language in set(QT_LANGUAGES.values()) - {"en"}:
        assert f"PySide6/Qt/translations/qtbase_{language}.qm" in collected
