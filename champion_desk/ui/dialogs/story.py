"""The success-story dialog."""

from __future__ import annotations

from champion_desk.domain.validation import SHORT_TEXT_MAX
from champion_desk.ui.dialogs.base import RecordDialog
from champion_desk.ui.widgets.fields import LongTextField, TextField


class StoryDialog(RecordDialog):
    """A success story backed by evidence: what happened and the measure that shows it."""

    table = "story"
    noun = "success story"

    def build(self) -> None:
        self.tool_field()
        self.unit_field(optional=True)
        self.date_field("told_on", "&Date")
        self.add_field("title", "T&itle", TextField(SHORT_TEXT_MAX, "e.g. Night shift handover 10 minutes shorter"))
        self.add_field(
            "summary", "S&ummary", LongTextField(4, "What happened, in colleagues' words — no patient details")
        )
        self.add_field("measure", "&Measure", TextField(SHORT_TEXT_MAX, "e.g. Minutes spent on notes per shift"))
        self.add_field("value", "&Value", TextField(60, "e.g. −12 min"))
        self.add_field("source", "S&ource", TextField(SHORT_TEXT_MAX, "e.g. Ward audit, March"))
