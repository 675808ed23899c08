"""The frame every dashboard chart shares: title, legend, plot (or a message), export buttons."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QSize, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from champion_desk.domain.scope import Scope
from champion_desk.ui.charts import palette
from champion_desk.ui.charts.export import write_rows_csv, write_widget_png

# What a category chart (a row per unit) asks for when it has only a few rows.
MIN_HEIGHT = 460
# The tallest a chart over time grows when the page has the room: a taller plot reads no better.
TALLEST = 640
# The shortest a chart gets in a short window (the page scrolls instead): below it the axes crowd out the bars.
SHORTEST = 320

# Legend glyphs by kind of mark: a filled square for bars, a rule for lines, an outlined box.
_GLYPHS = {"bar": "■", "line": "━━", "dashed": "╍╍", "box": "▢", "band": "█"}


def projector_font(point_size: int = palette.AXIS_POINT_SIZE, bold: bool = False) -> QFont:
    """Return the app font at a size that reads on a projector."""
    font = QFont()
    font.setPointSize(point_size)
    font.setBold(bold)
    return font


def style_plot(plot: pg.PlotItem, left_label: str = "", bottom_label: str = "") -> None:
    """Give a plot the dashboard's look: dark large ticks on white, a light grid, no pan/zoom.

    Panning and the right-click menu are off: on a shared ward PC a stray drag should not leave
    a chart scrolled away from the data.
    """
    font = projector_font()
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(palette.TEXT, width=1.5))
        axis.setTextPen(pg.mkPen(palette.TEXT))
        axis.setStyle(tickFont=font, tickTextOffset=6)
    label_style = {"font-size": f"{palette.AXIS_POINT_SIZE + 1}pt", "color": palette.TEXT}
    if left_label:
        plot.setLabel("left", left_label, **label_style)
    if bottom_label:
        plot.setLabel("bottom", bottom_label, **label_style)
    plot.showGrid(x=False, y=True, alpha=0.25)
    plot.setMouseEnabled(x=False, y=False)
    plot.setMenuEnabled(False)
    plot.hideButtons()


class ChartPanel(QWidget):
    """One chart of the dashboard; subclasses build the plot once and redraw it from series rows.

    ``show_rows`` stores the rows, then either ``draw``s them into the existing plot items
    (setData/setOpts: never rebuilt) or shows ``empty_message`` instead of empty axes.
    """

    drill_down_requested = Signal(str, dict)  # page name, filters (see DashboardPage)

    title = ""
    series_name = ""  # the domain series whose rows this chart draws (used for file names)
    bucketed = False  # True for charts drawn per week or month

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.scope: Scope | None = None
        self.bucket = "month"
        # The panel's height is chosen here (fit_height), not left to the plot's size hint, which
        # pyqtgraph takes from the screen's size: at 1024x768 it made each chart taller than the page.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.visible_height: int | None = None
        self._wanted_height, self._least_height = TALLEST, SHORTEST

        self.title_label = QLabel(self.title)
        self.title_label.setFont(projector_font(palette.TITLE_POINT_SIZE, bold=True))
        # A long title wraps rather than widening the chart past a 1024 px screen (the page scrolled sideways).
        self.title_label.setWordWrap(True)
        self.png_button = QPushButton("Export PNG")
        self.csv_button = QPushButton("Export data (CSV)")
        self.png_button.setToolTip(f"Save the {self.title.lower()} chart as a picture")
        self.csv_button.setToolTip(f"Save the figures behind the {self.title.lower()} chart as a spreadsheet file")
        self.png_button.clicked.connect(self._choose_png_file)
        self.csv_button.clicked.connect(self._choose_csv_file)
        self.header = QHBoxLayout()
        self.header.addWidget(self.title_label, 1)
        self.header.addWidget(self.png_button)
        self.header.addWidget(self.csv_button)

        # Shown only in exported pictures: a chart pasted into a slide must say what it covers.
        self.scope_caption = QLabel()
        self.scope_caption.setFont(projector_font(palette.LEGEND_POINT_SIZE))
        self.scope_caption.setVisible(False)
        self.legend_label = QLabel()
        self.legend_label.setFont(projector_font(palette.LEGEND_POINT_SIZE))
        self.legend_label.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setFont(projector_font(palette.LEGEND_POINT_SIZE + 1))
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet(f"color: {palette.TEXT}; padding: 24px;")

        self.plot_widget = self.build_plot()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.plot_widget)
        self.stack.addWidget(self.message_label)

        # The frame is white so an exported PNG looks like the chart on screen, whatever the Qt style.
        self.setAutoFillBackground(True)
        self.setStyleSheet(f"ChartPanel {{ background: {palette.BACKGROUND}; }}")
        layout = QVBoxLayout(self)
        layout.addLayout(self.header)
        layout.addWidget(self.scope_caption)
        layout.addWidget(self.legend_label)
        layout.addWidget(self.stack, 1)
        self.setAccessibleName(self.title)
        # pyqtgraph's axes take the wheel to zoom even with zooming off, so over a chart's scale the
        # page would not scroll: wheel events are kept from the plot's items and go to the page.
        self.plot_widget.scene().installEventFilter(self)
        self.fit_height()

    def sizeHint(self) -> QSize:  # Qt override: the dashboard grid aligns panels to the top at this height
        return QSize(640, self.minimumHeight())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        # Left unaccepted, the view hands the wheel on to its parents: the page's scroll area.
        return event.type() == QEvent.Type.GraphicsSceneWheel or super().eventFilter(watched, event)

    # --- height ----------------------------------------------------------------------------------

    def set_visible_height(self, height: int | None) -> None:
        """Keep the chart, its title and legend within ``height`` px (the page's visible height), if it can be read so."""
        self.visible_height = height
        self.fit_height()

    def want_height(self, wanted: int, least: int = SHORTEST) -> None:
        """Ask for ``wanted`` px when the page has the room, and never less than ``least`` (the page scrolls then)."""
        self._wanted_height, self._least_height = wanted, least
        self.fit_height()

    def fit_height(self) -> None:
        """Set the panel's height: the wanted height, within the visible height, but never below the least."""
        height = self._wanted_height
        if self.visible_height is not None:
            height = min(height, self.visible_height)
        self.setFixedHeight(max(height, self._least_height))

    # --- for subclasses --------------------------------------------------------------------------

    def build_plot(self) -> QWidget:
        """Build the plot widget and every plot item once; return the widget."""
        raise NotImplementedError

    def draw(self, rows: list[dict[str, Any]]) -> None:
        """Update the plot items from rows (never empty here)."""
        raise NotImplementedError

    def empty_message(self, rows: list[dict[str, Any]]) -> str | None:
        """Return what to say instead of the chart when rows hold nothing to draw, else None."""
        return "Nothing recorded in this period." if not rows else None

    def set_legend(self, entries: Sequence[tuple[str, str, str]]) -> None:
        """Show a legend of (label, colour, kind) entries above the plot; kind is a key of _GLYPHS.

        A Qt label rather than pyqtgraph's LegendItem: it wraps, never covers the data, and keeps
        the projector font size.
        """
        parts = []
        for label, colour, kind in entries:
            glyph = html.escape(_GLYPHS[kind])
            # Pale colours get a dark shadow so the swatch stays visible on white.
            shadow = "text-shadow: 0 0 1px #333;" if colour in (palette.YELLOW, palette.LIGHT_GREY) else ""
            parts.append(f'<span style="color:{colour};{shadow}">{glyph}</span>&nbsp;{html.escape(label)}')
        self.legend_label.setText("&nbsp;&nbsp;&nbsp; ".join(parts))

    def scope_filters(self, start: str | None = None, end: str | None = None, **extra: Any) -> dict[str, Any]:
        """Return drill-down filters: the scope's dates (or a bucket's), units and tools, plus ``extra``."""
        assert self.scope is not None
        filters: dict[str, Any] = {
            "from": start or self.scope.date_from.isoformat(),
            "to": end or self.scope.date_to.isoformat(),
            "units": list(self.scope.units),
            "tools": list(self.scope.tools),
        }
        filters.update(extra)
        return filters

    # --- public ----------------------------------------------------------------------------------

    def show_rows(self, rows: list[dict[str, Any]], scope: Scope, bucket: str) -> None:
        """Redraw from a series' rows, or show why there is nothing to draw."""
        self.rows, self.scope, self.bucket = rows, scope, bucket
        message = self.empty_message(rows)
        if message:
            self.message_label.setText(message)
            self.stack.setCurrentWidget(self.message_label)
        else:
            self.draw(rows)
            self.stack.setCurrentWidget(self.plot_widget)

    def is_showing_message(self) -> bool:
        """Return True when the panel shows a message instead of the chart."""
        return self.stack.currentWidget() is self.message_label

    def default_file_name(self, suffix: str) -> str:
        """Return e.g. ``training-month-2026-01-01-to-2026-11-26.png``."""
        dates = f"{self.scope.date_from}-to-{self.scope.date_to}" if self.scope else "all"
        return f"{self.series_name}-{self.bucket}-{dates}.{suffix}"

    def export_png(self, path: Path | str) -> Path:
        """Write the chart (title, scope, legend and plot; no buttons) as a PNG; return the path. Raises OSError."""
        controls = [self.header.itemAt(i).widget() for i in range(1, self.header.count())]
        shown = [w for w in controls if w is not None and w.isVisible()]
        if self.scope is not None:
            by = (" · by month" if self.bucket == "month" else " · by week") if self.bucketed else ""
            self.scope_caption.setText(f"{self.scope.caption()}{by}")
        self.scope_caption.setVisible(self.scope is not None)
        for widget in shown:
            widget.setVisible(False)
        self.layout().activate()
        try:
            return write_widget_png(self, path)
        finally:
            self.scope_caption.setVisible(False)
            for widget in shown:
                widget.setVisible(True)
            self.layout().activate()

    def export_csv(self, path: Path | str) -> Path:
        """Write the rows behind the chart as CSV; return the path. Raises OSError."""
        return write_rows_csv(self.rows, path)

    def _choose_png_file(self) -> None:
        self._export_with_dialog("PNG picture (*.png)", "png", self.export_png)

    def _choose_csv_file(self) -> None:
        self._export_with_dialog("CSV file (*.csv)", "csv", self.export_csv)

    def _export_with_dialog(self, file_filter: str, suffix: str, write) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, f"Export {self.title}", str(Path.home() / self.default_file_name(suffix)), file_filter
        )
        if not path:
            return
        if not path.lower().endswith(f".{suffix}"):
            path += f".{suffix}"
        try:
            write(path)
        except OSError as exc:
            QMessageBox.warning(self, f"Export {self.title}", f"Could not save {path}: {exc}")


