"""The retention rules: their defaults and limits, the values a manager stored, and the dates they give.

The values live in the ``setting`` table as ``retention.<name>`` (merged like any record), so
every PC whose files are merged applies the same rules. Applying them is ``store.retention``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from champion_desk.domain.scope import months_before
from champion_desk.errors import ValidationError
from champion_desk.store import records
from champion_desk.store import retention as store_retention
from champion_desk.store.connection import Database

SETTING_PREFIX = "retention."


@dataclass(frozen=True)
class Rule:
    """One retention period: its default, allowed range, unit and what it removes."""

    default: int
    low: int
    high: int
    unit: str  # "months" or "years"
    meaning: str


RULES: dict[str, Rule] = {
    "raised_by_months": Rule(
        6,
        1,
        120,
        "months",
        "who raised a concern is cleared this many months after the concern closed (addressed or closed)",
    ),
    "leaver_months": Rule(
        12,
        1,
        120,
        "months",
        "a colleague who left (not in post, or deleted) is erased this many months after leaving, "
        "unless a champion of record (flagged champion, trainer of a session, mentor of a pairing)",
    ),
    "tombstone_months": Rule(
        12,
        3,
        120,
        "months",
        "a deleted record is purged this many months after its deletion (the merge horizon: "
        "every ward file must be merged within this time)",
    ),
    "concern_text_years": Rule(
        3,
        1,
        30,
        "years",
        "the free text of a closed concern (description, root cause, response, owner) is "
        "cleared this many years after it closed; the concern and its counts stay",
    ),
}


def rules(db: Database) -> dict[str, int]:
    """Return every rule's value in force: the default, or what a manager stored."""
    values = {name: r.default for name, r in RULES.items()}
    for row in db.query(
        "SELECT key, value FROM setting WHERE deleted_at IS NULL AND key LIKE ?", (SETTING_PREFIX + "%",)
    ):
        name = row["key"][len(SETTING_PREFIX) :]
        if name in RULES:
            try:
                number = int(json.loads(row["value"]))
            except (TypeError, ValueError):
                continue  # a damaged value falls back to the default
            if RULES[name].low <= number <= RULES[name].high:
                values[name] = number
    return values


def set_rule(db: Database, name: str, value: Any, actor: str) -> None:
    """Store a manager's value for one rule (audited). Raises ValidationError naming the rule and its range."""
    if name not in RULES:
        raise ValidationError(name, "must be a known retention rule", f"There is no retention rule called {name!r}.")
    rule = RULES[name]
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError(name, "must be a whole number", f"{name}: {value!r} is not a whole number.") from None
    if not rule.low <= number <= rule.high:
        raise ValidationError(
            name,
            f"between {rule.low} and {rule.high}",
            f"{name} must be between {rule.low} and {rule.high} {rule.unit} (got {number}).",
        )
    records.put_setting(db, SETTING_PREFIX + name, json.dumps(number), actor)


def cutoffs(values: dict[str, int], today: dt.date | None = None) -> store_retention.Cutoffs:
    """Return the cut-off dates the rules give on ``today``: what closed, left or was deleted before them goes."""
    today = today or dt.date.today()
    return store_retention.Cutoffs(
        raised_by_before=months_before(today, values["raised_by_months"]).isoformat(),
        text_before=months_before(today, 12 * values["concern_text_years"]).isoformat(),
        leaver_before=months_before(today, values["leaver_months"]).isoformat(),
        tombstone_before=months_before(today, values["tombstone_months"]).isoformat(),
    )


def plan(db: Database, today: dt.date | None = None) -> store_retention.RetentionPlan:
    """Return what applying the rules in force would remove today (reads only)."""
    return store_retention.plan(db, cutoffs(rules(db), today))


def apply(
    db: Database, actor: str, today: dt.date | None = None, purge_when_empty: bool = False
) -> store_retention.RetentionPlan:
    """Apply the rules in force in one audited transaction, erasure-grade; return what went (see ``store.retention.apply``)."""
    values = rules(db)
    return store_retention.apply(db, cutoffs(values, today), actor, values, purge_when_empty)


def describe(removed: dict[str, Any], cut: store_retention.Cutoffs, applied: bool) -> list[str]:
    """Return lines saying what goes (or went): kinds and counts, never a name."""
    verb = "Removed" if applied else "Would remove"
    tombstones = removed["tombstones"]
    lines = [
        f"{verb}: who raised {removed['raised_by']} concern(s) closed before {cut.raised_by_before}",
        f"{verb}: the free text of {removed['concern_text']} concern(s) closed before {cut.text_before}",
        f"{verb}: {removed['leavers']} colleague(s) who left before {cut.leaver_before} (erased; champions of record kept)",
        f"{verb}: {sum(tombstones.values())} deleted record(s) deleted before {cut.tombstone_before}"
        + (f" ({', '.join(f'{t} {n}' for t, n in tombstones.items())})" if tombstones else ""),
    ]
    return lines


def rule_lines(values: dict[str, int]) -> list[str]:
    """Return one line per rule in force: its value and what it does."""
    return [
        f"{name} = {values[name]} {rule.unit}{'' if values[name] != rule.default else ' (default)'}: {rule.meaning}"
        for name, rule in RULES.items()
    ]
