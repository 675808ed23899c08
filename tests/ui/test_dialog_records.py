"""Every record dialog opens for a new record and for an existing one, and saves a valid record."""

from __future__ import annotations

import datetime as dt

import pytest

from champion_desk.domain import logbook
from champion_desk.store import records
from tests.factories import session_values
from tests.ui.test_dialog_base import make_dialog

SCORES = {"awareness": 3.4, "desire": 2.8, "knowledge": 3.0, "ability": 2.5, "reinforcement": 4.1}


@pytest.fixture
def logged(db, ward):
    """Return the ward's ids plus one record of every table, keyed by table name."""
    ids = dict(ward)
    save = lambda table, values: logbook.save(db, table, values, "t")  # noqa: E731
    ids["pairing"] = save(
        "pairing",
        {
            "mentor_id": ward["champion"],
            "mentee_id": ward["a"],
            "tool_id": ward["tool"],
            "started_on": "2026-10-01",
            "goal": "Confident on nights",
        },
    )
    ids["rollout"] = save(
        "rollout", {"tool_id": ward["tool"], "unit_id": ward["unit"], "stage": "pilot", "since": "2026-09-01"}
    )
    ids["training_session"] = logbook.save_session(db, session_values(ward), [{"staff_id": ward["a"]}], "t")
    ids["incident"] = save(
        "incident",
        {
            "tool_id": ward["tool"],
            "unit_id": ward["unit"],
            "occurred_on": "2026-11-02",
            "theme": "job security",
            "description": "Worried the scribe replaces clerks",
            "raised_by": ward["b"],
            "reported_by": ward["champion"],
        },
    )
    ids["checkin"] = save("checkin", {"pairing_id": ids["pairing"], "held_on": "2026-11-10", "confidence": 3})
    ids["pulse"] = save(
        "pulse",
        {"unit_id": ward["unit"], "tool_id": ward["tool"], "taken_on": "2026-11-01", "respondents": 9, **SCORES},
    )
    ids["story"] = save(
        "story", {"tool_id": ward["tool"], "told_on": "2026-11-05", "title": "Handover ten minutes shorter"}
    )
    ids["idea"] = save(
        "idea",
        {
            "unit_id": ward["unit"],
            "raised_on": "2026-11-03",
            "status_on": "2026-11-03",
            "title": "Scribe for discharge letters",
        },
    )
    ids["staff"] = ward["a"]
    return ids


NEW_VALUES = {
    "unit": {"name": "Ward 12"},
    "staff": {
        "display_name": "Kofi Boateng",
        "staff_ref": "E300",
        "role": "midwife",
        "email": "kofi.boateng@nhs.net",
        "login": "kboateng",
    },
    "tool": {"name": "Sepsis alert", "refresher_months": 6},
    "rollout": {"stage": "live"},
    "training_session": {"topic": "First look"},
    "incident": {"theme": "workload and time", "description": "Extra clicks at handover"},
    "pairing": {},  # the mentee is chosen from the ward below
    "checkin": {"note": "Went through corrections", "confidence": 4},
    "pulse": {"respondents": 14, **SCORES},
    "story": {"title": "Fewer missed observations", "value": "-20%"},
    "idea": {"title": "Quick-reference card by each PC", "status": "under consideration"},
}
EDITS = {
    "unit": {"site": "North wing"},
    "staff": {"role": "healthcare assistant"},
    "tool": {"vendor": "Acme Health"},
    "rollout": {"stage": "live"},
    "training_session": {"topic": "Corrections, again"},
    "incident": {"response": "Shown the audit trail at huddle"},
    "pairing": {"progress": 60},
    "checkin": {"minutes": 20},
    "pulse": {"ability": 3.3},
    "story": {"summary": "Night team report it at every handover"},
    "idea": {"description": "Bank staff asked for it twice"},
}


def _fill(dialog, values):
    for name, value in values.items():
        dialog.fields[name].widget.set_value(value)


@pytest.mark.parametrize("table", sorted(NEW_VALUES))
def test_new_record_saves_through_the_dialog(qtbot, ward_context, db, logged, table):
    dialog = make_dialog(qtbot, ward_context, table)
    assert dialog.windowTitle().startswith("New ")
    values = dict(NEW_VALUES[table])
    if table == "pairing":
        values["mentee_id"] = logged["b"]
    _fill(dialog, values)
    if table == "training_session":  # a session already held needs someone who attended
        dialog.attendees.add_person(records.get(db, "staff", logged["b"]))
    assert dialog.save(), {
        n: f.error.message() for n, f in dialog.fields.items() if f.error.message()
    } or dialog.banner.message()
    saved = records.get(db, table, dialog.saved_id)
    for name, value in values.items():
        assert saved[name] == value, name


@pytest.mark.parametrize("table", sorted(EDITS))
def test_existing_record_loads_and_saves_an_edit(qtbot, ward_context, db, logged, table):
    before = records.get(db, table, logged[table])
    dialog = make_dialog(qtbot, ward_context, table, record_id=logged[table])
    assert dialog.windowTitle().startswith("Edit ")
    assert not dialog.is_dirty(), "loading must not count as a change"
    _fill(dialog, EDITS[table])
    assert dialog.is_dirty()
    assert dialog.save(), {
        n: f.error.message() for n, f in dialog.fields.items() if f.error.message()
    } or dialog.banner.message()
    after = records.get(db, table, logged[table])
    changed = {k for k in after if after[k] != before[k]} - {"updated_at"}
    assert changed == set(EDITS[table])


def test_prefill_sets_a_new_records_values(qtbot, ward_context, logged):
    dialog = make_dialog(qtbot, ward_context, "checkin", prefill={"pairing_id": logged["pairing"], "minutes": 15})
    assert dialog.fields["pairing_id"].widget.value() == logged["pairing"]
    assert dialog.fields["minutes"].widget.value() == 15


def test_new_records_default_to_today_the_users_unit_and_the_most_used_tool(qtbot, ward_context, db, logged):
    other = records.insert(db, "tool", {"name": "AAA unused", "stage": "live"}, "t")
    dialog = make_dialog(qtbot, ward_context, "story")
    assert dialog.fields["told_on"].widget.value() == dt.date.today().isoformat()
    assert dialog.fields["tool_id"].widget.value() == logged["tool"] != other
    assert dialog.fields["unit_id"].widget.value() == logged["unit"]
