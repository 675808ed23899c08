"""Sealed copies: backups, exports and person exports leave the PC encrypted, and come back only with the passphrase."""

from __future__ import annotations

import json
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from champion_desk.errors import ValidationError
from champion_desk.exchange.export import export_database
from champion_desk.exchange.merge import merge_database
from champion_desk.exchange.person import export_person
from champion_desk.store import records, sealed
from champion_desk.store.database import open_database
from champion_desk.store.foreign import restore_database

PASS = "correct horse battery staple"
NAME = "Siobhán Ó Súilleabháin"
CONCERN = "The scribe put a dose in the wrong patient's note"


@pytest.fixture
def named(db):
    """A logbook holding a colleague's name and a concern's text, the two things a lost stick must not show."""
    unit = records.insert(db, "unit", {"name": "Cedar Ward"}, "t")
    staff = records.insert(db, "staff", {"display_name": NAME, "unit_id": unit, "role": "nurse"}, "t")
    tool = records.insert(db, "tool", {"name": "Scribe"}, "t")
    records.insert(
        db,
        "incident",
        {
            "occurred_on": "2026-03-15",
            "unit_id": unit,
            "tool_id": tool,
            "theme": "accuracy",
            "description": CONCERN,
            "raised_by": staff,
        },
        "t",
    )
    return staff


def _no_secrets(data: bytes) -> None:
    for text in (NAME, "Súilleabháin", CONCERN, "wrong patient"):
        for encoding in ("utf-8", "utf-16-le"):
            assert text.encode(encoding) not in data, text


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.binary(max_size=2000),
    passphrase=st.text(min_size=sealed.MIN_PASSPHRASE, max_size=40).filter(lambda p: "\x00" not in p),
)
def test_sealed_bytes_round_trip_and_refuse_any_other_passphrase(data, passphrase):
    box = sealed.seal_bytes(data, passphrase)
    assert sealed.is_sealed_bytes(box) and box.startswith(sealed.MAGIC)
    assert sealed.unseal_bytes(box, passphrase, "f.age") == data
    with pytest.raises(sealed.PassphraseError) as caught:
        sealed.unseal_bytes(box, passphrase + "x", "f.age")
    assert (
        str(caught.value).count("\n") == 0 and "f.age" in str(caught.value) and "wrong passphrase" in str(caught.value)
    )


def test_a_short_or_missing_passphrase_is_refused_naming_the_field():
    for bad in ("", None, "eleven char"):
        with pytest.raises(ValidationError) as caught:
            sealed.seal_bytes(b"x", bad)
        assert caught.value.field == "passphrase"


def test_a_sealed_backup_holds_no_name_restores_only_with_its_passphrase_and_is_audited(db, named, tmp_path):
    target = tmp_path / "stick" / "ward.db.age"
    sealed.backup_sealed(db, target, PASS)
    raw = target.read_bytes()
    assert raw.startswith(sealed.MAGIC)
    _no_secrets(raw)
    records.update(db, "staff", named, {"role": "changed"}, "t")
    with pytest.raises(sealed.PassphraseError):
        restore_database(db, target, tmp_path / "bk", passphrase="not the passphrase")
    with pytest.raises(sealed.PassphraseError):
        restore_database(db, target, tmp_path / "bk")
    assert db.scalar("SELECT role FROM staff WHERE id = ?", (named,)) == "changed"
    restore_database(db, target, tmp_path / "bk", passphrase=PASS, actor="Zoë")
    assert db.scalar("SELECT role FROM staff WHERE id = ?", (named,)) == "nurse"
    row = db.one("SELECT * FROM audit WHERE action = 'restore'")
    assert row["actor"] == "Zoë" and json.loads(row["changes"]) == {"encrypted": True}
    assert row["os_account"] == records.os_account() and row["pc_name"] == records.pc_name()
    # The opened copy was private and is gone.
    assert not [p for p in (tmp_path / "bk").iterdir() if p.name.startswith(".scratch-")]


def test_a_sealed_file_merges_with_its_passphrase_only(db, named, tmp_path):
    other = open_database(tmp_path / "other.db")
    records.insert(other, "unit", {"name": "Birch Ward"}, "t")
    target = tmp_path / "birch.db.age"
    sealed.backup_sealed(other, target, PASS)
    other.close()
    with pytest.raises(sealed.PassphraseError) as caught:
        merge_database(db, target, "t", passphrase="a wrong passphrase")
    assert "\n" not in str(caught.value)
    assert not records.find(db, "unit", name="Birch Ward")
    report = merge_database(db, target, "t", passphrase=PASS)
    assert report.written and records.find(db, "unit", name="Birch Ward")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_full_export_sealed_holds_no_name_and_is_audited_without_one(db, named, tmp_path, fmt):
    out = tmp_path / f"full.{fmt}.age"
    export_database(db, out, fmt, full=True, passphrase=PASS, actor="Zoë")
    raw = out.read_bytes()
    assert sealed.is_sealed(out)
    _no_secrets(raw)
    plain = sealed.unseal_bytes(raw, PASS, out.name)
    assert plain[:2] == b"PK"  # a workbook, or the CSV files zipped
    row = db.one("SELECT * FROM audit WHERE action = 'export'")
    assert row["record_id"] == records.FULL_EXPORT and row["os_account"] == records.os_account()
    _no_secrets(json.dumps(row, ensure_ascii=False).encode())


def test_a_person_export_sealed_opens_to_their_records(db, named, tmp_path):
    out = tmp_path / "person.json.age"
    export_person(db, named, out, "t", passphrase=PASS)
    _no_secrets(out.read_bytes())
    document = json.loads(sealed.unseal_bytes(out.read_bytes(), PASS, out.name))
    assert document["records"]["staff"]["display_name"] == NAME
    assert db.scalar("SELECT count(*) FROM audit WHERE record_id = ?", (records.SUBJECT_ACCESS,)) == 1


def test_opened_gives_a_plain_file_back_untouched(tmp_path):
    plain = tmp_path / "ward.db"
    sqlite3.connect(plain).close()
    with sealed.opened(plain, None) as same:
        assert same == plain


def test_what_leaves_the_pc(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    logbook = tmp_path / "logbooks" / "ward.db"
    assert not sealed.leaves_the_pc(logbook.parent / "copy.db", logbook)
    assert not sealed.leaves_the_pc(tmp_path / "data" / "ChampionDesk" / "x.db", logbook)
    assert sealed.leaves_the_pc(tmp_path / "usb" / "x.db", logbook)
