"""Options and helpers shared by several subcommands (scope, output format)."""

from __future__ import annotations

import argparse
import sys
import datetime as dt

from champion_desk.domain.scope import Scope, parse_date


def add_scope_options(parser: argparse.ArgumentParser, default_months: int) -> None:
    """Add --from/--to/--unit/--tool; the default period is the last ``default_months`` months."""
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help=f"first day (default: {default_months} months before --to)")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last day, inclusive (default: today)")
    parser.add_argument("--unit", dest="units", action="append", default=[], metavar="NAME", help="limit to this unit (repeatable)")
    parser.add_argument("--tool", dest="tools", action="append", default=[], metavar="NAME", help="limit to this tool (repeatable)")
    parser.set_defaults(default_months=default_months)


def scope_from_args(args: argparse.Namespace) -> Scope:
    """Build the Scope the scope options describe (dates checked, names kept as given)."""
    date_to = parse_date(args.date_to, "to") if args.date_to else dt.date.today()
    if args.date_from:
        return Scope(parse_date(args.date_from, "from"), date_to, tuple(args.units), tuple(args.tools))
    return Scope.last_months(args.default_months, date_to, args.units, args.tools)


def open_for_command(args: argparse.Namespace, *, create: bool = False, readonly: bool = False):
    """Open the database the global --db names; refuse to create one unless ``create``."""
    from champion_desk.cli import db_path
    from champion_desk.store.database import open_database, upgrade_notice

    path = db_path(args)
    if not create and not path.exists():
        raise FileNotFoundError(f"No database at {path}. Create one with 'champion-desk init' or 'champion-desk demo'.")
    db = open_database(path, create=create, readonly=readonly)
    notice = upgrade_notice(db)
    if notice:
        # On stderr: stdout may be JSON or CSV for another program, and "Dry run: nothing was
        # written" must not read as if the upgrade had not happened either.
        print(notice, file=sys.stderr)
    return db
