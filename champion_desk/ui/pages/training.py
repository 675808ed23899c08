"""Training: the sessions champions ran; managers countersign them here."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from champion_desk.domain import listings, logbook, signing
from champion_desk.domain.vocab import is_manager_role
from champion_desk.errors import ChampionDeskError
from champion_desk.ui.context import AppContext
from champion_desk.ui.messages import show_error
from champion_desk.ui.models.records import SessionTableModel, format_date
from champion_desk.ui.pages.operations import DeletionHistory
from champion_desk.ui.pages.record_list import RecordListPage


class TrainingPage(RecordListPage):
    """Training sessions in scope; a manager can countersign the selected ones (not their own)."""

    name = "training"
    title = "Training"
    table = "training_session"
    noun = "session"
    model_class = SessionTableModel

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, deletions: DeletionHistory | None = None
    ) -> None:
        super().__init__(context, parent, deletions)
        self.countersign_filter = self.add_filter(
            "countersign",
            "Filter by countersign",
            [
                ("All sessions", None),
                ("Awaiting countersign", lambda r: not r["countersigned"]),
                ("Countersigned", lambda r: bool(r["countersigned"])),
            ],
        )
        # Training has one filter beside its search: room for its longest choice, whole.
        self.countersign_filter.setMinimumContentsLength(len("Awaiting countersign"))
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

    def load_rows(self):
        return listings.sessions(self.context.db, self.context.scope)

    def describe(self, row):
        return f"of {format_date(row['held_on'])} ({row['tool']}, {row['unit']})"

    def prefill(self):
        user = self.context.current_user
        return {"trainer_id": user["id"]} if user else {}

    def summary(self, rows):
        waiting = sum(1 for r in rows if not r["countersigned"])
        attendances = sum(r["attendees"] or 0 for r in rows)
        return f"{self.records.model.count_text(rows)}, {attendances} attendances, {waiting} awaiting countersign"

    def _is_manager(self) -> bool:
        user = self.context.current_user
        return bool(user and is_manager_role(user.get("role")))

    def _update_countersign(self, *_: object) -> None:
        # Only managers see the button; it is enabled when something unsigned is selected.
        self.countersign_button.setVisible(self._is_manager())
        self.countersign_button.setEnabled(any(not r["countersigned"] for r in self.records.selected_rows()))

    def countersign_selected(self) -> int:
        """Countersign the selected sessions not yet countersigned; return how many were signed."""
        user = self.context.current_user
        if not self._is_manager() or user is None:
            return 0
        rows = [r for r in self.records.selected_rows() if not r["countersigned"]]
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
