"""Import staff from an HR roster: match columns to fields, check every row, then write all or nothing.

The flow the CLI and the wizard share: ``read_table`` → ``guess_mapping`` (or the user's mapping) →
``plan_import`` (read-only: what would be added, updated, left alone, and every bad row as
``line N: field: rule``) → ``import_roster`` (a verified backup, then one transaction).
Rows match existing colleagues on ``staff_ref`` (case-insensitive), so re-importing the same file
changes nothing. Blank cells never clear a stored value: an HR export that leaves a role empty
should not wipe the one the champion typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from champion_desk.domain.logbook import DEFAULTS, normalise
from champion_desk.domain.validation import problems
from champion_desk.errors import ChampionDeskError, ValidationError
from champion_desk.exchange.tabular import TableFile, TableFileError, read_table
from champion_desk.store import importing, records
from champion_desk.store.connection import Database
from champion_desk.store.database import memory_database
from champion_desk.store.importing import data_fingerprint, report_progress

FIELDS = ("staff_ref", "display_name", "role", "unit", "is_champion", "active", "email", "login")
FIELD_LABELS = {
    "staff_ref": "Staff number",
    "display_name": "Name",
    "role": "Role",
    "unit": "Unit (ward)",
    "is_champion": "Champion",
    "active": "In post",
    "email": "E-mail",
    "login": "Login",
}

# Header names HR systems use, best first; compared after lower-casing and dropping punctuation.
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
        "person number",
        "payroll number",
        "esr number",
        "ref",
        "id",
    ),
    "display_name": (
        "display name",
        "full name",
        "name",
        "employee name",
        "staff name",
        "known as",
        "preferred name",
        "colleague",
    ),
    "role": ("role", "job title", "position", "job role", "post", "position title", "occupation", "staff group"),
    "unit": (
        "unit",
        "ward",
        "department",
        "ward department",
        "team",
        "cost centre",
        "cost center",
        "location",
        "organisation",
        "organization",
    ),
    "is_champion": ("is champion", "champion", "ai champion", "unit champion", "digital champion"),
    "active": ("active", "status", "employment status", "assignment status", "current", "in post"),
    # How the tools' usage exports name a colleague (exchange/usage.py matches on them).
    "email": ("email", "e mail", "email address", "e mail address", "work email", "nhsmail", "nhs mail"),
    "login": ("login", "login name", "username", "user name", "network login", "network id", "windows login"),
}
# When a roster has no whole-name column, its first and last name columns make one.
FIRST_NAMES = ("first name", "forename", "forenames", "given name", "first")
LAST_NAMES = ("last name", "surname", "family name", "last")

# Yes/no words for the champion column.
_YES = {"yes", "y", "true", "t", "1", "x", "champion"}
_NO = {"no", "n", "false", "f", "0"}

# The HR status words the "In post" column may hold, and whether each counts as in post. Every word
# is read by this table alone, so a status HR adds later is an error on its line, never a guess.
# A suspended colleague is not working on the ward (and cannot be trained there), so is not in
# post: counting them would lower every unit's coverage. README "HR status words" shows this table.
STATUS_WORDS: dict[str, int] = {
    **{word: 1 for word in ("yes", "y", "true", "1", "active", "current", "in post", "active assignment", "acting up")},
    **{
        word: 0
        for word in (
            "no",
            "n",
            "false",
            "0",
            "inactive",
            "not active",
            "leaver",
            "left",
            "terminated",
            "suspended",
            "suspend assignment",
            "terminate assignment",
            "inactive assignment",
            "end assignment",
        )
    },
}

Mapping_ = dict[str, tuple[str, ...]]  # field -> the column(s) it is read from


class RosterError(ChampionDeskError):
    """The roster cannot be imported as a whole (a missing column, a bad --map)."""


def normalise_header(text: str) -> str:
    """Return a header as compared with the synonyms: lower case, punctuation as spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower().replace("no.", "no ")).split())


def guess_mapping(
    headers: Sequence[str], fields: Sequence[str] = FIELDS, synonyms: Mapping[str, Sequence[str]] = SYNONYMS
) -> Mapping_:
    """Return the columns that look like each field, by common HR header names (first match wins).

    ``fields`` and ``synonyms`` let another import (a tool's usage export) match its own fields.
    """
    normal = {}
    for header in headers:
        normal.setdefault(normalise_header(header), header)
    mapping: Mapping_ = {}
    used: set[str] = set()
    for name in fields:
        for synonym in synonyms[name]:
            header = normal.get(synonym)
            if header is not None and header not in used:
                mapping[name] = (header,)
                used.add(header)
                break
    if "display_name" in fields and "display_name" not in mapping:
        first = next((normal[s] for s in FIRST_NAMES if s in normal), None)
        last = next((normal[s] for s in LAST_NAMES if s in normal), None)
        if first and last:
            mapping["display_name"] = (first, last)
    return mapping


