"""The app applies the retention rules when it closes after a change, and only then."""

from __future__ import annotations

from champion_desk.app import Desk
from champion_desk.store import erasure, records
from champion_desk.store.database import open_database

LEAVER = "Olumide Bankole"


def _desk(settings, monkeypatch) -> Desk:
    desk = Desk(settings)
    monkeypatch.setattr(desk, "ask_user", lambda current_id=None: None)
    return desk


def _left_long_ago(db, ward) -> str:
    leaver = records.insert(db, "staff", {"display_name": LEAVER, "unit_id": ward["unit"], "staff_ref": "E102"}, "t")
    records.update(db, "staff", leaver, {"active": 0}, "t")
    with db.transaction():
        db.conn.execute("UPDATE staff SET updated_at = '2024-01-05T09:00:00.000000Z' WHERE id = ?", (leaver,))
        db.conn.execute("UPDATE audit SET at = '2024-01-05T09:00:00.000000Z' WHERE record_id = ?", (leaver,))
    return leaver


def test_retention_runs_on_close_only_after_a_change(qtbot, db, ward, settings, monkeypatch):
    path, leaver = db.path, _left_long_ago(db, ward)
    db.close()
    desk = _desk(settings, monkeypatch)
    desk.start(path)
    qtbot.addWidget(desk.window)
    desk.shutdown()
    with open_database(path, create=False) as again:
        assert not erasure.is_erased_row(records.get(again, "staff", leaver, include_deleted=True))
    desk = _desk(settings, monkeypatch)
    desk.start(path)
    qtbot.addWidget(desk.window)
    records.insert(desk.context.db, "unit", {"name": "Ward 12"}, desk.context.actor)
    desk.shutdown()
    with open_database(path, create=False) as again:
        assert erasure.is_erased_row(records.get(again, "staff", leaver, include_deleted=True))
    assert LEAVER.encode() not in path.read_bytes()
