"""The attendees of a training session: add colleagues by type-ahead, rate confidence, sign off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from champion_desk.domain import signing
from champion_desk.ui.widgets.field_error import FieldErrorLabel
from champion_desk.ui.widgets.fields import CheckField, DateField
from champion_desk.ui.widgets.scale import SCALE_HINT, ScalePicker
from champion_desk.ui.widgets.staff_picker import StaffPicker, describe

# Widths shared by the header and every row, so the columns line up.
SCALE_WIDTH = 58
TICK_WIDTH = 64
DATE_WIDTH = 112
REMOVE_WIDTH = 28
ATTENDANCE_FIELDS = (
    "staff_id",
    "confidence_before",
    "confidence_after",
    "signed_off",
    "signed_off_by",
    "signed_off_on",
)


def _fixed(widget: QWidget, width: int) -> QWidget:
    widget.setFixedWidth(width)
    return widget


class AttendeeRow(QWidget):
    """One attendee: name, confidence before and after, sign-off tick and date, remove button."""

    edited = Signal()
    remove_requested = Signal(object)

    def __init__(
        self,
        person: dict[str, Any],
        signer_id: str | None,
        session_date: str,
        record: dict[str, Any] | None = None,
        parent: QWidget | None = None,
        came: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.person = person
        self.record = record or {}
        self.signer_id = signer_id
        self._date_follows_session = True
        name = person["display_name"]
        self.name_label = QLabel(name)
        self.name_label.setToolTip(describe(person))
        self.name_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.before = _fixed(ScalePicker(), SCALE_WIDTH)
        self.after = _fixed(ScalePicker(), SCALE_WIDTH)
        self.signed = _fixed(CheckField(""), TICK_WIDTH)
        self.sign_date = _fixed(DateField(calendar_button=False), DATE_WIDTH)
        self.remove = _fixed(QToolButton(), REMOVE_WIDTH)
        self.remove.setText("✕")
        self.remove.setToolTip(f"Remove {name} from this session")
        self.remove.setAutoRaise(True)
        self.before.setAccessibleName(f"{name}: confidence before (1 to 5)")
        self.after.setAccessibleName(f"{name}: confidence after (1 to 5)")
        self.signed.setAccessibleName(f"{name}: competency signed off")
        self.sign_date.setAccessibleName(f"{name}: sign-off date")
        self.remove.setAccessibleName(f"Remove {name}")
        self.error = FieldErrorLabel(name)
        # A row from the invite list (entering a printed sheet) carries a "came" tick: left unticked,
        # the colleague is saved as did not come, and their scores stay out of reach.
        self.came: CheckField | None = None
        if came is not None:
            self.came = _fixed(CheckField("came"), TICK_WIDTH)
            self.came.set_value(came)
            self.came.setAccessibleName(f"{name}: came (Space)")
            self.came.setToolTip("Ticked on the sheet: they came. Space ticks it and moves on to their scores.")

        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        if self.came is not None:
            line.addWidget(self.came)
            self.came.installEventFilter(self)
        line.addWidget(self.name_label, 1)
        for widget in (self.before, self.after, self.signed, self.sign_date, self.remove):
            line.addWidget(widget)
            widget.installEventFilter(self)
        for widget in (self.signed, self.sign_date, self.remove):
            widget.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # out of the Tab chain, reached with ←/→
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(1)
        outer.addLayout(line)
        outer.addWidget(self.error)

        self.before.set_value(self.record.get("confidence_before"))
        self.after.set_value(self.record.get("confidence_after"))
        self.signed.set_value(self.record.get("signed_off"))
        if self.record.get("signed_off_on"):
            self.sign_date.set_value(self.record["signed_off_on"])
            self._date_follows_session = False
        else:
            self.sign_date.set_value(session_date)
        self._sync_enabled(session_date)
        for widget in (self.before, self.after, self.signed, self.sign_date):
            widget.edited.connect(self.edited)
        self.signed.toggled.connect(self._sync_date_enabled)
        self.after.edited.connect(lambda: self._sync_enabled(self._session_date))
        self.sign_date.edited.connect(self._on_date_changed)
        if self.came is not None:
            self.came.edited.connect(self.edited)
            self.came.toggled.connect(lambda: self._sync_enabled(self._session_date))
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))

    def _sync_date_enabled(self) -> None:
        self.sign_date.setEnabled(self.signed.isChecked() and self.attending)

    @property
    def attending(self) -> bool:
        """Whether this row is saved as an attendance: always, unless its "came" tick is left empty."""
        return self.came is None or self.came.isChecked()

    def _on_date_changed(self) -> None:
        if not self.signalsBlocked() and self.sign_date.hasFocus():
            self._date_follows_session = False  # changed by hand: keep it when the session moves

    def _sync_enabled(self, session_date: str) -> None:
        # A planned session has no "after" yet and nothing to sign off; values already entered
        # stay editable so they can be cleared (saving names the rule if they are kept).
        self._session_date = session_date
        planned = bool(session_date) and session_date > dt.date.today().isoformat()
        self.after.setEnabled(not planned or self.after.value() is not None)
        self.after.setToolTip("Recorded once the session has been held." if planned else SCALE_HINT)
        already = bool(self.record.get("signed_off")) or self.signed.isChecked()
        self.signed.setEnabled(already or (self.signer_id is not None and not planned))
        if not self.attending:  # did not come: nothing to score or sign (Tab skips to the next row)
            for widget in (self.before, self.after, self.signed):
                widget.setEnabled(False)
        else:
            self.before.setEnabled(True)
        if self.record.get("signed_off_by_name"):
            how = signing.label(self.record.get("signed_off_signature"))
            self.signed.setToolTip(f"Signed off by {self.record['signed_off_by_name']}" + (f": {how}" if how else ""))
        elif self.signer_id is None:
            self.signed.setToolTip("Choose who is logging (status bar) to sign off competencies.")
        else:
            self.signed.setToolTip(
                "Signed off once the session has been held." if planned else "Competency checked and signed off by you"
            )
        self._sync_date_enabled()

    def follow_session_date(self, session_date: str) -> None:
        """Date the sign-off on the session's date, unless the user changed it; planned sessions allow neither."""
        if self._date_follows_session:
            self.sign_date.set_value(session_date)
        self._sync_enabled(session_date)

    def value(self) -> dict[str, Any]:
        """Return this attendance as save_session expects it."""
        signed = bool(self.signed.isChecked())
        signer = self.record.get("signed_off_by") if self.record.get("signed_off") else self.signer_id
        return {
            "staff_id": self.person["id"],
            "confidence_before": self.before.value(),
            "confidence_after": self.after.value(),
            "signed_off": int(signed),
            "signed_off_by": signer if signed else None,
            "signed_off_on": self.sign_date.value() if signed else None,
        }

    def widget_for(self, field: str) -> QWidget:
        """Return the control that edits an attendance field (for focusing an error)."""
        return {"confidence_before": self.before, "confidence_after": self.after, "signed_off_on": self.sign_date}.get(
            field, self.signed if field.startswith("signed") else self.before
        )

    def focus_widgets(self) -> list[QWidget]:
        """Return the row's controls in the Tab chain: the "came" tick (sheet rows) and the two scores."""
        return ([self.came] if self.came is not None else []) + [self.before, self.after]

    def row_widgets(self) -> list[QWidget]:
        """Return every control of the row, left to right (←/→ move between them)."""
        return ([self.came] if self.came is not None else []) + [
            self.before,
            self.after,
            self.signed,
            self.sign_date,
            self.remove,
        ]

    def eventFilter(self, watched, event) -> bool:  # Qt override: ←/→ across the row
        if (
            watched is self.came
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Space
            and not event.modifiers()
        ):
            # One key per tick, as the digits: ticking "came" moves on to their score before.
            self.came.toggle()
            if self.came.isChecked():
                self.before.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        if event.type() == QEvent.Type.KeyPress and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            step = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(event.key())
            # In the date, the arrows move the cursor until it reaches the text's edge.
            if step and isinstance(watched, QLineEdit):
                at_edge = watched.cursorPosition() == (0 if step < 0 else len(watched.text()))
                step = step if at_edge and not watched.hasSelectedText() else None
            if step:
                controls = [w for w in self.row_widgets() if w.isEnabled()]
                if watched in controls:
                    target = controls[(controls.index(watched) + step) % len(controls)]
                    target.setFocus(Qt.FocusReason.OtherFocusReason)
                    return True
        return super().eventFilter(watched, event)


