"""The README documents every subcommand and keeps its Quick start to two commands."""

from __future__ import annotations

import re
from pathlib import Path

from champion_desk.cli import build_parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(action.choices)


def test_every_subcommand_is_documented_in_the_readme():
    missing = [c for c in _subcommands() if f"`champion-desk {c}" not in README]
    assert not missing, f"README lacks: {missing}"


def test_quick_start_has_exactly_two_commands():
    match = re.search(r"^#+\s*quick\s*start.*?$(.*?)^```[^\n]*\n(.*?)^```", README, re.I | re.M | re.S)
    assert match, "no Quick start code block"
    commands = [line for line in match.group(2).splitlines() if line.strip() and not line.strip().startswith("#")]
    assert commands == [
        "make run    # sets up .venv, installs the app, starts it on your default database",
        "make test   # sets up .venv with the test extras, runs the whole test suite",
    ]


def test_the_data_model_page_names_every_table_and_column():
    from champion_desk.store.schema import SCHEMA_VERSION, TABLE_DDL, columns

    page = (Path(__file__).resolve().parent.parent / "docs" / "data-model.md").read_text(encoding="utf-8")
    assert f"schema version {SCHEMA_VERSION} in `PRAGMA user_version`" in page
    for table in TABLE_DDL:
        row = next((line for line in page.splitlines() if line.startswith(f"| `{table}` |")), None)
        assert row is not None, f"docs/data-model.md lacks table {table}"
        for column in columns(table):
            if column not in ("id", "created_at", "updated_at", "deleted_at"):
                assert f"`{column}`" in row, f"docs/data-model.md lacks {table}.{column}"
