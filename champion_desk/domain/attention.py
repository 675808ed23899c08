"""What needs a champion's attention today: old open concerns, stalled pairings, refreshers, countersigns.

Read-only SQL, run when the Home page is shown; each query uses an index and returns at most
``limit`` items per group (with the full count), so it stays fast on a whole trust's database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from champion_desk.domain.dates import format_uk_date
from champion_desk.domain.vocab import RESOLVED_STATUSES
from champion_desk.store.connection import Database

CONCERN_OPEN_DAYS = 14
STALL_DAYS = 30
REFRESHER_WITHIN_DAYS = 30
DEFAULT_LIMIT = 50

_RESOLVED = tuple(s.value for s in RESOLVED_STATUSES)


@dataclass
class Item:
    """One thing to look at; ``table`` and ``record_id`` say which record opens."""

    table: str
    record_id: str
    title: str
    detail: str
    day: str | None = None  # the date the item is sorted by (oldest first)


@dataclass
class Group:
    """A kind of item, with how many there are in all (``items`` may be cut at the limit)."""

    kind: str
    title: str
    total: int
    items: list[Item] = field(default_factory=list)


def _days(since: str | None, today: dt.date) -> int:
    return (today - dt.date.fromisoformat(since)).days if since else 0


def open_concerns(
    db: Database, today: dt.date, older_than_days: int = CONCERN_OPEN_DAYS, limit: int = DEFAULT_LIMIT
) -> Group:
    """Return concerns not addressed or closed, raised more than ``older_than_days`` days ago (oldest first)."""
    cut = (today - dt.timedelta(days=older_than_days)).isoformat()
    where = f"""i.deleted_at IS NULL AND i.status NOT IN ({", ".join("?" for _ in _RESOLVED)}) AND i.occurred_on < ?"""
    params = (*_RESOLVED, cut)
    total = db.scalar(f"SELECT count(*) FROM incident i WHERE {where}", params)
    rows = db.query(
        f"""SELECT i.id, i.occurred_on, i.theme, i.status, u.name AS unit, t.name AS tool
              FROM incident i JOIN unit u ON u.id = i.unit_id JOIN tool t ON t.id = i.tool_id
             WHERE {where} ORDER BY i.occurred_on LIMIT ?""",
        (*params, limit),
    )
    items = [
        Item(
            "incident",
            r["id"],
            f"{r['theme'].capitalize()} concern, {r['status']} for {_days(r['occurred_on'], today)} days",
            f"{r['unit']} · {r['tool']}",
            r["occurred_on"],
        )
        for r in rows
    ]
    return Group("concerns", f"Concerns open more than {older_than_days} days", int(total or 0), items)


def stalled_pairings(db: Database, today: dt.date, days: int = STALL_DAYS, limit: int = DEFAULT_LIMIT) -> Group:
    """Return active pairings started more than ``days`` ago with no check-in in the last ``days`` days."""
    cut = (today - dt.timedelta(days=days)).isoformat()
    where = """p.deleted_at IS NULL AND p.status = 'active' AND p.started_on < :cut
               AND NOT EXISTS (SELECT 1 FROM checkin c WHERE c.pairing_id = p.id AND c.deleted_at IS NULL
                                                        AND c.held_on > :cut AND c.held_on <= :today)"""
    params = {"cut": cut, "today": today.isoformat(), "limit": limit}
    total = db.scalar(f"SELECT count(*) FROM pairing p WHERE {where}", params)
    rows = db.query(
        f"""SELECT p.id, p.started_on, m.display_name AS mentor, e.display_name AS mentee, t.name AS tool,
                   (SELECT max(c.held_on) FROM checkin c WHERE c.pairing_id = p.id AND c.deleted_at IS NULL
                                                          AND c.held_on <= :today) AS last_checkin
              FROM pairing p JOIN staff m ON m.id = p.mentor_id JOIN staff e ON e.id = p.mentee_id
              JOIN tool t ON t.id = p.tool_id
             WHERE {where} ORDER BY coalesce(last_checkin, p.started_on) LIMIT :limit""",
        params,
    )
    items = []
    for r in rows:
        last = r["last_checkin"]
        since = f"no check-in for {_days(last, today)} days" if last else "no check-in yet"
        items.append(
            Item(
                "pairing",
                r["id"],
                f"{r['mentor']} mentoring {r['mentee']}: {since}",
                r["tool"],
                last or r["started_on"],
            )
        )
    return Group("pairings", f"Mentoring pairings stalled ({days} days without a check-in)", int(total or 0), items)


def awaiting_countersign(db: Database, today: dt.date, limit: int = DEFAULT_LIMIT) -> Group:
    """Return sessions already held that no manager has countersigned yet (oldest first)."""
    where = "s.deleted_at IS NULL AND s.verified_by IS NULL AND s.held_on <= ?"
    total = db.scalar(f"SELECT count(*) FROM training_session s WHERE {where}", (today.isoformat(),))
    rows = db.query(
        f"""SELECT s.id, s.held_on, s.format, t.name AS tool, u.name AS unit, tr.display_name AS trainer
              FROM training_session s JOIN tool t ON t.id = s.tool_id JOIN unit u ON u.id = s.unit_id
              JOIN staff tr ON tr.id = s.trainer_id
             WHERE {where} ORDER BY s.held_on LIMIT ?""",
        (today.isoformat(), limit),
    )
    items = [
        Item(
            "training_session",
            r["id"],
            f"{r['tool']} {r['format']} session on {format_uk_date(r['held_on'])} by {r['trainer']}",
            r["unit"],
            r["held_on"],
        )
        for r in rows
    ]
    return Group("countersign", "Sessions waiting for a manager's countersign", int(total or 0), items)


def _refresher_row(row: dict[str, Any], today: dt.date | None = None) -> Item | None:
    # metrics.refreshers_due belongs to the metrics work; read its rows defensively by key.
    staff_id = row.get("staff_id") or row.get("id")
    if not staff_id:
        return None
    name = row.get("display_name") or row.get("name") or row.get("staff") or "A colleague"
    tool = row.get("tool") or row.get("tool_name") or ""
    due = row.get("due_on") or row.get("due") or row.get("refresher_due")
    due = due.isoformat() if isinstance(due, dt.date) else due
    when = f"due {format_uk_date(due)}" if due else "due"
    if due and today is not None and str(due) < today.isoformat():
        when = f"overdue since {format_uk_date(due)}"
    title = f"{name}: {tool} refresher {when}" if tool else f"{name}: refresher {when}"
    return Item("staff", str(staff_id), title, row.get("unit") or "", due)


def refreshers_due(
    db: Database, today: dt.date, within_days: int = REFRESHER_WITHIN_DAYS, limit: int = DEFAULT_LIMIT
) -> Group:
    """Return colleagues whose refresher training falls due within ``within_days`` (as
    ``breakdowns.refreshers_due`` defines it; overdue ones included)."""
    from champion_desk.domain import breakdowns
    from champion_desk.domain.scope import Scope

    # All units and tools, the period ending today: "due" is about now, not the scope on screen.
    rows = breakdowns.refreshers_due(db, Scope(dt.date(1900, 1, 1), today), within_days)
    items = [i for i in (_refresher_row(dict(r), today) for r in rows) if i is not None]
    items.sort(key=lambda i: i.day or "")
    return Group(
        "refreshers", f"Refresher training overdue or due within {within_days} days", len(items), items[:limit]
    )


def needs_attention(db: Database, today: dt.date | None = None, limit: int = DEFAULT_LIMIT) -> list[Group]:
    """Return every group of things needing attention (empty groups included, in a fixed order)."""
    today = today or dt.date.today()
    return [
        open_concerns(db, today, limit=limit),
        stalled_pairings(db, today, limit=limit),
        refreshers_due(db, today, limit=limit),
        awaiting_countersign(db, today, limit=limit),
    ]
