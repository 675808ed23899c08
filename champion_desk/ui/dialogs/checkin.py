"""The mentoring check-in dialog."""

from __future__ import annotations

from typing import Any

from champion_desk.domain import pickers
from champion_desk.ui.dialogs.base import RecordDialog
from champion_desk.ui.widgets.fields import LongTextField, NumberField, SearchableChoiceField
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
        self.pairing = self.add_field(
            "pairing_id",
            "&Pairing",
            SearchableChoiceField(empty_label="— choose a pairing —"),
            hint="Active pairings: mentor → mentee (tool); yours first. Type part of either name to find one.",
        )
        self.date_field("held_on", "&Date")
        self.add_field("minutes", "&Minutes", NumberField(1, 600, optional=True, suffix=" min"))
        self.add_field("confidence", "&Confidence", ScalePicker(), note="Mentee's own rating: 1 not at all … 5 very")
        self.add_field("note", "&Note", LongTextField(4, "What you worked on; next step — no patient details"))

    def load(self, prefill: dict[str, Any]) -> None:
        current = (self.record or {}).get("pairing_id") or prefill.get("pairing_id")
        me = self.current_user_id()
        pairings = pickers.active_pairings(self.db, include_id=current)
        # Your own pairings first (as mentor or mentee), each group in the usual order.
        pairings.sort(key=lambda p: me not in (p["mentor_id"], p.get("mentee_id")))
        self.pairing.set_choices([(pairing_label(p), p["id"]) for p in pairings])
        super().load(prefill)
        if not pairings:
            self.banner.show_message("There are no active mentoring pairings yet: add one on the Mentoring page first.")

    def defaults(self) -> dict[str, Any]:
        # The user's own pairing: a champion logs their own check-ins. Without one, nothing is
        # chosen rather than the first pairing in the list, which is someone else's.
        me = self.current_user_id()
        mine = [p["id"] for p in pickers.active_pairings(self.db) if me in (p["mentor_id"], p.get("mentee_id"))]
        return {**super().defaults(), "pairing_id": mine[0] if mine else None}
