"""Roster import: reading real-world files, matching headers, per-row reports, all-or-nothing writes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from champion_desk.exchange.roster import RosterError, guess_mapping, import_roster, parse_flag, plan_import, read_roster
from champion_desk.exchange.tabular import TableFileError
from champion_desk.store import records

DATA = Path(__file__).parent / "data"
HR = DATA / "hr_roster.csv"


def _import(db, path, **kw):
    table = read_roster(path)
    return import_roster(db, table, guess_mapping(table.headers), "test", **kw)


def _snapshot(db) -> list:
    return [db.query(f"SELECT * FROM {t} ORDER BY id") for t in ("unit", "staff", "audit")]


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_hr_export_headers_are_recognised():
    table = read_roster(HR)
    mapping = guess_mapping(table.headers)
    assert mapping == {"staff_ref": ("Employee Number",), "display_name": ("Full Name",), "role": ("Job Title",),
                       "unit": ("Ward",), "is_champion": ("Champion",), "active": ("Status",)}


@pytest.mark.parametrize("headers, field, column", [
    (["Staff No", "Name", "Position", "Department"], "staff_ref", "Staff No"),
    (["Assignment Number", "Name", "Position", "Department"], "unit", "Department"),
    (["Assignment Number", "Name", "Position", "Cost Centre"], "unit", "Cost Centre"),
    (["Staff No.", "Full Name", "Active"], "active", "Active"),
    (["Staff No", "Name", "Position"], "role", "Position"),
])
def test_header_synonyms(headers, field, column):
    assert guess_mapping(headers)[field] == (column,)


def test_forename_and_surname_make_the_name():
    assert guess_mapping(["Forename", "Surname", "Staff No"])["display_name"] == ("Forename", "Surname")


@pytest.mark.parametrize("text, value", [("yes", 1), ("Y", 1), ("true", 1), ("1", 1), ("Active", 1),
                                         ("no", 0), ("N", 0), ("false", 0), ("0", 0), ("Leaver", 0), ("maybe", "maybe")])
def test_flags(text, value):
    assert parse_flag(text) == value


def test_import_adds_staff_and_units_then_reimport_changes_nothing(db):
    plan = _import(db, HR)
    assert plan.written
    assert plan.counts == {"added": 8, "updated": 0, "unchanged": 0, "invalid": 0}
    assert plan.new_units == ["Therapies", "Ward 7 (Acute Medicine)", "Ward 9 (Respiratory)"]
    zoe = records.find(db, "staff", staff_ref="10234561")[0]
    assert (zoe["display_name"], zoe["is_champion"], zoe["active"]) == ("Zoë Adams", 1, 1)
    assert records.find(db, "staff", staff_ref="10234567")[0]["active"] == 0
    before = _snapshot(db)
    again = _import(db, HR)
    assert again.counts == {"added": 0, "updated": 0, "unchanged": 8, "invalid": 0}
    assert not again.written
    assert _snapshot(db) == before


def test_changed_fields_are_updated_and_blank_cells_keep_values(db, tmp_path):
    _import(db, HR)
    text = HR.read_text(encoding="utf-8").replace("Healthcare Assistant", "Nursing Associate").replace(
        "Physiotherapist,Therapies", ",Therapies")
    changed = tmp_path / "changed.csv"
    changed.write_text(text, encoding="utf-8")
    plan = _import(db, changed)
    assert plan.counts == {"added": 0, "updated": 1, "unchanged": 7, "invalid": 0}
    assert records.find(db, "staff", staff_ref="10234563")[0]["role"] == "Nursing Associate"
    assert records.find(db, "staff", staff_ref="10234566")[0]["role"] == "Physiotherapist"


def test_champion_flags_survive_a_roster_without_that_column(db, tmp_path):
    _import(db, HR)
    plain = tmp_path / "plain.csv"
    plain.write_text("Staff No,Name\n10234561,Zoë Adams\n", encoding="utf-8")
    assert _import(db, plain).counts["unchanged"] == 1
    assert records.find(db, "staff", staff_ref="10234561")[0]["is_champion"] == 1


def test_bad_rows_are_reported_by_line_and_nothing_is_written(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Staff No,Name,Ward,Champion\n"
        "A1,Ann Lee,Ward 1,yes\n"
        "A2,,Ward 1,no\n"                      # line 3: no name
        "A1,Ann Again,Ward 1,no\n"             # line 4: duplicate staff number
        '"A3","' + "x" * 130 + '",Ward 1,no\n'  # line 5: name too long
        "A4,Bo Chan,Ward 2,perhaps\n"          # line 6: not a yes/no
        "A5,Cy Dee\n",                          # line 7: ragged
        encoding="utf-8",
    )
    before = _snapshot(db)
    plan = _import(db, bad)
    assert [str(p).split(" (")[0] for p in plan.problems] == [
        "line 3: display_name: is required",
        "line 4: staff_ref: must be unique in the file",
        "line 5: display_name: at most 120 characters",
        "line 6: is_champion: must be yes or no",
        "line 7: row: has 2 cells but the header has 4",
    ]
    assert "also on line 2" in str(plan.problems[1])
    assert not plan.written and plan.invalid == 5
    assert _snapshot(db) == before


def test_skip_invalid_writes_the_good_rows(db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Staff No,Name\nA1,Ann Lee\nA2,\nA3,Bo Chan\n", encoding="utf-8")
    plan = _import(db, bad, skip_invalid=True)
    assert plan.written and plan.counts == {"added": 2, "updated": 0, "unchanged": 0, "invalid": 1}
    assert sorted(s["staff_ref"] for s in records.find(db, "staff")) == ["A1", "A3"]


def test_dry_run_writes_nothing(db):
    before = _snapshot(db)
    plan = _import(db, HR, dry_run=True)
    assert plan.counts["added"] == 8 and not plan.written
    assert _snapshot(db) == before


def test_a_staff_number_held_by_a_deleted_colleague_is_an_error(db, tmp_path):
    old = records.insert(db, "staff", {"display_name": "Old Timer", "staff_ref": "A1"}, "t")
    records.delete(db, "staff", old, "t")
    f = tmp_path / "r.csv"
    f.write_text("Staff No,Name\na1,New Person\n", encoding="utf-8")
    plan = _import(db, f)
    assert [str(p).split(" (")[0] for p in plan.problems] == ["line 2: staff_ref: must be unique"]


@pytest.mark.parametrize("encoding, newline, delimiter", [
    ("utf-8", "\n", ","), ("utf-8-sig", "\r\n", ","), ("cp1252", "\r\n", ";"), ("utf-16", "\r\n", "\t"),
    ("utf-8", "\r\n", "|"),
])
def test_encodings_delimiters_and_line_ends(tmp_path, encoding, newline, delimiter):
    rows = [["Staff No", "Name", "Ward"], ["B1", "Siobhán Ó Briain", "Ward 3"], ["B2", "José Müller", "Ward 3"]]
    if encoding != "cp1252":
        rows.append(["B3", "Łukasz Nowak", "Ward 4"])
    path = tmp_path / "r.csv"
    path.write_bytes(newline.join(delimiter.join(r) for r in rows).encode(encoding) + newline.encode(encoding))
    table = read_roster(path)
    assert table.headers == ["Staff No", "Name", "Ward"]
    assert [line for line, _ in table.rows] == list(range(2, len(rows) + 1))
    assert table.rows[0][1][1] == "Siobhán Ó Briain"


def test_quoted_cells_with_line_breaks_keep_file_line_numbers(db, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('Staff No,Name,Role\nC1,"Ann\nLee",nurse\nC2,,nurse\n', encoding="utf-8")
    plan = _import(db, path)
    assert [p.line for p in plan.problems] == [4]


def test_xlsx_roster(db, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Staff list"
    ws.append(["Assignment Number", "Full Name", "Position", "Department", "Active"])
    ws.append([20001, "Zoë Adams", "Staff Nurse", "Ward 7", True])
    ws.append([20002, "Łukasz Nowak", "Ward Manager", "Ward 7", "No"])
    ws.append([None, None, None, None, None])
    ws.append([20003, None, "Nurse", "Ward 8", "Y"])
    path = tmp_path / "roster.xlsx"
    wb.save(path)
    table = read_roster(path)
    assert "Staff list" in table.kind
    plan = _import(db, path)
    assert [str(p) for p in plan.problems] == ["line 5: display_name: is required"]
    plan = _import(db, path, skip_invalid=True)
    assert plan.counts["added"] == 2
    assert records.find(db, "staff", staff_ref="20002")[0]["active"] == 0


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"   \r\n\r\n", "is empty"),
    (b"Staff No,Name\r\n", "no rows"),
    (bytes(range(256)) * 40, "not"),
    (b"PK\x03\x04" + b"\x00garbage" * 50, "not a readable Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old-style Excel"),
    (b"SQLite format 3\x00" + b"\x00" * 2000, "not a text file"),
    (b"Name,Ward\n\x81\x8d\x8f\x90\x9d\n", "not readable text"),
])
def test_malformed_files_are_refused_clearly(db, tmp_path, content, message):
    path = tmp_path / "roster.csv"
    path.write_bytes(content)
    before = _snapshot(db)
    with pytest.raises(TableFileError, match=message):
        _import(db, path)
    assert _snapshot(db) == before


def test_a_50_mb_file_is_refused_without_reading_it(db, tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as fh:
        fh.write(b"Staff No,Name\n")
        fh.truncate(50 * 1024 * 1024)
    with pytest.raises(TableFileError, match="50.0 MB"):
        read_roster(path)


def test_missing_name_column_is_a_clear_error(db, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("Code,Thing\n1,2\n", encoding="utf-8")
    table = read_roster(path)
    with pytest.raises(RosterError, match="display_name"):
        plan_import(db, table, guess_mapping(table.headers))


def test_the_roster_file_is_never_changed(db):
    digest = _file_hash(HR)
    _import(db, HR)
    assert _file_hash(HR) == digest


def test_10000_rows_import_quickly(db, tmp_path):
    import time

    path = tmp_path / "big.csv"
    lines = ["Employee Number,Full Name,Job Title,Ward,Status"]
    lines += [f"E{100000 + i},Colleague {i},Staff Nurse,Ward {i % 40},Active" for i in range(10_000)]
    path.write_text("\r\n".join(lines), encoding="utf-8-sig")
    start = time.perf_counter()
    plan = _import(db, path)
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = _import(db, path)
    second = time.perf_counter() - start
    assert plan.counts["added"] == 10_000 and again.counts["unchanged"] == 10_000
    # The issue's budget is 2 s; allow slack for a loaded CI machine.
    assert first < 4 and second < 4, (first, second)


def test_reimporting_rows_without_staff_numbers_matches_on_name(db, tmp_path):
    f = tmp_path / "r.csv"
    f.write_text("Name,Role\nAnn Lee,nurse\nBo Chan,hca\n", encoding="utf-8")
    for expected in ({"added": 2, "updated": 0, "unchanged": 0, "invalid": 0},
                     {"added": 0, "updated": 0, "unchanged": 2, "invalid": 0}):
        table = read_roster(f)
        assert import_roster(db, table, guess_mapping(table.headers), "t").counts == expected


def test_cancelling_an_import_keeps_nothing(db, tmp_path):
    from champion_desk.store.importing import Cancelled

    path = tmp_path / "big.csv"
    path.write_text("Staff No,Name\n" + "".join(f"S{i},Person {i}\n" for i in range(3000)), encoding="utf-8")
    table = read_roster(path)
    seen = []

    def cancel_while_writing(done, total):
        seen.append((done, total))
        return len(seen) < 8  # planning reports every 500 rows (6 calls); cancel during the writes

    before = _snapshot(db)
    with pytest.raises(Cancelled):
        import_roster(db, table, guess_mapping(table.headers), "t", progress=cancel_while_writing)
    assert _snapshot(db) == before
