"""The shared record dialog: a form of named fields that validates, warns, saves and never loses input.

A subclass sets ``table`` and ``noun`` and adds its fields in ``build()``; the base loads the
record (or defaults and prefill), checks every rule before saving, shows each message beside
the field it names, asks before saving text that looks like a patient identifier, and keeps
the dialog open with everything typed when a save fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from champion_desk.domain import logbook, pickers, validation, vocab
from champion_desk.domain.dates import format_uk_date
from champion_desk.errors import ChampionDeskError, ConflictError, PatientIdentifierWarning, ValidationError
from champion_desk.store import records
from champion_desk.ui.context import AppContext
from champion_desk.ui.screen_fit import fit_to_screen
from champion_desk.ui.widgets.field_error import FieldErrorLabel
from champion_desk.ui.widgets.fields import ChoiceField, DateField, vocab_choices
from champion_desk.ui.widgets.optional_date import OptionalDateEdit
from champion_desk.ui.widgets.staff_picker import StaffPicker

SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S")


def plain_label(label: str) -> str:
    """Return a label without its '&' mnemonic marker or trailing colon."""
    return label.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(":")


@dataclass
class Field:
    """One named field of a form: its widget, its label and the message shown under it."""

    name: str
    label: str
    widget: QWidget
    error: FieldErrorLabel
    saved: bool = True

    def focus_widgets(self) -> list[QWidget]:
        widgets = getattr(self.widget, "focus_widgets", None)
        return widgets() if widgets else [self.widget]


class RecordDialog(QDialog):
    """Base of every record dialog: fields, defaults, load, validate, save, discard guard."""

    table: ClassVar[str] = ""
    noun: ClassVar[str] = ""  # "training session": used in the title and messages
    columns: ClassVar[int] = 1
    column_stretch: ClassVar[tuple[int, ...]] = (1, 1)
    min_width: ClassVar[int] = 500

    record_saved = Signal(str)

    def __init__(
        self,
        context: AppContext,
        record_id: str | None = None,
        prefill: Mapping[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.db = context.db
        self.record_id = record_id
        # Raises NotFoundError for a deleted or unknown record: the registry reports it.
        self.record: dict[str, Any] | None = records.get(self.db, self.table, record_id) if record_id else None
        self.saved_id: str | None = None
        self.fields: dict[str, Field] = {}
        self._extra_focus: list[QWidget] = []
        self._form: QFormLayout | None = None
        self._after_load: list[Callable[[], None]] = []  # hooks that derive fields from loaded ones
        self.setWindowTitle(f"{'Edit' if record_id else 'New'} {self.noun}")
        self.setModal(True)
        self.setAccessibleName(self.windowTitle())
        self.setSizeGripEnabled(True)

        outer = QVBoxLayout(self)
        outer.setSpacing(10)
        self._column_layout = QHBoxLayout()
        self._column_layout.setSpacing(16)
        self._column_boxes = [QVBoxLayout() for _ in range(self.columns)]
        self._stretched_columns: set[int] = set()
        for index, box in enumerate(self._column_boxes):
            self._column_layout.addLayout(box, self.column_stretch[index])
        outer.addLayout(self._column_layout, 1)
        self.build()
        for index, box in enumerate(self._column_boxes):
            if index not in self._stretched_columns:
                box.addStretch(1)
        self.banner = FieldErrorLabel("Form")
        outer.addWidget(self.banner)
        outer.addLayout(self._build_buttons())

        self.load(prefill or {})
        hint = self.sizeHint()
        fit_to_screen(self, QSize(max(self.min_width, hint.width()), hint.height()))
        self._snapshot = self.form_state()
        self.update_tab_order()
        for keys in SAVE_KEYS:
            QShortcut(QKeySequence(keys), self, activated=self.save)
        first = self.first_focus()
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- building ---------------------------------------------------------------------------
    def build(self) -> None:
        """Add the fields (subclasses): call :meth:`section` and :meth:`add_field` in tab order."""
        raise NotImplementedError

    def section(
        self, title: str | None = None, column: int = 0, note: str | None = None, stretch: bool = False
    ) -> QFormLayout:
        """Start a group of fields (a titled box when ``title``) in ``column``; later fields go in it.

        ``stretch=True`` lets the box take the column's spare height (a list that can grow).
        """
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setVerticalSpacing(8)
        if title:
            box = QGroupBox(title)
            box.setAccessibleName(plain_label(title))
            inner = QVBoxLayout(box)
            if note:
                hint = QLabel(note)
                hint.setWordWrap(True)
                hint.setObjectName("sectionNote")
                inner.addWidget(hint)
            inner.addLayout(form)
            self._column_boxes[column].addWidget(box, 1 if stretch else 0)
            if stretch:
                self._stretched_columns.add(column)
        else:
            self._column_boxes[column].addLayout(form)
        self._form = form
        return form

    def add_field(
        self,
        name: str,
        label: str,
        widget: QWidget,
        *,
        hint: str | None = None,
        note: str | None = None,
        saved: bool = True,
        span: bool = False,
    ) -> Any:
        """Add ``widget`` as field ``name`` with its label and error line; return the widget.

        ``hint`` is a tooltip; ``note`` a short muted text shown beside the widget (e.g. what a
        scale means). ``saved=False`` keeps the field out of the values written (the subclass
        saves it its own way); ``span=True`` gives it the whole row width, without a caption.
        """
        form = self._form or self.section()
        # A tick box carries its own text; it names the field when the row has no label.
        text = plain_label(label) or plain_label(getattr(widget, "text", lambda: "")())
        setter = getattr(widget, "set_accessible_label", widget.setAccessibleName)
        setter(text)
        if hint:
            widget.setToolTip(hint)
            widget.setAccessibleDescription(hint)
        error = FieldErrorLabel(text)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if note:
            line = QHBoxLayout()
            line.addWidget(widget)
            remark = QLabel(note)
            remark.setObjectName("fieldNote")
            remark.setWordWrap(True)
            remark.setEnabled(False)  # drawn in the palette's muted text colour
            line.addWidget(remark, 1)
            column.addLayout(line)
        elif widget.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Fixed:
            column.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            column.addWidget(widget)
        column.addWidget(error)
        if span:
            form.addRow(holder)
        else:
            caption = QLabel(label)
            caption.setBuddy(self._buddy_of(widget))
            form.addRow(caption, holder)
        self.fields[name] = Field(name, text, widget, error, saved)
        # A message about a field goes as soon as the field is changed: it may be fixed now, and
        # the rules run again on saving.
        edited = getattr(widget, "edited", None)
        if edited is not None:
            edited.connect(error.clear_message)
        return widget

    @staticmethod
    def _buddy_of(widget: QWidget) -> QWidget:
        widgets = getattr(widget, "focus_widgets", None)
        return widgets()[-1] if widgets else widget

    def add_focus_widgets(self, widgets: Iterable[QWidget]) -> None:
        """Add widgets that are not fields (e.g. buttons inside the form) to the tab order, in order."""
        self._extra_focus.extend(widgets)

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        keys = QLabel("Ctrl+Enter saves · Esc cancels")
        keys.setObjectName("keyHint")
        keys.setEnabled(False)  # drawn in the palette's muted text colour
        row.addWidget(keys)
        row.addStretch(1)
        self.cancel_button = QPushButton("Cancel")
        self.save_button = QPushButton("&Save")
        for button in (self.cancel_button, self.save_button):
            # No default button: Enter in a single-line field must not save half a form.
            button.setAutoDefault(False)
            button.setDefault(False)
            row.addWidget(button)
        self.save_button.setToolTip("Save (Ctrl+Enter)")
        self.save_button.setAccessibleName("Save")
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        return row

    # -- ready-made fields ---------------------------------------------------------------------
    def unit_field(self, name: str = "unit_id", label: str = "&Unit", optional: bool = False) -> ChoiceField:
        """Add a unit choice (optional ones start with '— none —')."""
        choices = [(u["name"], u["id"]) for u in pickers.units(self.db)]
        return self.add_field(name, label, ChoiceField(choices, empty_label="— none —" if optional else None))

    def tool_field(self, name: str = "tool_id", label: str = "&Tool") -> ChoiceField:
        """Add an AI-tool choice (tools that are not live show their stage)."""
        choices = [
            (t["name"] if t["stage"] == "live" else f"{t['name']} ({t['stage']})", t["id"])
            for t in pickers.tools(self.db)
        ]
        return self.add_field(name, label, ChoiceField(choices))

    def vocab_field(self, name: str, label: str, enum: type[StrEnum], empty_label: str | None = None) -> ChoiceField:
        """Add a choice over one of the documented vocabularies, with its one-line hint and each value's meaning."""
        choices = [
            (f"{text} — {vocab.VALUE_HINTS[value]}" if value in vocab.VALUE_HINTS else text, value)
            for text, value in vocab_choices(vocab.values(enum))
        ]
        return self.add_field(
            name, label, ChoiceField(choices, empty_label=empty_label), hint=vocab.FIELD_HINTS.get(enum)
        )

    def date_field(self, name: str, label: str = "&Date") -> DateField:
        """Add a required date (today by default)."""
        return self.add_field(name, label, DateField())

    def staff_field(self, name: str, label: str, include_inactive: bool = True, hint: str | None = None) -> StaffPicker:
        """Add a type-ahead colleague picker (inactive colleagues listed so old records still load)."""
        picker = StaffPicker(pickers.staff(self.db, include_inactive))
        picker.preferred_unit_id = self.current_user_unit_id()
        return self.add_field(name, label, picker, hint=hint)

    def link_date_to_status(self, status_name: str, date_name: str, statuses: Iterable[str]) -> None:
        """Make a date field follow a status: set (today) when the status is one of ``statuses``, else empty.

        The rule mirrors validation (a resolved date exactly when resolved), so the form cannot
        be put in a state the rules reject.
        """
        status = self.fields[status_name].widget
        date: OptionalDateEdit = self.fields[date_name].widget
        wanted = {str(s) for s in statuses}

        def follow() -> None:
            active = status.value() in wanted
            date.set_active(active)
            date.setEnabled(active)

        status.edited.connect(follow)
        self._after_load.append(follow)

    # -- defaults and loading ----------------------------------------------------------------
    def current_user_id(self) -> str | None:
        return (self.context.current_user or {}).get("id")

    def current_user_unit_id(self) -> str | None:
        """Return the unit of whoever is logging (a form's default unit), or None."""
        me = pickers.staff_member(self.db, self.current_user_id())
        return me["unit_id"] if me else None

    def defaults(self) -> dict[str, Any]:
        """Return a new record's starting values (subclasses add theirs): the user's unit, the most used tool."""
        values: dict[str, Any] = {}
        if "unit_id" in self.fields:
            values["unit_id"] = self.current_user_unit_id()
        if "tool_id" in self.fields:
            values["tool_id"] = pickers.most_used_tool_id(self.db)
        return values

    def load(self, prefill: Mapping[str, Any]) -> None:
        """Fill the form from the record being edited, or from defaults overlaid with ``prefill``."""
        source = dict(self.record) if self.record else {**self.defaults(), **{k: v for k, v in prefill.items()}}
        for name, field in self.fields.items():
            if name in source and (source[name] is not None or self.record is not None):
                field.widget.set_value(source[name])
        for hook in self._after_load:
            hook()
        if self.record:
            # After the status hooks, so an edited record shows its own stored dates.
            for name, field in self.fields.items():
                if name in source and isinstance(field.widget, OptionalDateEdit):
                    field.widget.set_value(source[name])

    def first_focus(self) -> QWidget | None:
        """Return the widget that gets the keyboard first (the first field)."""
        for field in self.fields.values():
            widgets = [w for w in field.focus_widgets() if w.isEnabled() and not w.isHidden()]
            if widgets:
                return widgets[0]
        return None

    def update_tab_order(self) -> None:
        """Chain the keyboard focus through the fields in the order they were added, then the buttons."""
        chain: list[QWidget] = []
        for field in self.fields.values():
            chain.extend(field.focus_widgets())
        chain.extend(self._extra_focus)
        chain.extend([self.cancel_button, self.save_button])
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    # -- values ------------------------------------------------------------------------------
    def collect(self) -> dict[str, Any]:
        """Return what the form holds, by field name (the fields that are saved)."""
        return {name: f.widget.value() for name, f in self.fields.items() if f.saved}

    def extra_values(self) -> dict[str, Any]:
        """Return values saved without a field of their own (subclasses: e.g. who reported)."""
        return {}

    def record_values(self) -> dict[str, Any]:
        """Return the values to save: the form's plus :meth:`extra_values`."""
        return {**self.collect(), **self.extra_values()}

    def form_state(self) -> dict[str, Any]:
        """Return every field's state, saved or not (to tell whether anything was changed).

        A widget's ``state()``, when it has one, also covers typed text that is not a value yet
        (a name typed in a picker but not chosen), so cancelling still asks before losing it.
        """
        return {name: getattr(f.widget, "state", f.widget.value)() for name, f in self.fields.items()}

    def is_dirty(self) -> bool:
        """Return True when something was typed or changed since the form was loaded or saved."""
        return self.form_state() != self._snapshot

    def full_values(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Return the record as it would be stored (defaults or current values under the form's)."""
        clean = logbook.normalise(values)
        if self.record is None:
            return {**logbook.DEFAULTS.get(self.table, {}), **clean}
        return {**{k: self.record[k] for k in records.editable_fields(self.table)}, **clean}

    # -- checking and saving -------------------------------------------------------------------
    def check(self, values: Mapping[str, Any]) -> list[ValidationError]:
        """Return every problem: input a widget cannot turn into a value, then every broken rule."""
        found = []
        for name, field in self.fields.items():
            problem = getattr(field.widget, "input_problem", lambda: None)()
            if problem:
                found.append(ValidationError(name, "incomplete input", problem))
        found.extend(validation.problems(self.db, self.table, self.full_values(values), self.record_id))
        return found

    def write(self, values: dict[str, Any], acknowledge_identifiers: bool) -> str:
        """Save the record in one transaction and return its id (subclasses: other save operations)."""
        return logbook.save(
            self.db,
            self.table,
            values,
            self.context.actor,
            self.record_id,
            acknowledge_identifiers=acknowledge_identifiers,
        )

    def accept(self) -> None:
        """Save; the dialog closes only when the record is saved."""
        self.save()

    def save(self) -> bool:
        """Check, then save; on any problem show it, keep every value and stay open. Return True if saved."""
        self.clear_problems()
        values = self.record_values()
        found = self.check(values)
        if found:
            self.show_problems(found)
            return False
        return self._write(values, acknowledge=False)

    def _write(self, values: dict[str, Any], acknowledge: bool) -> bool:
        try:
            # Taken before writing, so Undo can put back exactly what this save replaced.
            before = logbook.before_edit(self.db, self.table, self.record_id) if self.record_id else None
            saved_id = self.write(values, acknowledge)
        except PatientIdentifierWarning as warning:
            if not acknowledge and self.confirm_identifiers(warning.findings):
                return self._write(values, acknowledge=True)
            self.show_problems(
                [
                    ValidationError(
                        f, "looks like patient data", f"This looks like {what}. Remove patient details before saving."
                    )
                    for f, what in warning.findings
                ]
            )
            return False
        except (ValidationError, ConflictError) as error:
            self.show_problems([error, *getattr(error, "others", [])])
            return False
        except ChampionDeskError as error:
            self.banner.show_message(f"Not saved — {error} Nothing was lost: your entries are still here.")
            return False
        was_new = self.record is None and self.saved_id is None
        self.saved_id = saved_id
        self.record_id = saved_id
        self._snapshot = self.form_state()
        self.context.notify_changed(self.table)
        self.record_saved.emit(saved_id)
        self.context.record_saved.emit(self.table, saved_id, was_new, self.saved_description())
        if before is not None and logbook.before_edit(self.db, self.table, saved_id) != before:
            self.context.edit_saved.emit(before, self.saved_description())
        super().accept()
        return True

    def saved_description(self) -> str:
        """Return what was saved, for the status bar: the noun and its date ('concern of 2 Nov 2026').

        Never free text: the status bar is seen by whoever passes the screen, and a concern's
        words are confidential.
        """
        for field in self.fields.values():
            widget = field.widget.date_edit if isinstance(field.widget, OptionalDateEdit) else field.widget
            if isinstance(widget, DateField) and widget.value():
                return f"{self.noun} of {format_uk_date(widget.value())}"
        return self.noun

    def clear_problems(self) -> None:
        """Hide every field message and the banner."""
        for field in self.fields.values():
            field.error.clear_message()
            getattr(field.widget, "clear_errors", lambda: None)()
        self.banner.clear_message()

    def show_problems(self, problems: Iterable[ValidationError | ConflictError]) -> None:
        """Show each message beside the field it names and focus the first bad field in form order."""
        targets: list[QWidget] = []
        for problem in problems:
            target = self.show_problem(problem)
            if target is not None:
                targets.append(target)
        order = [w for f in self.fields.values() for w in f.focus_widgets()]
        if targets:
            targets.sort(key=lambda w: order.index(w) if w in order else len(order))
            targets[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def show_problem(self, problem: ValidationError | ConflictError) -> QWidget | None:
        """Show one message beside its field (or in the banner when no field shows it); return what to focus."""
        field = self.fields.get(problem.field)
        if field is None or not field.widget.isVisibleTo(self):
            prefix = self.banner.message()
            self.banner.show_message(f"{prefix}\n{problem.message}" if prefix else problem.message)
            return None
        if not field.error.message():
            field.error.show_message(problem.message)
        return next((w for w in field.focus_widgets() if w.isEnabled()), field.widget)

    def error_of(self, name: str) -> str:
        """Return the message shown under field ``name`` ('' when none)."""
        return self.fields[name].error.message()

    # -- questions -------------------------------------------------------------------------
    def field_label(self, name: str) -> str:
        field = self.fields.get(name)
        return field.label if field else name.replace("_", " ")

    def ask(
        self,
        title: str,
        text: str,
        details: str,
        safe: str,
        risky: str,
        icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
    ) -> bool:
        """Ask a two-way question whose safe answer is the default (and Esc); return True for ``risky``."""
        box = QMessageBox(self)
        box.setIcon(icon)
        box.setWindowTitle(title)
        box.setText(text)
        if details:
            box.setInformativeText(details)
        safe_button = box.addButton(safe, QMessageBox.ButtonRole.RejectRole)
        risky_button = box.addButton(risky, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(safe_button)
        box.setEscapeButton(safe_button)
        box.exec()
        return box.clickedButton() is risky_button

    def confirm_identifiers(self, findings: list[tuple[str, str]]) -> bool:
        """Ask whether flagged text is patient data; return True only for "It is not patient data — save"."""
        return self.ask(
            "Possible patient data",
            "Some text looks like it may identify a patient. No patient data may be stored here.",
            "\n".join(f"• {self.field_label(f)}: looks like {what}" for f, what in findings),
            "Go back and edit",
            "It is not patient data — save",
        )

    def confirm_discard(self) -> bool:
        """Ask before throwing away typed changes; return True to discard."""
        return self.ask(
            f"Discard this {self.noun}?",
            f"You have typed changes to this {self.noun} that are not saved.",
            "",
            "Keep editing",
            "Discard changes",
            QMessageBox.Icon.Question,
        )

    def reject(self) -> None:
        """Cancel (Esc, Cancel, closing the window), asking first when changes would be lost."""
        if self.saved_id is None and self.is_dirty() and not self.confirm_discard():
            return
        super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter moves to the next field, like Tab: a form is saved on purpose (Ctrl+Enter, Save),
        # never by an Enter meant to finish one line. On a button, Enter presses it.
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            # Reached when the window is not active, so the Ctrl+Enter shortcut did not fire.
            self.save()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focus = QApplication.focusWidget()
            if isinstance(focus, (QPushButton, QToolButton)):
                focus.animateClick()
                return
            if not isinstance(focus, QPlainTextEdit):
                self.focusNextChild()
                return
        super().keyPressEvent(event)
