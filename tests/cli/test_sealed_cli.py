"""Commands, each in a process of its own: copies leaving the PC are sealed; every audit row names the OS account."""

from __future__ import annotations

import getpass
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from champion_desk.store import records, sealed
from champion_desk.store.database import open_database

ROOT = Path(__file__).resolve().parents[2]
PASS = "three random words"
NAME = "Gráinne Ní Mhaoldhomhnaigh"


def run(db: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "champion_desk", "--db", str(db), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        stdin=subprocess.DEVNULL,  # no terminal: a missing passphrase must be refused, not asked
        env={**{k: v for k, v in os.environ.items() if k != "CHAMPION_DESK_PASSPHRASE"}, **(env or {})},
    )


@pytest.fixture
def desk(tmp_path, monkeypatch):
    data = tmp_path / "home" / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.delenv("CHAMPION_DESK_PASSPHRASE", raising=False)
    path = tmp_path / "pc" / "ward.db"
    path.parent.mkdir()
    with open_database(path) as db:
        unit = records.insert(db, "unit", {"name": "Cedar Ward"}, "t")
        records.insert(db, "staff", {"display_name": NAME, "unit_id": unit, "staff_ref": "E7"}, "t")
    (tmp_path / "pass").write_text(PASS + "\n", encoding="utf-8")
    (tmp_path / "usb").mkdir()
    return path


def test_a_backup_to_a_stick_is_sealed_and_restores_only_with_its_passphrase(desk, tmp_path):
    stick = tmp_path / "usb" / "ward.db.age"
    refused = run(desk, "backup", "--to", str(stick))
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and "--passphrase-file" in refused.stderr
    assert not stick.exists()
    made = run(desk, "backup", "--to", str(stick), "--passphrase-file", str(tmp_path / "pass"))
    assert made.returncode == 0, made.stderr
    raw = stick.read_bytes()
    assert raw.startswith(sealed.MAGIC) and NAME.encode() not in raw and b"Cedar Ward" not in raw
    # Beside the logbook (its own folder) a backup stays plain.
    beside = run(desk, "backup", "--to", str(desk.parent / "copy.db"))
    assert beside.returncode == 0 and (desk.parent / "copy.db").read_bytes().startswith(b"SQLite format 3")

    before = desk.read_bytes()
    (tmp_path / "wrong").write_text("not the right words\n", encoding="utf-8")
    wrong = run(desk, "restore", str(stick), "--yes", "--passphrase-file", str(tmp_path / "wrong"))
    assert wrong.returncode == 1 and wrong.stderr.count("\n") == 1 and "wrong passphrase" in wrong.stderr
    assert "Traceback" not in wrong.stderr and desk.read_bytes() == before
    right = run(desk, "restore", str(stick), "--yes", env={"CHAMPION_DESK_PASSPHRASE": PASS})
    assert right.returncode == 0, right.stderr


def test_every_audit_row_a_command_writes_names_the_os_account_and_pc(desk, tmp_path):
    pp = str(tmp_path / "pass")
    assert (
        run(
            desk, "export", "--full", "--out", str(tmp_path / "usb" / "all.xlsx.age"), "--passphrase-file", pp
        ).returncode
        == 0
    )
    assert (
        run(
            desk, "export-person", "E7", "--out", str(tmp_path / "usb" / "e7.json.age"), "--passphrase-file", pp
        ).returncode
        == 0
    )
    assert run(desk, "safety-reminder", "--set", "Report harm on the trust's incident system too.").returncode == 0
    other = tmp_path / "other" / "ward.db"
    other.parent.mkdir()
    with open_database(other) as db:
        records.insert(db, "unit", {"name": "Birch Ward"}, "t")
    assert run(other, "backup", "--to", str(tmp_path / "usb" / "birch.db.age"), "--passphrase-file", pp).returncode == 0
    merged = run(desk, "merge", str(tmp_path / "usb" / "birch.db.age"), "--passphrase-file", pp)
    assert merged.returncode == 0, merged.stderr
    for name in ("all.xlsx.age", "e7.json.age"):
        assert NAME.encode() not in (tmp_path / "usb" / name).read_bytes()
    conn = sqlite3.connect(desk)
    try:
        rows = conn.execute(
            "SELECT actor, action, record_id, os_account, pc_name, changes FROM audit WHERE actor = 'command line'"
        ).fetchall()
    finally:
        conn.close()
    actions = {(r[1], r[2]) for r in rows}
    assert ("export", records.FULL_EXPORT) in actions and ("export", records.SUBJECT_ACCESS) in actions
    assert ("merge", "*") in actions and ("create", "setting:patient_safety.reminder") in actions
    assert all(r[3] == getpass.getuser() and r[4] for r in rows)
    assert all(NAME not in r[5] for r in rows if r[1] in ("export", "merge"))


def test_the_default_export_is_recorded_after_it_and_still_made_beside_the_running_app(desk, tmp_path):
    import dataclasses

    from champion_desk.store import lock

    def exports():
        with sqlite3.connect(desk) as conn:
            return conn.execute(
                "SELECT actor, changes, os_account FROM audit WHERE record_id = ?", (records.MANAGER_EXPORT,)
            ).fetchall()

    made = run(desk, "export", "--out", str(tmp_path / "usb" / "ward.xlsx"))
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "usb" / "ward.xlsx").is_file()
    [(actor, changes, account)] = exports()
    assert actor == "command line" and account == getpass.getuser() and NAME not in changes
    assert '"rows"' in changes and not (desk.parent / (desk.name + ".lock")).exists()

    held = lock.acquire(desk)  # as the app on this PC holds it while open: the row is written beside it
    try:
        beside = run(desk, "export", "--out", str(tmp_path / "usb" / "again.xlsx"))
    finally:
        held.release()
    assert beside.returncode == 0 and "not recorded" not in beside.stderr, beside.stderr
    assert (tmp_path / "usb" / "again.xlsx").is_file() and len(exports()) == 2

    # The app on another PC: SQLite's locking cannot keep two PCs' writers apart, so no row, and stderr says so.
    elsewhere = dataclasses.replace(lock.current_owner(), host="WARD-PC-07")
    held = lock.acquire(desk, owner=elsewhere)
    try:
        remote = run(desk, "export", "--out", str(tmp_path / "usb" / "third.xlsx"))
    finally:
        held.release()
    assert remote.returncode == 0, remote.stderr
    assert (tmp_path / "usb" / "third.xlsx").is_file()
    assert "not recorded in the logbook's audit log" in remote.stderr and "on WARD-PC-07" in remote.stderr
    assert len(exports()) == 2
