"""A yes/no question in a small dialog."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, detail: str = "", *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(classes="pj-modal confirm")
        self._question = question
        self._detail = detail
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical(classes="pj-dialog"):
            yield Static(self._question, classes="pj-dialog-title")
            if self._detail:
                yield Static(self._detail, classes="pj-hint")
            with Horizontal(classes="pj-buttons"):
                yield Button(f"{self._yes} (y)", variant="primary", id="confirm-yes")
                yield Button(f"{self._no} (n)", id="confirm-no")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#confirm-yes", Button))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
