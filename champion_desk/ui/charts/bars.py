"""Bars and points that tell what they are: a tooltip on hover, a signal on click."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal

from champion_desk.ui.charts import palette


class BarsItem(pg.BarGraphItem):
    """A BarGraphItem whose bars show ``tip(index)`` on hover and emit ``bar_clicked(index)`` on a left click.

    pyqtgraph's BarGraphItem has neither: the scene hands hover and click events to the item under
    the cursor (its ``shape`` is the union of the bars), and here they are mapped back to the bar.
    """

    bar_clicked = Signal(int)

    def __init__(self, tip: Callable[[int], str], **opts) -> None:
        opts.setdefault("pen", pg.mkPen(palette.OUTLINE, width=1))
        super().__init__(**opts)
        self._tip = tip
        self.setAcceptHoverEvents(True)

    def bar_count(self) -> int:
        """Return how many bars the item holds now."""
        x0, y0, x1, y1 = self._getNormalizedCoords()
        return int(np.broadcast(x0, y0, x1, y1).size)

    def bar_at(self, pos: QPointF) -> int | None:
        """Return the index of the bar under ``pos`` (data coordinates), or None."""
        if self.bar_count() == 0:
            return None
        x0, y0, x1, y1 = (np.broadcast_to(a, (self.bar_count(),)) for a in self._getNormalizedCoords())
        hit = (x0 <= pos.x()) & (pos.x() <= x1) & (y0 <= pos.y()) & (pos.y() <= y1) & (y1 > y0)
        found = np.flatnonzero(hit)
        return int(found[0]) if found.size else None

    def bar_centre(self, index: int) -> QPointF:
        """Return the centre of bar ``index`` in data coordinates (for tests and keyboard users)."""
        x0, y0, x1, y1 = (np.broadcast_to(a, (self.bar_count(),)) for a in self._getNormalizedCoords())
        return QPointF((x0[index] + x1[index]) / 2, (y0[index] + y1[index]) / 2)

    def hoverEvent(self, ev) -> None:  # pyqtgraph override
        index = None if ev.isExit() else self.bar_at(ev.pos())
        self.setToolTip(self._tip(index) if index is not None else "")
        self.setCursor(Qt.CursorShape.PointingHandCursor if index is not None else Qt.CursorShape.ArrowCursor)

    def mouseClickEvent(self, ev) -> None:  # pyqtgraph override
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        index = self.bar_at(ev.pos())
        if index is not None:
            ev.accept()
            self.bar_clicked.emit(index)


def hover_points(colour: str, symbol: str = "o") -> pg.ScatterPlotItem:
    """Return points that show their own label (passed as ``data``) as a tooltip when hovered."""
    return pg.ScatterPlotItem(
        symbol=symbol,
        size=palette.SYMBOL_SIZE,
        brush=pg.mkBrush(colour),
        pen=pg.mkPen(palette.BACKGROUND, width=1.5),
        hoverable=True,
        hoverSize=palette.SYMBOL_SIZE + 6,
        tip=lambda x, y, data: str(data),
    )


def line(colour: str, dashed: bool = False) -> pg.PlotCurveItem:
    """Return a thick line (dashed lines for a second kind of figure, so it reads without colour too)."""
    style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
    return pg.PlotCurveItem(pen=pg.mkPen(colour, width=palette.LINE_WIDTH, style=style))


def set_line(
    curve: pg.PlotCurveItem,
    points: pg.ScatterPlotItem,
    xs: Sequence[float],
    ys: Sequence[float | None],
    labels: Sequence[str],
) -> None:
    """Draw a line with hoverable points, leaving a gap where a figure is empty (None)."""
    x = np.asarray(xs, dtype=float)
    y = np.array([np.nan if v is None else float(v) for v in ys], dtype=float)
    keep = ~np.isnan(y)
    # connect="finite" breaks the line at the gaps instead of drawing through a missing month.
    curve.setData(x=x, y=y, connect="finite")
    points.setData(x=x[keep], y=y[keep], data=[lab for lab, k in zip(labels, keep) if k])
