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
    text = _briefing(db, k=2)
    assert "Is the tool being used?" in text
    # 6 eligible on Ward 7, 3 using (C, a, f): 50%; 3 used before sign-off there, 1 on Ward 8.
    assert "Of 6 colleagues on units where the tool is live, 50% of them used it" in text
    # Ward 8's one unsigned user is hidden, so Ward 7's 3 is too: the lead prints their total, 4.
    assert "4 colleagues used it without a competency sign-off" in text
    assert "Ward 7 6 3 50% not shown" in text and "Ward 8 0 0 – fewer than 2" in text
    # Tiers 1, 1, 1, 1 and 2 of the 6 printed above: the 2 is hidden too, or the ones would follow.
    assert "Stopped Not yet All fewer than 2 fewer than 2 fewer than 2 fewer than 2 not shown 6" in text
    for private in ("Nguyễn", "Siobhán", "Colleague c", "Colleague f", "Łukasz"):
        assert private not in text


def test_small_numbers_are_hidden_at_the_usual_threshold(db, adoption_ward):  # noqa: F811
    text = _briefing(db, k=5)
    start = text.index("Is the tool being used?")
    section = text[start:text.index("Counts by unit only", start)]
    assert "Of 6 colleagues on units where the tool is live, a share not printed (small numbers)" in section
    assert "fewer than 5 trained colleagues have not used it" in section.lower()
    assert " 3 " not in section and "50%" not in section  # 3 users (and so 50%) would single people out


def test_no_section_when_no_use_was_imported(db, ward):
    assert "Is the tool being used?" not in _briefing(db, k=5)
