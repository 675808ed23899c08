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
    where = person.get("unit_name") or person.get("unit") or ""
    return f"{person['display_name']}" + (f" ({where})" if where else "") + f" — {status_text}"


class InviteList(QWidget):
    """Who is invited, in name order; Delete removes the selected name. ``value()`` is their staff ids."""

    edited = Signal()
    due_requested = Signal()
    fill_attendees_requested = Signal()

    def __init__(self, people: Sequence[dict[str, Any]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._people = {p["id"]: p for p in people}
        self.picker = StaffPicker(people, keeps_choice=False)
        self.picker.setPlaceholderText("Invite: name or staff number, then Enter")
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
            "List everyone invited as attending, to enter a completed sign-in sheet: then remove who did not come"
        )
        for button, name in (
            (self.due_button, "Invite who is due"),
            (self.remove_button, "Remove the selected invitation"),
            (self.fill_button, "List the invited as attendees"),
        ):
            button.setAutoDefault(False)
            button.setAccessibleName(name)
        adder = QHBoxLayout()
        adder.addWidget(self.picker, 1)
        adder.addWidget(self.due_button)
        footer = QHBoxLayout()
        footer.addWidget(self.count_label, 1)
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
        self._update_count()

    def add_person(self, person: dict[str, Any], status: dict[str, Any] | None = None) -> bool:
        """Invite a colleague (once); return False when they were already listed."""
        if person["id"] in self.value():
            return False
        self._people.setdefault(person["id"], person)
        item = QListWidgetItem(_item_text({**person, **(status or {})}))
        item.setData(Qt.ItemDataRole.UserRole, person["id"])
        # Accent-blind name order (Łukasz among the Ls), as on the printed sheet.
        key = fold(person["display_name"])
        at = next(
            (
                i
                for i in range(self.list.count())
                if fold(self._people[self.list.item(i).data(Qt.ItemDataRole.UserRole)]["display_name"]) > key
            ),
            self.list.count(),
        )
        self.list.insertItem(at, item)
        self._changed()
        return True

    def add_people(self, people: Sequence[dict[str, Any]]) -> int:
        """Invite each colleague not listed yet; return how many were added."""
        return sum(self.add_person(p) for p in people)

    def show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
        self._changed()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override: Delete removes
        if watched is self.list and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.remove_selected()
                return True
        return super().eventFilter(watched, event)

    def _changed(self) -> None:
        self._update_count()
        self.edited.emit()

    def _update_count(self) -> None:
        n = self.list.count()
        self.count_label.setText(f"{n} invited")

    def people(self) -> list[dict[str, Any]]:
        return [self._people[i] for i in self.value() if i in self._people]

    def value(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def set_value(self, invitations: Sequence[dict[str, Any]]) -> None:
        """Show these invitations (dicts with staff_id, display_name, unit_name, status, walk_in, confirmed)."""
        self.list.clear()
        for row in invitations or ():
            person = {"id": row["staff_id"], "display_name": row["display_name"], "unit_name": row.get("unit_name")}
            self.add_person(person, row)
        self._update_count()

    def set_accessible_label(self, label: str) -> None:
        self.setAccessibleName(label)

    def focus_widgets(self) -> list[QWidget]:
        return [self.picker, self.due_button, self.list, self.fill_button, self.remove_button]
