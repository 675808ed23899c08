"""Privacy regression: what leaves the app for managers never names who raised a concern, never
quotes a concern, never names a colleague who is not a champion; suppressed counts cannot be
worked back; erasing a colleague leaves no byte of their name in the database or its WAL.

Written against the public commands (``briefing``, ``poster``, ``export``, ``erase-person``)
and ``domain.privacy.Suppressor``, so it guards whatever the implementations become.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from champion_desk import cli
from champion_desk.domain import logbook
from champion_desk.store import records
from champion_desk.store.database import open_database
from tests.factories import make_ward
from tests.reliability import landed

CHAMPION = "Zoë Adams"
# Names chosen to be unmistakable in extracted text; each must never appear outside the app.
NON_CHAMPIONS = ("Nguyễn Thị Mai", "Siobhán Ó Briain", "Łukasz Nowak")
DISTINCT_NAME_WORDS = ("Nguyễn", "Siobhán", "Briain", "Łukasz", "Nowak")
CONCERN = "Quetzalcoatl dosing drafts frighten the night team"
CONCERN_WORDS = ("Quetzalcoatl", "frighten")
RESPONSE = "We ran a hands-on session on checking drafts"


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def planted(db_path):
    """A ward with many sessions and concerns, each concern raised by a non-champion colleague."""
    db = open_database(db_path)
    ward = make_ward(db)
    today = dt.date.today()
    extra = [
        records.insert(db, "staff", {"display_name": f"Colleague Number{n}", "unit_id": ward["unit"]}, "t")
        for n in range(8)
    ]
    for n in range(12):
        held = (today - dt.timedelta(days=3 + 5 * n)).isoformat()
        logbook.save_session(
            db,
            {
                "tool_id": ward["tool"],
                "unit_id": ward["unit"],
                "trainer_id": ward["champion"],
                "held_on": held,
                "minutes": 30,
                "format": "hands-on",
                "topic": "Checking drafts",
            },
            [
                {"staff_id": s, "confidence_before": 2, "confidence_after": 4}
                for s in (ward["a"], ward["b"], ward["manager"], *extra[:4])
            ],
            "t",
            today=today,
        )
    for n in range(9):
        occurred = (today - dt.timedelta(days=2 + 7 * n)).isoformat()
        resolved = n % 2 == 0
        logbook.save(
            db,
            "incident",
            {
                "tool_id": ward["tool"],
                "unit_id": ward["unit"],
                "reported_by": ward["champion"],
                "raised_by": (ward["a"], ward["b"], ward["manager"])[n % 3],
                "occurred_on": occurred,
                "theme": "accuracy and trust",
                "severity": "high",
                "description": f"{CONCERN} ({n})",
                "root_cause": "Nguyễn Thị Mai saw a wrong dose",
                "status": "addressed" if resolved else "open",
                "resolved_on": occurred if resolved else None,
                "response": f"{RESPONSE}; Siobhán Ó Briain helped" if resolved else None,
                "owner": "Łukasz Nowak",
            },
            "t",
            acknowledge_identifiers=True,
            today=today,
        )
    from champion_desk.domain.ideas import back_idea, save_idea

    # Meeting outputs cover whole months: the ideas are done in the last whole month before today.
    done_on = today.replace(day=1) - dt.timedelta(days=5)
    for n in range(6):  # ideas suggested and backed by name, done in the period: "You suggested, we did"
        raised = (done_on - dt.timedelta(days=35 + n)).isoformat()
        idea = save_idea(
            db,
            {
                "unit_id": ward["unit"],
                "tool_id": ward["tool"],
                "raised_on": raised,
                "title": f"Headsets for bay {n}, as Nguyễn Thị Mai asked",
                "description": CONCERN,
                "suggested_by": (ward["a"], ward["b"], ward["manager"])[n % 3],
                "status": "done",
                "status_on": done_on.isoformat(),
            },
            "t",
            today=today,
        )
        back_idea(db, idea, "t", raised, backed_by=(ward["b"], ward["manager"], ward["a"])[n % 3], today=today)
    staff_ids = {r["display_name"]: r["id"] for r in db.query("SELECT id, display_name FROM staff")}
    db.close()
    return db_path, ward, staff_ids


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    meta = reader.metadata or {}
    return text + "\n" + " ".join(str(v) for v in meta.values())


def _assert_clean(text: str, staff_ids: dict[str, str], what: str) -> None:
    for word in (*NON_CHAMPIONS, *DISTINCT_NAME_WORDS, *CONCERN_WORDS, CONCERN):
        assert word not in text, f"{what} contains {word!r}"
    for name, staff_id in staff_ids.items():
        assert staff_id not in text, f"{what} contains the id of {name}"


@pytest.mark.parametrize(
    "command",
    [
        pytest.param("briefing", marks=pytest.mark.skipif(not landed.BRIEFING, reason=landed.reason("the briefing"))),
        pytest.param("poster", marks=pytest.mark.skipif(not landed.POSTER, reason=landed.reason("the poster"))),
    ],
)
def test_briefing_and_poster_name_no_one_but_champions_and_quote_no_concern(planted, tmp_path, command):
    db_path, ward, staff_ids = planted
    out = tmp_path / f"{command}.pdf"
    code, _, err = _cli("--db", str(db_path), command, "--out", str(out), "--by", "Manager")
    assert code == 0, err
    text = _pdf_text(out)
    # The planted records did reach the page (the response, the champion as contact), so their
    # names and concern text being absent means they were left out, not that nothing was printed.
    assert "hands-on session" in text and "Adams" in text, "planted records not printed: the check would prove nothing"
    assert "Headsets for bay" in text, "planted ideas not printed: the check would prove nothing"
    _assert_clean(text, staff_ids, command)


@pytest.mark.skipif(not landed.EXPORT, reason=landed.reason("the export"))
def test_manager_export_names_only_champions_and_quotes_no_concern(planted, tmp_path):
    db_path, ward, staff_ids = planted
    out = tmp_path / "export"
    code, _, err = _cli("--db", str(db_path), "export", "--out", str(out), "--format", "csv")
    assert code == 0, err
    files = {p.name: p.read_text(encoding="utf-8-sig") for p in out.glob("*.csv")}
    # Concerns are counted per unit, month and theme, never listed one by one.
    assert "incident.csv" not in files and "concern_counts.csv" in files and "audit.csv" not in files
    raisers = {staff_ids[n] for n in NON_CHAMPIONS}
    rows = list(csv.DictReader(io.StringIO(files["concern_counts.csv"])))
    assert rows and list(rows[0]) == ["unit", "month", "theme", "concerns"]
    assert all(not (set(r.values()) & raisers) for r in rows), "a raised_by id is in the export"
    for table in ("idea", "idea_support"):
        rows = list(csv.DictReader(io.StringIO(files[f"{table}.csv"])))
        assert rows and all(not (set(r.values()) & raisers) for r in rows), f"who suggested or backed is in {table}.csv"
    everything = "\n".join(files.values())
    leaks = [w for w in (*DISTINCT_NAME_WORDS, *CONCERN_WORDS) if w in everything]
    assert not leaks, f"the manager's export holds {leaks}"
    assert "Adams" in everything, "the champion is not in the export: the check would prove nothing"


def _feasible(bounds: list[tuple[int, int]], i: int, remainder: int) -> set[int]:
    """Values cell ``i`` can take when the hidden cells (each within its bounds) must sum to ``remainder``."""
    lo_rest = sum(lo for j, (lo, hi) in enumerate(bounds) if j != i)
    hi_rest = sum(hi for j, (lo, hi) in enumerate(bounds) if j != i)
    lo, hi = bounds[i]
    # Sums of integer ranges are integer ranges, so a value works when the rest can make up the difference.
    return {v for v in range(lo, hi + 1) if lo_rest <= remainder - v <= hi_rest}


@pytest.mark.skipif(
    not landed.landed("champion_desk.domain.privacy", "Suppressor"), reason=landed.reason("small-count suppression")
)
@settings(max_examples=400, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8),
    k=st.integers(min_value=3, max_value=10),
)
def test_a_suppressed_count_can_never_be_worked_back_from_the_total(counts, k):
    # A reader sees the printed cells, the printed total, and for each hidden cell only that it is
    # hidden ("fewer than k" bounds it to 1..k-1; any other label to 1..total). No hidden small count
    # may be pinned to a single value by that. (k = 2 is left out: "fewer than 2" can only mean 1.)
    from champion_desk.domain.privacy import Suppressor

    sup = Suppressor(k)
    cells, total = sup.table(list(counts))
    for cell, n in zip(cells, counts):
        if sup.is_small(n):
            assert cell.suppressed, f"{n} printed"
        if not cell.suppressed:
            assert cell.text == f"{int(n):,}"
    if total.suppressed:
        return
    hidden = [(n, c) for n, c in zip(counts, cells) if c.suppressed]
    remainder = total.value - sum(n for n, c in zip(counts, cells) if not c.suppressed)
    bounds = [(1, k - 1) if c.text == sup.wording else (1, max(1, int(total.value))) for n, c in hidden]
    for i, (n, _cell) in enumerate(hidden):
        if sup.is_small(n):
            assert len(_feasible(bounds, i, remainder)) > 1, f"hidden {n} in {counts} can be worked back (k={k})"


@pytest.mark.skipif(
    not landed.landed("champion_desk.domain.privacy", "Suppressor"), reason=landed.reason("small-count suppression")
)
@settings(max_examples=300, deadline=None)
@given(
    part=st.integers(min_value=0, max_value=60),
    extra=st.integers(min_value=0, max_value=60),
    k=st.integers(min_value=3, max_value=10),  # privacy.MIN_K: k = 2 hides nothing
)
def test_a_printed_percentage_never_gives_a_small_count_away(part, extra, k):
    from champion_desk.domain.privacy import Suppressor

    sup = Suppressor(k)
    whole = part + extra
    cell = sup.share(part, whole)
    if not cell.suppressed and cell.value is not None:
        assert not sup.is_small(part) and not sup.is_small(whole) and not sup.is_small(whole - part)


@pytest.mark.skipif(
    not landed.landed("champion_desk.domain.privacy", "Suppressor"), reason=landed.reason("small-count suppression")
)
@settings(max_examples=200, deadline=None)
@given(bars=st.lists(st.lists(st.integers(min_value=0, max_value=30), min_size=3, max_size=3), min_size=1, max_size=6))
def test_stacked_charts_draw_no_segment_that_shows_a_small_count(bars):
    from champion_desk.domain.privacy import Suppressor

    sup = Suppressor(5)
    keys = ["a", "b", "c"]
    rows = [dict(zip(keys, b)) for b in bars]
    for key in sup.drawable(rows, keys):
        assert not any(sup.is_small(row[key]) for row in rows), f"{key} drawn with a small value"


def _all_bytes(db_path: Path) -> bytes:
    data = db_path.read_bytes()
    for suffix in ("-wal", "-shm", "-journal"):
        companion = db_path.with_name(db_path.name + suffix)
        if companion.exists():
            data += companion.read_bytes()
    return data


@pytest.mark.skipif(not landed.ERASE, reason=landed.reason("erase-person"))
def test_erase_person_leaves_no_byte_of_the_name_in_the_database_or_wal(planted):
    db_path, ward, staff_ids = planted
    name = "Siobhán Ó Briain"
    encodings = [
        name.encode("utf-8"),
        "Siobhán".encode("utf-8"),
        b"Briain",
        name.encode("utf-16-le"),
        "Siobh\\u00e1n".encode("ascii"),
    ]  # as JSON escapes it in audit rows
    assert any(e in _all_bytes(db_path) for e in encodings), "the name was never stored: the test would prove nothing"
    code, out, err = _cli("--db", str(db_path), "erase-person", "E101", "--yes")
    assert code == 0, err
    found = [e for e in encodings if e in _all_bytes(db_path)]
    assert not found, f"erase-person left {found} in the database or its WAL"
    # And the rest of the logbook is intact.
    db = open_database(db_path, create=False)
    try:
        assert db.scalar("PRAGMA integrity_check") == "ok"
        assert db.scalar("SELECT count(*) FROM training_session WHERE deleted_at IS NULL") == 12
        assert db.scalar("SELECT count(*) FROM staff WHERE display_name = 'Nguyễn Thị Mai'") == 1
    finally:
        db.close()
