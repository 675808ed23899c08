"""Small-count suppression and naming rules (docs/figures.md: "What meeting outputs hide")."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from champion_desk.domain.privacy import HIDDEN_SHARE, NameRedactor, Suppressor, may_name


def test_counts_one_to_k_minus_one_print_as_fewer_than_k():
    sup = Suppressor(5)
    assert [sup.count(n).text for n in (0, 1, 4, 5, 1234)] == ["0", "fewer than 5", "fewer than 5", "5", "1,234"]
    assert sup.count(None).text == "–"
    assert Suppressor(10).count(9).text == "fewer than 10"


def test_k_below_three_is_refused():
    # Zero prints as 0, so with k = 2 "fewer than 2" could only be 1: it would hide nothing.
    for k in (1, 2):
        with pytest.raises(ValueError):
            Suppressor(k)


def test_a_single_hidden_cell_beside_a_total_hides_a_second_cell():
    cells, total = Suppressor(5).counts_with_total({"Ward 7": 3, "Ward 9": 12, "Ward 11": 40})
    assert cells["Ward 7"].text == "fewer than 5"
    assert cells["Ward 9"].suppressed and cells["Ward 9"].text == "not shown"  # the smallest other non-zero cell
    assert not cells["Ward 11"].suppressed and total.text == "55"


def test_with_no_other_cell_to_hide_the_total_is_hidden():
    cells, total = Suppressor(5).counts_with_total({"Ward 7": 3, "Ward 9": 0})
    assert cells["Ward 7"].suppressed and total.suppressed
    assert cells["Ward 9"].text == "0"


def test_zero_is_never_chosen_as_the_complementary_cell():
    cells, _ = Suppressor(5).counts_with_total({"a": 2, "b": 0, "c": 9, "d": 30})
    assert not cells["b"].suppressed and cells["c"].suppressed


def _possible_values(sup, counts, cells, total) -> dict[str, set[int]]:
    """Brute force what a reader can deduce: every assignment of the hidden cells that fits the rules."""
    hidden = [k for k, c in cells.items() if c.suppressed]
    remainder = total - sum(counts[k] for k in counts if k not in hidden)
    domains = [range(1, sup.k) if cells[k].small else range(sup.k, remainder + 1) for k in hidden]
    seen: dict[str, set[int]] = {k: set() for k in hidden}
    for combo in itertools.product(*domains):
        if sum(combo) == remainder:
            for k, v in zip(hidden, combo):
                seen[k].add(v)
    return seen


@pytest.mark.parametrize("values", list(itertools.product([0, 1, 2, 4, 5, 6, 9], repeat=3)))
def test_no_hidden_small_count_can_be_worked_back_from_the_printed_total(values):
    sup = Suppressor(5)
    counts = dict(zip("abc", values))
    cells, total = sup.counts_with_total(counts)
    for k, n in counts.items():
        if sup.is_small(n):
            assert cells[k].suppressed and cells[k].text == "fewer than 5"
        elif cells[k].suppressed:
            assert cells[k].text == "not shown"  # honest: a shielding cell is not small
    if total.suppressed:
        return
    possible = _possible_values(sup, counts, cells, total.value)
    for k, n in counts.items():
        if sup.is_small(n):
            assert n in possible[k] and len(possible[k]) >= 2, (counts, k, possible[k])


def test_two_ones_beside_a_total_are_shielded():
    # 1 + 1 = 2 would give both away: each must be 1.
    cells, total = Suppressor(5).counts_with_total({"a": 1, "b": 1, "c": 20})
    assert cells["c"].suppressed and cells["c"].text == "not shown" and total.text == "22"


def test_a_share_is_hidden_when_numerator_denominator_or_remainder_is_small():
    sup = Suppressor(5)
    assert sup.share(15, 20).text == "75%"
    assert sup.share(3, 20).text == HIDDEN_SHARE  # 15% of 20 gives 3 away
    assert sup.share(18, 20).text == HIDDEN_SHARE  # 2 untrained people
    assert sup.share(2, 3).text == HIDDEN_SHARE
    assert sup.share(0, 20).text == "0%"
    assert sup.share(None, 0).text == "–"


def test_a_change_is_printed_only_between_two_printable_counts():
    sup = Suppressor(5)
    assert sup.change(12, 9) == "+3"
    assert sup.change(9, 12) == "−3"
    assert sup.change(9, 9) == "no change"
    assert sup.change(12, 3) is None  # would give the previous 3 away
    assert sup.change(3, 12) is None
    assert sup.change(12, None) is None


def test_chart_series_drop_small_values():
    assert Suppressor(5).series([0, 2, 7, None, 4]) == [0, None, 7, None, None]


def test_bar_marks_hide_small_bars_and_a_shield_beside_the_printed_total():
    shown, marks = Suppressor(5).marks([3, 9, 20, 0], total=32)
    assert shown == [None, None, 20, 0]
    assert marks == ["<5", "–", None, None]


def test_only_themes_never_small_in_any_bar_are_drawn():
    rows = [{"a": 6, "b": 2, "c": 0}, {"a": 7, "b": 9, "c": 5}]
    assert Suppressor(5).drawable(rows, ["a", "b", "c"]) == ["a", "c"]
    assert Suppressor(5).drawable(rows, ["a", "b", "c"], hidden=["c"]) == ["a"]


def test_only_live_champions_may_be_named():
    assert may_name({"is_champion": 1, "deleted_at": None})
    assert not may_name({"is_champion": 0})
    assert not may_name({"is_champion": 1, "deleted_at": "2026-01-01T00:00:00Z"})


def test_redactor_hides_full_and_partial_names_but_keeps_champions_and_place_words():
    redact = NameRedactor(["Bartholomew Quigley", "Jo Ward"], named=["Zoë Adams"], not_names=["Oak", "Ward"])
    text = "Bartholomew Quigley and Quigley spoke to Zoë Adams and Jo Ward on Oak Ward."
    assert redact(text) == "a colleague and a colleague spoke to Zoë Adams and a colleague on Oak Ward."
    assert redact("Quigleyville") == "Quigleyville"  # whole words only
    assert redact(None) == ""


def test_redactor_keeps_a_champion_who_shares_a_first_name_with_a_colleague():
    redact = NameRedactor(["Mai Tran"], named=["Nguyễn Thị Mai"])
    assert redact("Nguyễn Thị Mai met Mai Tran") == "Nguyễn Thị Mai met a colleague"


def test_redactor_handles_apostrophes_hyphens_and_punctuation():
    redact = NameRedactor(["Seán O'Brien-Kelly"])
    assert redact("Thanks to Seán O'Brien-Kelly, and O'Brien.") == "Thanks to a colleague, and a colleague."
    assert redact("Seán, Kelly") == "a colleague, a colleague"


def test_the_bar_hidden_beside_a_small_one_is_the_smallest_other_not_a_large_one():
    # A 4-session stub beside a year of months: the shield is the smallest month (71), the rest print.
    shown, marks = Suppressor(5).marks([4, 74, 71, 86, 0, 90], total=325)
    assert marks == ["<5", None, "–", None, None, None]
    assert shown == [None, 74, None, 86, 0, 90]


def test_redactor_matches_any_case_accent_form_and_spacing():
    import unicodedata

    redact = NameRedactor(["Seán Ó Súilleabháin"], places=["Cedar Ward"])
    assert redact("Met seán ó súilleabháin") == "Met a colleague"
    assert (
        redact(unicodedata.normalize("NFD", "SEÁN  Ó\nSÚILLEABHÁIN helped on Cedar Ward"))
        == "a colleague helped on Cedar Ward"
    )


def test_name_redactor_of_a_database_hides_earlier_names_and_numbers_and_spares_places(db, ward):
    from champion_desk.domain.privacy import name_redactor
    from champion_desk.store import records

    records.insert(db, "unit", {"name": "Cedar Ward"}, "t")
    gone = records.insert(db, "staff", {"display_name": "Stacey Ward", "staff_ref": "E77"}, "t")
    records.delete(db, "staff", gone, "t")  # a colleague who left is still not named
    records.update(db, "staff", ward["b"], {"display_name": "Siobhán Kelly"}, "t")
    redact = name_redactor(db)
    text = "Zoë Adams, stacey ward (e77) and Siobhán Ó Briain met on Cedar Ward"
    assert redact(text) == "Zoë Adams, a colleague (a colleague) and a colleague met on Cedar Ward"


def test_activities_print_as_they_are_and_people_and_unknown_figures_are_hidden():
    sup = Suppressor(5)
    for key in ("sessions", "minutes", "checkins", "stories", "stages"):
        assert sup.figure(key, 3).text == "3" and not sup.figure(key, 3).suppressed
    for key in ("attendances", "concerns_raised", "signed_off_staff", "respondents", "a_new_figure"):
        assert sup.figure(key, 3).text == "fewer than 5"
    assert sup.figure("sessions", None).text == "–"


def test_bars_of_an_activity_are_all_drawn_and_bars_of_people_are_not():
    sup = Suppressor(5)
    assert sup.marks([1, 2, 30], 33, "sessions") == ([1, 2, 30], [None, None, None])
    shown, marks = sup.marks([1, 2, 30], 33, "attendances")
    assert shown[:2] == [None, None] and marks[:2] == ["<5", "<5"]


# --- whole periods ---------------------------------------------------------------------------------

from hypothesis import given
from hypothesis import strategies as st

from champion_desk.domain.privacy import is_whole_months, meeting_scope, previous_scope
from champion_desk.domain.scope import Scope


def test_a_meeting_covers_the_whole_months_ended_by_its_last_day():
    assert meeting_scope(Scope(dt.date(2026, 9, 8), dt.date(2026, 12, 7))) == Scope(
        dt.date(2026, 9, 1), dt.date(2026, 11, 30)
    )
    assert meeting_scope(Scope(dt.date(2026, 9, 1), dt.date(2026, 11, 30))) == Scope(
        dt.date(2026, 9, 1), dt.date(2026, 11, 30)
    )
    assert meeting_scope(Scope(dt.date(2026, 11, 20), dt.date(2026, 11, 29))) == Scope(
        dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    )
    year = meeting_scope(Scope(dt.date(2025, 12, 8), dt.date(2026, 12, 7), units=("Ward 9",)))
    assert (year.date_from, year.date_to, year.units) == (dt.date(2025, 12, 1), dt.date(2026, 11, 30), ("Ward 9",))


def test_the_previous_period_is_as_many_whole_months_before():
    assert previous_scope(Scope(dt.date(2026, 9, 1), dt.date(2026, 11, 30))) == Scope(
        dt.date(2026, 6, 1), dt.date(2026, 8, 31)
    )
    assert previous_scope(Scope(dt.date(2026, 1, 1), dt.date(2026, 1, 31))) == Scope(
        dt.date(2025, 12, 1), dt.date(2025, 12, 31)
    )


@given(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)), st.integers(0, 800))
def test_any_period_becomes_whole_months_ended_by_its_last_day(end, days):
    asked = Scope(end - dt.timedelta(days=days), end)
    got = meeting_scope(asked)
    assert is_whole_months(got) and got.date_to <= end and (end - got.date_to).days < 31
    assert abs(got.days - asked.days) <= 31 + 16  # about as long as asked: rounded to whole months
    before = previous_scope(got)
    assert is_whole_months(before) and before.date_to + dt.timedelta(days=1) == got.date_from
    assert abs(before.days - got.days) <= 3 * max(1, round(got.days / 30.44))  # months differ by up to 3 days


# --- protection across outputs ---------------------------------------------------------------------

import numpy as np

from champion_desk.domain.briefing_data import ALL_UNITS
from champion_desk.domain.privacy import MARGIN, Protection
from tests.domain.disclosure import determined


def _audit(atoms: dict[tuple[str, str, str], int], k: int = 5) -> tuple[Protection, list[str]]:
    """Protect the unit × theme and unit × barrier tables of ``atoms``; return what the sums give away."""
    # A reader knows the units, themes and barriers, not which combinations occur: every one is an unknown.
    keys = list(itertools.product(*(sorted({key[i] for key in atoms}) for i in range(3))))
    units = sorted({u for u, _, _ in keys})
    tables = {"theme": {}, "barrier": {}}
    for (u, t, b), n in atoms.items():
        tables["theme"][(u, t)] = tables["theme"].get((u, t), 0) + n
        tables["barrier"][(ALL_UNITS, b)] = tables["barrier"].get((ALL_UNITS, b), 0) + n
    plan = Protection(tables, k)

    def vector(table: str, entry: tuple[str, str]) -> np.ndarray:
        axis = 1 if table == "theme" else 2
        return np.array(
            [float((entry[0] in (MARGIN, ALL_UNITS, key[0])) and (entry[1] in (MARGIN, key[axis]))) for key in keys]
        )

    published, hidden, names = [], [], []
    for table, entries in plan.entries.items():
        for entry, n in entries.items():
            if entry in plan.hidden[table] and n:
                hidden.append(vector(table, entry))
                names.append(f"{table} {entry} = {n}")
            elif entry not in plan.hidden[table]:
                published.append(vector(table, entry))
    assert units
    return plan, [names[i] for i in determined(published, hidden)]


def test_the_issue_s_example_a_small_unit_and_its_shield_stay_hidden_whatever_the_one_unit_briefings_print():
    # Children's Ward 4, Stroke Unit 6, others 398 in all: the total and the others once gave 4 away.
    atoms = {
        ("children", "job security", "desire"): 4,
        ("stroke", "job security", "desire"): 6,
        ("cedar", "job security", "desire"): 200,
        ("rowan", "workload and time", "ability"): 198,
    }
    plan, given_away = _audit(atoms)
    assert given_away == []
    assert plan.cell("theme", ["children"]).text == "fewer than 5"
    assert plan.cell("theme", ["stroke"]).suppressed or plan.cell("theme", None).suppressed


@given(
    st.dictionaries(
        st.tuples(st.sampled_from("abcd"), st.sampled_from("xyz"), st.sampled_from("pq")),
        st.sampled_from([0, 1, 2, 3, 4, 5, 6, 9, 20]),
        min_size=1,
        max_size=24,
    )
)
def test_no_hidden_entry_of_linked_tables_is_fixed_by_the_published_ones(atoms):
    plan, given_away = _audit(atoms)
    assert given_away == [], given_away
    for table, entries in plan.entries.items():
        for entry, n in entries.items():
            if 0 < n < 5:
                assert entry in plan.hidden[table]


def test_the_audit_finds_a_cell_given_away_by_a_total():
    """The audit itself can fail: a lone hidden cell beside its printed totals is found."""
    vectors = [np.array([1.0, 0.0]), np.array([1.0, 1.0])]  # cell b printed; a + b printed
    assert determined(vectors, [np.array([0.0, 1.0]), np.array([1.0, 0.0])]) == [0, 1]
    assert determined(vectors[1:], [np.array([1.0, 0.0])]) == []


# --- figures of several months ---------------------------------------------------------------------

from champion_desk.domain.privacy import PeriodProtection


def _values_a_month_allows(cell, k: int, cap: int) -> range:
    """Return the values a reader allows a month's figure from its printed text alone."""
    if cell.text == f"fewer than {k}":
        return range(1, k)
    if cell.text == HIDDEN_SHARE:
        return range(k, cap + 1)  # a small one would print "fewer than k"; zero prints as 0
    return range(int(cell.text.replace(",", "")), int(cell.text.replace(",", "")) + 1)


