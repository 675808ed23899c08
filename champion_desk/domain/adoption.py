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


def adoption_by_training(db: Database, scope: Scope) -> list[dict[str, Any]]:
    """Return per group of ``GROUPS``: group, usage_eligible, usage_active and adoption_rate on the scope's end.

    Of the eligible pairs: "mentored" — the colleague is the mentee of a pairing (not deleted) on
    that tool started on or before the end; else "trained hands-on" — they attended (not deleted) a
    session (not deleted) of the tool held on or before the end in a hands-on or one-to-one format;
    else "trained otherwise" — any such attendance; else "not trained".
    """
    f = metrics.resolve(db, scope)
    period = [(scope.date_from, scope.date_to)]
    facts = metrics.usage_facts(db, f, period)
    at = scope.date_to.isoformat()
    mentored = {
        (r["mentee_id"], r["tool_id"])
        for r in db.query(
            "SELECT DISTINCT mentee_id, tool_id FROM pairing WHERE deleted_at IS NULL AND started_on <= ?", (at,)
        )
    }
    # Trained at all is the coverage summary's first training day; only hands-on needs the sessions,
    # and only those of the tools whose use is counted.
    tools = sorted(facts.tools)
    hands_on = (
        {
            (r["staff_id"], r["tool_id"])
            for r in db.query(
                f"""SELECT DISTINCT a.staff_id, ts.tool_id FROM training_session ts JOIN attendance a ON a.session_id = ts.id
             WHERE ts.deleted_at IS NULL AND a.deleted_at IS NULL AND ts.held_on <= ?
               AND ts.format IN ({", ".join("?" for _ in HANDS_ON_FORMATS)}) AND ts.tool_id IN ({", ".join("?" for _ in tools)})""",
                (at, *HANDS_ON_FORMATS, *tools),
            )
        }
        if tools
        else set()
    )
    formats = {key: key in hands_on for key, (first_on, _) in facts.firsts.items() if first_on and first_on <= at}
    (cells,) = metrics.adoption_cells(db, f, period, facts)
    eligible = sum(cell["usage_eligible"] for cell in cells.values())
    counts = {g: [0, 0] for g in GROUPS}
    # A pair with no use, no training and no mentoring can only be eligible and "not trained": those
    # are what is left of the eligible count once the others are read one by one.
    others = sorted(
        {k for k in (*facts.pairs, *facts.firsts, *mentored, *formats) if k[0] in facts.staff and k[1] in facts.tools}
    )
    for pair in metrics.usage_pairs(facts, scope.date_from, scope.date_to, others):
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
    counts[GROUPS[3]][0] += eligible - sum(n for n, _ in counts.values())
    return [
        {"group": g, "usage_eligible": n, "usage_active": a, "adoption_rate": metrics.share(a, n)}
        for g, (n, a) in counts.items()
    ]


def adoption_by_unit(db: Database, scope: Scope) -> list[dict[str, Any]]:
    """Return per unit in scope with anyone eligible or using without sign-off, by name: unit,
    usage_eligible, usage_active, adoption_rate and using_not_signed_off, each as ``stats`` gives it
    with that unit alone."""
    f = metrics.resolve(db, scope)
    names = {
        r["id"]: r["name"]
        for r in db.query(f"SELECT id, name FROM unit u WHERE deleted_at IS NULL{f.units('u.id')}", f.params())
    }
    (cells,) = metrics.adoption_cells(db, f, [(scope.date_from, scope.date_to)])
    totals: dict[str, dict[str, int]] = {}
    for (unit_id, _tool_id), cell in cells.items():
        if unit_id in names:
            total = totals.setdefault(unit_id, dict.fromkeys(cell, 0))
            for key, n in cell.items():
                total[key] += n
    out = []
    for unit_id, total in sorted(totals.items(), key=lambda item: names[item[0]].casefold()):
        row = metrics.adoption_cell_figures(total)
        if row["usage_eligible"] or row["using_not_signed_off"]:
            out.append(
                {
                    "unit": names[unit_id],
                    **{k: row[k] for k in ("usage_eligible", "usage_active", "adoption_rate", "using_not_signed_off")},
                }
            )
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
                 WHERE r.deleted_at IS NULL AND t.deleted_at IS NULL AND r.stage = 'live'{used}{f.units("r.unit_id")}{f.tools("r.tool_id")}
                 GROUP BY t.id""",
            f.params(),
        )
    else:
        rows = db.query(
            f"SELECT go_live_on AS day, name AS tool FROM tool t WHERE deleted_at IS NULL{used}{f.tools('t.id')}",
            f.params(),
        )
    found = [r for r in rows if r["day"] and lo <= r["day"] <= hi]
    return [
        {"date": r["day"], "label": f"{r['tool']} live {dt.date.fromisoformat(r['day']):%-d %b %Y}"}
        for r in sorted(found, key=lambda r: (r["day"], r["tool"]))
    ]
