"""Ask for the passphrase that seals a copy leaving the PC, or opens one that came back.

Sealing asks twice: a mistyped passphrase would lock the copy for good. The passphrase lives only
in this dialog's fields and the caller's local variable; it is never stored in settings or logged.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from champion_desk.errors import ValidationError
from champion_desk.store.sealed import MIN_PASSPHRASE, check_passphrase


class PassphraseDialog(QDialog):
    """One or two password fields; ``passphrase`` holds what was typed after ``accept()``."""

    def __init__(self, title: str, purpose: str, confirm: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.confirm = confirm
        self.passphrase: str | None = None
        intro = QLabel(purpose, self)
        intro.setWordWrap(True)
        self.first = QLineEdit(self)
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName("Passphrase")
        form = QFormLayout()
        form.addRow("&Passphrase:", self.first)
        self.second = QLineEdit(self)
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setAccessibleName("The same passphrase again")
        if confirm:
            self.first.setPlaceholderText(f"at least {MIN_PASSPHRASE} characters, e.g. three random words")
            form.addRow("&Again:", self.second)
        else:
            self.second.hide()
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Passphrase message")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def try_accept(self) -> None:
        """Accept when the passphrase is fit (and typed the same twice when sealing); else say why."""
        text = self.first.text()
        if self.confirm:
            try:
                check_passphrase(text)
            except ValidationError as exc:
                self.message.setText(exc.message)
                self.first.setFocus()
                return
            if self.second.text() != text:
                self.message.setText("The two passphrases are not the same.")
                self.second.clear()
                self.second.setFocus()
                return
        elif not text:
            self.message.setText("Type the passphrase the file was encrypted with.")
            return
        self.passphrase = text
        self.first.clear()
        self.second.clear()
        self.accept()


def ask_passphrase(parent: QWidget | None, title: str, purpose: str, confirm: bool) -> str | None:
    """Return the passphrase typed, or None when the person cancelled."""
    dialog = PassphraseDialog(title, purpose, confirm, parent)
    try:
        return dialog.passphrase if dialog.exec() else None
    finally:
        dialog.deleteLater()


SEAL_PURPOSE = (
    "This copy names colleagues and may hold concern text, and it can leave this PC, so it is encrypted. "
    "Choose a passphrase and tell it to whoever opens the copy by another route (in person or by phone, "
    "never in the same email). Without it nobody, not even you, can open the copy."
)
OPEN_PURPOSE = "{name} is encrypted. Type the passphrase it was encrypted with."
