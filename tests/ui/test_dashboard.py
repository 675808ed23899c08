"""The Dashboard page: builds on demo data, redraws on a scope change, drills down, says when empty, exports."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt

from champion_desk.domain.briefing_data import merge_stubs
from champion_desk.domain.scope import Scope
from champion_desk.domain.series import series

# Every test here paints charts; guard None as the page does when it first builds them.


@pytest.fixture
def demo_context(qapp, demo_db):
    """Return an AppContext over the ward-scale demo, scoped to its last 12 months."""
    from champion_desk.ui.context import AppContext

    return AppContext(demo_db, Scope.last_months(12, dt.date.today()))


@pytest.fixture
def page(qtbot, demo_context):
    """Return a shown, drawn dashboard over the demo."""
    from champion_desk.ui.pages.dashboard import DashboardPage

    dashboard = DashboardPage(demo_context)
    qtbot.addWidget(dashboard)
    dashboard.resize(1600, 1000)
    dashboard.show()
    qtbot.waitExposed(dashboard)
    dashboard.on_shown()
    return dashboard


def _heights(bars) -> list[float]:
    return [float(v) for v in bars.opts["height"]]


def _assert_drawn_from_series(page, scope: Scope, bucket: str) -> None:
    """Every chart's plot items hold exactly the domain series' figures for the scope (edge stubs merged)."""
    db = page.context.db
    training = merge_stubs(series(db, "training", scope, bucket), bucket)  # a stub edge is merged, as in the briefing
    assert _heights(page.charts["training"].sessions) == [r["sessions"] for r in training]
    assert _heights(page.charts["training"].attendances) == [r["attendances"] for r in training]
    _, coverage = page.charts["training"].coverage_line.getData()
    expected = [100 * r["training_coverage"] if r["training_coverage"] is not None else None for r in training]
    assert [None if c != c else pytest.approx(c) for c in coverage] == expected  # NaN marks an empty figure

    concerns = merge_stubs(series(db, "concerns", scope, bucket), bucket)  # a stub edge is merged, as in the briefing
    for theme, bars in page.charts["concerns"].theme_bars.items():
        assert _heights(bars) == [r["concerns_by_theme"][theme] for r in concerns]
    _, backlog = page.charts["concerns"].backlog_line.getData()
    assert list(backlog) == [r["concerns_open"] for r in concerns]

    mentoring = merge_stubs(series(db, "mentoring", scope, bucket), bucket)  # a stub edge is merged, as in the briefing
    assert _heights(page.charts["mentoring"].checkins) == [r["checkins"] for r in mentoring]
    assert _heights(page.charts["mentoring"].stalled) == [r["stalled_pairings"] for r in mentoring]
    _, active = page.charts["mentoring"].active_line.getData()
    assert list(active) == [r["pairings_active"] for r in mentoring]

    units = series(db, "units", scope, bucket)
    widths = sorted(float(w) for w in page.charts["units"].coverage_bars.opts["width"])
    assert widths == sorted(pytest.approx(100 * (r["training_coverage"] or 0)) for r in units)


def test_dashboard_builds_offscreen_with_demo_data(page, qtbot):
    assert set(page.charts) == {"training", "concerns", "mentoring", "units", "readiness", "adoption"}
    assert not page.is_showing_message()
    # The adoption chart is read in the background after the others: it says so until it is drawn.
    qtbot.waitUntil(lambda: not page.charts["adoption"].is_showing_message(), timeout=20000)
    assert not any(chart.is_showing_message() for chart in page.charts.values())
    _assert_drawn_from_series(page, page.context.scope, "month")
    assert page.last_timings["series_ms"] >= 0 and page.last_timings["draw_ms"] >= 0


def test_scope_change_redraws_every_chart_from_the_series(page):
    before = _heights(page.charts["training"].attendances)
    scope = Scope.last_months(3, dt.date.today())
    page.context.set_scope(scope)  # the page is visible, so it redraws at once
    assert _heights(page.charts["training"].attendances) != before
    _assert_drawn_from_series(page, scope, "month")


def test_switching_to_weeks_redraws_by_week(page):
    page.set_bucket("week")
    assert page.bucket == "week"
    _assert_drawn_from_series(page, page.context.scope, "week")
    assert len(_heights(page.charts["training"].sessions)) >= 52


def test_clicking_a_concern_bar_asks_for_that_theme_and_month(page, qtbot):
    chart = page.charts["concerns"]
    rows = chart.rows
    theme, index = next((t, i) for i, r in enumerate(rows) for t, n in r["concerns_by_theme"].items() if n)
    bars = chart.theme_bars[theme]
    view = chart.plot_widget
    point = view.mapFromScene(bars.mapToScene(bars.bar_centre(index)))
    with qtbot.waitSignal(page.drill_down_requested, timeout=2000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == [
        "concerns",
        {
            "from": rows[index]["start"],
            "to": rows[index]["end"],
            "units": [],
            "tools": [],
            "theme": theme,
        },
    ]


def test_bars_tell_their_bucket_and_value_on_hover(page):
    chart = page.charts["training"]
    index = 1  # a whole month: the 12-month scope clips the first and the last
    row = chart.rows[index]
    tip = chart.sessions._tip(index)
    assert dt.date.fromisoformat(row["start"]).strftime("%B %Y") in tip
    assert f"{row['sessions']} sessions held" in tip
    assert "(part of the month)" in chart.sessions._tip(0) or chart.rows[0]["start"].endswith("-01")


def test_clicking_a_unit_asks_for_its_people(page, qtbot):
    chart = page.charts["units"]
    with qtbot.waitSignal(page.drill_down_requested) as blocker:
        chart.coverage_bars.bar_clicked.emit(0)
    name, filters = blocker.args
    assert name == "people" and filters["unit"] == chart.rows[0]["unit"] and filters["units"] == [chart.rows[0]["unit"]]


def test_empty_scope_shows_a_message_not_empty_axes(qtbot, context):
    from champion_desk.ui.pages.dashboard import DashboardPage

    page = DashboardPage(context)
    qtbot.addWidget(page)
    page.show()
    page.on_shown()
    assert page.is_showing_message()
    text = page.message.text()
    assert text.startswith("No training, concerns or mentoring recorded for ")
    assert context.scope.caption() in text and "widen the period or choose other units" in text


def test_export_png_and_csv_write_files(page, tmp_path):
    chart = page.charts["concerns"]
    png = chart.export_png(tmp_path / "concerns.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    written = chart.export_csv(tmp_path / "concerns.csv")
    with written.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(chart.rows)
    assert rows[0]["start"] == chart.rows[0]["start"]
    assert int(rows[0]["concerns_by_theme.job security"]) == chart.rows[0]["concerns_by_theme"]["job security"]


def test_the_dashboard_module_does_not_import_pyqtgraph():
    code = "import sys, champion_desk.ui.pages.dashboard; print('pyqtgraph' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_clicking_a_bar_under_a_right_axis_view_still_drills_down(page, qtbot):
    # The training chart lays its coverage view over the bars: a click must reach them.
    chart = page.charts["training"]
    index = max(range(len(chart.rows)), key=lambda i: chart.rows[i]["attendances"])
    bars = chart.attendances
    view = chart.plot_widget
    point = view.mapFromScene(bars.mapToScene(bars.bar_centre(index)))
    with qtbot.waitSignal(page.drill_down_requested, timeout=2000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args[0] == "training"
    assert (blocker.args[1]["from"], blocker.args[1]["to"]) == (chart.rows[index]["start"], chart.rows[index]["end"])


def test_readiness_shows_one_tool_at_a_time_with_every_tool_offered(page):
    chart = page.charts["readiness"]
    tools = {r["tool"] for r in chart.rows}
    if len(tools) < 2:
        pytest.skip("the demo pulsed one tool only")
    shown = {r["tool"] for r in chart.shown_rows}
    assert len(shown) == 1
    offered = {chart.tool_choice.itemData(i) for i in range(chart.tool_choice.count())}
    assert offered == tools | {""}
    chart.tool_choice.setCurrentIndex(chart.tool_choice.findData(""))
    chart.tool_choice.activated.emit(chart.tool_choice.currentIndex())
    assert len(chart.shown_rows) == len(chart.rows)


def test_a_data_change_redraws_the_unit_charts_too(page):
    from champion_desk.store import records

    page.set_bucket("week")  # fills the per-unit cache for this scope
    unit = records.insert(page.context.db, "unit", {"name": "Zz New Ward"}, "test")
    records.insert(page.context.db, "staff", {"display_name": "Ada New", "unit_id": unit}, "test")
    page.context.notify_changed("staff")
    assert "Zz New Ward" in [r["unit"] for r in page.charts["units"].rows]
