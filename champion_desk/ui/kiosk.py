"""The sign-in screen: attendees find their own name (or scan their badge) and tap their confidence.

Full screen, large type, nothing else of the app reachable. Each sign-in is saved at once, one
transaction per person (domain/signin.py). Nobody sees a score once it is tapped: the screen shows
only who is here. Leaving, or switching to the scores after the session, needs the champion: the
session trainer's signing PIN or the app PIN.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from champion_desk.domain import pickers, pin, signin, signing
from champion_desk.domain.dates import format_uk_date
from champion_desk.errors import ChampionDeskError, ValidationError
from champion_desk.store.connection import Database

NAME_ROW_PX = 56  # a name's row in the list: a finger's height
SHOWN = 7  # names in the list at once: each row is a finger's height at 1024x768
THANKS_MS = 2500
SCALE_WORDS = {1: "not at all", 2: "a little", 3: "fairly", 4: "quite", 5: "very"}


def _big(widget: QWidget, points: int, bold: bool = False) -> QWidget:
    font = QFont(widget.font())
    font.setPointSize(points)
    font.setBold(bold)
    widget.setFont(font)
    if isinstance(widget, QLabel):
        widget.setWordWrap(True)  # large type must wrap, never widen the screen past 1024 pixels
    return widget


def _button(text: str, points: int = 18) -> QPushButton:
    button = QPushButton(text)
    _big(button, points)
    button.setMinimumHeight(64)
    button.setAutoDefault(False)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing always goes to the name box
    return button


def may_run(db: Database, session: dict[str, Any], app_pin_hash: str | None) -> str | None:
    """Return why the sign-in screen cannot start (nobody could leave it), or None when it can."""
    if app_pin_hash or signing.has_signing_pin(db, session["trainer_id"]):
        return None
    return (
        "Leaving the sign-in screen needs a PIN: set the app PIN (File › App PIN) or the trainer's "
        "signing PIN (File › My signing PIN) first."
    )


class KioskWindow(QWidget):
    """The full-screen sign-in screen for one session dated today."""

    finished = Signal()

    def __init__(
        self,
        db: Database,
        session_id: str,
        actor: str,
        app_pin_hash: str | None = None,
        attempts: pin.PinAttempts | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
        )
        self.db, self.session_id = db, session_id
        self.session = signin.kiosk_session(db, session_id)
        self.actor = f"{actor} · sign-in screen"
        self.app_pin_hash = app_pin_hash
        self.attempts = attempts or pin.PinAttempts()
        self.after_mode = False
        self.chosen: dict[str, Any] | None = None
        self.new_name: str | None = None
        self._may_close = False
        self.setObjectName("signInScreen")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the score page takes digit keys itself
        self.setWindowTitle("Sign in")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)

        s = self.session
        title = _big(QLabel(f"{s['tool_name']}: {s['topic'] or s['format']}"), 22, True)
        title.setWordWrap(True)
        when = " · ".join(
            x
            for x in (
                s["unit_name"],
                format_uk_date(s["held_on"]),
                s["starts_at"],
                s["place"],
                f"with {s['trainer_name']}",
            )
            if x
        )
        subtitle = _big(QLabel(when), 14)
        self.champion_button = _button("Champion", 12)
        self.champion_button.setMinimumHeight(40)
        self.champion_button.clicked.connect(self.show_champion)
        header = QHBoxLayout()
        heads = QVBoxLayout()
        heads.addWidget(title)
        heads.addWidget(subtitle)
        header.addLayout(heads, 1)
        header.addWidget(self.champion_button, 0, Qt.AlignmentFlag.AlignTop)

        self.stack = QStackedWidget()
        self.stack.addWidget(self._find_page())
        self.stack.addWidget(self._score_page())
        self.stack.addWidget(self._walk_in_page())
        self.stack.addWidget(self._thanks_page())
        self.stack.addWidget(self._champion_page())

        self.here_label = _big(QLabel(), 13)
        self.here_label.setWordWrap(True)
        privacy = _big(
            QLabel("Your score goes straight into the logbook: nobody else sees it here. No patient details."), 11
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 20, 32, 16)
        layout.addLayout(header)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.here_label)
        layout.addWidget(privacy)
        self._thanks_timer = QTimer(self, singleShot=True, interval=THANKS_MS, timeout=self.show_find)
        self.refresh()
        self.show_find()

    # -- pages ------------------------------------------------------------------------------------
    def _find_page(self) -> QWidget:
        page = QWidget()
        self.find_prompt = _big(QLabel(), 20, True)
        self.name_edit = _big(QLineEdit(), 24)
        self.name_edit.setPlaceholderText("Type your name, or scan your badge")
        self.name_edit.setAccessibleName("Your name or staff number")
        self.name_edit.textChanged.connect(self._update_matches)
        self.name_edit.returnPressed.connect(self._enter)
        self.matches = _big(QListWidget(), 20)
        self.matches.setAccessibleName("Names")
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.matches.itemClicked.connect(lambda item: self.choose(item.data(Qt.ItemDataRole.UserRole)))
        # Four names at least, even in a window a desktop would not make full screen: seen under a
        # bare X server, the list showed one and a half.
        self.matches.setMinimumHeight(4 * NAME_ROW_PX + 2 * self.matches.frameWidth())
        self.find_message = _big(QLabel(), 14)
        self.walk_in_button = _button("Not on the list? Add your name")
        self.walk_in_button.clicked.connect(self.show_walk_in)
        layout = QVBoxLayout(page)
        layout.addWidget(self.find_prompt)
        layout.addWidget(self.name_edit)
        layout.addWidget(self.matches, 1)
        layout.addWidget(self.find_message)
        layout.addWidget(self.walk_in_button)
        return page

    def _score_page(self) -> QWidget:
        page = QWidget()
        self.question = _big(QLabel(), 22, True)
        self.question.setWordWrap(True)
        grid = QGridLayout()
        self.score_buttons = []
        for score in range(1, 6):
            button = _button(str(score), 40)
            button.setMinimumSize(130, 130)
            button.setAccessibleName(f"{score}: {SCALE_WORDS[score]}")
            button.clicked.connect(lambda _checked=False, n=score: self.score(n))
            grid.addWidget(button, 0, score - 1)
            grid.addWidget(_big(QLabel(SCALE_WORDS[score]), 14), 1, score - 1, Qt.AlignmentFlag.AlignHCenter)
            self.score_buttons.append(button)
        self.score_message = _big(QLabel(), 14)
        self.score_message.setWordWrap(True)
        back = _button("Back: not me")
        back.clicked.connect(self.show_find)
        layout = QVBoxLayout(page)
        layout.addWidget(self.question)
        layout.addSpacing(16)
        layout.addLayout(grid)
        layout.addWidget(self.score_message)
        layout.addStretch(1)
        layout.addWidget(back)
        return page

    def _walk_in_page(self) -> QWidget:
        page = QWidget()
        self.walk_in_edit = _big(QLineEdit(), 24)
        self.walk_in_edit.setPlaceholderText("Your first and last name")
        self.walk_in_edit.setAccessibleName("Your full name")
        self.walk_in_edit.setMaxLength(120)
        self.walk_in_edit.returnPressed.connect(self._walk_in_next)
        next_button = _button("Next")
        next_button.clicked.connect(self._walk_in_next)
        back = _button("Back")
        back.clicked.connect(self.show_find)
        layout = QVBoxLayout(page)
        layout.addWidget(_big(QLabel("Add your name: the champion will confirm it after the session."), 20, True))
        layout.addWidget(self.walk_in_edit)
        layout.addWidget(next_button)
        layout.addStretch(1)
        layout.addWidget(back)
        return page

    def _thanks_page(self) -> QWidget:
        page = QWidget()
        self.thanks = _big(QLabel(), 26, True)
        self.thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thanks.setWordWrap(True)
        QVBoxLayout(page).addWidget(self.thanks)
        return page

    def _champion_page(self) -> QWidget:
        page = QWidget()
        self.pin_edit = _big(QLineEdit(), 24)
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(pin.PIN_MAX_LENGTH)
        self.pin_edit.setAccessibleName("Champion's PIN")
        self.pin_edit.returnPressed.connect(self.leave)
        self.pin_message = _big(QLabel(), 14)
        self.pin_message.setWordWrap(True)
        self.leave_button = _button("Leave the sign-in screen")
        self.leave_button.clicked.connect(self.leave)
        self.mode_button = _button("")
        self.mode_button.clicked.connect(self.switch_mode)
        back = _button("Back to signing in")
        back.clicked.connect(self.show_find)
        layout = QVBoxLayout(page)
        layout.addWidget(
            _big(QLabel("Champion: your signing PIN or the app PIN, then choose (Enter leaves)"), 18, True)
        )
        layout.addWidget(self.pin_edit)
        layout.addWidget(self.pin_message)
        buttons = QHBoxLayout()
        buttons.addWidget(self.mode_button)
        buttons.addWidget(self.leave_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        layout.addWidget(back)
        return page

    # -- showing ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read who may sign in and who is here from the logbook (names only, never scores)."""
        self.people = signin.people(self.db, self.session_id)
        here = [p["display_name"] for p in self.people if p["signed_in"]]
        shown = ", ".join(here[:12]) + (f" and {len(here) - 12} more" if len(here) > 12 else "")
        self.here_label.setText(f"Here now: {len(here)}" + (f" — {shown}" if here else ""))

    def show_find(self) -> None:
        self._thanks_timer.stop()
        self.chosen, self.new_name = None, None
        self.find_prompt.setText(
            "End of the session: find your name to say how confident you are now"
            if self.after_mode
            else "Welcome! Find your name, or scan your staff badge"
        )
        self.find_message.clear()
        self.walk_in_button.setVisible(not self.after_mode)
        self.name_edit.clear()
        self._update_matches()
        self.stack.setCurrentIndex(0)
        self.name_edit.setFocus()

    def _candidates(self, text: str) -> list[dict[str, Any]]:
        if self.after_mode:
            pool = [p for p in self.people if p["signed_in"]]
            return pickers.match_staff(pool, text, SHOWN) if text.strip() else pool[:SHOWN]
        if not text.strip():
            return [p for p in self.people if p["invited"] and not p["signed_in"]][:SHOWN]
        invited = pickers.match_staff([p for p in self.people if p["invited"]], text, SHOWN)
        others = pickers.match_staff([p for p in self.people if not p["invited"]], text, SHOWN)
        return (invited + others)[:SHOWN]

    def _update_matches(self) -> None:
        self.matches.clear()
        for person in self._candidates(self.name_edit.text()):
            where = person.get("unit_name") or ""
            tick = "  ✓ signed in" if person["signed_in"] and not self.after_mode else ""
            item = QListWidgetItem(f"{person['display_name']}" + (f"  ({where})" if where else "") + tick)
            item.setData(Qt.ItemDataRole.UserRole, person)
            item.setSizeHint(QSize(0, NAME_ROW_PX))
            self.matches.addItem(item)
        if self.matches.count():
            self.matches.setCurrentRow(0)

    def _enter(self) -> None:
        """Enter: a scanned badge (the staff number, as the scanner types it), else the highlighted name."""
        text = self.name_edit.text()
        badge = signin.find_badge(self.db, text)
        if badge is not None:
            person = next((p for p in self.people if p["id"] == badge["id"]), None)
            if person is not None:
                self.choose(person)
                return
        item = self.matches.currentItem()
        if item is not None and text.strip():
            self.choose(item.data(Qt.ItemDataRole.UserRole))
        elif text.strip():
            self.find_message.setText("No one by that name or number: check the spelling, or add your name below.")

    def choose(self, person: dict[str, Any]) -> None:
        if self.after_mode and not person["signed_in"]:
            self.find_message.setText("Sign in first: only those who signed in give a score after.")
            return
        self.chosen, self.new_name = person, None
        self._ask(person["display_name"])

    def _ask(self, name: str) -> None:
        tool = self.session["tool_name"]
        when = "now, after the session" if self.after_mode else "before the session"
        self.question.setText(f"Hello {name}. How confident are you using {tool} {when}? Tap 1 to 5.")
        self.score_message.clear()
        self.stack.setCurrentIndex(1)
        self.setFocus()

    def show_walk_in(self) -> None:
        self.walk_in_edit.setText(self.name_edit.text())
        self.stack.setCurrentIndex(2)
        self.walk_in_edit.setFocus()

    def _walk_in_next(self) -> None:
        name = " ".join(self.walk_in_edit.text().split())
        if len(name.split()) < 2:
            self.walk_in_edit.setPlaceholderText("Your first and last name, please")
            self.walk_in_edit.clear()
            return
        self.chosen, self.new_name = None, name
        self._ask(name)

    def score(self, value: int) -> None:
        """Save the tapped score at once (one transaction), then thank them and clear the screen."""
        try:
            if self.after_mode:
                signin.confidence_after(self.db, self.session_id, self.chosen["id"], value, self.actor)
                name = self.chosen["display_name"]
            else:
                staff_id = self.chosen["id"] if self.chosen else None
                signin.sign_in(self.db, self.session_id, staff_id, value, self.actor, new_name=self.new_name)
                name = self.chosen["display_name"] if self.chosen else self.new_name
        except (ValidationError, ChampionDeskError) as error:
            self.score_message.setText(f"Not saved: {error}")
            return
        self.refresh()
        done = "thank you for your score" if self.after_mode else "you are signed in"
        self.thanks.setText(f"Thank you, {name}: {done}.")
        self.chosen, self.new_name = None, None
        self.stack.setCurrentIndex(3)
        self._thanks_timer.start()

    def show_champion(self) -> None:
        self.pin_edit.clear()
        self.pin_message.clear()
        self.mode_button.setText("Back to signing in (before)" if self.after_mode else "Scores after the session")
        self.stack.setCurrentIndex(4)
        self.pin_edit.setFocus()

    # -- the champion -------------------------------------------------------------------------------
    def pin_is_right(self) -> bool:
        """Check the typed PIN: the trainer's signing PIN (counting wrong tries), else the app PIN."""
        typed = self.pin_edit.text()
        self.pin_edit.clear()
        trainer = self.session["trainer_id"]
        if signing.has_signing_pin(self.db, trainer):
            try:
                signing.check_pin(self.db, trainer, typed)
                return True
            except ValidationError as error:
                message = error.message
        else:
            message = "That is not the PIN."
        if self.app_pin_hash and self.attempts.wait_seconds() == 0 and self.attempts.attempt(typed, self.app_pin_hash):
            return True
        self.pin_message.setText(message)
        return False

    def switch_mode(self) -> None:
        if self.pin_is_right():
            self.after_mode = not self.after_mode
            self.show_find()

    def leave(self) -> None:
        if self.pin_is_right():
            self._may_close = True
            self.close()

    # -- nothing else reachable ------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if self.stack.currentIndex() == 1 and Qt.Key.Key_1 <= event.key() <= Qt.Key.Key_5:
            self.score(event.key() - Qt.Key.Key_0)
            return
        if self.stack.currentIndex() == 3:
            self.show_find()
            if event.text().strip():
                self.name_edit.setText(event.text())
            return
        if event.key() == Qt.Key.Key_Escape and self.stack.currentIndex() in (1, 2, 4):
            self.show_find()
            return
        event.accept()  # Escape and every shortcut stop here: the app behind stays out of reach

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._may_close:
            event.ignore()
            self.show_champion()
            return
        super().closeEvent(event)
        self.finished.emit()
