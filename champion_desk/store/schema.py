"""The documented schema: tables, columns and indexes, created by versioned migrations.

Table and column names are part of the product (docs/data-model.md): a manager may open the file in any
SQLite tool, so never rename them casually.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from champion_desk.store import summaries

if TYPE_CHECKING:  # sqlite-utils is imported only when a migration actually runs.
    from collections.abc import Callable

    import sqlite_utils

# "CHDK" as a big-endian 32-bit integer: marks a file as Champion Desk's (PRAGMA application_id).
APPLICATION_ID = 0x4348444B
SCHEMA_VERSION = 17
MIGRATION_SET = "champion_desk"

_RECORD = """
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT"""

# A stored date is a real calendar day: date(d, '+0 days') normalises 2026-02-30 to 2026-03-02 and
# gives NULL for 2026-13-01, so only a real day comes back as itself (plain date(d) echoes it).
_DATE = "CHECK ({0} IS NULL OR ({0} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' AND date({0}, '+0 days') IS {0}))"
# What schemas 1-9 stored: the shape of a date, not that it is one.
_DATE_SHAPE_ONLY = "CHECK ({0} IS NULL OR {0} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')"
# The audit actor and action of a date the upgrade to schema 10 corrected.
DATE_REPAIR_ACTOR = "schema upgrade"
DATE_REPAIR_ACTION = "update"
_BOOL = "CHECK ({0} IN (0, 1))"
# A time of day on the 24-hour clock, "09:30": when a planned session starts (its calendar entry).
_TIME = "{0} TEXT CHECK ({0} IS NULL OR ({0} GLOB '[0-2][0-9]:[0-5][0-9]' AND {0} < '24:00'))"
# How a countersign or sign-off was signed: with the signer's PIN, without one, or before version 11.
SIGNATURE_STATES = ("pin", "unverified", "before signatures")
_SIGNATURE = "{0} TEXT CHECK ({0} IS NULL OR {0} IN ('pin', 'unverified', 'before signatures'))"


def _date(column: str, required: bool = False) -> str:
    return f"{column} TEXT{' NOT NULL' if required else ''} {_DATE.format(column)}"


def _bool(column: str, default: int) -> str:
    return f"{column} INTEGER NOT NULL DEFAULT {default} {_BOOL.format(column)}"


def _scale(column: str) -> str:
    return f"{column} INTEGER CHECK ({column} IS NULL OR {column} BETWEEN 1 AND 5)"


def _mean_scale(column: str) -> str:
    return f"{column} REAL CHECK ({column} IS NULL OR {column} BETWEEN 1 AND 5)"


TABLE_DDL: dict[str, str] = {
    "unit": f"""CREATE TABLE unit ({_RECORD},
    name TEXT NOT NULL UNIQUE,
    site TEXT,
    specialty TEXT)""",
    "staff": f"""CREATE TABLE staff ({_RECORD},
    display_name TEXT NOT NULL,
    role TEXT,
    unit_id TEXT REFERENCES unit(id),
    staff_ref TEXT UNIQUE,
    {_bool("is_champion", 0)},
    {_bool("active", 1)},
    signing_pin_hash TEXT,
    signing_pin_failures INTEGER CHECK (signing_pin_failures IS NULL OR signing_pin_failures >= 0),
    signing_pin_wait_until TEXT,
    email TEXT,
    login TEXT)""",
    "tool": f"""CREATE TABLE tool ({_RECORD},
    name TEXT NOT NULL UNIQUE,
    vendor TEXT,
    purpose TEXT,
    stage TEXT NOT NULL DEFAULT 'planned',
    {_date("go_live_on")},
    refresher_months INTEGER CHECK (refresher_months IS NULL OR refresher_months > 0))""",
    "rollout": f"""CREATE TABLE rollout ({_RECORD},
    tool_id TEXT NOT NULL REFERENCES tool(id),
    unit_id TEXT NOT NULL REFERENCES unit(id),
    stage TEXT NOT NULL,
    {_date("since", required=True)})""",
    "training_session": f"""CREATE TABLE training_session ({_RECORD},
    tool_id TEXT NOT NULL REFERENCES tool(id),
    unit_id TEXT NOT NULL REFERENCES unit(id),
    trainer_id TEXT NOT NULL REFERENCES staff(id),
    {_date("held_on", required=True)},
    minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 600),
    format TEXT NOT NULL,
    topic TEXT,
    notes TEXT,
    verified_by TEXT REFERENCES staff(id),
    {_date("verified_on")},
    {_SIGNATURE.format("verified_signature")},
    {_TIME.format("starts_at")},
    place TEXT)""",
    "attendance": f"""CREATE TABLE attendance ({_RECORD},
    session_id TEXT NOT NULL REFERENCES training_session(id),
    staff_id TEXT NOT NULL REFERENCES staff(id),
    {_scale("confidence_before")},
    {_scale("confidence_after")},
    {_bool("signed_off", 0)},
    signed_off_by TEXT REFERENCES staff(id),
    {_date("signed_off_on")},
    {_SIGNATURE.format("signed_off_signature")})""",
    "incident": f"""CREATE TABLE incident ({_RECORD},
    tool_id TEXT NOT NULL REFERENCES tool(id),
    unit_id TEXT NOT NULL REFERENCES unit(id),
    reported_by TEXT REFERENCES staff(id),
    raised_by TEXT REFERENCES staff(id),
    {_date("occurred_on", required=True)},
    theme TEXT NOT NULL,
    barrier TEXT,
    severity TEXT NOT NULL DEFAULT 'medium',
    description TEXT,
    root_cause TEXT,
    status TEXT NOT NULL DEFAULT 'open',
    response TEXT,
    owner TEXT,
    {_date("resolved_on")})""",
    "pairing": f"""CREATE TABLE pairing ({_RECORD},
    mentor_id TEXT NOT NULL REFERENCES staff(id),
    mentee_id TEXT NOT NULL REFERENCES staff(id),
    tool_id TEXT NOT NULL REFERENCES tool(id),
    {_date("started_on", required=True)},
    goal TEXT,
    progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    status TEXT NOT NULL DEFAULT 'active',
    {_date("ended_on")})""",
    "checkin": f"""CREATE TABLE checkin ({_RECORD},
    pairing_id TEXT NOT NULL REFERENCES pairing(id),
    {_date("held_on", required=True)},
    minutes INTEGER CHECK (minutes IS NULL OR minutes BETWEEN 1 AND 600),
    {_scale("confidence")},
    note TEXT)""",
    "pulse": f"""CREATE TABLE pulse ({_RECORD},
    unit_id TEXT NOT NULL REFERENCES unit(id),
    tool_id TEXT NOT NULL REFERENCES tool(id),
    {_date("taken_on", required=True)},
    respondents INTEGER NOT NULL CHECK (respondents >= 1),
    {_mean_scale("awareness")},
    {_mean_scale("desire")},
    {_mean_scale("knowledge")},
    {_mean_scale("ability")},
    {_mean_scale("reinforcement")})""",
    "story": f"""CREATE TABLE story ({_RECORD},
    tool_id TEXT NOT NULL REFERENCES tool(id),
    unit_id TEXT REFERENCES unit(id),
    {_date("told_on", required=True)},
    title TEXT NOT NULL,
    summary TEXT,
    measure TEXT,
    value TEXT,
    source TEXT)""",
    # One row per colleague, tool and day (a weekly export's rows fall on the week's Monday): how
    # many times the tool's own records say they used it. Imported, never typed (exchange/usage.py).
    "usage": f"""CREATE TABLE usage ({_RECORD},
    staff_id TEXT NOT NULL REFERENCES staff(id),
    tool_id TEXT NOT NULL REFERENCES tool(id),
    {_date("day", required=True)},
    count INTEGER NOT NULL CHECK (count >= 0),
    source TEXT)""",
    "idea": f"""CREATE TABLE idea ({_RECORD},
    tool_id TEXT REFERENCES tool(id),
    unit_id TEXT NOT NULL REFERENCES unit(id),
    suggested_by TEXT REFERENCES staff(id),
    {_date("raised_on", required=True)},
    title TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL DEFAULT 'new',
    status_reason TEXT,
    {_date("status_on")},
    led_to_rollout_id TEXT REFERENCES rollout(id),
    led_to_story_id TEXT REFERENCES story(id))""",
    "idea_support": f"""CREATE TABLE idea_support ({_RECORD},
    idea_id TEXT NOT NULL REFERENCES idea(id),
    {_date("backed_on", required=True)},
    backers INTEGER NOT NULL DEFAULT 1 CHECK (backers BETWEEN 1 AND 1000),
    backed_by TEXT REFERENCES staff(id))""",
    # Who was asked to a session (issue 20): invited, then attended or did not attend; a walk-in
    # signed in at the kiosk without an invitation and waits for the champion to confirm them.
    "invitation": f"""CREATE TABLE invitation ({_RECORD},
    session_id TEXT NOT NULL REFERENCES training_session(id),
    staff_id TEXT NOT NULL REFERENCES staff(id),
    status TEXT NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'attended', 'did_not_attend')),
    {_bool("walk_in", 0)},
    {_bool("confirmed", 1)})""",
    "setting": f"""CREATE TABLE setting ({_RECORD},
    key TEXT NOT NULL UNIQUE,
    value TEXT NOT NULL)""",
    "suggestion_response": f"""CREATE TABLE suggestion_response ({_RECORD},
    suggestion_key TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('dismissed', 'snoozed', 'agreed')),
    {_date("until")},
    reason TEXT,
    decided_by TEXT REFERENCES staff(id))""",
    # One ward logbook as some logbook knows it (sync folders, issue 23): ``logbook_id`` is the
    # logbook described, ``seen_by`` the one that recorded the row (equal for a logbook's own row,
    # which it updates each time it writes its snapshot). The id is derived from the pair, so every
    # copy of a row merges by id and no two PCs ever write the same row.
    "sync_peer": f"""CREATE TABLE sync_peer ({_RECORD},
    logbook_id TEXT NOT NULL,
    seen_by TEXT NOT NULL,
    trust_id TEXT,
    ward_name TEXT NOT NULL,
    pc_name TEXT,
    last_written_at TEXT,
    last_merged_at TEXT,
    rows_received INTEGER NOT NULL DEFAULT 0 CHECK (rows_received >= 0))""",
    "audit": """CREATE TABLE audit (
    id TEXT PRIMARY KEY NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    "table" TEXT NOT NULL,
    record_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'undelete', 'erase', 'import', 'merge', 'export', 'restore', 'security')),
    changes TEXT NOT NULL DEFAULT '{}',
    os_account TEXT,
    pc_name TEXT)""",
}

# Every index serves a query in domain/metrics.py or a lookup the UI makes; keep them in step.
INDEX_DDL: list[str] = [
    "CREATE INDEX staff_unit ON staff(unit_id, active)",
    "CREATE INDEX rollout_tool_unit ON rollout(tool_id, unit_id, since)",
    "CREATE INDEX session_held ON training_session(held_on)",
    "CREATE INDEX session_unit_held ON training_session(unit_id, held_on)",
    "CREATE INDEX session_tool_held ON training_session(tool_id, held_on)",
    "CREATE INDEX session_trainer ON training_session(trainer_id)",
    "CREATE INDEX attendance_session ON attendance(session_id)",
    "CREATE INDEX attendance_staff ON attendance(staff_id, session_id)",
    # One live attendance per person per session; a tombstoned one may be re-added.
    "CREATE UNIQUE INDEX attendance_once ON attendance(session_id, staff_id) WHERE deleted_at IS NULL",
    "CREATE INDEX incident_occurred ON incident(occurred_on)",
    "CREATE INDEX incident_unit_occurred ON incident(unit_id, occurred_on)",
    "CREATE INDEX incident_resolved ON incident(resolved_on)",
    "CREATE INDEX incident_raised_by ON incident(raised_by)",
    "CREATE INDEX pairing_mentee ON pairing(mentee_id)",
    "CREATE INDEX pairing_mentor ON pairing(mentor_id)",
    "CREATE INDEX pairing_started ON pairing(started_on)",
    "CREATE INDEX checkin_pairing_held ON checkin(pairing_id, held_on)",
    "CREATE INDEX checkin_held ON checkin(held_on)",
    "CREATE INDEX pulse_unit_tool_taken ON pulse(unit_id, tool_id, taken_on)",
    "CREATE INDEX story_told ON story(told_on)",
    "CREATE INDEX audit_record ON audit(record_id)",
]

# Tables and indexes added by each later schema version (the initial migration creates the rest).
ADDED_IN: dict[int, tuple[str, ...]] = {
    2: ("setting", "suggestion_response"),
    12: ("usage",),
    13: ("idea", "idea_support"),
    15: ("sync_peer",),
    16: ("invitation",),
}
# Columns added to an existing table by a later version (a new file gets them from TABLE_DDL).
ADDED_COLUMNS: dict[int, tuple[tuple[str, str, str], ...]] = {
    12: (("staff", "email", "TEXT"), ("staff", "login", "TEXT")),
    16: (
        ("training_session", "starts_at", _TIME.format("starts_at")[len("starts_at ") :]),
        ("training_session", "place", "TEXT"),
    ),
}
ADDED_INDEXES: dict[int, tuple[str, ...]] = {
    2: ("CREATE INDEX suggestion_response_key ON suggestion_response(suggestion_key)",),
    # Covering indexes for coverage and uplift, and the links a colleague's journey follows (which
    # otherwise scan every attendance). The two attendance indexes replace narrower ones with the
    # same leading columns.
    3: (
        "DROP INDEX attendance_staff",
        "CREATE INDEX attendance_staff ON attendance(staff_id, signed_off, deleted_at, session_id)",
        "DROP INDEX attendance_session",
        "CREATE INDEX attendance_session ON attendance(session_id, deleted_at, confidence_before, confidence_after)",
        "CREATE INDEX attendance_signed_off_by ON attendance(signed_off_by)",
        "CREATE INDEX session_verified_by ON training_session(verified_by)",
        "CREATE INDEX incident_reported_by ON incident(reported_by)",
    ),
    # Covering indexes for the dashboard's series (a trust-scale redraw read table rows for every
    # session, check-in, concern and pairing in the period). Each replaces a narrower index with the same
    # leading column; session_live answers "is this session live, when, which tool" for each
    # attendance of a colleague without reading the session's row.
    4: (
        "DROP INDEX session_held",
        "CREATE INDEX session_held ON training_session(held_on, deleted_at, unit_id, tool_id, id)",
        "CREATE INDEX session_live ON training_session(id, deleted_at, held_on, tool_id)",
        "DROP INDEX checkin_held",
        "CREATE INDEX checkin_held ON checkin(held_on, deleted_at, pairing_id)",
        "DROP INDEX incident_occurred",
        "CREATE INDEX incident_occurred ON incident(occurred_on, deleted_at, resolved_on, unit_id, tool_id, theme)",
        "DROP INDEX incident_resolved",
        "CREATE INDEX incident_resolved ON incident(resolved_on, deleted_at, occurred_on, unit_id, tool_id)",
        "DROP INDEX pairing_started",
        "CREATE INDEX pairing_started ON pairing(started_on, deleted_at, ended_on, tool_id, mentee_id, id)",
    ),
    # Who signed off an attendance, and who raised a concern, is blank in most rows (about 88% and
    # 80% in the demos). The indexes serve lookups of one colleague (their journey, the checks when a
    # colleague is deleted: "= ?" implies IS NOT NULL, so SQLite still uses them), and need no
    # entries for blanks, so a merge that rebuilds them has less to sort.
    9: (
        "DROP INDEX attendance_signed_off_by",
        "CREATE INDEX attendance_signed_off_by ON attendance(signed_off_by) WHERE signed_off_by IS NOT NULL",
        "DROP INDEX incident_raised_by",
        "CREATE INDEX incident_raised_by ON incident(raised_by) WHERE raised_by IS NOT NULL",
    ),
    # A usage import finds a colleague by e-mail or login (most rows leave them blank) and the rows
    # stored for each day of its file; the adoption figures read every colleague's days in pair
    # order (covering: a trust's year is ~300k rows), and a colleague's journey their own rows. Not unique: two ward PCs may import the same export, and
    # the figures count days with use, so a merged duplicate changes none of them.
    12: (
        "CREATE INDEX staff_email ON staff(email COLLATE NOCASE) WHERE email IS NOT NULL",
        "CREATE INDEX staff_login ON staff(login COLLATE NOCASE) WHERE login IS NOT NULL",
        "CREATE INDEX usage_tool_day ON usage(tool_id, day, deleted_at, count, staff_id)",
        "CREATE INDEX usage_staff ON usage(staff_id, tool_id, day, count, deleted_at)",
    ),
    # Staff ideas: the list and the figures read them by date; support is summed per idea; who
    # suggested or backed one is looked up for a colleague's journey and erasure (mostly blank).
    13: (
        "CREATE INDEX idea_raised ON idea(raised_on, deleted_at, unit_id, tool_id, status)",
        "CREATE INDEX idea_suggested_by ON idea(suggested_by) WHERE suggested_by IS NOT NULL",
        "CREATE INDEX idea_support_idea ON idea_support(idea_id, deleted_at, backers, backed_by)",
        "CREATE INDEX idea_support_backed_by ON idea_support(backed_by) WHERE backed_by IS NOT NULL",
    ),
    # sync-status lists each logbook's rows together.
    15: ("CREATE INDEX sync_peer_logbook ON sync_peer(logbook_id, seen_by)",),
    # A session's invite list; a colleague's invitations, newest session first, for "missed_last".
    16: (
        "CREATE INDEX invitation_session ON invitation(session_id, deleted_at, staff_id)",
        "CREATE INDEX invitation_staff ON invitation(staff_id, deleted_at, session_id, status)",
        "CREATE UNIQUE INDEX invitation_once ON invitation(session_id, staff_id) WHERE deleted_at IS NULL",
    ),
}

RECORD_TABLES: tuple[str, ...] = tuple(t for t in TABLE_DDL if t != "audit")
# The records a champion logs (docs/data-model.md); settings, responses to suggested next steps and
# where other logbooks stand are the app's own bookkeeping.
LOGBOOK_TABLES: tuple[str, ...] = tuple(
    t for t in RECORD_TABLES if t not in ("setting", "suggestion_response", "sync_peer")
)


def _initial_schema(db: sqlite_utils.Database) -> None:
    later = {t for tables in ADDED_IN.values() for t in tables}
    for table, ddl in TABLE_DDL.items():
        if table not in later:
            db.execute(ddl)
    for ddl in INDEX_DDL:
        db.execute(ddl)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")


def _version_2(db: sqlite_utils.Database) -> None:
    """Next-steps suggestions: dismissals/snoozes (merged like any record) and settings."""
    for table in ADDED_IN[2]:
        db.execute(TABLE_DDL[table])
    for ddl in ADDED_INDEXES[2]:
        db.execute(ddl)
    db.execute("PRAGMA user_version = 2")


def _version_3(db: sqlite_utils.Database) -> None:
    """Indexes the figures and a colleague's journey need at trust scale."""
    for ddl in ADDED_INDEXES[3]:
        db.execute(ddl)
    db.execute("PRAGMA user_version = 3")


