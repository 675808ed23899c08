"""Options and helpers shared by several subcommands (scope, output format)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from champion_desk.domain.scope import Scope, parse_date
from champion_desk.paths import chosen_db_path, demo_db_path, is_demo_path

if TYPE_CHECKING:
    from champion_desk.store.connection import Database


def add_scope_options(parser: argparse.ArgumentParser, default_months: int) -> None:
    """Add --from/--to/--unit/--tool; the default period is the last ``default_months`` months."""
    parser.add_argument(
        "--from",
        dest="date_from",
        metavar="YYYY-MM-DD",
        help=f"first day (default: {default_months} months before --to)",
    )
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last day, inclusive (default: today)")
    parser.add_argument(
        "--unit", dest="units", action="append", default=[], metavar="NAME", help="limit to this unit (repeatable)"
    )
    parser.add_argument(
        "--tool", dest="tools", action="append", default=[], metavar="NAME", help="limit to this tool (repeatable)"
    )
    parser.set_defaults(default_months=default_months)


def scope_from_args(args: argparse.Namespace) -> Scope:
    """Build the Scope the scope options describe (dates checked, names kept as given)."""
    date_to = parse_date(args.date_to, "to") if args.date_to else dt.date.today()
    if args.date_from:
        return Scope(parse_date(args.date_from, "from"), date_to, tuple(args.units), tuple(args.tools))
    return Scope.last_months(args.default_months, date_to, args.units, args.tools)


def db_path(args: argparse.Namespace) -> Path:
    """Return the logbook a command works on: --db, else the app's own choice (``paths.chosen_db_path``)."""
    return chosen_db_path(args.db)


@contextmanager
def open_for_command(args: argparse.Namespace, *, write: bool, create: bool = False) -> Iterator[Database]:
    """Open the logbook for a command through the front door; yield its database, close it after.

    ``write``: the command changes the logbook, so it takes the one-instance lock and is refused
    (one line naming who has it open, since when) while the app or another writer has it open.
    Readers open read-only beside it. Notices go to stderr: stdout may be JSON or CSV.
    """
    from champion_desk.store.frontdoor import CommandAsker, open_logbook

    path = db_path(args)
    if not create and not path.exists():
        raise FileNotFoundError(_no_logbook_message(path, explicit=args.db is not None))
    if args.db is None and is_demo_path(path):
        print(f"Using the demo logbook {path} (the one the app last opened); --db chooses another.", file=sys.stderr)
    logbook = open_logbook(path, CommandAsker(), write=write, create=create)
    assert logbook is not None  # a CommandAsker never backs out: it answers or raises
    try:
        yield logbook.db
    finally:
        logbook.close()


def _no_logbook_message(path: Path, explicit: bool) -> str:
    # Never advise 'demo' here: that would put demo data into what should be the real logbook.
    message = f"No database at {path}."
    if explicit:
        return message + " Check the --db path."
    demo = demo_db_path(path)
    if demo.is_file():
        message += f" Demo data is in {demo} (use --db {demo})."
    return message + " Start the app (champion-desk) to create one, or 'champion-desk init' for an empty one."


def refuse_protected_output(args: argparse.Namespace, out: Path | str) -> Path:
    """Return ``out``, or raise when it would overwrite the logbook, its companions, lock or backups."""
    from champion_desk.store.frontdoor import refuse_protected_output as refuse

    return refuse(out, db_path(args))
