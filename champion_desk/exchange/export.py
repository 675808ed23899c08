"""Export every table's live records for Excel: a folder of CSV files or one XLSX workbook.

Columns are the documented ones (docs/data-model.md), in schema order, with two exceptions made on purpose:
the ``audit`` table is not exported (its ``actor`` and ``changes`` hold names and concern text),
and ``incident.raised_by`` is left out (who raised a concern is confidential; it exists only so
the champion can offer follow-up). Who suggested or backed a staff idea (``idea.suggested_by``,
``idea_support.backed_by``) is like who raised a concern, but a colleague chose to put their name
to an idea, so the champion's full copy keeps it; the manager export empties it, and the idea's
description (in the colleague's own words), keeping the title.

By default the export is fit to hand to a manager (issue 9): colleagues other than champions
appear without name or staff number, and concern text and free notes (which name people) are
left empty; the columns stay, so the layout is the same either way. Concerns are not listed one
by one (a unit's four concerns with their dates single people out): ``concern_counts`` gives how
many were raised per unit, month and theme, under the briefing's rules (``privacy.Protection``,
whole months only). ``full=True`` keeps everything, concerns one by one: the champion's own
complete copy, not for sharing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from champion_desk import outfiles
from champion_desk.errors import ChampionDeskError
from champion_desk.store import records, sealed
from champion_desk.store.backups import default_backup_dir, scratch_folder
from champion_desk.store.connection import Database
from champion_desk.store.importing import report_progress
from champion_desk.store.schema import RECORD_TABLES, columns

# A signing PIN's hash never leaves the file: a 4-digit PIN is found from it by trying all 10,000.
EXCLUDED_COLUMNS: dict[str, tuple[str, ...]] = {
    "incident": ("raised_by",),
    "staff": ("signing_pin_hash", "signing_pin_failures", "signing_pin_wait_until"),
}
# In the manager export these columns are emptied (SQL giving the value exported instead).
_CHAMPIONS_ONLY = "CASE WHEN is_champion = 1 THEN {0} END"
MANAGER_BLANKED: dict[str, dict[str, str]] = {
    "staff": {c: _CHAMPIONS_ONLY.format(c) for c in ("display_name", "staff_ref", "email", "login")},
    "incident": {"description": "NULL", "root_cause": "NULL", "owner": "NULL"},
    "training_session": {"notes": "NULL"},
    "checkin": {"note": "NULL"},
    # One colleague's use of a tool is theirs (README, "Trust first"): a manager sees use, not who.
    "usage": {"staff_id": "NULL"},
    # The title is what a meeting sees; the description is in the colleague's own words, like a concern's.
    "idea": {"suggested_by": "NULL", "description": "NULL"},
    "idea_support": {"backed_by": "NULL"},
}
FORMATS = ("csv", "xlsx")
# The manager export's table of concern counts, in place of the concerns themselves.
CONCERN_COUNTS = "concern_counts"
CONCERN_COUNT_COLUMNS = ("unit", "month", "theme", "concerns")
# Text starting with these is run as a formula by Excel (CSV injection); a leading apostrophe stops it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ChampionDeskError):
    """The export cannot be written where asked."""


@dataclass
class ExportResult:
    """Where the export went and how many rows each table had."""

    path: Path
    counts: dict[str, int] = field(default_factory=dict)


def export_columns(table: str) -> tuple[str, ...]:
    """Return the columns exported for a table: the documented ones minus the confidential ones."""
    if table == CONCERN_COUNTS:
        return CONCERN_COUNT_COLUMNS
    return tuple(c for c in columns(table) if c not in EXCLUDED_COLUMNS.get(table, ()))


def safe_text(value: Any) -> Any:
    """Return a value as written to a cell: text that Excel would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def live_rows(db: Database, table: str, full: bool = False) -> list[tuple]:
    """Return the exported columns of a table's live records, oldest first (emptied as for a manager unless ``full``)."""
    blanked = {} if full else MANAGER_BLANKED.get(table, {})
    cols = ", ".join(f"{blanked[c]} AS {c}" if c in blanked else c for c in export_columns(table))
    return [
        tuple(r)
        for r in db.conn.execute(f"SELECT {cols} FROM {table} WHERE deleted_at IS NULL ORDER BY created_at, id")
    ]


