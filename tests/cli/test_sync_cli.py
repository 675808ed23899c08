"""sync and sync-status through a real process: per-file lines, one-line refusals, JSON status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from champion_desk.store import records
from champion_desk.store.database import open_database

ROOT = Path(__file__).resolve().parents[2]


def run(db_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "champion_desk", "--db", str(db_path), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def _ward(path: Path, unit: str) -> Path:
    path.parent.mkdir()
    with open_database(path) as db:
        records.insert(db, "unit", {"name": unit}, "t")
    return path


def test_sync_prints_a_line_per_file_and_status_lists_every_ward(tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    a = _ward(tmp_path / "a" / "desk.db", "Cedar Ward")
    b = _ward(tmp_path / "b" / "desk.db", "Birch Ward")
    first = run(a, "sync", str(folder))
    assert first.returncode == 0, first.stderr
    assert "written    champion-desk-Cedar-Ward-" in first.stdout
    (folder / "junk.db").write_bytes(b"not a database at all" * 100)
    second = run(b, "sync", str(folder), "--ward", "Birch Ward (hub)")
    assert second.returncode == 0, second.stderr
    lines = second.stdout.splitlines()
    assert any(
        line.startswith("  merged     champion-desk-Cedar-Ward-") and "rows came across" in line for line in lines
    )
    assert any(line.startswith("  skipped    junk.db: ") for line in lines)
    assert "1 merged" in second.stdout and "1 skipped" in second.stdout
    status = run(b, "sync-status", "--json")
    wards = json.loads(status.stdout)
    assert [(w["ward_name"], w["is_this_logbook"], w["days_ago"], w["stale"]) for w in wards] == [
        ("Birch Ward (hub)", True, 0, False),
        ("Cedar Ward", False, 0, False),
    ]
    assert wards[1]["rows_received"] > 0
    table = run(b, "sync-status")
    assert "Cedar Ward" in table.stdout and "today" in table.stdout


def test_sync_with_a_missing_folder_is_one_line(tmp_path):
    a = _ward(tmp_path / "a" / "desk.db", "Cedar Ward")
    result = run(a, "sync", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        f"champion-desk: error: No folder at {tmp_path / 'nowhere'}."
    ]
