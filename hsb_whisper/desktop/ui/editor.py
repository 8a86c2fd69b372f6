"""The transcript editor: segments with their times, editable text, search, play a segment,
export, and autosave of every edit.

Corrections: an edited text keeps the model's beside it (shown as the cell's tooltip) and counts
as checked; a segment can also be checked without a change (the tick column, or Ctrl+Return,
which goes on to the next uncertain segment, as F8 does). The words the model was unsure of are
shaded while the text is still the model's and unchecked; a segment without word times is shaded
as a whole when its own probability is low. Checked segments of a recording left in training
(the checkbox) are what ``hsb-whisper data import-corrections`` takes. Editing, checking and
finding the next uncertain segment are the :class:`Transcript`'s methods; the editor calls them,
shows the result and saves it.

A transcript with speakers (diarization) also shows who said each segment, in a Speaker column
before the text; a speaker can be renamed for the whole transcript, segments given to another
(or a new) speaker, and two speakers merged. Those edits are the :class:`Transcript`'s own
methods; the editor only shows the result and saves it."""

from __future__ import annotations

import hashlib
import logging
import zlib
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hsb_whisper import paths
from hsb_whisper.transcription import formats
from hsb_whisper.transcription.transcript import UNCERTAIN_BELOW, Segment, Transcript

log = logging.getLogger(__name__)

# Logical columns. The Speaker and Checked columns come last in the model, so that Text keeps its
# index whether or not a transcript has speakers; on screen Checked is first and Speaker is
# before Text (hidden without speakers).
START, END, TEXT, SPEAKER, CHECKED = range(5)
_MATCH = QColor("#fff3b0")
# What the model was unsure of: a faint amber under the word (or, without word times, the row),
# translucent so that it reads on light and dark themes, and under the selection's colour.
_UNSURE_WORD = QColor(245, 158, 11, 80)
_UNSURE_ROW = QColor(245, 158, 11, 32)
SHADED_SPANS_ROLE = Qt.ItemDataRole.UserRole + 1  # Text cell: [(start, end)] of unsure words
UNSURE_ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # Checked cell: the row is unsure as a whole
# One light background per speaker (by the number in its id, so that a speaker keeps its colour
# when others are merged), with black text on it in light and dark themes alike.
_SPEAKER_COLOURS = tuple(
    QColor(c)
    for c in (
        "#dbeafe",
        "#dcfce7",
        "#fde68a",
        "#fce7f3",
        "#e0e7ff",
        "#ccfbf1",
        "#fed7aa",
        "#ede9fe",
    )
)
SPEAKER_COLUMN_MAX = 220  # pixels: a long name is elided rather than squeezing the text
MERGE_DIALOG_WIDTH = 380  # pixels: room for "Name (S1)" in both lists
SPEAKER_COLUMN_PADDING = 12  # pixels beyond the longest name: names do not touch the text


def autosave_path(audio: Path) -> Path:
    """Where the edited transcript of ``audio`` is kept (user data folder)."""
    key = hashlib.blake2b(str(Path(audio).resolve()).encode(), digest_size=10).hexdigest()
    return paths.transcripts_dir() / f"{Path(audio).stem}-{key}.json"


def load_saved(audio: Path) -> Transcript | None:
    path = autosave_path(audio)
    if not path.is_file():
        return None
    try:
        return formats.read_json(path)
    except Exception:  # a damaged autosave must not stop the app: transcribe again
        log.warning("ignoring unreadable autosave %s", path, exc_info=True)
        return None


def uncertain_spans(segment: Segment, threshold: float = UNCERTAIN_BELOW) -> list[tuple[int, int]]:
    """Where in ``segment.text`` the model's uncertain words are (``segment.uncertain_words``):
    ``(start, end)`` character offsets, in order. None once the text is edited (the words are
    the model's, the text no longer is). Each word is looked for after the one before it; a word
    not found in the text (Whisper's word pieces can differ from its text) is skipped."""
    if segment.edited:
        return []
    unsure = set(segment.uncertain_words(threshold))
    spans, at = [], 0
    for word in segment.words:
        piece = word.text.strip()
        found = segment.text.find(piece, at) if piece else -1
        if found < 0:
            continue
        at = found + len(piece)
        if word in unsure:
            spans.append((found, at))
    return spans


