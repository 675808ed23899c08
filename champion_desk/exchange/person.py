"""A colleague's data rights: everything naming them as JSON (access), and erasure.

The export includes the concerns they raised: it is their own data, though the briefing never
shows it. Records are found by id reference, and audit rows by record id or by their name as
the actor who made a change.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from champion_desk import outfiles
from champion_desk.errors import DiskFullError, NotFoundError
from champion_desk.store import erasure, records, sealed
from champion_desk.store.connection import Database
from champion_desk.store.merging import REFERENCES
from champion_desk.store.schema import RECORD_TABLES

FORMAT_VERSION = 1


def find_person(db: Database, ref: str) -> dict[str, Any]:
    """Return the staff row whose staff number (any case) or id is ``ref``. Raises NotFoundError."""
    text = ref.strip()
    rows = db.query("SELECT * FROM staff WHERE id = ? OR staff_ref = ? COLLATE NOCASE", (text, text))
    if not rows:
        raise NotFoundError(f"No colleague with staff number or id {ref!r}.")
    return rows[0]


def person_records(db: Database, staff_id: str) -> dict[str, Any]:
    """Return every record naming a colleague: their staff row, then per table the rows that point at them."""
    person = db.one("SELECT * FROM staff WHERE id = ?", (staff_id,))
    if person is None:
        raise NotFoundError(f"No colleague with id {staff_id}.")
    # Whether they have a signing PIN is their data; its hash is not (it gives the PIN away offline).
    person = {k: v for k, v in person.items() if k != "signing_pin_hash"}
    person["has_signing_pin"] = db.scalar("SELECT signing_pin_hash IS NOT NULL FROM staff WHERE id = ?", (staff_id,))
    found: dict[str, Any] = {"staff": person}
    if person["unit_id"]:
        found["unit"] = db.one("SELECT * FROM unit WHERE id = ?", (person["unit_id"],))
    for table in RECORD_TABLES:
        fields = [f for f, target in REFERENCES.get(table, {}).items() if target == "staff"]
        if not fields:
            continue
        where = " OR ".join(f"{f} = ?" for f in fields)
        rows = db.query(f"SELECT * FROM {table} WHERE {where} ORDER BY created_at, id", [staff_id] * len(fields))
        if rows:
            found[table] = rows
    pairings = [p["id"] for p in found.get("pairing", [])]
    if pairings:
        marks = ", ".join("?" for _ in pairings)
        found["checkin"] = db.query(
            f"SELECT * FROM checkin WHERE pairing_id IN ({marks}) ORDER BY held_on, id", pairings
        )
    found["audit"] = _audit_about_or_by(db, staff_id)
    return found


def _audit_about_or_by(db: Database, staff_id: str) -> list[dict[str, Any]]:
    """Return the audit rows about this colleague, and those they made under any name they have had.

    An actor is matched in every form the name takes (case, accents composed or not, spacing) and
    under earlier names after a rename, as erasure matches them: a subject-access answer must not
    miss what erasure would remove.
    """
    names, _ = erasure.names_of(db, [staff_id])
    matcher = erasure.name_pattern(names)
    # Few distinct actors even in a trust's large audit: match those, then fetch their rows in one query.
    distinct = db.query("SELECT DISTINCT actor FROM audit")
    actors = [r["actor"] for r in distinct if matcher is not None and matcher.fullmatch(r["actor"])]
    marks = ", ".join("?" for _ in actors) or "NULL"
    return db.query(
        f"SELECT * FROM audit WHERE record_id = ? OR actor IN ({marks}) ORDER BY at, id", [staff_id, *actors]
    )


def export_person(
    db: Database, staff_id: str, out: Path | str, actor: str | None = None, passphrase: str | None = None
) -> dict[str, int]:
    """Write every record naming a colleague to a JSON file; return how many rows each section has.

    With ``actor`` the export is recorded in the audit log (its date, not whose data), once the
    file is in place, so the data-protection report can count subject-access requests answered.
    With ``passphrase`` the file is sealed (``store.sealed``): it goes to the colleague, by hand or
    by email, and holds the concerns they raised.
    """
    if passphrase is not None:
        sealed.check_passphrase(passphrase)
    data = person_records(db, staff_id)
    document = {
        "format": "champion-desk person export",
        "version": FORMAT_VERSION,
        "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "note": "Every record in this Champion Desk database that names this colleague, including "
        "concerns they raised (incident.raised_by) and audit entries about them or made by them.",
        "records": data,
    }
    if passphrase is not None:
        sealed.write_sealed(out, json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"), passphrase)
    else:
        with outfiles.replacing(Path(out)) as tmp, open(tmp, "w", encoding="utf-8") as fh:
            json.dump(document, fh, ensure_ascii=False, indent=2)
    if actor is not None:
        with db.transaction():
            records.write_audit(
                db, actor, "staff", records.SUBJECT_ACCESS, records.EXPORT_ACTION, {"encrypted": passphrase is not None}
            )
    return {k: (len(v) if isinstance(v, list) else 1) for k, v in data.items() if v}


# What to close when the old copies could not be cleared: anything else reading the file.
_WHAT_TO_CLOSE = (
    "another program still has this database open (another Champion Desk window, DB Browser "
    "for SQLite, Datasette or sqlite3)"
)


@dataclass
class EraseReport:
    """What erase-person did, for the command line and the confirmation message."""

    staff_id: str
    result: erasure.ErasureResult
    backups_folder: Path | None
    already_erased: bool = False

    def lines(self, again: str | None = None) -> list[str]:
        """Return the report as lines: what was erased, and what is still to do, if anything.

        ``again`` says how to retry clearing old copies; the command line's own command by default
        (the app passes the name of its button instead).
        """
        if self.already_erased:
            out = [f"Colleague {self.staff_id} was already erased."]
        else:
            out = [
                f"Erased the personal data of colleague {self.staff_id}.",
                f"  free-text mentions removed: {self.result.texts_scrubbed}",
                f"  audit entries removed: {self.result.audit_removed}, anonymised: {self.result.audit_scrubbed}",
                "  Their attendance, mentoring and concern records remain, linked to an anonymous tombstone.",
            ]
        again = again or f"run `champion-desk erase-person {self.staff_id} --yes` again"
        if self.result.purge_problem == erasure.BUSY:
            out.append(
                f"  Not finished: {_WHAT_TO_CLOSE}, so old copies of the erased text are still in the file "
                f"and its write-ahead log. Close it, then {again} to clear them."
            )
        elif self.result.purge_problem == erasure.FULL:
            out.append(
                "  Not finished: the disk is full, so old copies of the erased text are still in the file "
                f"and its write-ahead log. Free some space, then {again} to clear them."
            )
        elif self.already_erased:
            out.append("  Old copies of the erased text are now cleared from the file and its write-ahead log.")
        if self.backups_folder and self.backups_folder.exists():
            out.append(f"  Older backups in {self.backups_folder} still hold their data until thinned or deleted.")
        return out


def erase_person(db: Database, staff_id: str, actor: str) -> EraseReport:
    """Erase a colleague's personal data (see store.erasure); return an EraseReport.

    For a colleague already erased, only the clearing of old copies is repeated (it cannot finish
    while another program reads the file). Raises NotFoundError, StoreError; DiskFullError when
    the disk is full, and then nothing was erased.
    """
    from champion_desk.store.backups import default_backup_dir

    backups = default_backup_dir(db.path) if db.path else None
    row = db.one("SELECT * FROM staff WHERE id = ?", (staff_id,))
    if row is not None and erasure.is_erased_row(row):
        problem = erasure.purge_deleted_bytes(db)
        result = erasure.ErasureResult(staff_id, 0, 0, 0, problem is None, problem)
        return EraseReport(staff_id, result, backups, already_erased=True)
    try:
        result = erasure.erase_staff(db, staff_id, actor)
    except DiskFullError as exc:
        raise DiskFullError(
            "The disk is full: nothing was erased, the colleague's data is as it was. Free some space and try again."
        ) from exc
    return EraseReport(staff_id, result, backups)


def erase_person_by_ref(db: Database, ref: str, actor: str) -> EraseReport:
    """Erase the colleague with this staff number or id. Raises NotFoundError, StoreError."""
    return erase_person(db, find_person(db, ref)["id"], actor)
