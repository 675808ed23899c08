"""A 1–5 confidence scale that may be left unrated."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from champion_desk.ui.widgets.fields import NumberField

SCALE_HINT = "1 = not at all confident … 5 = very confident; '—' = not asked. Type a digit or use the arrows."


class ScalePicker(NumberField):
    """A 1–5 rating, empty ('—', None) until chosen: typing one digit sets it and moves on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(1, 5, optional=True, suffix="", parent=parent)
        self.setToolTip(SCALE_HINT)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # A rating is one digit: moving on at once saves a Tab per score (ten in a session of five).
        digit = event.text()
        if digit in ("1", "2", "3", "4", "5") and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.set_value(int(digit))
            self.focusNextChild()
            return
        super().keyPressEvent(event)