def _version_4(db: sqlite_utils.Database) -> None:
    """Covering indexes the dashboard's series need at trust scale."""
    for ddl in ADDED_INDEXES[4]:
        db.execute(ddl)
    db.execute("PRAGMA user_version = 4")


def _version_5(db: sqlite_utils.Database) -> None:
    """Summary tables the dashboard reads at trust scale, filled from the records, kept by triggers."""
    summaries.create(db.conn, 5)
    db.execute("PRAGMA user_version = 5")


def _version_6(db: sqlite_utils.Database) -> None:
    """Day totals over all units and tools, and each unit and tool's latest pulse, for the dashboard."""
    summaries.create(db.conn, 6)
    db.execute("PRAGMA user_version = 6")


def _version_7(db: sqlite_utils.Database) -> None:
    """Days to resolution over all units and tools, by the day resolved, for the dashboard."""
    summaries.create(db.conn, 7)
    db.execute("PRAGMA user_version = 7")


def _version_8(db: sqlite_utils.Database) -> None:
    """The days-to-resolution triggers skip dates julianday() cannot read (month 13, day 32 pass the CHECK).

    Every trigger is recreated, so a version 7 file's triggers read as this version words them.
    No figure changes: a version 7 file cannot hold such a resolved concern (its trigger refused it).
    """
    summaries.create(db.conn, 8)
    db.execute("PRAGMA user_version = 8")


