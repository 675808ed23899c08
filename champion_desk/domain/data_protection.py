"""The facts a data-protection report states about one logbook: counts of people, rules, erasures, backups.

Plain data for ``report/privacy_report.py`` (and anyone else): never a name or an id, and
every count of people passes the small-count rules (``domain/privacy.py``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from champion_desk.domain import retention
from champion_desk.domain.privacy import DEFAULT_K, Suppressor
from champion_desk.store import erasure
from champion_desk.store import retention as store_retention
from champion_desk.store.backups import default_backup_dir, list_backups
from champion_desk.store.connection import Database
from champion_desk.store.records import EXPORT_ACTION, SUBJECT_ACCESS

# Per table: what personal data a row holds, and the SQL giving the ids of the people it concerns.
_NOT_ERASED = f"SELECT id FROM staff WHERE NOT (display_name = '{erasure.ERASED_NAME}' AND deleted_at IS NOT NULL AND staff_ref IS NULL)"
HOLDINGS: tuple[tuple[str, str, str], ...] = (
    ("staff", "name, role, unit, staff number, champion flag, in post or not", _NOT_ERASED),
    (
        "attendance",
        "who came to a session; confidence before and after; competency sign-off and who signed it",
        "SELECT staff_id FROM attendance UNION SELECT signed_off_by FROM attendance",
    ),
    (
        "training_session",
        "who ran a session (a champion), who countersigned it; notes",
        "SELECT trainer_id FROM training_session UNION SELECT verified_by FROM training_session",
    ),
    (
        "incident",
        "who raised a concern (never printed) and who logged it; what it says, the response, its owner",
        "SELECT raised_by FROM incident UNION SELECT reported_by FROM incident",
    ),
    (
        "pairing",
        "mentor and mentee, goal, progress",
        "SELECT mentor_id FROM pairing UNION SELECT mentee_id FROM pairing",
    ),
    (
        "checkin",
        "notes of a mentoring check-in (about the pairing's mentor and mentee)",
        "SELECT p.mentor_id FROM checkin c JOIN pairing p ON p.id = c.pairing_id"
        " UNION SELECT p.mentee_id FROM checkin c JOIN pairing p ON p.id = c.pairing_id",
    ),
    (
        "suggestion_response",
        "who decided on a suggested next step, and why",
        "SELECT decided_by FROM suggestion_response",
    ),
)
PURPOSES = (
    "Planning and recording training on the AI tools a unit brings in, so every colleague is trained and signed off.",
    'Hearing staff concerns about those tools and answering them ("you said, we did"); who raised a concern is '
    "kept only so a champion can follow up, and is never printed.",
    "Mentoring colleagues who are less confident with a tool, and checking in with them.",
    "Reporting progress to managers and staff meetings in counts, never about a named colleague.",
)
WHO_SEES = (
    (
        "Champions on the ward PC",
        "everything in the logbook; the PC's own login protects the file, an optional app PIN "
        "covers an unattended screen",
    ),
    (
        "Managers' outputs: briefing, poster, default export",
        "counts only; only champions are named; no concern is "
        'quoted and no one who raised one is named; counts under 5 print as "fewer than 5" and figures they could be '
        "worked back from are hidden",
    ),
    (
        "Full export (export --full)",
        "every live record with names and concern text: a champion's own copy, encrypted with a "
        "passphrase; never the audit log nor who raised a concern",
    ),
    (
        "Subject-access export (export-person)",
        "every record naming one colleague, concerns they raised included, for that colleague, encrypted "
        "with a passphrase told to them separately",
    ),
    ("Ward merges", "another ward's logbook merged into this one holds the same kinds of data, under the same rules"),
)
PROTECTIONS = (
    "Every save reaches the disk before it is confirmed (write-ahead log with synchronous=FULL); a save is all or nothing.",
    "Deleted bytes are overwritten (secure_delete); erasure and retention also zero free pages, vacuum the file and "
    "empty the write-ahead log, so nothing removed stays in the file.",
    "One front door checks every program that opens the logbook; a damaged or foreign file is refused, not repaired.",
    "An optional app PIN (hashed with scrypt; wrong tries slow down, surviving restarts) locks an idle screen.",
    "Small-count suppression in every briefing, poster and default export; colleagues' names are hidden in free text.",
    "Free text is screened for NHS numbers, dates of birth and hospital numbers: no patient data goes in.",
    "Every change writes an audit row (who, when, which record, which fields, the PC's login and name); the error log "
    "holds no names or concern text.",
    "Copies that leave the PC (backups elsewhere, full and subject-access exports, ward snapshots) are encrypted with "
    "a passphrase (age); exports, restores, merges and wrong PINs are audit rows.",
)


@dataclass
class Holding:
    """One table's personal data: what it is, how many rows, how many people it concerns (printable)."""

    table: str
    what: str
    rows: int
    people: str


