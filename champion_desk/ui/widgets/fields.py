"""Form field widgets with one interface: ``value()``, ``set_value()`` and an ``edited`` signal.

Values are what the domain stores: text (``None`` when blank), ISO dates, ints, ids. Dialogs
read and write every field through this interface, so they need no per-widget code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

EMPTY_TEXT = "—"
DATE_FORMAT = "d MMM yyyy"  # "26 Nov 2026": no day/month ambiguity on a shared PC.
EARLIEST = QDate(2000, 1, 1)
LATEST = QDate(2100, 12, 31)


def compact(widget: QWidget, min_width: int = 120) -> None:
    """Keep a number or date box at its natural width instead of stretching across the form."""
    widget.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    widget.setMinimumWidth(min_width)


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

    def __init__(self, choices: Iterable[tuple[str, Any]] = (), empty_label: str | None = None, parent: QWidget | None = None) -> None:
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

    def __init__(self, low: int, high: int, optional: bool = False, suffix: str = "", parent: QWidget | None = None) -> None:
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


class DateField(QDateEdit):
    """A required date with a calendar pop-up, read and written as ISO ``YYYY-MM-DD``."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(QDate.currentDate(), parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(DATE_FORMAT)
        self.setDateRange(EARLIEST, LATEST)
        compact(self, 170)
        self.setToolTip("Type the date, or ←/→ to move between day, month and year and ↑/↓ to change; Alt+↓ opens a calendar.")
        self.dateChanged.connect(self.edited)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 - Qt override
        # Tab leaves the date (Qt would step through day, month, year): most dates stay today,
        # so one Tab per field keeps logging fast; arrows still move between the parts.
        return QWidget.focusNextPrevChild(self, next)

    def value(self) -> str:
        return self.date().toString("yyyy-MM-dd")

    def set_value(self, value: str | dt.date | None) -> None:
        self.setDate(to_qdate(value))
