"""File-menu exchange dialogs (export, merge, restore) and the People page's data-rights actions."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from champion_desk.store import erasure, records
from champion_desk.store.backups import backup_database
from champion_desk.store.database import open_database
from champion_desk.ui import exchange_actions
from champion_desk.ui.exchange_dialogs import ExportDialog, MergeDialog, RestoreDialog


def test_file_menu_gets_the_exchange_actions(qtbot, context):
    menu = QMenu()
    exchange_actions.add_file_menu_actions(menu, context, menu)
    assert [a.text() for a in menu.actions()] == [
        "&Import roster…",
        "Import &usage…",
        "&Export…",
        "Export sessions to &calendar…",
        "&Merge a ward database…",
        "&Restore from backup…",
    ]


def test_export_dialog_writes_a_workbook(qtbot, ward_context, tmp_path, messages):
    dialog = ExportDialog(ward_context)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "desk.xlsx"))
    dialog.export()
    assert (tmp_path / "desk.xlsx").exists()
    assert messages[-1][0] == "information" and "Exported" in messages[-1][2]
    dialog.csv.setChecked(True)
    assert not dialog.path.text().endswith(".xlsx")


def test_merge_dialog_previews_then_merges(qtbot, ward_context, tmp_path, messages):
    other = tmp_path / "ward9.db"
    with open_database(other) as db:
        records.insert(db, "unit", {"name": "Ward 9"}, "t")
    dialog = MergeDialog(ward_context)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(other))
    dialog.check()
    assert dialog.merge_button.isEnabled()
    assert dialog.table.item(0, 0).text() == "unit" and dialog.table.item(0, 1).text() == "1"
    assert not records.find(ward_context.db, "unit", name="Ward 9"), "the check writes nothing"
    with qtbot.waitSignal(ward_context.data_changed):
        dialog.merge()
    assert records.find(ward_context.db, "unit", name="Ward 9")
    assert messages[-1][0] == "information" and "before-merge" in messages[-1][2], "the message names the backup"
    again = MergeDialog(ward_context)
    qtbot.addWidget(again)
    again.path.setText(str(other))
    again.check()
    assert "Nothing to merge" in again.status.text() and again.table.rowCount() == 0
    assert not again.merge_button.isEnabled()


def test_merge_dialog_shows_a_refusal(qtbot, ward_context, tmp_path, messages):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 100)
    dialog = MergeDialog(ward_context)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(bad))
    dialog.check()
    assert not dialog.merge_button.isEnabled()
    assert messages and messages[-1][0] == "warning" and "not" in messages[-1][2]


def test_restore_dialog_lists_backups_and_restores(qtbot, ward_context, messages):
    db = ward_context.db
    backup = backup_database(db, reason="manual")
    records.insert(db, "unit", {"name": "Added later"}, "t")
    dialog = RestoreDialog(ward_context)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1 and "manual" in dialog.list.item(0).text()
    with qtbot.waitSignal(ward_context.database_replaced):
        dialog.restore()
    assert ward_context.db is not db
    assert not records.find(ward_context.db, "unit", name="Added later")
    assert backup.exists()


def test_export_person_and_erase_person(qtbot, ward_context, ward, tmp_path, monkeypatch):
    from champion_desk.store import sealed
    from champion_desk.ui import passphrase_dialog

    out = tmp_path / "mai.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(passphrase_dialog, "ask_passphrase", lambda *a, **k: "three random words")
    written = exchange_actions.export_person(ward_context, None, ward["a"])
    assert written == tmp_path / "mai.json.age" and sealed.is_sealed(written) and not out.exists()
    document = json.loads(sealed.unseal_bytes(written.read_bytes(), "three random words", written.name))
    assert document["records"]["staff"]["staff_ref"] == "E100"

    shown = []

    def click_erase(box):
        shown.append(box.text() + box.informativeText())
        next(b for b in box.buttons() if b.text() == "Erase for good").click()

    monkeypatch.setattr(QMessageBox, "exec", click_erase)
    assert exchange_actions.erase_person(ward_context, None, ward["a"])
    assert "Nguyễn Thị Mai" in shown[0] and "cannot be undone" in shown[0]
    assert erasure.is_erased_row(records.get(ward_context.db, "staff", ward["a"], include_deleted=True))
    raw = Path(ward_context.db.path).read_bytes()
    assert "Nguyễn Thị Mai".encode() not in raw


def test_erase_person_not_finished_offers_try_again_in_the_app(qtbot, ward_context, ward, monkeypatch):
    """Another program reading the file keeps old copies: the app says so and retries itself."""
    import sqlite3

    path = Path(ward_context.db.path)
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM staff").fetchone()
    shown = []

    def answer(box):
        shown.append(box.text() + box.informativeText())
        labels = [b.text() for b in box.buttons()]
        if "Erase for good" in labels:
            next(b for b in box.buttons() if b.text() == "Erase for good").click()
        elif "Try again" in labels:
            reader.close()  # the nurse closes the other program, then tries again
            next(b for b in box.buttons() if b.text() == "Try again").click()

    monkeypatch.setattr(QMessageBox, "exec", answer)
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: shown.append(title + ": " + text))
    assert exchange_actions.erase_person(ward_context, None, ward["a"])
    retries = [text for text in shown if "Not finished" in text]
    assert len(retries) == 1, shown
    assert "Try again" in retries[0] and "champion-desk" not in retries[0]
    assert shown[-1].startswith("Erased: ") and "Not finished" not in shown[-1]
    raw = path.read_bytes() + (
        path.with_name(path.name + "-wal").read_bytes() if path.with_name(path.name + "-wal").exists() else b""
    )
    assert "Nguyễn Thị Mai".encode() not in raw


def test_erase_person_can_be_cancelled(qtbot, ward_context, ward, monkeypatch):
    monkeypatch.setattr(
        QMessageBox,
        "exec",
        lambda box: next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole).click(),
    )
    assert not exchange_actions.erase_person(ward_context, None, ward["a"])
    assert records.get(ward_context.db, "staff", ward["a"])["display_name"] == "Nguyễn Thị Mai"


def test_an_output_is_never_saved_over_the_logbook(qtbot, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from champion_desk.ui.widgets.save_path import ask_save_path

    logbook = tmp_path / "ward.db"
    open_database(logbook).close()
    answers = iter([(str(logbook), ""), (str(tmp_path / "backups" / "x.xlsx"), ""), (str(tmp_path / "fine.xlsx"), "")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: next(answers))
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warnings.append(text))
    chosen = ask_save_path(None, "Save the workbook as", tmp_path / "x.xlsx", "Excel workbook (*.xlsx)", logbook)
    assert chosen == (tmp_path / "fine.xlsx").resolve()
    assert len(warnings) == 2 and "ward.db" in warnings[0] and "backups folder" in warnings[1]
