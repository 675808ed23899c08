"""Privacy rules for anything printed: small-count suppression and who may be named.

Concerns are raised in confidence, so the briefing must not let a reader single anyone out:

* **What is protected.** Only counts of people or of what people said (``PEOPLE_FIGURES``: concerns,
  their themes, barriers and outcomes, attendees, sign-offs, confidence scores, pulse respondents,
  mentees) are suppressed. Counts of activities (``ACTIVITY_FIGURES``: sessions held, minutes of
  training, check-ins held, stories, roadmap stages) identify nobody and print as they are: a ward
  that held 3 sessions says so.
* **Primary suppression.** Every count from 1 to k-1 (k = 5 by default) prints as "fewer than k".
  Zero is printed: it identifies nobody and an honest zero matters ("no concerns this month").
* **Secondary (complementary) suppression.** When a row of counts is printed beside its total, a
  hidden cell could be worked back by subtraction, so further cells (the smallest other non-zero
  ones) are hidden too, until no hidden small count is the only value the total and the printed
  cells allow; with no cell left to hide, the total is hidden. Such a cell is not small, so it
  honestly prints "not shown", never "fewer than k".
* **Proportions.** A percentage gives its numerator away when its denominator is known, so it is
  hidden when the numerator, the denominator or the remainder (denominator - numerator) is small.
* **Changes.** "+3 against the previous period" gives the previous count away, so a change is
  only printed when neither count is small.
* **Names.** Only champions may be named (they are the contacts staff are told to ask); who raised
  a concern, concern descriptions and owners are never printed; other staff names found in free
  text that is printed (responses) are replaced by "a colleague", in any case, spacing or accent
  form (``champion_desk.names``), while unit and tool names ("Cedar Ward") stay as written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from champion_desk.names import NameMatcher

if TYPE_CHECKING:
    from champion_desk.store.database import Database

from champion_desk.domain.scope import Scope

DEFAULT_K = 5
MIN_K = 3  # "fewer than 2" could only mean 1: k = 2 would hide nothing
REDACTED_NAME = "a colleague"
HIDDEN_SHARE = "not shown"

# Figures that count people, or what people said: small values are hidden (docs/figures.md).
PEOPLE_FIGURES = frozenset(
    {
        "staff_active",
        "training_coverage",
        "signed_off_staff",
        "attendances",
        "confidence_uplift",
        "concerns_raised",
        "concerns_by_theme",
        "concerns_open",
        "concerns_by_unit",
        "barriers",
        "median_days_to_resolution",
        "response_rate",
        "pairings_active",
        "stalled_pairings",
        "refreshers_due",
        "respondents",
        "unanswered",
    }
)
# Figures that count activities: nobody can be singled out by them, so they are never hidden.
# Champions are named on every briefing, so their number hides nothing either.
ACTIVITY_FIGURES = frozenset({"sessions", "minutes", "checkins", "stories", "stages", "champions_active"})


@dataclass(frozen=True)
class Cell:
    """One printable figure: its true value (None when unknown), whether it is hidden, and its text.

    ``small`` tells a hidden small count ("fewer than k") from a cell hidden only to protect one.
    """

    value: float | int | None
    suppressed: bool
    text: str
    small: bool = False
    # A hidden figure printed as the range its parts' printed figures allow ("43–46"): (low, high or None).
    bounds: tuple[int, int | None] | None = None

    @property
    def withheld(self) -> bool:
        """Return True when nothing of the figure is printed: hidden, neither small nor a range."""
        return self.suppressed and not self.small and self.bounds is None


class Suppressor:
    """Apply the small-count rules for one threshold ``k`` (counts 1..k-1 are hidden)."""

    def __init__(self, k: int = DEFAULT_K) -> None:
        if int(k) < MIN_K:
            # k = 1 or 2 would hide nothing; refuse rather than print a briefing that only looks safe.
            raise ValueError(f"suppression threshold must be at least {MIN_K}, got {k}")
        self.k = int(k)

    @property
    def wording(self) -> str:
        """Return the words printed in place of a hidden count, e.g. "fewer than 5"."""
        return f"fewer than {self.k}"

    def is_small(self, n: int | None) -> bool:
        """Return True for a count that must not be printed (1..k-1)."""
        return n is not None and 0 < n < self.k

    @staticmethod
    def protects(key: str) -> bool:
        """Return True when figure ``key`` counts people or what they said (small values are hidden).

        An unknown key is protected: a new figure is hidden until it is classed as an activity.
        """
        return key not in ACTIVITY_FIGURES

    def figure(self, key: str, n: int | None, blank: str = "–") -> Cell:
        """Return the printable cell of figure ``key``: an activity prints as it is, people as :meth:`count`."""
        if n is not None and not self.protects(key):
            return Cell(n, False, f"{int(n):,}")
        return self.count(n, blank)

    def count(self, n: int | None, blank: str = "–") -> Cell:
        """Return the printable cell of one count (``blank`` when there is no figure)."""
        if n is None:
            return Cell(None, False, blank)
        if self.is_small(n):
            return Cell(n, True, self.wording, small=True)
        return Cell(n, False, f"{int(n):,}")

    def counts_with_total(self, counts: Mapping[str, int], total: int | None = None) -> tuple[dict[str, Cell], Cell]:
        """Return the cells of a row of counts and of its printed total, secondary suppression applied.

        ``total`` defaults to the sum of ``counts``. While a reader could still pin down a hidden
        small count from the total, the printed cells and the rules (a small count is 1..k-1, a
        cell hidden beside it is at least k), the smallest other non-zero cell is hidden too; with
        none left, the total is hidden.
        """
        total = sum(counts.values()) if total is None else total
        small = {key for key, n in counts.items() if self.is_small(n)}
        shield: set[str] = set()
        total_hidden = self.is_small(total)
        while not total_hidden and self._pinned(counts, small, shield, total):
            candidates = sorted((n, key) for key, n in counts.items() if n and key not in small | shield)
            if candidates:
                shield.add(candidates[0][1])
            else:
                total_hidden = True
        cells = {
            key: (
                Cell(n, True, self.wording, small=True)
                if key in small
                else Cell(n, True, HIDDEN_SHARE)
                if key in shield
                else self.count(n)
            )
            for key, n in counts.items()
        }
        total_cell = Cell(total, True, self.wording, small=True) if total_hidden else self.count(total)
        return cells, total_cell

    def _pinned(self, counts: Mapping[str, int], small: set[str], shield: set[str], total: int) -> bool:
        """Return True when the printed figures leave a hidden small count only one possible value.

        The reader knows the hidden cells sum to the total minus the printed ones, that each
        small one lies in 1..k-1 and each shielding one is at least k (no upper bound).
        """
        if not small:
            return False
        remainder = total - sum(n for key, n in counts.items() if key not in small and key not in shield)
        others_min = (len(small) - 1) + len(shield) * self.k
        others_max = float("inf") if shield else (len(small) - 1) * (self.k - 1)
        low = max(1, remainder - others_max)
        high = min(self.k - 1, remainder - others_min)
        return low >= high

    def parts_to_hide(self, parts: Mapping[str, int], total: int, hidden: Iterable[str] = ()) -> set[str]:
        """Return the keys of ``parts`` to hide, when they are some of the parts of a ``total`` printed elsewhere.

        The other parts (``total`` minus these) are not printed here: the reader does not know them,
        except that a rest of 0 may be known (every part listed), so that case is assumed. Small parts
        are hidden, and while one could still be pinned down, the smallest other non-zero part is
        hidden too (it then honestly prints "not shown"). ``hidden`` are parts already hidden for
        another reason (e.g. by another total they belong to).
        """
        rest_key = "\0rest"
        counts = {**parts, rest_key: max(0, total - sum(parts.values()))}
        small = {key for key, n in counts.items() if self.is_small(n)}
        shield = {key for key in hidden if key in parts and key not in small}
        if counts[rest_key] >= self.k:
            shield.add(rest_key)  # unknown to the reader, at least k

        def lone_hidden() -> bool:
            # With nothing else left of the total, a single hidden part is the total minus the
            # printed ones, whatever it is hidden for.
            return counts[rest_key] == 0 and sum(1 for key in small | shield if counts[key]) == 1

        while self._pinned(counts, small, shield, total) or lone_hidden():
            candidates = sorted((n, key) for key, n in counts.items() if n and key not in small | shield)
            if not candidates:
                return {key for key, n in parts.items() if n}
            shield.add(candidates[0][1])
        return (small | shield) - {rest_key}

    def table(self, rows: Sequence[Mapping[str, int]], total: int | None = None) -> tuple[list[Cell], Cell]:
        """Like :meth:`counts_with_total` for a list of counts (e.g. one per unit, in order)."""
        keyed = {str(n): int(v or 0) for n, v in enumerate(rows)}
        cells, total_cell = self.counts_with_total(keyed, total)
        return [cells[str(n)] for n in range(len(rows))], total_cell

    def share(self, part: int | None, whole: int | None, digits: int = 0) -> Cell:
        """Return a percentage cell for part/whole, hidden when any of part, whole, whole-part is small."""
        if not whole or part is None:
            return Cell(None, False, "–")
        if self.is_small(whole) or self.is_small(part) or self.is_small(whole - part):
            return Cell(part / whole, True, HIDDEN_SHARE)
        return Cell(part / whole, False, f"{100 * part / whole:.{digits}f}%")

    def change(self, current: int | float | None, previous: int | float | None, *, is_count: bool = True) -> str | None:
        """Return the signed change to print (e.g. "+3", "−2", "no change"), or None when it must not show.

        Counts compare only when neither is small; ``is_count=False`` (ratios, shares already
        checked by the caller) compares whenever both exist.
        """
        if current is None or previous is None:
            return None
        if is_count and (self.is_small(int(current)) or self.is_small(int(previous))):
            return None
        delta = current - previous
        if abs(delta) < 1e-9:
            return "no change"
        sign = "+" if delta > 0 else "−"
        if isinstance(delta, float) and not float(delta).is_integer():
            return f"{sign}{abs(delta):.1f}"
        return f"{sign}{abs(int(delta)):,}"

    def series(self, values: Iterable[int | None]) -> list[int | None]:
        """Return a chart series with every small value replaced by None (the chart leaves a gap)."""
        return [None if self.is_small(v) else v for v in values]

    def marks(
        self, values: Sequence[int | None], total: int | None, key: str | None = None
    ) -> tuple[list[int | None], list[str | None]]:
        """Return a bar series safe beside its printed ``total``, and the mark for each hidden bar.

        A bar's height is a count like any other: small ones are hidden (mark "<k"), and since the
        bars add up to the total printed elsewhere, shielding bars are hidden too (mark "–").
        Bars of an activity figure ``key`` (sessions held, check-ins) are all drawn.
        """
        if key is not None and not self.protects(key):
            return list(values), [None] * len(values)
        raw = [int(v or 0) for v in values]
        cells, _ = self.table(raw, total if total is not None else sum(raw))
        shown = [None if c.suppressed else v for c, v in zip(cells, values)]
        return shown, [(f"<{self.k}" if c.small else "–") if c.suppressed else None for c in cells]

    def drawable(self, rows: Sequence[Mapping[str, int]], keys: Sequence[str], hidden: Iterable[str] = ()) -> list[str]:
        """Return the keys whose every value across ``rows`` is 0 or at least k (and not in ``hidden``).

        A stacked chart draws only these, whole: a key drawn in some bars but not others would let
        its hidden values be worked back from its total, and a combined "hidden" segment would
        let them be worked back from the bar's height, so the others are left out altogether.
        """
        skip = set(hidden)
        return [
            key for key in keys if key not in skip and not any(self.is_small(int(row.get(key) or 0)) for row in rows)
        ]


# --- protection across outputs ----------------------------------------------------------------------

MARGIN = "*"
Entry = tuple[str, str]


def _bridges(hidden: Iterable[Entry]) -> list[Entry]:
    """Return the hidden entries that are bridges of the graph rows–columns they form, in sorted order.

    An entry of a table whose every row and column sum is published (margins included, as entries
    of the margin row and column) can be worked out exactly when, and only when, no cycle of hidden
    entries runs through it: the solutions of the sums differ along cycles (+1, −1, +1, −1…).
    """
    adjacency: dict[tuple[str, str], list[tuple[tuple[str, str], Entry]]] = {}
    for entry in sorted(hidden):
        r, c = ("r", entry[0]), ("c", entry[1])
        adjacency.setdefault(r, []).append((c, entry))
        adjacency.setdefault(c, []).append((r, entry))
    order: dict[tuple[str, str], int] = {}
    low: dict[tuple[str, str], int] = {}
    out: list[Entry] = []
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack = [(root, None, iter(adjacency[root]))]
        while stack:
            node, via, edges = stack[-1]
            for nxt, entry in edges:
                if entry == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = len(order)
                    stack.append((nxt, entry, iter(adjacency[nxt])))
                    break
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        out.append(via)  # type: ignore[arg-type]
    return sorted(out)


def _component(hidden: set[Entry], start: tuple[str, str]) -> tuple[set[str], set[str]]:
    """Return the rows and columns joined to ``start`` by hidden entries."""
    rows: set[str] = set()
    cols: set[str] = set()
    todo = [start]
    while todo:
        kind, name = todo.pop()
        seen = rows if kind == "r" else cols
        if name in seen:
            continue
        seen.add(name)
        for r, c in hidden:
            if kind == "r" and r == name and c not in cols:
                todo.append(("c", c))
            elif kind == "c" and c == name and r not in rows:
                todo.append(("r", r))
    return rows, cols


class Protection:
    """Decide which entries of linked count tables no meeting output may print, consistently across outputs.

    Each table counts the same concerns by unit (rows) and by one other dimension (columns: theme,
    ADKAR barrier…). Together the outputs of one period print every entry and every margin: each
    unit's own briefing its row, the all-units briefing the column totals, the unit totals and the
    grand total. So suppression is decided once, on the whole table, and every output reads it:

    * primary: entries (and margins) from 1 to k-1;
    * complementary: while a hidden entry is a bridge (no cycle of hidden entries through it, so
      the published sums give it exactly), the cheapest entries that close a cycle through it are
      hidden too (inner entries before unit and theme totals, those before the grand total, small
      counts before large ones); a margin so hidden is a total not printed;
    * and in every row and column whose total is printed, the interval rule of
      :meth:`Suppressor.counts_with_total` (small entries lie in 1..k-1).

    Linked tables share the unit totals and the grand total: one hidden in one table is hidden in all.
    """

    def __init__(
        self,
        tables: Mapping[str, Mapping[Entry, int]],
        k: int = DEFAULT_K,
        also_hidden: Callable[[str, Entry, int], bool] | None = None,
    ) -> None:
        """``also_hidden(table, entry, value)`` marks further entries hidden from the start (e.g. the
        trained people of a unit whose untrained ones are few)."""
        self.sup = Suppressor(k)
        self.entries: dict[str, dict[Entry, int]] = {name: self._with_margins(cells) for name, cells in tables.items()}
        shared: set[Entry] = set()
        self.hidden: dict[str, set[Entry]] = {}
        first = {
            name: {e for e, n in entries.items() if also_hidden and also_hidden(name, e, n)}
            for name, entries in self.entries.items()
        }
        while True:
            for name, entries in self.entries.items():
                self.hidden[name] = self._protect(entries, first[name] | {e for e in shared if e in entries})
            now = {e for hidden in self.hidden.values() for e in hidden if e[1] == MARGIN}
            if now <= shared:
                break
            shared |= now

    @staticmethod
    def _with_margins(cells: Mapping[Entry, int]) -> dict[Entry, int]:
        rows = sorted({r for r, _ in cells})
        cols = sorted({c for _, c in cells})
        out = {(r, c): int(cells.get((r, c), 0)) for r in rows for c in cols}
        for r in rows:
            out[(r, MARGIN)] = sum(out[(r, c)] for c in cols)
        for c in cols:
            out[(MARGIN, c)] = sum(out[(r, c)] for r in rows)
        out[(MARGIN, MARGIN)] = sum(out[(r, MARGIN)] for r in rows)
        return out

    def _protect(self, entries: dict[Entry, int], hidden: set[Entry]) -> set[Entry]:
        hidden = set(hidden) | {e for e, n in entries.items() if self.sup.is_small(n)}
        while True:
            bridges = [b for b in _bridges(hidden) if entries[b]]  # a hidden zero gives nothing away
            if bridges:
                more = self._partner(entries, hidden, bridges[0])
            else:
                line = self._pinned_line(entries, hidden)
                more = [line] if line else []
            if not more:
                return hidden
            hidden.update(more)

    @staticmethod
    def _cost(entries: dict[Entry, int], entry: Entry) -> float:
        """Return what hiding ``entry`` costs readers: an inner entry least, a unit or column total more,
        the grand total most (it is the first figure a meeting looks at); a zero is hidden only when
        nothing else will do, and among equals the smaller count goes first."""
        if not entries[entry]:
            return 1000.0
        weight = 10.0 if entry == (MARGIN, MARGIN) else 2.0 if MARGIN in entry else 1.0
        return weight + entries[entry] / (1.0 + max(entries.values()))

    def _partner(self, entries: dict[Entry, int], hidden: set[Entry], bridge: Entry) -> list[Entry]:
        """Return the cheapest entries to hide so that a cycle of hidden entries runs through ``bridge``.

        A shortest path (Dijkstra) from the bridge's row to its column over every other entry,
        hidden ones free, closes the cycle.
        """
        import heapq

        start, goal = ("r", bridge[0]), ("c", bridge[1])
        adjacency: dict[tuple[str, str], list[tuple[tuple[str, str], Entry]]] = {}
        for entry in entries:
            if entry == bridge:
                continue
            r, c = ("r", entry[0]), ("c", entry[1])
            adjacency.setdefault(r, []).append((c, entry))
            adjacency.setdefault(c, []).append((r, entry))
        best: dict[tuple[str, str], float] = {start: 0.0}
        came: dict[tuple[str, str], tuple[tuple[str, str], Entry]] = {}
        queue: list[tuple[float, tuple[str, str]]] = [(0.0, start)]
        while queue:
            cost, node = heapq.heappop(queue)
            if node == goal:
                break
            if cost > best.get(node, float("inf")):
                continue
            for nxt, entry in adjacency.get(node, ()):
                step = 0.0 if entry in hidden else self._cost(entries, entry)
                if cost + step < best.get(nxt, float("inf")):
                    best[nxt] = cost + step
                    came[nxt] = (node, entry)
                    heapq.heappush(queue, (cost + step, nxt))
        if goal not in came:
            return []
        path: list[Entry] = []
        node = goal
        while node != start:
            node, entry = came[node]
            if entry not in hidden:
                path.append(entry)
        return path

    def _pinned_line(self, entries: dict[Entry, int], hidden: set[Entry]) -> Entry | None:
        """Return an entry to hide in a row or column whose printed total still pins a small entry."""
        lines: dict[tuple[int, str], list[Entry]] = {}
        for e in entries:
            if e[0] != MARGIN or e[1] != MARGIN:
                if e[1] != MARGIN:
                    lines.setdefault((0, e[0]), []).append(e)
                if e[0] != MARGIN:
                    lines.setdefault((1, e[1]), []).append(e)
        for (axis, name), members in sorted(lines.items()):
            total_entry = (name, MARGIN) if axis == 0 else (MARGIN, name)
            if total_entry in hidden:
                continue
            counts = {e: entries[e] for e in members}
            small = {e for e in members if e in hidden and self.sup.is_small(entries[e])}
            shield = {e for e in members if e in hidden} - small
            if self.sup._pinned(counts, small, shield, entries[total_entry]):  # type: ignore[arg-type]
                free = [e for e in members if e not in hidden and entries[e]]
                return min(free, key=lambda e: self._cost(entries, e)) if free else total_entry
        return None

    def cell(self, table: str, rows: Sequence[str] | None, col: str = MARGIN) -> Cell:
        """Return the printable cell of ``table`` for the units ``rows`` (None: all) and column ``col``.

        Several units print their sum only when none of their entries is hidden.
        """
        entries, hidden = self.entries[table], self.hidden[table]
        keys = [(MARGIN, col)] if rows is None else [(r, col) for r in rows if (r, col) in entries]
        value = sum(entries.get(key, 0) for key in keys)
        if self.sup.is_small(value):
            return Cell(value, True, self.sup.wording, small=True)
        if any(key in hidden and entries[key] for key in keys):
            return Cell(value, True, HIDDEN_SHARE)
        return self.sup.count(value)

    def cells(self, table: str, rows: Sequence[str] | None) -> dict[str, Cell]:
        """Return the printable cell of every column of ``table`` (margin left out) for the units ``rows``."""
        cols = sorted({c for _, c in self.entries[table] if c != MARGIN})
        return {c: self.cell(table, rows, c) for c in cols}


class PeriodProtection:
    """Decide a period's entries from the protection of each calendar month in it (the finest grid).

    Every meeting output covers whole calendar months, and the default export prints each month
    alone, so a figure of a quarter or a year is a sum of the months' figures. Suppression is decided
    once per month (:class:`Protection`, every unit by theme and barrier, the same tables whatever the
    output), and a figure over several months prints exactly only when none of its months' entries is
    hidden: then it is a sum of figures printed anyway, and no set of outputs (a quarter and its
    months, two overlapping quarters, a briefing and the export) can be subtracted down to a hidden
    entry. A figure with a hidden month prints the range its months' printed figures allow ("43–46",
    or "47 or more" past a "not shown" month), itself worked out from them, or "fewer than k" when it
    is small.
    """

    def __init__(
        self,
        months: Sequence[Mapping[str, Mapping[Entry, int]]],
        k: int = DEFAULT_K,
        plans: Sequence[Protection] | None = None,
    ) -> None:
        """``plans``: the months' Protections when the caller has them already (each is worked out once)."""
        self.sup = Suppressor(k)
        self.months = list(plans) if plans is not None else [Protection(tables, k) for tables in months]

    def cell(self, table: str, rows: Sequence[str] | None, col: str = MARGIN) -> Cell:
        """Return the printable cell of ``table`` over the whole period, as :meth:`Protection.cell` for one month.

        A figure with a hidden month prints the range its months' own outputs allow, and no more:
        each printed month adds its figure, each "fewer than k" 1 to k-1, each "not shown" at least k
        (it would print "fewer than k" if it were small). So the range is worked out from figures
        printed anyway, and tells a reader nothing those did not.
        """
        parts = [plan.cell(table, rows, col) for plan in self.months if table in plan.entries]
        value = sum(int(c.value or 0) for c in parts)
        if self.sup.is_small(value):
            return Cell(value, True, self.sup.wording, small=True)
        hidden = [c for c in parts if c.suppressed and c.value]
        if not hidden:
            return self.sup.count(value)
        printed = sum(int(c.value or 0) for c in parts if not (c.suppressed and c.value))
        if all(c.withheld for c in hidden) and not printed:
            # "10 or more" would say no more than "not shown" twice, and reads like a figure.
            return Cell(value, True, HIDDEN_SHARE)
        # Not "fewer than k" itself, so a reader knows it is k or more: "4–16" read as a slip.
        low = max(self.sup.k, printed + sum(1 if c.small else self.sup.k for c in hidden))
        high = None if any(not c.small for c in hidden) else printed + (self.sup.k - 1) * len(hidden)
        return Cell(value, True, range_text(low, high), bounds=(low, high))

    def cells(self, table: str, rows: Sequence[str] | None) -> dict[str, Cell]:
        """Return the printable cell of every column of ``table`` (margin left out) for the units ``rows``."""
        cols = sorted({c for plan in self.months for _, c in plan.entries.get(table, {}) if c != MARGIN})
        return {c: self.cell(table, rows, c) for c in cols}


