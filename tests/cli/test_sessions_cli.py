"""`champion-desk due`, `calendar` and `signin-sheet` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.domain.test_due import make_due_ward
from tests.factories import make_ward


def _run(db_path, *args):
    return subprocess.run(
        [sys.executable, "-m", "champion_desk", "--db", str(db_path), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_due_json_rows_and_grouped_text(db, db_path):
    make_due_ward(db, make_ward(db))
    db.close()
    args = ("due", "--tool", "Scribe", "--unit", "Ward 7", "--on", "2026-11-26")
    rows = json.loads(_run(db_path, *args, "--json").stdout)
    assert [(r["display_name"], r["unit"], r["reason"], r["due_on"]) for r in rows] == [
        ("Carys Jones", "Ward 7", "missed_last", "2026-10-01"),
        ("Dev Patel", "Ward 7", "never_trained", "2026-11-26"),
        ("Nguyễn Thị Mai", "Ward 7", "signoff_expired", "2026-11-10"),
        ("Siobhán Ó Briain", "Ward 7", "refresher_due", "2026-12-10"),
    ]
    assert all(set(r) >= {"staff_id", "display_name", "unit", "reason", "due_on"} for r in rows)
    text = _run(db_path, *args).stdout
    assert "Due training on Scribe: 4 colleagues" in text
    assert "Ward 7 · HCA\n  Carys Jones: missed their last invitation (1 Oct 2026)" in text
    bad = _run(db_path, "due", "--tool", "Scribe", "--within", "-3")
    assert bad.returncode == 1 and "--within must be 0 days or more" in bad.stderr


def test_signin_sheet_lists_the_invited_in_name_order_with_the_privacy_line(db, db_path, tmp_path):
    from pypdf import PdfReader

    ward = make_due_ward(db, make_ward(db))
    db.close()
    out = tmp_path / "sheet.pdf"
    result = _run(db_path, "signin-sheet", ward["planned_full"], "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    names = ["Carys Jones", "Dev Patel", "Erin Walsh", "Nguyễn Thị Mai"]
    positions = [text.index(n) for n in names]
    assert positions == sorted(positions), "alphabetical"
    for words in (
        "No patient details",
        "Confidence before",
        "Confidence after",
        "Signed off",
        "5 Dec 2026, 14:00",
        "Seminar room 2",
        "Triage Helper",
        "4 invited",
    ):
        assert words in text, words
    assert "E100" in text  # Mai's staff number, to match a scanned badge later
    missing = _run(db_path, "signin-sheet", "no-such-id", "--out", str(tmp_path / "x.pdf"))
    assert missing.returncode == 1 and "No training session with id no-such-id" in missing.stderr
    assert not (tmp_path / "x.pdf").exists()
