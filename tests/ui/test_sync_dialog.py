"""File › Sync with folder…: the status model alone, and the dialog syncing the app's own logbook."""

from __future__ import annotations

from PySide6.QtCore import Qt

from champion_desk.exchange.sync import WardStatus, sync_folder
from champion_desk.store import records
from champion_desk.store.database import open_database
from champion_desk.ui.sync_dialog import STALE_COLOUR, SyncDialog, SyncStatusTableModel, _rows, synced_ago


def _status(name: str, days: int | None, stale: bool, this: bool = False) -> WardStatus:
    return WardStatus(
        f"id-{name}", name, "PC-1", None if days is None else "2026-12-01T10:00:00Z", None, 12, this, days, stale
    )


def test_the_model_says_how_long_ago_and_colours_stale_wards_red(qapp):
    model = SyncStatusTableModel()
    model.set_rows(
        _rows([_status("Cedar", 0, False, this=True), _status("Birch", 9, True), _status("Ash", None, True)])
    )
    texts = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    assert texts[0][:3] == ["Cedar (this logbook)", "PC-1", "today"]
    assert texts[1][2] == "9 days ago" and texts[2][2] == "never"
    assert model.index(0, model.COL_DAYS_AGO).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(1, model.COL_DAYS_AGO).data(Qt.ItemDataRole.ForegroundRole).color() == STALE_COLOUR
    assert [synced_ago(d) for d in (0, 1, 2)] == ["today", "1 day ago", "2 days ago"]


def test_the_dialog_syncs_the_open_logbook_and_lists_the_wards(qtbot, ward_context, tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    other = tmp_path / "birch" / "desk.db"
    other.parent.mkdir()
    with open_database(other) as db:
        records.insert(db, "unit", {"name": "Birch Ward"}, "t")
        sync_folder(db, folder, "t")
    dialog = SyncDialog(ward_context)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 0 and "never synced" in dialog.summary.text()
    dialog.folder.setText(str(folder))
    with qtbot.waitSignal(ward_context.data_changed):
        dialog.sync()
    assert records.find(ward_context.db, "unit", name="Birch Ward")
    wards = [dialog.model.row(r)["ward_name"] for r in range(dialog.model.rowCount())]
    assert wards[0] == dialog.ward.text() and "Birch Ward" in wards
    assert "merged" in dialog.log.toPlainText() and "rows came across" in dialog.log.toPlainText()


def test_the_folder_is_remembered_on_this_pc(qtbot, ward_context, tmp_path, settings):
    folder = tmp_path / "usb"
    folder.mkdir()
    dialog = SyncDialog(ward_context, settings=settings)
    qtbot.addWidget(dialog)
    assert dialog.folder.text() == ""
    dialog.folder.setText(str(folder))
    dialog.sync()
    again = SyncDialog(ward_context, settings=settings)
    qtbot.addWidget(again)
    assert again.folder.text() == str(folder)


def test_the_file_menu_opens_it(window):
    file_menu = window.menuBar().actions()[0].menu()
    assert "S&ync with folder…" in [a.text() for a in file_menu.actions()]


def test_cancel_says_what_was_kept(qtbot, ward_context, tmp_path, monkeypatch, messages):
    from champion_desk.ui import workers

    folder = tmp_path / "usb"
    folder.mkdir()
    real = workers.run_with_progress

    def cancelled_at_once(*args, **kwargs):
        operation = real(*args, **kwargs)
        operation.cancel()  # what the Cancel button does
        return operation

    monkeypatch.setattr(workers, "run_with_progress", cancelled_at_once)
    dialog = SyncDialog(ward_context)
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(folder))
    dialog.sync()
    assert messages[-1][0] == "information" and "stay merged" in messages[-1][2]


