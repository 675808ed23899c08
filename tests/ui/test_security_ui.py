"""The app's side of issue 27: attributable audit rows, wrong PINs recorded, passphrases asked, the safety reminder."""

from __future__ import annotations

import pytest

from champion_desk.domain import patient_safety
from champion_desk.store import records
from tests.ui.test_dialog_base import make_dialog


@pytest.mark.parametrize(
    ("theme", "severity", "shown"),
    [
        ("job security", "low", False),
        ("job security", "medium", False),
        ("job security", "high", True),
        ("accuracy and trust", "low", False),
        ("accuracy and trust", "medium", True),
        ("ethics and liability", "medium", True),
    ],
)
def test_the_concern_form_reminds_of_the_incident_system_when_harm_is_in_view(
    qtbot, ward_context, theme, severity, shown
):
    dialog = make_dialog(qtbot, ward_context, "incident")
    dialog.show()
    assert not dialog.safety_reminder.isVisible()  # no theme chosen yet, medium by default
    dialog.fields["theme"].widget.set_value(theme)
    dialog.fields["severity"].widget.set_value(severity)
    assert dialog.safety_reminder.isVisible() is shown
    assert "Learn from Patient Safety Events" in dialog.safety_reminder.text()


def test_the_reminder_names_the_trusts_own_system_once_set(qtbot, ward_context, db):
    patient_safety.set_reminder(db, "  Report harm on Datix   as well.\n", "t")
    dialog = make_dialog(qtbot, ward_context, "incident")
    assert dialog.safety_reminder.text() == "Report harm on Datix as well."
    with pytest.raises(Exception) as caught:
        patient_safety.set_reminder(db, "x" * 301, "t")
    assert getattr(caught.value, "field", None) == "reminder"
    assert patient_safety.set_reminder(db, "", "t") == patient_safety.DEFAULT_REMINDER


def test_a_save_in_the_app_records_the_os_account_and_pc(qtbot, ward_context, db):
    dialog = make_dialog(qtbot, ward_context, "unit")
    dialog.fields["name"].widget.set_value("Rowan Ward")
    assert dialog.save()
    row = db.one("SELECT * FROM audit WHERE record_id = ?", (dialog.saved_id,))
    assert row["actor"] == ward_context.actor
    assert row["os_account"] == records.os_account() and row["os_account"]
    assert row["pc_name"] == records.pc_name() and row["pc_name"]


def test_wrong_app_pins_and_the_lock_out_are_audit_rows_without_a_name(ward_context, db):
    from champion_desk.domain import pin
    from champion_desk.domain.signing import record_wrong_app_pin

    for failures in range(1, pin.FREE_TRIES + 1):
        record_wrong_app_pin(db, ward_context.actor, failures)
    rows = db.query("SELECT * FROM audit WHERE action = 'security' ORDER BY at")
    assert [r["record_id"] for r in rows].count(records.WRONG_APP_PIN) == pin.FREE_TRIES
    assert [r["record_id"] for r in rows].count(records.APP_LOCKED_OUT) == 1
    assert all(r["os_account"] == records.os_account() for r in rows)
    assert all(ward_context.actor not in r["changes"] for r in rows)


def test_the_lock_screen_reports_each_wrong_pin(qtbot, settings):
    from champion_desk.domain import pin
    from champion_desk.ui.lock_screen import LockScreen, remembered_attempts

    seen = []
    screen = LockScreen(pin.hash_pin("4821"), remembered_attempts(settings, on_wrong=seen.append))
    qtbot.addWidget(screen)
    for typed in ("1111", "2222", "4821"):
        screen.pin_edit.setText(typed)
        screen.try_unlock()
    assert seen == [1, 2]


def test_the_passphrase_dialog_refuses_short_and_mismatched_passphrases(qtbot):
    from champion_desk.ui.passphrase_dialog import PassphraseDialog

    dialog = PassphraseDialog("Encrypt", "why", confirm=True)
    qtbot.addWidget(dialog)
    dialog.first.setText("short")
    dialog.second.setText("short")
    dialog.try_accept()
    assert dialog.passphrase is None and "12 characters" in dialog.message.text()
    dialog.first.setText("three random words")
    dialog.second.setText("three random wordz")
    dialog.try_accept()
    assert dialog.passphrase is None and "not the same" in dialog.message.text()
    dialog.second.setText("three random words")
    dialog.try_accept()
    assert dialog.passphrase == "three random words" and not dialog.first.text()


def test_the_export_dialog_seals_a_full_export(qtbot, ward_context, db, tmp_path, monkeypatch):
    from champion_desk.store import sealed
    from champion_desk.ui import passphrase_dialog
    from champion_desk.ui.exchange_dialogs import ExportDialog

    monkeypatch.setattr(passphrase_dialog, "ask_passphrase", lambda *a, **k: "three random words")
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.information", lambda *a, **k: None)
    dialog = ExportDialog(ward_context)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "mine.xlsx"))
    dialog.full.setChecked(True)
    dialog.export()
    out = tmp_path / "mine.xlsx.age"
    assert sealed.is_sealed(out) and not (tmp_path / "mine.xlsx").exists()
    assert sealed.unseal_bytes(out.read_bytes(), "three random words", out.name)[:2] == b"PK"
    assert db.scalar("SELECT os_account FROM audit WHERE record_id = ?", (records.FULL_EXPORT,))


