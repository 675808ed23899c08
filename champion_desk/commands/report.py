"""Report subcommands: briefing (the staff-meeting PDF) and poster (the noticeboard page). Headless: no Qt."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from champion_desk.commands.options import add_scope_options, open_for_command, scope_from_args
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
    p.add_argument("--out", required=True, type=Path, metavar="FILE.pdf", help="the PDF to write (replaced if it exists)")
    add_scope_options(p, default_months=3)
    p.add_argument("--suppress-below", dest="k", type=_k, default=DEFAULT_K, metavar="K",
                   help=f"print counts from 1 to K-1 as 'fewer than K' (default {DEFAULT_K})")
    p.add_argument("--by", dest="made_by", default=None, metavar="NAME",
                   help="who made it, printed on the cover and in the PDF's author (default: your user name)")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("briefing", help="write the PDF briefing for a staff meeting (default: the last 3 months)")
    _common(p)
    p.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size (default a4)")
    p.add_argument("--pages", choices=("1", "all"), default="all",
                   help="1: the one-page summary for a ward's staff meeting; all: the full briefing (default)")
    p.set_defaults(handler=cmd_briefing)

    p = subparsers.add_parser("poster", help="write a one-page 'You said, we did' poster for the noticeboard")
    _common(p)
    p.add_argument("--paper", choices=("a4", "a3"), default="a4", help="paper size (default a4)")
    p.set_defaults(handler=cmd_poster)


def _made_by(args: argparse.Namespace) -> str:
    if args.made_by:
        return args.made_by
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container or service account
        return ""


def cmd_briefing(args: argparse.Namespace) -> int:
    from champion_desk.report.briefing import make_briefing

    scope = scope_from_args(args)
    with open_for_command(args) as db:  # not read-only: an older file is upgraded (after a backup) first
        pages = make_briefing(db, scope, args.out, k=args.k, paper=args.paper, made_by=_made_by(args),
                              one_page=args.pages == "1")
    print(f"Briefing written: {args.out} ({pages} page{'s' if pages != 1 else ''}, {meeting_scope(scope).describe()})")
    return 0


def cmd_poster(args: argparse.Namespace) -> int:
    from champion_desk.report.poster import make_poster

    scope = scope_from_args(args)
    with open_for_command(args) as db:  # not read-only: an older file is upgraded (after a backup) first
        make_poster(db, scope, args.out, k=args.k, paper=args.paper, made_by=_made_by(args))
    print(f"Poster written: {args.out} ({meeting_scope(scope).describe()})")
    return 0
