"""Where each ward's logbook stands in the trust's syncs, as this logbook knows it (``sync_peer`` rows).

Shown by the Sync dialog and `sync-status` (every ward), and in one line on Home and in the
briefing's footer (:func:`status_summary`). Syncing itself is ``exchange.sync``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from champion_desk.store import syncing
from champion_desk.store.connection import Database, logbook_identity

# A ward whose latest snapshot is older than this is shown in red: a week without a sync means a
# weekly staff meeting's figures miss that ward's latest records.
STALE_AFTER_DAYS = 7


@dataclass(frozen=True)
class WardStatus:
    """Where one ward's logbook stands, as this logbook knows it."""

    logbook_id: str
    ward_name: str
    pc_name: str | None
    last_synced: str | None  # the latest snapshot it wrote that any logbook here heard of (UTC ISO)
    last_merged_here: str | None  # when this logbook last merged its snapshot (None: never, or it is this one)
    rows_received: int  # rows that came across from it into this logbook, over all syncs
    is_this_logbook: bool
    days_ago: int | None  # whole days since last_synced
    stale: bool

    def as_dict(self) -> dict[str, object]:
        return dict(vars(self))


def sync_status(
    db: Database, today: dt.date | None = None, stale_after_days: int = STALE_AFTER_DAYS
) -> list[WardStatus]:
    """Return every ward logbook this logbook knows of (itself first, then by name) and where it stands."""
    identity = logbook_identity(db.conn)
    today = today or dt.datetime.now(dt.timezone.utc).date()
    by_logbook: dict[str, list[syncing.PeerRow]] = {}
    for row in syncing.peer_rows(db.conn):
        by_logbook.setdefault(row.logbook_id, []).append(row)
    out = []
    for logbook_id, rows in by_logbook.items():
        own = next((r for r in rows if r.seen_by == logbook_id), None)
        here = next((r for r in rows if r.seen_by == identity and logbook_id != identity), None)
        newest = own or max(rows, key=lambda r: r.last_written_at or "")
        written = max((r.last_written_at for r in rows if r.last_written_at), default=None)
        days = (today - dt.date.fromisoformat(written[:10])).days if written else None
        out.append(
            WardStatus(
                logbook_id,
                newest.ward_name,
                newest.pc_name,
                written,
                here.last_merged_at if here else None,
                here.rows_received if here else 0,
                logbook_id == identity,
                days,
                days is None or days > stale_after_days,
            )
        )
    return sorted(out, key=lambda s: (not s.is_this_logbook, s.ward_name.casefold(), s.logbook_id))


def synced_ago(days: int | None) -> str:
    """Return "today", "1 day ago", "N days ago" or "never"."""
    if days is None:
        return "never"
    if days <= 0:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


# Stale wards named in one line at most; the Sync dialog lists every one.
NAMED_IN_SUMMARY = 5


def status_summary(wards: list[WardStatus], stale_after_days: int = STALE_AFTER_DAYS) -> str | None:
    """Return one line on the wards' syncs (Home, the briefing's footer, the Sync dialog); None before the first sync."""
    if not wards:
        return None
    stale = [w for w in wards if w.stale]
    known = f"{len(wards)} ward logbook{'s' if len(wards) != 1 else ''} known"
    if not stale:
        return f"{known}; every one synced within {stale_after_days} days."
    named = ", ".join(f"{w.ward_name} ({synced_ago(w.days_ago)})" for w in stale[:NAMED_IN_SUMMARY])
    more = f" and {len(stale) - NAMED_IN_SUMMARY} more" if len(stale) > NAMED_IN_SUMMARY else ""
    return f"{known}; {len(stale)} not synced for over {stale_after_days} days: {named}{more}."