def test_adding_yourself_cannot_claim_a_managers_role_once_anyone_is_listed(qtbot, ward_context, db):
    from champion_desk.ui.user_picker import UserPickerDialog

    dialog = UserPickerDialog(db)
    qtbot.addWidget(dialog)
    dialog.name.setText("Pat Newcomer")
    dialog.role.setEditText("Ward Manager")
    assert dialog.add_yourself() is None
    assert "roster" in dialog.add_error.text()
    assert not records.find(db, "staff", display_name="Pat Newcomer")
    dialog.role.setEditText("staff nurse")
    assert dialog.add_yourself() is not None


def test_the_first_person_in_an_empty_logbook_may_be_the_manager(db):
    from champion_desk.domain.signing import check_self_added_role

    check_self_added_role(db, "ward manager")
    records.insert(db, "staff", {"display_name": "First"}, "t")
    with pytest.raises(Exception) as caught:
        check_self_added_role(db, "matron")
    assert getattr(caught.value, "field", None) == "role"
    check_self_added_role(db, "healthcare assistant")


def test_the_staff_form_asks_a_managers_pin_to_make_a_colleague_a_manager(qtbot, ward_context, db, ward, monkeypatch):
    from champion_desk.domain import pin, signing

    real = pin.hash_pin
    monkeypatch.setattr(pin, "hash_pin", lambda p, **_: real(p, n=2**4))
    signing.set_signing_pin(db, ward["manager"], "2468", "t", authoriser_id=ward["champion"])
    dialog = make_dialog(qtbot, ward_context, "staff", ward["a"])
    dialog.show()
    assert not dialog.authorisation_box.isVisible()
    dialog.role.setEditText("Ward Manager")
    assert dialog.authorisation_box.isVisible()
    assert not dialog.save()
    assert "choose the manager" in dialog.error_of("authoriser")
    dialog.authoriser.set_value(ward["manager"])
    dialog.authoriser_pin.setText("0000")
    assert not dialog.save()
    assert "not" in dialog.error_of("authoriser_pin") and not dialog.authoriser_pin.text()
    assert records.get(db, "staff", ward["a"])["role"] != "Ward Manager"
    dialog.authoriser_pin.setText("2468")
    assert dialog.save()
    assert records.get(db, "staff", ward["a"])["role"] == "Ward Manager"
    audit = db.one("SELECT * FROM audit WHERE record_id = ? AND changes LIKE '%authoriser_id%'", (ward["a"],))
    assert ward["manager"] in audit["changes"] and audit["actor"] == ward_context.actor


def test_the_staff_form_refuses_a_managers_role_without_authorisation_naming_the_field(qtbot, ward_context, db, ward):
    dialog = make_dialog(qtbot, ward_context, "staff", ward["b"])
    dialog.show()
    dialog.role.setEditText("matron")
    assert not dialog.save()
    # Nobody has a signing PIN yet: the box says so, and the role's own message names the rule.
    assert dialog.authoriser.itemText(0) == "No manager has a signing PIN yet"
    assert "roster import" in dialog.error_of("authoriser")
    assert records.get(db, "staff", ward["b"])["role"] != "matron"
    dialog.role.setEditText("staff nurse")
    assert not dialog.authorisation_box.isVisible()
    assert dialog.save()


def test_back_up_to_a_stick_is_sealed_and_beside_the_logbook_plain(
    qtbot, ward_context, db, tmp_path, tmp_path_factory, monkeypatch
):
    from PySide6.QtWidgets import QFileDialog

    from champion_desk.store import sealed
    from champion_desk.ui import exchange_actions, passphrase_dialog

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setattr(passphrase_dialog, "ask_passphrase", lambda *a, **k: "three random words")
    stick = tmp_path_factory.mktemp("usb") / "ward.db"  # outside the logbook's folder
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(stick), ""))
    written = exchange_actions.backup_to(ward_context, None)
    assert written == stick.with_name("ward.db.age") and sealed.is_sealed(written)
    beside = db.path.parent / "copy.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(beside), ""))
    assert exchange_actions.backup_to(ward_context, None) == beside
    assert beside.read_bytes().startswith(b"SQLite format 3")


def test_the_champion_flag_is_set_without_a_managers_pin_audited_and_the_reason_is_documented(
    qtbot, ward_context, db, ward
):
    """docs/security.md decides the flag carries no power that needs a manager's PIN: this holds it to that."""
    from pathlib import Path

    dialog = make_dialog(qtbot, ward_context, "staff", ward["a"])
    dialog.show()
    dialog.fields["is_champion"].widget.setChecked(True)
    assert not dialog.authorisation_box.isVisible()
    assert dialog.save()
    assert records.get(db, "staff", ward["a"])["is_champion"] == 1
    audit = db.one(
        "SELECT actor, changes, os_account, pc_name FROM audit WHERE record_id = ? AND changes LIKE '%is_champion%'",
        (ward["a"],),
    )
    assert audit["actor"] == ward_context.actor and '"is_champion": [0, 1]' in audit["changes"]
    assert audit["os_account"] and audit["pc_name"]
    security = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text(encoding="utf-8")
    assert "**Why the champion flag needs no manager's PIN, when a manager's role does.**" in security