def _version_9(db: sqlite_utils.Database) -> None:
    """Indexes on mostly blank links (signed off by, raised by) leave the blanks out."""
    for ddl in ADDED_INDEXES[9]:
        db.execute(ddl)
    db.execute("PRAGMA user_version = 9")


def date_columns() -> dict[str, tuple[str, ...]]:
    """Return the date columns of each documented table (those declared with the date CHECK)."""
    found: dict[str, tuple[str, ...]] = {}
    for table in TABLE_DDL:
        cols = tuple(c for c in columns(table) if _DATE.format(c) in TABLE_DDL[table])
        if cols:
            found[table] = cols
    return found


def nearest_real_date(text: str) -> str:
    """Return the real day nearest to a date-shaped ``text``: month 00 -> 01, 13+ -> 12, a day past the month's end -> its last."""
    import calendar

    year, month, day = int(text[0:4]), int(text[5:7]), int(text[8:10])
    year = min(max(year, 1), 9999)
    month = min(max(month, 1), 12)
    day = min(max(day, 1), calendar.monthrange(year, month)[1])
    return f"{year:04d}-{month:02d}-{day:02d}"


def _version_10(db: sqlite_utils.Database) -> None:
    """Stored dates are real calendar days (a CHECK with SQLite's date() round trip).

    Schemas 1-9 checked only the shape, so 2026-02-30 could arrive by a merge or another tool. Each
    such date is corrected to the nearest real day and the value it had is kept in an audit row
    (actor "schema upgrade"), so nothing is dropped and the upgrade can say
    what it did. The CHECK is then added to each table's stored definition, word for word as a
    new file declares it: SQLite allows that edit of the schema text when no row breaks the new rule.
    """
    import json
    import uuid

    conn = db.conn
    now = conn.execute("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')").fetchone()[0]
    for table, cols in date_columns().items():
        present = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
        if not present:
            continue  # a table a later version adds
        for col in (c for c in cols if c in present):
            bad = conn.execute(
                f'SELECT id, "{col}" FROM "{table}" WHERE "{col}" IS NOT NULL '
                f'AND date("{col}", \'+0 days\') IS NOT "{col}"'
            ).fetchall()
            for record_id, value in bad:
                fixed = nearest_real_date(value)
                conn.execute(f'UPDATE "{table}" SET "{col}" = ? WHERE id = ?', (fixed, record_id))
                conn.execute(
                    'INSERT INTO audit (id, at, actor, "table", record_id, action, changes) VALUES (?, ?, ?, ?, ?, ?, ?)',
                    (
                        str(uuid.uuid4()),
                        now,
                        DATE_REPAIR_ACTOR,
                        table,
                        record_id,
                        DATE_REPAIR_ACTION,
                        json.dumps({col: [value, fixed]}),
                    ),
                )
    conn.execute("PRAGMA writable_schema = ON")
    try:
        for table, cols in date_columns().items():
            row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
            if row is None:
                continue
            sql = row[0]
            for col in cols:
                sql = sql.replace(_DATE_SHAPE_ONLY.format(col), _DATE.format(col))
            conn.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql, table))
        version = conn.execute("PRAGMA schema_version").fetchone()[0]
        conn.execute(f"PRAGMA schema_version = {version + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")
    db.execute("PRAGMA user_version = 10")


