"""Command-line entry point: the GUI by default, headless subcommands otherwise.

Headless subcommands never import PySide6 or pyqtgraph; each area of the app registers its
subcommands from its own module in ``champion_desk/commands/``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from champion_desk import __version__
from champion_desk.errors import ChampionDeskError
from champion_desk.navigation import PAGE_NAMES


def command_modules() -> list[str]:
    """Return the subcommand modules: every module in ``champion_desk/commands`` with ``register``.

    Each defines ``register(subparsers)``; its handlers take (args) and return an exit code.
    """
    import pkgutil

    import champion_desk.commands as package

    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))
    return [f"{package.__name__}.{n}" for n in names if n != "options"]


def build_parser(with_commands: bool = True) -> argparse.ArgumentParser:
    """Return the argument parser, with every subcommand registered unless ``with_commands`` is False."""
    parser = argparse.ArgumentParser(
        prog="champion-desk",
        description="Champion Desk: log training, concerns and mentoring for AI tool roll-outs; "
        "charts and briefings. Without a subcommand, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="database file (default: $CHAMPION_DESK_DB, else champion-desk.db in your data folder)",
    )
    parser.add_argument("--page", choices=PAGE_NAMES, help="open the desktop app on this page")
    parser.add_argument(
        "--signin",
        metavar="SESSION_ID",
        help="open the desktop app straight on the full-screen sign-in screen of today's session",
    )
    if not with_commands:
        parser.set_defaults(command=None)
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in command_modules():
        importlib.import_module(name).register(subparsers)
    return parser


def _starts_the_gui(argv: Sequence[str]) -> bool:
    """Return True when the arguments name no subcommand (only --db, --page and --signin, or nothing)."""
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in ("--db", "--page", "--signin"):
            if not args:
                return False  # let the full parser report the missing value
            args.pop(0)
        elif not arg.startswith(("--db=", "--page=", "--signin=")):
            return False
    return True


def describe_os_error(exc: OSError) -> str:
    """Return one line for a file-system error: the path, what went wrong, and what to do."""
    import errno

    if not exc.filename and exc.args and not exc.strerror:
        return str(exc)  # raised by the app itself with its own sentence
    where = f"{exc.filename}: " if exc.filename else ""
    what = exc.strerror or str(exc)
    advice = {
        errno.ENOSPC: "free some space on that disk and try again; nothing half-written was kept",
        errno.EACCES: "that file or folder cannot be written by you; choose another place",
        errno.EPERM: "that file or folder cannot be written by you; choose another place",
        errno.EROFS: "that disk is read-only; choose another place",
        errno.ENAMETOOLONG: "choose a shorter file name",
        errno.ENOENT: "check the path",
        errno.EISDIR: "that is a folder; give a file name",
    }.get(exc.errno)
    return f"{where}{what}" + (f" ({advice})." if advice else ".")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # Starting the desktop app needs none of the subcommands: skip importing them (start-up time).
    parser = build_parser(with_commands=not _starts_the_gui(argv))
    args = parser.parse_args(argv)
    if args.command is None:
        from champion_desk.app import run_gui

        return run_gui(db_path=args.db.expanduser() if args.db else None, page=args.page, signin=args.signin)
    try:
        return int(args.handler(args) or 0)
    except ChampionDeskError as exc:
        print(f"champion-desk: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"champion-desk: error: {describe_os_error(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("champion-desk: interrupted; nothing half-written was kept.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
