"""The one signing dialog: countersigning, a sign-off tick or date, and Switch user ask the signer's PIN here.

The rules (checking, counting wrong tries, the wait) are in ``domain/signing.py``; this dialog
only shows them. A wrong PIN signs nothing: the dialog stays open with the PIN cleared, and after
a few wrong tries it counts down the wait the domain imposes (kept in the file, so closing the
dialog or the app does not skip it).
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, QTimer
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from champion_desk.domain import pin, signing
from champion_desk.errors import ChampionDeskError, ValidationError
from champion_desk.store.connection import Database


def pin_edit(accessible_name: str, parent: QWidget | None = None) -> QLineEdit:
    """Return a masked line edit that takes only digits, as long as a PIN may be."""
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(pin.PIN_MAX_LENGTH)
    edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d*"), edit))
    edit.setAccessibleName(accessible_name)
    edit.setPlaceholderText(f"{pin.PIN_MIN_LENGTH} to {pin.PIN_MAX_LENGTH} digits")
    return edit


class SignDialog(QDialog):
    """Ask ``signer_id``'s signing PIN before signing ``what``; ``signature`` is set when it may go ahead.

    For someone with no signing PIN the dialog says the signature will be stored as unverified
    and offers to sign so (unless ``allow_unverified`` is False, as for Switch user).
    """

    def __init__(
        self,
        db: Database,
        signer_id: str,
        what: str,
        action: str = "Sign",
        allow_unverified: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.signer_id = signer_id
        self.signature: signing.Signature | None = None
        person = db.one("SELECT display_name FROM staff WHERE id = ?", (signer_id,))
        self.name = person["display_name"] if person else "this colleague"
        self.has_pin = signing.has_signing_pin(db, signer_id)
        self.setWindowTitle(f"{action} as {self.name}")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(440)

        intro = QLabel(what, self)
        intro.setWordWrap(True)
        self.pin = pin_edit(f"{self.name}'s signing PIN", self)
        self.message = QLabel(self)
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Signing PIN problem")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.sign_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.try_sign)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        if self.has_pin:
            form = QFormLayout()
            form.addRow(f"{self.name}'s signing &PIN", self.pin)
            layout.addLayout(form)
            self.sign_button.setText(action)
        else:
            self.pin.hide()
            note = QLabel(
                f"{self.name} has no signing PIN, so this will be stored as <b>unverified</b>: anyone at this PC "
                "could have chosen their name. A signing PIN is set under File › My signing PIN…",
                self,
            )
            note.setWordWrap(True)
            layout.addWidget(note)
            self.sign_button.setText(f"{action} unverified")
            self.sign_button.setEnabled(allow_unverified)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        # Counts down a wait after too many wrong PINs.
        self._wait_timer = QTimer(self)
        self._wait_timer.setInterval(1000)
        self._wait_timer.timeout.connect(self.refresh_wait)
        self.refresh_wait()
        self.pin.setFocus()

    def try_sign(self) -> None:
        """Check the PIN (or sign unverified for someone without one); accept only when it may go ahead."""
        try:
            self.signature = signing.sign_as(self.db, self.signer_id, self.pin.text() if self.has_pin else None)
        except ValidationError as exc:
            self.pin.clear()
            self.message.setText(exc.message)
            self.refresh_wait()
            self.pin.setFocus()
            return
        except ChampionDeskError as exc:
            self.message.setText(f"Not signed — {exc}")
            return
        self.accept()

    def refresh_wait(self) -> None:
        """Disable signing while a wait is in force, showing the seconds left."""
        if not self.has_pin:
            return
        wait = signing.wait_seconds(self.db, self.signer_id)
        waiting = wait > 0
        self.sign_button.setEnabled(not waiting)
        self.pin.setEnabled(not waiting)
        if waiting:
            self.message.setText(f"Too many wrong PINs for {self.name}. Try again in {int(wait + 0.999)} seconds.")
            if not self._wait_timer.isActive():
                self._wait_timer.start()
        elif self._wait_timer.isActive():
            self._wait_timer.stop()
            self.message.clear()
            self.pin.setFocus()


def ask_signature(
    db: Database, signer_id: str, what: str, action: str = "Sign", parent: QWidget | None = None
) -> signing.Signature | None:
    """Ask the signer's PIN; return their Signature, or None when cancelled (nothing is signed then)."""
    dialog = SignDialog(db, signer_id, what, action, parent=parent)
    try:
        return dialog.signature if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def confirm_identity(db: Database, staff_id: str, parent: QWidget | None = None) -> bool:
    """Ask the signing PIN of someone who has one before working as them; True when right (or they have none)."""
    if not signing.has_signing_pin(db, staff_id):
        return True
    name = db.scalar("SELECT display_name FROM staff WHERE id = ?", (staff_id,))
    dialog = SignDialog(
        db,
        staff_id,
        f"{name} has a signing PIN: type it to log as them. Each countersign and sign-off will ask for it again.",
        action="Continue",
        allow_unverified=False,
        parent=parent,
    )
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted and dialog.signature is not None
    finally:
        dialog.deleteLater()