# Columns version 11 adds (they are also in TABLE_DDL, last, so a new file has them in the same order).
SIGNATURE_COLUMNS: dict[str, tuple[str, ...]] = {
    "staff": ("signing_pin_hash", "signing_pin_failures", "signing_pin_wait_until"),
    "training_session": ("verified_signature",),
    "attendance": ("signed_off_signature",),
}


def _version_11(db: sqlite_utils.Database) -> None:
    """Signing PINs on staff and how each countersign and sign-off was signed.

    A new file already has the columns (the initial schema is written from TABLE_DDL), so only
    the missing ones are added. Signatures already in the file could not have been checked:
    they are marked 'before signatures', never 'pin'.
    """
    for table, added in SIGNATURE_COLUMNS.items():
        have = {r[1] for r in db.execute(f"PRAGMA table_info({table})").fetchall()}
        for column in added:
            if column not in have:
                line = next(d.strip().rstrip(",") for d in TABLE_DDL[table].splitlines() if d.split()[:1] == [column])
                # The table's last column line also carries the CREATE TABLE's closing parenthesis.
                definition = line[:-1] if line.count(")") > line.count("(") else line
                db.execute(f"ALTER TABLE {table} ADD COLUMN {definition}")
    db.execute(
        "UPDATE training_session SET verified_signature = 'before signatures'"
        " WHERE verified_by IS NOT NULL AND verified_signature IS NULL"
    )
    db.execute(
        "UPDATE attendance SET signed_off_signature = 'before signatures'"
        " WHERE signed_off = 1 AND signed_off_signature IS NULL"
    )
    db.execute("PRAGMA user_version = 11")


