"""A merge refuses another file holding text longer than the app lets anyone save."""

from __future__ import annotations

import sqlite3

import pytest

from champion_desk.domain.validation import TEXT_LIMITS
from champion_desk.exchange.merge import MergeError, merge_database
from champion_desk.store import records
from champion_desk.store.database import open_database


def _other_file(tmp_path, response: str):
    path = tmp_path / "other.db"
    with open_database(path) as other:
        unit = records.insert(other, "unit", {"name": "Ward 9"}, "t")
        tool = records.insert(other, "tool", {"name": "Scribe"}, "t")
        champion = records.insert(other, "staff", {"display_name": "Zoë Adams", "unit_id": unit, "is_champion": 1}, "t")
        concern = records.insert(
            other,
            "incident",
            {
                "tool_id": tool,
                "unit_id": unit,
                "reported_by": champion,
                "occurred_on": "2026-11-01",
                "theme": "job security",
            },
            "t",
        )
    # Written past the app's rules, as another program could.
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE incident SET response = ? WHERE id = ?", (response, concern))
    conn.close()
    return path


def test_text_over_the_limit_is_refused_naming_table_field_and_rule_and_nothing_changes(db, tmp_path):
    limit = TEXT_LIMITS["incident"]["response"]
    other = _other_file(tmp_path, "Quiet worry " + "x" * limit)
    before = db.conn.execute("SELECT count(*) FROM incident").fetchone()[0]
    with pytest.raises(
        MergeError, match=r"incident response \(record .*\) is 4,012 characters; at most 4,000 are allowed"
    ) as e:
        merge_database(db, other, "t", backup=False)
    assert "Quiet worry" not in str(e.value)  # the text may be a concern: never quoted
    assert db.conn.execute("SELECT count(*) FROM incident").fetchone()[0] == before


def test_text_at_the_limit_merges(db, tmp_path):
    other = _other_file(tmp_path, "y" * TEXT_LIMITS["incident"]["response"])
    assert merge_database(db, other, "t", backup=False).written


@pytest.mark.parametrize("table,field", [(t, f) for t, fields in TEXT_LIMITS.items() for f in fields])
def test_each_limit_is_the_one_the_app_enforces_on_save(db, table, field):
    from champion_desk.domain.validation import problems

    limit = TEXT_LIMITS[table][field]
    rules = {e.rule for e in problems(db, table, {field: "z" * (limit + 1)})}
    assert f"at most {limit} characters" in rules
    assert not any(r.startswith("at most") for r in {e.rule for e in problems(db, table, {field: "z" * limit})})
