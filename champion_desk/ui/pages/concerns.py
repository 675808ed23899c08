"""Concerns: resistance incidents and what was done about them. Never shows who raised a concern."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from champion_desk.domain import listings
from champion_desk.domain.vocab import ConcernStatus, Theme, values
from champion_desk.ui.context import AppContext
from champion_desk.ui.models.proxy import equals
from champion_desk.ui.models.records import ConcernTableModel, format_date
from champion_desk.ui.pages.operations import DeletionHistory
from champion_desk.ui.pages.record_list import RecordListPage


class ConcernsPage(RecordListPage):
    """Concerns raised in scope, filterable by status and theme."""

    name = "concerns"
    title = "Concerns"
    table = "incident"
    noun = "concern"
    model_class = ConcernTableModel

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, deletions: DeletionHistory | None = None
    ) -> None:
        super().__init__(context, parent, deletions)
        statuses = [("Any status", None), ("Unresolved", lambda r: not r["resolved"])]
        statuses += [(s.capitalize(), equals("status", s)) for s in values(ConcernStatus)]
        self.status_filter = self.add_filter("status", "Filter by status", statuses)
        themes = [("Any theme", None)] + [(t.capitalize(), equals("theme", t)) for t in values(Theme)]
        self.theme_filter = self.add_filter("theme", "Filter by theme", themes)
        self.setTabOrder(self.search, self.status_filter)
        self.setTabOrder(self.status_filter, self.theme_filter)
        self.setTabOrder(self.theme_filter, self.records.view)

    def load_rows(self):
        return listings.concerns(self.context.db, self.context.scope)

    def describe(self, row):
        return f"about {row['theme']} of {format_date(row['occurred_on'])}"

    def prefill(self):
        user = self.context.current_user
        return {"reported_by": user["id"]} if user else {}

    def summary(self, rows):
        unresolved = sum(1 for r in rows if not r["resolved"])
        return f"{self.records.model.count_text(rows)}, {unresolved} open"
