"""Signing PINs: who may set them, signing with and without one, wrong tries, the audit, the schema upgrade."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from champion_desk.domain import logbook, pin, signing
from champion_desk.errors import ConflictError, ValidationError
from champion_desk.store import records
from tests.factories import TODAY, session_values

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def fast_scrypt(monkeypatch):
    """Hash with a tiny scrypt cost: the rules are under test here, not the cost."""
    real = pin.hash_pin
    monkeypatch.setattr(pin, "hash_pin", lambda p, **_: real(p, n=2**4))


@pytest.fixture
def manager_pin(db, ward, fast_scrypt):
    """Give the ward's manager the first signing PIN in the logbook, with the champion present."""
    signing.set_signing_pin(db, ward["manager"], "2468", "t", authoriser_id=ward["champion"])
    return "2468"


def _session(db, ward, **overrides):
    return logbook.save(db, "training_session", session_values(ward, **overrides), "t", today=TODAY)


def test_the_first_pin_needs_a_second_person_and_is_stored_only_hashed(db, ward, fast_scrypt):
    with pytest.raises(ValidationError) as err:
        signing.set_signing_pin(db, ward["manager"], "2468", "t")
    assert err.value.field == "authoriser"
    with pytest.raises(ValidationError) as err:
        signing.set_signing_pin(db, ward["manager"], "2468", "t", authoriser_id=ward["manager"])
    assert err.value.field == "authoriser"
    signing.set_signing_pin(db, ward["manager"], "2468", "t", authoriser_id=ward["champion"])
    stored = records.get(db, "staff", ward["manager"])["signing_pin_hash"]
    assert stored.startswith("scrypt$") and "2468" not in stored and pin.verify_pin("2468", stored)
    audit = db.query("SELECT changes FROM audit WHERE record_id = ? ORDER BY at", (ward["manager"],))[-1]["changes"]
    assert stored not in audit and json.loads(audit)["signing_pin"] == "set"


def test_once_someone_has_a_pin_the_second_person_must_type_theirs(db, ward, manager_pin):
    with pytest.raises(ValidationError) as err:  # the champion has no PIN: their word is not enough now
        signing.set_signing_pin(db, ward["a"], "1357", "t", authoriser_id=ward["champion"])
    assert (err.value.field, err.value.rule) == ("authoriser", "must have a signing PIN")
    with pytest.raises(ValidationError) as err:
        signing.set_signing_pin(db, ward["champion"], "1357", "t", authoriser_id=ward["manager"], authoriser_pin="0000")
    assert err.value.field == "authoriser_pin"
    assert not signing.has_signing_pin(db, ward["champion"])
    signing.set_signing_pin(
        db, ward["champion"], "1357", "t", authoriser_id=ward["manager"], authoriser_pin=manager_pin
    )
    assert signing.has_signing_pin(db, ward["champion"])


def test_a_pin_is_changed_with_the_current_one_or_reset_by_a_manager_with_one(db, ward, manager_pin):
    signing.set_signing_pin(
        db, ward["champion"], "1357", "t", authoriser_id=ward["manager"], authoriser_pin=manager_pin
    )
    with pytest.raises(ValidationError) as err:
        signing.set_signing_pin(db, ward["champion"], "9999", "t", current_pin="1111")
    assert err.value.field == "current_pin"
    with pytest.raises(ValidationError) as err:  # nobody else present: a forgotten PIN is not reset alone
        signing.set_signing_pin(db, ward["champion"], "9999", "t")
    assert err.value.field == "authoriser"
    signing.set_signing_pin(db, ward["champion"], "9999", "t", current_pin="1357")
    signing.set_signing_pin(
        db, ward["champion"], "8642", "t", authoriser_id=ward["manager"], authoriser_pin=manager_pin
    )
    assert signing.sign_as(db, ward["champion"], "8642").state == signing.VERIFIED
    with pytest.raises(ValidationError) as err:
        signing.set_signing_pin(db, ward["champion"], "12ab", "t", current_pin="8642")
    assert (err.value.field, err.value.rule) == ("new_pin", "digits only")


def test_countersigning_as_someone_with_a_pin_needs_it(db, ward, manager_pin):
    sid = _session(db, ward)
    with pytest.raises(ValidationError) as err:
        logbook.countersign(db, [sid], signing.sign_as(db, ward["manager"], "1111"), "t", on=TODAY)
    assert err.value.field == "pin"
    with pytest.raises(ValidationError):
        signing.sign_as(db, ward["manager"], None)
    # A signature for someone else does not sign as the manager.
    other = signing.sign_as(db, ward["b"], None)
    with pytest.raises(ValidationError) as err:
        logbook.save(
            db,
            "training_session",
            {"verified_by": ward["manager"], "verified_on": TODAY.isoformat()},
            "t",
            sid,
            today=TODAY,
            signatures={ward["b"]: other},
        )
    assert (err.value.field, err.value.rule) == ("verified_by", "needs the signer's PIN")
    assert records.get(db, "training_session", sid)["verified_by"] is None
    assert logbook.countersign(db, [sid], signing.sign_as(db, ward["manager"], manager_pin), "t", on=TODAY) == 1
    row = records.get(db, "training_session", sid)
    assert (row["verified_by"], row["verified_signature"]) == (ward["manager"], "pin")
    change = json.loads(
        db.query("SELECT changes FROM audit WHERE record_id = ? AND action = 'update'", (sid,))[-1]["changes"]
    )
    assert change["verified_signature"] == [None, "pin"]


