"""The ``import-usage`` subcommand: a tool's usage export, matched to colleagues, all or nothing."""

from __future__ import annotations

import argparse
from pathlib import Path

from champion_desk.commands.exchange import CLI_ACTOR, finish_import, print_mapping
from champion_desk.commands.options import open_for_command


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``import-usage`` subcommand."""
    p = subparsers.add_parser(
        "import-usage",
        help="import a tool's usage export (CSV or XLSX: one row per user and day or week, with a count)",
        description="Match each user to a colleague by staff number, e-mail or login (unmatched users are reported, "
        "never created) and replace the file's days with what it says. Individual use is shown only on the "
        "colleague's own journey; managers see counts by unit.",
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--tool", metavar="NAME", help="the tool the file's rows are about (needed unless a column names the tool)"
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="read FIELD (staff_ref, email, login, day, count, tool) from COLUMN",
    )
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument("--skip-invalid", action="store_true", help="write the valid rows, report the invalid ones")
    p.set_defaults(handler=cmd_import_usage)


def cmd_import_usage(args: argparse.Namespace) -> int:
    """Import the file the arguments name and print what was (or would be) done; return the exit status."""
    from champion_desk.exchange import usage

    table = usage.read_usage(args.file)
    mapping = usage.complete_mapping(args.map, table.headers)
    with open_for_command(args, write=not args.dry_run) as db:
        plan = usage.import_usage(
            db, table, mapping, CLI_ACTOR, tool=args.tool, skip_invalid=args.skip_invalid, dry_run=args.dry_run
        )
    print(f"Usage: {table.path.name} ({table.describe()}){f' of {plan.tool}' if plan.tool else ''}")
    print_mapping(usage.FIELDS, mapping, 9)
    for problem in plan.problems:
        print(problem)
    if plan.unmatched:
        print(f"Users matching no colleague (not imported, no colleague created): {len(plan.unmatched)}")
        for problem in plan.unmatched:
            print(f"  {problem}")
    print(f"{plan.days} day{'s' if plan.days != 1 else ''} in the file; {plan.summary()}")
    finish_import(args, plan, "Nothing to change: the database already holds this usage.")
    return 0
