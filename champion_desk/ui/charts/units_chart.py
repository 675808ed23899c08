"""Unit comparison: training coverage and staff per champion per unit, sorted, with the 1:10–1:20 band."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from champion_desk.ui.charts import palette
from champion_desk.ui.charts.bars import BarsItem
from champion_desk.ui.charts.panel import ChartPanel, fit_panel_height, projector_font, set_category_ticks, style_plot

# The champion ratio the roll-out guidance asks for: one champion per 10 to 20 staff.
CHAMPION_RATIO_BAND = (10.0, 20.0)
BAR_HEIGHT = 0.7


class UnitsChart(ChartPanel):
    """Two bar charts sharing the unit axis: coverage (%) on the left, staff per champion on the right.

    Units are sorted by coverage, lowest first, so the unit lagging behind sits at the top.
    A unit with no champion, or more than 20 staff per champion, gets a vermillion bar.
    """

    title = "Unit comparison"
    series_name = "units"

    def build_plot(self) -> QWidget:
        widget = pg.GraphicsLayoutWidget()
        widget.setBackground("w")
        self.coverage_plot = widget.addPlot(row=0, col=0)
        self.ratio_plot = widget.addPlot(row=0, col=1)
        style_plot(self.coverage_plot, bottom_label="Staff trained (coverage)")
        style_plot(self.ratio_plot, bottom_label="Staff per champion")
        # The coverage plot also carries the unit names: give it the wider share of the width.
        widget.ci.layout.setColumnStretchFactor(0, 3)
        widget.ci.layout.setColumnStretchFactor(1, 2)
        widget.ci.layout.setHorizontalSpacing(28)  # so "100%" and the next chart's "0" stay apart
        for plot in (self.coverage_plot, self.ratio_plot):
            # No grid: across a tall chart its lines cost more to draw than they help to read.
            plot.showGrid(x=False, y=False)
            plot.invertY(True)  # first unit at the top, like a table
            # A scale on top too: with many units the bottom one is a long scroll away.
            plot.showAxis("top")
            plot.getAxis("top").setStyle(tickFont=projector_font())
        self.ratio_plot.setYLink(self.coverage_plot)
        percent_ticks = [
            [(v, f"{v}%") for v in (0, 50, 100)],
            [(25, ""), (75, "")],
        ]  # few labels: the plot can be narrow
        for name in ("top", "bottom"):
            axis = self.coverage_plot.getAxis(name)
            axis.setTicks(percent_ticks)
            axis.setStyle(hideOverlappingLabels=False)  # keep "0%" and "100%" at the ends
        self.ratio_plot.getAxis("left").setStyle(showValues=False)
        self.coverage_plot.setXRange(0, 110, padding=0)  # room for the "100%" label

        low, high = CHAMPION_RATIO_BAND
        self.band = pg.LinearRegionItem(
            values=(low, high),
            orientation="vertical",
            movable=False,
            brush=pg.mkBrush(palette.BAND),
            pen=pg.mkPen(palette.ORANGE, width=2),
        )
        self.band.setZValue(-10)  # behind the bars
        self.ratio_plot.addItem(self.band)

        self.coverage_bars = BarsItem(self._tip, x0=0, y=[], width=[], height=BAR_HEIGHT, brush=palette.BLUISH_GREEN)
        self.ratio_bars = BarsItem(self._tip, x0=0, y=[], width=[], height=BAR_HEIGHT, brush=palette.BLUE)
        for plot, bars in ((self.coverage_plot, self.coverage_bars), (self.ratio_plot, self.ratio_bars)):
            bars.bar_clicked.connect(self._open_unit)
            plot.addItem(bars)
        self.set_legend(
            [
                ("Coverage", palette.BLUISH_GREEN, "bar"),
                ("Staff per champion", palette.BLUE, "bar"),
                ("No champion, or over 20 staff per champion", palette.VERMILLION, "bar"),
                (f"Target band 1:{low:.0f}–1:{high:.0f}", palette.YELLOW, "band"),
            ]
        )
        return widget

    def draw(self, rows: list[dict[str, Any]]) -> None:
        # Sorting is presentation only: the figures are the domain's, untouched.
        rows = self.rows = sorted(
            rows, key=lambda r: (r["training_coverage"] is None, r["training_coverage"] or 0, r["unit"].casefold())
        )
        positions = np.arange(len(rows), dtype=float)
        coverage = [100 * (r["training_coverage"] or 0) for r in rows]
        ratios = [r["staff_per_champion"] or 0 for r in rows]
        over = [r["staff_per_champion"] is None or r["staff_per_champion"] > CHAMPION_RATIO_BAND[1] for r in rows]
        self.coverage_bars.setOpts(y=positions, width=coverage)
        self.ratio_bars.setOpts(
            y=positions, width=ratios, brushes=[palette.VERMILLION if o else palette.BLUE for o in over]
        )
        names = [r["unit"] if r["champions_active"] else f"{r['unit']} (no champion)" for r in rows]
        set_category_ticks(self.coverage_plot.getAxis("left"), names)
        self.coverage_plot.setYRange(-0.6, len(rows) - 0.4, padding=0)
        self.ratio_plot.setXRange(0, max(ratios + [CHAMPION_RATIO_BAND[1] * 1.25]), padding=0.02)
        fit_panel_height(self, len(rows))

    def empty_message(self, rows: list[dict[str, Any]]) -> str | None:
        if not any(r["staff_active"] for r in rows):
            return "No active staff on the units in scope: import a roster or choose other units."
        return None

    def _tip(self, index: int) -> str:
        r = self.rows[index]
        coverage = "–" if r["training_coverage"] is None else format(r["training_coverage"], ".0%")
        ratio = (
            "no champion" if r["staff_per_champion"] is None else f"1 champion per {r['staff_per_champion']:g} staff"
        )
        return (
            f"{r['unit']}: {coverage} of {r['staff_active']} staff trained; "
            f"{r['champions_active']} champions ({ratio})\nClick to list the unit's staff"
        )

    def _open_unit(self, index: int) -> None:
        unit = self.rows[index]["unit"]
        self.drill_down_requested.emit("people", self.scope_filters(units=[unit], unit=unit))
