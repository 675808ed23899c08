"""The message shown under a form field when its value breaks a rule."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


class FieldErrorLabel(QLabel):
    """A red, word-wrapped message under its field; hidden (taking no space) while there is none."""

    def __init__(self, field_label: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        # Red on the palette's own background stays legible in light and dark themes alike.
        self.setStyleSheet("QLabel#fieldError { color: #c62828; font-weight: 600; }")
        self.setAccessibleName(f"{field_label} error".strip())
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._message = ""
        self.hide()

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
