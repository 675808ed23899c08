"""'You suggested, we did': staff ideas planned or done in the period, in the briefing and on the poster.

No one is named: the data (``domain/idea_report.py``) holds no suggester or backer. How many
colleagues back each idea is a count of people, so it follows the small-count rule.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from champion_desk.report.blocks import esc, nice_date
from champion_desk.report.meeting import Meeting
from champion_desk.report.styles import MUTED

TITLE = "You suggested, we did"
POSTER_SHOWN = 3
# The full briefing's table: the most backed five say what was acted on; the rest are in the app.
BRIEFING_SHOWN = 5
EMPTY = (
    "No staff idea was planned or put in place in this period. Have an idea for how a tool could help, "
    "or where it should be used next? Tell your champion."
)


def stands(idea: dict) -> str:
    """Return where an idea stands, in words: "Done 3 Mar 2026" or "Planned since 3 Mar 2026"."""
    when = nice_date(idea["status_on"])
    return f"Done {when}" if idea["status"] == "done" else f"Planned since {when}"


def briefing_section(b: Meeting) -> list[Flowable]:
    """Return the briefing's section: the ideas acted on, most backed first, backing counts hidden when small."""
    ideas = b.data.ideas or {}
    out = b.heading(TITLE)
    if not ideas.get("total"):
        return out + [b.empty(EMPTY)]
    shown = ideas["ideas"][:BRIEFING_SHOWN]
    n, done, planned = ideas["total"], ideas["by_status"].get("done", 0), ideas["by_status"].get("planned", 0)
    if b.sup.is_small(n):
        # The rows below can be counted anyway; a count of them would only add "fewer than 5" beside them.
        lead = "Ideas staff put forward that were planned or put in place in this period"
    else:
        lead = f"<b>{n:,}</b> ideas staff put forward were planned or put in place in this period"
        if not (b.sup.is_small(done) or b.sup.is_small(planned)):
            # Either part beside the total gives the other away, so both print or neither.
            lead += f" ({done:,} done, {planned:,} planned)"
    lead += ". Who suggested an idea is never printed."
    if n > len(shown):
        lead += f" Here are the {len(shown)} most backed."
    out.append(b.lead(lead))
    w = b.width
    rows = [
        [
            b.p(f"<b>{esc(i['title'])}</b>", "cell"),
            f"{i['tool']} · {i['unit']}",
            stands(i),
            b.sup.count(i["support"]).text,
        ]
        for i in shown
    ]
    table = b.table(
        ["Idea", "Tool · unit", "Where it stands", "Backed by"],
        rows,
        [w * 0.42, w * 0.24, w * 0.2, w * 0.14],
        align_right=[3],
        notes=[b.small_note()],
    )
    return out + [table]


def poster_lines(ideas: dict, shown: int = POSTER_SHOWN) -> list[str]:
    """Return the lines of the poster's box: the ``shown`` most backed of the ideas acted on.

    The poster draws the box (``Poster.ideas_box``): this module says what is in it, and imports no poster.
    """
    grey = f"#{MUTED.hexval()[2:]}"
    return [
        f"<b>{esc(i['title'])}</b><font color='{grey}'> · {esc(stands(i)[:1].lower() + stands(i)[1:])}</font>"
        for i in ideas["ideas"][:shown]
    ]
