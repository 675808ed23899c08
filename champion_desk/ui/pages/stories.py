"""Stories: success stories backed by evidence, for briefings and staff meetings."""

from __future__ import annotations

from champion_desk.domain import listings
from champion_desk.ui.models.records import StoryTableModel
from champion_desk.ui.pages.record_list import RecordListPage


class StoriesPage(RecordListPage):
    """Success stories told in scope."""

    name = "stories"
    title = "Stories"
    table = "story"
    noun = "story"
    model_class = StoryTableModel

    def load_rows(self):
        return listings.stories(self.context.db, self.context.scope)

    def describe(self, row):
        return f"“{row['title']}”"

    def summary(self, rows):
        with_measure = sum(1 for r in rows if r.get("measure"))
        return f"{self.records.model.count_text(rows)}, {with_measure} with a measured result"