def parse_map_options(options: Sequence[str], headers: Sequence[str], fields: Sequence[str] = FIELDS) -> Mapping_:
    """Turn ``FIELD=COLUMN`` options (``display_name=First+Surname`` joins columns) into a mapping.

    Raises RosterError for an unknown field or a column the file does not have.
    """
    mapping: Mapping_ = {}
    for option in options:
        name, sep, column = option.partition("=")
        name = name.strip()
        if not sep or name not in fields:
            raise RosterError(f"--map {option!r}: write FIELD=COLUMN, FIELD one of {', '.join(fields)}.")
        mapping[name] = tuple(c.strip() for c in column.split("+")) if column.strip() else ()
    _check_columns(mapping, headers)
    return mapping


def complete_mapping(
    options: Sequence[str],
    headers: Sequence[str],
    parse: Callable[[Sequence[str], Sequence[str]], Mapping_] = parse_map_options,
    guess: Callable[[Sequence[str]], Mapping_] = guess_mapping,
) -> Mapping_:
    """Return ``--map`` options, with the fields they do not name matched by their usual header names.

    ``parse`` and ``guess`` let another import (a tool's usage export) complete its own mapping.
    """
    mapping = parse(options, headers) if options else {}
    taken = {c for cols in mapping.values() for c in cols}
    for name, cols in guess(headers).items():
        if name not in mapping and not taken.intersection(cols):
            mapping[name] = cols
    return mapping


def _check_columns(mapping: Mapping_, headers: Sequence[str]) -> None:
    for name, cols in mapping.items():
        for col in cols:
            if col not in headers:
                raise RosterError(
                    f"{name}: the file has no column {col!r} (its columns: {', '.join(h for h in headers if h)})."
                )


def check_mapping(mapping: Mapping_, headers: Sequence[str]) -> None:
    """Raise RosterError when a mapped column is missing or no column gives the name."""
    _check_columns(mapping, headers)
    if not mapping.get("display_name"):
        raise RosterError(
            "No column gives the colleague's name; choose it with --map display_name=COLUMN "
            f"(the file's columns: {', '.join(h for h in headers if h)})."
        )


@dataclass(frozen=True)
class RowProblem:
    """One broken rule of one row, shown as ``line N: field: rule (detail)``."""

    line: int
    field: str
    rule: str
    detail: str = ""

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.rule}" + (f" ({self.detail})" if self.detail else "")

    def described(self, mapping: Mapping_) -> str:
        """Return the problem in a ward user's words: the field's label and the file's column name."""
        label = FIELD_LABELS.get(self.field, "the row" if self.field == "row" else self.field)
        columns = " + ".join(f"'{c}'" for c in mapping.get(self.field, ()))
        where = f"{label} (column {columns})" if columns else label
        return f"line {self.line}: {where}: {self.rule}" + (f" ({self.detail})" if self.detail else "")


