"""The ``series`` subcommand: a figure series per week or month, as JSON or CSV."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any

from champion_desk.commands.options import add_scope_options, open_for_command, scope_from_args
from champion_desk.domain.metrics import THEMES
from champion_desk.domain.series import ROW_KEYS, SERIES


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``series`` subcommand."""
    p = subparsers.add_parser(
        "series",
        help="a figure series per week or month (training, concerns, mentoring, units, readiness); see docs/figures.md",
        description="Print one row per week or month with the figures of 'stats' over that bucket's dates "
        "(units and readiness: one row per unit, or per unit and tool, over the whole period).",
    )
    p.add_argument("name", choices=SERIES, metavar="NAME", help=f"which series: {', '.join(SERIES)}")
    p.add_argument("--bucket", choices=("week", "month"), required=True, help="ISO weeks (Monday to Sunday) or calendar months")
    p.add_argument("--format", choices=("json", "csv"), default="json", help="output format (default: json)")
    add_scope_options(p, default_months=12)
    p.set_defaults(handler=cmd_series)


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


def write_csv(rows: list[dict[str, Any]], out, keys: tuple[str, ...]) -> None:
    """Write a header naming every column of ``keys`` (themes spread out), then one line per row; None becomes an empty cell."""
    flat = [flatten(r) for r in rows]
    columns: list[str] = []
    for key in keys:
        columns += [f"{key}.{theme}" for theme in THEMES] if key == "concerns_by_theme" else [key]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in flat:
        writer.writerow({c: "" if row.get(c) is None else row[c] for c in columns})


def cmd_series(args: argparse.Namespace) -> int:
    """Print the series the arguments name; return the exit status (errors are raised for cli.main to report)."""
    from champion_desk.domain.series import series

    scope = scope_from_args(args)
    with open_for_command(args) as db:
        rows = series(db, args.name, scope, args.bucket)
    if args.format == "csv":
        write_csv(rows, sys.stdout, ROW_KEYS[args.name])
        return 0
    json.dump({"series": args.name, "bucket": args.bucket, "rows": rows}, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0
