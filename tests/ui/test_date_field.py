"""Typing a date the UK way lands on that day, in the field, the dialogs and the scope bar."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from champion_desk.store import records
from champion_desk.ui.widgets.fields import DateField
from tests.ui.test_dialog_base import make_dialog

MONDAY = dt.date(2026, 12, 7)


@pytest.fixture
def field(qtbot):
    widget = DateField()
    widget._today = MONDAY
    qtbot.addWidget(widget)
    widget.show()
    widget.setFocus()
    return widget


def type_over(qtbot, widget, text):
    """Select what the field shows (as Tab does) and type ``text``, then leave with Enter."""
    widget.selectAll()
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("15/03/2026", "2026-03-15"),  # gave 15 Dec 2026 in the old date box
        ("15 Mar 2026", "2026-03-15"),  # left the date unchanged and spilled "Mar 2026" onward
        ("15-03-2026", "2026-03-15"),
        ("1/2/26", "2026-02-01"),
        ("yesterday", "2026-12-06"),
        ("fri", "2026-12-04"),
    ],
)
def test_typed_dates_land_on_the_day_and_show_it_back(qtbot, field, text, expected):
    type_over(qtbot, field, text)
    assert field.value() == expected
    assert field.input_problem() is None
    assert field.text() == f"{int(expected[8:])} {dt.date.fromisoformat(expected):%b %Y}"


def test_arrows_step_a_day_and_a_week(qtbot, field):
    field.set_value("2026-03-15")
    qtbot.keyClick(field, Qt.Key.Key_Up)
    assert field.value() == "2026-03-16"
    qtbot.keyClick(field, Qt.Key.Key_PageDown)
    assert field.value() == "2026-03-09"


def test_a_day_that_does_not_exist_is_not_a_value(qtbot, field):
    type_over(qtbot, field, "31/02/2026")
    assert field.value() is None
    assert field.text() == "31/02/2026"  # kept as typed, to be corrected
    assert "There is no 31 February 2026" in field.input_problem()


def test_a_bad_date_is_shown_beside_its_field_and_nothing_is_saved(qtbot, ward_context, db):
    dialog = make_dialog(qtbot, ward_context, "incident")
    dialog.fields["theme"].widget.set_value("privacy and data")
    type_over(qtbot, dialog.fields["occurred_on"].widget, "15/13/2026")
    assert not dialog.save()
    assert "no month 13" in dialog.error_of("occurred_on")
    assert db.scalar("SELECT count(*) FROM incident") == 0
    type_over(qtbot, dialog.fields["occurred_on"].widget, "2/11/2026")
    assert dialog.save()
    assert records.get(db, "incident", dialog.saved_id)["occurred_on"] == "2026-11-02"


def test_typing_a_date_never_spills_into_the_next_field(qtbot, ward_context):
    dialog = make_dialog(qtbot, ward_context, "incident")
    description = dialog.fields["description"].widget
    type_over(qtbot, dialog.fields["occurred_on"].widget, "15 Mar 2026")
    assert description.value() is None
    assert dialog.fields["occurred_on"].widget.value() == "2026-03-15"


def test_a_future_date_is_refused_in_uk_form(qtbot, ward_context):
    dialog = make_dialog(qtbot, ward_context, "incident")
    dialog.fields["theme"].widget.set_value("privacy and data")
    dialog.fields["occurred_on"].widget.set_value(dt.date.today() + dt.timedelta(days=3))
    assert not dialog.save()
    ahead = dt.date.today() + dt.timedelta(days=3)
    assert f"({ahead.day} {ahead:%b %Y}) must not be in the future" in dialog.error_of("occurred_on")


def test_the_scope_bar_takes_typed_dates_and_shows_a_bad_one(qtbot, ward_context):
    from champion_desk.ui.scope_bar import ScopeBar

    bar = ScopeBar(ward_context)
    qtbot.addWidget(bar)
    bar.show()
    type_over(qtbot, bar.date_from, "1/9/2026")
    type_over(qtbot, bar.date_to, "30/11/2026")
    assert (ward_context.scope.date_from, ward_context.scope.date_to) == (dt.date(2026, 9, 1), dt.date(2026, 11, 30))
    type_over(qtbot, bar.date_to, "31/11/2026")
    assert "There is no 31 November 2026" in bar.error.text()
    assert ward_context.scope.date_to == dt.date(2026, 11, 30)  # not applied


def test_what_qt_formats_itself_reads_the_uk_way_whatever_the_pc_s_locale():
    """The file dialog listed a saved briefing as "8 12 2026 00:41" on a PC set to another locale."""
    import os
    import subprocess
    import sys

    script = (
        "from PySide6.QtCore import QDate, QLocale\n"
        "from champion_desk.app import make_application\n"
        "app = make_application([])\n"
        "print(QLocale().toString(QDate(2026, 12, 8), QLocale.FormatType.ShortFormat))\n"
    )
    env = {**os.environ, "LANG": "en_US.UTF-8", "LC_ALL": "en_US.UTF-8"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "08/12/2026"
