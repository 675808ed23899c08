"""The base of the charts drawn over time (training, concerns, mentoring): a date axis, one slot per bucket."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from champion_desk.domain.briefing_data import merge_stubs
from champion_desk.domain.scope import Scope
from champion_desk.ui.charts import palette
from champion_desk.ui.charts.bars import BarsItem, hover_points, line
from champion_desk.ui.charts.panel import ChartPanel, projector_font, style_plot

# Share of a bucket's width the bars of one bucket fill together (the rest is the gap between buckets).
FILL = 0.8
# Room one month label ("Sep", "2026") needs on the date axis at the projector font size, in pixels.
MONTH_LABEL_PX = 44
# About how wide one character of a tick label is at the projector font, and the least gap between two.
LABEL_CHAR_PX = 10
LABEL_GAP_PX = 10
# How far an edge bar's label may reach past the ends of the date axis, in pixels.
EDGE_LABEL_OVERFLOW_PX = 48


def _timestamp(day: dt.date) -> float:
    # DateAxisItem labels ticks in local time, so positions are local midnights too.
    return dt.datetime(day.year, day.month, day.day).timestamp()


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """Return the first day of every month starting within [first, last]."""
    day = first if first.day == 1 else (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    out = []
    while day <= last:
        out.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def date_ticks(first: dt.date, last: dt.date, width_px: float) -> list[list[tuple[float, str]]]:
    """Return axis tick levels for [first, last]: months ("Jan 2026" for January, else "Feb") where they fit,
    else every 3rd or 6th month, else years with unlabelled quarters.

    DateAxisItem picks its own spacing and, on a chart a third of the screen wide, shows only years
    for a 12-month scope; a champion reads monthly bars by their month.
    """
    months = _month_starts(first, last)
    fits = max(1, int(width_px // MONTH_LABEL_PX))
    for step in (1, 2, 3, 6):
        if len(months) <= fits * step:
            return [
                [
                    (_timestamp(m), f"{m:%b %Y}" if m.month == 1 else m.strftime("%b"))
                    for m in months
                    if (m.month - 1) % step == 0
                ],
                [],
            ]
    years = [m for m in months if m.month == 1]
    quarters = [(_timestamp(m), "") for m in months if m.month in (4, 7, 10)]
    return [[(_timestamp(m), str(m.year)) for m in years], quarters]


def _short_range(start: dt.date, end: dt.date) -> str:
    """Return "1–7 Dec", "8 Dec–31 Jan" or "8 Dec 2025–31 Jan 2026" (a year only when it changes)."""
    if start.year != end.year:
        return f"{start.day} {start:%b %Y}–{end.day} {end:%b %Y}"
    if start.month != end.month:
        return f"{start.day} {start:%b}–{end.day} {end:%b}"
    return f"{start.day}–{end.day} {end:%b}"


def month_ticks(rows: Sequence[dict[str, Any]], width_px: float) -> list[list[tuple[float, str]]]:
    """Return one tick per monthly bar, under its middle, naming what it holds.

    A whole month is named by its month ("Mar"; the year too on the first bar and on January,
    "Jan 2026", so a year is never shown alone in a month's place). A first or last bar that the
    period clips, or that holds a merged stub, is named by its real dates ("8–31 Dec", "1 Nov–7 Dec").
    Names that would overlap on a chart ``width_px`` wide are left out: the edge bars' first, then
    every 2nd, 3rd or 6th month, whichever leaves them apart.
    """
    named = []
    for index, row in enumerate(rows):
        start, end = dt.date.fromisoformat(row["start"]), dt.date.fromisoformat(row["end"])
        whole = start.day == 1 and end.month == start.month and (end + dt.timedelta(days=1)).day == 1
        if not whole:
            text = _short_range(start, end)
        elif index == 0 or start.month == 1:
            text = f"{start:%b %Y}"
        else:
            text = f"{start:%b}"
        named.append(((_timestamp(start) + _timestamp(end + dt.timedelta(days=1))) / 2, text))
    if not named:
        return [[], []]
    left = _timestamp(dt.date.fromisoformat(rows[0]["start"]))
    right = _timestamp(dt.date.fromisoformat(rows[-1]["end"]) + dt.timedelta(days=1))
    scale = width_px / max(right - left, 1.0)

    def span(tick: tuple[float, str]) -> tuple[float, float]:
        centre, half = (tick[0] - left) * scale, (len(tick[1]) * LABEL_CHAR_PX + LABEL_GAP_PX) / 2
        return centre - half, centre + half

    last = len(named) - 1
    for step in (1, 2, 3, 6, 12):
        chosen = [named[i] for i in sorted({0, last} | set(range(0, last, step)))]
        kept: list[tuple[float, str]] = []
        for tick in chosen:  # the edges win a clash with their neighbours
            if kept and span(kept[-1])[1] > span(tick)[0]:
                if tick is named[last]:
                    kept[-1] = tick
                continue
            kept.append(tick)
        if len(kept) == len(chosen):
            break
    return [kept, []]


def bucket_label(row: dict[str, Any], bucket: str) -> str:
    """Return how a bucket is named in tooltips: 'March 2026', 'week of 2 Mar 2026', or its dates when
    the scope clips it (a 'Last 12 months' scope starts and ends part-way through a month)."""
    start, end = dt.date.fromisoformat(row["start"]), dt.date.fromisoformat(row["end"])
    if bucket == "month":
        whole = start.day == 1 and (end + dt.timedelta(days=1)).day == 1
        name = start.strftime("%B %Y")
    else:
        whole = start.weekday() == 0 and end.weekday() == 6
        name = f"week of {start.day} {start.strftime('%b %Y')}"
    if whole:
        return name
    return f"{start.day} {start:%b} to {end.day} {end:%b %Y} (part of the {'month' if bucket == 'month' else 'week'})"


class TimeChartPanel(ChartPanel):
    """A chart with one slot per bucket on a date axis; bars sit side by side within the slot."""

    left_label = ""
    bucketed = True
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
        # An edge bar's dates ("1 Nov–7 Dec") are wider than the bar: let them reach a little past
        # the axis's ends instead of being dropped.
        self.date_axis.setStyle(tickFont=projector_font(), hideOverlappingLabels=EDGE_LABEL_OVERFLOW_PX)
        self.plot.vb.sigResized.connect(self._update_date_ticks)
        self.build_items()
        if not self.right_views:
            # With no right-hand axis the widget's edge is the axis's end, and the last bar's dates
            # were cut ("1 Nov–7 De"): keep room for the half of a label that reaches past it.
            left, top, _right, bottom = self.plot.layout.getContentsMargins()
            self.plot.layout.setContentsMargins(left, top, EDGE_LABEL_OVERFLOW_PX, bottom)
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

    def add_line(
        self, colour: str, symbol: str, dashed: bool = False, view: pg.ViewBox | None = None
    ) -> tuple[pg.PlotCurveItem, pg.ScatterPlotItem]:
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

    def side_by_side(
        self, centres: np.ndarray, lengths: np.ndarray, position: int, count: int
    ) -> dict[str, np.ndarray]:
        """Return x and width for bar ``position`` of ``count`` bars sharing each bucket's slot."""
        width = lengths * FILL / count
        left = centres - lengths * FILL / 2
        return {"x0": left + position * width, "width": width}

    def labels(self, rows: Sequence[dict[str, Any]]) -> list[str]:
        """Return every row's bucket label."""
        return [bucket_label(r, self.bucket) for r in rows]

    def fit_x(self, rows: Sequence[dict[str, Any]]) -> None:
        """Show exactly the scope's buckets, labelled by month."""
        first = _timestamp(dt.date.fromisoformat(rows[0]["start"]))
        last = _timestamp(dt.date.fromisoformat(rows[-1]["end"]) + dt.timedelta(days=1))
        self.plot.setXRange(first, last, padding=0.01)
        self._update_date_ticks()

    def _update_date_ticks(self) -> None:
        if not self.rows:
            return
        width = self.plot.vb.width() or 500.0  # before the first layout: a typical chart's width
        if self.bucket == "month":
            self.date_axis.setTicks(month_ticks(self.rows, width))
            return
        first, last = dt.date.fromisoformat(self.rows[0]["start"]), dt.date.fromisoformat(self.rows[-1]["end"])
        self.date_axis.setTicks(date_ticks(first, last, width))

    def show_rows(self, rows: list[dict[str, Any]], scope: Scope, bucket: str) -> None:
        """Draw a series, a first or last stub of under half a month or week merged into its neighbour.

        As the briefing does (``briefing_data.merge_stubs``): a 'last 12 months' period ending on the
        7th would otherwise end in a sliver of a bar, its small count looking like a collapse.
        """
        super().show_rows(merge_stubs(rows, bucket), scope, bucket)

    def fit_y(self, top: float, view: pg.ViewBox | None = None) -> None:
        """Start a count axis at 0 with room above the tallest mark (at least 1 so zeros still show an axis)."""
        (view or self.plot).setYRange(0, max(float(top), 1.0) * 1.08, padding=0)

    def bucket_filters(self, row: dict[str, Any], **extra: Any) -> dict[str, Any]:
        """Return drill-down filters for one bucket's dates."""
        return self.scope_filters(row["start"], row["end"], **extra)
