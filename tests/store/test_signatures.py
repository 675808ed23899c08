"""Signing PINs and signature states in the file: merges keep them, erasure removes the PIN, check reports lost signers."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from champion_desk.domain import logbook, pin, signing
from champion_desk.exchange.export import export_columns
from champion_desk.exchange.merge import merge_database
from champion_desk.exchange.person import person_records
from champion_desk.store import erasure, records
from champion_desk.store.database import open_database
from champion_desk.store.health import check_database
from tests.factories import TODAY, make_ward, session_values


@pytest.fixture(autouse=True)
def fast_scrypt(monkeypatch):
    real = pin.hash_pin
    monkeypatch.setattr(pin, "hash_pin", lambda p, **_: real(p, n=2**4))


def _copy(src: Path, dest: Path) -> None:
    source, target = sqlite3.connect(src), sqlite3.connect(dest)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _signed_ward(db) -> tuple[dict[str, str], str]:
    """A ward whose manager has a PIN and countersigned a session with it; return (ids, session id)."""
    ward = make_ward(db)
    signing.set_signing_pin(db, ward["manager"], "2468", "t", authoriser_id=ward["champion"])
    sid = logbook.save_session(db, session_values(ward), [{"staff_id": ward["a"]}], "t", today=TODAY)
    logbook.countersign(db, [sid], signing.sign_as(db, ward["manager"], "2468"), "t", on=TODAY)
    return ward, sid


def test_a_merge_brings_the_signing_pin_and_the_verified_flags_with_it(tmp_path):
    with open_database(tmp_path / "b.db") as b:
        ward, sid = _signed_ward(b)
        signing.set_signing_pin(b, ward["champion"], "1357", "t", authoriser_id=ward["manager"], authoriser_pin="2468")
        logbook.save_session(
            b,
            session_values(ward),
            [
                {
                    "staff_id": ward["a"],
                    "signed_off": 1,
                    "signed_off_by": ward["champion"],
                    "signed_off_on": "2026-11-20",
                }
            ],
            "t",
            sid,
            today=TODAY,
            signatures={ward["champion"]: signing.sign_as(b, ward["champion"], "1357")},
        )
    open_database(tmp_path / "a.db").close()
    with open_database(tmp_path / "a.db") as a:
        merge_database(a, tmp_path / "b.db", "t", backup=False)
        assert signing.sign_as(a, ward["manager"], "2468").state == signing.VERIFIED
        assert signing.sign_as(a, ward["champion"], "1357").state == signing.VERIFIED
        assert records.get(a, "training_session", sid)["verified_signature"] == "pin"
        assert records.find(a, "attendance", session_id=sid)[0]["signed_off_signature"] == "pin"
        # A newer PIN made on the other ward wins, as any newer edit does.
    with open_database(tmp_path / "b.db") as b:
        signing.set_signing_pin(b, ward["manager"], "9753", "t", current_pin="2468")
    with open_database(tmp_path / "a.db") as a:
        merge_database(a, tmp_path / "b.db", "t", backup=False)
        assert signing.sign_as(a, ward["manager"], "9753").state == signing.VERIFIED


def test_erasure_removes_the_signing_pin_with_the_person(db, db_path):
    ward, sid = _signed_ward(db)
    stored = records.get(db, "staff", ward["manager"])["signing_pin_hash"]
    erasure.erase_staff(db, ward["manager"], "t")
    row = db.one("SELECT * FROM staff WHERE id = ?", (ward["manager"],))
    assert row["signing_pin_hash"] is None and not signing.has_signing_pin(db, ward["manager"])
    assert stored.encode() not in db_path.read_bytes()
    # The session stays countersigned (the count holds), by a signer who can no longer be named.
    assert records.get(db, "training_session", sid)["verified_signature"] == "pin"


def test_check_reports_signatures_whose_signer_was_erased_or_deleted(db, db_path):
    ward, sid = _signed_ward(db)
    assert check_database(db_path).orphaned_signatures == {}
    erasure.erase_staff(db, ward["manager"], "t")
    report = check_database(db_path)
    assert report.orphaned_signatures == {"countersigns": {"erased": 1}}
    assert report.ok  # not damage: the lines say it
    assert any(
        "1 countersigns signed by someone no longer on the staff list (1 erased)" in line for line in report.lines()
    )


def test_the_pin_hash_never_leaves_in_an_export(db):
    ward, _sid = _signed_ward(db)
    assert "signing_pin_hash" not in export_columns("staff")
    found = person_records(db, ward["manager"])
    assert "signing_pin_hash" not in found["staff"] and found["staff"]["has_signing_pin"] == 1
    assert records.get(db, "staff", ward["manager"])["signing_pin_hash"] not in json.dumps(found, default=str)
