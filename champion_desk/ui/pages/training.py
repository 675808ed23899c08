"""Training: the sessions champions ran; managers countersign them here."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QPushButton, QWidget

from champion_desk.domain import listings, logbook, signing
from champion_desk.domain.vocab import is_manager_role
from champion_desk.errors import ChampionDeskError
from champion_desk.ui.context import AppContext
from champion_desk.ui.messages import show_error
from champion_desk.ui.models.records import SessionTableModel, format_date
from champion_desk.ui.pages.operations import DeletionHistory
from champion_desk.ui.pages.record_list import RecordListPage

UPCOMING = "Planned ahead"


def _awaiting(row) -> bool:
    # A planned session cannot be countersigned before it is held: only held ones are waiting, as on Home.
    return not row["countersigned"] and not row["planned"]


class TrainingPage(RecordListPage):
    """Training sessions in scope; a manager can countersign the selected ones (not their own)."""

    name = "training"
    title = "Training"
    table = "training_session"
    noun = "session"
    model_class = SessionTableModel
    # Search and filter on a row of their own: beside New, Edit, Delete and a manager's "Countersign
    # selected" they made the page 68 px wider than a 1024 px screen.
    filters_row = True

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, deletions: DeletionHistory | None = None
    ) -> None:
        super().__init__(context, parent, deletions)
        self._planned_later = 0  # sessions planned after the period's end, which its list leaves out
        self._loaded_upcoming = False
        self.countersign_filter = self.add_filter(
            "countersign",
            "Filter sessions",
            [
                ("All sessions", None),
                ("Awaiting countersign", _awaiting),
                ("Countersigned", lambda r: bool(r["countersigned"])),
                (UPCOMING, None),
            ],
        )
        self.countersign_filter.setToolTip(
            "Which sessions to list: those in the period shown (all, awaiting countersign or countersigned), "
            "or every session planned ahead, whatever the period"
        )
        # Training has one filter beside its search: room for its longest choice, whole.
        self.countersign_filter.setMinimumContentsLength(len("Awaiting countersign"))
        # Upcoming sessions are another set of rows (not a filter of the period's): read them afresh.
        self.countersign_filter.currentTextChanged.connect(self._on_choice)
        self.records.explain_not_shown = self._explain_not_shown
        self.setTabOrder(self.search, self.countersign_filter)
        self.setTabOrder(self.countersign_filter, self.records.view)
        self.countersign_button = QPushButton("Countersign selected", self)
        self.countersign_button.setAccessibleName("Countersign the selected sessions")
        self.countersign_button.setToolTip("As a manager, confirm these sessions took place as logged")
        self.countersign_button.clicked.connect(self.countersign_selected)
        self.records.bar.addWidget(self.countersign_button)
        self.records.selection_changed.connect(self._update_countersign)
        context.user_changed.connect(self._update_countersign)
        self._update_countersign()

    def showing_upcoming(self) -> bool:
        """Return True when the list shows every planned session instead of the period's."""
        return self.countersign_filter.currentText() == UPCOMING

    def _on_choice(self, _text: str) -> None:
        if self.showing_upcoming() != self._loaded_upcoming:
            self.refresh()

    def refresh(self) -> None:
        self._planned_later = listings.planned_after(self.context.db, self.context.scope)
        super().refresh()

    def load_rows(self):
        self._loaded_upcoming = self.showing_upcoming()
        return listings.sessions(self.context.db, self.context.scope, upcoming=self._loaded_upcoming)

    def period_text(self) -> str:
        if self.showing_upcoming():
            return f"after {format_date(dt.date.today().isoformat())}, whatever the period"
        text = super().period_text()
        if self._planned_later:
            # Said here so sessions planned past the period are never lost from view.
            text += f" · {self._planned_later} more planned later (see “{UPCOMING}”)"
        return text

    def _explain_not_shown(self, record_id: str) -> str | None:
        session = self.context.db.one("SELECT held_on FROM training_session WHERE id = ?", (record_id,))
        if session and session["held_on"] > self.context.scope.date_to.isoformat() and not self.showing_upcoming():
            return (
                f"Saved. The session is planned for {format_date(session['held_on'])}, after the period shown: "
                f"choose “{UPCOMING}” beside the search to see it."
            )
        return None

    def describe(self, row):
        return f"of {format_date(row['held_on'])} ({row['tool']}, {row['unit']})"

    def prefill(self):
        user = self.context.current_user
        return {"trainer_id": user["id"]} if user else {}

    def summary(self, rows):
        if self.showing_upcoming():
            return f"{self.records.model.count_text(rows)} planned"
        waiting = sum(1 for r in rows if _awaiting(r))
        attendances = sum(r["attendees"] or 0 for r in rows)
        return f"{self.records.model.count_text(rows)}, {attendances} attendances, {waiting} awaiting countersign"

    def _is_manager(self) -> bool:
        user = self.context.current_user
        return bool(user and is_manager_role(user.get("role")))

    def _update_countersign(self, *_: object) -> None:
        # Only managers see the button; it is enabled when a held session not yet signed is selected.
        self.countersign_button.setVisible(self._is_manager())
        self.countersign_button.setEnabled(any(_awaiting(r) for r in self.records.selected_rows()))

    def countersign_selected(self) -> int:
        """Countersign the selected sessions not yet countersigned; return how many were signed."""
        user = self.context.current_user
        if not self._is_manager() or user is None:
            return 0
        rows = [r for r in self.records.selected_rows() if _awaiting(r)]
        ids = [r["id"] for r in rows]
        if not ids:
            return 0
        # Imported here: the Training page opens without it; only signing needs the PIN dialog.
        from champion_desk.ui.sign_dialog import ask_signature

        try:
            logbook.check_countersign(self.context.db, ids, user["id"])
        except ChampionDeskError as exc:
            show_error(self, "Not countersigned", exc)
            return 0
        count = f"{len(ids)} session{'s' if len(ids) != 1 else ''}"
        signature = ask_signature(
            self.context.db,
            user["id"],
            f"Countersign {count}: you confirm they took place as logged.",
            "Countersign",
            self,
        )
        if signature is None:
            return 0
        try:
            signed = logbook.countersign(self.context.db, ids, signature, self.context.actor)
        except ChampionDeskError as exc:
            show_error(self, "Not countersigned", exc)
            return 0
        self.context.notify_changed(self.table)
        how = "verified by PIN" if signature.state == signing.VERIFIED else "unverified: no PIN"
        what = f"the session of {format_date(rows[0]['held_on'])}" if len(rows) == 1 else f"{signed} sessions"
        self.deletions.countersigned(ids, user["id"], what, how)
        return signed
