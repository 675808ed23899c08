"""Answer the modal signing dialog from a test: type PINs in turn, sign unverified, or cancel."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

CANCEL = object()


class SignAnswers:
    """Answer each SignDialog that opens with the next answer: a PIN, '' (sign as it stands) or CANCEL.

    A wrong PIN leaves the dialog open, so the next answer goes to the same dialog; what the
    dialog said after each answer is kept in ``messages``.
    """

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.messages: list[str] = []
        self.titles: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._answer)
        self.timer.start()

    def _answer(self) -> None:
        from champion_desk.ui.sign_dialog import SignDialog

        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SignDialog) or not dialog.isVisible():
            return
        if not self.answers:
            self.titles.append(dialog.windowTitle())  # an unexpected dialog shows in titles
            self.timer.stop()
            dialog.reject()  # never leave a test hanging on it
            return
        answer = self.answers.pop(0)
        self.titles.append(dialog.windowTitle())
        if answer is CANCEL:
            dialog.reject()
        else:
            dialog.pin.setText(str(answer))
            dialog.try_sign()
            self.messages.append(dialog.message.text())
        if not self.answers:
            QTimer.singleShot(50, self._close_leftover)

    def _close_leftover(self) -> None:
        from champion_desk.ui.sign_dialog import SignDialog

        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, SignDialog) and dialog.isVisible():
            dialog.reject()
        self.timer.stop()
