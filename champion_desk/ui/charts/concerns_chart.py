"""Concerns by theme: stacked bars per bucket, with the open backlog as a line."""

from __future__ import annotations

from typing import Any

import numpy as np

from champion_desk.domain.vocab import Theme, values
from champion_desk.ui.charts import palette
from champion_desk.ui.charts.bars import BarsItem, set_line
from champion_desk.ui.charts.time_panel import TimeChartPanel

THEMES = values(Theme)


class ConcernsChart(TimeChartPanel):
    """One stacked bar per bucket (a segment per theme, documented order from the axis up) and the backlog line."""

    title = "Concerns by theme"
    series_name = "concerns"
    left_label = "Concerns"
    empty_text = "No concerns recorded in this period."
    empty_keys = ("concerns_raised", "concerns_open")

    def build_items(self) -> None:
        # One item per theme, so a clicked segment knows its theme and setOpts only moves the stacks.
        self.theme_bars: dict[str, BarsItem] = {}
        for theme in THEMES:
            bars = BarsItem(
                lambda i, t=theme: self._tip(i, t), x0=[], width=[], height=[], brush=palette.THEME_COLOURS[theme]
            )
            bars.bar_clicked.connect(lambda i, t=theme: self._open_concerns(i, t))
            self.plot.addItem(bars)
            self.theme_bars[theme] = bars
        self.backlog_line, self.backlog_points = self.add_line(palette.BLACK, "s", dashed=True)
        self.set_legend(
            [(theme, palette.THEME_COLOURS[theme], "bar") for theme in THEMES]
            + [("Open backlog (at each period's end)", palette.BLACK, "dashed")]
        )

    def draw(self, rows: list[dict[str, Any]]) -> None:
        centres, lengths = self.slots(rows)
        slot = self.side_by_side(centres, lengths, 0, 1)
        base = np.zeros(len(rows))
        for theme, bars in self.theme_bars.items():
            counts = np.array([r["concerns_by_theme"].get(theme, 0) for r in rows], dtype=float)
            bars.setOpts(y0=base.copy(), height=counts, **slot)
            base += counts
        labels = [f"{label}: {r['concerns_open']} concerns open" for label, r in zip(self.labels(rows), rows)]
        backlog = [r["concerns_open"] for r in rows]
        set_line(self.backlog_line, self.backlog_points, centres, backlog, labels)
        self.fit_x(rows)
        self.fit_y(max(float(base.max()), max(backlog)))

    def _tip(self, index: int, theme: str) -> str:
        row = self.rows[index]
        n = row["concerns_by_theme"].get(theme, 0)
        return f"{self.labels([row])[0]}: {n} raised about {theme} (of {row['concerns_raised']})\nClick to list them"

    def _open_concerns(self, index: int, theme: str) -> None:
        self.drill_down_requested.emit("concerns", self.bucket_filters(self.rows[index], theme=theme))
