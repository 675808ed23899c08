"""Adoption breakdowns for the dashboard and the briefing: by unit, by how colleagues were trained, go-live days.

Each reads the pairs ``metrics.usage_pairs`` yields, so every count here is a part of
``usage_eligible`` / ``usage_active`` as docs/figures.md defines them. Nothing here names anyone:
the groups are counts, to be printed through ``domain/privacy.py``'s suppression.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from champion_desk.domain import metrics
from champion_desk.domain.scope import Scope
from champion_desk.store.database import Database

# How an eligible colleague was prepared for the tool, by the scope's end; the first that applies.
GROUPS = ("mentored", "trained hands-on", "trained otherwise", "not trained")
HANDS_ON_FORMATS = ("hands-on", "one-to-one")


def _pairs(db: Database, scope: Scope) -> tuple[metrics.Filter, list[metrics.UsagePair]]:
    f = metrics.resolve(db, scope)
    facts = metrics.usage_facts(db, f, [(scope.date_from, scope.date_to)])
    return f, list(metrics.usage_pairs(facts, scope.date_from, scope.date_to))


def adoption_by_training(db: Database, scope: Scope) -> list[dict[str, Any]]:
    """Return per group of ``GROUPS``: group, usage_eligible, usage_active and adoption_rate on the scope's end.

    Of the eligible pairs: "mentored" — the colleague is the mentee of a pairing (not deleted) on
    that tool started on or before the end; else "trained hands-on" — they attended (not deleted) a
    session (not deleted) of the tool held on or before the end in a hands-on or one-to-one format;
    else "trained otherwise" — any such attendance; else "not trained".
    """
    f, pairs = _pairs(db, scope)
    at = scope.date_to.isoformat()
    mentored = {(r["mentee_id"], r["tool_id"]) for r in db.query(
        "SELECT DISTINCT mentee_id, tool_id FROM pairing WHERE deleted_at IS NULL AND started_on <= ?", (at,))}
    formats: dict[tuple[str, str], bool] = {}
    for r in db.query(
            f"""SELECT a.staff_id, ts.tool_id, max(ts.format IN ({', '.join('?' for _ in HANDS_ON_FORMATS)})) AS hands_on
                  FROM attendance a JOIN training_session ts ON ts.id = a.session_id
                 WHERE a.deleted_at IS NULL AND ts.deleted_at IS NULL AND ts.held_on <= ?
                 GROUP BY a.staff_id, ts.tool_id""", (*HANDS_ON_FORMATS, at)):
        formats[(r["staff_id"], r["tool_id"])] = bool(r["hands_on"])
    counts = {g: [0, 0] for g in GROUPS}
    for pair in pairs:
        if not pair.eligible:
            continue
        key = (pair.staff_id, pair.tool_id)
        if key in mentored:
            group = GROUPS[0]
        elif key in formats:
            group = GROUPS[1] if formats[key] else GROUPS[2]
        else:
            group = GROUPS[3]
        counts[group][0] += 1
        counts[group][1] += pair.weeks > 0
    return [{"group": g, "usage_eligible": n, "usage_active": a, "adoption_rate": metrics.share(a, n)}
            for g, (n, a) in counts.items()]


def adoption_by_unit(db: Database, scope: Scope) -> list[dict[str, Any]]:
    """Return per unit in scope with anyone eligible or using without sign-off, by name: unit,
    usage_eligible, usage_active, adoption_rate and using_not_signed_off, each as ``stats`` gives it
    with that unit alone."""
    f, pairs = _pairs(db, scope)
    names = {r["id"]: r["name"] for r in db.query(f"SELECT id, name FROM unit u WHERE deleted_at IS NULL{f.units('u.id')}", f.params())}
    rows: dict[str, dict[str, Any]] = {}
    for pair in pairs:
        if pair.unit_id not in names:
            continue
        row = rows.setdefault(pair.unit_id, {"unit": names[pair.unit_id], "usage_eligible": 0, "usage_active": 0,
                                             "using_not_signed_off": 0})
        row["usage_eligible"] += pair.eligible
        row["usage_active"] += pair.eligible and pair.weeks > 0
        row["using_not_signed_off"] += pair.used_in_period and not pair.signed_off
    out = []
    for row in sorted(rows.values(), key=lambda r: r["unit"].casefold()):
        if row["usage_eligible"] or row["using_not_signed_off"]:
            out.append({**row, "adoption_rate": metrics.share(row["usage_active"], row["usage_eligible"])})
    return out


def go_lives(db: Database, scope: Scope) -> list[dict[str, Any]]:
    """Return the go-live days to mark on an adoption chart, within the scope's dates: date and label.

    Only tools with usage imported (as the figures count them). With one unit in scope, each such
    tool's first live rollout day on it; otherwise each such tool's ``go_live_on``.
    """
    f = metrics.resolve(db, scope)
    lo, hi = scope.date_from.isoformat(), scope.date_to.isoformat()
    used = " AND EXISTS (SELECT 1 FROM usage x WHERE x.tool_id = t.id AND x.deleted_at IS NULL)"
    if f.unit_ids is not None and len(f.unit_ids) == 1:
        rows = db.query(
            f"""SELECT min(r.since) AS day, t.name AS tool FROM rollout r JOIN tool t ON t.id = r.tool_id
                 WHERE r.deleted_at IS NULL AND t.deleted_at IS NULL AND r.stage = 'live'{used}{f.units('r.unit_id')}{f.tools('r.tool_id')}
                 GROUP BY t.id""", f.params())
    else:
        rows = db.query(f"SELECT go_live_on AS day, name AS tool FROM tool t WHERE deleted_at IS NULL{used}{f.tools('t.id')}", f.params())
    found = [r for r in rows if r["day"] and lo <= r["day"] <= hi]
    return [{"date": r["day"], "label": f"{r['tool']} live {dt.date.fromisoformat(r['day']):%-d %b %Y}"}
            for r in sorted(found, key=lambda r: (r["day"], r["tool"]))]
