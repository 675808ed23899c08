"""Help › Retention rules… and Help › Data protection report…: a manager's change is stored and audited."""

from __future__ import annotations

from champion_desk.domain import retention
from champion_desk.ui import privacy_dialogs
from champion_desk.ui.context import AppContext
from champion_desk.ui.privacy_dialogs import RetentionDialog
from tests.report.pdf_text import pdf_text


def test_a_manager_changes_a_rule_and_the_change_is_audited(qtbot, db):
    context = AppContext(db)
    context.set_user({"id": "m", "display_name": "Łukasz Nowak"})
    dialog = RetentionDialog(context)
    qtbot.addWidget(dialog)
    assert dialog.spins["leaver_months"].value() == 12
    dialog.spins["leaver_months"].setValue(24)
    dialog.save()
    assert dialog.result() == RetentionDialog.DialogCode.Accepted
    assert retention.rules(db)["leaver_months"] == 24
    audit = db.query("SELECT actor, action FROM audit WHERE record_id = 'setting:retention.leaver_months'")
    assert audit == [{"actor": "Łukasz Nowak", "action": "create"}]
    # Nothing changed: nothing written.
    again = RetentionDialog(context)
    qtbot.addWidget(again)
    again.save()
    assert db.scalar("SELECT count(*) FROM audit WHERE record_id LIKE 'setting:retention.%'") == 1


def test_the_report_is_saved_where_asked(qtbot, db, ward, tmp_path, monkeypatch):
    context = AppContext(db)
    target = tmp_path / "dp.pdf"
    monkeypatch.setattr(privacy_dialogs, "ask_save_path", lambda *a, **k: target)
    monkeypatch.setattr(privacy_dialogs.QMessageBox, "information", lambda *a, **k: None)
    assert privacy_dialogs.save_privacy_report(context, None) == target
    text = pdf_text(target)
    assert "Retention rules in force" in text and "Zoë Adams" not in text
