"""Export: live records only, documented columns, UTF-8 with BOM CSVs, one sheet per table, nothing confidential."""

from __future__ import annotations

import csv

import pytest

from champion_desk.exchange.export import ExportError, export_columns, export_database
from champion_desk.store import records
from champion_desk.store.schema import RECORD_TABLES, columns


@pytest.fixture
def filled(db, ward):
    records.insert(db, "incident", {"tool_id": ward["tool"], "unit_id": ward["unit"], "occurred_on": "2026-11-01",
                                    "theme": "job security", "raised_by": ward["a"], "description": "=HYPERLINK(\"x\")"}, "t")
    gone = records.insert(db, "unit", {"name": "Closed ward"}, "t")
    records.delete(db, "unit", gone, "t")
    return ward


def test_csv_export_is_a_folder_of_bom_files_with_live_rows(db, filled, tmp_path):
    result = export_database(db, tmp_path / "out", "csv", full=True)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f"{t}.csv" for t in RECORD_TABLES)
    raw = (tmp_path / "out" / "staff.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "Łukasz Nowak".encode() in raw
    with open(tmp_path / "out" / "unit.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == list(columns("unit"))
    assert [r[rows[0].index("name")] for r in rows[1:]] == ["Ward 7"]
    assert result.counts["staff"] == 4 and result.counts["unit"] == 1
    assert "audit" not in result.counts


def test_confidential_columns_and_formulas(db, filled, tmp_path):
    export_database(db, tmp_path / "out", "csv", full=True)
    with open(tmp_path / "out" / "incident.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert "raised_by" not in rows[0] and "raised_by" not in export_columns("incident")
    assert rows[0]["description"] == "'=HYPERLINK(\"x\")"
    assert not (tmp_path / "out" / "audit.csv").exists()


def test_xlsx_export_has_one_sheet_per_table(db, filled, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "desk.xlsx"
    export_database(db, path, "xlsx", full=True)
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == list(RECORD_TABLES)
    staff = list(wb["staff"].iter_rows(values_only=True))
    assert staff[0] == columns("staff")
    assert {r[columns("staff").index("display_name")] for r in staff[1:]} == {
        "Zoë Adams", "Łukasz Nowak", "Nguyễn Thị Mai", "Siobhán Ó Briain"}
    incident = list(wb["incident"].iter_rows(values_only=True))
    assert incident[1][incident[0].index("description")].startswith("'=")
    wb.close()
    assert not list(tmp_path.glob(".partial-*"))


def test_export_refuses_a_file_for_csv(db, tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("")
    with pytest.raises(ExportError, match="folder"):
        export_database(db, f, "csv")


def test_the_default_export_is_fit_for_a_manager(db, filled, tmp_path):
    export_database(db, tmp_path / "out", "csv")
    with open(tmp_path / "out" / "staff.csv", encoding="utf-8-sig", newline="") as fh:
        staff = list(csv.DictReader(fh))
    assert list(staff[0]) == list(columns("staff")), "the same documented columns, only emptied"
    assert {s["display_name"] for s in staff} == {"Zoë Adams", ""}, "only the champion is named"
    assert all(s["staff_ref"] == "" for s in staff if not s["display_name"])
    text = "".join(p.read_text(encoding="utf-8-sig") for p in (tmp_path / "out").glob("*.csv"))
    for private in ("Łukasz", "Nguyễn", "Siobhán", "HYPERLINK"):
        assert private not in text


def test_manager_export_redacts_names_in_free_text_but_not_unit_names(db, filled, tmp_path):
    records.insert(db, "staff", {"display_name": "Jane Ward", "unit_id": filled["unit"]}, "t")
    records.insert(db, "story", {"tool_id": filled["tool"], "unit_id": filled["unit"], "told_on": "2026-11-01",
                                 "title": "Drafts done by lunch", "summary": "Łukasz Nowak saved an hour a shift"}, "t")
    export_database(db, tmp_path / "out", "csv")
    story = (tmp_path / "out" / "story.csv").read_text(encoding="utf-8-sig")
    assert "Łukasz" not in story and "a colleague saved an hour" in story
    assert "Ward 7" in (tmp_path / "out" / "unit.csv").read_text(encoding="utf-8-sig")


def test_who_suggested_or_backed_an_idea_is_in_the_full_export_only(db, filled, tmp_path):
    from champion_desk.domain.ideas import back_idea, save_idea

    idea = save_idea(db, {"unit_id": filled["unit"], "raised_on": "2026-11-01", "suggested_by": filled["a"],
                          "title": "Drafts for letters", "description": "Nguyễn Thị Mai would pilot it"}, "t")
    back_idea(db, idea, "t", "2026-11-02", backed_by=filled["b"])
    back_idea(db, idea, "t", "2026-11-02", backers=4)

    def read(folder: str, table: str) -> list[dict]:
        with open(tmp_path / folder / f"{table}.csv", encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))

    export_database(db, tmp_path / "full", "csv", full=True)
    export_database(db, tmp_path / "manager", "csv")
    assert read("full", "idea")[0]["suggested_by"] == filled["a"]
    assert {r["backed_by"] for r in read("full", "idea_support")} == {filled["b"], ""}
    manager = read("manager", "idea")
    assert manager[0]["suggested_by"] == "" and manager[0]["title"] == "Drafts for letters"
    assert manager[0]["description"] == "" and read("full", "idea")[0]["description"] == "Nguyễn Thị Mai would pilot it"
    assert sorted((r["backed_by"], r["backers"]) for r in read("manager", "idea_support")) == [("", "1"), ("", "4")]
