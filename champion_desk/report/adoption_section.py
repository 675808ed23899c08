"""The briefing's "Is the tool being used?" section: adoption by unit and by preparation, no names, small counts hidden.

Individual use is the colleague's own (README, "Trust first"): this section prints only counts of
people per unit and per group, through ``domain/privacy.py``'s suppression like every other count.
Its data is read here (``collect``) so the briefing's own data collection is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from champion_desk.domain import adoption, metrics
from champion_desk.domain.privacy import HIDDEN_SHARE, Cell
from champion_desk.domain.scope import Scope
from champion_desk.report.blocks import Blocks, esc

TIER_LABELS = (
    ("high", "Every week"),
    ("medium", "2–3 weeks"),
    ("low", "1 week"),
    ("dropped", "Stopped"),
    ("none", "Not yet"),
)


@dataclass
class AdoptionData:
    """What the section prints: the scope's adoption figures, per unit, and per preparation group."""

    figures: dict[str, Any]
    tools: int = 0  # tools whose use counts at the scope's end
    units: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.figures.get("usage_eligible") or self.figures.get("using_not_signed_off"))


def collect(db: Any, scope: Scope) -> AdoptionData:
    """Read the section's data for a scope (the adoption figures as ``stats`` defines them)."""
    f = metrics.resolve(db, scope)
    period = [(scope.date_from, scope.date_to)]
    facts = metrics.usage_facts(db, f, period)
    figures = metrics.adoption_figures(db, f, period, facts)[0]
    tools = sum(1 for starts in facts.tools.values() if starts <= scope.date_to.isoformat())
    return AdoptionData(figures, tools, adoption.adoption_by_unit(db, scope), adoption.adoption_by_training(db, scope))


def section(b: Blocks, data: AdoptionData | None) -> list[Flowable]:
    """Return the section's flowables, or nothing when no tool's use has been imported for the scope."""
    if data is None or data.is_empty:
        return []
    sup, f = b.sup, data.figures
    out: list[Flowable] = b.heading("Is the tool being used?")
    eligible, active = f["usage_eligible"], f["usage_active"]
    share = sup.share(active, eligible)
    if eligible:
        rate = f"<b>{esc(share.text)}</b> of them" if not share.suppressed else "a share not printed (small numbers)"
        each = " (a colleague counts once for each tool)" if data.tools > 1 else ""
        where = "a tool is live" if data.tools > 1 else "the tool is live"
        out.append(
            b.lead(
                f"Of <b>{esc(sup.count(eligible).text)}</b> colleagues on units where {where}{each}, "
                f"{rate} used it in the four weeks to the end of the period (the tool's own usage records)."
            )
        )
    # The tiers are parts of the eligible count the lead prints: hidden as parts of a printed total.
    tiers = _column(b, [f["usage_tiers"][key] for key, _ in TIER_LABELS], eligible)
    w = b.width
    if eligible:
        out.append(
            KeepTogether(
                [
                    b.sub("How often, in those four weeks"),
                    b.table(
                        [label for _, label in TIER_LABELS] + ["All"],
                        [[cell.text for cell in tiers] + [sup.count(eligible).text]],
                        [w / 6] * 6,
                        align_right=range(6),
                    ),
                    Spacer(1, 2 * mm),
                ]
            )
        )
    signals = []
    idle = sup.count(f["trained_not_using"])
    unsigned = sup.count(f["using_not_signed_off"])
    if f["trained_not_using"]:
        signals.append(
            f"<b>{esc(idle.text)}</b> trained colleagues have not used it in the last four weeks: "
            "a hands-on refresher or a mentor can help."
        )
    if f["using_not_signed_off"]:
        signals.append(
            f"<b>{esc(unsigned.text)}</b> colleagues used it without a competency sign-off: "
            "ask your champion for a sign-off session."
        )
    out += [b.p(s) for s in signals]
    out += _by_unit(b, data.units, f)
    out += _by_preparation(b, data.groups, f)
    out.append(
        b.p(
            "Counts by unit only: nobody's own use is printed, and no one is ranked. "
            + esc(f"“{sup.wording}” and “not shown” keep small numbers private."),
            "note",
        )
    )
    return out


def _column(b: Blocks, values: list[int], total: int) -> list[Any]:
    """Return the cells of a column whose ``total`` is printed elsewhere (the lead), small parts and their shields hidden."""
    sup = b.sup
    hidden = sup.parts_to_hide({str(n): v for n, v in enumerate(values)}, total)
    return [
        Cell(v, True, sup.wording, small=True)
        if str(n) in hidden and sup.is_small(v)
        else Cell(v, True, HIDDEN_SHARE)
        if str(n) in hidden
        else sup.count(v)
        for n, v in enumerate(values)
    ]


def _share(b: Blocks, part: Any, whole: Any) -> str:
    """Return a share's text, hidden with either of its counts (a printed share would give a hidden count away)."""
    if part.suppressed or whole.suppressed:
        return HIDDEN_SHARE if whole.value else "–"
    return b.sup.share(part.value, whole.value).text


def _by_unit(b: Blocks, units: list[dict[str, Any]], figures: dict[str, Any]) -> list[Flowable]:
    if not units:
        return []
    eligible = _column(b, [u["usage_eligible"] for u in units], figures["usage_eligible"])
    using = _column(b, [u["usage_active"] for u in units], figures["usage_active"])
    unsigned = _column(b, [u["using_not_signed_off"] for u in units], figures["using_not_signed_off"])
    rows = [
        [u["unit"], eligible[n].text, using[n].text, _share(b, using[n], eligible[n]), unsigned[n].text]
        for n, u in enumerate(units)
    ]
    w = b.width
    table = b.table(
        ["Unit", "Eligible", "Using (last 4 weeks)", "Adoption", "Using before sign-off"],
        rows,
        [w * 0.32, w * 0.14, w * 0.19, w * 0.14, w * 0.21],
        align_right=range(1, 5),
    )
    return b.kept([b.sub("By unit"), table], len(rows))


def _by_preparation(b: Blocks, groups: list[dict[str, Any]], figures: dict[str, Any]) -> list[Flowable]:
    shown = [g for g in groups if g["usage_eligible"]]
    if not shown:
        return []
    sizes = _column(b, [g["usage_eligible"] for g in shown], figures["usage_eligible"])
    using = _column(b, [g["usage_active"] for g in shown], figures["usage_active"])
    rows = [[g["group"].capitalize(), sizes[n].text, _share(b, using[n], sizes[n])] for n, g in enumerate(shown)]
    w = b.width
    return [
        KeepTogether(
            [
                b.sub("Training → use: adoption by how colleagues were prepared"),
                b.table(
                    ["Prepared by", "Colleagues", "Using (last 4 weeks)"],
                    rows,
                    [w * 0.4, w * 0.25, w * 0.35],
                    align_right=(1, 2),
                ),
            ]
        )
    ]
