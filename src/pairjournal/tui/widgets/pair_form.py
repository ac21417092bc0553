"""The form that sets up a pair: used on first run and from the home screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, RadioSet, Static

from pairjournal.tui.seam import JournalHost
from pairjournal.tui.widgets.dialogs import CANCEL, Dialog
from pairjournal.tui.widgets.marks import MarkedRadioButton

ROLES = (("mentor", "Mentor: I teach"), ("mentee", "Mentee: I learn"))
CADENCES = (("weekly", "Weekly"), ("biweekly", "Every two weeks"), ("monthly", "Monthly"))


@dataclass(frozen=True)
class PairDetails:
    name: str
    role: str
    cadence: str
    minutes: int
    program: str
    coordinator: str


class PairForm(Vertical):
    """Partner, my role, cadence, planned minutes, program and coordinator."""

    class Submitted(Message):
        def __init__(self, form: PairForm, details: PairDetails) -> None:
            super().__init__()
            self.form = form
            self.details = details

    def __init__(self, *, submit_label: str = "Add pair", id: str | None = None) -> None:
        super().__init__(id=id, classes="pair-form")
        self._submit_label = submit_label

    def compose(self) -> ComposeResult:
        yield Label("Partner's name", classes="pj-label")
        yield Input(placeholder="e.g. Ana Ruiz", id="pair-name", max_length=120)
        yield Label("My role in this pair", classes="pj-label")
        with RadioSet(id="pair-role", classes="inline-radios"):
            for index, (value, label) in enumerate(ROLES):
                yield MarkedRadioButton(label, value=index == 0, name=value)
        yield Label("How often you meet", classes="pj-label")
        with RadioSet(id="pair-cadence", classes="inline-radios"):
            for value, label in CADENCES:
                yield MarkedRadioButton(label, value=value == "biweekly", name=value)
        with Horizontal(classes="pj-row"):
            with Vertical(classes="pj-cell"):
                yield Label("Planned minutes", classes="pj-label")
                yield Input("30", type="integer", id="pair-minutes", max_length=3)
            with Vertical(classes="pj-cell -second"):
                yield Label("Program (optional)", classes="pj-label")
                yield Input(placeholder="e.g. Digital Leaders 2026", id="pair-program", max_length=120)
        yield Label("Coordinator (optional)", classes="pj-label")
        yield Input(placeholder="who matched you", id="pair-coordinator", max_length=120)
        yield Static("", id="pair-error", classes="pj-error", markup=False)
        yield Button(self._submit_label, variant="primary", id="pair-submit")

    def _choice(self, radio_id: str) -> str:
        pressed = self.query_one(radio_id, RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else ""

    def show_error(self, message: str) -> None:
        line = self.query_one("#pair-error", Static)
        line.update(message)
        line.display = bool(message)

    def on_mount(self) -> None:
        self.show_error("")

    def submit(self) -> None:
        name = self.query_one("#pair-name", Input).value.strip()
        minutes_text = self.query_one("#pair-minutes", Input).value.strip()
        if not name:
            self.show_error("Give your partner's name (first name is fine).")
            self.screen.set_focus(self.query_one("#pair-name", Input))
            return
        try:
            minutes = int(minutes_text)
        except ValueError:
            minutes = 0
        if not 1 <= minutes <= 600:
            self.show_error("Planned minutes must be a whole number from 1 to 600.")
            self.screen.set_focus(self.query_one("#pair-minutes", Input))
            return
        self.show_error("")
        details = PairDetails(
            name=name,
            role=self._choice("#pair-role") or "mentor",
            cadence=self._choice("#pair-cadence") or "biweekly",
            minutes=minutes,
            program=self.query_one("#pair-program", Input).value.strip(),
            coordinator=self.query_one("#pair-coordinator", Input).value.strip(),
        )
        self.post_message(self.Submitted(self, details))

    @on(Button.Pressed, "#pair-submit")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit()

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        # Enter in any field submits the whole form: quicker than tabbing to the button.
        event.stop()
        self.submit()


def save_pair(host: JournalHost, form: PairForm, details: PairDetails) -> bool:
    """Adds the pair to the host's journal; a refusal is shown in the form."""
    from pairjournal.errors import PairjournalError

    journal = host.journal
    if journal is None:
        return False
    try:
        journal.add_pair(
            details.name,
            details.role,
            cadence=details.cadence,
            minutes=details.minutes,
            program=details.program,
            coordinator=details.coordinator,
            start=host.today(),
        )
    except PairjournalError as error:
        form.show_error(str(error))
        return False
    return True


class AddPairScreen(Dialog[PairDetails]):
    """A dialog with the pair form; answers with the details of the pair it added."""

    HELP = "A new mentoring pair: your partner's name, your role, how often you meet and for how long."

    AUTO_FOCUS = "#pair-name"
    BINDINGS: ClassVar[list[BindingType]] = [CANCEL]

    def __init__(self) -> None:
        super().__init__("Add a pair")

    def compose_fields(self) -> ComposeResult:
        yield PairForm(submit_label="Add pair")

    @on(PairForm.Submitted)
    def _submitted(self, event: PairForm.Submitted) -> None:
        if save_pair(self.host, event.form, event.details):
            self.dismiss(event.details)


__all__ = ["AddPairScreen", "PairDetails", "PairForm", "save_pair"]
