""" "Who is logging?": pick a champion or manager from the staff list, or add yourself.

The choice is the audit actor of every change; ``champion_desk.app`` remembers it per database.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from champion_desk.domain import listings
from champion_desk.domain.vocab import ROLE_SUGGESTIONS
from champion_desk.errors import ChampionDeskError, ValidationError
from champion_desk.store.connection import Database
from champion_desk.ui.widgets.fields import enable_clear_button

USER_KEYS = ("id", "display_name", "role", "is_champion", "unit")


def user_dict(row: dict[str, Any]) -> dict[str, Any]:
    """Return the current-user dict kept in the context (id, display_name, role, is_champion, unit)."""
    return {k: row.get(k) for k in USER_KEYS}


def find_user(db: Database, staff_id: str | None) -> dict[str, Any] | None:
    """Return the user dict of a live, active staff member, or None."""
    row = listings.person(db, staff_id) if staff_id else None
    return user_dict(row) if row is not None and row["active"] else None


def _label(row: dict[str, Any]) -> str:
    bits = [b for b in (row.get("role"), row.get("unit")) if b]
    if row.get("is_champion"):
        bits.append("champion")
    return f"{row['display_name']} — {', '.join(bits)}" if bits else row["display_name"]


class UserPickerDialog(QDialog):
    """Choose yourself from the champions and managers, or add yourself to the staff list."""

    def __init__(self, db: Database, current_id: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.chosen: dict[str, Any] | None = None
        self.setWindowTitle("Who is logging?")
        self.setAccessibleName("Who is logging?")
        self.setMinimumSize(460, 520)

        intro = QLabel(
            "Choose yourself. Everything you log or change is recorded under your name, "
            "and this PC remembers you next time.",
            self,
        )
        intro.setWordWrap(True)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Type part of your name…")
        self.search.setAccessibleName("Search names")
        enable_clear_button(self.search)
        self.everyone = QCheckBox("Show all staff, not only champions and managers", self)
        self.everyone.setAccessibleName("Show all staff")
        self.list = QListWidget(self)
        self.list.setAccessibleName("Champions and managers")
        self.list.itemDoubleClicked.connect(lambda _item: self._accept_selected())
        self.list.itemActivated.connect(lambda _item: self._accept_selected())

        self.add_box = QGroupBox("Not in the list? Add yourself", self)
        self.name = QLineEdit(self.add_box)
        self.name.setAccessibleName("Your name")
        self.name.setPlaceholderText("As colleagues know you, e.g. Sam Okafor")
        self.role = QComboBox(self.add_box)
        self.role.setEditable(True)
        self.role.addItems(ROLE_SUGGESTIONS)
        self.role.setAccessibleName("Your role")
        self.unit = QComboBox(self.add_box)
        self.unit.setAccessibleName("Your unit")
        self.unit.addItem("(no unit)", None)
        for unit in listings.units(db):
            self.unit.addItem(unit["name"], unit["id"])
        self.champion = QCheckBox("I am a unit champion", self.add_box)
        self.champion.setChecked(True)
        self.champion.setAccessibleName("I am a unit champion")
        self.add_button = QPushButton("Add me and continue", self.add_box)
        self.add_button.setAccessibleName("Add me and continue")
        self.add_button.clicked.connect(self.add_yourself)
        self.add_error = QLabel(self.add_box)
        self.add_error.setObjectName("fieldError")
        self.add_error.setWordWrap(True)
        form = QFormLayout(self.add_box)
        form.addRow("&Name", self.name)
        form.addRow("&Role", self.role)
        form.addRow("&Unit", self.unit)
        form.addRow("", self.champion)
        form.addRow("", self.add_error)
        form.addRow("", self.add_button)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Continue as selected")
        self.buttons.accepted.connect(self._accept_selected)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.everyone)
        layout.addWidget(self.add_box)
        layout.addWidget(self.buttons)

        self.search.textChanged.connect(lambda _t: self._fill())
        self.everyone.toggled.connect(lambda _c: self._fill())
        self.list.currentItemChanged.connect(lambda *_: self._update_ok())
        self._fill(current_id)
        if self.list.count() == 0 and not self.search.text():
            self.add_box.setTitle("Add yourself: nobody is on the staff list yet")
            self.name.setFocus()
        else:
            self.search.setFocus()
        order = [
            self.search,
            self.list,
            self.everyone,
            self.name,
            self.role,
            self.unit,
            self.champion,
            self.add_button,
            self.buttons,
        ]
        for first, second in zip(order, order[1:]):
            self.setTabOrder(first, second)

    def _rows(self) -> list[dict[str, Any]]:
        return (
            listings.staff(self.db, include_inactive=False) if self.everyone.isChecked() else listings.loggers(self.db)
        )

    def _fill(self, select_id: str | None = None) -> None:
        select_id = select_id or (
            self.list.currentItem().data(Qt.ItemDataRole.UserRole)["id"] if self.list.currentItem() else None
        )
        # Imported here: starting the app only looks the remembered user up (find_user).
        from champion_desk.ui.models.records import fold

        words = fold(self.search.text()).split()
        self.list.clear()
        for row in self._rows():
            text = _label(row)
            if words and not all(w in fold(text + " " + (row.get("staff_ref") or "")) for w in words):
                continue
            item = QListWidgetItem(text, self.list)
            item.setData(Qt.ItemDataRole.UserRole, user_dict(row))
            if row["id"] == select_id:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count() and words:
            self.list.setCurrentRow(0)
        self._update_ok()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.list.currentItem() is not None)

    def _accept_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        self.chosen = item.data(Qt.ItemDataRole.UserRole)
        self.accept()

    def add_yourself(self) -> dict[str, Any] | None:
        """Add the typed person to the staff list and choose them; show the broken rule otherwise."""
        name = self.name.text().strip()
        values = {
            "display_name": name,
            "role": self.role.currentText(),
            "unit_id": self.unit.currentData(),
            "is_champion": self.champion.isChecked(),
            "active": True,
        }
        from champion_desk.domain import logbook
        from champion_desk.domain.signing import check_self_added_role

        try:
            check_self_added_role(self.db, values["role"])
            staff_id = logbook.save(self.db, "staff", values, actor=name or "unknown")
        except ValidationError as exc:
            self.add_error.setText(exc.message)
            (self.name if exc.field == "display_name" else self.role if exc.field == "role" else self.name).setFocus()
            return None
        except ChampionDeskError as exc:
            self.add_error.setText(str(exc))
            return None
        self.chosen = find_user(self.db, staff_id)
        self.accept()
        return self.chosen


def choose_user(db: Database, current_id: str | None = None, parent: QWidget | None = None) -> dict[str, Any] | None:
    """Ask who is logging; return the chosen user dict, or None if the dialog was cancelled."""
    dialog = UserPickerDialog(db, current_id, parent)
    try:
        return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