def test_without_a_pin_a_signature_is_stored_as_unverified(db, ward):
    sid = _session(db, ward)
    logbook.countersign(db, [sid], signing.sign_as(db, ward["manager"], None), "t", on=TODAY)
    assert records.get(db, "training_session", sid)["verified_signature"] == "unverified"


def test_signature_states_are_not_set_by_hand(db, ward):
    sid = _session(db, ward)
    for field, value in (("verified_signature", "pin"), ("signing_pin_hash", "scrypt$x")):
        table, rid = ("training_session", sid) if field == "verified_signature" else ("staff", ward["a"])
        with pytest.raises(ValidationError) as err:
            logbook.save(db, table, {field: value}, "t", rid, today=TODAY)
        assert (err.value.field, err.value.rule) == (field, "set only by signing")


def test_a_sign_off_is_verified_only_with_the_signers_pin_and_a_new_date_signs_again(db, ward, manager_pin):
    sid = _session(db, ward, trainer_id=ward["champion"])
    attendee = {"staff_id": ward["a"], "signed_off": 1, "signed_off_by": ward["manager"], "signed_off_on": "2026-11-21"}
    assert logbook.attendance_signers(db, sid, [attendee]) == [ward["manager"]]
    with pytest.raises(ValidationError) as err:
        logbook.save_session(db, session_values(ward), [attendee], "t", sid, today=TODAY)
    assert err.value.field == "attendees.0.signed_off_by"
    assert records.find(db, "attendance", session_id=sid) == []
    signature = signing.sign_as(db, ward["manager"], manager_pin)
    logbook.save_session(
        db, session_values(ward), [attendee], "t", sid, today=TODAY, signatures={ward["manager"]: signature}
    )
    (row,) = records.find(db, "attendance", session_id=sid)
    assert row["signed_off_signature"] == "pin"
    assert logbook.attendance_signers(db, sid, [attendee]) == []  # unchanged: nothing to sign
    logbook.save_session(db, session_values(ward), [{**attendee, "confidence_after": 4}], "t", sid, today=TODAY)
    moved = {**attendee, "signed_off_on": "2026-11-22"}
    assert logbook.attendance_signers(db, sid, [moved]) == [ward["manager"]]
    with pytest.raises(ValidationError):
        logbook.save_session(db, session_values(ward), [moved], "t", sid, today=TODAY)
    assert records.find(db, "attendance", session_id=sid)[0]["signed_off_on"] == "2026-11-21"


def test_wrong_tries_slow_down_and_the_wait_survives_a_new_connection(db, db_path, ward, manager_pin):
    from champion_desk.store.database import open_database

    for n in range(pin.FREE_TRIES):
        with pytest.raises(ValidationError):
            signing.sign_as(db, ward["manager"], "0000", now=NOW)
    assert signing.wait_seconds(db, ward["manager"], now=NOW) == pin.FIRST_DELAY_SECONDS
    other = open_database(db_path)
    try:
        assert signing.wait_seconds(other, ward["manager"], now=NOW + dt.timedelta(seconds=10)) == pytest.approx(20)
        with pytest.raises(ValidationError) as err:  # even the right PIN waits
            signing.sign_as(other, ward["manager"], manager_pin, now=NOW + dt.timedelta(seconds=10))
        assert err.value.rule == "wait after wrong PINs"
    finally:
        other.close()
    # A clock set back a day cannot make the wait longer than the policy's.
    assert signing.wait_seconds(db, ward["manager"], now=NOW - dt.timedelta(days=1)) == pin.FIRST_DELAY_SECONDS
    later = NOW + dt.timedelta(seconds=31)
    assert signing.sign_as(db, ward["manager"], manager_pin, now=later).state == signing.VERIFIED
    assert records.get(db, "staff", ward["manager"])["signing_pin_failures"] == 0


def test_version_11_marks_old_signatures_as_recorded_before_signatures(db, ward):
    from champion_desk.store import schema

    sid = _session(db, ward)
    logbook.countersign(db, [sid], signing.sign_as(db, ward["manager"], None), "t", on=TODAY)
    fresh = _session(db, ward, held_on="2026-11-19")
    # Take the columns away again, as a version 9 file has it, then run the upgrade.
    for table, added in schema.SIGNATURE_COLUMNS.items():
        for column in added:
            db.conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    import sqlite_utils

    schema._version_11(sqlite_utils.Database(db.conn))
    assert {r["name"] for r in db.query("PRAGMA table_info(staff)")} >= set(schema.SIGNATURE_COLUMNS["staff"])
    states = {r["id"]: r["verified_signature"] for r in db.query("SELECT id, verified_signature FROM training_session")}
    assert states == {sid: "before signatures", fresh: None}
    assert signing.label(states[sid]) == "recorded before signatures"


