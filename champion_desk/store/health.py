"""Whole-file health check: integrity, foreign keys, file identity, schema version, summaries, counts."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from champion_desk.errors import StoreError, one_line
from champion_desk.store import summaries
from champion_desk.store.connection import Database, untrusted_connection
from champion_desk.store.database import check_header
from champion_desk.store.schema import APPLICATION_ID, RECORD_TABLES, SCHEMA_VERSION


@dataclass
class HealthReport:
    """What ``check`` found; ``ok`` only when every check passed."""

    path: Path
    problems: list[str] = field(default_factory=list)
    integrity: str = "not run"
    foreign_key_errors: int = 0
    application_id: int | None = None
    schema_version: int | None = None
    stale_summaries: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # Live signatures whose signer is gone: {"countersigns"/"sign-offs": {"deleted"/"erased"/"missing": n}}.
    orphaned_signatures: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def only_summaries_stale(self) -> bool:
        """True when out-of-step summaries are the one problem (the one ``check --repair`` mends)."""
        return bool(self.stale_summaries) and len(self.problems) == 1

    def as_dict(self) -> dict:
        return {
            "path": str(self.path),
            "ok": self.ok,
            "problems": self.problems,
            "integrity": self.integrity,
            "foreign_key_errors": self.foreign_key_errors,
            "application_id": self.application_id,
            "schema_version": self.schema_version,
            "stale_summaries": self.stale_summaries,
            "counts": self.counts,
            "signatures_without_signer": self.orphaned_signatures,
        }

    def lines(self) -> list[str]:
        out = [f"Database: {self.path}"]
        out.append(f"integrity: {self.integrity}")
        out.append(
            f"foreign keys: {'ok' if not self.foreign_key_errors else f'{self.foreign_key_errors} broken links'}"
        )
        out.append(
            f"application id: {'Champion Desk' if self.application_id == APPLICATION_ID else self.application_id}"
        )
        out.append(f"schema version: {self.schema_version} (this app: {SCHEMA_VERSION})")
        out.append(
            f"summaries: {'ok' if not self.stale_summaries else 'out of step (' + ', '.join(self.stale_summaries) + ')'}"
        )
        for table, n in self.counts.items():
            out.append(f"  {table:<18} {n:>8}")
        for kind, by in self.orphaned_signatures.items():
            how = ", ".join(f"{n} {why}" for why, n in by.items())
            out.append(f"note: {sum(by.values())} {kind} signed by someone no longer on the staff list ({how})")
        out.append("All checks passed." if self.ok else "PROBLEMS: " + "; ".join(self.problems))
        return out


def undecodable_text(conn: sqlite3.Connection) -> list[str]:
    """Return ``table.column`` for every column holding text that is not valid UTF-8.

    integrity_check cannot see this (a flipped bit inside a word leaves a well-formed page), but
    reading such a row later fails, so ``check`` looks at every stored text value.
    """
    found: set[str] = set()
    tables = [
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ]
    columns = {t: [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')] for t in tables}
    previous = conn.text_factory
    conn.text_factory = bytes
    try:
        for table, cols in columns.items():
            quoted = [f'"{c}"' for c in cols]
            any_text = " OR ".join(f"typeof({q}) = 'text'" for q in quoted)
            for row in conn.execute(f'SELECT {", ".join(quoted)} FROM "{table}" WHERE {any_text}'):
                for col, value in zip(cols, row):
                    if isinstance(value, bytes):
                        try:
                            value.decode("utf-8")
                        except UnicodeDecodeError:
                            found.add(f"{table}.{col}")
    finally:
        conn.text_factory = previous
    return sorted(found)


def check_database(path: Path) -> HealthReport:
    """Check a database file read-only and return a HealthReport; the file is never changed.

    Raises NotADeskDatabaseError or NewerVersionError for files that are not ours to read.
    """
    report = HealthReport(Path(path))
    report.schema_version = check_header(path)
    report.application_id = APPLICATION_ID
    if report.schema_version < SCHEMA_VERSION:
        report.problems.append(f"schema {report.schema_version} needs an upgrade (open it once in the app)")
    try:
        with untrusted_connection(path) as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            # A row can span lines ("*** in database main ***\nPage 3: ..."): keep the message on one line.
            report.integrity = "ok" if rows == [("ok",)] else "; ".join(" ".join(r[0].split()) for r in rows[:5])
            if report.integrity != "ok":
                report.problems.append(f"integrity check failed: {report.integrity}")
                return report
            unreadable = undecodable_text(conn)
            if unreadable:
                # Name the place only: the damaged text may be a concern's wording.
                report.problems.append(f"stored text that is not valid UTF-8 in {', '.join(unreadable)}")
            report.foreign_key_errors = len(conn.execute("PRAGMA foreign_key_check").fetchall())
            if report.foreign_key_errors:
                report.problems.append(f"{report.foreign_key_errors} records point at missing records")
            if report.schema_version == SCHEMA_VERSION:
                report.stale_summaries = stale_summaries(conn)
                if report.stale_summaries:
                    report.problems.append(
                        "the summary tables the figures are read from disagree with the records "
                        f"({', '.join(report.stale_summaries)}): "
                        "`champion-desk check --repair` recounts them"
                    )
                for table in RECORD_TABLES:
                    report.counts[table] = conn.execute(
                        f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL"
                    ).fetchone()[0]
                report.counts["audit"] = conn.execute("SELECT count(*) FROM audit").fetchone()[0]
                report.orphaned_signatures = signatures_without_signer(conn)
    except (StoreError, sqlite3.DatabaseError) as exc:
        report.integrity = "unreadable"
        report.problems.append(f"the file is damaged: {one_line(exc)}")
    return report


_SIGNED = {"countersigns": ("training_session", "verified_by"), "sign-offs": ("attendance", "signed_off_by")}


def signatures_without_signer(conn: sqlite3.Connection) -> dict[str, dict[str, int]]:
    """Return live countersigns and sign-offs whose signer was erased, deleted or is missing, by why.

    Not damage (a colleague who left may be deleted), but such a signature can no longer be put
    to its signer, so ``check`` says how many there are.
    """
    found: dict[str, dict[str, int]] = {}
    for kind, (table, signer) in _SIGNED.items():
        rows = conn.execute(
            f"""SELECT CASE WHEN p.id IS NULL THEN 'missing'
                           WHEN EXISTS (SELECT 1 FROM audit WHERE record_id = p.id AND action = 'erase') THEN 'erased'
                           ELSE 'deleted' END AS why, count(*)
                FROM {table} AS t LEFT JOIN staff AS p ON p.id = t.{signer}
                WHERE t.deleted_at IS NULL AND t.{signer} IS NOT NULL AND (p.id IS NULL OR p.deleted_at IS NOT NULL)
                GROUP BY why ORDER BY why"""
        ).fetchall()
        if rows:
            found[kind] = {why: n for why, n in rows}
    return found


def stale_summaries(conn: sqlite3.Connection) -> list[str]:
    """Return the summary tables whose rows differ from a recount of the records (none when all agree).

    Triggers keep them exact, so a difference means the file was changed by something that is not
    Champion Desk (or a bug): the dashboard and briefing would then show figures the records do not.
    """
    want, have = summaries.expected(conn), summaries.current(conn)
    return [table for table in summaries.TABLES if want[table] != have[table]]


def repair_summaries(db: Database) -> None:
    """Recount every summary from the records, in one transaction (after ``check`` found them out of step).

    Only derived data changes: the records are read, never written.
    """
    with summaries.rebuilt_after(db):
        pass
