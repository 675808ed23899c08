"""The Home panel of suggested next steps: computed off the UI thread, acted on, remembered."""

from __future__ import annotations

import datetime as dt

import pytest

from champion_desk.domain.scope import Scope
from champion_desk.store import records
from champion_desk.ui.context import AppContext
from champion_desk.ui.next_steps_panel import NextStepsPanel

END = dt.date(2026, 11, 26)


@pytest.fixture
def panel(qtbot, db, ward):
    # A live tool with nobody trained and no story: low coverage and a story gap are suggested.
    records.insert(
        db, "rollout", {"tool_id": ward["tool"], "unit_id": ward["unit"], "stage": "live", "since": "2026-01-05"}, "t"
    )
    context = AppContext(db, Scope(dt.date(2025, 11, 27), END))
    context.set_user({"id": ward["champion"], "display_name": "Zoë Adams", "role": "nurse"})
    widget = NextStepsPanel(context, today=END)
    qtbot.addWidget(widget)
    widget.reload()
    widget.wait_until_loaded()
    return widget


def rules_shown(panel):
    return [s.rule for s in panel.suggestions]


def test_suggestions_load_in_the_background_and_explain_themselves(panel):
    assert set(rules_shown(panel)) == {"low_coverage", "story_gap"}
    top = panel.tree.topLevelItem(0)
    assert top.text(0) == "High" and top.text(1).startswith("Book hands-on Scribe sessions")
    assert top.text(2) == "Ward 7 · Scribe"
    assert [top.child(n).text(1).split(":")[0] for n in range(top.childCount())] == ["Why", "Strategy"]
    assert "0%" in top.child(0).text(1)


def test_do_it_opens_the_prefilled_form_or_the_filtered_list(panel, qtbot, monkeypatch, ward):
    opened = []
    monkeypatch.setattr(
        "champion_desk.ui.next_steps_panel.open_record",
        lambda context, parent, table, prefill=None: opened.append((table, prefill)),
    )
    panel.select(next(s.key for s in panel.suggestions if s.rule == "low_coverage"))
    panel.do_selected()
    assert opened == [("training_session", {"unit_id": ward["unit"], "tool_id": ward["tool"], "format": "hands-on"})]
    panel.suggestions[0].target = {"page": "concerns", "filters": {"theme": "job security"}}
    panel.select(panel.suggestions[0].key)
    with qtbot.waitSignal(panel.drill_down_requested) as signal:
        panel.do_selected()
    assert signal.args == ["concerns", {"theme": "job security"}]


def test_agree_dismiss_and_snooze_are_recorded_and_survive_a_reload(panel, db):
    story_gap = next(s.key for s in panel.suggestions if s.rule == "story_gap")
    coverage = next(s.key for s in panel.suggestions if s.rule == "low_coverage")
    panel.select(coverage)
    panel.agree_selected()
    panel.wait_until_loaded()
    assert panel.selected() is None or panel.selected().key != story_gap
    agreed = next(s for s in panel.suggestions if s.key == coverage)
    assert agreed.response["decision"] == "agreed" and agreed.response["decided_by"]
    panel.select(story_gap)
    panel.dismiss_selected(reason="Stories are gathered by the comms team")
    panel.wait_until_loaded()
    assert rules_shown(panel) == ["low_coverage"]
    panel.hidden_box.setChecked(True)
    panel.wait_until_loaded()
    assert set(rules_shown(panel)) == {"low_coverage", "story_gap"}
    panel.select(story_gap)
    panel.withdraw_selected()
    panel.wait_until_loaded()
    panel.select(story_gap)
    panel.snooze_selected("2 weeks")
    panel.wait_until_loaded()
    snoozed = next(s for s in panel.suggestions if s.key == story_gap)
    assert snoozed.response["until"] == "2026-12-10"
    decisions = [r["decision"] for r in db.query("SELECT decision FROM suggestion_response ORDER BY created_at")]
    assert decisions == ["agreed", "dismissed", "snoozed"]


def test_a_dismissal_without_a_reason_is_refused_with_a_message(panel, monkeypatch, db):
    shown = []
    monkeypatch.setattr(
        "champion_desk.ui.next_steps_panel.show_error", lambda parent, title, exc: shown.append(str(exc))
    )
    panel.select(panel.suggestions[0].key)
    panel.dismiss_selected(reason="  ")
    assert shown == ["Say briefly why this suggestion does not apply."]
    assert db.scalar("SELECT count(*) FROM suggestion_response") == 0


def test_the_scope_bar_shows_a_scope_set_by_a_drill_down(qtbot, db, ward):
    from champion_desk.ui.scope_bar import ScopeBar

    context = AppContext(db, Scope(dt.date(2025, 11, 27), END))
    bar = ScopeBar(context, today=END)
    qtbot.addWidget(bar)
    context.set_scope(Scope(dt.date(2026, 8, 27), END, ("Ward 7",), ()))
    assert bar.preset() == "custom"
    assert (bar.date_from.value(), bar.date_to.value()) == (dt.date(2026, 8, 27).isoformat(), END.isoformat())
    assert bar.units.chosen() == ("Ward 7",)
    assert context.scope == Scope(dt.date(2026, 8, 27), END, ("Ward 7",), ())  # shown, not changed
