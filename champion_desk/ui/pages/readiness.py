"""Readiness: ADKAR pulse surveys per unit and tool, to judge when a unit is ready for go-live."""

from __future__ import annotations

from champion_desk.domain import listings
from champion_desk.ui.models.records import PulseTableModel, format_date
from champion_desk.ui.pages.record_list import RecordListPage


class ReadinessPage(RecordListPage):
    """Readiness pulses taken in scope (mean scores 1–5 for each ADKAR element)."""

    name = "readiness"
    title = "Readiness"
    table = "pulse"
    noun = "pulse"
    model_class = PulseTableModel
    intro = (
        "Each pulse is a quick survey of a unit: mean scores from 1 (low) to 5 (high) for Awareness, "
        "Desire, Knowledge, Ability and Reinforcement. The barrier point, the first of them below 3, is "
        "where to act next: each step rests on the ones before it."
    )

    def load_rows(self):
        return listings.pulses(self.context.db, self.context.scope)

    def describe(self, row):
        return f"of {format_date(row['taken_on'])} ({row['unit']}, {row['tool']})"

    def summary(self, rows):
        units = len({r["unit_id"] for r in rows})
        respondents = sum(r["respondents"] or 0 for r in rows)
        return (
            f"{self.records.model.count_text(rows)} on {units} unit{'s' if units != 1 else ''}, {respondents} responses"
        )
