"""Erasure: no byte of the name stays in the file or its WAL; counts and links survive; a tombstone remains."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from champion_desk.domain.logbook import save_session
from champion_desk.errors import StoreError
from champion_desk.exchange.person import erase_person_by_ref, export_person, find_person
from champion_desk.store import erasure, records
from tests.factories import TODAY, session_values

NAME = "Nguyễn Thị Mai"


def _raw(path: Path) -> bytes:
    data = path.read_bytes()
    for suffix in ("-wal", "-journal"):
        extra = Path(str(path) + suffix)
        if extra.exists():
            data += extra.read_bytes()
    return data


@pytest.fixture
def busy_ward(db, ward):
    """The ward with Mai's name spread around: attendance, a concern she raised, notes, audit rows."""
    save_session(db, session_values(ward, notes=f"{NAME} helped set up the laptop"),
                 [{"staff_id": ward["a"], "confidence_before": 2, "confidence_after": 4}, {"staff_id": ward["b"]}],
                 "Zoë Adams", today=TODAY)
    records.insert(db, "incident", {"tool_id": ward["tool"], "unit_id": ward["unit"], "occurred_on": "2026-11-02",
                                    "theme": "job security", "raised_by": ward["a"], "reported_by": ward["champion"],
                                    "description": f"{NAME.upper()} worried about rotas", "owner": NAME}, "Zoë Adams")
    records.update(db, "staff", ward["a"], {"role": "healthcare assistant"}, NAME)  # she logged a change herself
    records.insert(db, "pairing", {"mentor_id": ward["champion"], "mentee_id": ward["a"], "tool_id": ward["tool"],
                                   "started_on": "2026-11-03", "goal": "Confident with drafts"}, "Zoë Adams")
    db.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    assert NAME.encode() in _raw(db.path)
    return ward


def test_erasure_leaves_no_byte_of_the_name(db, busy_ward):
    before = {t: records.count(db, t) for t in ("attendance", "incident", "pairing", "training_session")}
    report = erase_person_by_ref(db, "E100", "Zoë Adams")
    assert report.result.checkpoint_complete
    for needle in (NAME, NAME.upper(), "E100"):
        assert needle.encode("utf-8") not in _raw(db.path), needle
    # Counts and links stay; the staff row is an anonymous tombstone.
    assert {t: records.count(db, t) for t in before} == before
    row = records.get(db, "staff", busy_ward["a"], include_deleted=True)
    assert erasure.is_erased_row(row) and row["role"] is None and row["unit_id"] == busy_ward["unit"]
    assert records.find(db, "attendance", staff_id=busy_ward["a"])
    assert busy_ward["a"] in erasure.erased_ids(db)
    # Other colleagues keep their names; the audit shows the erasure without naming anyone erased.
    assert records.get(db, "staff", busy_ward["b"])["display_name"] == "Siobhán Ó Briain"
    assert db.scalar("SELECT count(*) FROM audit WHERE action = 'erase'") == 1
    assert db.scalar("PRAGMA integrity_check") == "ok"
    assert db.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_erasing_twice_is_refused(db, busy_ward):
    erase_person_by_ref(db, busy_ward["a"], "x")
    with pytest.raises(StoreError, match="already"):
        erasure.erase_staff(db, busy_ward["a"], "x")


def test_namesakes_keep_their_names(db, ward):
    twin = records.insert(db, "staff", {"display_name": NAME, "staff_ref": "E999"}, "t")
    erase_person_by_ref(db, "E100", "x")
    assert records.get(db, "staff", twin)["display_name"] == NAME


