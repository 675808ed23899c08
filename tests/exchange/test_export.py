"""Export: live records only, documented columns, UTF-8 with BOM CSVs, one sheet per table, nothing confidential."""

from __future__ import annotations

import csv

import pytest

from champion_desk.exchange.export import ExportError, export_columns, export_database
from champion_desk.store import records
from champion_desk.store.schema import RECORD_TABLES, columns


@pytest.fixture
def filled(db, ward):
    records.insert(
        db,
        "incident",
        {
            "tool_id": ward["tool"],
            "unit_id": ward["unit"],
            "occurred_on": "2026-11-01",
            "theme": "job security",
            "raised_by": ward["a"],
            "description": '=HYPERLINK("x")',
        },
        "t",
    )
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
    assert rows[0]["description"] == '\'=HYPERLINK("x")'
    assert not (tmp_path / "out" / "audit.csv").exists()


def test_xlsx_export_has_one_sheet_per_table(db, filled, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "desk.xlsx"
    export_database(db, path, "xlsx", full=True)
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == list(RECORD_TABLES)
    staff = list(wb["staff"].iter_rows(values_only=True))
    assert staff[0] == export_columns("staff") and "signing_pin_hash" not in staff[0]
    assert {r[export_columns("staff").index("display_name")] for r in staff[1:]} == {
        "Zoë Adams",
        "Łukasz Nowak",
        "Nguyễn Thị Mai",
        "Siobhán Ó Briain",
    }
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
    assert list(staff[0]) == list(export_columns("staff")), "the same documented columns, only emptied"
    assert {s["display_name"] for s in staff} == {"Zoë Adams", ""}, "only the champion is named"
    assert all(s["staff_ref"] == "" for s in staff if not s["display_name"])
    text = "".join(p.read_text(encoding="utf-8-sig") for p in (tmp_path / "out").glob("*.csv"))
    for private in ("Łukasz", "Nguyễn", "Siobhán", "HYPERLINK"):
        assert private not in text


def test_manager_export_redacts_names_in_free_text_but_not_unit_names(db, filled, tmp_path):
    records.insert(db, "staff", {"display_name": "Jane Ward", "unit_id": filled["unit"]}, "t")
    records.insert(
        db,
        "story",
        {
            "tool_id": filled["tool"],
            "unit_id": filled["unit"],
            "told_on": "2026-11-01",
            "title": "Drafts done by lunch",
            "summary": "Łukasz Nowak saved an hour a shift",
        },
        "t",
    )
    export_database(db, tmp_path / "out", "csv")
    story = (tmp_path / "out" / "story.csv").read_text(encoding="utf-8-sig")
    assert "Łukasz" not in story and "a colleague saved an hour" in story
    assert "Ward 7" in (tmp_path / "out" / "unit.csv").read_text(encoding="utf-8-sig")


def test_manager_export_hides_every_spelling_in_every_free_text_column_and_keeps_place_names(db, filled, tmp_path):
    cedar = records.insert(db, "unit", {"name": "Cedar Ward", "specialty": "Stacey Ward's old specialty"}, "t")
    stacey = records.insert(db, "staff", {"display_name": "Stacey Ward", "unit_id": cedar, "staff_ref": "E77"}, "t")
    records.update(
        db, "staff", filled["b"], {"display_name": "Siobhán Kelly"}, "t"
    )  # renamed: Ó Briain is an earlier name
    records.insert(
        db,
        "incident",
        {
            "tool_id": filled["tool"],
            "unit_id": cedar,
            "occurred_on": "2026-11-01",
            "theme": "other",
            "response": "Met SIOBHÁN Ó\nBRIAIN on Cedar Ward",
        },
        "t",
    )
    records.insert(
        db,
        "suggestion_response",
        {"suggestion_key": "k", "decision": "dismissed", "reason": "stacey  ward (E77) is on leave"},
        "t",
    )
    export_database(db, tmp_path / "out", "csv")
    text = {p.stem: p.read_text(encoding="utf-8-sig") for p in (tmp_path / "out").glob("*.csv")}
    assert "a colleague (a colleague) is on leave" in text["suggestion_response"]
    assert "incident" not in text  # concerns are counted, never listed, in a manager's export
    assert "SIOBH" not in "".join(text.values()).upper()
    assert "a colleague's old specialty" in text["unit"]
    assert text["unit"].count("Cedar Ward") == 1 and "Cedar a colleague" not in "".join(text.values())
    assert stacey and "E77" not in "".join(text.values())


def test_the_default_export_counts_concerns_per_unit_month_and_theme_instead_of_listing_them(db, filled, tmp_path):
    result = export_database(db, tmp_path / "out", "csv")
    assert not (tmp_path / "out" / "incident.csv").exists() and "incident" not in result.counts
    with open(tmp_path / "out" / "concern_counts.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    # One concern in November 2026 on Ward 7: a count, hidden, and no date finer than the month.
    assert rows == [["unit", "month", "theme", "concerns"], ["Ward 7", "2026-11", "job security", "fewer than 5"]]
    export_database(db, tmp_path / "full", "csv", full=True)
    assert (tmp_path / "full" / "incident.csv").exists() and not (tmp_path / "full" / "concern_counts.csv").exists()


def test_export_counts_hide_what_the_one_month_briefings_hide_and_leave_out_the_running_month(db, tmp_path):
    import dataclasses
    import datetime as dt

    from champion_desk.domain.briefing_data import collect, concern_figures
    from champion_desk.domain.scope import Scope
    from champion_desk.exchange.export import concern_count_rows
    from tests.report.sample import build_sample

    build_sample(db)
    rows = concern_count_rows(db, today=dt.date(2026, 11, 26))
    assert {r[1] for r in rows} == {"2026-09", "2026-10"}  # November is still running on the 26th
    for month, end in (("2026-09", dt.date(2026, 9, 30)), ("2026-10", dt.date(2026, 10, 31))):
        everyone = collect(db, Scope(dt.date.fromisoformat(month + "-01"), end), full=False)
        for name, uid in everyone.unit_ids.items():
            one = dataclasses.replace(
                everyone, scope=dataclasses.replace(everyone.scope, units=(name,)), unit_ids={name: uid}
            )
            briefing = {t: c.text for t, c in concern_figures(one, 5).themes.items() if c.value}
            exported = {r[2]: str(r[3]) for r in rows if r[0] == name and r[1] == month}
            assert exported == briefing, (month, name)
    assert len(rows) >= 3, "the sample should give the comparison something to compare"


def test_the_manager_export_says_how_a_tool_was_used_but_not_by_whom(db, filled, tmp_path):
    records.update(db, "staff", filled["a"], {"email": "mai.nguyen@nhs.net", "login": "mnguyen"}, "t")
    records.insert(
        db, "usage", {"staff_id": filled["a"], "tool_id": filled["tool"], "day": "2026-11-02", "count": 4}, "t"
    )
    export_database(db, tmp_path / "out", "csv")
    with open(tmp_path / "out" / "usage.csv", encoding="utf-8-sig", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert (row["staff_id"], row["day"], row["count"]) == ("", "2026-11-02", "4")
    text = "".join(p.read_text(encoding="utf-8-sig") for p in (tmp_path / "out").glob("*.csv"))
    assert "mai.nguyen@nhs.net" not in text and "mnguyen" not in text
    export_database(db, tmp_path / "full", "csv", full=True)
    with open(tmp_path / "full" / "usage.csv", encoding="utf-8-sig", newline="") as fh:
        assert next(csv.DictReader(fh))["staff_id"] == filled["a"]


def test_who_suggested_or_backed_an_idea_is_in_the_full_export_only(db, filled, tmp_path):
    from champion_desk.domain.ideas import back_idea, save_idea

    idea = save_idea(
        db,
        {
            "unit_id": filled["unit"],
            "raised_on": "2026-11-01",
            "suggested_by": filled["a"],
            "title": "Drafts for letters",
            "description": "Nguyễn Thị Mai would pilot it",
        },
        "t",
    )
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
