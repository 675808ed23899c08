"""`champion-desk due`, `calendar` and `signin-sheet` as a user runs them."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

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
    # The sheet prints the session's short id: typed back, it finds the same session.
    printed = re.search(r"Session ([0-9a-f]{8}) ·", text).group(1)
    assert ward["planned_full"].startswith(printed)
    again = tmp_path / "again.pdf"
    assert _run(db_path, "signin-sheet", printed.upper(), "--out", str(again)).returncode == 0
    assert "\n".join(page.extract_text() for page in PdfReader(again).pages) == text
    for wrong in ("no-such-id", printed[:5]):
        missing = _run(db_path, "signin-sheet", wrong, "--out", str(tmp_path / "x.pdf"))
        assert missing.returncode == 1 and f"There is no training session with id '{wrong}'" in missing.stderr
    assert not (tmp_path / "x.pdf").exists()


def _strict_read(data: bytes) -> list[dict[str, list[tuple[str, dict[str, str], str]]]]:
    """A second, strict reader of RFC 5545: CRLF lines of at most 75 octets, folding, names, nesting.

    Returns the VEVENTs as {name: [(name, params, value)]}.
    """
    import re

    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    physical = data[:-2].split(b"\r\n")
    assert all(len(line) <= 75 for line in physical), "a line longer than 75 octets"
    logical: list[bytes] = []
    for line in physical:
        if line.startswith(b" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    name_re = re.compile(r"^([A-Z][A-Z0-9-]*)((?:;[A-Z-]+=[^;:,]+)*):(.*)$")
    stack, events, current = [], [], None
    for raw in logical:
        text = raw.decode("utf-8")  # every line is whole UTF-8 once unfolded
        match = name_re.match(text)
        assert match, f"not a content line: {text!r}"
        name, params_text, value = match.groups()
        params = dict(p.split("=", 1) for p in params_text.split(";")[1:])
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                current = {}
        elif name == "END":
            assert stack.pop() == value, "BEGIN/END out of order"
            if value == "VEVENT":
                events.append(current)
                current = None
        elif current is not None:
            current.setdefault(name, []).append((name, params, value))
    assert stack == []
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
            assert len(event.get(required, [])) == 1, required
    return events


def test_calendar_file_is_read_alike_by_icalendar_and_a_strict_reader(db, db_path, tmp_path):
    import icalendar

    ward = make_due_ward(db, make_ward(db))
    db.close()
    out = tmp_path / "sessions.ics"
    args = ("calendar", "--out", str(out), "--from", "2026-11-27", "--to", "2026-12-31")
    result = _run(db_path, *args)
    assert result.returncode == 0 and "Wrote 2 sessions" in result.stdout, result.stderr
    data = out.read_bytes()
    events = _strict_read(data)
    cal = icalendar.Calendar.from_ical(data)
    parsed = [c for c in cal.walk("VEVENT")]
    assert len(parsed) == len(events) == 2
    full = next(e for e in parsed if ward["planned_full"] in str(e["UID"]))
    assert full.decoded("DTSTART") == dt.datetime(2026, 12, 5, 14, 0, tzinfo=ZoneInfo("Europe/London"))
    assert full.decoded("DURATION") == dt.timedelta(minutes=60)
    assert str(full["LOCATION"]) == "Seminar room 2"
    assert "Triage Helper" in str(full["SUMMARY"]) and "4 invited" in str(full["DESCRIPTION"])
    strict = next(e for e in events if ward["planned_full"] in e["UID"][0][2])
    assert strict["DTSTART"][0][1] == {"TZID": "Europe/London"} and strict["DTSTART"][0][2] == "20261205T140000"
    # No invitee's name unless asked for.
    assert not any(n in data.decode("utf-8") for n in ("Carys", "Dev Patel", "Erin", "Nguyễn"))
    named = tmp_path / "named.ics"
    assert (
        _run(
            db_path, "calendar", "--out", str(named), "--from", "2026-11-27", "--to", "2026-12-31", "--with-names"
        ).returncode
        == 0
    )
    descriptions = [str(e["DESCRIPTION"]) for e in icalendar.Calendar.from_ical(named.read_bytes()).walk("VEVENT")]
    assert any("Invited: Carys Jones, Dev Patel, Erin Walsh, Nguyễn Thị Mai." in d for d in descriptions)
    _strict_read(named.read_bytes())


def test_a_re_export_keeps_the_uid_and_raises_the_sequence_and_a_deletion_cancels(db, db_path, tmp_path):
    import icalendar

    from champion_desk.domain import logbook
    from champion_desk.exchange.calendar import build_calendar

    ward = make_due_ward(db, make_ward(db))
    span = (dt.date(2026, 11, 27), dt.date(2026, 12, 31))

    def event():
        text, _ = build_calendar(db, *span)
        return next(e for e in icalendar.Calendar.from_ical(text).walk("VEVENT") if ward["planned"] in str(e["UID"]))

    before = event()
    time.sleep(1.1)  # updated_at has millisecond steps; SEQUENCE whole seconds
    logbook.save_session(
        db,
        {"topic": "Moved to the seminar room", "place": "Seminar room"},
        [],
        "t",
        ward["planned"],
        today=dt.date(2026, 11, 26),
    )
    after = event()
    assert after["UID"] == before["UID"] and int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(after["LOCATION"]) == "Seminar room"
    logbook.delete(db, "training_session", ward["planned"], "t")
    assert str(event()["STATUS"]) == "CANCELLED"
