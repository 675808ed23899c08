"""Series rows as CSV: one column per figure, nested figures (concerns by theme) spread out."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import Any, TextIO

from champion_desk.domain.metrics import IDEA_STATUSES, THEMES, TIERS

# Figures that are a count per item of a fixed list, spread over one column per item, in the documented order.
SPREAD: dict[str, tuple[str, ...]] = {
    "concerns_by_theme": THEMES,
    "usage_tiers": TIERS,
    "ideas_by_status": IDEA_STATUSES,
}


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    """Return a row with nested dicts spread into ``parent.child`` columns (e.g. ``concerns_by_theme.job security``)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                out[f"{key}.{sub}"] = inner
        else:
            out[key] = value
    return out


def write_series_csv(rows: Sequence[dict[str, Any]], out: TextIO, keys: Sequence[str] | None = None) -> None:
    """Write a header, then one line per row; None becomes an empty cell.

    With ``keys`` (a series' documented row keys) the header names every column even when there
    are no rows, themes spread out; without, columns follow the rows' own keys in order.
    """
    flat = [flatten(r) for r in rows]
    columns: list[str] = []
    if keys is not None:
        for key in keys:
            columns += [f"{key}.{item}" for item in SPREAD[key]] if key in SPREAD else [key]
    else:
        for r in flat:
            columns.extend(k for k in r if k not in columns)
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in flat:
        writer.writerow({c: "" if row.get(c) is None else row[c] for c in columns})
