"""Mentoring: check-ins and stalled pairings per bucket, with the active pairings as a line."""

from __future__ import annotations

from typing import Any

from champion_desk.domain.metrics import STALL_DAYS
from champion_desk.ui.charts import palette
from champion_desk.ui.charts.bars import set_line
from champion_desk.ui.charts.time_panel import TimeChartPanel


class MentoringChart(TimeChartPanel):
    """Bars of check-ins held and of pairings stalled; a line of pairings active."""

    title = "Mentoring"
    series_name = "mentoring"
    left_label = "Pairings and check-ins"
    bar_words = {"checkins": "check-ins held", "stalled_pairings": "pairings stalled"}
    click_hint = "Click to list the pairings"
    empty_text = "No mentoring pairings or check-ins recorded in this period."
    empty_keys = ("checkins", "pairings_active")

    def build_items(self) -> None:
        self.checkins = self.add_bars("checkins", palette.BLUISH_GREEN, lambda i: self._open_pairings(i, stalled=False))
        self.stalled = self.add_bars("stalled_pairings", palette.VERMILLION, lambda i: self._open_pairings(i, stalled=True))
        self.active_line, self.active_points = self.add_line(palette.BLUE, "d")
        self.set_legend([
            ("Check-ins held", palette.BLUISH_GREEN, "bar"),
            (f"Stalled pairings (no check-in for {STALL_DAYS} days)", palette.VERMILLION, "bar"),
            ("Active pairings", palette.BLUE, "line"),
        ])

    def draw(self, rows: list[dict[str, Any]]) -> None:
        heights = self.draw_grouped(rows, {"checkins": self.checkins, "stalled_pairings": self.stalled})
        centres, _ = self.slots(rows)
        active = [r["pairings_active"] for r in rows]
        labels = [f"{label}: {n} pairings active" for label, n in zip(self.labels(rows), active)]
        set_line(self.active_line, self.active_points, centres, active, labels)
        self.fit_x(rows)
        self.fit_y(max(heights + active))

    def _open_pairings(self, index: int, stalled: bool) -> None:
        extra = {"stalled": True} if stalled else {}
        self.drill_down_requested.emit("mentoring", self.bucket_filters(self.rows[index], **extra))
