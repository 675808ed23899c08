"""`champion-desk briefing` and `champion-desk poster`: files written, options checked, no Qt imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from champion_desk.cli import main
from tests.report.pdf_text import page_count, pdf_text
from tests.report.sample import build_sample

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sample_path(db, db_path):
    build_sample(db)
    db.close()
    return db_path


def test_briefing_writes_a_pdf_for_the_scope(sample_path, tmp_path, capsys):
    out = tmp_path / "briefing.pdf"
    code = main(
        [
            "--db",
            str(sample_path),
            "briefing",
            "--out",
            str(out),
            "--from",
            "2026-09-01",
            "--to",
            "2026-11-26",
            "--unit",
            "Ward 9",
            "--by",
            "Zoë Adams",
        ]
    )
    assert code == 0
    assert "Briefing written" in capsys.readouterr().out
    text = pdf_text(out)
    # A meeting output covers whole months: the three that had ended by 26 Nov.
    assert "Ward 9 · all tools · 1 Aug 2026 to 31 Oct 2026" in text
    assert "Zoë Adams" in text


def test_two_briefings_ending_a_day_apart_cover_the_same_months(sample_path, tmp_path, capsys):
    texts = []
    for end in ("2026-11-29", "2026-11-30"):
        out = tmp_path / f"{end}.pdf"
        assert main(["--db", str(sample_path), "briefing", "--out", str(out), "--from", "2026-09-01", "--to", end]) == 0
        texts.append(pdf_text(out).replace(end, ""))
    assert "1 Aug 2026 to 31 Oct 2026" in texts[0] and "1 Sep 2026 to 30 Nov 2026" in texts[1]
    out = capsys.readouterr().out
    assert "1 Aug 2026 to 31 Oct 2026" in out and "1 Sep 2026 to 30 Nov 2026" in out


def test_briefing_default_period_is_the_last_three_months(sample_path, tmp_path, capsys):
    out = tmp_path / "b.pdf"
    assert main(["--db", str(sample_path), "briefing", "--out", str(out), "--paper", "letter"]) == 0
    assert "previous" in pdf_text(out)
    assert page_count(out) >= 3


def test_suppress_below_is_checked(sample_path, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--db", str(sample_path), "briefing", "--out", str(tmp_path / "b.pdf"), "--suppress-below", "2"])
    assert "at least 3" in capsys.readouterr().err


def test_unknown_unit_is_a_clear_error_and_writes_nothing(sample_path, tmp_path, capsys):
    out = tmp_path / "b.pdf"
    assert main(["--db", str(sample_path), "briefing", "--out", str(out), "--unit", "Nowhere"]) == 1
    assert "Nowhere" in capsys.readouterr().err
    assert not out.exists()


def test_poster_is_one_page(sample_path, tmp_path, capsys):
    out = tmp_path / "poster.pdf"
    assert main(["--db", str(sample_path), "poster", "--out", str(out), "--paper", "a3"]) == 0
    assert page_count(out) == 1


def test_missing_database_is_a_clear_error(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "none.db"), "briefing", "--out", str(tmp_path / "b.pdf")]) == 1
    assert "No database" in capsys.readouterr().err


def test_report_commands_import_no_qt(sample_path, tmp_path):
    script = (
        "import sys, json\n"
        "from champion_desk.cli import main\n"
        f"a = main(['--db', {str(sample_path)!r}, 'briefing', '--out', {str(tmp_path / 'b.pdf')!r}])\n"
        f"b = main(['--db', {str(sample_path)!r}, 'poster', '--out', {str(tmp_path / 'p.pdf')!r}])\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6'))\n"
        "print(json.dumps([a, b, qt]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    a, b, qt = json.loads(done.stdout.strip().splitlines()[-1])
    assert (a, b, qt) == (0, 0, [])


def test_briefing_pages_1_writes_the_one_page_summary(sample_path, tmp_path, capsys):
    out = tmp_path / "summary.pdf"
    assert (
        main(
            [
                "--db",
                str(sample_path),
                "briefing",
                "--out",
                str(out),
                "--pages",
                "1",
                "--unit",
                "Ward 9",
                "--from",
                "2026-09-01",
                "--to",
                "2026-11-30",
            ]
        )
        == 0
    )
    assert "(1 page," in capsys.readouterr().out
    assert page_count(out.read_bytes()) == 1 and "Ward 9: AI tools summary" in pdf_text(out)


def made_by(text: str) -> str:
    """Return who the cover says made the briefing: its labels (Units … Made by) are one row, the values the next."""
    lines = text.splitlines()
    first, last = lines.index("Units"), lines.index("Made by")
    return lines[last + (last - first) + 1]


def test_made_by_is_the_person_logging_on_this_pc_else_left_out(sample_path, tmp_path):
    import getpass

    from champion_desk.store.database import open_database
    from champion_desk.ui.settings import Settings

    out = tmp_path / "nobody.pdf"
    assert main(["--db", str(sample_path), "briefing", "--out", str(out)]) == 0
    text = pdf_text(out)
    assert "Made by" not in text and f"\n{getpass.getuser()}\n" not in text  # never the login name
    with open_database(sample_path) as db:
        zoe = db.scalar("SELECT id FROM staff WHERE display_name = 'Zoë Adams'")
    settings = Settings()  # what the app writes when Zoë logs on this PC
    settings.set_user_for(sample_path, zoe)
    settings.sync()
    out = tmp_path / "zoe.pdf"
    assert main(["--db", str(sample_path), "briefing", "--out", str(out)]) == 0
    assert made_by(pdf_text(out)) == "Zoë Adams"
    out = tmp_path / "by.pdf"
    assert main(["--db", str(sample_path), "briefing", "--out", str(out), "--by", "Ward Manager"]) == 0
    assert made_by(pdf_text(out)) == "Ward Manager"
