"""The main window: pages, navigation, --page, last page, delete/undo, search, scope, countersign."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from champion_desk.domain.scope import Scope
from champion_desk.store import records
from champion_desk.ui import workers
from champion_desk.ui.main_window import PAGE_NAMES, MainWindow
from tests.factories import session_values
from tests.ui.signing_helpers import SignAnswers


def _sessions(context, ward, n=3):
    ids = []
    for day in range(n):  # n <= 3
        ids.append(
            records.insert(
                context.db,
                "training_session",
                session_values(
                    ward,
                    held_on=f"2026-11-{10 + day:02d}",
                    topic=("Alpha drill", "Bravo handover", "Charlie audit")[day],
                ),
                "t",
            )
        )
    return ids


def test_every_page_builds_on_an_empty_database(qtbot, context, settings):
    win = MainWindow(context, settings)
    qtbot.addWidget(win)
    win.show()
    for name in PAGE_NAMES:
        page = win.show_page(name)
        assert win.stack.currentWidget() is page
        assert win.current_page_name() == name
        assert page.accessibleName()
    assert win.nav.count() == len(PAGE_NAMES)


def test_the_navigation_and_the_page_option_share_one_page_list(qtbot, context, settings):
    from champion_desk import navigation
    from champion_desk.cli import build_parser

    win = MainWindow(context, settings)
    qtbot.addWidget(win)
    titles = [win.nav.item(row).text() for row in range(win.nav.count())]
    assert titles == [p.title for p in navigation.PAGES]
    page_option = next(a for a in build_parser(with_commands=False)._actions if "--page" in a.option_strings)
    assert list(page_option.choices) == [p.name for p in navigation.PAGES]


def test_page_icons_are_sharp_at_any_scale_and_light_when_selected(qtbot, context, settings):
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QColor, QIcon

    from champion_desk.ui.main_window import ICON_COLOUR, nav_icon

    icon = nav_icon("home", QColor("#ffffff"))
    for scale in (1.0, 1.5, 2.0):
        pixmap = icon.pixmap(QSize(20, 20), scale)
        assert pixmap.width() == round(20 * scale) and pixmap.devicePixelRatio() == scale

    def colours(mode):
        image = icon.pixmap(QSize(40, 40), 1.0, mode).toImage()
        return {
            image.pixelColor(x, y).name() for x in range(40) for y in range(40) if image.pixelColor(x, y).alpha() == 255
        }

    assert ICON_COLOUR.lower() in colours(QIcon.Mode.Normal)
    assert "#ffffff" in colours(QIcon.Mode.Selected) and ICON_COLOUR.lower() not in colours(QIcon.Mode.Selected)


def test_every_page_builds_on_demo_data(qtbot, demo_db, settings):
    from champion_desk.ui.context import AppContext

    win = MainWindow(AppContext(demo_db), settings)
    qtbot.addWidget(win)
    win.show()
    for name in PAGE_NAMES:
        page = win.show_page(name)
        if hasattr(page, "records"):
            assert page.records.model.rowCount() > 0, name
            assert page.counts.text()


def test_last_page_is_remembered(qtbot, window, settings):
    window.show_page("concerns")
    assert settings.last_page == "concerns"
    window.nav.setCurrentRow(PAGE_NAMES.index("people"))
    assert settings.last_page == "people"


def test_scope_bar_only_on_pages_that_list_by_period(window):
    window.show_page("training")
    assert window.scope_bar.isVisible()
    window.show_page("home")
    assert not window.scope_bar.isVisible()


def test_the_scope_bar_waits_for_the_first_list_page_and_brings_the_remembered_period(qtbot, ward_context, settings):
    from champion_desk.ui.scope_bar import ScopeBar

    settings.scope_preset = "3m"
    win = MainWindow(ward_context, settings)
    qtbot.addWidget(win)
    win.show()
    win.show_page("home")
    assert win.findChild(ScopeBar) is None  # Home does not use it: a start on Home does without it
    briefing = win.show_page("briefing")  # reads the shared scope: the bar is built, then shown
    assert (ward_context.scope.date_to - ward_context.scope.date_from).days < 95
    assert win.scope_bar.isVisible() and win.scope_bar.preset() == "3m"
    # Showing it makes its preview in a thread on this test's connection: wait for that, or the
    # test ends with the thread still querying a connection about to be closed.
    briefing._operation.wait()
    win.show_page("training")
    assert win.scope_bar.isVisible() and win.scope_bar.preset() == "3m"
    win.show_page("home")
    assert not win.scope_bar.isVisible()
    assert not workers._RUNNING  # no work of this test outlives it


def test_delete_then_undo(qtbot, window, ward):
    ids = _sessions(window.context, ward)
    page = window.show_page("training")
    assert page.records.model.rowCount() == 3
    page.records.select_ids([ids[1]])
    page.records.view.setFocus()
    qtbot.keyClick(page.records.view, Qt.Key.Key_Delete)
    assert page.records.model.rowCount() == 2
    assert records.get(window.context.db, "training_session", ids[1], include_deleted=True)["deleted_at"]
    assert window.undo_button.isVisibleTo(window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.records.model.rowCount() == 3
    assert records.get(window.context.db, "training_session", ids[1])["deleted_at"] is None
    assert not window.undo_button.isVisibleTo(window)
    actions = [
        r["action"]
        for r in window.context.db.query("SELECT action FROM audit WHERE record_id = ? ORDER BY at", (ids[1],))
    ]
    assert actions == ["create", "delete", "undelete"]


def test_search_filters_the_list_and_counts_say_so(qtbot, window, ward):
    _sessions(window.context, ward)
    page = window.show_page("training")
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    qtbot.keyClicks(page.search, "bravo")
    assert page.records.proxy.rowCount() == 1
    assert "1 shown" in page.counts.text()
    page.search.clear()
    assert page.records.proxy.rowCount() == 3


def test_scope_change_reloads_the_list(qtbot, window, ward):
    _sessions(window.context, ward)
    page = window.show_page("training")
    window.context.set_scope(Scope(dt.date(2026, 11, 11), dt.date(2026, 11, 30)))
    assert page.records.model.rowCount() == 2
    window.context.set_scope(Scope(dt.date(2026, 11, 1), dt.date(2026, 11, 30), tools=("Other tool",)))
    assert page.records.model.rowCount() == 0


def test_concerns_list_never_shows_who_raised_them(window, ward):
    records.insert(
        window.context.db,
        "incident",
        {
            "tool_id": ward["tool"],
            "unit_id": ward["unit"],
            "raised_by": ward["a"],
            "occurred_on": "2026-11-01",
            "theme": "job security",
        },
        "t",
    )
    page = window.show_page("concerns")
    model = page.records.model
    shown = {model.data(model.index(0, c)) for c in range(model.columnCount())}
    assert "Nguyễn Thị Mai" not in shown
    assert "raised_by" not in model.row(0)
    assert "1 concern, 1 open" in page.counts.text()


def test_manager_countersigns_but_not_their_own(qtbot, window, ward, messages):
    from champion_desk.ui.user_picker import find_user

    ids = _sessions(window.context, ward, 2)
    own = records.insert(
        window.context.db,
        "training_session",
        session_values(ward, trainer_id=ward["manager"], held_on="2026-11-15"),
        "t",
    )
    page = window.show_page("training")
    assert not page.countersign_button.isVisible()
    window.context.set_user(find_user(window.context.db, ward["manager"]))
    assert page.countersign_button.isVisible()
    page.records.select_ids([own])
    answers = SignAnswers()  # refused before any PIN is asked
    assert page.countersign_selected() == 0
    assert answers.titles == []
    assert messages and "own trainer" in messages[-1][2]
    page.records.view.clearSelection()
    page.records.select_ids(ids)
    answers = SignAnswers("")  # the manager has no signing PIN: signed unverified
    assert page.countersign_selected() == 2
    assert answers.titles == ["Countersign as Łukasz Nowak"]
    page.countersign_filter.setCurrentIndex(1)  # awaiting countersign
    assert [r["id"] for r in page.records.proxy.visible_rows()] == [own]
    signed = window.context.db.query("SELECT verified_by FROM training_session WHERE id IN (?, ?)", ids)
    assert {r["verified_by"] for r in signed} == {ward["manager"]}
    states = window.context.db.query("SELECT verified_signature FROM training_session WHERE id IN (?, ?)", ids)
    assert {r["verified_signature"] for r in states} == {"unverified"}


def test_people_page_shows_a_colleagues_raised_concerns_only_there(window, ward):
    records.insert(
        window.context.db,
        "incident",
        {
            "tool_id": ward["tool"],
            "unit_id": ward["unit"],
            "raised_by": ward["a"],
            "occurred_on": "2026-11-01",
            "theme": "workload and time",
        },
        "t",
    )
    page = window.show_page("people")
    page.records.select_ids([ward["a"]])
    text = page.panel.toPlainText()
    assert "Nguyễn Thị Mai" in text and "workload and time" in text
    page.records.view.clearSelection()
    page.records.select_ids([ward["b"]])
    assert "workload and time" not in page.panel.toPlainText()


def test_layout_is_remembered(qtbot, ward_context, settings, ward):
    win = MainWindow(ward_context, settings)
    qtbot.addWidget(win)
    win.show()
    page = win.show_page("training")
    page.records.view.setColumnWidth(1, 211)
    win.close()
    again = MainWindow(ward_context, settings)
    qtbot.addWidget(again)
    assert again.show_page("training").records.view.columnWidth(1) == 211


def test_empty_lists_say_what_to_do(qtbot, context, settings):
    win = MainWindow(context, settings)
    qtbot.addWidget(win)
    win.show()
    home = win.show_page("home")
    assert home.getting_started.isVisible()
    page = win.show_page("stories")
    assert page.records.empty_label.isVisible() and "New story" in page.records.empty_label.text()


def test_units_dialog_lists_and_deletes_units(qtbot, window, ward):
    from champion_desk.ui.pages.people import UnitsDialog

    page = window.show_page("people")
    dialog = UnitsDialog(window.context, window.deletions, page)
    qtbot.addWidget(dialog)
    assert dialog.table.model.rowCount() == 1 and dialog.table.model.row(0)["staff"] == 4
    dialog.table.select_ids([ward["unit"]])
    assert dialog.table.delete_selected()
    assert dialog.table.model.rowCount() == 0
    window.undo()
    assert dialog.table.model.rowCount() == 1


def test_scope_preset_is_remembered(qtbot, ward_context, settings):
    win = MainWindow(ward_context, settings)
    qtbot.addWidget(win)
    win.scope_bar.set_preset("3m")
    assert settings.scope_preset == "3m"
    again = MainWindow(ward_context, settings)
    qtbot.addWidget(again)
    assert again.scope_bar.preset() == "3m"
    assert (ward_context.scope.date_to - ward_context.scope.date_from).days < 95


def test_home_items_open_their_record(qtbot, window, ward, monkeypatch):
    from champion_desk.ui import main_window as module

    records.insert(
        window.context.db,
        "incident",
        {"tool_id": ward["tool"], "unit_id": ward["unit"], "occurred_on": "2020-01-01", "theme": "other"},
        "t",
    )
    opened = []
    monkeypatch.setattr(
        module,
        "open_record",
        lambda context, parent, table, record_id=None, prefill=None: opened.append((table, record_id)),
    )
    home = window.show_page("home")
    home.load_attention()
    group = home.tree.topLevelItem(0)
    item = group.child(0)
    home.tree.setCurrentItem(item)
    qtbot.keyClick(home.tree, Qt.Key.Key_Return)
    assert opened and opened[0][0] == "incident"


def test_every_control_has_an_accessible_name(qtbot, window):
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit

    names = ("home", "training", "concerns", "mentoring", "stories", "readiness", "people", "tools")
    missing = []
    for name in names:
        page = window.show_page(name)
        for kind in (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QAbstractSpinBox):
            for control in page.findChildren(kind):
                if isinstance(control, QLineEdit) and isinstance(control.parent(), (QComboBox, QAbstractSpinBox)):
                    continue  # the editor inside a combo box or date edit: the outer control is named
                if not control.focusPolicy() & Qt.FocusPolicy.TabFocus or control.window() is not window:
                    continue  # not reachable by Tab, or inside a combo box's pop-up
                if not (control.accessibleName() or (isinstance(control, QAbstractButton) and control.text())):
                    missing.append(f"{name}: {type(control).__name__} {control.objectName()}")
    for control in window.scope_bar.findChildren(QComboBox) + window.scope_bar.findChildren(QAbstractSpinBox):
        if not control.accessibleName():
            missing.append(f"scope bar: {type(control).__name__}")
    assert not missing, missing


def test_new_record_is_selected_or_explained(qtbot, window, ward, monkeypatch):
    from champion_desk.ui.dialogs import registry

    held = iter(["2026-11-20", "2019-01-01"])

    def fake_dialog(context, table, record_id=None, prefill=None, parent=None):
        assert table == "training_session" and prefill == {"trainer_id": ward["champion"]}
        saved = records.insert(context.db, table, session_values(ward, held_on=next(held)), context.actor)
        context.notify_changed(table)  # as the real dialogs do after saving
        return saved

    monkeypatch.setattr(registry, "open_record_dialog", fake_dialog)
    page = window.show_page("training")
    window.context.set_scope(Scope(dt.date(2026, 1, 1), dt.date(2026, 11, 26)))
    messages = []
    window.context.status_message.connect(messages.append)
    first = page.records.new_record()
    qtbot.waitUntil(lambda: page.records.selected_ids() == [first])
    page.records.new_record()
    qtbot.waitUntil(lambda: any("outside the period" in m for m in messages))


def test_needs_attention_keeps_counts_in_view_without_a_sideways_scroll(qtbot, window):
    from champion_desk.domain.attention import Group, Item

    home = window.show_page("home")
    window.resize(1000, 700)
    # The page's own read shows its groups when it ends; let it end first.
    qtbot.waitUntil(lambda: home.tree.topLevelItemCount() and "·" in home.tree.topLevelItem(0).text(0), timeout=5000)
    long = "Mentoring pairings stalled (30 days without a check-in) on a ward whose name is long"
    home.show_attention(
        [Group("stalled", long, 1234, [Item("pairing", "p1", "Someone mentoring someone else " * 4, "Ward " * 10)])]
    )
    qtbot.wait(10)
    top = home.tree.topLevelItem(0)
    assert top.text(0).startswith("1,234 · ") and top.toolTip(0) == f"{long}: 1,234"
    assert top.child(0).toolTip(0).startswith("Someone mentoring")
    header = home.tree.header()
    assert header.sectionSize(0) + header.sectionSize(1) <= home.tree.viewport().width()


def test_ctrl_5_logs_an_idea_and_the_ideas_page_deletes_and_undoes_by_keyboard(qtbot, window, ward, monkeypatch):
    from champion_desk.domain.ideas import save_idea

    opened = []
    monkeypatch.setattr(window, "quick_log", lambda table: opened.append(table))
    action = next(
        a
        for m in window.menuBar().actions()
        if m.text() == "&Log"
        for a in m.menu().actions()
        if a.shortcut().toString() == "Ctrl+5"
    )
    action.trigger()
    assert opened == ["idea"] and action.text() == "Log an idea…"
    db = window.context.db
    ids = [
        save_idea(db, {"unit_id": ward["unit"], "raised_on": dt.date.today().isoformat(), "title": t}, "t")
        for t in ("Card by each PC", "Headsets")
    ]
    page = window.show_page("ideas")
    assert page.records.model.rowCount() == 2
    page.records.select_ids([ids[0]])
    page.records.view.setFocus()
    qtbot.keyClick(page.records.view, Qt.Key.Key_Delete)
    assert page.records.model.rowCount() == 1
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.records.model.rowCount() == 2
    assert records.get(db, "idea", ids[0])["deleted_at"] is None


def test_every_page_in_the_navigation_has_its_icon():
    from champion_desk.paths import resource_path
    from champion_desk.ui.main_window import PAGES

    missing = [spec.name for spec in PAGES if not resource_path("icons", f"{spec.name}.svg").exists()]
    assert not missing, f"pages without an icon in resources/icons: {missing}"


@pytest.mark.parametrize(
    ("key", "today", "expected"),
    [
        ("1mw", dt.date(2026, 12, 8), (dt.date(2026, 11, 1), dt.date(2026, 11, 30))),
        ("3mw", dt.date(2026, 12, 8), (dt.date(2026, 9, 1), dt.date(2026, 11, 30))),
        ("3mw", dt.date(2026, 3, 1), (dt.date(2025, 12, 1), dt.date(2026, 2, 28))),
        ("1mw", dt.date(2026, 1, 15), (dt.date(2025, 12, 1), dt.date(2025, 12, 31))),
    ],
)
def test_whole_month_periods_are_the_months_a_briefing_made_today_covers(key, today, expected):
    """A manager compared the Concerns list (last 3 months, to today) with the PDF (whole months) and
    found different counts: these periods are the briefing's own."""
    from champion_desk.domain.privacy import meeting_scope
    from champion_desk.domain.scope import Scope
    from champion_desk.ui.scope_bar import preset_dates

    assert preset_dates(key, today) == expected
    months = int(key[0])
    briefing = meeting_scope(Scope(today - dt.timedelta(days=round(months * 30.44) - 1), today))
    assert (briefing.date_from, briefing.date_to) == expected