month_tables = st.lists(
    st.dictionaries(
        st.tuples(st.sampled_from("abc"), st.sampled_from("xy")),
        st.sampled_from([0, 1, 2, 4, 5, 7, 30]),
        min_size=1,
        max_size=6,
    ),
    min_size=2,
    max_size=4,
)


@given(month_tables, st.sampled_from([None, ["a"], ["b"], ["a", "b"]]), st.sampled_from(["*", "x", "y"]))
def test_a_figure_of_several_months_prints_exactly_what_its_months_printed_figures_allow(months, rows, col):
    k, cap = 5, 10_000
    plans = [Protection({"theme": cells}, k) for cells in months]
    period = PeriodProtection([{"theme": m} for m in months], k, plans)
    cell = period.cell("theme", rows, col)
    allowed = [_values_a_month_allows(plan.cell("theme", rows, col), k, cap) for plan in plans]
    low, high = sum(a.start for a in allowed), sum(a.stop - 1 for a in allowed)
    months_printed = [plan.cell("theme", rows, col) for plan in plans]
    nothing_but_withheld = all(c.text == HIDDEN_SHARE for c in months_printed if c.text != "0")
    # A figure prints its number, a range or "fewer than k"; "not shown" only where every month did.
    assert cell.withheld == (nothing_but_withheld and cell.suppressed and not cell.small)
    if cell.small or cell.withheld:
        return
    if not cell.suppressed:
        assert (low, high) == (cell.value, cell.value)
        return
    # The range is no narrower than the months' own outputs allow (and that the figure itself is not
    # "fewer than k"), and holds the true figure.
    low = max(low, k)
    assert cell.bounds == (low, None if high >= cap else high)
    assert low <= cell.value <= high
    assert cell.text == (f"{low} or more" if high >= cap else f"{low}–{high}")
