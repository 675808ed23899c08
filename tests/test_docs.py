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


REPO = Path(__file__).resolve().parent.parent
# Text the project writes itself: code, docs, build files (not the fonts, icons or caches).
_TEXT_SUFFIXES = {".py", ".md", ".toml", ".spec", ".txt", ".qss", ".json", ".cfg", ".ini", ".sh", ""}
_NOT_OURS = {".git", ".venv", "build", "dist", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}
# A document named by its file name ("docs/figures.md", "data-model.md"), in prose or as a link.
_CITED_DOCUMENT = re.compile(r"[\w./-]*[\w-]+\.md\b")


def _cited_documents_outside(root: Path) -> list[str]:
    """Return "file: cited" for each Markdown document a file names that is not in the repository.

    A citation resolves from the citing file's folder (a link between docs/ pages), from the
    repository's root (``docs/figures.md`` in a docstring), or by its name alone when the repository
    holds one document of that name (a test building the path ``ROOT / "docs" / "figures.md"``).
    """
    ours = []
    for path in sorted(root.rglob("*")):
        parts = set(path.relative_to(root).parts)
        if path.is_file() and not parts & _NOT_OURS and not any(p.endswith(".egg-info") for p in parts):
            ours.append(path)
    names = {path.name for path in ours if path.suffix == ".md"}
    found = []
    for path in ours:
        if path.suffix not in _TEXT_SUFFIXES:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for cited in sorted(set(_CITED_DOCUMENT.findall(text))):
            if not ((path.parent / cited).is_file() or (root / cited).is_file() or cited in names):
                found.append(f"{path.relative_to(root)}: {cited}")
    return found


def test_the_repository_stands_alone_citing_only_its_own_documents():
    # A design note that lives elsewhere (the project's DESIGN file, a shared folder) cannot be
    # read by whoever has only this repository: say the rule, or cite docs/ or the README.
    assert not _cited_documents_outside(REPO)


def test_the_citation_check_finds_a_document_outside_the_repository(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "figures.md").write_text("# Figures\n", encoding="utf-8")
    (tmp_path / "docs" / "next-steps.md").write_text("See [figures](figures.md).\n", encoding="utf-8")
    design = "DESIGN" + ".md"  # spelt in two parts, so this file does not cite it
    (tmp_path / "schema.py").write_text(f'"""Names are part of the product ({design}); see docs/figures.md."""\n')
    assert _cited_documents_outside(tmp_path) == [f"schema.py: {design}"]
