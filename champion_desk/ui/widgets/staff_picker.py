"""Type-ahead colleague picker: type part of a name or a staff number, choose from the list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from champion_desk.domain.pickers import fold, match_staff
from champion_desk.ui.widgets.fields import enable_clear_button

PERSON_ROLE = Qt.ItemDataRole.UserRole + 1
NEW_ROLE = Qt.ItemDataRole.UserRole + 2
MAX_SHOWN = 12


def describe(person: dict[str, Any]) -> str:
    """Return the line a colleague is listed with: 'Name — role, unit · staff number'."""
    details = ", ".join(p for p in (person.get("role"), person.get("unit_name")) if p)
    text = person["display_name"] + (f" — {details}" if details else "")
    if person.get("staff_ref"):
        text += f" · {person['staff_ref']}"
    if not person.get("active", 1):
        text += " (inactive)"
    return text


class StaffPicker(QLineEdit):
    """A line edit with a completer over colleagues, matched by name or staff number (accents ignored).

    As a field (``keeps_choice=True``) it holds the chosen colleague: ``value()`` is their id.
    As an adder (``keeps_choice=False``) it emits ``staff_chosen`` and clears, ready for the next
    name. With ``offer_new`` the list ends with "Add 'text' as a new colleague…", which emits
    ``new_colleague_requested`` with what was typed.
    """

    edited = Signal()
    staff_chosen = Signal(dict)
    new_colleague_requested = Signal(str)

    def __init__(
        self,
        people: Sequence[dict[str, Any]] = (),
        keeps_choice: bool = True,
        offer_new: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.keeps_choice = keeps_choice
        self.offer_new = offer_new
        self._people: list[dict[str, Any]] = list(people)
        self._chosen: dict[str, Any] | None = None
        self.preferred_unit_id: str | None = None  # colleagues of this unit are listed first
        self.setPlaceholderText("Type a name or staff number")
        enable_clear_button(self)
        self._model = QStandardItemModel(self)
        # The picker filters by itself (accent-blind, by name or number), so the completer shows
        # every row it is given and is only the pop-up.
        self.completer_ = QCompleter(self._model, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setWidget(self)
        self.completer_.setMaxVisibleItems(MAX_SHOWN + 1)
        self.completer_.activated[QModelIndex].connect(self._on_activated)
        self.textEdited.connect(self._on_text_edited)

    # -- data ---------------------------------------------------------------------------------
    def set_people(self, people: Sequence[dict[str, Any]]) -> None:
        """Replace the colleagues offered (e.g. after one was added)."""
        self._people = list(people)

    def add_person(self, person: dict[str, Any]) -> None:
        """Offer one more colleague (kept when the list is replaced only if the caller includes it)."""
        if all(p["id"] != person["id"] for p in self._people):
            self._people.append(person)

    def person(self, staff_id: str | None) -> dict[str, Any] | None:
        """Return the offered colleague with that id, or None."""
        return next((p for p in self._people if p["id"] == staff_id), None)

    def matches(self, text: str | None = None) -> list[dict[str, Any]]:
        """Return the colleagues matching ``text`` (default: what is typed), best first."""
        return match_staff(self._people, self.text() if text is None else text, MAX_SHOWN, self.preferred_unit_id)

    # -- value --------------------------------------------------------------------------------
    def value(self) -> str | None:
        return self._chosen["id"] if self._chosen else None

    def set_value(self, value: Any) -> None:
        """Show the colleague with id ``value`` (None clears)."""
        self.choose(self.person(value) if value else None)

    def state(self) -> tuple[str | None, str]:
        """Return the choice and the text typed (a typed name counts as a change worth keeping)."""
        return self.value(), self.text().strip()

    def chosen(self) -> dict[str, Any] | None:
        return self._chosen

    def choose(self, person: dict[str, Any] | None) -> None:
        """Take ``person`` as the choice (field) or hand it on and clear (adder)."""
        self.completer_.popup().hide()
        if not self.keeps_choice:
            self.clear()
            if person:
                self.staff_chosen.emit(person)
            return
        self._chosen = person
        self.setText(person["display_name"] if person else "")
        self.setToolTip(describe(person) if person else "")
        self.setCursorPosition(0)
        self.edited.emit()
        if person:
            self.staff_chosen.emit(person)

    def input_problem(self) -> str | None:
        """Return why what is typed cannot be saved (text typed but no colleague chosen), or None."""
        if not self.text().strip() or (self.keeps_choice and self._chosen):
            return None
        if self.keeps_choice:
            return "Choose a colleague from the list (type part of a name or staff number), or clear the box."
        return f"“{self.text().strip()}” has not been added: press Enter to choose from the list, or clear the box."

    # -- typing -------------------------------------------------------------------------------
    def _on_text_edited(self, text: str) -> None:
        if self.keeps_choice and self._chosen:
            self._chosen = None
            self.setToolTip("")
            self.edited.emit()
        self._show_matches(text)

    def _show_matches(self, text: str) -> None:
        self._model.clear()
        if not text.strip():
            self.completer_.popup().hide()
            return
        for person in self.matches(text):
            item = QStandardItem(describe(person))
            item.setData(person, PERSON_ROLE)
            self._model.appendRow(item)
        if self.offer_new:
            item = QStandardItem(f"+ Add “{text.strip()}” as a new colleague…")
            item.setData(text.strip(), NEW_ROLE)
            self._model.appendRow(item)
        if not self._model.rowCount():
            self.completer_.popup().hide()
            return
        self.completer_.complete()
        popup = self.completer_.popup()
        popup.setCurrentIndex(self.completer_.completionModel().index(0, 0))

    def _on_activated(self, index: QModelIndex) -> None:
        new_name = index.data(NEW_ROLE)
        if new_name:
            self.completer_.popup().hide()
            self.new_colleague_requested.emit(new_name)
            return
        person = index.data(PERSON_ROLE)
        if person:
            self.choose(person)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter with the pop-up closed takes the single best match, so "E100 Enter" is enough;
        # it is consumed here so the dialog does not move on with nothing chosen.
        if self.completer_.popup().isVisible():
            # The completer hands keys to this widget first; an ignored Enter lets it take the
            # highlighted entry.
            super().keyPressEvent(event)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() and self.text().strip():
            if not (self.keeps_choice and self._chosen):
                found = self.matches()
                exact = [
                    p
                    for p in found
                    if fold(p["display_name"]) == fold(self.text()) or fold(p.get("staff_ref")) == fold(self.text())
                ]
                if len(exact) == 1 or len(found) == 1:
                    self.choose((exact or found)[0])
                elif found or self.offer_new:
                    self._show_matches(self.text())
                event.accept()
                return
        if event.key() == Qt.Key.Key_Down and not self.completer_.popup().isVisible() and self.text().strip():
            self._show_matches(self.text())
            event.accept()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Leaving with a name typed exactly as listed counts as choosing it: nothing typed is lost.
        if self.keeps_choice and not self._chosen and self.text().strip() and not self.completer_.popup().isVisible():
            exact = [p for p in self._people if fold(p["display_name"]) == fold(self.text())]
            if len(exact) == 1:
                self.choose(exact[0])
        super().focusOutEvent(event)