def _redact_names(db: Database, tables: dict[str, list[tuple]]) -> None:
    """Replace colleagues' names (all but champions') in every free-text column kept in the manager export."""
    from champion_desk.domain.privacy import name_redactor
    from champion_desk.store.erasure import PLACE_COLUMNS, text_columns

    redact = name_redactor(db)
    for table, rows in tables.items():
        cols = export_columns(table)
        blanked = MANAGER_BLANKED.get(table, {})
        # Unit and tool names stay, even where a surname is also a word ("Cedar Ward").
        positions = [
            cols.index(c)
            for c in text_columns(table)
            if c in cols and c not in blanked and c not in PLACE_COLUMNS.get(table, ())
        ]
        for i, row in enumerate(rows):
            if any(row[p] for p in positions):
                fixed = list(row)
                for p in positions:
                    if fixed[p]:
                        fixed[p] = redact(fixed[p])
                rows[i] = tuple(fixed)


def concern_count_rows(db: Database, today: dt.date | None = None) -> list[tuple]:
    """Return (unit, month, theme, concerns) for every unit, whole month ended by ``today`` and theme with
    concerns raised, by month, unit and theme; ``concerns`` is the count or, where the briefing's rules
    hide it, its printed words ("fewer than 5", "not shown").

    Each month is protected as a one-month briefing of all tools is, so the export and the briefings
    hide the same entries; the month still running is left out (tomorrow's export would differ by a day).
    """
    from champion_desk.domain import metrics
    from champion_desk.domain.briefing_data import NO_UNIT, THEMES, concern_table
    from champion_desk.domain.privacy import DEFAULT_K, Protection
    from champion_desk.domain.scope import Scope

    today = today or dt.date.today()
    first = db.scalar("SELECT min(occurred_on) FROM incident WHERE deleted_at IS NULL")
    if not first:
        return []
    names = {r["id"]: r["name"] for r in db.query("SELECT id, name FROM unit")} | {NO_UNIT: NO_UNIT}
    try:
        month = dt.date.fromisoformat(str(first)[:7] + "-01")
    except ValueError:
        return []
    rows: list[tuple] = []
    while True:
        end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        if end >= today:
            break
        tables = concern_table(db, metrics.resolve(db, Scope(month, end)))
        plan = Protection(tables, DEFAULT_K)
        for uid in sorted({u for u, _ in tables["theme"]}, key=lambda u: names.get(u, u).casefold()):
            for theme in THEMES:
                cell = plan.cell("theme", [uid], theme)
                if cell.value:
                    rows.append(
                        (
                            names.get(uid, uid),
                            f"{month:%Y-%m}",
                            theme,
                            cell.text if cell.suppressed else int(cell.value),
                        )
                    )
        month = end + dt.timedelta(days=1)
    return rows


def db_snapshot(db: Database, read: Callable[[], Any]) -> Any:
    """Run ``read`` inside one read transaction, so every table is seen as of the same moment."""
    if db.conn.in_transaction:
        return read()
    db.conn.execute("BEGIN")
    try:
        return read()
    finally:
        db.conn.execute("COMMIT")