@dataclass
class PlannedRow:
    """A valid row and what importing it would do."""

    line: int
    action: str  # "add", "update" or "unchanged"
    values: dict[str, Any]  # staff fields, with ``unit`` as a name
    staff_id: str | None = None
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportPlan:
    """What importing a roster would do; nothing has been written."""

    table: TableFile
    mapping: Mapping_
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)  # rows imported, with something to check
    new_units: list[str] = field(default_factory=list)
    written: bool = False
    fingerprint: tuple[int, int] = (0, 0)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def invalid(self) -> int:
        return len({p.line for p in self.problems})

    @property
    def counts(self) -> dict[str, int]:
        return {
            "added": self.count("add"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
            "invalid": self.invalid,
        }

    def has_changes(self) -> bool:
        return any(r.action != "unchanged" for r in self.rows)

    def summary(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in self.counts.items())


def parse_flag(text: str) -> int | str:
    """Return 1/0 for the yes/no words rosters use (yes, Y, true, 1, x…); else the text as given."""
    word = text.strip().lower()
    if word in _YES:
        return 1
    if word in _NO:
        return 0
    return text.strip()


def parse_status(text: str) -> int | None:
    """Return 1 (in post) or 0 for a word of ``STATUS_WORDS`` (any case, spaces trimmed); None for another word."""
    return STATUS_WORDS.get(" ".join(text.lower().split()))


def _cells(table: TableFile, mapping: Mapping_) -> tuple[dict[str, list[int]], int]:
    index = {}
    for pos, header in enumerate(table.headers):
        index.setdefault(header, pos)
    return {name: [index[c] for c in cols] for name, cols in mapping.items() if cols}, len(table.headers)


def _field_of(error: ValidationError) -> str:
    return "unit" if error.field == "unit_id" else error.field


def plan_import(
    db: Database, table: TableFile, mapping: Mapping_, progress: Callable[[int, int], None] | None = None
) -> ImportPlan:
    """Check every row against the staff rules and the file itself; return the ImportPlan (writes nothing).

    Raises RosterError when the mapping is unusable.
    """
    check_mapping(mapping, table.headers)
    plan = ImportPlan(table, dict(mapping), fingerprint=data_fingerprint(db))
    positions, width = _cells(table, mapping)
    staff = db.query("SELECT * FROM staff WHERE deleted_at IS NULL")
    by_ref = {s["staff_ref"].casefold(): s for s in staff if s["staff_ref"]}
    by_name: dict[str, list[dict]] = {}
    for s in staff:
        if not s["staff_ref"]:
            by_name.setdefault(s["display_name"].casefold(), []).append(s)
    all_refs: dict[str, set[str]] = {}
    for row in db.query("SELECT id, staff_ref FROM staff WHERE staff_ref IS NOT NULL"):
        all_refs.setdefault(row["staff_ref"].strip().casefold(), set()).add(row["id"])
    scratch = memory_database()
    units = {u["name"].casefold(): u for u in db.query("SELECT id, name FROM unit WHERE deleted_at IS NULL")}
    unit_problems: dict[str, list[ValidationError]] = {}
    new_units: dict[str, str] = {}
    seen_refs: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    editable = records.editable_fields("staff")
    for done, (line, cells) in enumerate(table.rows, start=1):
        if done % 500 == 0:
            report_progress(progress, done, len(table.rows))
        found: list[RowProblem] = []
        if len(cells) < width or any(c.strip() for c in cells[width:]):
            plan.problems.append(
                RowProblem(
                    line, "row", f"has {len(cells)} cells but the header has {width}", "a missing or extra separator?"
                )
            )
            continue
        raw = {name: " ".join(cells[p].strip() for p in pos if cells[p].strip()) for name, pos in positions.items()}
        values = normalise(raw)
        if values.get("is_champion") is not None:
            values["is_champion"] = parse_flag(values["is_champion"])
        if values.get("active") is not None:
            status = parse_status(values["active"])
            if status is None:
                found.append(
                    RowProblem(
                        line,
                        "active",
                        "is not an HR status word Champion Desk knows",
                        f"got {values.pop('active')!r}; the README lists the words",
                    )
                )
            else:
                values["active"] = status
        ref, name = values.get("staff_ref"), values.get("display_name")
        if ref is not None:
            if ref.casefold() in seen_refs:
                found.append(
                    RowProblem(
                        line,
                        "staff_ref",
                        "must be unique in the file",
                        f"{ref!r} is also on line {seen_refs[ref.casefold()]}",
                    )
                )
            seen_refs.setdefault(ref.casefold(), line)
            existing = by_ref.get(ref.casefold())
        else:
            key = (name or "").casefold()
            if key and key in seen_names:
                found.append(
                    RowProblem(
                        line,
                        "display_name",
                        "must be unique in the file when there is no staff number",
                        f"also on line {seen_names[key]}",
                    )
                )
            seen_names.setdefault(key, line)
            matches = by_name.get(key, [])
            if len(matches) > 1:
                found.append(
                    RowProblem(line, "staff_ref", "is required to tell apart colleagues with the same name", name)
                )
            existing = matches[0] if len(matches) == 1 else None
        unit_name = values.pop("unit", None)
        if unit_name is not None:
            unit = units.get(unit_name.casefold())
            if unit is not None:
                values["unit_id"] = unit["id"]
            else:
                key = unit_name.casefold()
                if key not in unit_problems:
                    unit_problems[key] = problems(db, "unit", {"name": unit_name})
                    new_units.setdefault(key, unit_name)
                found += [RowProblem(line, "unit", p.rule, unit_name) for p in unit_problems[key]]
        # Blank cells leave stored values alone; a matched staff number keeps its stored spelling.
        given = {k: v for k, v in values.items() if v is not None}
        if existing is not None:
            given.pop("staff_ref", None)
            full = {**{k: existing[k] for k in editable}, **given}
        else:
            full = {**DEFAULTS["staff"], **given}
        # The rules need the real database only for a possible staff-number clash (a set lookup
        # finds those); otherwise the same rules run against an empty scratch schema, which
        # avoids one case-insensitive table scan per row (O(n²) on a large roster).
        record_id = existing["id"] if existing else None
        clash = ref is not None and bool(all_refs.get(ref.casefold(), set()) - {record_id})
        rule_db = db if clash else scratch
        checked = full if clash else {k: v for k, v in full.items() if k != "unit_id"}
        for error in problems(rule_db, "staff", checked, record_id):
            found.append(RowProblem(line, _field_of(error), error.rule, _detail(error, full)))
        if found:
            plan.problems.extend(found)
            continue
        shown = {**given, "unit": unit_name} if unit_name is not None else given
        shown.pop("unit_id", None)
        if "unit" in positions and unit_name is None and (existing is None or existing["unit_id"] is None):
            # Such a colleague counts in every all-units figure and in no unit's: say so, by line.
            plan.warnings.append(RowProblem(line, "unit", "empty, imported without a unit"))
        if existing is None:
            plan.rows.append(PlannedRow(line, "add", shown))
            continue
        changes = {k: v for k, v in given.items() if existing[k] != v}
        if unit_name is not None and "unit_id" not in given:
            changes["unit"] = unit_name  # a unit that does not exist yet
        plan.rows.append(PlannedRow(line, "update" if changes else "unchanged", shown, existing["id"], changes))
    scratch.close()
    used = {r.values.get("unit", "").casefold() for r in plan.rows}
    plan.new_units = sorted((n for k, n in new_units.items() if k in used and not unit_problems[k]), key=str.casefold)
    plan.problems.sort(key=lambda p: p.line)
    return plan


def _detail(error: ValidationError, values: Mapping[str, Any]) -> str:
    value = values.get(error.field)
    if error.rule == "is required" or value is None:
        return ""
    return f"got {value!r}" if len(str(value)) <= 40 else f"got {len(str(value))} characters"


def import_roster(
    db: Database,
    table: TableFile,
    mapping: Mapping_,
    actor: str,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    backup: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> ImportPlan:
    """Import a roster: plan it, and unless it is a dry run or a row is invalid (without ``skip_invalid``),
    take a verified backup and write every change in one transaction. Returns the plan
    (``written`` tells whether anything was written). Raises RosterError, StoreError.
    """
    from champion_desk.store.backups import backup_database

    plan = plan_import(db, table, mapping, progress)
    if dry_run or (plan.problems and not skip_invalid) or not plan.has_changes():
        return plan
    if backup and db.path is not None:
        backup_database(db, reason="before-import")
    with db.transaction():
        # The plan was made before the write lock was taken; make it again if anything changed since.
        if data_fingerprint(db) != plan.fingerprint:
            plan = plan_import(db, table, mapping)
        _write(db, plan, actor, progress)
    plan.written = True
    return plan


def _write(db: Database, plan: ImportPlan, actor: str, progress: Callable[[int, int], None] | None) -> None:
    unit_ids = {u["name"].casefold(): u["id"] for u in db.query("SELECT id, name FROM unit WHERE deleted_at IS NULL")}
    new_units = []
    for name in plan.new_units:
        unit_id = records.new_id()
        unit_ids[name.casefold()] = unit_id
        new_units.append({"id": unit_id, "name": name})
    importing.write_batch(db, "unit", new_units, [], actor)

    def staff_values(values: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in values.items() if k != "unit"}
        if values.get("unit") is not None:
            out["unit_id"] = unit_ids[values["unit"].casefold()]
        return out

    added = [{**DEFAULTS["staff"], **staff_values(r.values)} for r in plan.rows if r.action == "add"]
    changed = [(r.staff_id, staff_values(r.changes)) for r in plan.rows if r.action == "update"]
    importing.write_batch(db, "staff", added, changed, actor, progress=progress)


def read_roster(path: Path | str, encoding: str | None = None) -> TableFile:
    """Read a roster file (CSV or XLSX; ``encoding`` for a CSV that is not UTF-8). Raises TableFileError, FileNotFoundError."""
    return read_table(path, encoding)


__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "ImportPlan",
    "PlannedRow",
    "RosterError",
    "RowProblem",
    "TableFileError",
    "STATUS_WORDS",
    "guess_mapping",
    "import_roster",
    "parse_flag",
    "parse_map_options",
    "parse_status",
    "plan_import",
    "read_roster",
]