@dataclass
class ProtectionFacts:
    """Everything the data-protection report states about one logbook."""

    made_on: dt.date
    logbook: str
    holdings: list[Holding]
    rules: dict[str, int]
    runs: list[dict]
    due: dict
    erasures: list[tuple[str, int]]  # (day, colleagues erased on request)
    retention_erasures: int
    exports: list[tuple[str, int]]  # (day, subject-access exports written)
    backup_folder: str
    backups: int
    oldest_backup: str | None
    newest_backup: str | None
    k: int = DEFAULT_K
    notes: list[str] = field(default_factory=list)


def _people(db: Database, sql: str, suppress: Suppressor) -> str:
    n = int(
        db.scalar(
            f"WITH people(id) AS ({sql}) SELECT count(*) FROM people WHERE id IS NOT NULL AND id IN ({_NOT_ERASED})"
        )
        or 0
    )
    return suppress.count(n).text


def protection_facts(
    db: Database, path: Path | None, today: dt.date | None = None, k: int = DEFAULT_K
) -> ProtectionFacts:
    """Return the facts of the data-protection report for ``db`` (reads only; no names, small counts hidden)."""
    today = today or dt.date.today()
    suppress = Suppressor(k)
    holdings = [
        Holding(table, what, int(db.scalar(f"SELECT count(*) FROM {table}") or 0), _people(db, sql, suppress))
        for table, what, sql in HOLDINGS
    ]
    actors = int(
        db.scalar(
            "SELECT count(DISTINCT actor) FROM audit WHERE actor NOT IN (?, 'unknown', 'command line')",
            (erasure.ERASED_NAME,),
        )
        or 0
    )
    holdings.append(
        Holding(
            "audit",
            "who made each change (as chosen on the PC) and what changed",
            int(db.scalar("SELECT count(*) FROM audit") or 0),
            suppress.count(actors).text,
        )
    )
    erase_rows = db.query(
        'SELECT substr(at, 1, 10) AS day, changes FROM audit WHERE action = ? AND "table" = ? ORDER BY at',
        (erasure.ERASE_ACTION, "staff"),
    )
    by_day: dict[str, int] = {}
    by_rule = 0
    for row in erase_rows:
        if '"rule"' in (row["changes"] or ""):
            by_rule += 1
        else:
            by_day[row["day"]] = by_day.get(row["day"], 0) + 1
    exports = [
        (r["day"], r["n"])
        for r in db.query(
            "SELECT substr(at, 1, 10) AS day, count(*) AS n FROM audit WHERE action = ? AND record_id = ? GROUP BY day ORDER BY day",
            (EXPORT_ACTION, SUBJECT_ACCESS),
        )
    ]
    values = retention.rules(db)
    folder = default_backup_dir(path) if path is not None else None
    found = list_backups(folder) if folder is not None and folder.is_dir() else []
    stamps = sorted(b.taken_at.date().isoformat() for b in found)
    return ProtectionFacts(
        made_on=today,
        logbook=path.name if path is not None else "(in memory)",
        holdings=holdings,
        rules=values,
        runs=store_retention.last_runs(db),
        due=retention.plan(db, today).counts(),
        erasures=sorted(by_day.items()),
        retention_erasures=by_rule,
        exports=exports,
        backup_folder=str(folder) if folder else "(none)",
        backups=len(found),
        oldest_backup=stamps[0] if stamps else None,
        newest_backup=stamps[-1] if stamps else None,
        k=k,
    )