def _version_12(db: sqlite_utils.Database) -> None:
    """Tool usage imported from the tools' exports, and e-mail and login on staff to match its users."""
    for table, column, kind in ADDED_COLUMNS[12]:
        present = {r[1] for r in db.conn.execute(f'PRAGMA table_info("{table}")')}
        # A file created at this version already has them (the initial schema is TABLE_DDL).
        if column not in present:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    # Each part is skipped when present, so a file whose step was half-recorded elsewhere still upgrades.
    present = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}
    for table in ADDED_IN[12]:
        if table not in present:
            db.execute(TABLE_DDL[table])
    for ddl in ADDED_INDEXES[12]:
        if ddl.split()[2] not in present:
            db.execute(ddl)
    db.execute("PRAGMA user_version = 12")


def _version_13(db: sqlite_utils.Database) -> None:
    """Staff ideas for the roadmap, and who backed them."""
    # Each part is skipped when present, as version 12 does, so a half-recorded step still upgrades.
    present = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}
    for table in ADDED_IN[13]:
        if table not in present:
            db.execute(TABLE_DDL[table])
    for ddl in ADDED_INDEXES[13]:
        if ddl.split()[2] not in present:
            db.execute(ddl)
    db.execute("PRAGMA user_version = 13")


def _version_14(db: sqlite_utils.Database) -> None:
    """The audit log may record subject-access exports (action 'export'), so the report can count them.

    SQLite cannot change a CHECK in place: the old table is renamed, the documented one created
    (its DDL word for word, as a merge compares it) and the rows copied. Nothing points at audit.
    """
    db.execute("ALTER TABLE audit RENAME TO audit_before_v14")
    db.execute(TABLE_DDL["audit"])
    # The columns a version 13 file has (a later version's table may have more: see _version_17).
    kept = 'id, at, actor, "table", record_id, action, changes'
    db.execute(f"INSERT INTO audit ({kept}) SELECT {kept} FROM audit_before_v14")
    db.execute("DROP TABLE audit_before_v14")  # its index goes with it
    db.execute("CREATE INDEX audit_record ON audit(record_id)")
    db.execute("PRAGMA user_version = 14")


