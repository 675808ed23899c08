"""Roster import: reading real-world files, matching headers, per-row reports, all-or-nothing writes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from champion_desk.exchange.roster import (
    STATUS_WORDS,
    RosterError,
    guess_mapping,
    import_roster,
    parse_flag,
    parse_status,
    plan_import,
    read_roster,
)
from champion_desk.exchange.tabular import TableFileError
from champion_desk.store import records
from tests.exchange import bad_rosters, workbooks

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
    assert mapping == {
        "staff_ref": ("Employee Number",),
        "display_name": ("Full Name",),
        "role": ("Job Title",),
        "unit": ("Ward",),
        "is_champion": ("Champion",),
        "active": ("Status",),
    }


@pytest.mark.parametrize(
    "headers, field, column",
    [
        (["Staff No", "Name", "Position", "Department"], "staff_ref", "Staff No"),
        (["Assignment Number", "Name", "Position", "Department"], "unit", "Department"),
        (["Assignment Number", "Name", "Position", "Cost Centre"], "unit", "Cost Centre"),
        (["Staff No.", "Full Name", "Active"], "active", "Active"),
        (["Staff No", "Name", "Position"], "role", "Position"),
    ],
)
def test_header_synonyms(headers, field, column):
    assert guess_mapping(headers)[field] == (column,)


def test_forename_and_surname_make_the_name():
    assert guess_mapping(["Forename", "Surname", "Staff No"])["display_name"] == ("Forename", "Surname")


@pytest.mark.parametrize(
    "text, value",
    [
        ("yes", 1),
        ("Y", 1),
        ("true", 1),
        ("1", 1),
        ("x", 1),
        ("no", 0),
        ("N", 0),
        ("false", 0),
        ("0", 0),
        ("maybe", "maybe"),
        ("Active", "Active"),
    ],
)
def test_flags(text, value):
    assert parse_flag(text) == value


@pytest.mark.parametrize(
    "text, value",
    [
        ("Active Assignment", 1),
        ("  active   assignment ", 1),
        ("Acting Up", 1),
        ("Active", 1),
        ("Yes", 1),
        ("Suspend Assignment", 0),
        ("Suspended", 0),
        ("SUSPENDED", 0),
        ("Leaver", 0),
        ("Terminate Assignment", 0),
        ("No", 0),
        ("On Secondment", None),
        ("maybe", None),
        ("Activ", None),
    ],
)
def test_status_words_are_read_by_the_table_alone(text, value):
    assert parse_status(text) == value


def test_the_readme_lists_exactly_the_status_words():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("**HR status words.**", 1)[1].split("\n**", 1)[0]
    listed = {}
    for line in section.splitlines():
        if line.startswith("| in post") or line.startswith("| not in post"):
            value = 1 if line.startswith("| in post") else 0
            for word in line.split("|")[2].split(","):
                listed[word.strip().strip("`").lower()] = value
    assert listed == STATUS_WORDS


def test_suspended_and_unknown_statuses(db, tmp_path):
    f = tmp_path / "r.csv"
    f.write_text(
        "Staff No,Name,Ward,Assignment Status\nS1,Ann Lee,Ward 2,Suspend Assignment\n"
        "S2,Bo Chan,Ward 2,Suspended\nS3,Cy Dee,Ward 2,Active Assignment\nS4,Di Eve,Ward 2,On Secondment\n",
        encoding="utf-8",
    )
    plan = _import(db, f)
    assert [str(p) for p in plan.problems] == [
        "line 5: active: is not an HR status word Champion Desk knows (got 'On Secondment'; the README lists the words)"
    ]
    assert plan.written is False and records.count(db, "staff") == 0
    _import(db, f, skip_invalid=True)
    assert {s["staff_ref"]: s["active"] for s in records.find(db, "staff")} == {"S1": 0, "S2": 0, "S3": 1}


def test_an_empty_unit_is_a_warning_naming_the_line(db, tmp_path):
    f = tmp_path / "r.csv"
    f.write_text(
        'Staff No,Employee Name,Position,Organisation\nK1,"Ok, Name",Consultant,\nK2,Ann Lee,Nurse,Ward 2\n',
        encoding="utf-8",
    )
    plan = _import(db, f)
    assert [str(w) for w in plan.warnings] == ["line 2: unit: empty, imported without a unit"]
    assert plan.written and not plan.problems
    # Once the colleague has a unit, a blank cell keeps it, so there is nothing to warn about.
    f.write_text('Staff No,Employee Name,Position,Organisation\nK1,"Ok, Name",Consultant,Ward 3\n', encoding="utf-8")
    _import(db, f)
    f.write_text('Staff No,Employee Name,Position,Organisation\nK1,"Ok, Name",Consultant,\n', encoding="utf-8")
    assert _import(db, f).warnings == []


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
    text = (
        HR.read_text(encoding="utf-8")
        .replace("Healthcare Assistant", "Nursing Associate")
        .replace("Physiotherapist,Therapies", ",Therapies")
    )
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
        "A2,,Ward 1,no\n"  # line 3: no name
        "A1,Ann Again,Ward 1,no\n"  # line 4: duplicate staff number
        '"A3","' + "x" * 130 + '",Ward 1,no\n'  # line 5: name too long
        "A4,Bo Chan,Ward 2,perhaps\n"  # line 6: not a yes/no
        "A5,Cy Dee\n",  # line 7: ragged
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


@pytest.mark.parametrize(
    "encoding, newline, delimiter",
    [
        ("utf-8", "\n", ","),
        ("utf-8-sig", "\r\n", ","),
        ("cp1252", "\r\n", ";"),
        ("utf-16", "\r\n", "\t"),
        ("utf-8", "\r\n", "|"),
    ],
)
def test_encodings_delimiters_and_line_ends(tmp_path, encoding, newline, delimiter):
    rows = [["Staff No", "Name", "Ward"], ["B1", "Siobhán Ó Briain", "Ward 3"], ["B2", "José Müller", "Ward 3"]]
    if encoding != "cp1252":
        rows.append(["B3", "Łukasz Nowak", "Ward 4"])
    path = tmp_path / "r.csv"
    path.write_bytes(newline.join(delimiter.join(r) for r in rows).encode(encoding) + newline.encode(encoding))
    # Without a byte-order mark only UTF-8 is assumed: older Excel's code page must be named.
    table = read_roster(path, encoding="cp1252" if encoding == "cp1252" else None)
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


@pytest.mark.parametrize(
    "name, write, message", [(c[1], c[2], c[3]) for c in bad_rosters.CASES], ids=[c[0] for c in bad_rosters.CASES]
)
def test_malformed_files_are_refused_clearly(db, tmp_path, name, write, message):
    path = tmp_path / name
    write(path)
    before = _snapshot(db)
    with pytest.raises(TableFileError, match=message):
        _import(db, path)
    assert _snapshot(db) == before


def test_a_mixed_encoding_file_is_refused_naming_the_line_of_the_first_bad_byte(db, tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(
        "Staff No,Name\nG1,Gráinne Ó Súilleabháin\nG2,Zoë Adams\n".encode() + "G3,Siobhán Ó Briain\n".encode("cp1252")
    )
    with pytest.raises(TableFileError, match=r"r.csv, line 4: byte 0xE1 is not UTF-8 text"):
        read_roster(path)
    # Named as Windows-1252, its UTF-8 lines would read as "GrÃ¡inne": refused too, by line.
    with pytest.raises(TableFileError, match=r"r.csv, line 2: holds UTF-8 text though it was read as cp1252"):
        read_roster(path, encoding="cp1252")


@given(
    st.lists(
        st.text(st.characters(codec="cp1252", exclude_categories=("Cc", "Cs")), min_size=1, max_size=12),
        min_size=1,
        max_size=6,
    ),
    st.integers(0, 5),
)
@settings(max_examples=60, deadline=None)
def test_one_foreign_byte_anywhere_names_its_line(names, where):
    import tempfile

    lines = ["Staff No,Name", *(f"Z{n},{name.replace(',', ' ').strip() or 'x'}" for n, name in enumerate(names))]
    where = 1 + where % (len(lines) - 1)
    lines[where] += "\xe9"  # é, written below as one Windows-1252 byte in an otherwise UTF-8 file
    raw = (
        "\n".join(lines[:where]).encode()
        + b"\n"
        + lines[where].encode("cp1252")
        + b"\n"
        + "\n".join(lines[where + 1 :]).encode()
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.csv"
        path.write_bytes(raw)
        try:
            read_roster(path)
        except TableFileError as exc:
            first_bad = next(n for n, line in enumerate(raw.split(b"\n"), 1) if not _is_utf8(line))
            assert f"line {first_bad}:" in str(exc)
        else:
            raise AssertionError("a file mixing encodings was read")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_an_unknown_encoding_is_one_line(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("Staff No,Name\nA1,Ann\n", encoding="utf-8")
    with pytest.raises(TableFileError, match="encoding: 'klingon' is not a text encoding"):
        read_roster(path, encoding="klingon")


def test_a_declared_sheet_size_is_not_believed(tmp_path):
    path = tmp_path / "roster.xlsx"
    rows = [
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>A1</t></is></c><c r="B2" t="inlineStr"><is><t>Ann</t></is></c></row>'
    ]
    workbooks.write_workbook(path, workbooks.sheet_xml(rows, dimension="A1:XFD1048576"), zip64=False)
    table = read_roster(path)
    assert table.headers == ["Staff No", "Name"] and table.rows == [(2, ["A1", "Ann"])]


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
    for expected in (
        {"added": 2, "updated": 0, "unchanged": 0, "invalid": 0},
        {"added": 0, "updated": 0, "unchanged": 2, "invalid": 0},
    ):
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
