"""The mentoring check-in dialog."""

from __future__ import annotations

from typing import Any

from champion_desk.domain import pickers
from champion_desk.ui.dialogs.base import RecordDialog
from champion_desk.ui.widgets.fields import LongTextField, NumberField, SearchableChoiceField
from champion_desk.ui.widgets.scale import ScalePicker

CHOOSE = "— choose a pairing —"


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
            SearchableChoiceField(empty_label=CHOOSE),
            hint="Active pairings: mentor → mentee (tool); yours first, then your unit's. "
            "Type part of either name to find one.",
        )
        self.date_field("held_on", "&Date")
        self.add_field("minutes", "&Minutes", NumberField(1, 600, optional=True, suffix=" min"))
        self.add_field("confidence", "&Confidence", ScalePicker(), note="Mentee's own rating: 1 not at all … 5 very")
        self.add_field("note", "&Note", LongTextField(4, "What you worked on; next step — no patient details"))

    def load(self, prefill: dict[str, Any]) -> None:
        current = (self.record or {}).get("pairing_id") or prefill.get("pairing_id")
        self._pairings = pickers.checkin_pairings(self.db, self.current_user_id(), include_id=current)
        self.pairing.set_choices([(pairing_label(p), p["id"]) for p in self._pairings])
        # The empty entry is what shows until a pairing is chosen: it says why none was chosen.
        whose = {p["whose"] for p in self._pairings}
        if pickers.YOURS in whose or not whose:
            prompt = CHOOSE
        elif pickers.YOUR_UNIT in whose:
            prompt = "— none of yours is active: choose your unit's pairing —"
        else:
            prompt = "— none is yours or your unit's: choose the pairing —"
        self.pairing.setItemText(0, prompt)
        super().load(prefill)
        if not self._pairings:
            self.banner.show_message("There are no active mentoring pairings yet: add one on the Mentoring page first.")

    def defaults(self) -> dict[str, Any]:
        # The user's own pairing: a champion logs their own check-ins. Without one, nothing is
        # chosen rather than the first pairing in the list, which is someone else's.
        mine = [p["id"] for p in self._pairings if p["whose"] == pickers.YOURS]
        return {**super().defaults(), "pairing_id": mine[0] if mine else None}
