"""The exchange subcommands through a real process: exit codes, one clear stderr line, the report."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from champion_desk.store import records
from champion_desk.store.database import open_database

ROOT = Path(__file__).resolve().parents[2]
HR = ROOT / "tests" / "exchange" / "data" / "hr_roster.csv"


def run(db_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "champion_desk", "--db", str(db_path), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


@pytest.fixture
def desk(tmp_path) -> Path:
    path = tmp_path / "desk.db"
    open_database(path).close()
    return path


def _staff_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM staff").fetchone()[0]
    finally:
        conn.close()


def test_import_roster_reports_and_is_idempotent(desk):
    first = run(desk, "import-roster", str(HR))
    assert first.returncode == 0, first.stderr
    assert "added 8, updated 0, unchanged 0, invalid 0" in first.stdout
    assert "New units: Therapies, Ward 7 (Acute Medicine), Ward 9 (Respiratory)" in first.stdout
    second = run(desk, "import-roster", str(HR))
    assert "added 0, updated 0, unchanged 8, invalid 0" in second.stdout
    assert "Nothing to change" in second.stdout


def test_import_roster_with_bad_rows_writes_nothing_and_fails(desk, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Staff No,Name,Role\nA1,Ann Lee,nurse\nA1,Ann Two,nurse\n", encoding="utf-8")
    result = run(desk, "import-roster", str(bad))
    assert result.returncode == 1
    assert "line 3: staff_ref: must be unique in the file" in result.stdout
    assert result.stderr.strip().count("\n") == 0 and "nothing was written" in result.stderr
    assert _staff_count(desk) == 0
    skipped = run(desk, "import-roster", str(bad), "--skip-invalid")
    assert skipped.returncode == 0 and _staff_count(desk) == 1


def test_import_roster_dry_run_and_map(desk, tmp_path):
    f = tmp_path / "r.csv"
    f.write_text("Code;Forename;Surname;Area\nX1;Ann;Lee;Ward 2\n", encoding="utf-8")
    result = run(desk, "import-roster", str(f), "--map", "staff_ref=Code", "--map", "unit=Area", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "added 1" in result.stdout and "Dry run" in result.stdout
    assert _staff_count(desk) == 0
    wrong = run(desk, "import-roster", str(f), "--map", "unit=Nope")
    assert wrong.returncode == 1 and "no column 'Nope'" in wrong.stderr


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02garbage" * 100, b"Name\n"])
def test_import_roster_malformed_file_is_one_clear_line(desk, tmp_path, content):
    f = tmp_path / "r.csv"
    f.write_bytes(content)
    result = run(desk, "import-roster", str(f))
    assert result.returncode == 1
    assert result.stderr.startswith("champion-desk: error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_import_roster_missing_file(desk, tmp_path):
    result = run(desk, "import-roster", str(tmp_path / "nope.csv"))
    assert result.returncode == 1 and "nope.csv" in result.stderr


def test_export_backups_restore_merge_and_person_rights(desk, tmp_path):
    assert run(desk, "import-roster", str(HR)).returncode == 0
    exported = run(desk, "export", "--out", str(tmp_path / "out"))
    assert exported.returncode == 0 and (tmp_path / "out" / "staff.csv").exists()
    assert "audit table is not exported" in exported.stdout
    xlsx = run(desk, "export", "--out", str(tmp_path / "desk.xlsx"))
    assert xlsx.returncode == 0 and (tmp_path / "desk.xlsx").exists()

    listed = run(desk, "backups")
    assert "before-import" in listed.stdout
    backup = sorted((desk.parent / "backups").glob("*-before-import.db"))[0]
    refused = run(desk, "restore", str(backup))
    assert refused.returncode == 1 and "--yes" in refused.stderr
    restored = run(desk, "restore", str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert _staff_count(desk) == 0

    other = tmp_path / "ward9.db"
    assert run(other, "import-roster", str(HR)).returncode == 0
    dry = run(desk, "merge", str(other), "--dry-run")
    assert dry.returncode == 0 and "Dry run" in dry.stdout and _staff_count(desk) == 0
    merged = run(desk, "merge", str(other))
    assert merged.returncode == 0, merged.stderr
    assert _staff_count(desk) == 8
    assert "Nothing to change" in run(desk, "merge", str(other)).stdout

    (tmp_path / "pass").write_text("three random words\n", encoding="utf-8")
    person = run(
        desk,
        "export-person",
        "10234563",
        "--out",
        str(tmp_path / "mai.json.age"),
        "--passphrase-file",
        str(tmp_path / "pass"),
    )
    assert person.returncode == 0, person.stderr
    assert "Nguyễn".encode() not in (tmp_path / "mai.json.age").read_bytes()
    opened = run(
        desk,
        "unseal",
        str(tmp_path / "mai.json.age"),
        "--out",
        str(tmp_path / "mai.json"),
        "--passphrase-file",
        str(tmp_path / "pass"),
    )
    assert opened.returncode == 0, opened.stderr
    assert (
        json.loads((tmp_path / "mai.json").read_text(encoding="utf-8"))["records"]["staff"]["display_name"]
        == "Nguyễn Thị Mai"
    )
    assert run(desk, "erase-person", "10234563").returncode == 1
    erased = run(desk, "erase-person", "10234563", "--yes")
    assert erased.returncode == 0, erased.stderr
    raw = desk.read_bytes() + (Path(str(desk) + "-wal").read_bytes() if Path(str(desk) + "-wal").exists() else b"")
    assert "Nguyễn Thị Mai".encode() not in raw
    # Merging the ward file that still names her does not bring her back.
    assert run(desk, "merge", str(other)).returncode == 0
    with open_database(desk) as db:
        assert not records.find(db, "staff", staff_ref="10234563")


def test_merge_and_restore_refuse_bad_files_in_one_line(desk, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    for args in (("merge", str(bad)), ("restore", str(bad), "--yes"), ("merge", str(tmp_path / "none.db"))):
        result = run(desk, *args)
        assert result.returncode == 1 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, args
