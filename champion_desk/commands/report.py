"""Report subcommands: briefing (the staff-meeting PDF) and poster (the noticeboard page). Headless: no Qt."""

from __future__ import annotations

import argparse
import configparser
import hashlib
from pathlib import Path
from typing import Any

from champion_desk.commands.options import add_scope_options, open_for_command, refuse_protected_output, scope_from_args
from champion_desk.domain.privacy import DEFAULT_K, MIN_K, meeting_scope


def _k(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < MIN_K:
        raise argparse.ArgumentTypeError(f"must be at least {MIN_K} (a smaller value would hide nothing)")
    return value


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--out", required=True, type=Path, metavar="FILE.pdf", help="the PDF to write (replaced if it exists)"
    )
    add_scope_options(p, default_months=3)
    p.add_argument(
        "--suppress-below",
        dest="k",
        type=_k,
        default=DEFAULT_K,
        metavar="K",
        help=f"print counts from 1 to K-1 as 'fewer than K' (default {DEFAULT_K})",
    )
    p.add_argument(
        "--by",
        dest="made_by",
        default=None,
        metavar="NAME",
        help="who made it, printed on the cover and in the PDF's author (default: the person logging "
        "on this PC in the app, else left out)",
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "briefing", help="write the PDF briefing for a staff meeting (default: the last 3 months)"
    )
    _common(p)
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size (default a4)")
    p.add_argument(
        "--pages",
        choices=("1", "all"),
        default="all",
        help="1: the one-page summary for a ward's staff meeting; all: the full briefing (default)",
    )
    p.set_defaults(handler=cmd_briefing)

    p = subparsers.add_parser("poster", help="write a one-page 'You said, we did' poster for the noticeboard")
    _common(p)
    p.add_argument("--paper", choices=("a4", "a3"), default="a4", help="paper size (default a4)")
    p.set_defaults(handler=cmd_poster)


# Where the app remembers who is logging per database (ui/settings.py writes it with QSettings in
# INI format; read here with configparser, so a command needs no Qt).
SETTINGS_PARTS = ("ChampionDesk", "champion-desk.ini")


def logging_user_id(db_path: Path | str | None) -> str | None:
    """Return the staff id the app last had logging on ``db_path`` on this PC, or None when unknown."""
    from platformdirs import user_config_path

    if not db_path:
        return None
    ini = user_config_path(SETTINGS_PARTS[0], appauthor=False) / SETTINGS_PARTS[1]
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(ini, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None  # an unreadable settings file: "Made by" is left out, the briefing is still made
    # The app keys each database by a digest of its resolved path (settings._db_key).
    key = hashlib.sha1(str(Path(db_path).expanduser().resolve()).encode("utf-8")).hexdigest()[:16]
    return parser.get("users", key, fallback=None) or None


def _made_by(args: argparse.Namespace, db: Any) -> str:
    """Return who made the document: ``--by``, else the person logging on this PC, else nothing.

    Never the computer's login name: on a shared ward PC that names an account, not a person.
    """
    if args.made_by:
        return args.made_by
    staff_id = logging_user_id(db.path)
    if staff_id is None:
        return ""
    name = db.scalar("SELECT display_name FROM staff WHERE id = ? AND deleted_at IS NULL", (staff_id,))
    return name or ""


def cmd_briefing(args: argparse.Namespace) -> int:
    from champion_desk.report.briefing import make_briefing

    scope = scope_from_args(args)
    refuse_protected_output(args, args.out)
    with open_for_command(args, write=False) as db:
        pages = make_briefing(
            db, scope, args.out, k=args.k, paper=args.paper, made_by=_made_by(args, db), one_page=args.pages == "1"
        )
    print(f"Briefing written: {args.out} ({pages} page{'s' if pages != 1 else ''}, {meeting_scope(scope).describe()})")
    return 0


def cmd_poster(args: argparse.Namespace) -> int:
    from champion_desk.report.poster import make_poster

    scope = scope_from_args(args)
    refuse_protected_output(args, args.out)
    with open_for_command(args, write=False) as db:
        make_poster(db, scope, args.out, k=args.k, paper=args.paper, made_by=_made_by(args, db))
    print(f"Poster written: {args.out} ({meeting_scope(scope).describe()})")
    return 0
