"""A date that may be left empty: a tick says whether it is set, then the date itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QWidget

from champion_desk.ui.widgets.fields import DateField

NOT_SET = "not set"


class OptionalDateEdit(QWidget):
    """A tick and a date; unticked reads as None and shows 'not set' rather than a misleading date.

    Ticking it fills in ``default`` (today unless set), so one key press records "today".
    With ``show_toggle=False`` the tick is hidden and code decides (see ``set_active``), as
    when a concern's resolved date follows its status.
    """

    edited = Signal()

    def __init__(self, toggle_text: str = "Set", show_toggle: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = QCheckBox(toggle_text, self)
        self.date_edit = DateField(self)
        self.default: str | dt.date | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toggle)
        layout.addWidget(self.date_edit)
        layout.addStretch(1)
        self.toggle.setVisible(show_toggle)
        self.toggle.toggled.connect(self._on_toggled)
        self.date_edit.edited.connect(self.edited)
        self._show_unset()

    def _show_unset(self) -> None:
        self.date_edit.clear_value()
        self.date_edit.setPlaceholderText(NOT_SET)
        self.date_edit.setEnabled(False)

    def _on_toggled(self, checked: bool) -> None:
        if checked:
            self.date_edit.setEnabled(True)
            self.date_edit.setPlaceholderText("dd/mm/yyyy")
            if not self.date_edit.text().strip():
                self.date_edit.set_value(self.default)
        else:
            self._show_unset()
        self.edited.emit()

    def set_active(self, active: bool) -> None:
        """Set or clear the date from code (filled with the default when it becomes set)."""
        self.toggle.setChecked(active)

    def is_active(self) -> bool:
        return self.toggle.isChecked()

    def value(self) -> str | None:
        return self.date_edit.value() if self.toggle.isChecked() else None

    def set_value(self, value: Any) -> None:
        if value is None:
            self.toggle.setChecked(False)
            self._show_unset()
        else:
            self.date_edit.set_value(value)
            self.toggle.setChecked(True)
            self.date_edit.setEnabled(True)

    def input_problem(self) -> str | None:
        """Return why a set date's text is not a date, or None."""
        return self.date_edit.input_problem() if self.toggle.isChecked() else None

    def set_accessible_label(self, label: str) -> None:
        self.setAccessibleName(label)
        self.toggle.setAccessibleName(f"{label}: set a date")
        self.date_edit.setAccessibleName(label)

    def focus_widgets(self) -> list[QWidget]:
        return [w for w in (self.toggle, self.date_edit) if not w.isHidden()]