def set_category_ticks(axis: pg.AxisItem, labels: Sequence[str]) -> None:
    """Label positions 0, 1, 2… of a category axis with names (every one shown, none skipped)."""
    axis.setTicks([[(i, label) for i, label in enumerate(labels)], []])
    # pyqtgraph drops every label of a level whose text would fill over 80 % of the axis, judged
    # at the first, smaller layout; one name per row must always show, so allow a full axis.
    axis.setStyle(textFillLimits=[(0, 1.0)])
    if axis.orientation in ("left", "right") and labels:
        # pyqtgraph widens an axis for its labels only once it has painted them, so a chart still
        # scrolled out of view (or exported before being seen) would clip the names: size it now.
        metrics = QFontMetrics(projector_font())
        axis.setWidth(max(metrics.horizontalAdvance(label) for label in labels) + 24)


def fit_panel_height(
    panel: ChartPanel, rows: int, per_row: int = 34, chrome: int = 170, least_per_row: int = 24
) -> None:
    """Grow a category chart with its rows, ``per_row`` px each where the page's visible height has
    the room, squeezed to ``least_per_row`` (a name's line of text) where it has not: past that
    the chart grows taller than the page, which scrolls, rather than overprint its names."""
    panel.want_height(max(MIN_HEIGHT, chrome + per_row * rows), max(SHORTEST, chrome + least_per_row * rows))
