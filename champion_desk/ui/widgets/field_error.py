"""The message shown under a form field when its value breaks a rule."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget


class FieldErrorLabel(QLabel):
    """A red, word-wrapped message under its field; hidden (taking no space) while there is none."""

    def __init__(self, field_label: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._apply_colour()
        self.setAccessibleName(f"{field_label} error".strip())
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._message = ""
        self.hide()

    def _apply_colour(self) -> None:
        # A deep red reads on a light window, a light red on a dark one (system dark mode).
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        sheet = f"QLabel#fieldError {{ color: {'#ff8a80' if dark else '#c62828'}; font-weight: 600; }}"
        if sheet != self.styleSheet():  # restyling raises another palette change
            self.setStyleSheet(sheet)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_colour()
        super().changeEvent(event)

    def show_message(self, message: str) -> None:
        """Show ``message`` (prefixed with a warning sign so it is not told by colour alone)."""
        message = message[:1].upper() + message[1:]
        self._message = message
        self.setText(f"⚠ {message}")
        self.setAccessibleDescription(message)
        self.show()

    def clear_message(self) -> None:
        """Hide the message."""
        self._message = ""
        self.clear()
        self.setAccessibleDescription("")
        self.hide()

    def message(self) -> str:
        """Return the message shown, without the warning sign ('' when hidden)."""
        return self._message
