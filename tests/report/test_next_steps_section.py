"""The briefing's "Next steps": agreed actions, or proposals when none is agreed, with a private why."""

from __future__ import annotations

import io

from champion_desk.domain import next_steps
from champion_desk.domain.briefing_data import collect
from champion_desk.report.briefing import AGREED_HEADING, PROPOSALS_HEADING, SECTIONS, build_briefing
from tests.factories import TODAY
from tests.report.pdf_text import pdf_text
from tests.report.sample import SCOPE, SECRET_NAME


def section(db) -> str:
    """Return the flattened text of the Next steps section (up to the next heading)."""
    out = io.BytesIO()
    build_briefing(collect(db, SCOPE, made_by="Zoë Adams", today=TODAY), out)
    text = " ".join(pdf_text(out.getvalue()).split())
    start = text.index("Next steps The ") if "Next steps The " in text else text.index("Next steps No ")
    return text[start : text.index("Your champions Questions", start)]


def suggestion(db, rule: str, unit: str, theme: str | None = None) -> next_steps.Suggestion:
    return next(
        s
        for s in next_steps.suggestions(db, SCOPE, today=TODAY)
        if s.rule == rule and s.unit == unit and (theme is None or s.figures.get("theme") == theme)
    )


def test_the_heading_is_a_section_between_roadmap_and_champions():
    assert SECTIONS.index("Roadmap") < SECTIONS.index("Next steps") < SECTIONS.index("Your champions")


def test_agreed_actions_are_listed_and_a_dismissed_one_is_not(sample_db):
    agreed = suggestion(sample_db, "theme_rising", "Ward 9", "workload and time")
    dismissed = suggestion(sample_db, "low_coverage", "Ward 7")
    next_steps.respond(sample_db, agreed.key, "agreed", "t", today=TODAY)
    next_steps.respond(sample_db, dismissed.key, "dismissed", "t", reason="Sessions already booked", today=TODAY)
    text = section(sample_db)
    assert AGREED_HEADING in text and PROPOSALS_HEADING not in text
    assert agreed.action in text
    assert dismissed.action not in text
    # Only what was agreed: a proposal that nobody agreed is not listed as an action.
    assert suggestion(sample_db, "readiness_barrier", "Ward 7").action not in text


def test_an_agreed_then_dismissed_suggestion_is_not_listed(sample_db):
    s = suggestion(sample_db, "theme_rising", "Ward 9", "workload and time")
    next_steps.respond(sample_db, s.key, "agreed", "t", today=TODAY)
    next_steps.respond(sample_db, s.key, "dismissed", "t", reason="Changed our minds", today=TODAY)
    text = section(sample_db)
    assert s.action not in text and AGREED_HEADING not in text
    assert PROPOSALS_HEADING in text  # nothing agreed any more: proposals instead


def test_with_none_agreed_the_top_suggestions_are_listed_as_proposals(sample_db):
    text = section(sample_db)
    assert PROPOSALS_HEADING in text and AGREED_HEADING not in text
    assert "not decisions" in text
    top = next_steps.suggestions(sample_db, SCOPE, today=TODAY)
    # The most severe first: the list opens with the top suggestion.
    assert text.index(top[0].action) < text.index(top[1].action)
    for s in top[:3]:
        assert s.action in text


def test_a_small_count_in_a_signal_prints_fewer_than_5(sample_db):
    s = suggestion(sample_db, "theme_rising", "Ward 7", "job security")
    assert s.figures["this_period"] == 3 and "3 this period" in s.signal
    next_steps.respond(sample_db, s.key, "agreed", "t", today=TODAY)
    text = section(sample_db)
    assert s.action in text
    assert "Job security concerns on Ward 7: fewer than 5 this period" in text
    assert "3 this period" not in text


def test_a_count_that_would_uncover_a_hidden_one_is_not_shown(sample_db):
    # Ward 9's 5 accuracy concerns are that theme's whole total, which "You said, we did" hides to
    # protect Ward 7's 3 job-security concerns: printing 5 here would give both away.
    s = suggestion(sample_db, "theme_rising", "Ward 9", "accuracy and trust")
    next_steps.respond(sample_db, s.key, "agreed", "t", today=TODAY)
    text = section(sample_db)
    assert s.action in text
    assert "Accuracy and trust concerns on Ward 9 rose this period to at least twice" in text
    assert "5 this period" not in text


def test_a_readiness_score_of_fewer_than_5_people_is_not_shown(sample_db):
    s = suggestion(sample_db, "readiness_barrier", "Ward 7")
    next_steps.respond(sample_db, s.key, "agreed", "t", today=TODAY)
    text = section(sample_db)
    assert "stalls at desire (score not shown: too few people answered)" in text
    assert "1.2" not in text


def test_no_non_champion_is_named(sample_db):
    for s in next_steps.suggestions(sample_db, SCOPE, today=TODAY)[:3]:
        next_steps.respond(sample_db, s.key, "agreed", "t", today=TODAY)
    text = section(sample_db)
    for person in sample_db.query("SELECT display_name FROM staff WHERE is_champion = 0"):
        assert person["display_name"] not in text
    for part in SECRET_NAME.split():
        assert part not in text


def test_an_empty_period_still_has_the_section(sample_db):
    import datetime as dt

    from champion_desk.domain.scope import Scope

    out = io.BytesIO()
    build_briefing(collect(sample_db, Scope(dt.date(2020, 1, 1), dt.date(2020, 3, 31)), today=TODAY), out)
    text = " ".join(pdf_text(out.getvalue()).split())
    assert "Next steps" in text


def test_the_poster_names_agreed_actions_only_and_stays_one_page(sample_db):
    from champion_desk.report.poster import build_poster
    from tests.report.pdf_text import page_count

    def poster() -> bytes:
        out = io.BytesIO()
        build_poster(collect(sample_db, SCOPE, today=TODAY, full=False), out)
        return out.getvalue()

    proposals = " ".join(pdf_text(poster()).split())
    assert "What we will do next" not in proposals  # a proposal is not a commitment
    s = suggestion(sample_db, "theme_rising", "Ward 9", "workload and time")
    next_steps.respond(sample_db, s.key, "agreed", "t", today=TODAY)
    pdf = poster()
    text = " ".join(pdf_text(pdf).split())
    assert page_count(pdf) == 1
    assert "What we will do next: " + s.action.rstrip(".") in text