class AttendeeList(QWidget):
    """Who came to a session: a type-ahead adder, then one row per attendee.

    Typing a name or staff number and pressing Enter (or choosing from the list) adds a row and
    leaves the cursor in the adder for the next name. The list may offer to add a new colleague,
    which emits ``new_colleague_requested`` with what was typed.
    """

    edited = Signal()
    rows_changed = Signal()
    new_colleague_requested = Signal(str)

    def __init__(self, people: Sequence[dict[str, Any]], signer_id: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.signer_id = signer_id
        self.session_date = ""
        self.rows: list[AttendeeRow] = []
        self.picker = StaffPicker(people, keeps_choice=False, offer_new=True)
        self.picker.setPlaceholderText("Add attendee: name or staff number, then Enter")
        self.picker.setAccessibleName("Add attendee")
        self.new_button = QPushButton("New colleague…")
        self.new_button.setAutoDefault(False)
        self.new_button.setAccessibleName("Add a new colleague")
        self.new_button.setToolTip("Add someone who is not listed yet (name, unit, role, staff number)")
        self.message = FieldErrorLabel("Add attendee")
        self.count_label = QLabel()
        self.count_label.setObjectName("attendeeCount")

        adder = QHBoxLayout()
        adder.addWidget(self.picker, 1)
        adder.addWidget(self.new_button)

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.count_label, 1)
        for text, width in (
            ("Before", SCALE_WIDTH),
            ("After", SCALE_WIDTH),
            ("Signed off", TICK_WIDTH),
            ("Sign-off date", DATE_WIDTH),
            ("", REMOVE_WIDTH),
        ):
            caption = _fixed(QLabel(text), width)
            caption.setToolTip("Confidence 1–5 (optional)" if text in ("Before", "After") else "")
            header.addWidget(caption)

        self._rows_box = QVBoxLayout()
        self._rows_box.setSpacing(4)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 4, 0)
        body_layout.addLayout(self._rows_box)
        body_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidget(body)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setMinimumHeight(230)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(adder)
        layout.addWidget(self.message)
        layout.addLayout(header)
        layout.addWidget(self.scroll, 1)
        self._update_count()

        self.picker.staff_chosen.connect(self.add_person)
        self.picker.new_colleague_requested.connect(self.new_colleague_requested)
        self.picker.textEdited.connect(lambda _text: self.message.clear_message())
        self.new_button.clicked.connect(lambda: self.new_colleague_requested.emit(self.picker.text().strip()))

    # -- rows ---------------------------------------------------------------------------------
    def add_person(
        self, person: dict[str, Any], record: dict[str, Any] | None = None, came: bool | None = None
    ) -> AttendeeRow | None:
        """Add a row for ``person`` (None when already listed: that row is pointed out instead).

        ``came`` (True/False) gives the row a "came" tick, for entering a printed sheet from the invite list.
        """
        self.message.clear_message()
        for row in self.rows:
            if row.person["id"] == person["id"]:
                self.message.show_message(f"{person['display_name']} is already listed.")
                return None
        self.picker.add_person(person)
        row = AttendeeRow(person, self.signer_id, self.session_date, record, came=came)
        row.edited.connect(self._update_count)
        row.edited.connect(self.edited)
        row.remove_requested.connect(self.remove_row)
        self.rows.append(row)
        self._rows_box.addWidget(row)
        self._after_rows_changed()
        self.scroll.ensureWidgetVisible(row)
        return row

    def remove_row(self, row: AttendeeRow) -> None:
        """Take an attendee off the list (saved as removed only when the session is saved)."""
        index = self.rows.index(row)
        self.rows.remove(row)
        row.hide()
        row.deleteLater()
        self._after_rows_changed()
        # Keep the keyboard in the list: on the next row's first control, or back in the adder.
        target = self.rows[min(index, len(self.rows) - 1)].focus_widgets()[0] if self.rows else self.picker
        target.setFocus()

    def _after_rows_changed(self) -> None:
        self._update_count()
        self.rows_changed.emit()
        self.edited.emit()

    def _update_count(self) -> None:
        count = len(self.attending_rows())
        text = "No attendees yet" if not count else f"{count} attendee{'s' if count != 1 else ''}"
        left = len(self.rows) - count
        self.count_label.setText(text + (f" ({left} did not come)" if left else ""))

    def attending_rows(self) -> list[AttendeeRow]:
        """Return the rows saved as attendances: every row but a sheet row whose "came" is unticked."""
        return [row for row in self.rows if row.attending]

    def set_people(self, people: Sequence[dict[str, Any]]) -> None:
        self.picker.set_people(people)

    def set_session_date(self, session_date: str) -> None:
        """Follow the session's date for sign-offs not dated by hand."""
        self.session_date = session_date
        for row in self.rows:
            row.follow_session_date(session_date)

    # -- field interface ----------------------------------------------------------------------
    def value(self) -> list[dict[str, Any]]:
        return [row.value() for row in self.attending_rows()]

    def state(self) -> tuple[list[dict[str, Any]], str]:
        """Return the rows and any name typed in the adder but not added yet."""
        return self.value(), self.picker.text().strip()

    def set_value(self, attendances: Sequence[dict[str, Any]]) -> None:
        """Show these attendances (dicts with staff fields as from ``pickers.attendees``)."""
        for row in list(self.rows):
            self.rows.remove(row)
            row.deleteLater()
        for record in attendances or ():
            person = {
                "id": record["staff_id"],
                **{k: record.get(k) for k in ("display_name", "staff_ref", "role", "unit_name")},
            }
            self.add_person(person, record)

    def input_problem(self) -> str | None:
        problem = self.picker.input_problem()
        if problem:
            return problem
        for row in self.attending_rows():
            date_problem = row.sign_date.input_problem() if row.signed.isChecked() else None
            if date_problem:
                return f"{row.person['display_name']}, sign-off date: {date_problem}"
        return None

    def clear_errors(self) -> None:
        self.message.clear_message()
        for row in self.rows:
            row.error.clear_message()

    def show_row_error(self, index: int, field: str, message: str) -> QWidget:
        """Show ``message`` under attendee ``index`` and return the control to focus."""
        # ``index`` counts the saved attendances (value()), which leave out rows of those who did not come.
        rows = self.attending_rows()
        if not 0 <= index < len(rows):
            self.message.show_message(message)
            return self.picker
        row = rows[index]
        if not row.error.message():  # the first problem of a row is the one to fix first
            row.error.show_message(message)
        self.scroll.ensureWidgetVisible(row)
        return row.widget_for(field)

    def set_accessible_label(self, label: str) -> None:
        self.setAccessibleName(label)

    def focus_widgets(self) -> list[QWidget]:
        # Tab goes from the adder through every score, then "New colleague…": the scores are
        # what is typed for each attendee; ticks, dates and ✕ are reached with ←/→ in a row.
        widgets: list[QWidget] = [self.picker]
        for row in self.rows:
            widgets.extend(row.focus_widgets())
        widgets.append(self.new_button)
        return widgets
