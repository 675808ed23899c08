"""``champion-desk demo`` run as a user would: in a subprocess."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys


def run(*args):
    env = {**os.environ, "PYTHONHASHSEED": "random"}
    return subprocess.run(
        [sys.executable, "-m", "champion_desk", *args], capture_output=True, text=True, env=env, timeout=120
    )


def demo(path, seed="3"):
    return run("--db", str(path), "demo", "--scale", "ward", "--seed", seed, "--end", "2026-06-30")


def test_demo_creates_the_database_and_says_whom_to_log_in_as(tmp_path):
    path = tmp_path / "new" / "ward.db"
    result = demo(path)
    assert result.returncode == 0, result.stderr
    assert path.exists()
    out = result.stdout
    assert "ward scale, seed 3, 1 Jul 2025 to 30 Jun 2026" in out
    assert "Log in as champion Zoë Fletcher (Cedar Ward) or ward manager Siobhán Ó Briain." in out
    assert "unit 1, staff 40," in out
    check = run("--db", str(path), "check", "--json")
    assert check.returncode == 0, check.stdout
    report = json.loads(check.stdout)
    assert report["counts"]["staff"] == 40 and report["counts"]["training_session"] > 0
    assert report["foreign_key_errors"] == 0


def test_demo_refuses_a_database_with_records_in_one_line(tmp_path):
    path = tmp_path / "ward.db"
    assert demo(path).returncode == 0
    again = demo(path)
    assert again.returncode == 1
    assert again.stderr.count("\n") == 1 and "Traceback" not in again.stderr
    assert "already holds records" in again.stderr


def test_demo_is_identical_across_processes(tmp_path):
    # Separate processes with random string hashing: nothing may depend on set or hash order.
    dumps = []
    for name in ("a.db", "b.db"):
        path = tmp_path / name
        assert demo(path, seed="5").returncode == 0
        conn = sqlite3.connect(path)
        dumps.append(
            [
                conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()
                for t in ("staff", "training_session", "attendance", "incident", "pairing", "checkin", "pulse", "story")
            ]
        )
        conn.close()
    assert dumps[0] == dumps[1]


def test_bad_end_date_is_one_clear_line(tmp_path):
    result = run("--db", str(tmp_path / "x.db"), "demo", "--scale", "ward", "--end", "31/06/2026")
    assert result.returncode == 1 and "end: There is no 31 June 2026." in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_without_db_gets_a_file_of_its_own_that_later_commands_use_and_name(tmp_path):
    """`champion-desk demo` once wrote made-up colleagues into the real logbook, champion-desk.db."""
    data = tmp_path / "data"
    env = {**os.environ, "XDG_DATA_HOME": str(data), "HOME": str(tmp_path)}
    env.pop("CHAMPION_DESK_DB", None)

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "champion_desk", *args], capture_output=True, text=True, env=env, timeout=120
        )

    made = cli("demo", "--scale", "ward", "--end", "30/06/2026")
    assert made.returncode == 0, made.stderr
    folder = data / "ChampionDesk"
    assert (folder / "champion-desk-demo.db").is_file()
    assert not (folder / "champion-desk.db").exists()
    briefing = cli("briefing", "--out", str(tmp_path / "x.pdf"), "--to", "30/06/2026")
    assert briefing.returncode == 0, briefing.stderr
    assert "Using the demo logbook" in briefing.stderr and "champion-desk-demo.db" in briefing.stderr
    # A second demo does not fall back to the real logbook either: it refuses the demo file in use.
    again = cli("demo", "--scale", "ward")
    assert again.returncode != 0 and not (folder / "champion-desk.db").exists()
