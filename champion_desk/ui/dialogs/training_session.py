"""The training-session dialog: the session and everyone who attended, saved in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QDialog, QLabel, QWidget

from champion_desk.domain import logbook, pickers, signin, validation, vocab
from champion_desk.domain.signing import Signature
from champion_desk.domain.validation import SHORT_TEXT_MAX
from champion_desk.errors import ChampionDeskError, ConflictError, ValidationError
from champion_desk.store import records
from champion_desk.ui.dialogs.base import RecordDialog
from champion_desk.ui.widgets.attendee_list import ATTENDANCE_FIELDS, AttendeeList
from champion_desk.ui.widgets.fields import LongTextField, NumberField, TextField
from champion_desk.ui.widgets.invite_list import InviteList

DEFAULT_MINUTES = 30


class TrainingSessionDialog(RecordDialog):
    """A session a champion ran, with attendees' confidence before/after and competency sign-offs."""

    table = "training_session"
    noun = "training session"
    columns = 2
    min_width = 1060
    column_stretch = (2, 3)

    def build(self) -> None:
        self._keep_open = False  # while printing the sheet saves: the save must not close the form
        self._kept_open = False  # once it has: the form is the saved session's edit
        self.section("Session", column=0)
        self.tool_field()
        self.unit_field()
        self.staff_field("trainer_id", "T&rainer", hint="Who ran the session (you, by default).")
        self.held = self.date_field("held_on", "&Date")
        self.add_field("starts_at", "Start t&ime", TextField(5, "14:00"), hint="24-hour clock; for the calendar file.")
        self.add_field("minutes", "&Minutes", NumberField(1, 600, suffix=" min"))
        self.add_field("place", "P&lace", TextField(validation.NAME_MAX, "e.g. Seminar room, Cedar Ward"))
        self.vocab_field("format", "&Format", vocab.SessionFormat)
        self.add_field("topic", "To&pic", TextField(SHORT_TEXT_MAX, "e.g. Checking and correcting drafts"))
        self.add_field(
            "notes", "N&otes", LongTextField(2, "No patient details"), hint="Free text; never patient details."
        )
        self.section("Invited", column=0, stretch=True)
        self.invites = self.add_field("invited", "Invited", InviteList(pickers.staff(self.db)), saved=False, span=True)
        self.invites.due_requested.connect(self.invite_who_is_due)
        self.invites.fill_attendees_requested.connect(self.attendees_from_invites)
        self.invites.confirm_walk_ins_requested.connect(self.confirm_walk_ins)
        self.add_focus_widgets(self._session_buttons())
        self.section(
            "Attendees",
            column=1,
            stretch=True,
            note="Type a name or staff number and press Enter; add the next one straight away. "
            "Confidence is 1 (not at all) to 5 (very); tick when you have checked their competency.",
        )
        people = pickers.staff(self.db)
        self.attendees = self.add_field(
            "attendees", "Attendees", AttendeeList(people, self.current_user_id()), saved=False, span=True
        )
        self.attendees.rows_changed.connect(self.update_tab_order)
        self.attendees.new_colleague_requested.connect(self.add_new_colleague)
        self.held.edited.connect(lambda: self.attendees.set_session_date(self.held.value()))
        self.fields["unit_id"].widget.edited.connect(self._prefer_session_unit)
        self.attendees.set_session_date(self.held.value())

    def _session_buttons(self) -> list[QWidget]:
        from PySide6.QtWidgets import QHBoxLayout, QPushButton

        row = QHBoxLayout()
        self.signin_button = QPushButton("Sign-in scr&een…")
        self.signin_button.setToolTip("Attendees sign themselves in on this PC (full screen; leaving needs a PIN)")
        self.sheet_button = QPushButton("Print sign-in s&heet…")
        self.signin_button.setAccessibleName("Sign-in screen")
        self.sheet_button.setAccessibleName("Print sign-in sheet")
        for button in (self.signin_button, self.sheet_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        self._form.addRow(row)
        # What printing the sheet did to the form: information, not an error.
        self.sheet_note = QLabel()
        self.sheet_note.setObjectName("fieldNote")
        self.sheet_note.setWordWrap(True)
        self.sheet_note.hide()
        self._form.addRow(self.sheet_note)
        self.signin_button.clicked.connect(self.open_signin_screen)
        self.sheet_button.clicked.connect(self.print_sheet)
        return [self.signin_button, self.sheet_button]

    def open_signin_screen(self) -> None:
        """Save the session (the kiosk reads it from the logbook), close the form, open the sign-in screen.

        The form closes: attendees sign in at the screen, and a form still open with the list as
        it was would take them off again when saved.
        """
        from champion_desk.ui import signin_actions

        if (self.record_id is None or self.is_dirty()) and not self.save():
            return
        session_id = self.record_id
        parent = self.parentWidget()
        self.close()
        signin_actions.open_kiosk(self.context, session_id, parent)

    def print_sheet(self) -> None:
        """Save the session (the sheet prints its id and invite list), print its sheet, and stay in the form.

        A champion prints the sheet for a session being planned and carries on with it (more
        invitations, the place): the form stays open as an edit of the saved session, and says so.
        """
        from champion_desk.ui import signin_actions

        if self.record_id is None or self.is_dirty():
            self._keep_open = True
            try:
                if not self.save():
                    return
            finally:
                self._keep_open = False
            self._become_edit()
        signin_actions.print_sheet(self.context, self.record_id, self)

    def _become_edit(self) -> None:
        """Turn the form, just saved and kept open, into the edit of the stored session."""
        self.record = records.get(self.db, self.table, self.record_id)
        self.setWindowTitle(f"Edit {self.noun}")
        self.setAccessibleName(self.windowTitle())
        # The lists stay as shown (the reasons beside the invited, unticked rows of a sheet): they
        # are what was just saved, and the base save already took them as the unchanged state.
        self._kept_open = True
        self.cancel_button.setText("Close")
        self.cancel_button.setAccessibleName("Close")
        self.sheet_note.setText(
            "Saved the session: its sign-in sheet needs it in the logbook. "
            "The form stays open; Save keeps any further changes."
        )
        self.sheet_note.show()

    def done(self, result: int) -> None:
        # The base save closes the form after saving; printing the sheet saves and stays.
        if self._keep_open:
            return
        super().done(result)

    def reject(self) -> None:
        """Close (Esc, Close): a form kept open after a save asks before losing later changes, else closes as saved."""
        if not self._kept_open:
            super().reject()
        elif not self.is_dirty() or self.confirm_discard():
            # Accepted: the session was saved, so whoever opened the form gets its id.
            super().done(QDialog.DialogCode.Accepted)

    def invite_who_is_due(self) -> None:
        """Fill the invite list from who is due on this session's tool, on its unit."""
        from champion_desk.domain.due import REASON_TEXT, who_is_due

        tool_id = self.fields["tool_id"].widget.value()
        unit_id = self.fields["unit_id"].widget.value()
        tool = next((t["name"] for t in pickers.tools(self.db) if t["id"] == tool_id), None)
        unit = next((u["name"] for u in pickers.units(self.db) if u["id"] == unit_id), None)
        if tool is None:
            self.fields["invited"].error.show_message("Choose the tool first: who is due depends on it.")
            return
        trainer = self.fields["trainer_id"].widget.value()
        rows = [
            r
            for r in who_is_due(self.db, tool, [unit] if unit else [], exclude_session=self.record_id)
            if r["staff_id"] != trainer  # the trainer runs it
        ]
        added = self.invites.add_people(
            [
                {
                    "id": r["staff_id"],
                    "display_name": r["display_name"],
                    "unit_name": r["unit"],
                    "role": r["role"],
                    "reason": REASON_TEXT[r["reason"]],
                }
                for r in rows
            ]
        )
        reasons = sorted({REASON_TEXT[r["reason"]] for r in rows})
        message = f"Invited {added} due on {tool}" + (f" ({', '.join(reasons)})." if reasons else ".")
        self.invites.show_note(message if added else f"Nobody more is due on {tool} on {unit}.")

    def attendees_from_invites(self) -> None:
        """List each invited colleague as a row with a "came" tick: a completed sheet is then ticks and digits.

        The rows follow the printed sheet's order (names, accent-blind), so the sheet is copied row by
        row; the keyboard starts on the first "came" tick. Those left unticked are saved as did not
        come (their invitation's status), not as attendees.
        """
        listed = {row.person["id"] for row in self.attendees.rows}
        first = None
        for person in sorted(self.invites.people(), key=lambda p: pickers.fold(p["display_name"])):
            if person["id"] not in listed:
                row = self.attendees.add_person(pickers.staff_member(self.db, person["id"]) or person, came=False)
                first = first or row
        if first is not None:
            first.came.setFocus()

    def confirm_walk_ins(self) -> None:
        """Confirm, in one press, the walk-ins who signed in at the sign-in screen and are still listed as attending."""
        if self.record_id is None:
            return
        attending = {a["staff_id"] for a in self.attendees.value()}
        waiting = [i for i in self.invites.unconfirmed_walk_ins() if i in attending]
        try:
            count = signin.confirm_walk_ins(self.db, self.record_id, set(waiting), self.context.actor)
        except ChampionDeskError as error:
            self.invites.show_note(f"Not confirmed: {error}")
            return
        self.invites.mark_confirmed(waiting)
        self.invites.show_note(f"Confirmed {count} walk-in{'' if count == 1 else 's'}.")
        self.context.notify_changed("invitation")

    def _prefer_session_unit(self) -> None:
        # Attendees mostly work on the ward the session is held on: list them first.
        unit_id = self.fields["unit_id"].widget.value()
        self.attendees.picker.preferred_unit_id = unit_id
        self.fields["trainer_id"].widget.preferred_unit_id = unit_id

    def defaults(self) -> dict[str, Any]:
        return {
            **super().defaults(),
            "trainer_id": self.current_user_id(),
            "minutes": DEFAULT_MINUTES,
            "format": vocab.SessionFormat.HANDS_ON.value,
        }

    def load(self, prefill: Mapping[str, Any]) -> None:
        super().load(prefill)
        self.attendees.set_session_date(self.held.value())
        self._prefer_session_unit()
        if self.record:
            self.attendees.set_value(pickers.attendees(self.db, self.record["id"]))
            self.invites.set_value(signin.invite_list(self.db, self.record["id"]))

    def first_focus(self) -> QWidget | None:
        """Start a new session on the attendee box when the session itself is already filled in.

        Tool, unit, trainer and date default to the most used tool, your unit, you and today:
        most sessions are logged straight after they are held, so the names come first.
        """
        if self.record is None and all(
            self.fields[name].widget.value() for name in ("tool_id", "unit_id", "trainer_id", "held_on")
        ):
            return self.attendees.picker
        return super().first_focus()

    def saved_description(self) -> str:
        count = len(self.attendees.value())
        return f"{super().saved_description()} with {count} attendee{'' if count == 1 else 's'}"

    # -- new colleague inline ------------------------------------------------------------------
    def add_new_colleague(self, name: str = "") -> str | None:
        """Add a colleague not listed yet (name, unit, role, staff number) and list them as attending."""
        from champion_desk.ui.dialogs.registry import open_record_dialog

        prefill = {"display_name": name or None, "unit_id": self.fields["unit_id"].widget.value()}
        staff_id = open_record_dialog(self.context, "staff", prefill=prefill, parent=self)
        if staff_id:
            person = pickers.staff_member(self.db, staff_id)
            self.fields["trainer_id"].widget.add_person(person)
            self.attendees.add_person(person)
            self.attendees.picker.clear()
        self.attendees.picker.setFocus()
        return staff_id

    # -- checking and saving ---------------------------------------------------------------------
    def check(self, values: Mapping[str, Any]) -> list[ValidationError]:
        found = super().check(values)
        planned = (values.get("held_on") or "") > dt.date.today().isoformat()
        for index, attendance in enumerate(self.attendees.value()):
            if planned and (attendance["confidence_after"] is not None or attendance["signed_off"]):
                # Said in the attendee's terms; the per-field rules below would only blame the date.
                field = "confidence_after" if attendance["confidence_after"] is not None else "signed_off"
                found.append(
                    ValidationError(
                        f"attendees.{index}.{field}",
                        "only after the session is held",
                        "Confidence after and sign-off can be recorded once the session has been held.",
                    )
                )
            row = {**logbook.DEFAULTS["attendance"], **logbook.normalise(attendance), "session_id": None}
            for problem in validation.problems(self.db, "attendance", row):
                if problem.field != "session_id":  # the session is saved with them
                    found.append(ValidationError(f"attendees.{index}.{problem.field}", problem.rule, problem.message))
        return found

    def save(self) -> bool:
        self._signatures: dict[str, Signature] = {}  # asked once per save, even if identifiers are confirmed after
        return super().save()

    def write(self, values: dict[str, Any], acknowledge_identifiers: bool) -> str:
        attendances = [{k: a[k] for k in ATTENDANCE_FIELDS} for a in self.attendees.value()]
        self._ask_signatures(attendances)
        return logbook.save_session(
            self.db,
            values,
            attendances,
            self.context.actor,
            self.record_id,
            acknowledge_identifiers=acknowledge_identifiers,
            signatures=self._signatures,
            invited=self.invites.value(),
        )

    def _ask_signatures(self, attendances: list[dict[str, Any]]) -> None:
        """Ask the PIN of whoever signs a new or changed sign-off; raise (nothing saved) when they do not sign."""
        from champion_desk.ui.sign_dialog import ask_signature

        signatures = getattr(self, "_signatures", {})
        self._signatures = signatures
        for signer in logbook.attendance_signers(self.db, self.record_id, attendances):
            if signer in signatures:
                continue
            names = [
                self.attendees.attending_rows()[i].person["display_name"]
                for i, a in enumerate(attendances)
                if a["signed_off"] and a["signed_off_by"] == signer
            ]
            signature = ask_signature(
                self.db,
                signer,
                f"Sign off the competency of {', '.join(names)}: you checked they can use the tool safely.",
                "Sign off",
                self,
            )
            if signature is None:
                index = next(i for i, a in enumerate(attendances) if a["signed_off"] and a["signed_off_by"] == signer)
                raise ValidationError(
                    f"attendees.{index}.signed_off",
                    "not signed",
                    "Not signed: the sign-off needs the signer's PIN (or untick it).",
                )
            signatures[signer] = signature

    def show_problem(self, problem: ValidationError | ConflictError) -> QWidget | None:
        if problem.field.startswith("attendees."):
            _, index, field = problem.field.split(".", 2)
            return self.attendees.show_row_error(int(index), field, problem.message)
        return super().show_problem(problem)