def test_home_says_where_the_wards_stand_once_this_logbook_has_synced(qtbot, window, tmp_path):
    import datetime as dt

    home = window.show_page("home")
    home.show_sync_status()
    assert not home.sync_line.isVisible()  # never synced: nothing to say
    folder = tmp_path / "usb"
    folder.mkdir()
    sync_folder(window.context.db, folder, "t", ward_name="Ward 7")
    home.show_sync_status()
    assert home.sync_line.isVisible() and "1 ward logbook known" in home.sync_line.text()
    assert "#d13438" not in home.sync_line.text()
    home.show_sync_status(today=dt.date.today() + dt.timedelta(days=30))
    assert "not synced for over 7 days: Ward 7 (30 days ago)" in home.sync_line.text()
    assert "#d13438" in home.sync_line.text()  # red, as in the Sync dialog


def test_a_ward_that_syncs_opens_on_its_own_unit(qapp, tmp_path):
    from champion_desk.store import records
    from champion_desk.store.database import open_database
    from champion_desk.ui.context import AppContext, default_scope

    folder = tmp_path / "usb"
    folder.mkdir()
    other = tmp_path / "birch.db"
    with open_database(other) as birch:
        records.insert(birch, "unit", {"name": "Birch Ward"}, "t")
        sync_folder(birch, folder, "t")
    mine = tmp_path / "mine.db"
    with open_database(mine) as db:
        records.insert(db, "unit", {"name": "Ward 7"}, "t")
        assert default_scope(db).units == ()
        sync_folder(db, folder, "t")
        assert {u["name"] for u in records.find(db, "unit")} == {"Ward 7", "Birch Ward"}
        assert default_scope(db).units == ("Ward 7",)
        assert AppContext(db).scope.units == ("Ward 7",)


def test_with_the_passphrase_the_snapshot_is_encrypted(qtbot, ward_context, tmp_path):
    from champion_desk.exchange.sync import find_snapshots
    from champion_desk.store import sealed

    folder = tmp_path / "usb"
    folder.mkdir()
    dialog = SyncDialog(ward_context)
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(folder))
    dialog.passphrase.setText("trust hub passphrase")
    dialog.sync()
    assert [sealed.is_sealed(p) for p in find_snapshots(folder)] == [True]
    assert "unencrypted" not in dialog.log.toPlainText()


def test_the_ward_name_is_the_logging_users_unit_never_the_pc_name(qtbot, ward_context, tmp_path, monkeypatch):
    from champion_desk.exchange import sync
    from champion_desk.store.records import pc_name

    records.insert(ward_context.db, "unit", {"name": "Cedar Ward"}, "t")  # two units: no "only unit"
    dialog = SyncDialog(ward_context)
    qtbot.addWidget(dialog)
    assert dialog.ward.text() == "Ward 7" != pc_name()  # Zoë Adams, logging, works on Ward 7
    ward_context.set_user(None)
    nobody = SyncDialog(ward_context)
    qtbot.addWidget(nobody)
    assert nobody.ward.text() == "" and "e.g. Cedar Ward" in nobody.ward.placeholderText()
    # A logbook that synced under the old default (its PC's name) is offered the unit instead.
    folder = tmp_path / "usb"
    folder.mkdir()
    monkeypatch.setattr(sync, "pc_name", lambda: "WARD-PC-07")
    sync.sync_folder(ward_context.db, folder, "t", ward_name="WARD-PC-07", backup=False)
    ward_context.set_user({"id": "x", "display_name": "Ama", "role": "nurse", "is_champion": 1, "unit": "Cedar Ward"})
    after_default = SyncDialog(ward_context)
    qtbot.addWidget(after_default)
    assert after_default.ward.text() == "Cedar Ward"


def test_the_ward_name_last_synced_under_is_remembered_and_an_empty_one_is_asked_for(
    qtbot, context, tmp_path, messages
):
    folder = tmp_path / "usb"
    folder.mkdir()
    dialog = SyncDialog(context)  # an empty logbook, nobody logging: nothing to go on
    qtbot.addWidget(dialog)
    dialog.folder.setText(str(folder))
    dialog.sync()
    assert list(folder.iterdir()) == [] and messages[-1][2].startswith("This ward: type the ward")
    dialog.ward.setText("  Birch Ward ")
    dialog.sync()
    again = SyncDialog(context)
    qtbot.addWidget(again)
    assert again.ward.text() == "Birch Ward"
