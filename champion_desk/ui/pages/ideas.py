"""Ideas: what staff suggest for the tools' roadmap, how many back each, and where it stands."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from champion_desk.domain import listings
from champion_desk.domain.vocab import WAITING_IDEA_STATUSES, IdeaStatus, values
from champion_desk.ui.context import AppContext
from champion_desk.ui.models.proxy import equals
from champion_desk.ui.models.records import IdeaTableModel
from champion_desk.ui.pages.operations import DeletionHistory
from champion_desk.ui.pages.record_list import RecordListPage


class IdeasPage(RecordListPage):
    """Ideas raised in scope, most backed first, filterable by status. Never shows who suggested one."""

    name = "ideas"
    title = "Ideas"
    table = "idea"
    noun = "idea"
    model_class = IdeaTableModel

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, deletions: DeletionHistory | None = None
    ) -> None:
        super().__init__(context, parent, deletions)
        waiting = {str(s) for s in WAITING_IDEA_STATUSES}
        statuses = [("Any status", None), ("Waiting for a decision", lambda r: r["status"] in waiting)]
        statuses += [(s.capitalize(), equals("status", s)) for s in values(IdeaStatus)]
        self.status_filter = self.add_filter("status", "Filter by status", statuses)
        self.setTabOrder(self.search, self.status_filter)
        self.setTabOrder(self.status_filter, self.records.view)

    def load_rows(self):
        return listings.ideas(self.context.db, self.context.scope)

    def describe(self, row):
        return f"“{row['title']}”"

    def summary(self, rows):
        waiting = sum(1 for r in rows if r["status"] in WAITING_IDEA_STATUSES)
        done = sum(1 for r in rows if r["status"] == IdeaStatus.DONE)
        return f"{self.records.model.count_text(rows)}, {waiting} waiting for a decision, {done} done"
