"""Kill a sync at random moments: the sync folder only ever holds whole snapshots, and the
logbook has merged the other ward's snapshot whole or not at all.

Each run is a real ``champion-desk sync`` process on fresh copies of ward A's logbook and of a
folder holding ward B's snapshot; the parent first times a run to the end, then kills runs at
random moments within that time (while the snapshot is written, while B's is checked, merged, or
A's is written again).
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from champion_desk.domain.demo import generate_demo
from champion_desk.exchange.sync import sync_folder
from champion_desk.store.database import check_header, open_database
from champion_desk.store.schema import RECORD_TABLES, columns
from tests.reliability.checks import connect_plain, integrity_problems
from tests.reliability.test_kill_during_exchange import _command, _kill_at

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")]


def _records(path: Path) -> str:
    """Hash every record but the sync's own bookkeeping (sync_peer rows and audit entries are written by every sync)."""
    conn = connect_plain(path)
    try:
        assert integrity_problems(conn) == []
        digest = hashlib.sha256()
        for table in RECORD_TABLES:
            if table == "sync_peer":
                continue
            for row in conn.execute(f"SELECT {', '.join(columns(table))} FROM {table} ORDER BY id"):
                digest.update(repr(row).encode("utf-8"))
        return digest.hexdigest()
    finally:
        conn.close()


def _whole_files_only(folder: Path) -> list[str]:
    """Return the problems of the snapshots under their real names (a temporary name may hold anything)."""
    problems = []
    for path in folder.iterdir():
        if path.name.startswith(".") or path.suffix != ".db":
            continue
        try:
            check_header(path)
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    problems.append(f"{path.name}: fails quick_check")
            finally:
                conn.close()
        except Exception as exc:  # noqa: BLE001 - any failure to read a snapshot is the finding
            problems.append(f"{path.name}: {exc}")
    return problems


def test_sigkill_during_a_sync_leaves_whole_snapshots_and_all_or_nothing(tmp_path, rng, reliability_count, figures):
    base_folder = tmp_path / "usb"
    base_folder.mkdir()
    ward_a, ward_b = tmp_path / "a" / "desk.db", tmp_path / "b" / "desk.db"
    for path, seed in ((ward_a, 1), (ward_b, 2)):
        path.parent.mkdir()
        with open_database(path) as db:
            generate_demo(db, "ward", seed=seed)
    with open_database(ward_b, backup_dir=tmp_path / "b" / "backups") as db:
        b_snapshot = sync_folder(db, base_folder, "t").snapshot
    b_digest = hashlib.sha256(b_snapshot.read_bytes()).hexdigest()
    before = _records(ward_a)
    reference = tmp_path / "ref"
    shutil.copytree(ward_a.parent, reference / "a")
    shutil.copytree(base_folder, reference / "usb")
    t0 = time.monotonic()
    done = subprocess.run(
        _command(reference / "a" / "desk.db", "sync", str(reference / "usb")),
        capture_output=True,
        text=True,
        timeout=300,
    )
    duration = time.monotonic() - t0
    assert done.returncode == 0, done.stderr
    after = _records(reference / "a" / "desk.db")
    assert after != before, "the sync merged nothing: the test would prove nothing"
    kills = reliability_count("kills_during_sync")
    tally = {"untouched": 0, "fully merged": 0, "finished before the kill": 0, "temporary files left": 0}
    for i in range(kills):
        run = tmp_path / f"run{i}"
        shutil.copytree(ward_a.parent, run / "a")
        shutil.copytree(base_folder, run / "usb")
        logbook, folder = run / "a" / "desk.db", run / "usb"
        killed = _kill_at(_command(logbook, "sync", str(folder)), rng.uniform(0.05, duration))
        state = _records(logbook)
        assert state in (before, after), f"run {i}: half-merged (killed={killed})"
        assert _whole_files_only(folder) == [], f"run {i}: a snapshot under its real name is not whole"
        assert hashlib.sha256((folder / b_snapshot.name).read_bytes()).hexdigest() == b_digest, (
            "B's snapshot was changed"
        )
        tally["finished before the kill" if not killed else "untouched" if state == before else "fully merged"] += 1
        tally["temporary files left"] += len(list(folder.glob(".partial-*")))
        # The next sync ignores whatever a killed one left under a temporary name, and ends where a whole run ends.
        again = subprocess.run(_command(logbook, "sync", str(folder)), capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stdout + again.stderr
        assert _records(logbook) == after
        assert ".partial-" not in again.stdout
        shutil.rmtree(run)
    tally["seconds per full run"] = round(duration, 2)
    figures["kills during sync"] = (
        f"{kills} SIGKILLs into a sync of a ward logbook with a folder holding another ward's snapshot: {tally}"
    )