def export_database(
    db: Database,
    out: Path | str,
    fmt: str,
    progress: Callable[[int, int], None] | None = None,
    full: bool = False,
    passphrase: str | None = None,
    actor: str = "",
) -> ExportResult:
    """Write every record table's live rows to ``out`` (for a manager unless ``full``); return an ExportResult.

    ``csv``: ``out`` is a folder (created if needed) that receives ``<table>.csv`` in UTF-8 with a
    byte-order mark, so Excel shows accents. ``xlsx``: ``out`` is a workbook with one sheet per
    table. Files are written beside their target and moved into place, so a failed export never
    leaves half a file. Raises ExportError.

    ``passphrase``: the export is sealed (``store.sealed``) into the one file ``out``: the
    workbook, or the CSV files in a zip. The command line and the app always give one for a full
    export: it names everyone and quotes concerns, and leaves the PC. Each export is recorded in the audit log (what kind, never what
    it held) when the logbook is open for writing.
    """
    out = Path(out)
    if passphrase is not None:
        sealed.check_passphrase(passphrase)
        if out.is_dir():
            raise ExportError(f"{out} is a folder; an encrypted export is one file (name it ending in .age).")
    if fmt not in FORMATS:
        raise ExportError(f"format: must be one of {', '.join(FORMATS)} (got {fmt!r}).")
    if fmt == "csv" and out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file; a CSV export needs a folder to hold one file per table.")
    if fmt == "xlsx" and out.is_dir():
        raise ExportError(f"{out} is a folder; an XLSX export needs a file name ending in .xlsx.")
    result = ExportResult(out)
    tables = db_snapshot(db, lambda: {t: live_rows(db, t, full) for t in RECORD_TABLES})
    if not full:
        _redact_names(db, tables)
        del tables["incident"]
        tables[CONCERN_COUNTS] = db_snapshot(db, lambda: concern_count_rows(db))
    try:
        if passphrase is not None:
            _write_sealed(db, out, fmt, tables, progress, passphrase)
        elif fmt == "csv":
            _write_csv(out, tables, progress)
        else:
            _write_xlsx(out, tables, progress)
    except OSError as exc:
        raise ExportError(f"The export could not be written to {out} ({exc.strerror or exc}).") from exc
    result.counts = {t: len(rows) for t, rows in tables.items()}
    records.security_event(
        db,
        actor,
        records.FULL_EXPORT if full else records.MANAGER_EXPORT,
        {"format": fmt, "encrypted": passphrase is not None, "rows": sum(result.counts.values())},
    )
    return result


def _write_sealed(
    db: Database,
    out: Path,
    fmt: str,
    tables: dict[str, list[tuple]],
    progress: Callable[[int, int], None] | None,
    passphrase: str,
) -> None:
    """Write the export in a private scratch folder beside the logbook, then seal it into ``out``."""
    import zipfile

    scratch_in = default_backup_dir(db.path) if db.path is not None else None
    with scratch_folder(scratch_in) as folder:
        if fmt == "xlsx":
            plain = folder / "export.xlsx"
            _write_xlsx(plain, tables, progress)
        else:
            _write_csv(folder / "csv", tables, progress)
            plain = folder / "export.zip"
            with zipfile.ZipFile(plain, "w", zipfile.ZIP_DEFLATED) as archive:
                for table in tables:
                    archive.write(folder / "csv" / f"{table}.csv", f"{table}.csv")
        sealed.seal_file(plain, out, passphrase)


def _write_csv(folder: Path, tables: dict[str, list[tuple]], progress: Callable[[int, int], None] | None) -> None:
    import csv

    # Every table is written before any is moved into place: a full disk leaves the folder as it was,
    # never this month's incident counts beside last month's staff list.
    with outfiles.replacing_files(folder, [f"{t}.csv" for t in tables]) as paths:
        for done, (table, rows) in enumerate(tables.items(), start=1):
            with open(paths[f"{table}.csv"], "w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(export_columns(table))
                writer.writerows([safe_text(v) for v in row] for row in rows)
            report_progress(progress, done, len(tables))


def _write_xlsx(path: Path, tables: dict[str, list[tuple]], progress: Callable[[int, int], None] | None) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    path.parent.mkdir(parents=True, exist_ok=True)

    def cell(value: Any) -> Any:
        if isinstance(value, str):
            # Control characters are not allowed in a workbook; they carry no meaning here.
            return safe_text(ILLEGAL_CHARACTERS_RE.sub("", value))
        return value

    def write(tmp: Path) -> None:
        workbook = Workbook(write_only=True)
        bold = Font(bold=True)
        for done, (table, rows) in enumerate(tables.items(), start=1):
            sheet = workbook.create_sheet(table)
            sheet.freeze_panes = "A2"
            header = []
            for name in export_columns(table):
                c = WriteOnlyCell(sheet, value=name)
                c.font = bold
                header.append(c)
            sheet.append(header)
            for row in rows:
                sheet.append([cell(v) for v in row])
            report_progress(progress, done, len(tables))
        workbook.save(tmp)

    with outfiles.replacing(path) as tmp:
        write(tmp)
