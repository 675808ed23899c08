"""The AI tool dialog."""

from __future__ import annotations

from champion_desk.domain import vocab
from champion_desk.domain.validation import NAME_MAX
from champion_desk.ui.dialogs.base import RecordDialog
from champion_desk.ui.widgets.fields import LongTextField, NumberField, TextField
from champion_desk.ui.widgets.optional_date import OptionalDateEdit


class ToolDialog(RecordDialog):
    """An AI tool being introduced: name, vendor, purpose, stage, go-live date, refresher interval."""

    table = "tool"
    noun = "AI tool"

    def build(self) -> None:
        self.add_field("name", "&Name", TextField(NAME_MAX, "e.g. Ambient scribe"))
        self.add_field("vendor", "&Vendor", TextField(NAME_MAX))
        self.add_field("purpose", "&Purpose", LongTextField(3, "What it does for staff and patients"))
        self.vocab_field("stage", "St&age", vocab.ToolStage)
        self.add_field("go_live_on", "&Go-live date", OptionalDateEdit("Planned or actual"))
        self.add_field(
            "refresher_months",
            "&Refresher every",
            NumberField(1, 60, optional=True, suffix=" months"),
            hint="How often staff need refresher training ('—' = no refresher).",
        )
