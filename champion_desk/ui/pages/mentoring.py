"""Mentoring: peer pairings (a champion mentoring a colleague) and their check-ins."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from champion_desk.domain import listings
from champion_desk.domain.vocab import PairingStatus, values
from champion_desk.ui.context import AppContext
from champion_desk.ui.models.proxy import equals
from champion_desk.ui.models.records import CheckinTableModel, PairingTableModel, format_date
from champion_desk.ui.pages.master_detail import MasterDetailPage
from champion_desk.ui.pages.operations import DeletionHistory


class MentoringPage(MasterDetailPage):
    """Pairings active during the scope's period; the selected pairing's check-ins below."""

    name = "mentoring"
    title = "Mentoring"
    table = "pairing"
    noun = "pairing"
    model_class = PairingTableModel
    detail_table = "checkin"
    detail_noun = "check-in"
    detail_model_class = CheckinTableModel
    detail_key = "pairing_id"

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, deletions: DeletionHistory | None = None
    ) -> None:
        super().__init__(context, parent, deletions)
        options = [("Any status", None)] + [(s.capitalize(), equals("status", s)) for s in values(PairingStatus)]
        options.append(
            ("Stalled (no check-in for 30 days)", lambda r: listings.is_stalled(r, self.context.scope.date_to))
        )
        self.status_filter = self.add_filter("status", "Filter by pairing status", options)

    def load_rows(self):
        return listings.pairings(self.context.db, self.context.scope)

    def describe(self, row):
        return f"{row['mentor']} → {row['mentee']}"

    def prefill(self):
        user = self.context.current_user
        return {"mentor_id": user["id"]} if user and user.get("is_champion") else {}

    def summary(self, rows):
        active = sum(1 for r in rows if r["status"] == PairingStatus.ACTIVE)
        checkins = sum(r["checkins"] or 0 for r in rows)
        return f"{self.records.model.count_text(rows)}, {active} active, {checkins} check-ins"

    def load_detail(self, row):
        return listings.checkins(self.context.db, row["id"])

    def detail_title(self, row):
        return f"Check-ins: {row['mentor']} mentoring {row['mentee']}" if row else "Check-ins: select a pairing above"

    def describe_detail(self, row):
        return f"of {format_date(row['held_on'])}"