def unsure_as_a_whole(segment: Segment, threshold: float = UNCERTAIN_BELOW) -> bool:
    """A segment without word times whose own probability is low: shaded as a whole row."""
    return not segment.words and segment.confidence < threshold


class ConfidenceDelegate(QStyledItemDelegate):
    """Paints a row the model was unsure of (:data:`UNSURE_ROW_ROLE` on its Checked cell)
    faintly, and a text cell with its uncertain words (:data:`SHADED_SPANS_ROLE`) shaded;
    editing is Qt's own (a line edit with the plain text)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        if index.siblingAtColumn(CHECKED).data(UNSURE_ROW_ROLE):
            painter.fillRect(option.rect, _UNSURE_ROW)
        spans = index.data(SHADED_SPANS_ROLE)
        if not spans:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        rect = rect.adjusted(margin, 0, -margin, 0)
        text = opt.text
        opt.text = ""  # the style draws the background, selection and focus; the text is ours
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        metrics = opt.fontMetrics
        shown = metrics.elidedText(text, opt.textElideMode, rect.width())
        visible = metrics.horizontalAdvance(shown)
        painter.save()
        painter.setClipRect(rect)
        top = rect.center().y() - metrics.height() / 2
        for start, end in spans:
            left = metrics.horizontalAdvance(text[:start])
            right = min(metrics.horizontalAdvance(text[:end]), visible)
            if right > left:
                word = QRectF(rect.left() + left, top, right - left, metrics.height())
                painter.fillRect(word, _UNSURE_WORD)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = (
            QPalette.ColorGroup.Disabled
            if not opt.state & QStyle.StateFlag.State_Enabled
            else QPalette.ColorGroup.Active
            if opt.state & QStyle.StateFlag.State_Active
            else QPalette.ColorGroup.Inactive
        )
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(opt.palette.color(group, role))
        painter.setFont(opt.font)
        painter.drawText(rect, int(opt.displayAlignment), shown)
        painter.restore()


def _menu_label(transcript: Transcript, speaker: str) -> str:
    """A speaker as menus and lists show it: "Jan (S1)" once named, else "S1"."""
    name = transcript.speaker_name(speaker)
    return name if name == speaker else f"{name} ({speaker})"


def _speaker_colour(speaker: str) -> QColor:
    digits = speaker.removeprefix("S")
    n = int(digits) - 1 if digits.isdigit() else zlib.crc32(speaker.encode())
    return _SPEAKER_COLOURS[n % len(_SPEAKER_COLOURS)]


class TranscriptEditor(QWidget):
    """Shows one transcript; edits are saved at once."""

    play_requested = Signal(float, float)  # start, end of a segment (seconds)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.transcript: Transcript | None = None
        self.title = QLabel(self.tr("No transcript open. Transcribe a file or a recording."))
        self.search = QLineEdit(placeholderText=self.tr("Search…"))
        self.search.textChanged.connect(self._highlight)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Start"), self.tr("End"), self.tr("Text"), self.tr("Speaker"), "✓"]
        )
        self.table.horizontalHeaderItem(CHECKED).setToolTip(
            self.tr("Checked: the text is right (Ctrl+Return checks and goes on)")
        )
        self.table.setItemDelegate(ConfidenceDelegate(self.table))
        header = self.table.horizontalHeader()
        header.moveSection(SPEAKER, TEXT)  # on screen: Checked, Start, End, Speaker, Text
        header.moveSection(header.visualIndex(CHECKED), 0)
        header.setStretchLastSection(True)
        self.table.setColumnHidden(SPEAKER, True)
        self.table.verticalHeader().setVisible(False)
        self.table.itemChanged.connect(self._edited)
        self.table.cellDoubleClicked.connect(self._double_clicked)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.itemSelectionChanged.connect(self._update_speaker_buttons)
        self.play = QPushButton(self.tr("Play segment"))
        self.play.clicked.connect(lambda: self._play_row(self.table.currentRow(), 0))

        self.rename_button = QPushButton(self.tr("Rename speaker…"))
        self.rename_button.setToolTip(
            self.tr("Give the speaker of the selected segment a name, in the whole transcript.")
        )
        self.rename_button.clicked.connect(lambda: self._rename_dialog(self._current_speaker()))
        self.assign_button = QPushButton(self.tr("Assign to speaker"))
        self.assign_button.setToolTip(
            self.tr("The selected segments were said by another speaker.")
        )
        self.assign_menu = QMenu(self.assign_button)
        self.assign_menu.aboutToShow.connect(lambda: self._fill_assign_menu(self.assign_menu))
        self.assign_button.setMenu(self.assign_menu)
        self.merge_button = QPushButton(self.tr("Merge speakers…"))
        self.merge_button.setToolTip(self.tr("Two speakers are one person: make them one."))
        self.merge_button.clicked.connect(self._merge_dialog)
        self.speaker_buttons = (self.rename_button, self.assign_button, self.merge_button)
        top = QHBoxLayout()
        top.addWidget(self.search)
        for button in self.speaker_buttons:
            button.setVisible(False)
            top.addWidget(button)

        buttons = QHBoxLayout()
        buttons.addWidget(self.play)
        buttons.addStretch()
        self.export_buttons = {}
        for fmt in formats.FORMATS:
            button = QPushButton(self.tr("Save {0}").format(fmt.upper()))
            button.clicked.connect(lambda _=False, f=fmt: self._export_dialog(f))
            buttons.addWidget(button)
            self.export_buttons[fmt] = button
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addLayout(self._checking_bar())
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._set_enabled(False)

    def _checking_bar(self) -> QHBoxLayout:
        """The line above the table: how many segments are checked, Next uncertain (F8; and
        Ctrl+Return, check and go on) and "Use this recording for training"."""
        self.progress = QLabel()
        self.status = QLabel()
        self.next_action = QAction(self.tr("Next uncertain"), self)
        self.next_action.setShortcut(QKeySequence(Qt.Key.Key_F8))
        self.next_action.triggered.connect(self.go_to_next_uncertain)
        self.confirm_action = QAction(self.tr("Check and go on"), self)
        self.confirm_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.confirm_action.triggered.connect(self.confirm_and_next)
        for action in (self.next_action, self.confirm_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        self.next_button = QPushButton(self.tr("Next uncertain"))
        self.next_button.setToolTip(
            self.tr(
                "Go to the next unchecked segment the model was unsure of (F8). "
                "Ctrl+Return marks the current segment as checked and goes on."
            )
        )
        self.next_button.clicked.connect(self.go_to_next_uncertain)
        self.training = QCheckBox(self.tr("Use this recording for training"))
        self.training.setChecked(True)
        self.training.setToolTip(
            self.tr(
                "Corrected and checked segments become training data for a better model. "
                "Untick to keep this recording out of all training data."
            )
        )
        self.training.toggled.connect(self._training_toggled)
        bar = QHBoxLayout()
        bar.addWidget(self.progress)
        bar.addWidget(self.status)
        bar.addStretch()
        bar.addWidget(self.next_button)
        bar.addWidget(self.training)
        return bar

    def _set_enabled(self, enabled: bool) -> None:
        widgets = (self.search, self.table, self.play, self.next_button, self.training)
        for widget in (*widgets, *self.export_buttons.values()):
            widget.setEnabled(enabled)
        for action in (self.next_action, self.confirm_action):
            action.setEnabled(enabled)

    def show_transcript(self, transcript: Transcript) -> None:
        self.transcript = transcript
        self.title.setText(str(transcript.info.path))
        self.table.blockSignals(True)
        self.table.setRowCount(len(transcript.segments))
        for row, segment in enumerate(transcript.segments):
            for column, value in ((START, segment.start), (END, segment.end)):
                item = QTableWidgetItem(formats.timestamp(value, always_hours=False))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
            self.table.setItem(row, TEXT, QTableWidgetItem(segment.text))
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            self.table.setItem(row, CHECKED, check)
            self._show_checked(row)
        self.table.blockSignals(False)
        self.training.blockSignals(True)
        self.training.setChecked(not transcript.excluded_from_training)
        self.training.blockSignals(False)
        self._show_speakers()
        self.table.resizeColumnsToContents()
        self._fit_speaker_column()
        self._set_enabled(True)
        self._highlight(self.search.text())
        self._show_progress()

    @property
    def has_speakers(self) -> bool:
        """Whether the open transcript says who spoke (and so shows the Speaker column)."""
        return self.transcript is not None and bool(self.transcript.speakers)

    def _show_speakers(self) -> None:
        """Fill the Speaker column from the transcript; show it and the speaker buttons only
        when the transcript has speakers."""
        shown = self.has_speakers
        self.table.setColumnHidden(SPEAKER, not shown)
        for button in self.speaker_buttons:
            button.setVisible(shown)
        self.table.blockSignals(True)
        for row, segment in enumerate(self.transcript.segments if shown else ()):
            item = QTableWidgetItem(self.transcript.speaker_name(segment.speaker) or "")
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if segment.speaker is not None:
                item.setToolTip(_menu_label(self.transcript, segment.speaker))
                item.setBackground(_speaker_colour(segment.speaker))
                item.setForeground(QColor(Qt.GlobalColor.black))
            self.table.setItem(row, SPEAKER, item)
        self.table.blockSignals(False)
        self._update_speaker_buttons()

    def _fit_speaker_column(self) -> None:
        if self.has_speakers:
            self.table.resizeColumnToContents(SPEAKER)
            width = self.table.columnWidth(SPEAKER) + SPEAKER_COLUMN_PADDING
            self.table.setColumnWidth(SPEAKER, min(width, SPEAKER_COLUMN_MAX))

    def _update_speaker_buttons(self) -> None:
        if self.has_speakers:
            self.rename_button.setEnabled(self._current_speaker() is not None)
            self.assign_button.setEnabled(bool(self.selected_rows()))
            self.merge_button.setEnabled(len(self.transcript.speakers) >= 2)

    # The speaker edits: public so that the dialogs (and tests) call the same code --------------

    def rename_speaker(self, speaker: str, name: str) -> None:
        """Call ``speaker`` (an id) ``name`` in every segment (empty: back to its id)."""
        self.transcript.rename_speaker(speaker, name)
        self._speakers_edited()

    def reassign_rows(self, rows: Iterable[int], speaker: str) -> None:
        """The segments in ``rows`` were said by ``speaker`` (an id, possibly a new one)."""
        for row in sorted(set(rows)):
            self.transcript.reassign(row, speaker)
        self._speakers_edited()

    def merge_speakers(self, source: str, target: str) -> None:
        """``source``'s segments become ``target``'s; ``target`` keeps its name."""
        self.transcript.merge_speakers(source, target)
        self._speakers_edited()

    def _speakers_edited(self) -> None:
        self._show_speakers()
        self._fit_speaker_column()
        self.autosave()

    def selected_rows(self) -> list[int]:
        """The rows of the selected cells, in order (none selected: the current row, if any)."""
        rows = {index.row() for index in self.table.selectedIndexes()}
        if not rows and self.table.currentRow() >= 0:
            rows = {self.table.currentRow()}
        return sorted(rows)

    def _current_speaker(self) -> str | None:
        """The speaker of the current row, else of the first selected row that has one."""
        rows = [self.table.currentRow(), *self.selected_rows()]
        segments = self.transcript.segments if self.transcript else []
        for row in rows:
            if 0 <= row < len(segments) and segments[row].speaker is not None:
                return segments[row].speaker
        return None

    # The dialogs and menus that call them ------------------------------------------------------

    def _rename_dialog(self, speaker: str | None) -> None:
        if speaker is None:
            return
        name, ok = QInputDialog.getText(
            self,
            self.tr("Rename speaker"),
            self.tr("Name of {0} in the whole transcript (empty: {1}):").format(
                _menu_label(self.transcript, speaker), speaker
            ),
            text=self.transcript.speaker_names.get(speaker, ""),
        )
        if ok:
            self.rename_speaker(speaker, name)

    def _fill_assign_menu(self, menu: QMenu) -> None:
        """One entry per speaker, then "New speaker", for the selected rows."""
        menu.clear()
        rows = self.selected_rows()
        for speaker in self.transcript.speakers:
            action = menu.addAction(_menu_label(self.transcript, speaker))
            action.triggered.connect(lambda _=False, s=speaker: self.reassign_rows(rows, s))
        menu.addSeparator()
        new = menu.addAction(self.tr("New speaker"))
        new.triggered.connect(lambda: self.reassign_rows(rows, self.transcript.new_speaker()))

    def _context_menu(self, position: QPoint) -> None:
        if not self.has_speakers or not self.selected_rows():
            return
        menu = QMenu(self)
        speaker = self._current_speaker()
        if speaker is not None:
            rename = menu.addAction(
                self.tr("Rename {0}…").format(_menu_label(self.transcript, speaker))
            )
            rename.triggered.connect(lambda: self._rename_dialog(speaker))
        self._fill_assign_menu(menu.addMenu(self.tr("Assign to speaker")))
        merge = menu.addAction(self.tr("Merge speakers…"))
        merge.setEnabled(len(self.transcript.speakers) >= 2)
        merge.triggered.connect(self._merge_dialog)
        menu.exec(self.table.viewport().mapToGlobal(position))

    def _merge_dialog(self) -> None:
        dialog = MergeSpeakersDialog(self.transcript, self._current_speaker(), self)
        if dialog.exec():
            self.merge_speakers(*dialog.choice())

    # ---------------------------------------------------------------------------------------------

    # Corrections: edits, checks, the uncertain segments ------------------------------------------

    def _edited(self, item: QTableWidgetItem) -> None:
        if self.transcript is None:
            return
        row = item.row()
        if item.column() == TEXT:
            self.transcript.edit_text(row, item.text())
        elif item.column() == CHECKED:
            self.transcript.confirm(row, item.checkState() == Qt.CheckState.Checked)
        else:
            return
        self._corrected(row)

    def _corrected(self, row: int) -> None:
        self.table.blockSignals(True)
        self._show_checked(row)
        self.table.blockSignals(False)
        self._show_progress()
        self.autosave()

    def _show_checked(self, row: int) -> None:
        """Row ``row`` as its segment now is: the tick, the model's text as the tooltip of an
        edited text, and the shading of what the model was unsure of while it is unchecked."""
        segment = self.transcript.segments[row]
        check = self.table.item(row, CHECKED)
        check.setCheckState(Qt.CheckState.Checked if segment.confirmed else Qt.CheckState.Unchecked)
        unsure = not segment.confirmed
        check.setData(UNSURE_ROW_ROLE, unsure and unsure_as_a_whole(segment))
        text = self.table.item(row, TEXT)
        text.setData(SHADED_SPANS_ROLE, uncertain_spans(segment) if unsure else [])
        model = self.tr("The model wrote: {0}").format(segment.model_text)
        text.setToolTip(model if segment.edited else "")
        self.table.viewport().update()  # the row's other cells: its shading as a whole

    def _show_progress(self) -> None:
        segments = self.transcript.segments
        self.progress.setText(
            self.tr("{0} of {1} segments checked").format(
                len(self.transcript.confirmed_segments), len(segments)
            )
        )
        done = bool(segments) and self.transcript.next_uncertain() is None
        self.status.setText(self.tr("All uncertain segments are checked.") if done else "")

    def confirm_row(self, row: int, confirmed: bool = True) -> None:
        """Segment ``row``'s text is right as it stands (or, ``confirmed`` False, not sure)."""
        self.transcript.confirm(row, confirmed)
        self._corrected(row)

    def go_to_next_uncertain(self) -> int | None:
        """Select the next unchecked segment the model was unsure of after the selected one
        (from the start when none is: Qt makes the first cell current, unselected, when the
        table gets the focus), wrapping around; None, with the status saying so, when there is
        none."""
        if self.transcript is None:
            return None
        current = self.table.currentIndex()
        after = current.row() if self.table.selectionModel().isSelected(current) else -1
        row = self.transcript.next_uncertain(after)
        if row is None:
            self._show_progress()
            return None
        self.table.setCurrentCell(row, TEXT)
        self.table.scrollToItem(
            self.table.item(row, TEXT), QAbstractItemView.ScrollHint.PositionAtCenter
        )
        return row

    def confirm_and_next(self) -> int | None:
        """Ctrl+Return: an open cell editor's text is kept, the current segment checked, and the
        next uncertain one selected."""
        row = self.table.currentRow()
        if self.transcript is None or row < 0:
            return self.go_to_next_uncertain()
        editor = QApplication.focusWidget()
        if self.table.state() == QAbstractItemView.State.EditingState and editor is not None:
            delegate = self.table.itemDelegate()
            delegate.commitData.emit(editor)
            delegate.closeEditor.emit(editor)
        self.confirm_row(row)
        return self.go_to_next_uncertain()

    def _training_toggled(self, use: bool) -> None:
        if self.transcript is not None:
            self.transcript.excluded_from_training = not use
            self.autosave()

    def autosave(self) -> None:
        if self.transcript is not None:
            path = autosave_path(self.transcript.info.path)
            path.parent.mkdir(parents=True, exist_ok=True)
            formats.save(self.transcript, path, "json")

    def _highlight(self, text: str) -> None:
        needle = text.strip().casefold()
        first = None
        for row in range(self.table.rowCount()):
            item = self.table.item(row, TEXT)
            hit = bool(needle) and needle in item.text().casefold()
            item.setBackground(_MATCH if hit else QColor(Qt.GlobalColor.transparent))
            if hit and first is None:
                first = row
        if first is not None:
            self.table.scrollToItem(self.table.item(first, TEXT))

    def _double_clicked(self, row: int, column: int) -> None:
        """A double click on a speaker renames it; anywhere else it plays the segment."""
        if column == SPEAKER and self.has_speakers and 0 <= row < len(self.transcript.segments):
            self._rename_dialog(self.transcript.segments[row].speaker)
        else:
            self._play_row(row, column)

    def _play_row(self, row: int, _column: int) -> None:
        if self.transcript is not None and 0 <= row < len(self.transcript.segments):
            segment = self.transcript.segments[row]
            self.play_requested.emit(segment.start, segment.end)

    def export(self, fmt: str, path: Path) -> Path:
        return formats.save(self.transcript, Path(path), fmt)

    def _export_dialog(self, fmt: str) -> None:
        default = self.transcript.info.path.with_suffix(formats.suffix(fmt))
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save transcript"), str(default))
        if name:
            try:
                self.export(fmt, Path(name))
            except OSError as e:
                QMessageBox.warning(self, self.tr("Not saved"), f"{name}: {e}")


class MergeSpeakersDialog(QDialog):
    """Choose two speakers who are one person: the first one's segments become the second's."""

    def __init__(self, transcript: Transcript, first: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Merge speakers"))
        self.setMinimumWidth(MERGE_DIALOG_WIDTH)
        self.source, self.target = QComboBox(), QComboBox()
        for combo in (self.source, self.target):
            for speaker in transcript.speakers:
                combo.addItem(_menu_label(transcript, speaker), speaker)
        if first is not None:
            self.source.setCurrentIndex(self.source.findData(first))
        self.target.setCurrentIndex(1 if self.source.currentIndex() == 0 else 0)
        form = QFormLayout(self)
        form.addRow(self.tr("Segments of"), self.source)
        form.addRow(self.tr("become those of"), self.target)
        note = QLabel(self.tr("The two are then one speaker, with the second one's name."))
        note.setWordWrap(True)
        form.addRow(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        for combo in (self.source, self.target):
            combo.currentIndexChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.source.currentData() != self.target.currentData())

    def choice(self) -> tuple[str, str]:
        """(source, target): the speaker ids chosen."""
        return self.source.currentData(), self.target.currentData()
