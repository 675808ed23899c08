"""Training → use: training coverage and adoption over time, go-live marked, and adoption by how staff were prepared."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from champion_desk.domain.privacy import DEFAULT_K, Suppressor
from champion_desk.ui.charts import palette
from champion_desk.ui.charts.bars import set_line
from champion_desk.ui.charts.panel import projector_font
from champion_desk.ui.charts.time_panel import TimeChartPanel


def _position(day: str) -> float:
    # Where the date axis puts a day: its local midnight, as TimeChartPanel places the buckets.
    d = dt.date.fromisoformat(day)
    return dt.datetime(d.year, d.month, d.day).timestamp()


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


def comparison_html(groups: list[dict[str, Any]], on: str, k: int = DEFAULT_K) -> str:
    """Return the line comparing adoption by how colleagues were prepared, small groups suppressed.

    A group's share is hidden when its size, its users or its non-users are fewer than ``k``
    (privacy.Suppressor.share); its size then prints as privacy rules allow.
    """
    rules = Suppressor(k)
    parts = []
    for g in groups:
        n, active = g["usage_eligible"], g["usage_active"]
        cell = rules.share(active, n)
        size = rules.count(n).text
        if not n:
            text = "nobody"
        elif cell.suppressed:
            text = f"{cell.text} ({size} colleague{'s' if n != 1 else ''})"
        else:
            text = f"<b>{cell.text}</b> of {size}"
        parts.append(f"{html.escape(g['group'])}: {text}")
    return f"Using it in the 4 weeks to {html.escape(on)}, by how colleagues were prepared — " + " · ".join(parts)


class AdoptionChart(TimeChartPanel):
    """Coverage (staff trained) and adoption (eligible staff using the tool) on one 0–100 % axis."""

    title = "Training → use"
    series_name = "adoption"
    left_label = "Share of staff (%)"
    empty_text = (
        "No use of a tool imported for this scope. File › Import usage… reads the usage export "
        "a tool's vendor or the EHR provides."
    )
    empty_keys = ("usage_eligible",)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.go_lives: list[dict[str, Any]] = []
        self.k = DEFAULT_K
        self.comparison = QLabel(self)
        self.comparison.setFont(projector_font(palette.LEGEND_POINT_SIZE))
        self.comparison.setWordWrap(True)
        self.comparison.setTextFormat(Qt.TextFormat.RichText)
        self.comparison.setAccessibleName("Adoption by how colleagues were prepared")
        self.layout().insertWidget(3, self.comparison)  # under the legend, above the plot

    def build_items(self) -> None:
        self.plot.setYRange(0, 100, padding=0.02)
        self.coverage_line, self.coverage_points = self.add_line(palette.VERMILLION, "o")
        self.adoption_line, self.adoption_points = self.add_line(palette.BLUE, "s", dashed=True)
        self.markers: list[pg.InfiniteLine] = []
        self.set_legend(
            [
                ("Coverage: staff trained so far", palette.VERMILLION, "line"),
                ("Adoption: eligible staff using it in the last 4 weeks", palette.BLUE, "dashed"),
                ("Go-live", palette.BLACK, "dashed"),
            ]
        )

    def set_context(
        self, groups: list[dict[str, Any]], go_lives: list[dict[str, Any]], on: dt.date, k: int = DEFAULT_K
    ) -> None:
        """Set what the chart shows beside the series: the comparison by preparation and the go-live days."""
        self.go_lives, self.k = go_lives, k
        self.comparison.setText(comparison_html(groups, f"{on.day} {on:%b %Y}", k))
        self.comparison.setVisible(any(g["usage_eligible"] for g in groups))

    def draw(self, rows: list[dict[str, Any]]) -> None:
        rules = Suppressor(self.k)
        centres, _ = self.slots(rows)
        labels = self.labels(rows)
        coverage = [_percent(r.get("training_coverage")) for r in rows]
        shares = [rules.share(r["usage_active"], r["usage_eligible"]) for r in rows]
        # A share small counts could be worked back from leaves a gap, as in the briefing.
        adoption = [None if c.suppressed or c.value is None else c.value * 100 for c in shares]
        set_line(
            self.coverage_line,
            self.coverage_points,
            centres,
            coverage,
            [
                f"{label}: coverage {'–' if v is None else format(v / 100, '.0%')} of staff trained"
                for label, v in zip(labels, coverage)
            ],
        )
        set_line(
            self.adoption_line,
            self.adoption_points,
            centres,
            adoption,
            [
                f"{label}: adoption {c.text} ({r['usage_active']} of {r['usage_eligible']} eligible)"
                if not c.suppressed
                else f"{label}: adoption {c.text}"
                for label, c, r in zip(labels, shares, rows)
            ],
        )
        for marker in self.markers:
            self.plot.removeItem(marker)
        self.markers = []
        for g in self.go_lives:
            marker = pg.InfiniteLine(
                pos=_position(g["date"]),
                angle=90,
                movable=False,
                pen=pg.mkPen(palette.BLACK, width=2, style=Qt.PenStyle.DashLine),
                label=g["label"],
                labelOpts={"position": 0.93, "color": palette.TEXT, "anchors": [(0, 0), (0, 0)]},
            )
            self.plot.addItem(marker)
            self.markers.append(marker)
        self.fit_x(rows)
        self.plot.setYRange(0, 100, padding=0.02)
