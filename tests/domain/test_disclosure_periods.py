"""No hidden count can be worked back from the meeting outputs of different periods and tool sets together.

For the hospital and trust demos, every whole-month period a meeting could ask for within a window
(each month, every run of two and three months, the half year), the all-units briefing and every
one-unit briefing of each (``concern_figures``: totals, themes, barriers, units, and the previous
period's total), the default export's monthly counts (``concern_count_rows``) and the attendances
per unit (``people_figures``) are written as sums of atoms: concerns by unit, theme, ADKAR barrier and
month (attendances by unit and month).

What the printed figures determine is bounded month by month: every printed figure is a sum of
its parts in each month, so all of them together determine no more than the parts do, month by
month (the span of the figures lies inside the sum of the spans of their parts). A hidden figure
none of whose parts lies in its month's span is therefore determined by no set of these outputs.
Linear algebra checks that for every hidden figure, month by month, which is fast enough for a
trust's sixty units.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import numpy as np
import pytest

from champion_desk.domain.briefing_data import (
    BARRIERS,
    NOT_RECORDED,
    THEMES,
    collect,
    concern_figures,
    month_attendance_tables,
    month_concern_tables,
    people_figures,
    sum_tables,
)
from champion_desk.domain.demo import generate_demo
from champion_desk.domain.privacy import DEFAULT_K, month_scopes, previous_scope
from champion_desk.domain.scope import Scope
from champion_desk.exchange.export import concern_count_rows
from champion_desk.store.database import open_database
from tests.domain.disclosure import determined

END = dt.date(2026, 11, 30)
BARRIER_KEYS = (*BARRIERS, NOT_RECORDED)


def window(months: int) -> list[Scope]:
    """Return the last ``months`` calendar months up to END."""
    first = dt.date(END.year, END.month, 1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return month_scopes(Scope(first, END))


def periods(months: list[Scope], lengths: tuple[int, ...]) -> list[Scope]:
    """Return every run of consecutive months of each length: the periods a meeting could ask for."""
    return [Scope(months[i].date_from, months[i + n - 1].date_to) for n in lengths for i in range(len(months) - n + 1)]


@pytest.fixture(scope="module", params=["hospital", "trust"])
def demo(request, tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp(request.param) / "demo.db")
    generate_demo(db, request.param, seed=1, end=END)
    # The hospital over half a year, the trust (sixty units) over a quarter: every period of them.
    months = window(6 if request.param == "hospital" else 3)
    lengths = (1, 2, 3, 6) if request.param == "hospital" else (1, 3)
    yield request.param, db, months, periods(months, lengths)
    db.close()


class Audit:
    """Printed and hidden figures as sums of atoms, checked month by month.

    Atoms are the rows of ``coords`` (one array per coordinate, e.g. unit, theme, barrier, month); a
    figure is a 0/1 vector over them, kept as a boolean array (a trust's figures number thousands).
    """

    def __init__(self, **coords: list) -> None:
        self.coords = {k: np.array(v, dtype=object) for k, v in coords.items()}
        self.size = len(next(iter(coords.values())))
        self.published: dict[bytes, np.ndarray] = {}
        self.hidden: list[tuple[np.ndarray, str]] = []

    def vector(self, **within) -> np.ndarray:
        """Return the figure summing the atoms whose every named coordinate is one of the values given."""
        keep = np.ones(self.size, dtype=bool)
        for key, allowed in within.items():
            keep &= np.isin(self.coords[key], list(allowed))
        return keep

    def publish(self, vec: np.ndarray) -> None:
        self.published.setdefault(vec.tobytes(), vec)

    def add(self, vec: np.ndarray, cell, what: str) -> None:
        if cell.suppressed:
            if cell.value:
                self.hidden.append((vec, f"{what} = {cell.value}"))
        else:
            self.publish(vec)

    def given_away(self) -> list[str]:
        """Return the hidden figures whose part in every month the printed figures' parts determine.

        A figure's part in a month is its atoms of that month. Every printed figure is the sum of its
        parts, so the span of the printed figures lies inside the sum, month by month, of the spans of
        their parts: a hidden figure with a part outside its month's span is determined by none of them.
        """
        month = self.coords["month"]
        fixed: dict[object, set[int]] = {}
        for m in sorted(set(month)):
            cols = month == m
            rows = {v[cols].tobytes(): v[cols] for v in self.published.values() if v[cols].any()}
            parts = [(n, v[cols]) for n, (v, _) in enumerate(self.hidden) if v[cols].any()]
            found = determined([r.astype(float) for r in rows.values()], [p.astype(float) for _, p in parts])
            fixed[m] = {parts[i][0] for i in found}
        return [what for n, (vec, what) in enumerate(self.hidden) if all(n in fixed[m] for m in set(month[vec]))]


def concern_audit(units: list[str], months: list[dt.date]) -> Audit:
    atoms = list(itertools.product(months, units, THEMES, BARRIER_KEYS))
    return Audit(
        month=[a[0] for a in atoms],
        unit=[a[1] for a in atoms],
        theme=[a[2] for a in atoms],
        barrier=[a[3] for a in atoms],
    )


def test_no_hidden_concern_count_is_determined_by_the_outputs_of_every_period_and_the_export(demo):
    name, db, months, asked = demo
    tables = month_concern_tables(db, Scope(months[0].date_from, months[-1].date_to))
    by_month = dict(zip((m.date_from for m in months), tables))
    units = sorted({u for t in tables for u, _ in t["theme"]})
    audit = concern_audit(units, sorted(by_month))
    base = collect(db, Scope(months[0].date_from, months[-1].date_to), full=False)
    checked = 0
    for period in asked:
        inside = [m.date_from for m in month_scopes(period)]
        before = [m.date_from for m in month_scopes(previous_scope(period))]
        data = dataclasses.replace(
            base,
            scope=period,
            concern_months=[by_month[m] for m in inside],
            concern_table=sum_tables([by_month[m] for m in inside]),
            # The previous period's total is printed too, when its months are in the window.
            previous_concern_months=[by_month[m] for m in before] if set(before) <= set(by_month) else [],
            previous_concern_table={},
        )
        outputs = [data] + [
            dataclasses.replace(data, scope=dataclasses.replace(period, units=(u,)), unit_ids={u: uid})
            for u, uid in base.unit_ids.items()
        ]
        for out in outputs:
            rows = None if not out.scope.units else list(out.unit_ids.values())
            figures = concern_figures(out, DEFAULT_K)
            where = f"{period.date_from}..{period.date_to} {', '.join(out.scope.units) or 'all units'}"

            def vec(months_in, theme=None, barrier=None, unit_rows=rows):
                within = {"month": months_in}
                if unit_rows is not None:
                    within["unit"] = unit_rows
                if theme is not None:
                    within["theme"] = [theme]
                if barrier is not None:
                    within["barrier"] = [barrier]
                return audit.vector(**within)

            audit.add(vec(inside), figures.total, f"{where}: concerns raised")
            if figures.previous_total is not None:
                audit.add(vec(before), figures.previous_total, f"{where}: previous period's concerns")
            for theme, cell in figures.themes.items():
                audit.add(vec(inside, theme=theme), cell, f"{where}: {theme}")
            for barrier, cell in figures.barriers.items():
                audit.add(vec(inside, barrier=barrier, unit_rows=None), cell, f"{where}: barrier {barrier}")
            for unit, cell in figures.units.items():
                audit.add(vec(inside, unit_rows=[out.unit_ids[unit]]), cell, f"{where}: unit {unit}")
            checked += 1
    # The default export: each month's count per unit and theme, as printed there.
    names = {r["name"]: r["id"] for r in db.query("SELECT id, name FROM unit")}
    for unit, month, theme, shown in concern_count_rows(db, today=END + dt.timedelta(days=1)):
        start = dt.date.fromisoformat(f"{month}-01")
        if start in by_month:
            uid = names.get(unit, unit)
            vec = audit.vector(unit=[uid], theme=[theme], month=[start])
            if isinstance(shown, int):
                audit.publish(vec)
            else:
                audit.hidden.append((vec, f"export {unit} {month} {theme} = {shown}"))
    assert checked == len(asked) * (1 + len(base.unit_ids))
    assert audit.hidden, "the demo should hold small counts, or the check proves nothing"
    assert audit.given_away() == []
    # The audit is not blind: a hidden figure printed beside the rest is found.
    probe = concern_audit(units, sorted(by_month))
    probe.published, probe.hidden = dict(audit.published), audit.hidden[:1]
    probe.publish(audit.hidden[0][0])
    assert probe.given_away() == [audit.hidden[0][1]]


def test_a_longer_period_prints_a_count_only_when_every_month_of_it_prints_its_part(demo):
    """The rule itself, on the quarter and its months: the reason no difference of them isolates a month."""
    _, db, months, _ = demo
    quarter = Scope(months[-3].date_from, months[-1].date_to)
    base = collect(db, quarter, full=False)
    hidden_in_a_month = 0
    for unit, uid in [(None, None), *base.unit_ids.items()]:
        chosen = {} if unit is None else {"unit_ids": {unit: uid}}
        units = () if unit is None else (unit,)
        whole = concern_figures(
            dataclasses.replace(base, scope=dataclasses.replace(quarter, units=units), **chosen), DEFAULT_K
        )
        singles = [
            concern_figures(
                dataclasses.replace(base, scope=dataclasses.replace(m, units=units), concern_months=[t], **chosen),
                DEFAULT_K,
            )
            for m, t in zip(months[-3:], base.concern_months)
        ]
        for theme, cell in whole.themes.items():
            month_cells = [s.themes[theme] for s in singles]
            assert cell.value == sum(c.value for c in month_cells)
            if any(c.suppressed and c.value for c in month_cells):
                hidden_in_a_month += 1
                assert cell.suppressed, (unit, theme)
            else:
                assert not cell.suppressed, (unit, theme)  # a sum of printed months prints
    assert hidden_in_a_month, "some theme should be hidden in some month, or the rule is not exercised"


def test_outputs_for_some_tools_print_no_count_that_adds_up_over_tools(demo):
    """Tools {A, B} minus tool A is tool B: counts are printed for the whole tool set only."""
    _, db, months, _ = demo
    quarter = Scope(months[-3].date_from, months[-1].date_to)
    tools = [r["name"] for r in db.query("SELECT name FROM tool WHERE deleted_at IS NULL ORDER BY name")]
    everyone = collect(db, quarter)
    assert any(not c.suppressed for c in concern_figures(everyone, DEFAULT_K).themes.values())
    for chosen in (tools[:1], tools[:2]):
        data = collect(db, dataclasses.replace(quarter, tools=tuple(chosen)))
        figures = concern_figures(data, DEFAULT_K)
        cells = [figures.total, figures.previous_total, *figures.themes.values(), *figures.barriers.values()]
        assert all(c is None or c.suppressed or not c.value for c in cells if c is not None), chosen
        assert all(c.suppressed for c in cells if c is not None and c.value), chosen
        people = people_figures(data, DEFAULT_K)
        for key in ("attendances", "concerns_open", "pairings_active", "stalled_pairings", "refreshers_due"):
            assert all(c.suppressed for c in people[key].values() if c.value), key
        # Staff do not depend on the tools: still printed.
        assert not people["staff_active"][None].suppressed


def test_no_hidden_attendance_count_is_determined_by_the_outputs_of_every_period(demo):
    """Attendances per unit are counted over the period's dates: decided month by month, like concerns."""
    _, db, months, asked = demo
    tables = month_attendance_tables(db, Scope(months[0].date_from, months[-1].date_to))
    by_month = dict(zip((m.date_from for m in months), tables))
    units = sorted({u for t in tables for u, _ in t})
    atoms = list(itertools.product(sorted(by_month), units))
    audit = Audit(month=[a[0] for a in atoms], unit=[a[1] for a in atoms])
    base = collect(db, Scope(months[-1].date_from, months[-1].date_to))
    for period in asked:
        inside = [m.date_from for m in month_scopes(period)]
        data = dataclasses.replace(
            base,
            scope=period,
            attendance_months=[by_month[m] for m in inside],
            people_table={**base.people_table, "attendances": sum_tables([{"a": by_month[m]} for m in inside])["a"]},
            previous_people_table={},
        )
        cells = people_figures(data, DEFAULT_K)["attendances"]
        for unit, cell in cells.items():
            rows = list(data.unit_ids.values()) if unit is None else [data.unit_ids[unit]]
            if unit is None:
                rows = units  # the all-units figure: every unit, those of no unit too
            audit.add(
                audit.vector(unit=rows, month=inside),
                cell,
                f"{period.date_from}..{period.date_to} attendances {unit or 'all units'}",
            )
    assert audit.given_away() == []
    # The demos' units all train often (no month's attendances are few), so the audit is shown a
    # quarter printed beside two of its months, the third hidden: it finds it.
    first, second, third = (dt.date(2026, m, 1) for m in (9, 10, 11))
    probe = Audit(month=[first, second, third], unit=["u"] * 3)
    for published in ([first, second, third], [first], [second]):
        probe.publish(probe.vector(month=published))
    probe.hidden = [(probe.vector(month=[third]), "third month")]
    assert probe.given_away() == ["third month"]


def test_a_unit_with_one_hidden_month_still_prints_its_count_of_a_longer_period_as_a_range(demo):
    """Hiding a whole quarter for one small month left a manager nothing: the range its months allow prints."""
    _name, db, months, _asked = demo
    data = collect(db, Scope(months[0].date_from, months[-1].date_to), full=False)
    figures = concern_figures(data, DEFAULT_K)
    ranged = [c for c in figures.units.values() if c.bounds]
    assert ranged, "the demo should hold a unit with a hidden month"
    assert not [name for name, c in figures.units.items() if c.withheld]
    for cell in ranged:
        low, high = cell.bounds
        assert low <= cell.value and (high is None or cell.value <= high)
