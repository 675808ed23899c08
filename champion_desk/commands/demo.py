"""The ``demo`` subcommand: fill a new database with a believable, deterministic roll-out story."""

from __future__ import annotations

import argparse
import os
import time

from champion_desk.commands.options import DATE_METAVAR, day_arg


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "demo",
        help="fill a new (empty) database with demo data: ward, hospital or trust scale",
        description="Write deterministic demo data into an empty database (created if missing). The same "
        "scale, seed and end date always give the same data.",
    )
    p.add_argument(
        "--scale",
        choices=("ward", "hospital", "trust"),
        default="hospital",
        help="ward: 1 unit, 40 staff, 1 year; hospital: 12 units, 900 staff, 2 years; "
        "trust: 60 units, 6,000 staff, 5 years (default: hospital)",
    )
    p.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    p.add_argument("--end", metavar=DATE_METAVAR, help="last day of the story (default: today)")
    p.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from champion_desk.commands.options import db_path, open_for_command
    from champion_desk.domain.dates import format_uk_date
    from champion_desk.domain.demo import generate_demo
    from champion_desk.paths import DB_ENV, chosen_db_path, demo_db_path, is_demo_path, remember_db_path

    end = day_arg(args.end, "end") if args.end else None
    chosen_here = args.db is None and not os.environ.get(DB_ENV)
    if chosen_here:
        # Made-up colleagues must never land in the real logbook: without --db the demo gets the file
        # of its own the app's first start uses, and the app and later commands then open it (and say so).
        logbook = chosen_db_path(None)
        args.db = logbook if is_demo_path(logbook) else demo_db_path(logbook)
    started = time.perf_counter()
    with open_for_command(args, write=True, create=True) as db:
        summary = generate_demo(db, args.scale, seed=args.seed, end=end, actor="demo")
    elapsed = time.perf_counter() - started
    if chosen_here:
        remember_db_path(db_path(args))
    counts = summary["counts"]
    print(
        f"Demo data written to {db_path(args)} in {elapsed:.1f} s "
        f"({summary['scale']} scale, seed {summary['seed']}, {format_uk_date(summary['start'])} to "
        f"{format_uk_date(summary['end'])}):"
    )
    print("  " + ", ".join(f"{table.replace('_', ' ')} {n:,}" for table, n in counts.items()))
    if summary["lagging_unit"]:
        print(f"Lagging unit: {summary['lagging_unit']} (one champion, low coverage, job-security concerns).")
    print(
        f"Log in as champion {summary['champion']} ({summary['champion_unit']}) or ward manager {summary['manager']}."
    )
    return 0