def test_making_a_colleague_a_manager_by_hand_needs_a_managers_signing_pin(db, ward, manager_pin):
    with pytest.raises(ValidationError) as err:
        logbook.save(db, "staff", {"role": "Ward Manager"}, "t", ward["a"])
    assert (err.value.field, err.value.rule) == ("role", "a manager's role needs a manager's signing PIN")
    assert "roster" in err.value.message
    with pytest.raises(ValidationError) as err:
        signing.authorise_as_manager(db, ward["manager"], "0000")
    assert err.value.field == "authoriser_pin"
    with pytest.raises(ValidationError) as err:
        signing.authorise_as_manager(db, ward["champion"], "2468")
    assert (err.value.field, err.value.rule) == ("authoriser", "must be a manager")
    assert db.scalar("SELECT role FROM staff WHERE id = ?", (ward["a"],)) != "Ward Manager"

    by_manager = signing.authorise_as_manager(db, ward["manager"], "2468")
    logbook.save(db, "staff", {"role": "Ward Manager"}, "clerk", ward["a"], authorisation=by_manager)
    assert db.scalar("SELECT role FROM staff WHERE id = ?", (ward["a"],)) == "Ward Manager"
    rows = db.query(
        "SELECT actor, changes FROM audit WHERE record_id = ? AND action = 'update' ORDER BY at", (ward["a"],)
    )
    assert json.loads(rows[-2]["changes"])["role"][1] == "Ward Manager"
    assert json.loads(rows[-1]["changes"])["authoriser_id"] == ward["manager"]
    assert rows[-1]["actor"] == "clerk"


def test_a_new_colleague_with_a_managers_role_needs_it_too_but_not_other_edits(db, ward, manager_pin):
    with pytest.raises(ValidationError) as err:
        logbook.save(db, "staff", {"display_name": "Pat New", "role": "matron"}, "t")
    assert err.value.field == "role"
    assert not records.find(db, "staff", display_name="Pat New")
    # Not a grant of powers: an existing manager's other fields, a change between manager roles, a demotion.
    logbook.save(db, "staff", {"role": "matron", "unit_id": None}, "t", ward["manager"])
    logbook.save(db, "staff", {"role": "staff nurse"}, "t", ward["manager"])
    with pytest.raises(ValidationError):
        logbook.save(db, "staff", {"role": "matron"}, "t", ward["manager"])


def test_an_authorisation_from_someone_no_longer_a_manager_is_refused(db, ward, manager_pin):
    by_manager = signing.authorise_as_manager(db, ward["manager"], "2468")
    logbook.save(db, "staff", {"role": "staff nurse"}, "t", ward["manager"])
    with pytest.raises(ValidationError) as err:
        logbook.save(db, "staff", {"role": "ward manager"}, "t", ward["a"], authorisation=by_manager)
    assert err.value.field == "authoriser"


def test_the_first_colleague_in_an_empty_logbook_may_be_its_manager(db):
    first = logbook.save(db, "staff", {"display_name": "First In", "role": "ward manager"}, "t")
    assert records.get(db, "staff", first)["role"] == "ward manager"
    with pytest.raises(ValidationError):
        logbook.save(db, "staff", {"display_name": "Second In", "role": "ward manager"}, "t")


def test_a_roster_import_sets_a_managers_role_without_a_pin(db, ward, tmp_path):
    from champion_desk.exchange import roster

    path = tmp_path / "esr.csv"
    path.write_text("Staff number,Name,Role\nE777,Roster Person,Ward Manager\n", encoding="utf-8")
    table = roster.read_roster(path)
    roster.import_roster(db, table, roster.guess_mapping(table.headers), "t", backup=False)
    assert records.find(db, "staff", staff_ref="E777")[0]["role"] == "Ward Manager"


def test_only_the_signer_withdraws_a_countersign_and_all_or_nothing(db, ward, manager_pin):
    mine, other = _session(db, ward), _session(db, ward)
    logbook.countersign(db, [mine], signing.sign_as(db, ward["manager"], manager_pin), "t", on=TODAY)
    # ``other`` was never countersigned: there is nothing of the manager's to withdraw there.
    with pytest.raises(ConflictError) as err:
        signing.withdraw_countersign(db, [mine, other], ward["manager"], "Łukasz Nowak")
    assert err.value.field == "verified_by"
    assert records.get(db, "training_session", mine)["verified_signature"] == "pin"  # nothing half-withdrawn
    assert signing.withdraw_countersign(db, [mine], ward["manager"], "Łukasz Nowak") == 1
    row = records.get(db, "training_session", mine)
    assert (row["verified_by"], row["verified_on"], row["verified_signature"]) == (None, None, None)
    withdrawal = json.loads(
        db.query("SELECT changes FROM audit WHERE record_id = ? ORDER BY rowid", (mine,))[-1]["changes"]
    )
    assert withdrawal == {
        "countersign": "withdrawn by the signer",
        "signer_id": ward["manager"],
        "signed_on": TODAY.isoformat(),
        "signature": "pin",
    }
