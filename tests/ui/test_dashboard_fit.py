"""The Dashboard on a ward PC's 1024x768 screen: each chart is seen whole, and the wheel over a chart scrolls the page."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtTest import QTest

from champion_desk.domain.scope import Scope

END = dt.date(2026, 12, 7)


@pytest.fixture(scope="module")
def hospital_path(tmp_path_factory):
    """Return a hospital-scale demo file: twelve units, so the unit and readiness charts are at their tallest."""
    from champion_desk.domain.demo import generate_demo
    from champion_desk.store.database import open_database

    path = tmp_path_factory.mktemp("dashboard-fit") / "hospital.db"
    database = open_database(path)
    generate_demo(database, "hospital", end=END)
    database.close()
    return path


@pytest.fixture
def hospital(hospital_path, finish_background_work):
    from champion_desk.store.database import open_database

    database = open_database(hospital_path)
    yield database
    finish_background_work()
    database.close()


def _dashboard_in_window(qtbot, database, settings, height):
    """Return the main window at 1024 x ``height`` showing the drawn dashboard (adoption included)."""
    from champion_desk.ui.context import AppContext
    from champion_desk.ui.main_window import MainWindow

    window = MainWindow(AppContext(database, Scope.last_months(12, END)), settings)
    qtbot.addWidget(window)
    window.resize(1024, height)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_page("dashboard")
    qtbot.waitUntil(lambda: not page.charts["adoption"].is_showing_message(), timeout=20000)
    qtbot.wait(50)  # the layouts settle
    return window, page


# 768: the whole screen; 700: a maximised window under a title bar and a taskbar.
@pytest.mark.parametrize("height", [768, 700])
def test_every_chart_fits_the_visible_page_at_1024x768(qtbot, hospital, settings, height):
    window, page = _dashboard_in_window(qtbot, hospital, settings, height)
    visible = page.scroll.viewport().height()
    assert visible > 300
    for name, chart in page.charts.items():
        assert chart.isVisible()
        assert chart.height() <= visible, f"the {name} chart is {chart.height()} px, the page shows {visible}"
        # Shrunk to fit, the unit names still get a line of text each.
        if name in ("units", "readiness"):
            plot = chart.plot_widget
            assert plot.height() >= 24 * len(page.rows["units"]), name
    # Scrolled to a chart's top, the whole of it is in view.
    bar = page.scroll.verticalScrollBar()
    concerns = page.charts["concerns"]
    bar.setValue(concerns.y())
    assert concerns.visibleRegion().boundingRect() == concerns.rect()


def _wheel_over(window, widget, pos: QPoint, down: bool) -> None:
    # QTest.wheelEvent goes through the window system, so the event propagates as a real wheel's does.
    QTest.wheelEvent(window.windowHandle(), QPointF(widget.mapTo(window, pos)), QPoint(0, -120 if down else 120))


def test_the_wheel_over_a_chart_scrolls_the_page_and_does_not_zoom(qtbot, hospital, settings):
    window, page = _dashboard_in_window(qtbot, hospital, settings, 768)
    bar = page.scroll.verticalScrollBar()
    for name, chart in page.charts.items():
        plot = chart.plot_widget
        # Over the plot, over its left-hand scale (which pyqtgraph zooms by) and over its bottom one.
        spots = {
            "plot": QPoint(plot.width() // 2, plot.height() // 3),
            "left scale": QPoint(20, plot.height() // 3),
            "bottom scale": QPoint(plot.width() // 2, plot.height() - 12),
        }
        for where, spot in spots.items():
            bar.setValue(chart.y() + 20)  # the chart in view, with room to scroll either way
            qtbot.wait(10)
            assert window.childAt(plot.mapTo(window, spot)) is not None
            ranges = [view.viewRange() for view in plot.scene().items() if hasattr(view, "viewRange")]
            before = bar.value()
            down = before < bar.maximum()
            _wheel_over(window, plot, spot, down)
            qtbot.wait(10)
            moved = bar.value() > before if down else bar.value() < before
            assert moved, f"the wheel over the {name} chart's {where} did not scroll the page"
            assert [view.viewRange() for view in plot.scene().items() if hasattr(view, "viewRange")] == ranges


def test_the_last_bar_s_dates_are_not_cut_at_the_chart_s_edge(qtbot, hospital, settings):
    """On the charts with no right-hand axis, the last bar's "1 Nov–7 Dec" read "1 Nov–7 De"."""
    from PySide6.QtGui import QFontMetrics

    from champion_desk.ui.charts.time_panel import TimeChartPanel

    window, page = _dashboard_in_window(qtbot, hospital, settings, 768)
    checked = 0
    for name, chart in page.charts.items():
        if not isinstance(chart, TimeChartPanel) or not chart.date_axis._tickLevels:  # noqa: SLF001
            continue
        last_value, last_text = max(t for level in chart.date_axis._tickLevels for t in level)  # noqa: SLF001
        x = chart.plot.vb.mapViewToScene(QPointF(last_value, 0)).x()
        half = QFontMetrics(chart.date_axis.style["tickFont"]).horizontalAdvance(last_text) / 2
        assert x + half <= chart.plot_widget.width(), f"{name}: {last_text!r} ends past the chart's edge"
        checked += 1
    assert checked >= 3


def test_the_wheel_over_the_readiness_tool_box_scrolls_the_page_and_keeps_the_tool(qtbot, hospital, settings):
    window, page = _dashboard_in_window(qtbot, hospital, settings, 768)
    chart = page.charts["readiness"]
    box = chart.tool_choice
    assert box.count() > 1
    bar = page.scroll.verticalScrollBar()
    bar.setValue(chart.y())
    qtbot.wait(10)
    before, tool = bar.value(), box.currentIndex()
    _wheel_over(window, box, box.rect().center(), down=before < bar.maximum())
    qtbot.wait(10)
    assert box.currentIndex() == tool
    assert bar.value() != before