def test_export_person_has_everything_naming_them(db, busy_ward, tmp_path):
    out = tmp_path / "mai.json"
    counts = export_person(db, find_person(db, "e100")["id"], out)
    data = json.loads(out.read_text(encoding="utf-8"))["records"]
    assert data["staff"]["display_name"] == NAME
    assert len(data["attendance"]) == 1 and data["attendance"][0]["confidence_after"] == 4
    assert data["incident"][0]["raised_by"] == busy_ward["a"]
    assert data["pairing"][0]["mentee_id"] == busy_ward["a"]
    assert any(a["actor"] == NAME for a in data["audit"])
    assert counts["attendance"] == 1 and counts["staff"] == 1


def test_erasing_yourself_does_not_sign_with_your_name(db, busy_ward):
    erase_person_by_ref(db, "E100", NAME)
    assert NAME.encode() not in _raw(db.path)



def test_surname_first_names_are_also_erased_as_written_in_notes(db, ward):
    person = records.insert(db, "staff", {"display_name": "Adams,  Zoë", "staff_ref": "E555"}, "t")
    records.insert(db, "incident", {"tool_id": ward["tool"], "unit_id": ward["unit"], "occurred_on": "2026-11-02",
                                    "theme": "workload and time", "description": "zoë adams asked about rotas"}, "t")
    erasure.erase_staff(db, person, "t")
    assert "zoë adams".encode() not in _raw(db.path) and "Adams,  Zoë".encode() not in _raw(db.path)


def test_an_erased_colleague_cannot_be_restored(db, busy_ward):
    from champion_desk.errors import ConflictError

    erase_person_by_ref(db, busy_ward["a"], "x")
    with pytest.raises(ConflictError) as err:
        records.undelete(db, "staff", busy_ward["a"], "x")
    assert err.value.rule == "erased records cannot be restored"
    assert records.get(db, "staff", busy_ward["a"], include_deleted=True)["deleted_at"]


def test_erasure_covers_ideas_she_suggested_backed_or_is_named_in(db, busy_ward):
    from champion_desk.domain.ideas import back_idea, save_idea, support

    ward = busy_ward
    hers = save_idea(db, {"unit_id": ward["unit"], "raised_on": "2026-11-04", "suggested_by": ward["a"],
                          "title": f"{NAME}'s idea: drafts for letters", "description": f"Ask {NAME} how",
                          "status": "not now", "status_reason": f"{NAME} is on leave"}, "Zoë Adams", today=TODAY)
    other = save_idea(db, {"unit_id": ward["unit"], "raised_on": "2026-11-04", "title": "Night-shift huddles"},
                      "Zoë Adams", today=TODAY)
    back_idea(db, other, NAME, "2026-11-05", backed_by=ward["a"], today=TODAY)
    erase_person_by_ref(db, "E100", "Zoë Adams")
    assert NAME.encode() not in _raw(db.path)
    row = records.get(db, "idea", hers)
    assert (row["title"], row["description"], row["status_reason"]) == (
        "[erased]'s idea: drafts for letters", "Ask [erased] how", "[erased] is on leave")
    assert row["suggested_by"] == ward["a"]  # the link stays, to an anonymous tombstone
    assert support(db, other) == 1, "her backing still counts, without her name"


def test_export_person_has_the_ideas_she_suggested_or_backed(db, ward):
    from champion_desk.domain.ideas import back_idea, save_idea
    from champion_desk.exchange.person import person_records

    hers = save_idea(db, {"unit_id": ward["unit"], "raised_on": "2026-11-04", "suggested_by": ward["a"],
                          "title": "Drafts for letters"}, "t", today=TODAY)
    other = save_idea(db, {"unit_id": ward["unit"], "raised_on": "2026-11-04", "title": "Huddles"}, "t", today=TODAY)
    back_idea(db, other, "t", "2026-11-05", backed_by=ward["a"], today=TODAY)
    back_idea(db, other, "t", "2026-11-05", backers=4, today=TODAY)
    found = person_records(db, ward["a"])
    assert [r["id"] for r in found["idea"]] == [hers]
    assert [(r["idea_id"], r["backed_by"]) for r in found["idea_support"]] == [(other, ward["a"])]
