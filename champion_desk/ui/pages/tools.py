"""Tools & roadmap: the AI tools being introduced, and each one's stage on every unit over time."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from champion_desk.domain import listings
from champion_desk.domain.vocab import ToolStage, values
from champion_desk.ui.context import AppContext
from champion_desk.ui.models.proxy import equals
from champion_desk.ui.models.records import RolloutTableModel, ToolTableModel, format_date
from champion_desk.ui.pages.master_detail import MasterDetailPage
from champion_desk.ui.pages.operations import DeletionHistory


class ToolsPage(MasterDetailPage):
    """Every tool with its overall stage; the selected tool's rollout stages per unit below."""

    name = "tools"
    title = "Tools & roadmap"
    table = "tool"
    noun = "tool"
    model_class = ToolTableModel
    uses_scope = False
    detail_table = "rollout"
    detail_noun = "rollout stage"
    detail_model_class = RolloutTableModel
    detail_key = "tool_id"

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, deletions: DeletionHistory | None = None
    ) -> None:
        super().__init__(context, parent, deletions)
        options = [("Any stage", None)] + [(s.capitalize(), equals("stage", s)) for s in values(ToolStage)]
        self.stage_filter = self.add_filter("stage", "Filter by stage", options)

    def load_rows(self):
        return listings.tools(self.context.db)

    def describe(self, row):
        return row["name"]

    def summary(self, rows):
        live = sum(1 for r in rows if r["stage"] == ToolStage.LIVE)
        piloting = sum(1 for r in rows if r["stage"] == ToolStage.PILOT)
        return f"{self.records.model.count_text(rows)}, {live} live, {piloting} in pilot"

    def load_detail(self, row):
        return listings.rollouts(self.context.db, row["id"])

    def detail_title(self, row):
        return f"Rollout of {row['name']} by unit" if row else "Rollout by unit: select a tool above"

    def describe_detail(self, row):
        return f"{row['stage']} on {row['unit']} since {format_date(row['since'])}"
