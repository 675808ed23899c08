"""Options and helpers shared by several subcommands (scope, output format)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from champion_desk.domain.dates import parse_uk_date
from champion_desk.domain.scope import Scope
from champion_desk.errors import ChampionDeskError, ValidationError
from champion_desk.paths import chosen_db_path, demo_db_path, is_demo_path

if TYPE_CHECKING:
    from champion_desk.store.connection import Database


# Dates on the command line are read as the app reads them: day first, as typed on a UK ward.
DATE_METAVAR = "DATE"
DATE_FORMS = "15/03/2026, 15 Mar 2026, 2026-03-15 or today"


def day_arg(text: str, field: str) -> dt.date:
    """Return the day a command-line date names (see domain.dates.parse_uk_date); ValidationError names the option."""
    try:
        return parse_uk_date(text, field=field)
    except ValidationError as error:
        raise ValidationError(field, error.rule, f"{field}: {error.message}") from None


def add_scope_options(parser: argparse.ArgumentParser, default_months: int) -> None:
    """Add --from/--to/--unit/--tool; the default period is the last ``default_months`` months."""
    parser.add_argument(
        "--from",
        dest="date_from",
        metavar=DATE_METAVAR,
        help=f"first day, e.g. {DATE_FORMS} (default: {default_months} months before --to)",
    )
    parser.add_argument("--to", dest="date_to", metavar=DATE_METAVAR, help="last day, inclusive (default: today)")
    parser.add_argument(
        "--unit", dest="units", action="append", default=[], metavar="NAME", help="limit to this unit (repeatable)"
    )
    parser.add_argument(
        "--tool", dest="tools", action="append", default=[], metavar="NAME", help="limit to this tool (repeatable)"
    )
    parser.set_defaults(default_months=default_months)


def scope_from_args(args: argparse.Namespace) -> Scope:
    """Build the Scope the scope options describe (dates checked, names kept as given)."""
    date_to = day_arg(args.date_to, "to") if args.date_to else dt.date.today()
    if args.date_from:
        return Scope(day_arg(args.date_from, "from"), date_to, tuple(args.units), tuple(args.tools))
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


# Where a command reads a passphrase, in this order. Never an option holding the passphrase itself:
# a command line is kept in the shell's history and shown to every user of the PC by ps.
PASSPHRASE_ENV = "CHAMPION_DESK_PASSPHRASE"


class PassphraseMissing(ChampionDeskError):
    """A command needs a passphrase and has no way to ask for one."""


def add_passphrase_option(parser: argparse.ArgumentParser, what: str) -> None:
    """Add ``--passphrase-file FILE`` (the passphrase is its first line); ``what`` says what it opens or seals."""
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="FILE",
        help=f"read the passphrase that {what} from the first line of FILE "
        f"(else ${PASSPHRASE_ENV}, else it is asked for; never on the command line itself)",
    )


def passphrase_from_args(args: argparse.Namespace, *, confirm: bool, field: str = "passphrase") -> str:
    """Return the passphrase for a command: --passphrase-file, else $CHAMPION_DESK_PASSPHRASE, else asked.

    ``confirm``: sealing asks twice at the terminal, since a mistyped passphrase would lock the
    copy for good. Raises PassphraseMissing when none is given and there is no terminal to ask at.
    """
    import os

    from champion_desk.store.sealed import check_passphrase

    source = getattr(args, "passphrase_file", None)
    if source is not None:
        lines = Path(source).read_text(encoding="utf-8").splitlines()
        text = lines[0] if lines else ""
        if not text:
            raise PassphraseMissing(f"{source} is empty; its first line should be the passphrase.")
    elif os.environ.get(PASSPHRASE_ENV):
        text = os.environ[PASSPHRASE_ENV]
    elif sys.stdin.isatty():
        import getpass

        text = getpass.getpass("Passphrase: ")
        if confirm and getpass.getpass("The same passphrase again: ") != text:
            raise PassphraseMissing("The two passphrases are not the same; nothing was written.")
    else:
        raise PassphraseMissing(
            f"A passphrase is needed: give --passphrase-file FILE or set {PASSPHRASE_ENV} "
            "(or run the command in a terminal to be asked)."
        )
    return check_passphrase(text, field) if confirm else text
