"""The Dashboard page: trend charts of training, concerns, mentoring, units and readiness for the scope.

pyqtgraph costs ~0.5 s to import, so this module does not import it: the charts (which do) are
imported and built on the first ``refresh``, i.e. when the dashboard is first shown. Every figure
comes from ``domain.series``; the charts only draw the rows (one definition of each figure).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from champion_desk.domain.scope import Scope
from champion_desk.domain.series import series_set
from champion_desk.errors import ValidationError
from champion_desk.ui.context import AppContext
from champion_desk.ui.pages.base import Page

if TYPE_CHECKING:
    from champion_desk.ui.background import BackgroundRead
    from champion_desk.ui.charts.panel import ChartPanel

log = logging.getLogger(__name__)

# The series each chart draws, in the order they are fetched and laid out.
CHART_SERIES = ("training", "concerns", "mentoring", "units", "readiness", "adoption")
# Series with one row per unit over the whole scope: the bucket does not change them.
UNBUCKETED_SERIES = ("units", "readiness")
# Read in the background after the others are drawn: at trust scale it takes ~0.5 s, the rest ~40 ms.
LATER_SERIES = ("adoption",)
BUCKETS = (("month", "By month"), ("week", "By week"))
# Below this page width three charts side by side get too narrow to read: stack them instead.
WIDE_LAYOUT_MIN_WIDTH = 1500


def read_adoption(db: Any, scope: Scope, bucket: str) -> dict[str, Any]:
    """Return what the adoption chart draws: the series rows, the comparison by preparation, the go-live days."""
    from champion_desk.domain import adoption
    from champion_desk.domain.series import series

    return {
        "rows": series(db, "adoption", scope, bucket),
        "groups": adoption.adoption_by_training(db, scope),
        "go_lives": adoption.go_lives(db, scope),
    }


def is_empty(rows_by_series: dict[str, list[dict[str, Any]]]) -> bool:
    """Return True when the scope holds no training, concerns or mentoring at all (nothing to chart)."""
    return not (
        any(r["sessions"] or r["attendances"] for r in rows_by_series["training"])
        or any(r["concerns_raised"] or r["concerns_open"] for r in rows_by_series["concerns"])
        or any(r["checkins"] or r["pairings_active"] for r in rows_by_series["mentoring"])
    )


class DashboardPage(Page):
    """Five charts over the shared scope (the scope bar above), by month or by week.

    Emits ``drill_down_requested(page_name, filters)`` when a bar is clicked: the main window
    should show that page with the filters applied on top of the shared scope. ``filters`` always
    holds "from" and "to" (ISO dates, inclusive: the clicked bucket, or the scope), "units" and
    "tools" (the scope's names; empty = all), plus what the bar stands for:

    - "training" (sessions or attendances bar): nothing more;
    - "concerns" (a theme's segment): "theme";
    - "mentoring" (check-ins bar: nothing more; stalled bar: "stalled": True);
    - "people" (a unit's bar): "unit", with "units" = [that unit];
    - "readiness" (a cell): "unit" and "tool", "from" = that pulse's date.
    """

    name = "dashboard"
    title = "Dashboard"
    uses_scope = True  # the main window shows the shared scope bar above this page

    drill_down_requested = Signal(str, dict)
    redrawn = Signal(dict)  # timings in ms: {"series_ms", "draw_ms"} after every redraw
    adoption_shown = Signal()  # the adoption chart, read after the others, is drawn

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.bucket = "month"
        self.charts: dict[str, ChartPanel] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.last_timings: dict[str, float] = {}
        # A callable to receive the SQL a redraw's second connection runs (the benchmarks set it).
        self.sql_trace = None
        self._adoption_read: BackgroundRead | None = None  # the latest, to interrupt when stale
        self._wide: bool | None = None  # the layout the charts are in (None before they exist)
        # The per-unit series of the last scope, kept so switching week/month refetches only the
        # time series; dropped whenever the data or the database changes.
        self._unbucketed: tuple[Scope, dict[str, list[dict[str, Any]]]] | None = None
        # Slots run in connection order: forget before the base class's refresh-on-change runs.
        for signal in (context.data_changed, context.database_replaced):
            signal.disconnect(self._mark_stale)
            signal.connect(self._forget_unbucketed)
            signal.connect(self._mark_stale)

        heading = QLabel(self.title, self)
        heading.setObjectName("pageTitle")
        self.scope_label = QLabel(self)
        self.scope_label.setObjectName("pageCounts")
        self.bucket_buttons = QButtonGroup(self)
        header = QHBoxLayout()
        header.addWidget(heading)
        header.addSpacing(12)
        header.addWidget(self.scope_label, 1, Qt.AlignmentFlag.AlignBottom)
        for key, label in BUCKETS:
            button = QRadioButton(label, self)
            button.setProperty("bucket", key)
            button.setAccessibleName(f"Show the charts {label.lower()}")
            button.setChecked(key == self.bucket)
            self.bucket_buttons.addButton(button)
            header.addWidget(button)
        self.bucket_buttons.buttonToggled.connect(self._on_bucket_toggled)

        self.message = QLabel(self)
        self.message.setObjectName("emptyMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.message.font()
        font.setPointSize(16)
        self.message.setFont(font)
        self.grid_host = QWidget(self)
        self.grid = QGridLayout(self.grid_host)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.grid_host)
        self.scroll.viewport().installEventFilter(self)  # its height bounds the charts' (fit_charts)
        self.body = QStackedWidget(self)
        self.body.addWidget(self.message)
        self.body.addWidget(self.scroll)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.body, 1)

    # --- behaviour -------------------------------------------------------------------------------

    def set_bucket(self, bucket: str) -> None:
        """Chart by "week" or "month" and redraw."""
        for button in self.bucket_buttons.buttons():
            if button.property("bucket") == bucket:
                button.setChecked(True)  # toggling redraws through _on_bucket_toggled

    def _on_bucket_toggled(self, button, checked: bool) -> None:
        if checked and button.property("bucket") != self.bucket:
            self.bucket = button.property("bucket")
            self.refresh()

    def refresh(self) -> None:
        """Fetch every series for the scope and redraw the charts in place (timed: series vs drawing)."""
        self._ensure_charts()
        scope = self.context.scope
        self.scope_label.setText(scope.caption())
        started = time.perf_counter()
        try:
            self.rows = self._fetch(scope)
        except ValidationError as exc:
            # E.g. a unit chosen in the scope bar was deleted meanwhile: say so rather than fail.
            self._show_message(f"The dashboard cannot show this scope: {exc.message}")
            return
        fetched = time.perf_counter()
        if is_empty(self.rows):
            self._show_message(
                f"No training, concerns or mentoring recorded for {scope.caption()} — "
                "widen the period or choose other units."
            )
        else:
            for name, chart in self.charts.items():
                if name not in LATER_SERIES:
                    chart.show_rows(self.rows[name], scope, self.bucket)
            self._load_adoption(scope)
            self.body.setCurrentWidget(self.scroll)
        drawn = time.perf_counter()
        self.last_timings = {"series_ms": (fetched - started) * 1000, "draw_ms": (drawn - fetched) * 1000}
        log.debug("dashboard redraw: series %.1f ms, drawing %.1f ms", *self.last_timings.values())
        self.redrawn.emit(dict(self.last_timings))

    def resizeEvent(self, event) -> None:  # Qt override
        super().resizeEvent(event)
        if self.charts:
            self._arrange()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if event.type() == QEvent.Type.Resize and watched is self.scroll.viewport():
            self.fit_charts()
        return super().eventFilter(watched, event)

    def fit_charts(self) -> None:
        """Keep each chart, with its title and legend, within the page's visible height.

        One wheel step shorter than the view, so that scrolling by the wheel stops at least once
        where a chart is seen whole (a chart exactly as tall as the view is whole at one position only).
        """
        step = self.scroll.verticalScrollBar().singleStep() * max(QApplication.wheelScrollLines(), 1)
        visible = self.scroll.viewport().height() - step
        for chart in self.charts.values():
            chart.set_visible_height(visible)

    def _arrange(self) -> None:
        """Lay the charts out for the page's width (only when that changes between wide and narrow).

        Wide: the three time charts side by side, so their date axes line up, and below them the
        two per-unit charts, which grow together with the number of units. Narrow: one column.
        """
        wide = self.width() >= WIDE_LAYOUT_MIN_WIDTH
        if wide == self._wide:
            return
        self._wide = wide
        for chart in self.charts.values():
            self.grid.removeWidget(chart)
        top = Qt.AlignmentFlag.AlignTop
        if wide:
            for column, name in enumerate(("training", "concerns", "mentoring")):
                self.grid.addWidget(self.charts[name], 0, 2 * column, 1, 2, top)
            self.grid.addWidget(self.charts["units"], 1, 0, 1, 3, top)
            self.grid.addWidget(self.charts["readiness"], 1, 3, 1, 3, top)
            self.grid.addWidget(self.charts["adoption"], 2, 0, 1, 6, top)
        else:
            for row, name in enumerate(CHART_SERIES):
                self.grid.addWidget(self.charts[name], row, 0, 1, 6, top)
        for column in range(6):
            self.grid.setColumnStretch(column, 1)
        self.grid.setRowStretch(len(CHART_SERIES), 1)  # spare height goes below the charts, not between them

    def _fetch(self, scope: Scope) -> dict[str, list[dict[str, Any]]]:
        """Return every chart's series rows for the scope and the page's bucket."""
        db = self.context.db
        names = [name for name in CHART_SERIES if name not in UNBUCKETED_SERIES + LATER_SERIES]
        if self._unbucketed is None or self._unbucketed[0] != scope:
            names += UNBUCKETED_SERIES
        # One call for the whole redraw, so what several series share is read once, the grouped
        # aggregates on a second connection meanwhile (trust scale, two cores: ~150 -> ~90 ms of SQL).
        rows = series_set(db, names, scope, self.bucket, concurrent=True, trace=self.sql_trace)
        if self._unbucketed is None or self._unbucketed[0] != scope:
            self._unbucketed = (scope, {name: rows.pop(name) for name in UNBUCKETED_SERIES})
        return rows | self._unbucketed[1]

    def _load_adoption(self, scope: Scope) -> None:
        """Read the adoption series, the comparison by preparation and the go-live days, then draw them.

        In the background on a connection of its own when the database is a file and no write is
        open (the result of an older scope is dropped); otherwise here.
        """
        chart = self.charts["adoption"]
        self._adoption_wanted = wanted = (scope, self.bucket)
        db = self.context.db
        if db.path is None or db.conn.in_transaction:
            self._show_adoption(wanted, read_adoption(db, scope, self.bucket))
            return
        chart.message_label.setText("Reading the tools' usage…")
        chart.stack.setCurrentWidget(chart.message_label)
        # Started once the other charts are painted (posted paints run before a zero timer):
        # the read holds the GIL in Python for ~0.5 s, and painting pyqtgraph beside it on two
        # cores took 400-800 ms instead of ~50 (measured, tests/perf 2a).
        QTimer.singleShot(0, self, lambda: self._start_adoption_read(wanted))

    def _start_adoption_read(self, wanted: tuple[Scope, str]) -> None:
        if wanted != getattr(self, "_adoption_wanted", None):
            return  # a newer scope or bucket was asked for before this read began
        from champion_desk.ui.background import start_read

        scope, bucket = wanted
        if self._adoption_read is not None and self._adoption_read.isRunning():
            # Its result would be dropped (an older scope): stop it spending the CPU the new one needs.
            self._adoption_read.interrupt()
        self._adoption_read = start_read(
            self.context.db.path,
            lambda other: read_adoption(other, scope, bucket),
            lambda found: self._show_adoption(wanted, found),
            lambda message: self._show_adoption(wanted, None, message),
        )

    def _show_adoption(self, wanted: tuple[Scope, str], found: dict[str, Any] | None, failure: str = "") -> None:
        if wanted != getattr(self, "_adoption_wanted", None) or not self.charts:
            return  # the scope or bucket changed meanwhile: a newer read is on its way
        chart = self.charts["adoption"]
        scope, bucket = wanted
        if found is None:
            chart.message_label.setText(f"The adoption chart could not be read: {failure}")
            chart.stack.setCurrentWidget(chart.message_label)
            return
        coverage = {(r["start"], r["end"]): r["training_coverage"] for r in self.rows.get("training", [])}
        self.rows["adoption"] = [
            {**r, "training_coverage": coverage.get((r["start"], r["end"]))} for r in found["rows"]
        ]
        chart.set_context(found["groups"], found["go_lives"], scope.date_to)
        chart.show_rows(self.rows["adoption"], scope, bucket)
        self.adoption_shown.emit()

    def _forget_unbucketed(self, *_: object) -> None:
        self._unbucketed = None

    def is_showing_message(self) -> bool:
        """Return True when the page shows the empty-scope message instead of the charts."""
        return self.body.currentWidget() is self.message

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.body.setCurrentWidget(self.message)

    def _ensure_charts(self) -> None:
        """Build the chart widgets once, on first use: this is where pyqtgraph gets imported."""
        if self.charts:
            return
        from champion_desk.ui.charts.adoption_chart import AdoptionChart
        from champion_desk.ui.charts.concerns_chart import ConcernsChart
        from champion_desk.ui.charts.mentoring_chart import MentoringChart
        from champion_desk.ui.charts.readiness_chart import ReadinessChart
        from champion_desk.ui.charts.training_chart import TrainingChart
        from champion_desk.ui.charts.units_chart import UnitsChart

        self.charts = {
            "training": TrainingChart(self.grid_host),
            "concerns": ConcernsChart(self.grid_host),
            "mentoring": MentoringChart(self.grid_host),
            "units": UnitsChart(self.grid_host),
            "readiness": ReadinessChart(self.grid_host),
            "adoption": AdoptionChart(self.grid_host),
        }
        self._arrange()
        self.fit_charts()
        for chart in self.charts.values():
            chart.drill_down_requested.connect(self.drill_down_requested)
