"""The briefing's adoption section: counts by unit, small numbers hidden, nobody named."""

from __future__ import annotations

import io

from champion_desk.report.briefing import make_briefing
from tests.domain.test_adoption import SCOPE, adoption_ward  # noqa: F401 - the hand-worked ward fixture
from tests.report.pdf_text import pdf_text


def _briefing(db, k: int, scope=SCOPE) -> str:
    out = io.BytesIO()
    make_briefing(db, scope, out, k=k, today=scope.date_to)
    return " ".join(pdf_text(out.getvalue()).split())


def test_adoption_by_unit_prints_counts_and_names_nobody(db, adoption_ward):  # noqa: F811
    # A meeting output covers whole calendar months (privacy.meeting_scope): the section prints the
    # figures of October, the whole month SCOPE ends in, as stats gives them for that month.
    from champion_desk.domain.metrics import stats
    from champion_desk.domain.privacy import meeting_scope
    from champion_desk.store import records

    # A third user in October, so that at k = 3 (the least threshold that hides anything) no count
    # of the month is small.
    records.insert(
        db,
        "usage",
        {"staff_id": adoption_ward["c"], "tool_id": adoption_ward["tool"], "day": "2026-10-20", "count": 3},
        "t",
    )
    month = meeting_scope(SCOPE)
    figures = stats(db, month)
    eligible, active = figures["usage_eligible"], figures["usage_active"]
    text = _briefing(db, k=3)
    assert "Is the tool being used?" in text
    assert (
        f"Of {eligible} colleagues on units where the tool is live, {round(100 * active / eligible)}% of them used it"
        in text
    )
    assert f"{figures['using_not_signed_off']} colleagues used it without a competency sign-off" in text
    assert f"Ward 7 {eligible} {active} {round(100 * active / eligible)}%" in text
    for private in ("Nguyễn", "Siobhán", "Colleague c", "Colleague f", "Łukasz"):
        assert private not in text


def test_small_numbers_are_hidden_at_the_usual_threshold(db, adoption_ward):  # noqa: F811
    text = _briefing(db, k=5)
    start = text.index("Is the tool being used?")
    section = text[start : text.index("Counts by unit only", start)]
    assert "Of 6 colleagues on units where the tool is live, a share not printed (small numbers)" in section
    assert "fewer than 5 trained colleagues have not used it" in section.lower()
    assert " 3 " not in section and "50%" not in section  # 3 users (and so 50%) would single people out


def test_no_section_when_no_use_was_imported(db, ward):
    assert "Is the tool being used?" not in _briefing(db, k=5)