def range_text(low: int, high: int | None) -> str:
    """Return a hidden figure's printed range: "43–46", or "47 or more" with no upper bound."""
    return f"{low:,} or more" if high is None else f"{low:,}–{high:,}"


# --- whole periods -------------------------------------------------------------------------------

# The mean length of a month in days: a period of 89 to 92 days is three months.
MONTH_DAYS = 30.44


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _months_back(first: dt.date, months: int) -> dt.date:
    """Return the 1st of the month ``months`` calendar months before ``first`` (itself a 1st)."""
    year, month = divmod(first.year * 12 + first.month - 1 - months, 12)
    return dt.date(year, month + 1, 1)


def month_scopes(scope: Scope) -> list[Scope]:
    """Return the calendar months of a scope of whole months, in order; a scope of other dates alone."""
    if not is_whole_months(scope):
        return [scope]
    out = []
    start = scope.date_from
    while start <= scope.date_to:
        end = _month_end(start)
        out.append(scope.with_dates(start, end))
        start = end + dt.timedelta(days=1)
    return out


def is_whole_months(scope: Scope) -> bool:
    """Return True when a scope runs from the 1st of a month to the last day of a month."""
    return scope.date_from.day == 1 and scope.date_to == _month_end(scope.date_to)


def meeting_scope(scope: Scope) -> Scope:
    """Return the whole calendar months a meeting output covers for the period asked for.

    Two outputs that differ by a day give that day's concerns away by subtraction, so the briefing,
    the poster and the default export only ever cover whole months: the last N months that have
    ended by ``date_to`` (N is the period's length in months, at least 1). Weeks are not offered:
    weeks and months together can still be subtracted down to a day or two at a month's end.
    """
    end = (
        scope.date_to
        if scope.date_to == _month_end(scope.date_to)
        else scope.date_to.replace(day=1) - dt.timedelta(days=1)
    )
    months = max(1, round(scope.days / MONTH_DAYS))
    start = _months_back(end.replace(day=1), months - 1)
    return scope.with_dates(start, end)