def _version_15(db: sqlite_utils.Database) -> None:
    """Sync folders: where each ward's logbook stands (``sync_peer``), merged like any record."""
    # IF NOT EXISTS: a file that holds the table but lost its version mark (reset by another tool)
    # upgrades again keeping its rows. SQLite stores the definition without the clause, so the
    # file's definitions still read word for word as ours (foreign.check_shape).
    for table in ADDED_IN[15]:
        db.execute(TABLE_DDL[table].replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))
    for ddl in ADDED_INDEXES[15]:
        db.execute(ddl.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
    db.execute("PRAGMA user_version = 15")


def _version_16(db: sqlite_utils.Database) -> None:
    """Planned sessions: their start time and place, and who is invited (``invitation``)."""
    # Each part is skipped when present, as version 12 does, so a half-recorded step still upgrades.
    for table, column, kind in ADDED_COLUMNS[16]:
        present = {r[1] for r in db.conn.execute(f'PRAGMA table_info("{table}")')}
        if column not in present:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    for table in ADDED_IN[16]:
        db.execute(TABLE_DDL[table].replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))
    for ddl in ADDED_INDEXES[16]:
        db.execute(ddl.replace(" INDEX ", " INDEX IF NOT EXISTS ", 1))
    db.execute("PRAGMA user_version = 16")


