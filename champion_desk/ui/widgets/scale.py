"""A 1–5 confidence scale that may be left unrated."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from champion_desk.ui.widgets.fields import NumberField

SCALE_HINT = "1 = not at all confident … 5 = very confident; '—' = not asked. Type a digit or use the arrows."


class ScalePicker(NumberField):
    """A 1–5 rating, empty ('—', None) until chosen: typing one digit sets it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(1, 5, optional=True, suffix="", parent=parent)
        self.setToolTip(SCALE_HINT)
