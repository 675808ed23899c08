"""Usage in the GUI: a colleague's own use on their page only, the usage import wizard, the adoption chart."""

from __future__ import annotations

import datetime as dt

from champion_desk.store import records


def test_a_colleagues_own_use_shows_on_their_page_and_nobody_elses(db, ward):
    from champion_desk.ui.pages.people import person_html

    for day, count in (("2026-11-02", 4), ("2026-11-09", 3), ("2026-10-05", 1), ("2026-03-02", 9)):
        records.insert(db, "usage", {"staff_id": ward["a"], "tool_id": ward["tool"], "day": day, "count": count}, "t")
    person = {**records.get(db, "staff", ward["a"]), "unit": "Ward 7"}
    page = person_html(db, person, today=dt.date(2026, 11, 26))
    assert "Scribe — Nov 2026: used on 2 days (7 uses)" in page
    assert "Scribe — Oct 2026: used on 1 day (1 use)" in page
    assert "Mar 2026" not in page  # older than the last 6 months
    other = person_html(db, {**records.get(db, "staff", ward["b"]), "unit": "Ward 7"}, today=dt.date(2026, 11, 26))
    assert "No use imported in the last 6 months." in other and "7 uses" not in other


def test_the_comparison_by_preparation_hides_small_groups_and_shows_counts():
    from champion_desk.ui.charts.adoption_chart import comparison_html

    groups = [
        {"group": "mentored", "usage_eligible": 3, "usage_active": 3},
        {"group": "trained hands-on", "usage_eligible": 40, "usage_active": 30},
        {"group": "trained otherwise", "usage_eligible": 12, "usage_active": 9},
        {"group": "not trained", "usage_eligible": 0, "usage_active": 0},
    ]
    text = comparison_html(groups, "26 Nov 2026")
    assert "mentored: not shown (fewer than 5 colleagues)" in text
    assert "trained hands-on: <b>75%</b> of 40" in text
    assert "trained otherwise: not shown (12 colleagues)" in text  # 3 non-users would be given away
    assert "not trained: nobody" in text


def test_the_dashboard_draws_adoption_with_coverage_and_go_live(qtbot, db):
    from champion_desk.domain.demo import generate_demo
    from champion_desk.domain.scope import Scope
    from champion_desk.ui.context import AppContext
    from champion_desk.ui.pages.dashboard import DashboardPage

    generate_demo(db, "ward", seed=2, end=dt.date(2026, 11, 26))
    context = AppContext(db, Scope(dt.date(2025, 11, 27), dt.date(2026, 11, 26)))
    page = DashboardPage(context)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.adoption_shown, timeout=20_000):
        page.refresh()  # the adoption chart is read in the background, after the others are drawn
    chart = page.charts["adoption"]
    assert not chart.is_showing_message()
    rows = page.rows["adoption"]
    assert all(r["training_coverage"] == t["training_coverage"] for r, t in zip(rows, page.rows["training"]))
    assert [m.label.toPlainText() for m in chart.markers] and all(
        " live " in m.label.toPlainText() for m in chart.markers
    )
    assert "by how colleagues were prepared" in chart.comparison.text()


def test_the_usage_wizard_says_trust_first_matches_users_and_imports(qtbot, ward_context, ward, tmp_path):
    from champion_desk.ui.usage_wizard import UsageWizard

    db = ward_context.db
    records.update(db, "staff", ward["a"], {"email": "mai.nguyen@nhs.net"}, "t")
    records.update(db, "staff", ward["b"], {"email": "siobhan.obriain@nhs.net"}, "t")
    path = tmp_path / "scribe-export.csv"
    path.write_text(
        "User Principal Name;Activity Date;Notes Drafted\n"
        "MAI.NGUYEN@nhs.net;02/11/2026;4\nsiobhan.obriain@nhs.net;3 Nov 2026;2\nlocum.doctor@nhs.net;02/11/2026;7\n",
        encoding="utf-8",
    )
    wizard = UsageWizard(ward_context, None, path)
    qtbot.addWidget(wizard)
    wizard.show()
    assert "never to rank anyone" in wizard.file_page.findChild(type(wizard.file_page.status), "trustFirst").text()
    assert wizard.file_page.isComplete()
    assert "Usage file:" in [label.text() for label in wizard.file_page.findChildren(type(wizard.file_page.status))]
    wizard.next()
    page = wizard.mapping_page
    assert page.tool_combo.currentText() == "Scribe"  # the only tool
    assert (
        page.combos["email"].currentText(),
        page.combos["day"].currentText(),
        page.combos["count"].currentText(),
    ) == ("User Principal Name", "Activity Date", "Notes Drafted")
    assert page.preview.item(0, 3).text() == "2 Nov 2026"
    assert page.isComplete()
    wizard.next()
    report = wizard.report_page
    assert "2 to add" in report.summary.text()
    assert (
        report.unmatched.toPlainText()
        == "line 4: email: matches no colleague (no colleague is created) (locum.doctor@nhs.net)"
    )
    assert records.count(db, "usage") == 0
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.done_page, timeout=10_000)
    assert "added 2" in wizard.done_page.text.text()
    assert records.count(db, "usage") == 2 and records.count(db, "staff") == 4  # the locum was not added
