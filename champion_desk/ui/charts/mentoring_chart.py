"""Mentoring: pairings active and stalled on the left axis, check-ins held on the right one."""

from __future__ import annotations

from typing import Any

from champion_desk.domain.metrics import STALL_DAYS
from champion_desk.ui.charts import palette
from champion_desk.ui.charts.bars import set_line
from champion_desk.ui.charts.time_panel import TimeChartPanel


class MentoringChart(TimeChartPanel):
    """Pairings (active: a line; stalled: bars) on the left axis; check-ins held (bars) on the right.

    Check-ins outnumber pairings several times over: on one axis the few stalled pairings, the
    figure a manager most needs to see, would be flattened against zero.
    """

    title = "Mentoring"
    series_name = "mentoring"
    left_label = "Pairings"
    bar_words = {"checkins": "check-ins held", "stalled_pairings": "pairings stalled"}
    click_hint = "Click to list the pairings"
    empty_text = "No mentoring pairings or check-ins recorded in this period."
    empty_keys = ("checkins", "pairings_active")

    def build_items(self) -> None:
        self.checkins_view = self.add_right_axis("Check-ins held", palette.BLUISH_GREEN)
        self.checkins = self.add_bars(
            "checkins", palette.BLUISH_GREEN, lambda i: self._open_pairings(i, stalled=False), view=self.checkins_view
        )
        self.stalled = self.add_bars(
            "stalled_pairings", palette.VERMILLION, lambda i: self._open_pairings(i, stalled=True)
        )
        self.active_line, self.active_points = self.add_line(palette.BLUE, "d")
        self.set_legend(
            [
                ("Check-ins held (right axis)", palette.BLUISH_GREEN, "bar"),
                (f"Stalled pairings (no check-in for {STALL_DAYS} days)", palette.VERMILLION, "bar"),
                ("Active pairings", palette.BLUE, "line"),
            ]
        )

    def draw(self, rows: list[dict[str, Any]]) -> None:
        self.draw_grouped(rows, {"checkins": self.checkins, "stalled_pairings": self.stalled})
        centres, _ = self.slots(rows)
        active = [r["pairings_active"] for r in rows]
        labels = [f"{label}: {n} pairings active" for label, n in zip(self.labels(rows), active)]
        set_line(self.active_line, self.active_points, centres, active, labels)
        self.fit_x(rows)
        self.fit_y(max(active + [r["stalled_pairings"] for r in rows]))
        self.fit_y(max(r["checkins"] for r in rows), view=self.checkins_view)
        self.follow_main_view()

    def _open_pairings(self, index: int, stalled: bool) -> None:
        extra = {"stalled": True} if stalled else {}
        self.drill_down_requested.emit("mentoring", self.bucket_filters(self.rows[index], **extra))
