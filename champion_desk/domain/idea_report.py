"""What the briefing and the poster print under "You suggested, we did": staff ideas acted on in the period.

Read-only. Who suggested or backed an idea is never read here, so it cannot reach a meeting
output; titles are free text and go through the briefing's name redactor like responses do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from champion_desk.domain import metrics
from champion_desk.domain.ideas import SUPPORT_SQL
from champion_desk.domain.vocab import ACTED_IDEA_STATUSES
from champion_desk.store.connection import Database

# Ideas printed: the most backed first; a trust's year may hold hundreds.
IDEAS_SHOWN = 8


def ideas_acted_on(
    db: Database, f: metrics.Filter, redact: Callable[[str], str], limit: int = IDEAS_SHOWN
) -> dict[str, Any]:
    """Return the ideas in scope planned or done in the period: counts by status and the few to print.

    An idea counts when its status is planned or done and its ``status_on`` falls in the period
    (the same rule as ``ideas_done`` in docs/figures.md); unit and tool in scope as for the
    figures, an idea for any tool in every tool's scope. Returns ``by_status`` ({planned, done}:
    count), ``total``, and ``ideas``: up to ``limit`` rows (title, tool, unit, status, status_on,
    support), most backed first, then latest decided.
    """
    params = f.params()
    tools = f.tool_or_any("i.tool_id")
    statuses = ", ".join(f"'{s.value}'" for s in ACTED_IDEA_STATUSES)
    rows = db.query(
        f"""SELECT i.title, i.status, i.status_on, coalesce(t.name, 'any tool') AS tool, u.name AS unit,
                   ({SUPPORT_SQL.format(idea="i.id")}) AS support
              FROM idea i JOIN unit u ON u.id = i.unit_id LEFT JOIN tool t ON t.id = i.tool_id
             WHERE i.deleted_at IS NULL AND i.status IN ({statuses})
               AND i.status_on BETWEEN :d_from AND :d_to{f.units("i.unit_id")}{tools}
             ORDER BY support DESC, i.status_on DESC, i.id""",
        params,
    )
    by_status = {s.value: sum(1 for r in rows if r["status"] == s) for s in ACTED_IDEA_STATUSES}
    shown = [{**r, "title": redact(r["title"])} for r in rows[:limit]]
    return {"by_status": by_status, "total": len(rows), "ideas": shown}
