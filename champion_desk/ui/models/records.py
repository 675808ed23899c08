"""Table models over the plain row dicts of ``domain.listings``: one generic model, one column spec per list.

Each ``<Noun>TableModel`` only declares its ``COLUMNS``; the ``COL_*`` constants are derived from
the column keys (``Column("held_on", ...)`` gives ``COL_HELD_ON``), so they cannot drift.
Display text is formatted for people (``20 Nov 2026``, ``Yes``); ``SORT_ROLE`` gives a value of
one type per column (ISO dates, numbers), so sorting runs in Qt without Python comparisons.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from champion_desk.domain.dates import format_uk_date

Row = dict[str, Any]
_Index = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
ROW_ROLE = Qt.ItemDataRole.UserRole + 3

NUMERIC_KINDS = ("int", "number", "score")


# Letters that Unicode does not decompose into a base letter plus an accent.
_UNDECOMPOSED = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ŀ": "l", "æ": "ae", "œ": "oe", "þ": "th"}
)


def fold(text: str) -> str:
    """Return text case-folded without accents, so "zoe" finds "Zoë" and "lukasz" finds "Łukasz"."""
    text = text.casefold()
    if text.isascii():  # the common case, and long descriptions: skip the per-character work
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def format_date(value: str | None) -> str:
    """Return an ISO date as ``20 Nov 2026`` (unambiguous on any ward PC), or '' when empty."""
    return format_uk_date(value)


def _format(kind: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if kind == "date":
        return format_date(value)
    if kind == "bool":
        return "Yes" if value else ""
    if kind == "score":
        return f"{float(value):.1f}"
    if kind == "percent":
        return f"{int(value)}%"
    if kind == "signed":
        return f"{float(value):+.1f}"
    if kind == "text":
        return str(value)[:1].upper() + str(value)[1:] if isinstance(value, str) and value.islower() else str(value)
    return str(value)


@dataclass(frozen=True)
class Column:
    """One column: the row key, its header, how it is shown, and an optional tooltip."""

    key: str
    title: str
    # text, name (shown as stored), prose (free text shown as stored: a title, a note, which a narrow
    # list may cut short), date, int, number, score, signed, percent, bool
    kind: str = "text"
    tip: str = ""
    display: Callable[[Row], str] | None = None  # overrides the kind's formatting

    def text(self, row: Row) -> str:
        """Return the text shown for this column of a row."""
        if self.display is not None:
            return self.display(row)
        value = row.get(self.key)
        return str(value) if self.kind in ("name", "prose") and value is not None else _format(self.kind, value)

    def sort_value(self, row: Row) -> Any:
        """Return the value this column sorts by: one type per column, empty values first."""
        value = row.get(self.key)
        if self.kind in NUMERIC_KINDS or self.kind in ("signed", "percent", "bool"):
            return float(value) if value is not None and value != "" else float("-inf")
        if self.kind == "date":
            return str(value or "")
        return fold(self.text(row))


class RecordTableModel(QAbstractTableModel):
    """Rows of plain dicts shown through a column spec; read-only (edits go through dialogs)."""

    COLUMNS: ClassVar[tuple[Column, ...]] = ()
    NOUN: ClassVar[tuple[str, str]] = ("record", "records")
    ID_KEY: ClassVar[str] = "id"
    # The sort a list starts with (until the user clicks a header): newest first for dated logs.
    DEFAULT_SORT: ClassVar[tuple[str, Qt.SortOrder]] = ("", Qt.SortOrder.AscendingOrder)
    # The column a row is read by (an idea's or story's title): when the columns must narrow to
    # fit, it keeps what the others leave at their narrowest instead of shrinking with them.
    MAIN_COLUMN: ClassVar[str | None] = None
    # Columns a narrow list leaves out, first to last, so names and the main column stay readable
    # without scrolling sideways (the record's form, or a detail panel, shows them anyway); a tuple
    # of keys is left out together.
    HIDE_WHEN_NARROW: ClassVar[tuple[str | tuple[str, ...], ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for number, column in enumerate(cls.COLUMNS):
            setattr(cls, f"COL_{column.key.upper()}", number)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._search: dict[int, str] = {}  # id(row) -> folded text, filled on the first search
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # --- data in -----------------------------------------------------------------------------
    def set_rows(self, rows: Iterable[Row]) -> None:
        """Replace every row (a model reset: views keep their sort and column widths)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._search = {}
        if self._sort is not None:
            self._rows.sort(key=self._sort_key(self._sort[0]), reverse=self._sort[1] == Qt.SortOrder.DescendingOrder)
        self.endResetModel()

    def _sort_key(self, column: int) -> Callable[[Row], Any]:
        return self.COLUMNS[column].sort_value

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:  # Qt override
        """Sort the rows in Python (one key per row): thousands of rows sort at once, where Qt's
        proxy sort would call back into Python for every comparison."""
        if not 0 <= column < len(self.COLUMNS):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        held = [(self._rows[i.row()], i.column()) for i in before]
        self._rows.sort(key=self._sort_key(column), reverse=order == Qt.SortOrder.DescendingOrder)
        position = {id(row): number for number, row in enumerate(self._rows)}
        self.changePersistentIndexList(before, [self.index(position[id(row)], c) for row, c in held])
        self.layoutChanged.emit()

    def extra_search_text(self, row: Row) -> str:
        """Return text searched besides the columns (e.g. a topic that is not a column)."""
        return ""

    # --- data out ----------------------------------------------------------------------------
    def rows(self) -> list[Row]:
        """Return every row (not only those a proxy lets through)."""
        return list(self._rows)

    def row(self, number: int) -> Row:
        """Return the row dict at ``number``."""
        return self._rows[number]

    def search_text(self, number: int) -> str:
        """Return the folded text a search looks in for row ``number``."""
        row = self._rows[number]
        text = self._search.get(id(row))
        if text is None:
            text = fold(" ".join(c.text(row) for c in self.COLUMNS) + " " + self.extra_search_text(row))
            self._search[id(row)] = text
        return text

    def row_of(self, record_id: str) -> int:
        """Return the row number of a record id, or -1."""
        for number, row in enumerate(self._rows):
            if row.get(self.ID_KEY) == record_id:
                return number
        return -1

    def count_text(self, rows: list[Row] | None = None) -> str:
        """Return e.g. "128 concerns" for ``rows`` (default: all); pages add what matters to them."""
        n = len(self._rows if rows is None else rows)
        return f"{n} {self.NOUN[0] if n == 1 else self.NOUN[1]}"

    def column_texts(self, column: int) -> dict[str, int]:
        """Return every distinct text a column shows, each with the number of a row showing it.

        For sizing columns to all rows, not a sample: rows share few values (units, tools, names,
        dates), so each raw value is formatted once unless the column has a display function.
        """
        spec = self.COLUMNS[column]
        rows = self._rows
        if spec.display is not None:
            firsts = {}
            for number, row in enumerate(rows):
                firsts.setdefault(spec.display(row), number)
            return firsts
        by_value: dict[Any, int] = {}
        for number, row in enumerate(rows):
            by_value.setdefault(row.get(spec.key), number)
        texts: dict[str, int] = {}
        for number in by_value.values():
            texts.setdefault(spec.text(rows[number]), number)
        return texts

    # --- Qt overrides ------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        column = self.COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tip or column.title
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(row)
        if role == SORT_ROLE:
            return column.sort_value(row)
        if role == ID_ROLE:
            return row.get(self.ID_KEY)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind in (*NUMERIC_KINDS, "signed", "percent"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def tooltip(self, row: Row, column: Column) -> str | None:
        """Return a tooltip for a cell: by default the full text when it may be cut off."""
        text = column.text(row)
        return text if len(text) > 30 else None


# Short enough for a list column; the journey and tooltips say it in full (signing.LABELS).
SIGNATURE_TAGS = {"pin": "PIN ✓", "unverified": "unverified", "before signatures": "before signatures"}


def signed_off_text(signed: int | None, verified: int | None) -> str:
    """Return how many attendees were signed off and how many of those sign-offs are verified (the signer's PIN).

    In the words the signing dialogs use: "1 (none by PIN)" puzzled a nurse trying the app.
    """
    if not signed:
        return _format("int", signed)
    if verified and verified == signed:
        return f"{signed} (verified)"
    return f"{signed} ({verified} verified)" if verified else f"{signed} (unverified)"


class SessionTableModel(RecordTableModel):
    """Training sessions (``listings.sessions``)."""

    NOUN = ("session", "sessions")
    DEFAULT_SORT = ("held_on", Qt.SortOrder.DescendingOrder)
    # The session's form shows all of these; the list keeps when, what, where, who and how many.
    HIDE_WHEN_NARROW = (
        "verified_by_name",
        "minutes",
        "confidence_uplift",
        "verified_signature",
        "format",
        "signed_off",
    )
    COLUMNS = (
        Column(
            "held_on",
            "Held on",
            "date",
            display=lambda r: format_date(r.get("held_on")) + (" (planned)" if r.get("planned") else ""),
        ),
        Column("tool", "Tool", "name"),
        Column("unit", "Unit", "name"),
        Column("trainer", "Trainer", "name"),
        Column("format", "Format"),
        Column("minutes", "Minutes", "int"),
        Column("attendees", "Attendees", "int"),
        Column(
            "signed_off",
            "Signed off",
            "int",
            "Attendees whose competency was signed off; verified: signed with the signer's own signing PIN",
            display=lambda r: signed_off_text(r.get("signed_off"), r.get("signed_off_verified")),
        ),
        Column("confidence_uplift", "Confidence +", "signed", "Mean confidence after minus before (1–5 scale)"),
        Column(
            "verified_signature",
            "Countersign",
            "text",
            "How the countersign was signed: with the manager's signing PIN, unverified (no PIN), or before signatures",
            display=lambda r: SIGNATURE_TAGS.get(r.get("verified_signature") or "", ""),
        ),
        Column("verified_by_name", "Countersigned by", "name", "The manager who countersigned the session"),
    )

    def extra_search_text(self, row: Row) -> str:
        # What a champion remembers of a session besides its columns: what it covered, where, the notes.
        return " ".join(filter(None, (row.get("topic"), row.get("place"), row.get("notes"))))


class ConcernTableModel(RecordTableModel):
    """Concerns (``listings.concerns``); there is deliberately no "raised by" column."""

    NOUN = ("concern", "concerns")
    DEFAULT_SORT = ("occurred_on", Qt.SortOrder.DescendingOrder)
    # Kept to the last: when, where, about what, its status and how long it has been open.
    HIDE_WHEN_NARROW = ("reported_by_name", "owner", "barrier", "severity")
    COLUMNS = (
        Column("occurred_on", "Raised on", "date"),
        Column("unit", "Unit", "name"),
        Column("tool", "Tool", "name"),
        Column("theme", "Theme"),
        Column("barrier", "ADKAR barrier"),
        Column("severity", "Severity"),
        Column("status", "Status"),
        Column("days_open", "Days open", "int", "Days from raised to resolved, or to today while unresolved"),
        Column("owner", "Owner", "name"),
        Column("reported_by_name", "Logged by", "name", "The champion who logged the concern"),
    )

    def extra_search_text(self, row: Row) -> str:
        return " ".join(filter(None, (row.get("description"), row.get("response"))))


class PairingTableModel(RecordTableModel):
    """Mentoring pairings (``listings.pairings``)."""

    NOUN = ("pairing", "pairings")
    DEFAULT_SORT = ("started_on", Qt.SortOrder.DescendingOrder)
    # Kept to the last: who mentors whom on which tool, the status and the last check-in (stalling).
    HIDE_WHEN_NARROW = ("progress", "mentee_unit", "started_on", "checkins")
    COLUMNS = (
        Column("mentor", "Mentor", "name"),
        Column("mentee", "Mentee", "name"),
        Column("mentee_unit", "Unit", "name"),
        Column("tool", "Tool", "name"),
        Column("started_on", "Started", "date"),
        Column("status", "Status"),
        Column("progress", "Progress", "percent"),
        Column("checkins", "Check-ins", "int"),
        Column("last_checkin", "Last check-in", "date"),
    )

    def extra_search_text(self, row: Row) -> str:
        return row.get("goal") or ""


class CheckinTableModel(RecordTableModel):
    """The check-ins of one pairing (``listings.checkins``)."""

    NOUN = ("check-in", "check-ins")
    DEFAULT_SORT = ("held_on", Qt.SortOrder.DescendingOrder)
    COLUMNS = (
        Column("held_on", "Held on", "date"),
        Column("minutes", "Minutes", "int"),
        Column("confidence", "Confidence", "int", "Mentee's confidence, 1–5"),
        Column("note", "Note", "prose"),
    )


class StoryTableModel(RecordTableModel):
    """Success stories (``listings.stories``)."""

    NOUN = ("story", "stories")
    DEFAULT_SORT = ("told_on", Qt.SortOrder.DescendingOrder)
    MAIN_COLUMN = "title"
    HIDE_WHEN_NARROW = ("unit",)  # often blank: a story may be about the tool on every unit
    COLUMNS = (
        Column("told_on", "Told on", "date"),
        Column("title", "Title", "prose"),
        Column("tool", "Tool", "name"),
        Column("unit", "Unit", "name"),
        Column("measure", "Measure", "prose"),
        Column("value", "Value", "name"),
    )

    def extra_search_text(self, row: Row) -> str:
        return " ".join(filter(None, (row.get("summary"), row.get("source"))))


class IdeaTableModel(RecordTableModel):
    """Staff ideas (``listings.ideas``), most backed first; there is deliberately no "suggested by" column."""

    NOUN = ("idea", "ideas")
    DEFAULT_SORT = ("support", Qt.SortOrder.DescendingOrder)
    MAIN_COLUMN = "title"
    # The scope bar already chooses the units; how long an idea has waited is its days at its status.
    HIDE_WHEN_NARROW = ("unit", "raised_on")
    COLUMNS = (
        Column("title", "Idea", "prose"),
        Column("support", "Backers", "int", "Colleagues backing the idea"),
        # Sorting by this date is sorting by age; a column of ages beside it would crowd out the title.
        Column("raised_on", "Raised on", "date"),
        Column("status", "Status"),
        # Right after the status it reads as "days at that status"; a longer header narrows the title.
        Column("days_in_status", "Days", "int", "Days since its status last changed"),
        Column("tool", "Tool", "name"),
        Column("unit", "Unit", "name"),
    )

    def extra_search_text(self, row: Row) -> str:
        return " ".join(filter(None, (row.get("description"), row.get("status_reason"))))


ADKAR_SCORES = ("awareness", "desire", "knowledge", "ability", "reinforcement")


class PulseTableModel(RecordTableModel):
    """Readiness pulses (``listings.pulses``), ADKAR means on a 1–5 scale."""

    NOUN = ("pulse", "pulses")
    DEFAULT_SORT = ("taken_on", Qt.SortOrder.DescendingOrder)
    # At 1024x768 the five scores and whole unit and tool names do not fit together: the scores go
    # (all five: one alone would mislead), and the barrier point says where they first fall below 3.
    HIDE_WHEN_NARROW = ("respondents", ADKAR_SCORES)
    COLUMNS = (
        Column("taken_on", "Taken on", "date"),
        Column("unit", "Unit", "name"),
        Column("tool", "Tool", "name"),
        Column("respondents", "Replies", "int", "How many staff answered the pulse"),
        Column("awareness", "Awareness", "score", "Mean score 1–5"),
        Column("desire", "Desire", "score", "Mean score 1–5"),
        Column("knowledge", "Knowledge", "score", "Mean score 1–5"),
        Column("ability", "Ability", "score", "Mean score 1–5"),
        Column("reinforcement", "Reinforcement", "score", "Mean score 1–5"),
        Column(
            "barrier_point",
            "Barrier point",
            "text",
            "The first ADKAR element scored below 3, and its mean: where to act next, since each step "
            "rests on the ones before it (as the dashboard outlines it)",
            display=lambda r: (
                f"{r['barrier_point'].capitalize()} {r[r['barrier_point']]:.1f}"
                if r.get("barrier_point")
                else "none below 3"
            ),
        ),
    )


class StaffTableModel(RecordTableModel):
    """Staff (``listings.staff``)."""

    NOUN = ("person", "people")
    DEFAULT_SORT = ("display_name", Qt.SortOrder.AscendingOrder)
    MAIN_COLUMN = "display_name"
    # Role last: the list can be filtered by role, and the colleague's panel shows it.
    HIDE_WHEN_NARROW = ("sessions_attended", "last_trained", "active", "is_champion", "staff_ref", "role")
    COLUMNS = (
        Column("display_name", "Name", "name"),
        Column("role", "Role"),
        Column("unit", "Unit", "name"),
        Column("staff_ref", "Staff number", "name"),
        Column("is_champion", "Champion", "bool"),
        Column("active", "Status", display=lambda r: "Active" if r.get("active") else "Left"),
        Column("sessions_attended", "Sessions", "int", "Training sessions attended"),
        Column("last_trained", "Last trained", "date"),
    )


class ToolTableModel(RecordTableModel):
    """AI tools (``listings.tools``)."""

    NOUN = ("tool", "tools")
    DEFAULT_SORT = ("name", Qt.SortOrder.AscendingOrder)
    COLUMNS = (
        Column("name", "Tool", "name"),
        Column("vendor", "Vendor", "name"),
        Column("stage", "Stage"),
        Column("go_live_on", "Go-live", "date"),
        Column("units_live", "Units live", "int", "Units whose latest rollout stage is live"),
        Column("refresher_months", "Refresher (months)", "int"),
        Column("sessions", "Sessions", "int", "Training sessions logged for this tool"),
    )

    def extra_search_text(self, row: Row) -> str:
        return row.get("purpose") or ""


class RolloutTableModel(RecordTableModel):
    """Rollout stages of a tool on units (``listings.rollouts``)."""

    NOUN = ("rollout stage", "rollout stages")
    DEFAULT_SORT = ("unit", Qt.SortOrder.AscendingOrder)
    COLUMNS = (
        Column("unit", "Unit", "name"),
        Column("stage", "Stage"),
        Column("since", "Since", "date"),
        Column("current", "Current", display=lambda r: "Current" if r.get("current") else "Earlier"),
    )


class UnitTableModel(RecordTableModel):
    """Wards and departments (``listings.units``)."""

    NOUN = ("unit", "units")
    DEFAULT_SORT = ("name", Qt.SortOrder.AscendingOrder)
    COLUMNS = (
        Column("name", "Unit", "name"),
        Column("site", "Site", "name"),
        Column("specialty", "Specialty", "name"),
        Column("staff", "Current staff", "int"),
    )
