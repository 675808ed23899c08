"""Training activity: sessions and attendances per bucket, with cumulative coverage on a second axis."""

from __future__ import annotations

from typing import Any

from champion_desk.ui.charts import palette
from champion_desk.ui.charts.bars import set_line
from champion_desk.ui.charts.time_panel import TimeChartPanel


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


class TrainingChart(TimeChartPanel):
    """Bars of sessions and attendances; a line of training coverage (0–100 %) on the right axis."""

    title = "Training activity"
    series_name = "training"
    left_label = "Sessions and attendances"
    bar_words = {"sessions": "sessions held", "attendances": "attendances"}
    click_hint = "Click to list the sessions"
    empty_text = "No training sessions recorded in this period."
    empty_keys = ("sessions", "attendances", "training_coverage")

    def build_items(self) -> None:
        self.sessions = self.add_bars("sessions", palette.BLUE, self._open_sessions)
        self.attendances = self.add_bars("attendances", palette.SKY_BLUE, self._open_sessions)

        # Coverage is a share, not a count: it gets its own 0–100 % axis on the right.
        self.coverage_view = self.add_right_axis("Staff trained (coverage, %)", palette.VERMILLION)
        self.coverage_view.setYRange(0, 100, padding=0.02)
        self.coverage_line, self.coverage_points = self.add_line(palette.VERMILLION, "o", view=self.coverage_view)

        self.set_legend(
            [
                ("Sessions", palette.BLUE, "bar"),
                ("Attendances", palette.SKY_BLUE, "bar"),
                ("Coverage: staff trained so far (right axis)", palette.VERMILLION, "line"),
            ]
        )

    def draw(self, rows: list[dict[str, Any]]) -> None:
        heights = self.draw_grouped(rows, {"sessions": self.sessions, "attendances": self.attendances})
        centres, _ = self.slots(rows)
        labels = [
            f"{label}: coverage {'–' if r['training_coverage'] is None else format(r['training_coverage'], '.0%')} of staff trained"
            for label, r in zip(self.labels(rows), rows)
        ]
        set_line(
            self.coverage_line, self.coverage_points, centres, [_percent(r["training_coverage"]) for r in rows], labels
        )
        self.fit_x(rows)
        self.fit_y(max(heights))
        self.follow_main_view()

    def _open_sessions(self, index: int) -> None:
        self.drill_down_requested.emit("training", self.bucket_filters(self.rows[index]))
