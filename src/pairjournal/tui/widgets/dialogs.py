"""The one dialog base, and the small dialogs built on it: a yes/no question and a line of text.

Every dialog is a ``Dialog``: a centred box over the dimmed screen, its title,
its fields, one error line, an optional line of key hints, and a compact
footer. Enter in a field (or ctrl+s) submits: ``submit()`` returns the answer,
or raises a PairjournalError whose message the error line shows, and the
dialog stays. Escape cancels with None. A dialog that makes a record writes it
itself and answers with it, so the caller only shows the outcome.

Each dialog lists its keys in the order its footer shows them, usually ending
with ``SAVE`` and ``CANCEL``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from pairjournal.errors import PairjournalError, UsageError
from pairjournal.tui.commands import JournalCommands, Providers
from pairjournal.tui.seam import Hosted
from pairjournal.tui.widgets.footer import KeyFooter

AnswerT = TypeVar("AnswerT")

SAVE = Binding("ctrl+s", "submit", "Save", id="dialog.save", priority=True)
CANCEL = Binding("escape", "cancel", "Cancel", id="dialog.cancel")


class Dialog(Hosted, ModalScreen[AnswerT | None]):
    """A small centred dialog that answers with an ``AnswerT``, or None when cancelled."""

    COMMANDS: ClassVar[Providers] = {JournalCommands}
    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self, title: str = "", hint: str = "", *, classes: str = "") -> None:
        super().__init__(classes=f"pj-modal {classes}".strip())
        self.dialog_title = title
        self.hint = hint
        self._fields_at_mount: list[str] | None = None  # what the fields held as it opened

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="pj-dialog"):
            if self.dialog_title:
                yield Static(self.dialog_title, classes="pj-dialog-title", markup=False)
            yield from self.compose_fields()
            error = Static("", classes="pj-error error", markup=False)
            error.display = False
            yield error
            if self.hint:
                yield Static(self.hint, classes="pj-hint pj-keys", markup=False)
        yield KeyFooter(compact=True)

    def compose_fields(self) -> ComposeResult:
        yield from ()

    @on(events.Mount)
    def _remember_fields(self) -> None:
        self._fields_at_mount = self._field_values()

    def _field_values(self) -> list[str]:
        return [field.value for field in self.query(Input)] + [area.text for area in self.query(TextArea)]

    def lost_on_lock(self) -> str | None:
        """What a lock closing this dialog unanswered loses: its title when something was typed in it."""
        if self._fields_at_mount in (None, self._field_values()):
            return None
        return f"“{self.dialog_title or 'the form'}”"

    def show_error(self, message: str) -> None:
        line = self.query_one(".error", Static)
        line.update(message)
        line.display = bool(message)

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        try:
            answer = self.submit()
        except PairjournalError as error:
            self.show_error(str(error))
            return
        self.dismiss(answer)

    def submit(self) -> AnswerT:
        """The answer, from the fields as they are; raises PairjournalError to say what is wrong."""
        raise NotImplementedError


class ConfirmDialog(Dialog[bool]):
    """A question with one-key answers: y (True), n (False); Escape (None) leaves things as they are."""

    HELP = "A question: y answers yes, n answers no, and Esc leaves everything as it is."

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        CANCEL,
    ]

    def __init__(self, question: str, detail: str = "", *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(question, classes="confirm")
        self.detail = detail
        self.yes = yes
        self.no = no

    def compose_fields(self) -> ComposeResult:
        if self.detail:
            yield Static(self.detail, classes="pj-hint", markup=False)
        with Horizontal(classes="pj-buttons"):
            yield Button(f"{self.yes} (y)", variant="primary", id="confirm-yes")
            yield Button(f"{self.no} (n)", id="confirm-no")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#confirm-yes", Button))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def submit(self) -> bool:
        return True


class AskText(Dialog[str]):
    """One line of text, e.g. the evidence that an action is done."""

    HELP = "One line of text: Enter saves it, Esc cancels."

    AUTO_FOCUS = "#ask-text"
    BINDINGS: ClassVar[list[BindingType]] = [SAVE, CANCEL]

    def __init__(self, title: str, *, label: str, placeholder: str = "", value: str = "", required: bool = False,
                 hint: str = "Enter saves · Esc cancels", keep: Callable[[str], str | None] | None = None) -> None:
        super().__init__(title, hint)
        self.label = label
        self.placeholder = placeholder
        self.value = value
        self.required = required
        # Before a lock: what to do with the text as typed (as Enter would), returning what to say.
        self.keep = keep

    def _draft(self) -> str | None:
        """The text a lock would keep (as Enter would take it), or None."""
        if self.keep is None:
            return None
        try:
            text = self.submit()
        except PairjournalError:
            return None
        return text if text and text != self.value.strip() else None

    def keeps_draft(self) -> bool:
        return self._draft() is not None

    def save_draft(self) -> str | None:
        text = self._draft()
        if self.keep is None or text is None:
            return None
        try:
            return self.keep(text)
        except PairjournalError:  # a draft that cannot be saved must not stop the lock
            return None

    def compose_fields(self) -> ComposeResult:
        yield Label(self.label, classes="pj-label", markup=False)
        yield Input(self.value, placeholder=self.placeholder, id="ask-text")

    def submit(self) -> str:
        text = self.query_one("#ask-text", Input).value.strip()
        if self.required and not text:
            raise UsageError("this needs some text")
        return text


__all__ = ["CANCEL", "SAVE", "AskText", "ConfirmDialog", "Dialog"]
