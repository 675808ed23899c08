"""What the full briefing and the one-page summary share: the period's figures, hidden alike.

A ``Meeting`` holds one period's ``BriefingData`` and turns its figures into what a staff-meeting
output prints: key-figure tiles compared with the previous period, training coverage, series with
their small points left out. Counts of concerns and of people per unit are decided over every unit
(``briefing_data.concern_figures``, ``people_figures``), so every output of the period prints them
alike and none uncovers another.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from champion_desk.domain.briefing_data import BriefingData, concern_figures, people_figures
from champion_desk.domain.privacy import DEFAULT_K, HIDDEN_SHARE, MONTH_DAYS, Cell, is_whole_months
from champion_desk.report.blocks import Blocks, period_text


class Meeting(Blocks):
    """Lay out a staff-meeting output of ``data`` with suppression threshold ``k``."""

    def __init__(self, data: BriefingData, k: int = DEFAULT_K, paper: str = "a4") -> None:
        super().__init__(k, paper)
        self.data = data
        # Concern counts are decided over every unit, so no other briefing of the period uncovers them.
        self.concern = concern_figures(data, self.k)
        # Likewise counts of people per unit (staff, trained, signed off, refreshers due).
        self.people = people_figures(data, self.k)
        self.people_before = people_figures(data, self.k, previous=True)

    def previous_label(self) -> str:
        prev = self.data.previous_scope or self.data.scope.previous()
        if is_whole_months(prev):
            months = round(prev.days / MONTH_DAYS)
            return (
                f"the previous {months} month{'s' if months != 1 else ''} ({period_text(prev.date_from, prev.date_to)})"
            )
        return f"the previous {self.data.scope.days} days ({period_text(prev.date_from, prev.date_to)})"

    def count_tile(self, label: str, key: str) -> tuple[str, Cell, str]:
        cur, prev = self.data.figures.get(key), self.data.previous.get(key)
        if key in self.people:
            return self.people_tile(label, key)
        cell = self.sup.figure(key, cur)
        change = self.sup.change(cur, prev, is_count=self.sup.protects(key))
        if change is None:
            note = (
                f"previous period: {self.sup.wording}"
                if self.sup.is_small(prev)
                else ("no comparison with small numbers" if cell.suppressed else "no previous figure")
            )
        else:
            note = f"{change} on previous period" if change != "no change" else "same as previous period"
        return label, cell, note

    def people_tile(self, label: str, key: str) -> tuple[str, Cell, str]:
        """Return a tile of people per unit: hidden, and compared, as every output of the period decides."""
        cell = self.people[key][None]
        return label, cell, self.change_note(cell, self.people_before.get(key, {}).get(None))

    def still_open(self) -> Cell:
        """Return the concerns still open at the period's end, hidden as every output of the period decides."""
        if self.people:
            return self.people["concerns_open"][None]
        return self.sup.count(self.data.figures.get("concerns_open"))

    def coverage_cell(self, unit: str | None = None, previous: bool = False) -> Cell:
        """Return the training coverage of ``unit`` (None: the output's own) from the people counts."""
        people = self.people_before if previous else self.people
        covered, staff = people["covered"][unit], people["staff_active"][unit]
        if not staff.value:
            return Cell(None, False, "–")
        if covered.suppressed or staff.suppressed:
            return Cell(covered.value / staff.value, True, HIDDEN_SHARE)
        return self.sup.share(covered.value, staff.value)

    def concerns_tile(self) -> tuple[str, Cell, str]:
        cell = self.concern.total
        return "Concerns raised", cell, self.change_note(cell, self.concern.previous_total)

    def change_note(self, cell: Cell, prev: Cell | None) -> str:
        """Return a tile's note on two cells decided for every output of their periods: the change, or why none."""
        if prev is None:
            return "no previous figure"
        if cell.suppressed or prev.suppressed:
            return f"previous period: {prev.text}" if prev.suppressed else "no comparison with small numbers"
        change = self.sup.change(cell.value, prev.value)
        return f"{change} on previous period" if change != "no change" else "same as previous period"

    def share_cell(self, figures: dict[str, Any], share_key: str, whole_key: str) -> Cell:
        whole = figures.get(whole_key)
        frac = figures.get(share_key)
        part = None if frac is None or whole is None else round(frac * whole)
        return self.sup.share(part, whole)

    def share_tile(self, label: str, share_key: str, whole_key: str) -> tuple[str, Cell, str]:
        if share_key == "training_coverage" and self.people:
            cur = self.coverage_cell()
            prev = self.coverage_cell(previous=True) if self.people_before else Cell(None, False, "–")
        else:
            cur = self.share_cell(self.data.figures, share_key, whole_key)
            prev = self.share_cell(self.data.previous, share_key, whole_key)
        if cur.value is None or prev.value is None or cur.suppressed or prev.suppressed:
            note = "no comparison" if cur.value is not None else "no figure this period"
        else:
            points = round(100 * (cur.value - prev.value))
            note = (
                "same as previous period"
                if points == 0
                else f"{'+' if points > 0 else '−'}{abs(points)} points on previous period"
            )
        return label, cur, note

    def ratio_tile(self) -> tuple[str, Cell, str]:
        f, pf = self.data.figures, self.data.previous
        ratio = f.get("staff_per_champion")
        if ratio is None:
            return "Staff per champion", Cell(None, False, "no champion yet"), "name a champion for each unit"
        staff_hidden = (
            self.people["staff_active"][None].suppressed if self.people else self.sup.is_small(f.get("staff_active"))
        )
        if staff_hidden:
            return "Staff per champion", Cell(ratio, True, "not shown"), "small numbers"
        cell = Cell(ratio, False, f"{ratio:.1f}")
        prev = pf.get("staff_per_champion")
        prev_hidden = (
            self.people_before["staff_active"][None].suppressed
            if self.people_before
            else self.sup.is_small(pf.get("staff_active"))
        )
        change = None if prev is None or prev_hidden else ratio - prev
        if change is None:
            note = "no previous figure"
        elif abs(change) < 0.05:
            note = "same as previous period"
        else:
            note = f"{'+' if change > 0 else '−'}{abs(change):.1f} on previous period"
        return "Staff per champion", cell, note

    def median_days_printable(self) -> bool:
        """Return True when the median days to resolution may print: a median of a few concerns is one of them."""
        f = self.data.figures
        return f.get("median_days_to_resolution") is not None and not self.sup.is_small(f.get("concerns_raised"))

    def confidence_printable(self) -> bool:
        """Return True when the confidence uplift may print: a mean of a few people's scores is close to theirs."""
        f = self.data.figures
        return f.get("confidence_uplift") is not None and not self.sup.is_small(f.get("attendances"))

    def series_counts(self, rows: Sequence[dict[str, Any]], key: str) -> tuple[list[int | None], list[bool]]:
        """Return a series of states (open concerns, active pairings) with small points left out.

        The last point is the figure at the period's end, which every output of the period decides
        on together (``people_figures``): hidden here where it is hidden there.
        """
        raw = [r.get(key) for r in rows]
        values, small = self.sup.series(raw), [self.sup.is_small(v) for v in raw]
        if values and key in self.people and self.people[key][None].suppressed:
            values[-1], small[-1] = None, True
        return values, small

    def bar_counts(self, rows: Sequence[dict[str, Any]], key: str) -> tuple[list[int | None], list[str | None]]:
        """Return per-bucket counts that add up to the period's printed figure, safely hidden, with marks."""
        return self.sup.marks([r.get(key) for r in rows], self.data.figures.get(key), key)
