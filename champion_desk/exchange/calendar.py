"""Planned sessions as an RFC 5545 calendar file (.ics), written by hand (no runtime dependency).

Each session is one event whose UID is derived from the session's id, so importing a newer file
updates the entry instead of adding a second one (SEQUENCE grows with each edit; a deleted
planned session goes out as CANCELLED). Times are UK local time (Europe/London, with its own
VTIMEZONE so any reader knows BST). Event text names the tool, place, length and how many are
invited, never who, unless ``with_names`` is asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from champion_desk import outfiles
from champion_desk.domain import metrics, signin
from champion_desk.domain.dates import format_uk_date
from champion_desk.domain.scope import Scope
from champion_desk.store.connection import Database

TZID = "Europe/London"
UID_DOMAIN = "champion-desk.invalid"
# Europe/London since 1996: BST from the last Sunday of March 01:00 UTC to the last Sunday of October.
VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0100",
    "TZNAME:BST",
    "DTSTART:19700329T010000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0000",
    "TZNAME:GMT",
    "DTSTART:19701025T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)
# SEQUENCE counts edits: seconds of the last change since this day (a later edit, a larger number).
_SEQUENCE_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character; CRLF-terminated."""
    out, current, size = [], "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        limit = 75 if not out else 74  # a continuation line starts with one space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out) + "\r\n"


def _utc_stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _parse_utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def planned_sessions(
    db: Database,
    date_from: dt.date,
    date_to: dt.date,
    units: Sequence[str] = (),
    tools: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """Return the sessions dated from ``date_from`` to ``date_to`` in scope, deleted ones included (to cancel)."""
    f = metrics.resolve(db, Scope(date_from, date_to, tuple(units), tuple(tools)))
    sql = f"""SELECT ts.id, ts.held_on, ts.starts_at, ts.minutes, ts.format, ts.topic, ts.place, ts.updated_at,
                     ts.deleted_at, t.name AS tool, u.name AS unit, tr.display_name AS trainer,
                     (SELECT count(*) FROM invitation i WHERE i.session_id = ts.id AND i.deleted_at IS NULL
                         AND i.walk_in = 0) AS invited
                FROM training_session ts JOIN tool t ON t.id = ts.tool_id JOIN unit u ON u.id = ts.unit_id
                LEFT JOIN staff tr ON tr.id = ts.trainer_id
               WHERE ts.held_on BETWEEN :d_from AND :d_to{f.units("ts.unit_id")}{f.tools("ts.tool_id")}
               ORDER BY ts.held_on, ts.starts_at, ts.id"""
    return db.query(sql, f.params())


def _event(db: Database, s: dict[str, Any], stamp: str, with_names: bool) -> list[str]:
    title = f"Training: {s['tool']}" + (f" – {s['topic']}" if s["topic"] else "")
    place = s["place"] or s["unit"]
    invited = s["invited"]
    lines = [
        f"Training session on {s['tool']} ({s['format']}) for {s['unit']}, {s['minutes']} minutes.",
        f"Trainer: {s['trainer']}." if s["trainer"] else "",
        f"{invited} invited." if invited != 1 else "1 invited.",
    ]
    if with_names and invited:
        names = [r["display_name"] for r in signin.invite_list(db, s["id"]) if not r["walk_in"]]
        lines.append("Invited: " + ", ".join(names) + ".")
    lines.append("Made with Champion Desk. No patient details.")
    sequence = max(0, int((_parse_utc(s["updated_at"]) - _SEQUENCE_EPOCH).total_seconds()))
    day = dt.date.fromisoformat(s["held_on"])
    if s["starts_at"]:
        start = dt.datetime.combine(day, dt.time.fromisoformat(s["starts_at"]))
        when = [f"DTSTART;TZID={TZID}:{start:%Y%m%dT%H%M%S}", f"DURATION:PT{int(s['minutes'])}M"]
    else:  # no time yet: an all-day entry on its day
        when = [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}"]
    return [
        "BEGIN:VEVENT",
        f"UID:session-{s['id']}@{UID_DOMAIN}",
        f"DTSTAMP:{stamp}",
        f"LAST-MODIFIED:{_utc_stamp(_parse_utc(s['updated_at']))}",
        f"SEQUENCE:{sequence}",
        *when,
        f"SUMMARY:{escape_text(title)}",
        f"LOCATION:{escape_text(place)}",
        f"DESCRIPTION:{escape_text(' '.join(x for x in lines if x))}",
        "CATEGORIES:Training",
        f"STATUS:{'CANCELLED' if s['deleted_at'] else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]


def build_calendar(
    db: Database,
    date_from: dt.date,
    date_to: dt.date,
    units: Sequence[str] = (),
    tools: Sequence[str] = (),
    with_names: bool = False,
    now: dt.datetime | None = None,
) -> tuple[str, int]:
    """Return the .ics text of the sessions in scope and how many events it holds."""
    stamp = _utc_stamp(now or dt.datetime.now(dt.UTC))
    sessions = planned_sessions(db, date_from, date_to, units, tools)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Champion Desk//Planned training sessions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text('Training sessions ' + format_uk_date(date_from) + ' to ' + format_uk_date(date_to))}",
        f"X-WR-TIMEZONE:{TZID}",
        *VTIMEZONE,
    ]
    for s in sessions:
        lines += _event(db, s, stamp, with_names)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines), len(sessions)


def write_calendar(
    db: Database,
    out: Path | str,
    date_from: dt.date,
    date_to: dt.date,
    units: Sequence[str] = (),
    tools: Sequence[str] = (),
    with_names: bool = False,
) -> int:
    """Write the calendar file whole or not at all; return how many sessions it holds."""
    text, count = build_calendar(db, date_from, date_to, units, tools, with_names)
    outfiles.write_bytes(out, text.encode("utf-8"))
    return count
