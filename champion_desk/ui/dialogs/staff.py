"""The colleague (staff) dialog; also used to add a colleague inline from other dialogs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QWidget

from champion_desk.domain import logbook, pin, signing, vocab
from champion_desk.domain.validation import NAME_MAX
from champion_desk.ui.dialogs.base import RecordDialog
from champion_desk.ui.widgets.fields import CheckField, ChoiceField, SuggestedTextField, TextField


class PinField(TextField):
    """A masked field that takes only digits, as long as a PIN may be."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(pin.PIN_MAX_LENGTH, f"{pin.PIN_MIN_LENGTH} to {pin.PIN_MAX_LENGTH} digits", parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d*"), self))


class StaffDialog(RecordDialog):
    """A colleague: name, role, unit, staff number, e-mail, login, champion, active. Only what the job needs.

    Making someone a manager (a role that countersigns and confirms signing PINs) asks a manager
    who has a signing PIN to confirm it here; the rule is :func:`signing.check_role_change`.
    """

    table = "staff"
    noun = "colleague"

    def build(self) -> None:
        self.add_field("display_name", "&Name", TextField(NAME_MAX, "As colleagues know them"))
        self.role = self.add_field(
            "role",
            "&Role",
            SuggestedTextField(vocab.ROLE_SUGGESTIONS),
            hint="Pick a suggestion or type the role as your roster has it.",
        )
        self.unit_field(optional=True)
        self.add_field(
            "staff_ref",
            "Staff &number",
            TextField(40, "Optional, e.g. E1042"),
            hint="Optional. Must be unique; lets you find them by number.",
        )
        # How a tool's usage export names them (File › Import usage… matches on these).
        self.add_field(
            "email",
            "&E-mail",
            TextField(254, "Optional, e.g. name@nhs.net"),
            hint="Optional. Usage imports match colleagues on it.",
        )
        self.add_field(
            "login",
            "&Login",
            TextField(80, "Optional, as the tools know them"),
            hint="Optional. Usage imports match colleagues on it.",
        )
        self.add_field("is_champion", "", CheckField("&Champion (can train and mentor)"))
        self.add_field("active", "", CheckField("&Active (works here now)"))
        self._build_authorisation()

    def _build_authorisation(self) -> None:
        """Add the manager's confirmation, shown only while the role typed would make them a manager."""
        form = self.section(
            "Manager's authorisation",
            note="A manager's role lets them countersign and confirm signing PINs: "
            "a manager with a signing PIN confirms it (or it comes from the trust's roster import).",
        )
        self.authorisation_box = form.parentWidget()
        managers = signing.managers_with_pins(self.db)
        empty = "Choose a manager…" if managers else "No manager has a signing PIN yet"
        self.authoriser = self.add_field(
            "authoriser",
            "Authorised &by",
            ChoiceField([(m["display_name"], m["id"]) for m in managers], empty_label=empty),
            saved=False,
        )
        self.authoriser_pin = self.add_field("authoriser_pin", "Their signing &PIN", PinField(), saved=False)
        self.role.edited.connect(self.update_authorisation)
        self._after_load.append(self.update_authorisation)

    def needs_authorisation(self) -> bool:
        """Return True when saving the role as typed needs a manager's signing PIN."""
        return signing.needs_manager_authorisation(
            self.db, self.record_id, logbook.normalise(self.collect()).get("role")
        )

    def update_authorisation(self) -> None:
        """Show the manager's confirmation only when the role needs it."""
        self.authorisation_box.setVisible(self.needs_authorisation())

    def defaults(self) -> dict[str, Any]:
        return {**super().defaults(), "is_champion": 0, "active": 1}

    def write(self, values: dict[str, Any], acknowledge_identifiers: bool) -> str:
        """Save; a colleague made a manager is saved only with a manager's PIN, checked first."""
        authorisation = None
        if signing.needs_manager_authorisation(self.db, self.record_id, logbook.normalise(values).get("role")):
            try:
                authorisation = signing.authorise_as_manager(
                    self.db, self.authoriser.value(), self.authoriser_pin.text() or None
                )
            except Exception:
                # A wrong PIN is not left in the field for the next try.
                self.authoriser_pin.clear()
                raise
        return logbook.save(
            self.db,
            self.table,
            values,
            self.context.actor,
            self.record_id,
            acknowledge_identifiers=acknowledge_identifiers,
            authorisation=authorisation,
        )