def _version_17(db: sqlite_utils.Database) -> None:
    """Audit rows say which operating-system account and which PC made them, and record security events.

    A trust's reviewers ask who did it: the name picked in the app is whoever was chosen, the
    login is who the PC let in. Actions 'restore' and 'security' (wrong PINs, lock-outs) join the
    CHECK, so the table is rebuilt as in version 14; rows from before keep both columns empty.
    """
    old = [r[1] for r in db.conn.execute("PRAGMA table_info(audit)")]
    db.execute("ALTER TABLE audit RENAME TO audit_before_v17")
    db.execute(TABLE_DDL["audit"])
    kept = ", ".join(f'"{c}"' for c in columns("audit") if c in old)
    db.execute(f"INSERT INTO audit ({kept}) SELECT {kept} FROM audit_before_v17")
    db.execute("DROP TABLE audit_before_v17")
    db.execute("CREATE INDEX audit_record ON audit(record_id)")
    db.execute("PRAGMA user_version = 17")


# Every migration in order: (name, step). A name is recorded in each file's _sqlite_migrations
# when its step runs, so a released name is never changed nor a step dropped (a file would run it
# again); its number is the schema version it brings the file to.
MIGRATIONS: tuple[tuple[str, Callable[[sqlite_utils.Database], None]], ...] = (
    ("0001_initial_schema", _initial_schema),
    ("0002_next_steps", _version_2),
    ("0003_metric_indexes", _version_3),
    ("0004_series_indexes", _version_4),
    ("0005_summaries", _version_5),
    ("0006_summary_totals", _version_6),
    ("0007_resolution_totals", _version_7),
    ("0008_resolution_dates", _version_8),
    ("0009_sparse_link_indexes", _version_9),
    ("0010_real_calendar_dates", _version_10),
    ("0011_signatures", _version_11),
    ("0012_usage", _version_12),
    ("0013_ideas", _version_13),
    ("0014_audit_exports", _version_14),
    ("0015_sync_peer", _version_15),
    ("0016_planned_sessions", _version_16),
    ("0017_audit_attribution", _version_17),
)


def migrations():
    """Return the sqlite-utils ``Migrations`` set; each step also sets ``PRAGMA user_version``."""
    from sqlite_utils import Migrations

    steps = Migrations(MIGRATION_SET)

    for name, step in MIGRATIONS:
        steps(name=name)(step)
    return steps


def columns(table: str) -> tuple[str, ...]:
    """Return the column names of a documented table, in schema order."""
    return _COLUMNS[table]


def _parse_columns(ddl: str) -> tuple[str, ...]:
    body = ddl[ddl.index("(") + 1 : ddl.rindex(")")]
    names = []
    depth = 0
    current = ""
    for ch in body:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            names.append(current.strip().split()[0].strip('"'))
            current = ""
        else:
            current += ch
    names.append(current.strip().split()[0].strip('"'))
    return tuple(names)


_COLUMNS: dict[str, tuple[str, ...]] = {t: _parse_columns(ddl) for t, ddl in TABLE_DDL.items()}
