"""Form field widgets with one interface: ``value()``, ``set_value()`` and an ``edited`` signal.

Values are what the domain stores: text (``None`` when blank), ISO dates, ints, ids. Dialogs
read and write every field through this interface, so they need no per-widget code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QAction, QFontMetrics, QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QWidget,
)

from champion_desk.domain import dates
from champion_desk.errors import ValidationError

EMPTY_TEXT = "—"


def compact(widget: QWidget, min_width: int = 120) -> None:
    """Keep a number or date box at its natural width instead of stretching across the form."""
    widget.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    widget.setMinimumWidth(min_width)


def enable_clear_button(edit: QLineEdit) -> None:
    """Show the line edit's clear button, named "Clear" so a screen reader announces more than "button"."""
    edit.setClearButtonEnabled(True)
    action = edit.findChild(QAction, "_q_qlineeditclearaction")  # Qt's own name for it
    if action is not None:
        action.setText("Clear")


def to_qdate(value: str | dt.date | None) -> QDate:
    """Return a QDate from an ISO date string or date (today when None)."""
    if value is None:
        return QDate.currentDate()
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return QDate(day.year, day.month, day.day)


class TextField(QLineEdit):
    """A single line of text; blank reads as None."""

    edited = Signal()

    def __init__(self, max_length: int | None = None, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if max_length:
            self.setMaxLength(max_length)
        self.setPlaceholderText(placeholder)
        self.textChanged.connect(self.edited)

    def value(self) -> str | None:
        return self.text().strip() or None

    def set_value(self, value: Any) -> None:
        self.setText("" if value is None else str(value))


class LongTextField(QPlainTextEdit):
    """Several lines of text; Tab moves on (it never types a tab), blank reads as None."""

    edited = Signal()

    def __init__(self, lines: int = 3, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setPlaceholderText(placeholder)
        height = QFontMetrics(self.font()).lineSpacing() * lines + 14
        self.setMinimumHeight(height)
        self.setMaximumHeight(height * 2)
        self.textChanged.connect(self.edited)

    def value(self) -> str | None:
        return self.toPlainText().strip() or None

    def set_value(self, value: Any) -> None:
        self.setPlainText("" if value is None else str(value))


class ChoiceField(QComboBox):
    """A fixed list of (label, value) choices; an optional first entry stands for 'none'."""

    edited = Signal()

    def __init__(
        self, choices: Iterable[tuple[str, Any]] = (), empty_label: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._empty_label = empty_label
        self.set_choices(choices)
        self.currentIndexChanged.connect(self.edited)

    def set_choices(self, choices: Iterable[tuple[str, Any]]) -> None:
        """Replace the choices, keeping the current value when it is still offered."""
        current = self.value() if self.count() else None
        self.blockSignals(True)
        self.clear()
        if self._empty_label is not None:
            self.addItem(self._empty_label, None)
        for label, value in choices:
            self.addItem(label, value)
        self.blockSignals(False)
        self.set_value(current)

    def value(self) -> Any:
        return self.currentData() if self.currentIndex() >= 0 else None

    def set_value(self, value: Any, missing_label: str | None = None) -> None:
        """Select ``value``; a value no longer offered (a deleted unit…) is added with ``missing_label``."""
        index = self.findData(value)
        if index < 0 and value is not None:
            self.addItem(missing_label or f"{value} (no longer listed)", value)
            index = self.count() - 1
        self.setCurrentIndex(max(index, 0) if self.count() else -1)


class SearchableChoiceField(ChoiceField):
    """A long list of choices that can be searched by typing any part of an entry ("mai" finds "… → Nguyễn Thị Mai")."""

    def __init__(
        self, choices: Iterable[tuple[str, Any]] = (), empty_label: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(choices, empty_label, parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.lineEdit().setPlaceholderText("Type part of a name")
        self.lineEdit().editingFinished.connect(self._settle)

    def _settle(self) -> None:
        # Text typed but not picked: take the one entry it names, else show the choice again,
        # so what is shown is always what will be saved.
        text = self.currentText().strip().casefold()
        matching = [i for i in range(self.count()) if text and text in self.itemText(i).casefold()]
        index = matching[0] if len(matching) == 1 else self.currentIndex()
        self.setCurrentIndex(index)
        self.setEditText(self.itemText(index) if index >= 0 else "")

    def input_problem(self) -> str | None:
        """Return why the typed text is not one of the entries, or None."""
        text = self.currentText().strip()
        if not text or (self.currentIndex() >= 0 and text == self.itemText(self.currentIndex())):
            return None
        return f"“{text}” is not in the list: pick an entry (type part of a name to find it)."


def vocab_choices(values: Iterable[str]) -> list[tuple[str, str]]:
    """Return (label, value) pairs for a vocabulary: stored lower case, shown capitalised."""
    return [(value[:1].upper() + value[1:], value) for value in values]


class SuggestedTextField(QComboBox):
    """Free text with suggestions (a role): type anything or pick a suggestion; blank reads as None."""

    edited = Signal()

    def __init__(self, suggestions: Iterable[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        suggestions = list(suggestions)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItems(suggestions)
        self.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCurrentIndex(-1)
        self.lineEdit().setPlaceholderText(f"e.g. {', '.join(suggestions[:2])}")
        self.editTextChanged.connect(self.edited)

    def value(self) -> str | None:
        return self.currentText().strip() or None

    def set_value(self, value: Any) -> None:
        self.setEditText("" if value is None else str(value))


class NumberField(QSpinBox):
    """A whole number in a range; when optional, an empty value shown as '—' reads as None."""

    edited = Signal()

    def __init__(
        self, low: int, high: int, optional: bool = False, suffix: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._optional = optional
        self._low = low
        # The empty value sits one step below the range, so typing or one arrow press leaves it.
        self.setRange(low - 1 if optional else low, high)
        if optional:
            self.setSpecialValueText(EMPTY_TEXT)
        self.setSuffix(suffix)
        self.setAccelerated(True)
        compact(self)
        self.valueChanged.connect(self.edited)

    def value(self) -> int | None:  # type: ignore[override]
        number = super().value()
        return None if self._optional and number == self.minimum() else number

    def set_value(self, value: Any) -> None:
        self.setValue(self.minimum() if value is None else int(value))


class MeanScoreField(QDoubleSpinBox):
    """A mean score from 1.0 to 5.0 with one decimal; starts empty ('—', None) so nothing is guessed."""

    edited = Signal()

    def __init__(self, low: float = 1.0, high: float = 5.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._low = low
        self.setDecimals(1)
        self.setSingleStep(0.1)
        self.setRange(0.0, high)
        self.setSpecialValueText(EMPTY_TEXT)
        compact(self)
        self.valueChanged.connect(self.edited)

    def stepBy(self, steps: int) -> None:
        # From empty, the first arrow press lands on the lowest valid score, not on 0.1.
        if super().value() < self._low and steps > 0:
            self.setValue(self._low)
        else:
            super().stepBy(steps)

    def value(self) -> float | None:  # type: ignore[override]
        number = round(super().value(), 1)
        return None if number == self.minimum() else number

    def set_value(self, value: Any) -> None:
        self.setValue(self.minimum() if value is None else float(value))


class CheckField(QCheckBox):
    """A yes/no tick stored as 1/0."""

    edited = Signal()

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.toggled.connect(self.edited)

    def value(self) -> int:
        return int(self.isChecked())

    def set_value(self, value: Any) -> None:
        self.setChecked(bool(value))


class DateField(QLineEdit):
    """A required date typed the UK way or picked from a calendar, read and written as ISO ``YYYY-MM-DD``.

    Typing ``15/03/2026``, ``15 Mar 2026``, ``today`` or ``mon`` lands on that day (see
    ``domain/dates.py``) and is shown back as "15 Mar 2026" when the field is left; anything
    else stays as typed and :meth:`input_problem` says why, so the form shows it beside the
    field instead of saving another day. ↑/↓ move a day, PgUp/PgDn a week, Alt+↓ opens a calendar.
    """

    edited = Signal()
    committed = Signal()  # a whole date was entered: the field was left, a day picked or stepped

    def __init__(self, parent: QWidget | None = None, calendar_button: bool = True) -> None:
        super().__init__(parent)
        self._today: dt.date | None = None  # fixed by tests; otherwise the real today
        self.setPlaceholderText("dd/mm/yyyy")
        compact(self, 170 if calendar_button else 0)
        self.setToolTip(
            "Type the date day first (15/03/2026, 15 Mar 2026, today, yesterday, mon), "
            "↑/↓ for the next or previous day; Alt+↓ opens a calendar."
        )
        self._popup: QCalendarWidget | None = None
        if calendar_button:
            action = self.addAction(
                self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowDown), QLineEdit.ActionPosition.TrailingPosition
            )
            action.setText("Open a calendar")  # what a screen reader says for the button
            action.setToolTip("Open a calendar (Alt+↓)")
            action.triggered.connect(self.open_calendar)
        self.textChanged.connect(self.edited)
        self.editingFinished.connect(self._tidy)
        self.set_value(None)

    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def _parse(self) -> dt.date | None:
        """Return the day typed, or None when the text is not a date (see :meth:`input_problem`)."""
        try:
            return dates.parse_uk_date(self.text(), self.today())
        except ValidationError:
            return None

    def _tidy(self) -> None:
        # Show the day as the app writes dates, so what will be saved is what is seen.
        day = self._parse()
        if day is not None and self.text() != dates.format_uk_date(day):
            self.setText(dates.format_uk_date(day))
        self.committed.emit()

    def input_problem(self) -> str | None:
        """Return why the text is not a date (shown beside the field), or None when it is one or blank."""
        if not self.text().strip() or not self.isEnabled():
            return None
        try:
            dates.parse_uk_date(self.text(), self.today())
        except ValidationError as error:
            return error.message
        return None

    def value(self) -> str | None:
        day = self._parse() if self.text().strip() else None
        return day.isoformat() if day else None

    def set_value(self, value: str | dt.date | None) -> None:
        """Show ``value`` (an ISO date or date; today when None)."""
        day = dt.date.fromisoformat(value[:10]) if isinstance(value, str) and value else value
        self.setText(dates.format_uk_date(day or self.today()))

    def clear_value(self) -> None:
        """Leave the field blank (an optional date that is not set)."""
        self.clear()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        steps = {Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1, Qt.Key.Key_PageUp: 7, Qt.Key.Key_PageDown: -7}
        alt = event.modifiers() & Qt.KeyboardModifier.AltModifier
        if (event.key() == Qt.Key.Key_Down and alt) or event.key() == Qt.Key.Key_F4:
            self.open_calendar()
            return
        if event.key() in steps and not alt:
            day = self._parse() or self.today()
            moved = day + dt.timedelta(days=steps[event.key()])
            if dates.EARLIEST <= moved <= dates.LATEST:
                self.set_value(moved)
                self.committed.emit()
            return
        super().keyPressEvent(event)

    def open_calendar(self) -> None:
        """Show a calendar under the field, on the day typed; picking a day fills it in."""
        if self._popup is None:
            self._popup = QCalendarWidget()
            self._popup.setWindowFlags(Qt.WindowType.Popup)
            self._popup.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
            self._popup.setGridVisible(True)
            self._popup.setMinimumDate(to_qdate(dates.EARLIEST))
            self._popup.setMaximumDate(to_qdate(dates.LATEST))
            self._popup.setAccessibleName(f"{self.accessibleName() or 'Date'}: calendar")
            self._popup.activated.connect(self._picked)
            self._popup.clicked.connect(self._picked)
        self._popup.setSelectedDate(to_qdate(self._parse() or self.today()))
        self._popup.move(self.mapToGlobal(self.rect().bottomLeft()))
        self._popup.show()
        self._popup.setFocus()

    def _picked(self, day: QDate) -> None:
        self.set_value(day.toPython())
        self.committed.emit()
        if self._popup is not None:
            self._popup.hide()
        self.setFocus()
