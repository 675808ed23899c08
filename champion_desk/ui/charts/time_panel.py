"""The base of the charts drawn over time (training, concerns, mentoring): a date axis, one slot per bucket."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from champion_desk.ui.charts import palette
from champion_desk.ui.charts.bars import BarsItem, hover_points, line
from champion_desk.ui.charts.panel import ChartPanel, projector_font, style_plot

# Share of a bucket's width the bars of one bucket fill together (the rest is the gap between buckets).
FILL = 0.8


def _timestamp(day: dt.date) -> float:
    # DateAxisItem labels ticks in local time, so positions are local midnights too.
    return dt.datetime(day.year, day.month, day.day).timestamp()


def bucket_label(row: dict[str, Any], bucket: str) -> str:
    """Return how a bucket is named in tooltips: 'March 2026', or 'week of 2 Mar 2026'."""
    start = dt.date.fromisoformat(row["start"])
    if bucket == "month":
        return start.strftime("%B %Y")
    return f"week of {start.day} {start.strftime('%b %Y')}"


class TimeChartPanel(ChartPanel):
    """A chart with one slot per bucket on a date axis; bars sit side by side within the slot."""

    left_label = ""
    bar_words: dict[str, str] = {}  # figure key -> how a bar's tooltip names it, e.g. "check-ins held"
    click_hint = ""  # the tooltip's last line: what a click opens
    empty_text = ""  # said instead of the chart when none of ``empty_keys`` is ever non-zero
    empty_keys: tuple[str, ...] = ()

    def build_plot(self) -> QWidget:
        self.date_axis = pg.DateAxisItem(orientation="bottom")
        widget = pg.PlotWidget(background="w", axisItems={"bottom": self.date_axis})
        self.plot = widget.getPlotItem()
        self.right_views: list[tuple[pg.ViewBox, object]] = []
        style_plot(self.plot, left_label=self.left_label)
        self.date_axis.setStyle(tickFont=projector_font())
        self.build_items()
        return widget

    def build_items(self) -> None:
        """Create the plot items once (subclasses)."""
        raise NotImplementedError

    def add_right_axis(self, label: str, colour: str) -> pg.ViewBox:
        """Return a second ViewBox scaled by a right-hand axis, following the main one's x range.

        For a figure of another kind or size than the left axis's (pyqtgraph's MultiplePlotAxes):
        the view is laid over the main one and kept to its geometry on every resize.
        """
        view = pg.ViewBox(enableMouse=False)
        view.setMenuEnabled(False)
        self.plot.showAxis("right")
        self.plot.scene().addItem(view)
        right = self.plot.getAxis("right")
        right.linkToView(view)
        right.setLabel(label, **{"font-size": f"{palette.AXIS_POINT_SIZE + 1}pt", "color": colour})
        view.setXLink(self.plot)

        def follow_main_view() -> None:
            view.setGeometry(self.plot.vb.sceneBoundingRect())
            view.linkedViewChanged(self.plot.vb, view.XAxis)

        self.plot.vb.sigResized.connect(follow_main_view)
        self.right_views.append((view, follow_main_view))
        return view

    def follow_main_view(self) -> None:
        """Re-fit every right-axis view to the main one (after the x range changed)."""
        for _view, follow in self.right_views:
            follow()

    def add_bars(self, key: str, colour: str, on_click, view: pg.ViewBox | None = None) -> BarsItem:
        """Add the bars of one figure (empty until drawn); ``on_click(index)`` runs when one is clicked."""
        bars = BarsItem(lambda i: self.bar_tip(i, key), x0=[], width=[], height=[], brush=colour)
        bars.bar_clicked.connect(on_click)
        (view or self.plot).addItem(bars)
        return bars

    def add_line(self, colour: str, symbol: str, dashed: bool = False, view: pg.ViewBox | None = None) -> tuple[pg.PlotCurveItem, pg.ScatterPlotItem]:
        """Add a thick line with hoverable points over the bars (in ``view``, else the main plot)."""
        curve, points = line(colour, dashed), hover_points(colour, symbol)
        for item in (curve, points):
            item.setZValue(10)  # over the bars
            (view or self.plot).addItem(item)
        return curve, points

    def bar_tip(self, index: int, key: str) -> str:
        """Return a bar's tooltip: its bucket, its value and what a click opens."""
        row = self.rows[index]
        return f"{self.labels([row])[0]}: {row[key]} {self.bar_words[key]}\n{self.click_hint}"

    def draw_grouped(self, rows: Sequence[dict[str, Any]], bars_by_key: dict[str, BarsItem]) -> list[float]:
        """Set each figure's bars side by side within every bucket; return all the heights drawn."""
        centres, lengths = self.slots(rows)
        heights: list[float] = []
        for position, (key, bars) in enumerate(bars_by_key.items()):
            values = [r[key] for r in rows]
            bars.setOpts(height=values, **self.side_by_side(centres, lengths, position, len(bars_by_key)))
            heights.extend(values)
        return heights

    def empty_message(self, rows: list[dict[str, Any]]) -> str | None:
        if not any(r[key] for r in rows for key in self.empty_keys):
            return self.empty_text
        return None

    def slots(self, rows: Sequence[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray]:
        """Return each bucket's centre and length in seconds (clipped buckets are shorter)."""
        starts = np.array([_timestamp(dt.date.fromisoformat(r["start"])) for r in rows])
        ends = np.array([_timestamp(dt.date.fromisoformat(r["end"]) + dt.timedelta(days=1)) for r in rows])
        return (starts + ends) / 2, ends - starts

    def side_by_side(self, centres: np.ndarray, lengths: np.ndarray, position: int, count: int) -> dict[str, np.ndarray]:
        """Return x and width for bar ``position`` of ``count`` bars sharing each bucket's slot."""
        width = lengths * FILL / count
        left = centres - lengths * FILL / 2
        return {"x0": left + position * width, "width": width}

    def labels(self, rows: Sequence[dict[str, Any]]) -> list[str]:
        """Return every row's bucket label."""
        return [bucket_label(r, self.bucket) for r in rows]

    def fit_x(self, rows: Sequence[dict[str, Any]]) -> None:
        """Show exactly the scope's buckets."""
        first = _timestamp(dt.date.fromisoformat(rows[0]["start"]))
        last = _timestamp(dt.date.fromisoformat(rows[-1]["end"]) + dt.timedelta(days=1))
        self.plot.setXRange(first, last, padding=0.01)

    def fit_y(self, top: float, view: pg.ViewBox | None = None) -> None:
        """Start a count axis at 0 with room above the tallest mark (at least 1 so zeros still show an axis)."""
        (view or self.plot).setYRange(0, max(float(top), 1.0) * 1.08, padding=0)

    def bucket_filters(self, row: dict[str, Any], **extra: Any) -> dict[str, Any]:
        """Return drill-down filters for one bucket's dates."""
        return self.scope_filters(row["start"], row["end"], **extra)
