"""Staff ideas for the roadmap: saving one (its status changes dated and audited) and backing it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from champion_desk.domain.logbook import normalise, save
from champion_desk.store import records
from champion_desk.store.connection import Database

# Support counts every anonymous backer, and each named colleague once even if two ward PCs both
# logged their backing (a merge keeps both rows: they are different records).
SUPPORT_SQL = """SELECT coalesce(sum(CASE WHEN backed_by IS NULL THEN backers END), 0) + count(DISTINCT backed_by)
  FROM idea_support WHERE idea_id = {idea} AND deleted_at IS NULL"""


def save_idea(
    db: Database,
    values: Mapping[str, Any],
    actor: str,
    idea_id: str | None = None,
    acknowledge_identifiers: bool = False,
    today: dt.date | None = None,
) -> str:
    """Create or update an idea after checking every rule; return its id.

    A new idea's status dates from the day it was raised; a status change is dated today unless
    ``status_on`` is given, so the next-step rule can tell how long an idea has waited. The audit
    row of the save records the old and new status. Raises ValidationError,
    PatientIdentifierWarning, NotFoundError.
    """
    today = today or dt.date.today()
    with db.transaction():
        current = records.get(db, "idea", idea_id) if idea_id is not None else None
        return save(db, "idea", dated(values, current, today), actor, idea_id, acknowledge_identifiers, today)


def dated(values: Mapping[str, Any], current: Mapping[str, Any] | None, today: dt.date) -> dict[str, Any]:
    """Return an idea's values (normalised) with ``status_on`` set as :func:`save_idea` stores it.

    For a form to check an idea exactly as it will be saved.
    """
    clean = normalise(values)
    if current is None:
        clean.setdefault("status_on", clean.get("raised_on"))
    elif "status" in clean and clean["status"] != current["status"]:
        clean.setdefault("status_on", today.isoformat())
        if clean["status"] != "not now":
            clean.setdefault("status_reason", None)  # the old reason explained a status the idea has left
    return clean


def back_idea(
    db: Database,
    idea_id: str,
    actor: str,
    backed_on: dt.date | str | None = None,
    backers: int = 1,
    backed_by: str | None = None,
    today: dt.date | None = None,
) -> str:
    """Record support for an idea: ``backers`` colleagues, or one named colleague who chose to be named.

    Returns the new support record's id. Raises ValidationError (e.g. a colleague backing twice).
    """
    today = today or dt.date.today()
    values = {"idea_id": idea_id, "backed_on": backed_on or today, "backers": backers, "backed_by": backed_by}
    return save(db, "idea_support", values, actor, today=today)


def support(db: Database, idea_id: str) -> int:
    """Return how many colleagues back an idea (live support only)."""
    return int(db.scalar(SUPPORT_SQL.format(idea="?"), (idea_id,)))


def withdraw_support(db: Database, support_id: str, actor: str) -> None:
    """Tombstone one support record (a backing logged by mistake); undo restores it."""
    records.delete(db, "idea_support", support_id, actor)
