"""The next-steps subcommand: suggested actions for a scope, each with its why."""

from __future__ import annotations

import argparse
import json
import sys

from champion_desk.commands.options import add_scope_options, open_for_command, scope_from_args


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("next-steps", help="suggested next steps for a scope, with the signal behind each")
    add_scope_options(p, default_months=3)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--limit", type=int, default=0, metavar="N", help="show only the first N suggestions")
    p.add_argument("--all", action="store_true", help="include dismissed and snoozed suggestions")
    p.set_defaults(handler=cmd_next_steps)


def cmd_next_steps(args: argparse.Namespace) -> int:
    from champion_desk.domain.next_steps import suggestions

    scope = scope_from_args(args)
    with open_for_command(args, write=False) as db:
        found = suggestions(db, scope, today=scope.date_to, include_hidden=args.all)
    shown = found[: args.limit] if args.limit > 0 else found
    if args.json:
        json.dump(
            {"scope": scope.describe(), "suggestions": [s.as_dict() for s in shown]},
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        sys.stdout.write("\n")
        return 0
    print(f"Next steps for {scope.describe()}: {len(found)} suggestion{'s' if len(found) != 1 else ''}")
    for n, s in enumerate(shown, 1):
        where = " · ".join(x for x in (s.unit, s.tool) if x)
        response = f" ({s.response['decision']})" if s.response else ""
        print(
            f"\n{n}. [{s.severity_name}] {where}{response}\n   Do: {s.action}\n   Why: {s.signal}\n   Strategy: {s.strategy}"
        )
    return 0