def previous_scope(scope: Scope) -> Scope:
    """Return the period a briefing compares with: the same number of whole months before, else as many days."""
    if not is_whole_months(scope):
        return scope.previous()
    months = (scope.date_to.year - scope.date_from.year) * 12 + scope.date_to.month - scope.date_from.month + 1
    end = scope.date_from - dt.timedelta(days=1)
    return scope.with_dates(_months_back(scope.date_from, months), end)


# --- names ---------------------------------------------------------------------------------------


def may_name(person: Mapping[str, Any]) -> bool:
    """Return True when a staff record may be printed by name: a live champion, nobody else."""
    return bool(person.get("is_champion")) and not person.get("deleted_at")


class NameRedactor:
    """Replace the names of people who may not be named in free text with "a colleague".

    Matching is ``champion_desk.names.NameMatcher``'s, the same as erasure's: any case, accents
    composed or not, any spacing, whole words, a word of 3+ letters alone too unless it is a word
    of a place (``not_names``, ``places``). ``named`` (champions) and ``places`` (unit and tool
    names) are never replaced, even where a hidden name shares a word with them. Look-ups go
    word by word through a dictionary, so a trust's 6,000 names cost no more per text than ten.
    """

    def __init__(
        self,
        unnamed: Iterable[str],
        named: Iterable[str] = (),
        not_names: Iterable[str] = (),
        places: Iterable[str] = (),
        refs: Iterable[str | None] = (),
    ) -> None:
        self._matcher = NameMatcher(unnamed, refs=refs, keep=named, places=places, not_alone=not_names)

    def __call__(self, text: str | None) -> str:
        """Return ``text`` with every unnamed person's name replaced by "a colleague"."""
        return self._matcher.replace(text, REDACTED_NAME) or ""


def name_redactor(db: Database) -> NameRedactor:
    """Return the NameRedactor for everything printed from ``db``: only live champions stay named.

    Hidden: every other colleague's name (deleted ones too), every name they had before (their
    staff record's audit rows hold it) and their staff number. Unit and tool names are places.
    """
    from champion_desk.store.erasure import place_names, recorded_names

    named, unnamed, refs = [], [], []
    recorded = recorded_names(db)
    for person in db.query("SELECT id, display_name, is_champion, deleted_at FROM staff"):
        if may_name(person):
            named.append(person["display_name"])
        elif person["id"] in recorded:
            unnamed += recorded[person["id"]]["display_name"]
            refs += recorded[person["id"]]["staff_ref"]
    return NameRedactor(unnamed, named, places=place_names(db), refs=refs)
