"""The staff-idea dialog: the idea, where it stands, and who is behind it (confidential)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from champion_desk.domain import ideas, listings, pickers, vocab
from champion_desk.domain.validation import SHORT_TEXT_MAX
from champion_desk.errors import ValidationError
from champion_desk.ui.dialogs.base import RecordDialog
from champion_desk.ui.models.records import format_date
from champion_desk.ui.widgets.fields import ChoiceField, LongTextField, NumberField, TextField
from champion_desk.ui.widgets.staff_picker import StaffPicker

CONFIDENTIAL_NOTE = (
    "Only for you to report back; never printed or shown in lists. Leave empty if they would rather stay anonymous."
)
# The backing typed into the form, and the idea_support fields their rules name.
SUPPORT_FIELDS = {"backers": "new_backers", "backed_by": "named_backer", "backed_on": "raised_on"}


class IdeaDialog(RecordDialog):
    """A staff idea for a tool (or any tool): what it is, its status and reason, and colleagues backing it.

    ``suggested_by`` and a named backer appear only here: lists, briefings and the manager export
    never show them.
    """

    table = "idea"
    noun = "idea"
    columns = 2
    min_width = 940

    def build(self) -> None:
        self.section("The idea", column=0)
        self.add_field("title", "T&itle", TextField(SHORT_TEXT_MAX, "e.g. Scribe drafts letters"))
        self.add_field(
            "description", "Descri&ption", LongTextField(4, "The idea in the colleague's words — no patient details")
        )
        tools = [(t["name"], t["id"]) for t in pickers.tools(self.db)]
        self.add_field("tool_id", "&Tool", ChoiceField(tools, empty_label="Any tool"))
        self.unit_field()
        self.date_field("raised_on", "&Date raised")
        self.section("Where it stands", column=1)
        self.vocab_field("status", "&Status", vocab.IdeaStatus)
        self.add_field("status_reason", "&Reason", TextField(SHORT_TEXT_MAX, "Why not now (required for 'not now')"))
        rollouts = [
            (f"{r['tool']} on {r['unit']}: {r['stage']} from {format_date(r['since'])}", r["id"])
            for r in listings.rollouts(self.db)
        ]
        self.add_field("led_to_rollout_id", "Led to roll-out &stage", ChoiceField(rollouts, empty_label="— none —"))
        stories = [(f"{s['title']} ({format_date(s['told_on'])})", s["id"]) for s in listings.stories(self.db)]
        self.add_field("led_to_story_id", "Led to st&ory", ChoiceField(stories, empty_label="— none —"))
        self.section("Who is behind it (confidential)", column=1, note=CONFIDENTIAL_NOTE)
        self.staff_field("suggested_by", "Suggested b&y", hint=CONFIDENTIAL_NOTE)
        backing = ideas.support(self.db, self.record_id) if self.record_id else 0
        self.add_field(
            "new_backers",
            "&Add backers",
            NumberField(0, 1000),
            note=f"now {backing}: a show of hands at a meeting",
            saved=False,
        )
        named = StaffPicker(pickers.staff(self.db, include_inactive=False))
        named.preferred_unit_id = self.current_user_unit_id()
        self.add_field(
            "named_backer",
            "Backed by (&named)",
            named,
            saved=False,
            hint="A colleague who backs the idea and chose to be named; leave empty otherwise.",
        )

    def defaults(self) -> dict[str, Any]:
        return {**super().defaults(), "status": vocab.IdeaStatus.NEW.value, "tool_id": None}

    def full_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        # Checked with the status date the save will give it, so no rule fails only on saving.
        return super().full_values(ideas.dated(values, self.record, dt.date.today()))

    def write(self, values: dict[str, Any], acknowledge_identifiers: bool) -> str:
        """Save the idea and any backing typed in, in one transaction; return the idea's id."""
        extra = self.fields["new_backers"].widget.value() or 0
        named = self.fields["named_backer"].widget.value()
        try:
            with self.db.transaction():
                idea_id = ideas.save_idea(
                    self.db, values, self.context.actor, self.record_id, acknowledge_identifiers=acknowledge_identifiers
                )
                if extra:
                    ideas.back_idea(self.db, idea_id, self.context.actor, backers=extra)
                if named:
                    ideas.back_idea(self.db, idea_id, self.context.actor, backed_by=named)
        except ValidationError as error:
            if error.field in SUPPORT_FIELDS:
                raise ValidationError(SUPPORT_FIELDS[error.field], error.rule, error.message) from error
            raise
        self.fields["new_backers"].widget.set_value(0)
        self.fields["named_backer"].widget.set_value(None)
        return idea_id
