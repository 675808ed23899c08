"""No hidden concern count of a meeting output can be worked back from all the outputs of its period.

For the hospital and trust demos and several whole-month periods, the all-units briefing and every
one-unit briefing are built as structured data (``concern_figures``, what the PDF prints), each
printed figure written as a sum of atoms (concerns by unit, theme and ADKAR barrier), and linear
algebra checks that no hidden figure lies in the span of the printed ones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import numpy as np
import pytest

from champion_desk.domain.briefing_data import (
    BARRIERS,
    NO_UNIT,
    NOT_RECORDED,
    THEMES,
    BriefingData,
    collect,
    concern_figures,
    people_figures,
    people_table,
)
from champion_desk.domain.demo import generate_demo
from champion_desk.domain.privacy import DEFAULT_K, meeting_scope
from champion_desk.domain.scope import Scope
from champion_desk.store.database import open_database
from tests.domain.disclosure import determined

END = dt.date(2026, 11, 30)
# A month, a quarter and a year, each ending at the demo's last whole month, and a quarter a year before.
PERIODS = [(END - dt.timedelta(days=d), END) for d in (29, 90, 364)] + [(dt.date(2025, 9, 1), dt.date(2025, 11, 30))]


@pytest.fixture(scope="module", params=["hospital", "trust"])
def demo_db(request, tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp(request.param) / "demo.db")
    generate_demo(db, request.param, seed=1, end=END)
    yield db
    db.close()


def outputs(db, period: tuple[dt.date, dt.date]) -> tuple[BriefingData, list[BriefingData]]:
    """Return the structured all-units briefing of a period and every one-unit briefing of it."""
    scope = meeting_scope(Scope(*period))
    everyone = collect(db, scope, full=False)
    # The people counts per unit, as a full briefing collects them (left out above: it is the slow part).
    everyone.people_table = people_table(db, scope)
    singles = []
    for name, uid in everyone.unit_ids.items():
        # The concern tables cover every unit whatever the scope (checked below for one unit), so
        # a one-unit briefing's structured data is the all-units one narrowed to the unit.
        singles.append(
            dataclasses.replace(
                everyone, scope=dataclasses.replace(everyone.scope, units=(name,)), unit_ids={name: uid}
            )
        )
    return everyone, singles


def test_a_one_unit_briefing_decides_on_the_same_tables_as_the_all_units_one(demo_db):
    everyone, singles = outputs(demo_db, PERIODS[1])
    name = next(iter(everyone.unit_ids))
    alone = collect(demo_db, meeting_scope(Scope(*PERIODS[1], units=(name,))), full=False)
    assert alone.concern_table == everyone.concern_table and alone.unit_ids == singles[0].unit_ids
    assert concern_figures(alone, DEFAULT_K) == concern_figures(singles[0], DEFAULT_K)


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p[0]}..{p[1]}")
def test_no_hidden_concern_count_is_determined_by_the_printed_ones(demo_db, period):
    everyone, singles = outputs(demo_db, period)
    table = everyone.concern_table["theme"]
    units = sorted({u for u, _ in table})
    barriers = (*BARRIERS, NOT_RECORDED)
    atoms = list(itertools.product(units, THEMES, barriers))
    index = {a: i for i, a in enumerate(atoms)}
    unit_of = np.array([units.index(a[0]) for a in atoms])
    theme_of = np.array([THEMES.index(a[1]) for a in atoms])
    barrier_of = np.array([barriers.index(a[2]) for a in atoms])
    assert len(index) == len(atoms)

    def vector(rows: list[str] | None, theme: str | None = None, barrier: str | None = None) -> np.ndarray:
        keep = np.ones(len(atoms), dtype=bool)
        if rows is not None:
            keep &= np.isin(unit_of, [units.index(r) for r in rows])
        if theme is not None:
            keep &= theme_of == THEMES.index(theme)
        if barrier is not None:
            keep &= barrier_of == barriers.index(barrier)
        return keep.astype(float)

    published, hidden, names = [], [], []

    def add(vec: np.ndarray, cell, what: str) -> None:
        if cell.suppressed:
            if cell.value:
                hidden.append(vec)
                names.append(f"{what} = {cell.value}")
        else:
            published.append(vec)

    for data in (everyone, *singles):
        rows = None if not data.scope.units else list(data.unit_ids.values())
        where = ", ".join(data.scope.units) or "all units"
        figures = concern_figures(data, DEFAULT_K)
        add(vector(rows), figures.total, f"{where}: concerns raised")
        for theme, cell in figures.themes.items():
            add(vector(rows, theme=theme), cell, f"{where}: {theme}")
        for barrier, cell in figures.barriers.items():
            add(vector(None, barrier=barrier), cell, f"{where}: barrier {barrier}")
        for name, cell in figures.units.items():
            add(vector([data.unit_ids[name]]), cell, f"{where}: unit {name}")
        if data is everyone:  # the printed figures are the counts themselves
            assert figures.total.value == data.figures["concerns_raised"]
            assert {t: c.value for t, c in figures.themes.items()} == data.figures["concerns_by_theme"]
    # Something is hidden, so the check has something to find; and the audit is not blind.
    assert hidden, "the demo period should hold small counts"
    given_away = [names[i] for i in determined(published, hidden)]
    assert given_away == []
    assert determined(published + [hidden[0]], hidden[:1]) == [0]


@pytest.mark.parametrize("period", PERIODS[1:3], ids=lambda p: f"{p[0]}..{p[1]}")
def test_no_hidden_count_of_people_per_unit_is_determined_by_the_printed_ones(demo_db, period, request):
    """Staff, trained, signed off, refreshers due and attendances: each unit's own briefing prints its
    own, the all-units one every unit's and the total."""
    everyone, singles = outputs(demo_db, period)
    for key, cells in everyone.people_table.items():
        units = sorted({u for u, _ in cells})
        # Staff of no unit are printed nowhere, but a reader may well know there are none: known.
        published, hidden, names = [np.array([float(u == NO_UNIT) for u in units])], [], []
        for data in (everyone, *singles):
            figures = people_figures(data, DEFAULT_K)[key]
            for name, cell in figures.items():
                if name is not None and data is not everyone:
                    continue  # a one-unit briefing prints its own figure only
                rows = (
                    units
                    if name is None and data is everyone
                    else [data.unit_ids[name]]
                    if name is not None
                    else list(data.unit_ids.values())
                )
                vec = np.array([float(u in rows) for u in units])
                if cell.suppressed and cell.value:
                    hidden.append(vec)
                    names.append(f"{key}: {name or ', '.join(data.scope.units) or 'all units'} = {cell.value}")
                elif not cell.suppressed:
                    published.append(vec)
        given_away = [names[i] for i in determined(published, hidden)]
        assert given_away == [], key
    if request.node.callspec.params["demo_db"] == "hospital":  # the trust's units are all large
        assert any(c.suppressed for f in people_figures(everyone, DEFAULT_K).values() for c in f.values()), (
            "the demo should hold a hidden count of people, or the check proves nothing"
        )
