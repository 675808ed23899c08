"""Set, change or reset a colleague's personal signing PIN (File › My signing PIN…).

Who may do it is decided in ``domain/signing.py``: their current PIN changes it; otherwise a
second person must be present and type their own signing PIN (only the very first PIN in a
logbook can be set with a second person who has none).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from champion_desk.domain import listings, signing
from champion_desk.errors import ChampionDeskError, ValidationError
from champion_desk.store.connection import Database
from champion_desk.ui.sign_dialog import pin_edit


class SigningPinDialog(QDialog):
    """Set or change one colleague's signing PIN, with a second person when their current PIN is not typed."""

    def __init__(self, db: Database, staff_id: str | None, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor = actor
        self.result_text = ""
        self.setWindowTitle("Signing PIN")
        self.setAccessibleName("Signing PIN")
        self.setMinimumWidth(480)

        intro = QLabel(
            "A signing PIN makes your countersigns and competency sign-offs verified: nobody else can sign "
            "in your name without it. It is yours, not this PC's: it goes with the logbook when wards "
            "merge. Keep it to yourself.",
            self,
        )
        intro.setWordWrap(True)
        people = listings.loggers(db)
        self.person = QComboBox(self)
        self.person.setAccessibleName("Whose signing PIN")
        self.second = QComboBox(self)
        self.second.setAccessibleName("Second person present")
        self.second.addItem("(nobody: I know my current PIN)", None)
        for row in people:
            self.person.addItem(row["display_name"], row["id"])
            self.second.addItem(row["display_name"], row["id"])
        if staff_id is not None and self.person.findData(staff_id) < 0:
            row = listings.person(db, staff_id)
            if row is not None:
                self.person.insertItem(0, row["display_name"], staff_id)
        self.person.setCurrentIndex(max(0, self.person.findData(staff_id)))
        self.current = pin_edit("Current signing PIN", self)
        self.new = pin_edit("New signing PIN", self)
        self.repeat = pin_edit("New signing PIN again", self)
        self.second_pin = pin_edit("Second person's signing PIN", self)

        form = QFormLayout()
        form.addRow("&Whose PIN", self.person)
        self.current_label = QLabel("&Current PIN", self)
        self.current_label.setBuddy(self.current)
        form.addRow(self.current_label, self.current)
        form.addRow("&New PIN", self.new)
        form.addRow("New PIN &again", self.repeat)
        self.second_box = QGroupBox("Second person present", self)
        second_form = QFormLayout(self.second_box)
        self.second_note = QLabel(self.second_box)
        self.second_note.setWordWrap(True)
        second_form.addRow(self.second_note)
        second_form.addRow("&Who", self.second)
        second_form.addRow("Their &signing PIN", self.second_pin)
        self.message = QLabel(self)
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Set PIN")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.second_box)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.person.currentIndexChanged.connect(lambda _i: self._sync())
        self._sync()
        (self.current if self._has_pin else self.new).setFocus()

    def _sync(self) -> None:
        # Someone with a PIN may change it with the current one; anyone else needs a second person.
        has = self._has_pin = signing.has_signing_pin(self.db, self.person.currentData())
        self.current.setVisible(has)
        self.current_label.setVisible(has)
        first = not signing.anyone_has_signing_pin(self.db)
        self.second_note.setText(
            ("Forgotten it? " if has else "")
            + (
                "A colleague who is here with you: the first signing PIN in this logbook."
                if first
                else "A colleague with a signing PIN (a manager, say) types theirs to confirm it is you."
            )
        )

    def save(self) -> None:
        """Set the PIN if the rules allow; otherwise say which field breaks which rule and stay open."""
        self.message.clear()
        fields = {
            "new_pin": self.new,
            "current_pin": self.current,
            "authoriser": self.second,
            "authoriser_pin": self.second_pin,
            "pin": self.new,
        }
        if self.new.text() != self.repeat.text():
            self._show(
                ValidationError("new_pin", "typed the same twice", "The two new PINs differ: type it again."), fields
            )
            return
        staff_id = self.person.currentData()
        try:
            how = signing.set_signing_pin(
                self.db,
                staff_id,
                self.new.text(),
                self.actor,
                current_pin=(self.current.text() or None) if self._has_pin else None,
                authoriser_id=self.second.currentData(),
                authoriser_pin=self.second_pin.text() or None,
            )
        except ValidationError as exc:
            self._show(exc, fields)
            return
        except ChampionDeskError as exc:
            self.message.setText(f"Not set — {exc}")
            return
        self.result_text = f"Signing PIN set for {self.person.currentText()} ({how})."
        self.accept()

    def _show(self, exc: ValidationError, fields: dict[str, QWidget]) -> None:
        self.message.setText(exc.message)
        for edit in (self.current, self.new, self.repeat, self.second_pin):
            edit.clear()
        fields.get(exc.field, self.new).setFocus()


def set_signing_pin(db: Database, staff_id: str | None, actor: str, parent: QWidget | None = None) -> str:
    """Open the signing PIN dialog; return what was done ('' when cancelled)."""
    dialog = SigningPinDialog(db, staff_id, actor, parent)
    try:
        return dialog.result_text if dialog.exec() == QDialog.DialogCode.Accepted else ""
    finally:
        dialog.deleteLater()
