"""The roster import wizard driven like a new user would, on a realistic ESR-style staff list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWizard

from champion_desk.store import records
from champion_desk.ui.import_wizard import ImportWizard

ESR = Path(__file__).resolve().parents[1] / "exchange" / "data" / "esr_staff_list.csv"


def _wizard(qtbot, context, path=ESR) -> ImportWizard:
    wizard = ImportWizard(context, None, path)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def test_wizard_walks_file_mapping_report_confirm(qtbot, context):
    wizard = _wizard(qtbot, context)
    assert wizard.file_page.isComplete()
    assert "20 rows" in wizard.file_page.status.text()
    wizard.next()
    page = wizard.mapping_page
    assert page.combos["staff_ref"].currentText() == "Assignment Number"
    assert page.combos["display_name"].currentText() == "Employee Name"
    assert page.combos["active"].currentText() == "Assignment Status"
    assert "Staff Group" in page.ignored.text()
    assert page.preview.rowCount() == 8 and page.preview.verticalHeaderItem(0).text() == "line 2"
    assert page.preview.item(0, 4).text() == "yes"
    assert page.preview.item(0, 5).text() == "yes (Active Assignment)"
    wizard.next()
    report = wizard.report_page
    assert "17 to add" in report.summary.text() and "3 with problems" in report.summary.text()
    assert (
        report.problems.toPlainText()
        .splitlines()[0]
        .startswith("line 16: Staff number (column 'Assignment Number'): must be unique in the file")
    )
    assert not report.isComplete(), "bad rows block the import until the user chooses to skip them"
    report.skip.setChecked(True)
    assert report.isComplete()
    assert records.count(context.db, "staff") == 0, "nothing is written before the confirm page"
    wizard.next()
    assert "add <b>17</b>" in wizard.confirm_page.text.text()
    wizard.next()  # the Import (commit) button: runs the import behind the progress dialog
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.done_page, timeout=10_000)
    assert "17 colleagues added" in wizard.done_page.text.text()
    assert records.count(context.db, "staff") == 17
    assert records.find(context.db, "staff", staff_ref="20419063")[0]["active"] == 0


def test_wizard_mapping_can_be_changed_and_name_is_required(qtbot, context, tmp_path):
    f = tmp_path / "r.csv"
    f.write_text("Code;Forename;Surname;Area\nX1;Ann;Lee;Ward 2\n", encoding="utf-8")
    wizard = _wizard(qtbot, context, f)
    wizard.next()
    page = wizard.mapping_page
    assert page.combos["display_name"].currentText() == "Forename + Surname"
    assert page.preview.item(0, 1).text() == "Ann Lee"
    page.combos["display_name"].setCurrentIndex(0)
    assert not page.isComplete()
    page.combos["display_name"].setCurrentIndex(page.combos["display_name"].findText("Forename + Surname"))
    page.combos["staff_ref"].setCurrentIndex(page.combos["staff_ref"].findText("Code"))
    assert page.isComplete()
    wizard.next()
    assert "1 to add" in wizard.report_page.summary.text()


def test_wizard_refuses_a_bad_file_on_the_first_page(qtbot, context, tmp_path):
    f = tmp_path / "r.csv"
    f.write_bytes(b"\x00\x01binary" * 100)
    wizard = _wizard(qtbot, context, f)
    assert not wizard.file_page.isComplete()
    assert "cannot be imported" in wizard.file_page.status.text()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled() is False


def test_wizard_reads_an_older_excel_csv_once_its_encoding_is_chosen(qtbot, context, tmp_path):
    f = tmp_path / "r.csv"
    f.write_bytes("Staff No,Name,Ward,Status\nW1,Siobhán Ó Briain,,Suspended\n".encode("cp1252"))
    wizard = _wizard(qtbot, context, f)
    assert not wizard.file_page.isComplete()
    assert "line 2: byte 0xE1 is not UTF-8 text" in wizard.file_page.status.text()
    encoding = wizard.file_page.encoding
    encoding.setCurrentIndex(encoding.findData("cp1252"))
    assert wizard.file_page.isComplete()
    wizard.next()
    assert wizard.mapping_page.preview.item(0, 1).text() == "Siobhán Ó Briain"
    assert wizard.mapping_page.preview.item(0, 5).text() == "no (Suspended)"
    wizard.next()
    report = wizard.report_page
    assert report.warnings.isVisible() and not report.problems.isVisible()
    assert report.warnings.toPlainText() == "line 2: unit: empty, imported without a unit"


def test_reimport_has_nothing_to_do(qtbot, context):
    from champion_desk.exchange.roster import guess_mapping, import_roster, read_roster

    table = read_roster(ESR)
    import_roster(context.db, table, guess_mapping(table.headers), "t", skip_invalid=True)
    wizard = _wizard(qtbot, context)
    wizard.next()
    wizard.next()
    assert (
        "Nothing to import" in wizard.report_page.details.text()
        or "17 already up to date" in wizard.report_page.summary.text()
    )
    assert not wizard.report_page.isComplete()
