"""A session's invite list: add colleagues by type-ahead or "Invite who is due", see who came."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from champion_desk.domain.pickers import fold
from champion_desk.ui.widgets.staff_picker import StaffPicker

STATUS_TEXT = {"invited": "invited", "attended": "came", "did_not_attend": "did not come"}


def _item_text(person: dict[str, Any]) -> str:
    status = person.get("status") or "invited"
    if person.get("walk_in") and not person.get("confirmed", 1):
        status_text = "walk-in, to confirm"
    else:
        status_text = STATUS_TEXT.get(status, status)
    # Why they were asked ("never trained"…): what the champion tells them, and whom to chase first.
    reason = person.get("reason")
    return f"{person['display_name']} — {status_text}" + (f" · {reason}" if reason else "")


def _group(person: dict[str, Any]) -> tuple[str, str]:
    return (person.get("unit_name") or person.get("unit") or "", person.get("role") or "")


def _order(person: dict[str, Any]) -> tuple:
    # Grouped by unit and role as `champion-desk due` prints them (a ward plans around its shifts),
    # names accent-blind within a group (Łukasz among the Ls); no unit or role last.
    unit, role = _group(person)
    return (not unit, fold(unit), not role, fold(role), fold(person["display_name"]))


class InviteList(QWidget):
    """Who is invited, grouped by unit and role; Delete removes the selected name. ``value()`` is their staff ids."""

    edited = Signal()
    due_requested = Signal()
    fill_attendees_requested = Signal()
    confirm_walk_ins_requested = Signal()

    def __init__(self, people: Sequence[dict[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._people = {p["id"]: p for p in people}
        self._rows: list[dict[str, Any]] = []  # the invited, each a person with status, walk-in and reason
        self.picker = StaffPicker(people, keeps_choice=False)
        self.picker.setPlaceholderText("Invite: name or staff number")
        self.picker.setToolTip("Type a name or staff number and press Enter to invite them")
        self.picker.setAccessibleName("Invite a colleague")
        self.due_button = QPushButton("Invite &who is due")
        self.due_button.setToolTip(
            "Add colleagues due training on this tool (never trained, sign-off expired, refresher due, missed last time)"
        )
        self.list = QListWidget()
        self.list.setAccessibleName("Invited colleagues")
        self.list.setMinimumHeight(90)
        self.list.installEventFilter(self)
        self.count_label = QLabel()
        self.note = QLabel()  # what "Invite who is due" did: information, not an error
        self.note.setWordWrap(True)
        self.note.setObjectName("fieldNote")
        self.note.hide()
        self.remove_button = QPushButton("Remove")
        self.fill_button = QPushButton("Invited → attendees")
        self.fill_button.setToolTip(
            "Enter a completed sign-in sheet: each invited colleague becomes a row with a 'came' tick "
            "(Space) and their confidence digits; those left unticked are saved as did not come"
        )
        self.confirm_button = QPushButton("Confirm walk-ins")
        self.confirm_button.setToolTip("Confirm the names added at the sign-in screen: they came to this session")
        for button, name in (
            (self.due_button, "Invite who is due"),
            (self.remove_button, "Remove the selected invitation"),
            (self.fill_button, "List the invited as attendees"),
            (self.confirm_button, "Confirm walk-ins"),
        ):
            button.setAutoDefault(False)
            button.setAccessibleName(name)
        adder = QHBoxLayout()
        adder.addWidget(self.picker, 1)
        adder.addWidget(self.due_button)
        footer = QHBoxLayout()
        footer.addWidget(self.count_label, 1)
        footer.addWidget(self.confirm_button)
        footer.addWidget(self.fill_button)
        footer.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(adder)
        layout.addWidget(self.list, 1)
        layout.addLayout(footer)
        layout.addWidget(self.note)
        self.picker.staff_chosen.connect(self.add_person)
        self.due_button.clicked.connect(self.due_requested)
        self.remove_button.clicked.connect(self.remove_selected)
        self.fill_button.clicked.connect(self.fill_attendees_requested)
        self.confirm_button.clicked.connect(self.confirm_walk_ins_requested)
        self._render()

    def add_person(self, person: dict[str, Any], status: dict[str, Any] | None = None) -> bool:
        """Invite a colleague (once); return False when they were already listed.

        ``person`` may carry ``reason`` (why they are due, as shown); ``status`` the invitation's
        status, walk_in and confirmed.
        """
        if person["id"] in self.value():
            return False
        known = self._people.setdefault(person["id"], person)
        self._rows.append({**known, **person, **(status or {})})
        self._changed()
        return True

    def add_people(self, people: Sequence[dict[str, Any]]) -> int:
        """Invite each colleague not listed yet; return how many were added."""
        return sum(self.add_person(p) for p in people)

    def unconfirmed_walk_ins(self) -> list[str]:
        """Return the staff ids of walk-ins still waiting for the champion's confirmation."""
        return [r["id"] for r in self._rows if r.get("walk_in") and not r.get("confirmed", 1)]

    def mark_confirmed(self, staff_ids: Sequence[str]) -> None:
        """Show these walk-ins as confirmed (already saved: the list's value does not change)."""
        for row in self._rows:
            if row["id"] in staff_ids:
                row["confirmed"] = 1
        self._render()

    def show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def remove_selected(self) -> None:
        chosen = {item.data(Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()}
        chosen.discard(None)  # a group heading is not an invitation
        self._rows = [r for r in self._rows if r["id"] not in chosen]
        self._changed()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override: Delete removes
        if watched is self.list and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.remove_selected()
                return True
        return super().eventFilter(watched, event)

    def _changed(self) -> None:
        self._render()
        self.edited.emit()

    def _render(self) -> None:
        """Show the invited under a heading per unit and role, as the CLI groups them."""
        self.list.clear()
        group = None
        for row in sorted(self._rows, key=_order):
            if _group(row) != group:
                group = _group(row)
                heading = QListWidgetItem(" · ".join((group[0] or "No unit", group[1] or "no role given")))
                font = heading.font()
                font.setBold(True)
                heading.setFont(font)
                heading.setFlags(Qt.ItemFlag.ItemIsEnabled)  # not selectable: Delete never removes a group
                self.list.addItem(heading)
            item = QListWidgetItem("    " + _item_text(row))
            item.setData(Qt.ItemDataRole.UserRole, row["id"])
            self.list.addItem(item)
        self.count_label.setText(f"{len(self._rows)} invited")
        waiting = len(self.unconfirmed_walk_ins())
        self.confirm_button.setVisible(bool(waiting))
        self.confirm_button.setText(f"Confirm walk-ins ({waiting})" if waiting else "Confirm walk-ins")

    def people(self) -> list[dict[str, Any]]:
        """Return the invited in the order shown (grouped by unit and role)."""
        return sorted(self._rows, key=_order)

    def value(self) -> list[str]:
        return [r["id"] for r in self.people()]

    def set_value(self, invitations: Sequence[dict[str, Any]]) -> None:
        """Show these invitations (dicts with staff_id, display_name, unit_name, role, status, walk_in, confirmed)."""
        self._rows = []
        for row in invitations or ():
            person = {
                "id": row["staff_id"],
                "display_name": row["display_name"],
                "unit_name": row.get("unit_name"),
                "role": row.get("role"),
            }
            self._people.setdefault(person["id"], person)
            self._rows.append({**person, **{k: row.get(k) for k in ("status", "walk_in", "confirmed")}})
        self._render()

    def set_accessible_label(self, label: str) -> None:
        self.setAccessibleName(label)

    def focus_widgets(self) -> list[QWidget]:
        return [self.picker, self.due_button, self.list, self.confirm_button, self.fill_button, self.remove_button]
