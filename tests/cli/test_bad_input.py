"""Every bad input on the command line gets one line: exit 1, no traceback, nothing written, fast and small.

Table-driven over the entry points this covers: ``import-roster`` with the malformed-roster
corpus (tests/exchange/bad_rosters.py), and every command's ``--from``/``--to``. Each case runs in
a process of its own, which measures its own peak memory (``resource``) before it exits.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from champion_desk.store.database import open_database
from tests.exchange import bad_rosters
from tests.reliability.checks import connect_plain, contents_hash

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 5.0
MEMORY_MIB = 500

# Runs the command line, then writes the process's peak memory (KiB on Linux) to the file named first.
_MEASURED = """
import resource, sys
from champion_desk import cli
try:
    code = cli.main(sys.argv[2:])
finally:
    with open(sys.argv[1], "w") as fh:
        fh.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
sys.exit(code)
"""


def run_measured(tmp_path: Path, db: Path, *args: str) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``champion-desk --db DB ARGS`` in its own process; return it, its seconds and its peak MiB."""
    peak_file = tmp_path / "peak.txt"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURED, str(peak_file), "--db", str(db), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.perf_counter() - started
    return done, seconds, int(peak_file.read_text()) / 1024


def assert_one_line_refusal(done: subprocess.CompletedProcess, seconds: float, peak_mib: float, message: str) -> None:
    lines = done.stderr.splitlines()
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])
    assert len(lines) == 1 and lines[0].startswith("champion-desk: error: "), done.stderr[-2000:]
    assert "Traceback" not in done.stderr + done.stdout
    assert message in lines[0] or re.search(message, lines[0]), lines[0]
    assert seconds < SECONDS, f"took {seconds:.2f} s"
    assert peak_mib < MEMORY_MIB, f"peaked at {peak_mib:.0f} MiB"


@pytest.fixture(scope="module")
def logbook(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bad-input") / "desk.db"
    open_database(path).close()
    return path


def _contents(path: Path) -> str:
    conn = connect_plain(path)
    try:
        return contents_hash(conn)
    finally:
        conn.close()


@pytest.mark.parametrize("name, write, message", [(c[1], c[2], c[3]) for c in bad_rosters.CASES],
                         ids=[c[0] for c in bad_rosters.CASES])
def test_import_roster_refuses_each_malformed_file_in_one_line(tmp_path, logbook, name, write, message):
    path = tmp_path / name
    write(path)
    before = _contents(logbook)
    done, seconds, peak = run_measured(tmp_path, logbook, "import-roster", str(path))
    assert_one_line_refusal(done, seconds, peak, message)
    assert _contents(logbook) == before
    missing = tmp_path / "never.db"
    done, seconds, peak = run_measured(tmp_path, missing, "import-roster", str(path))
    assert_one_line_refusal(done, seconds, peak, message)
    assert not missing.exists(), "a refused roster creates no logbook"


@pytest.mark.parametrize("args, message", [
    (("--encoding", "klingon"), "encoding: 'klingon' is not a text encoding"),
    (("--encoding", "cp1252"), "line 2: holds UTF-8 text though it was read as cp1252"),
])
def test_import_roster_refuses_a_bad_encoding_in_one_line(tmp_path, logbook, args, message):
    path = tmp_path / "roster.csv"
    path.write_bytes("Staff No,Name\nG1,Gráinne\nG2,Zoë\n".encode() + "G3,Siobhán\n".encode("cp1252"))
    before = _contents(logbook)
    done, seconds, peak = run_measured(tmp_path, logbook, "import-roster", str(path), *args)
    assert_one_line_refusal(done, seconds, peak, message)
    assert _contents(logbook) == before


def test_an_unknown_status_word_is_an_error_on_its_line_and_nothing_is_written(tmp_path, logbook):
    path = tmp_path / "roster.csv"
    path.write_text("Staff No,Name,Ward,Assignment Status\nS1,Ann Lee,Ward 2,Suspended\nS2,Bo Chan,,Career Break\n",
                    encoding="utf-8")
    before = _contents(logbook)
    done, seconds, peak = run_measured(tmp_path, logbook, "import-roster", str(path))
    assert_one_line_refusal(done, seconds, peak, "1 invalid row; nothing was written")
    assert "line 3: active: is not an HR status word Champion Desk knows (got 'Career Break'" in done.stdout
    assert _contents(logbook) == before


BAD_DATES = [
    ("9999-12-31", "9999-12-31 is not in the years 1900 to 2199"),
    ("0001-01-01", "0001-01-01 is not in the years 1900 to 2199"),
    ("2200-01-01", "2200-01-01 is not in the years 1900 to 2199"),
    ("2026-02-30", "'2026-02-30' is not a date written YYYY-MM-DD"),
]
# Every command that takes --from/--to; a command that writes a file names it, to check it is not written.
SCOPED = [
    ("stats", ()),
    ("series", ("training", "--bucket", "week")),
    ("next-steps", ()),
    ("briefing", ("--out", "{out}")),
    ("poster", ("--out", "{out}")),
]


@pytest.mark.parametrize("option", ["--from", "--to"])
@pytest.mark.parametrize("value, message", BAD_DATES, ids=[d[0] for d in BAD_DATES])
@pytest.mark.parametrize("command, extra", SCOPED, ids=[c[0] for c in SCOPED])
def test_every_from_and_to_is_one_line_outside_the_years(tmp_path, logbook, command, extra, option, value, message):
    out = tmp_path / "out.pdf"
    args = [a.format(out=out) for a in extra]
    before = _contents(logbook)
    done, seconds, peak = run_measured(tmp_path, logbook, command, *args, option, value)
    assert_one_line_refusal(done, seconds, peak, f"{option[2:]}: {message}")
    assert not out.exists() and _contents(logbook) == before


@pytest.mark.parametrize("args, message", [
    (("series", "training", "--bucket", "week", "--from", "1900-01-01"), "weeks; a series has at most 1,200"),
    (("series", "concerns", "--bucket", "month", "--from", "1900-01-01", "--to", "2199-12-31"),
     "makes 3,600 months; a series has at most 1,200"),
    (("briefing", "--out", "{out}", "--from", "1900-01-01", "--to", "2199-12-31"), "months; a series has at most 1,200"),
    (("demo", "--scale", "ward", "--end", "9999-12-31"), "end: 9999-12-31 is not in the years 1900 to 2199"),
])
def test_too_long_a_series_is_one_line(tmp_path, logbook, args, message):
    out = tmp_path / "out.pdf"
    before = _contents(logbook)
    done, seconds, peak = run_measured(tmp_path, logbook, *(a.format(out=out) for a in args))
    assert_one_line_refusal(done, seconds, peak, message)
    assert not out.exists() and _contents(logbook) == before
