"""The ``series`` subcommand: a figure series per week or month, as JSON or CSV."""

from __future__ import annotations

import argparse
import json
import sys

from champion_desk.commands.options import add_scope_options, open_for_command, scope_from_args
from champion_desk.domain.series import ROW_KEYS, SERIES
from champion_desk.exchange.series_csv import write_series_csv


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``series`` subcommand."""
    p = subparsers.add_parser(
        "series",
        help="a figure series per week or month (training, concerns, mentoring, units, readiness, adoption, ideas); see docs/figures.md",
        description="Print one row per week or month with the figures of 'stats' over that bucket's dates "
        "(units and readiness: one row per unit, or per unit and tool, over the whole period).",
    )
    p.add_argument("name", choices=SERIES, metavar="NAME", help=f"which series: {', '.join(SERIES)}")
    p.add_argument(
        "--bucket", choices=("week", "month"), required=True, help="ISO weeks (Monday to Sunday) or calendar months"
    )
    p.add_argument("--format", choices=("json", "csv"), default="json", help="output format (default: json)")
    add_scope_options(p, default_months=12)
    p.set_defaults(handler=cmd_series)


def cmd_series(args: argparse.Namespace) -> int:
    """Print the series the arguments name; return the exit status (errors are raised for cli.main to report)."""
    from champion_desk.domain.series import series

    scope = scope_from_args(args)
    with open_for_command(args, write=False) as db:
        rows = series(db, args.name, scope, args.bucket)
    if args.format == "csv":
        write_series_csv(rows, sys.stdout, ROW_KEYS[args.name])
        return 0
    json.dump({"series": args.name, "bucket": args.bucket, "rows": rows}, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0
