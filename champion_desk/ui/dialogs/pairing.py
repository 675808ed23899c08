"""The mentoring-pairing dialog: the mentor picker shows each champion's current mentees."""

from __future__ import annotations

from typing import Any

from champion_desk.domain import pickers, vocab
from champion_desk.ui.dialogs.base import RecordDialog
from champion_desk.ui.widgets.fields import ChoiceField, LongTextField, NumberField
from champion_desk.ui.widgets.optional_date import OptionalDateEdit

MENTEE_NAMES_SHOWN = 3


def mentor_label(champion: dict[str, Any]) -> str:
    """Return 'Zoë Adams — 2 active mentees: A, B' (or '— no active mentees')."""
    names = champion["mentees"]
    if not names:
        return f"{champion['display_name']} — no active mentees"
    shown = ", ".join(names[:MENTEE_NAMES_SHOWN]) + (
        f" and {len(names) - MENTEE_NAMES_SHOWN} more" if len(names) > MENTEE_NAMES_SHOWN else ""
    )
    return f"{champion['display_name']} — {len(names)} active mentee{'s' if len(names) != 1 else ''}: {shown}"


class PairingDialog(RecordDialog):
    """A champion mentoring a colleague on one tool: goal, progress, status."""

    table = "pairing"
    noun = "mentoring pairing"

    def build(self) -> None:
        self.mentor = self.add_field(
            "mentor_id",
            "&Mentor",
            ChoiceField(),
            hint="Champions, with the colleagues they mentor now, so the load is shared.",
        )
        self.staff_field("mentee_id", "Ment&ee", include_inactive=False)
        self.tool_field()
        self.date_field("started_on", "&Started")
        self.add_field("goal", "&Goal", LongTextField(2, "e.g. Uses the scribe confidently on a full shift"))
        self.add_field("progress", "&Progress", NumberField(0, 100, suffix=" %"))
        self.vocab_field("status", "S&tatus", vocab.PairingStatus)
        self.add_field(
            "ended_on",
            "E&nded",
            OptionalDateEdit(show_toggle=False),
            hint="Filled in when the pairing is completed or ended.",
        )
        self.link_date_to_status("status", "ended_on", (vocab.PairingStatus.COMPLETED, vocab.PairingStatus.ENDED))

    def load(self, prefill: dict[str, Any]) -> None:
        current = (self.record or {}).get("mentor_id")
        champions = pickers.champions_with_mentees(self.db, include_id=current)
        self.mentor.set_choices([(mentor_label(c), c["id"]) for c in champions])
        if self.record:
            # The mentee shows whoever it is, even if they have since left.
            self.fields["mentee_id"].widget.add_person(pickers.staff_member(self.db, self.record["mentee_id"]))
        super().load(prefill)

    def defaults(self) -> dict[str, Any]:
        me = self.current_user_id()
        mentor = me if self.mentor.findData(me) >= 0 else None
        return {**super().defaults(), "mentor_id": mentor, "progress": 0, "status": vocab.PairingStatus.ACTIVE.value}
