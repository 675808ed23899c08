"""Readiness: the latest ADKAR pulse per unit (and tool) as a grid of scores, the barrier point outlined."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QComboBox, QWidget

from champion_desk.domain.breakdowns import ADKAR, BARRIER_BELOW
from champion_desk.domain.scope import Scope
from champion_desk.ui.charts import palette
from champion_desk.ui.charts.bars import BarsItem
from champion_desk.ui.charts.panel import ChartPanel, fit_panel_height, projector_font, set_category_ticks, style_plot

# cividis: a sequential colour map designed to read the same with and without colour vision deficiency.
COLOUR_MAP = "cividis"
SCORE_RANGE = (1.0, 5.0)
ALL_TOOLS = ""


class PageWheelComboBox(QComboBox):
    """A drop-down that takes the wheel only once it has been clicked or tabbed into.

    On the scrolling dashboard, a wheel turned to scroll the page changed the tool shown whenever
    the pointer passed over the box; unfocused, the wheel now goes on to the page.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event: QWheelEvent) -> None:  # Qt override
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class ReadinessChart(ChartPanel):
    """A row per unit (per unit and tool when several tools are in view), a column per ADKAR element.

    Each cell is coloured and labelled with the mean score (1–5); the barrier point (the first
    element below 3, as the domain defines it) gets a thick black outline and a ▼ beside its score.
    """

    title = "Readiness (latest ADKAR pulse)"
    series_name = "readiness"

    def build_plot(self) -> QWidget:
        self.shown_rows: list[dict[str, Any]] = []
        self.tool_choice = PageWheelComboBox()
        self.tool_choice.setAccessibleName("Readiness for which tool")
        self.tool_choice.setToolTip("Show the pulses of one tool, or of every tool")
        self.tool_choice.activated.connect(lambda _n: self._redraw_for_tool())
        self.header.insertWidget(1, self.tool_choice)
        widget = pg.PlotWidget(background="w")
        self.plot = widget.getPlotItem()
        style_plot(self.plot)
        self.plot.showGrid(x=False, y=False)
        self.plot.invertY(True)
        self.plot.showAxis("top")
        self.plot.hideAxis("bottom")
        # "Reinforcement" is wider than its column when the names leave little room: let it overhang
        # the axis end rather than vanish (pyqtgraph hides labels that cross the axis bounds).
        self.plot.getAxis("top").setStyle(hideOverlappingLabels=False)
        self.colour_map = pg.colormap.get(COLOUR_MAP)
        self.cells = BarsItem(self._tip, x=[], y=[], width=0.96, height=0.92, brushes=[])
        self.cells.bar_clicked.connect(self._open_pulses)
        self.plot.addItem(self.cells)
        # Score labels are pooled: created as rows grow, hidden when fewer are needed, never rebuilt.
        self.score_labels: list[pg.TextItem] = []
        self.score_fonts = {bold: projector_font(palette.AXIS_POINT_SIZE, bold=bold) for bold in (False, True)}
        self.set_legend(
            [
                (
                    f"Score 1 (dark) to 5 (light); barrier point = first element below {BARRIER_BELOW} (outlined, ▼). "
                    "ADKAR: awareness, desire, knowledge, ability, reinforcement",
                    palette.BLACK,
                    "box",
                ),
            ]
        )
        return widget

    @staticmethod
    def _row_names(rows: list[dict[str, Any]], several_tools: bool) -> list[str]:
        return [f"{r['unit']} · {r['tool']}" if several_tools else r["unit"] for r in rows]

    def show_rows(self, rows: list[dict[str, Any]], scope: Scope, bucket: str) -> None:
        """Offer the rows' tools in the tool picker (keeping the choice), then redraw."""
        tools = sorted({r["tool"] for r in rows}, key=str.casefold)
        current = self.tool_choice.currentData()
        if current not in tools and not (current == ALL_TOOLS and self.tool_choice.count()):
            # One tool at a time by default: short unit names leave the five columns room to read,
            # and a unit's readiness is judged per tool. Start with the tool pulsed on most units.
            current = max(tools, key=lambda t: sum(r["tool"] == t for r in rows)) if tools else ALL_TOOLS
        self.tool_choice.clear()
        self.tool_choice.addItem("All tools", ALL_TOOLS)
        for tool in tools:
            self.tool_choice.addItem(tool, tool)
        self.tool_choice.setCurrentIndex(max(self.tool_choice.findData(current), 0))
        self.tool_choice.setVisible(len(tools) > 1)
        super().show_rows(rows, scope, bucket)

    def _redraw_for_tool(self) -> None:
        if self.rows and self.scope is not None:
            self.draw(self.rows)

    def draw(self, rows: list[dict[str, Any]]) -> None:
        tool = self.tool_choice.currentData()
        rows = self.shown_rows = [r for r in rows if not tool or r["tool"] == tool]
        xs, ys, brushes, pens, texts = [], [], [], [], []
        low, high = SCORE_RANGE
        # Pens, and brushes per distinct level, made once per draw (hundreds of cells at trust scale).
        barrier_pen, plain_pen = pg.mkPen(palette.BLACK, width=5), pg.mkPen(palette.BACKGROUND, width=1)
        empty_brush = pg.mkBrush(palette.BACKGROUND)
        level_brushes: dict[float, Any] = {}
        for n, row in enumerate(rows):
            for m, element in enumerate(ADKAR):
                score = row[element]
                xs.append(m)
                ys.append(n)
                is_barrier = row["barrier_point"] == element
                if score is None:
                    brushes.append(empty_brush)
                    texts.append(("–", palette.TEXT, False))
                else:
                    level = (min(max(score, low), high) - low) / (high - low)
                    brush = level_brushes.get(level)
                    if brush is None:
                        brush = level_brushes[level] = pg.mkBrush(self.colour_map.map(level, mode="qcolor"))
                    brushes.append(brush)
                    # Light text on the dark (low) half of cividis, dark text on the light half.
                    texts.append(
                        (
                            f"{score:.1f}" + (" ▼" if is_barrier else ""),
                            "#FFFFFF" if level < 0.5 else palette.TEXT,
                            is_barrier,
                        )
                    )
                pens.append(barrier_pen if is_barrier else plain_pen)
        self.cells.setOpts(x=np.array(xs, dtype=float), y=np.array(ys, dtype=float), brushes=brushes, pens=pens)
        self._set_scores(xs, ys, texts)
        several_tools = len({r["tool"] for r in rows}) > 1
        set_category_ticks(self.plot.getAxis("left"), self._row_names(rows, several_tools))
        # With "unit · tool" names the columns get narrow: head them with ADKAR's letters then.
        set_category_ticks(self.plot.getAxis("top"), [e[0].upper() if several_tools else e.capitalize() for e in ADKAR])
        self.plot.setXRange(-0.5, len(ADKAR) - 0.5, padding=0.01)
        self.plot.setYRange(-0.5, len(rows) - 0.5, padding=0.01)
        fit_panel_height(self, len(rows), per_row=40)

    def _set_scores(self, xs: list[int], ys: list[int], texts: list[tuple[str, str, bool]]) -> None:
        while len(self.score_labels) < len(texts):
            label = pg.TextItem(anchor=(0.5, 0.5))
            label.setZValue(10)
            self.plot.addItem(label)
            self.score_labels.append(label)
        for n, label in enumerate(self.score_labels):
            if n < len(texts):
                # A label already showing this text, colour, weight and place is left alone: setting
                # them again re-lays its text out (most of a redraw's drawing time at trust scale).
                shown = (*texts[n], xs[n], ys[n])
                if getattr(label, "drawn_as", None) != shown:
                    text, colour, bold = texts[n]
                    label.setText(text, color=colour)
                    label.setFont(self.score_fonts[bold])
                    label.setPos(xs[n], ys[n])
                    label.drawn_as = shown
                label.setVisible(True)
            else:
                label.setVisible(False)

    def empty_message(self, rows: list[dict[str, Any]]) -> str | None:
        if not rows:
            end = self.scope.date_to.isoformat() if self.scope else "this date"
            return f"No readiness pulse taken on these units by {end}."
        return None

    def _tip(self, index: int) -> str:
        row = self.shown_rows[index // len(ADKAR)]
        element = ADKAR[index % len(ADKAR)]
        score = row[element]
        barrier = (
            f"\nBarrier point: {row['barrier_point']}"
            if row["barrier_point"]
            else "\nNo barrier point (all elements 3 or above)"
        )
        shown = "not scored" if score is None else f"{score:.1f}"
        return (
            f"{row['unit']} · {row['tool']}, pulse of {row['taken_on']} ({row['respondents']} respondents)\n"
            f"{element.capitalize()}: {shown}{barrier}\nClick to list the unit's pulses"
        )

    def _open_pulses(self, index: int) -> None:
        row = self.shown_rows[index // len(ADKAR)]
        self.drill_down_requested.emit(
            # From the pulse's own date: the latest pulse may predate the scope's start.
            "readiness",
            self.scope_filters(
                row["taken_on"], None, units=[row["unit"]], tools=[row["tool"]], unit=row["unit"], tool=row["tool"]
            ),
        )
