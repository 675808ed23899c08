"""The mentoring check-in dialog."""

from __future__ import annotations

from typing import Any

from champion_desk.domain import pickers
from champion_desk.ui.dialogs.base import RecordDialog
from champion_desk.ui.widgets.fields import ChoiceField, LongTextField, NumberField
from champion_desk.ui.widgets.scale import ScalePicker


def pairing_label(pairing: dict[str, Any]) -> str:
    """Return 'mentor → mentee (tool)', marking a pairing that is no longer active."""
    text = f"{pairing['mentor_name']} → {pairing['mentee_name']} ({pairing['tool_name']})"
    return text if pairing["status"] == "active" else f"{text} — {pairing['status']}"


class CheckinDialog(RecordDialog):
    """A mentoring check-in: which pairing, when, how long, the mentee's confidence, a note."""

    table = "checkin"
    noun = "mentoring check-in"

    def build(self) -> None:
        self.pairing = self.add_field("pairing_id", "&Pairing", ChoiceField(),
                                      hint="Active pairings: mentor → mentee (tool).")
        self.date_field("held_on", "&Date")
        self.add_field("minutes", "&Minutes", NumberField(1, 600, optional=True, suffix=" min"))
        self.add_field("confidence", "&Confidence", ScalePicker(), note="Mentee's own rating: 1 not at all … 5 very")
        self.add_field("note", "&Note", LongTextField(4, "What you worked on; next step — no patient details"))

    def load(self, prefill: dict[str, Any]) -> None:
        current = (self.record or {}).get("pairing_id") or prefill.get("pairing_id")
        self.pairing.set_choices([(pairing_label(p), p["id"]) for p in pickers.active_pairings(self.db, include_id=current)])
        super().load(prefill)
        if not self.pairing.count():
            self.banner.show_message("There are no active mentoring pairings yet: add one on the Mentoring page first.")

    def defaults(self) -> dict[str, Any]:
        # The user's own pairing first: a champion logs their own check-ins.
        mine = [p["id"] for p in pickers.active_pairings(self.db) if p["mentor_id"] == self.current_user_id()]
        return {**super().defaults(), "pairing_id": mine[0] if mine else None}
