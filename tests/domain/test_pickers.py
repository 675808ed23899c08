"""Read queries behind the dialogs' pickers."""

from __future__ import annotations

from champion_desk.domain import logbook, pickers
from champion_desk.store import records
from tests.factories import session_values


def _pair(db, ward, mentee, status="active", **extra):
    values = {
        "mentor_id": ward["champion"],
        "mentee_id": mentee,
        "tool_id": ward["tool"],
        "started_on": "2026-10-01",
        "status": status,
        **extra,
    }
    return logbook.save(db, "pairing", values, "t")


def test_fold_ignores_case_and_accents():
    assert pickers.fold("Łukasz Nguyễn ZOË") == "lukasz nguyen zoe"


def test_search_staff_by_name_prefix_without_accents(db, ward):
    found = pickers.search_staff(db, "nguyen m")
    assert [p["id"] for p in found] == [ward["a"]]
    assert found[0]["unit_name"] == "Ward 7"


def test_search_staff_by_staff_number_ranks_exact_number_first(db, ward):
    records.insert(db, "staff", {"display_name": "E101 Fan", "staff_ref": "X9"}, "t")
    found = pickers.search_staff(db, "e101")
    assert found[0]["id"] == ward["b"]


def test_search_staff_leaves_out_inactive_unless_asked(db, ward):
    records.update(db, "staff", ward["b"], {"active": 0}, "t")
    assert pickers.search_staff(db, "Siobhan") == []
    assert [p["id"] for p in pickers.search_staff(db, "Siobhan", include_inactive=True)] == [ward["b"]]


def test_search_with_nothing_typed_finds_nobody(db, ward):
    assert pickers.search_staff(db, "  ") == []


def test_champions_list_their_active_mentees_only(db, ward):
    _pair(db, ward, ward["a"])
    _pair(db, ward, ward["b"], status="completed", ended_on="2026-11-01")
    champions = pickers.champions_with_mentees(db)
    assert [(c["display_name"], c["mentees"]) for c in champions] == [("Zoë Adams", ["Nguyễn Thị Mai"])]


def test_champions_can_include_a_former_mentor(db, ward):
    assert [c["id"] for c in pickers.champions_with_mentees(db, include_id=ward["manager"])] == [
        ward["champion"],
        ward["manager"],
    ]


def test_active_pairings_carry_names_and_can_include_an_ended_one(db, ward):
    active = _pair(db, ward, ward["a"])
    ended = _pair(db, ward, ward["b"], status="ended", ended_on="2026-11-01")
    assert [(p["mentor_name"], p["mentee_name"], p["tool_name"]) for p in pickers.active_pairings(db)] == [
        ("Zoë Adams", "Nguyễn Thị Mai", "Scribe")
    ]
    assert {p["id"] for p in pickers.active_pairings(db, include_id=ended)} == {active, ended}


def test_most_used_tool_prefers_the_busiest_tool(db, ward):
    busy = records.insert(db, "tool", {"name": "Alerts", "stage": "live"}, "t")
    assert pickers.most_used_tool_id(db) == busy  # no use yet: first by name
    logbook.save(db, "training_session", session_values(ward), "t")
    assert pickers.most_used_tool_id(db) == ward["tool"]


def test_most_used_tool_is_none_without_tools(db):
    assert pickers.most_used_tool_id(db) is None


def test_attendees_carry_names_and_who_signed_off(db, ward):
    session = logbook.save_session(
        db,
        session_values(ward),
        [
            {"staff_id": ward["a"], "signed_off": 1, "signed_off_by": ward["champion"], "signed_off_on": "2026-11-20"},
            {"staff_id": ward["b"], "confidence_before": 2},
        ],
        "t",
    )
    rows = pickers.attendees(db, session)
    assert [r["display_name"] for r in rows] == ["Nguyễn Thị Mai", "Siobhán Ó Briain"]
    assert rows[0]["signed_off_by_name"] == "Zoë Adams"


def test_staff_member_finds_a_deleted_colleague(db, ward):
    records.delete(db, "staff", ward["b"], "t")
    assert pickers.staff_member(db, ward["b"])["deleted"] is True
    assert pickers.staff_member(db, None) is None


def test_search_lists_colleagues_of_the_preferred_unit_first(db, ward):
    other_unit = records.insert(db, "unit", {"name": "Ward 8"}, "t")
    records.insert(db, "staff", {"display_name": "Nadia Mai", "unit_id": other_unit}, "t")
    people = pickers.staff(db)
    assert [p["display_name"] for p in pickers.match_staff(people, "mai", prefer_unit_id=other_unit)] == [
        "Nadia Mai",
        "Nguyễn Thị Mai",
    ]
    assert [p["display_name"] for p in pickers.match_staff(people, "mai", prefer_unit_id=ward["unit"])] == [
        "Nguyễn Thị Mai",
        "Nadia Mai",
    ]


def test_checkin_pairings_are_yours_then_your_units_never_another_wards(db, ward):
    oak = records.insert(db, "unit", {"name": "Oak Ward"}, "t")
    abel = records.insert(db, "staff", {"display_name": "Abel Adeyemi", "unit_id": oak, "is_champion": 1}, "t")
    ada = records.insert(db, "staff", {"display_name": "Ada Okafor", "unit_id": oak}, "t")
    values = {"tool_id": ward["tool"], "started_on": "2026-10-01"}
    elsewhere = logbook.save(db, "pairing", {**values, "mentor_id": abel, "mentee_id": ada}, "t")
    # Mentored from another ward, but the mentee works on the champion's: their unit's pairing.
    visiting = logbook.save(db, "pairing", {**values, "mentor_id": abel, "mentee_id": ward["b"]}, "t")
    mine = _pair(db, ward, ward["a"])
    offered = pickers.checkin_pairings(db, ward["champion"])
    assert [(p["id"], p["whose"]) for p in offered] == [(mine, pickers.YOURS), (visiting, pickers.YOUR_UNIT)]
    assert elsewhere in [p["id"] for p in pickers.checkin_pairings(db, ward["champion"], include_id=elsewhere)]
    # Someone whose own unit has no pairings (and no one chosen) is offered every pairing, none as theirs.
    assert {p["whose"] for p in pickers.checkin_pairings(db, None)} == {pickers.OTHER}
    assert len(pickers.checkin_pairings(db, abel)) == 2  # Abel's own, both


def test_a_ward_that_syncs_counts_its_own_units_as_home(db, ward, monkeypatch):
    monkeypatch.setattr(pickers, "own_unit_names", lambda conn: ("Oak  ward",))
    oak = records.insert(db, "unit", {"name": "Oak Ward"}, "t")
    assert pickers.home_unit_ids(db, ward["champion"]) == {ward["unit"], oak}
    assert pickers.home_unit_ids(db, None) == {oak}
