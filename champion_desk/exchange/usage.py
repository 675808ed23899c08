"""Import a tool's usage export: match its users to colleagues, check every row, then write all or nothing.

The same flow as the roster import (``exchange/roster.py``), whose reading, header matching and
``line N: field: rule`` problems it reuses: ``read_table`` → ``guess_mapping`` (or ``--map``) →
``plan_usage`` (read-only) → ``import_usage`` (a verified backup, then one transaction).

Users are matched to colleagues by staff number, e-mail or login, whatever their case; a user who
matches no colleague is reported by line and never becomes one (a vendor's export lists doctors,
students and agency staff the ward does not log). The file's days are replaced for the
colleagues it names: for every tool and day a readable line gives, what the file says about them
is what is kept (one it names on other days but not on this one had no use that day), so
re-importing the same file changes nothing and a newer export of the same days corrects them.
Colleagues the file never names keep their stored use: one ward's export leaves other wards alone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from champion_desk.errors import ChampionDeskError
from champion_desk.exchange import roster
from champion_desk.exchange.roster import Mapping_, RowProblem, normalise_header
from champion_desk.exchange.tabular import TableFile, read_table
from champion_desk.store import importing, records
from champion_desk.store.database import Database
from champion_desk.store.importing import data_fingerprint, report_progress

IDENTIFIERS = ("staff_ref", "email", "login")
FIELDS = (*IDENTIFIERS, "day", "count", "tool")
FIELD_LABELS = {
    "staff_ref": "Staff number",
    "email": "E-mail",
    "login": "Login",
    "day": "Day",
    "count": "Count",
    "tool": "Tool",
}

# Header names the tools' exports use, best first (compared as roster.normalise_header writes them).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "staff_ref": (
        "staff ref",
        "staff reference",
        "staff number",
        "staff no",
        "staff id",
        "employee number",
        "employee no",
        "employee id",
        "employee ref",
        "assignment number",
        "assignment no",
        "esr number",
        "payroll number",
        "person number",
    ),
    "email": ("email", "e mail", "email address", "e mail address", "user email", "mail", "upn", "user principal name"),
    "login": (
        "login",
        "login name",
        "login id",
        "username",
        "user name",
        "user id",
        "userid",
        "user",
        "account",
        "account name",
        "network id",
        "network login",
        "windows login",
        "smartcard id",
    ),
    "day": (
        "day",
        "date",
        "usage date",
        "activity date",
        "event date",
        "week",
        "week start",
        "week starting",
        "week commencing",
        "week beginning",
        "week of",
        "period start",
    ),
    "count": (
        "count",
        "uses",
        "usage",
        "usage count",
        "use count",
        "encounters",
        "notes",
        "notes drafted",
        "notes created",
        "alerts acknowledged",
        "acknowledgements",
        "events",
        "activity count",
        "sessions",
        "total",
        "number",
    ),
    "tool": ("tool", "tool name", "product", "application", "app", "module"),
}

_MONTHS = {
    m: n for n, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?")
_SLASHED = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?: .*)?")
_WORDED = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*[ -](\d{4})")
DAY_RULE = "must be a date (YYYY-MM-DD, DD/MM/YYYY or 15 Mar 2026)"
COUNT_RULE = "must be a whole number, 0 or more"


class UsageError(ChampionDeskError):
    """The usage file cannot be imported as a whole (a missing column, an unknown tool, no user matched)."""


def parse_day(text: str) -> dt.date | None:
    """Return the date a usage cell holds, read the UK way (day before month), or None when it is not one."""
    text = text.strip()
    for pattern, order in ((_ISO, "ymd"), (_SLASHED, "dmy"), (_WORDED, "dMy")):
        found = pattern.fullmatch(text)
        if not found:
            continue
        a, b, c = found.groups()
        try:
            if order == "ymd":
                return dt.date(int(a), int(b), int(c))
            if order == "dmy":
                return dt.date(int(c), int(b), int(a))
            month = _MONTHS.get(b.lower())
            return dt.date(int(c), month, int(a)) if month else None
        except ValueError:
            return None
    return None


def parse_count(text: str) -> int | None:
    """Return a whole number of uses (``12``, ``12.0``, ``1,204``), or None when the cell is not one."""
    cleaned = text.strip().replace(",", "")
    if re.fullmatch(r"\d+(\.0+)?", cleaned):
        return int(float(cleaned))
    return None


# Words that mark a column of counts when no header matches a synonym exactly ("Encounters Documented").
COUNT_WORDS = (
    "count",
    "uses",
    "encounters",
    "notes",
    "alerts",
    "acknowledged",
    "sessions",
    "events",
    "drafts",
    "total",
)


def guess_mapping(headers: Sequence[str]) -> Mapping_:
    """Return the columns that look like each usage field, by common export header names."""
    mapping = roster.guess_mapping(headers, FIELDS, SYNONYMS)
    if "count" not in mapping:
        taken = {c for cols in mapping.values() for c in cols}
        for header in headers:
            words = normalise_header(header).split()
            if header not in taken and any(w in COUNT_WORDS for w in words):
                mapping["count"] = (header,)
                break
    return mapping


def parse_map_options(options: Sequence[str], headers: Sequence[str]) -> Mapping_:
    """Turn ``FIELD=COLUMN`` options into a mapping. Raises RosterError for an unknown field or column."""
    return roster.parse_map_options(options, headers, FIELDS)


def complete_mapping(options: Sequence[str], headers: Sequence[str]) -> Mapping_:
    """Return ``--map`` options, with the fields they do not name matched by their usual header names."""
    return roster.complete_mapping(options, headers, parse_map_options, guess_mapping)


def check_mapping(mapping: Mapping_, headers: Sequence[str], default_tool: str | None) -> None:
    """Raise UsageError when the file gives no user, day or count, or neither a tool column nor --tool."""
    columns = ", ".join(h for h in headers if h)
    if not any(mapping.get(f) for f in IDENTIFIERS):
        raise UsageError(
            "No column names the user; choose one with --map staff_ref=COLUMN, --map email=COLUMN "
            f"or --map login=COLUMN (the file's columns: {columns})."
        )
    for name, example in (("day", "Date"), ("count", "Encounters")):
        if not mapping.get(name):
            raise UsageError(
                f"No column gives the {name}; choose it with --map {name}=COLUMN, e.g. {name}={example} "
                f"(the file's columns: {columns})."
            )
    if not mapping.get("tool") and not default_tool:
        raise UsageError(
            "Which tool is this usage of? Name it with --tool NAME (or map a tool column with --map tool=COLUMN)."
        )


@dataclass
class PlannedUse:
    """A valid, matched line and what importing it would do."""

    line: int
    staff_id: str
    tool_id: str
    day: str
    count: int
    action: str  # "add", "update" or "unchanged"
    record_id: str | None = None


@dataclass
class UsagePlan:
    """What importing a usage file would do; nothing has been written."""

    table: TableFile
    mapping: Mapping_
    tool: str | None
    rows: list[PlannedUse] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # stored rows of the file's days the file no longer holds
    unmatched: list[RowProblem] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    days: int = 0
    written: bool = False
    fingerprint: tuple[int, int] = (0, 0)

    @property
    def invalid(self) -> int:
        return len({p.line for p in self.problems})

    @property
    def counts(self) -> dict[str, int]:
        return {
            "added": self.count("add"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
            "removed": len(self.removed),
            "unmatched": len(self.unmatched),
            "invalid": self.invalid,
        }

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def has_changes(self) -> bool:
        return bool(self.removed) or any(r.action != "unchanged" for r in self.rows)

    def summary(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.counts.items())


def _lookup(rows: list[dict[str, Any]], column: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in rows:
        value = (row[column] or "").strip().casefold()
        if value:
            out.setdefault(value, []).append(row["id"])
    return out


def _tools(db: Database) -> dict[str, dict[str, Any]]:
    return {t["name"].casefold(): t for t in db.query("SELECT id, name FROM tool WHERE deleted_at IS NULL")}


def plan_usage(
    db: Database,
    table: TableFile,
    mapping: Mapping_,
    tool: str | None = None,
    progress: Callable[[int, int], object] | None = None,
    today: dt.date | None = None,
) -> UsagePlan:
    """Check every line and match its user; return the UsagePlan (writes nothing).

    ``tool`` names the tool of every line whose tool cell is blank or missing. Raises UsageError
    when the mapping is unusable, the tool is unknown, or no user in the file matches a colleague.
    """
    check_mapping(mapping, table.headers, tool)
    today = today or dt.date.today()
    tools = _tools(db)
    default = None
    if tool:
        default = tools.get(tool.strip().casefold())
        if default is None:
            known = ", ".join(sorted(t["name"] for t in tools.values())) or "none yet: add the tool on Tools & roadmap"
            raise UsageError(f"--tool: no tool named {tool!r} (there are: {known}).")
    plan = UsagePlan(table, dict(mapping), default["name"] if default else None, fingerprint=data_fingerprint(db))
    staff = db.query("SELECT id, staff_ref, email, login FROM staff WHERE deleted_at IS NULL")
    lookups = {name: _lookup(staff, name) for name in IDENTIFIERS}
    index = {}
    for pos, header in enumerate(table.headers):
        index.setdefault(header, pos)
    positions = {name: [index[c] for c in cols] for name, cols in mapping.items() if cols}
    width = len(table.headers)
    seen: dict[tuple[str, str, str], int] = {}
    covered: set[tuple[str, str]] = set()
    for done, (line, cells) in enumerate(table.rows, start=1):
        if done % 500 == 0:
            report_progress(progress, done, len(table.rows))
        if len(cells) < width or any(c.strip() for c in cells[width:]):
            plan.problems.append(
                RowProblem(
                    line, "row", f"has {len(cells)} cells but the header has {width}", "a missing or extra separator?"
                )
            )
            continue
        raw = {name: " ".join(cells[p].strip() for p in pos if cells[p].strip()) for name, pos in positions.items()}
        found: list[RowProblem] = []
        day = parse_day(raw.get("day", ""))
        if not raw.get("day"):
            found.append(RowProblem(line, "day", "is required"))
        elif day is None:
            found.append(RowProblem(line, "day", DAY_RULE, f"got {raw['day']!r}"))
        elif day > today:
            found.append(RowProblem(line, "day", "must not be in the future", day.isoformat()))
            day = None
        count = parse_count(raw.get("count", ""))
        if not raw.get("count"):
            found.append(RowProblem(line, "count", "is required"))
        elif count is None:
            found.append(RowProblem(line, "count", COUNT_RULE, f"got {raw['count']!r}"))
        row_tool = default
        if raw.get("tool"):
            row_tool = tools.get(raw["tool"].casefold())
            if row_tool is None:
                found.append(RowProblem(line, "tool", "must name a tool on Tools & roadmap", f"got {raw['tool']!r}"))
        elif row_tool is None:
            found.append(RowProblem(line, "tool", "is required (or give --tool)"))
        if day is not None and row_tool is not None:
            covered.add((row_tool["id"], day.isoformat()))
        given = [(name, raw[name]) for name in IDENTIFIERS if raw.get(name)]
        matched: set[str] = set()
        unmatched: list[tuple[str, str]] = []
        if not given:
            found.append(RowProblem(line, "staff_ref", "one of staff number, e-mail or login is required"))
        for name, value in given:
            ids = lookups[name].get(value.casefold(), [])
            if len(ids) > 1:
                found.append(
                    RowProblem(
                        line,
                        name,
                        f"matches {len(ids)} colleagues; give each a distinct {FIELD_LABELS[name].lower()}",
                        value,
                    )
                )
            elif ids:
                matched.add(ids[0])
            else:
                unmatched.append((name, value))
        if len(matched) > 1:
            found.append(
                RowProblem(line, "staff_ref", "names two different colleagues", ", ".join(v for _, v in given))
            )
        if found:
            plan.problems.extend(found)
            continue
        if not matched:
            name, value = unmatched[0]
            plan.unmatched.append(RowProblem(line, name, "matches no colleague (no colleague is created)", value))
            continue
        key = (matched.pop(), row_tool["id"], day.isoformat())
        if key in seen:
            plan.problems.append(
                RowProblem(line, "day", "the same user, tool and day is already on another line", f"line {seen[key]}")
            )
            continue
        seen[key] = line
        plan.rows.append(PlannedUse(line, key[0], key[1], key[2], count, "add"))
    if table.rows and not plan.rows and plan.unmatched and not plan.problems:
        raise UsageError(
            f"None of the {len(plan.unmatched)} users in {table.path.name} matches a colleague by staff number, "
            "e-mail or login. Check the mapping, or import a roster with those columns first."
        )
    plan.days = len({d for _, d in covered})
    _compare_with_stored(db, plan, covered)
    plan.problems.sort(key=lambda p: p.line)
    return plan


def _compare_with_stored(db: Database, plan: UsagePlan, covered: set[tuple[str, str]]) -> None:
    """Mark each planned line add, update or unchanged, and list stored rows of the covered days to remove.

    Only the colleagues the file names are replaced: an export of one ward (or one clinic's
    users) must not wipe the rest of the hospital's use on the same days.
    """
    named = {use.staff_id for use in plan.rows}
    if not covered or not named:
        return
    stored: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for tool_id in sorted({t for t, _ in covered}):
        days = sorted(d for t, d in covered if t == tool_id)
        rows = db.query(
            "SELECT id, staff_id, tool_id, day, count FROM usage WHERE deleted_at IS NULL AND tool_id = ? AND day BETWEEN ? AND ?"
            " ORDER BY created_at, id",
            (tool_id, days[0], days[-1]),
        )
        for row in rows:
            if (row["tool_id"], row["day"]) in covered and row["staff_id"] in named:
                stored.setdefault((row["staff_id"], row["tool_id"], row["day"]), []).append(row)
    for use in plan.rows:
        rows = stored.pop((use.staff_id, use.tool_id, use.day), [])
        if rows:
            use.record_id = rows[0]["id"]
            use.action = "unchanged" if rows[0]["count"] == use.count else "update"
            plan.removed.extend(r["id"] for r in rows[1:])  # a duplicate left by a merge of two imports
    plan.removed.extend(r["id"] for rows in stored.values() for r in rows)


def import_usage(
    db: Database,
    table: TableFile,
    mapping: Mapping_,
    actor: str,
    *,
    tool: str | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    backup: bool = True,
    progress: Callable[[int, int], object] | None = None,
) -> UsagePlan:
    """Import a usage file: plan it and, unless it is a dry run or a line is invalid (without
    ``skip_invalid``), take a verified backup and write every change in one transaction. Returns the
    plan (``written`` tells whether anything was written). Raises UsageError, RosterError, StoreError.
    """
    from champion_desk.store.backups import backup_database

    plan = plan_usage(db, table, mapping, tool, progress)
    if dry_run or (plan.problems and not skip_invalid) or not plan.has_changes():
        return plan
    if backup and db.path is not None:
        backup_database(db, reason="before-import")
    with db.transaction():
        # The plan was made before the write lock was taken; make it again if anything changed since.
        if data_fingerprint(db) != plan.fingerprint:
            plan = plan_usage(db, table, mapping, tool)
        _write(db, plan, actor, progress)
    plan.written = True
    return plan


def _write(db: Database, plan: UsagePlan, actor: str, progress: Callable[[int, int], object] | None) -> None:
    source = plan.table.path.name
    added = []
    for use in plan.rows:
        if use.action == "add":
            values = {
                "staff_id": use.staff_id,
                "tool_id": use.tool_id,
                "day": use.day,
                "count": use.count,
                "source": source,
            }
            added.append(values)
    changed = [(u.record_id, {"count": u.count, "source": source}) for u in plan.rows if u.action == "update"]
    total = len(added) + len(changed) + len(plan.removed)
    done = importing.write_batch(db, "usage", added, changed, actor, progress=progress, total=total)
    for record_id in plan.removed:
        records.delete(db, "usage", record_id, actor)
        done += 1
    report_progress(progress, done, total)


def read_usage(path: Path | str) -> TableFile:
    """Read a usage export (CSV or XLSX). Raises TableFileError, FileNotFoundError."""
    return read_table(path)


__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "IDENTIFIERS",
    "PlannedUse",
    "UsageError",
    "UsagePlan",
    "complete_mapping",
    "guess_mapping",
    "import_usage",
    "parse_count",
    "parse_day",
    "parse_map_options",
    "plan_usage",
    "read_usage",
]
