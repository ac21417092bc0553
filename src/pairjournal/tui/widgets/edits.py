"""Correcting what was captured: one dialog per kind of record, each writing through the journal.

Every record a person writes can be corrected here: a takeaway's or a
recognition's text, an action item (text, owner, due date, evidence, status),
a session (date, lengths, check-in, notes), a progress entry, one of my own
prompts, a pair's details. Each dialog calls the journal's edit verb and
answers with the saved record; the verb decides what is allowed (an archived
pair is read-only, a shared item edited is pending consent again) and its
refusal is the dialog's one error line.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static, TextArea

from pairjournal.errors import UsageError
from pairjournal.journal.outbound import progress_level
from pairjournal.journal.vocabulary import parse_day
from pairjournal.model import (
    ActionItem,
    ActionStatus,
    Cadence,
    ObjectiveProgress,
    Owner,
    Pair,
    ProgressLevel,
    Prompt,
    PromptTiming,
    Recognition,
    Role,
    Session,
    Takeaway,
)
from pairjournal.tui.compat import markdown_language
from pairjournal.tui.widgets.choice import ChoiceLine
from pairjournal.tui.widgets.dialogs import CANCEL, SAVE, Dialog

OWNERS = tuple((owner.value, owner.value) for owner in Owner)
STATUSES = tuple((status.value, status.value) for status in ActionStatus)
LEVELS = tuple((level.value, level.value) for level in ProgressLevel)
TIMINGS = tuple((timing.value, timing.value) for timing in PromptTiming)
ROLES = (("mentor", "mentor"), ("mentee", "mentee"))
CADENCES = tuple((cadence.value, cadence.value) for cadence in Cadence)

DATE_HINT = "YYYY-MM-DD, +7, tomorrow…"


def _row(label: str, widget: Input) -> ComposeResult:
    with Horizontal(classes="pj-row"):
        yield Label(label, classes="pj-inline-label edit-label")
        yield widget


def _minutes(text: str, what: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"{what} must be a whole number of minutes") from None


class EditDialog(Dialog[Any]):
    """What every edit dialog shares: ctrl+s or Enter saves, Escape leaves the record as it was."""

    BINDINGS: ClassVar[list[BindingType]] = [SAVE, CANCEL]

    def value(self, selector: str) -> str:
        return self.query_one(selector, Input).value

    def day(self, selector: str, *, required: bool = False) -> date | None:
        field = self.query_one(selector, Input)
        try:
            day = parse_day(field.value, self.today())
        except UsageError:
            self.set_focus(field)
            raise
        if day is None and required:
            self.set_focus(field)
            raise UsageError("this needs a date")
        return day


class EditTextDialog(EditDialog):
    """One text, for a takeaway or a recognition."""

    AUTO_FOCUS = "#edit-text"

    def __init__(self, item: Takeaway | Recognition) -> None:
        kind = "takeaway" if isinstance(item, Takeaway) else "recognition"
        super().__init__(f"Edit the {kind}", "Enter saves · Esc leaves it as it was")
        self.item = item

    def compose_fields(self) -> ComposeResult:
        yield Input(self.item.text, id="edit-text", max_length=2000)
        if self.item.my_consent is not None:
            yield Static("It is shared: once changed it waits for consent to the new words again.",
                         classes="pj-hint -pending")

    def submit(self) -> Takeaway | Recognition:
        text = self.value("#edit-text")
        if isinstance(self.item, Takeaway):
            return self.journal.edit_takeaway(self.item.id, text)
        return self.journal.edit_recognition(self.item.id, text)


class ActionEditDialog(EditDialog):
    """An action item's text, owner, due date, status and evidence."""

    AUTO_FOCUS = "#edit-text"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "cycle('#edit-owner')", "Owner", id="edit.owner", priority=True),
        Binding("ctrl+r", "cycle('#edit-status')", "Status", id="edit.status", priority=True),
        SAVE,
        CANCEL,
    ]

    def __init__(self, action: ActionItem) -> None:
        super().__init__("Edit the action item", "Enter saves · Esc leaves it as it was")
        self.action = action

    def compose_fields(self) -> ComposeResult:
        action = self.action
        yield Input(action.text, id="edit-text", max_length=2000)
        yield ChoiceLine("Owner", OWNERS, action.owner.value, key_hint="ctrl+o changes", id="edit-owner")
        yield ChoiceLine("Status", STATUSES, action.status.value, key_hint="ctrl+r changes", id="edit-status")
        yield from _row("Due", Input(action.due.isoformat() if action.due else "", placeholder=DATE_HINT,
                                     id="edit-due", max_length=20))
        yield from _row("Evidence", Input(action.evidence, placeholder="what shows it is done", id="edit-evidence",
                                          max_length=2000))

    def action_cycle(self, selector: str) -> None:
        self.query_one(selector, ChoiceLine).cycle()

    def submit(self) -> ActionItem:
        return self.journal.edit_action(
            self.action.id,
            text=self.value("#edit-text"),
            owner=Owner(self.query_one("#edit-owner", ChoiceLine).value),
            status=ActionStatus(self.query_one("#edit-status", ChoiceLine).value),
            due=self.day("#edit-due"),
            evidence=self.value("#edit-evidence").strip(),
        )


class SessionEditDialog(EditDialog):
    """A session's date, lengths, check-in and notes, ended or not."""

    AUTO_FOCUS = "#edit-notes"

    def __init__(self, session: Session) -> None:
        super().__init__("Edit the session", "ctrl+s saves · Esc leaves it as it was", classes="edit-session")
        self.session = session

    def compose_fields(self) -> ComposeResult:
        session = self.session
        with Horizontal(classes="pj-row"):
            with Vertical(classes="pj-cell"):
                yield from _row("Date", Input(session.date.isoformat(), placeholder=DATE_HINT, id="edit-date",
                                              max_length=20))
            with Vertical(classes="pj-cell -second"):
                yield from _row("Held (min)", Input(str(session.actual_minutes or ""), type="integer",
                                                    id="edit-held", max_length=3))
        yield from _row("Planned (min)", Input(str(session.planned_minutes), type="integer", id="edit-planned",
                                               max_length=3))
        yield from _row("Check-in", Input(session.checkin_note, id="edit-checkin", max_length=500))
        yield Label("Notes", classes="pj-label")
        yield TextArea(session.notes, language=markdown_language(), soft_wrap=True, tab_behavior="focus",
                       show_line_numbers=False, id="edit-notes")

    def on_mount(self) -> None:
        notes = self.query_one("#edit-notes", TextArea)
        notes.move_cursor(notes.document.end)

    def submit(self) -> Session:
        planned = _minutes(self.value("#edit-planned"), "The planned length")
        return self.journal.edit_session(
            self.session.id,
            date=self.day("#edit-date", required=True),
            actual_minutes=_minutes(self.value("#edit-held"), "The length held"),
            planned_minutes=planned if planned is not None else self.session.planned_minutes,
            checkin_note=self.value("#edit-checkin").strip(),
            notes=self.query_one("#edit-notes", TextArea).text,
        )


class ProgressEditDialog(EditDialog):
    """A progress entry's rating, evidence and date."""

    AUTO_FOCUS = "#edit-evidence"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "cycle_level", "Rating", id="edit.level", priority=True),
        SAVE,
        CANCEL,
    ]

    def __init__(self, entry: ObjectiveProgress) -> None:
        super().__init__("Edit the progress entry", "Enter saves · Esc leaves it as it was")
        self.entry = entry

    def compose_fields(self) -> ComposeResult:
        yield ChoiceLine("Rating", LEVELS, progress_level(self.entry).value, key_hint="ctrl+r changes", id="edit-level")
        yield from _row("Evidence", Input(self.entry.evidence, id="edit-evidence", max_length=2000))
        on = self.entry.on.isoformat() if self.entry.on else ""
        yield from _row("On", Input(on, placeholder=DATE_HINT, id="edit-on", max_length=20))

    def action_cycle_level(self) -> None:
        self.query_one("#edit-level", ChoiceLine).cycle()

    def submit(self) -> ObjectiveProgress:
        return self.journal.edit_progress(
            self.entry.id,
            level=ProgressLevel(self.query_one("#edit-level", ChoiceLine).value),
            evidence=self.value("#edit-evidence").strip(),
            on=self.day("#edit-on", required=True),
        )


class PromptEditDialog(EditDialog):
    """One of my own prompts: its wording and its moment."""

    AUTO_FOCUS = "#edit-text"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "cycle_timing", "When", id="edit.timing", priority=True),
        SAVE,
        CANCEL,
    ]

    def __init__(self, prompt: Prompt) -> None:
        super().__init__("Edit my prompt", "Enter saves · Esc leaves it as it was")
        self.prompt = prompt

    def compose_fields(self) -> ComposeResult:
        yield Input(self.prompt.text, id="edit-text", max_length=500)
        yield ChoiceLine("When", TIMINGS, self.prompt.timing.value, key_hint="ctrl+r changes", id="edit-timing")

    def action_cycle_timing(self) -> None:
        self.query_one("#edit-timing", ChoiceLine).cycle()

    def submit(self) -> Prompt:
        return self.journal.edit_prompt(self.prompt.id, text=self.value("#edit-text"),
                                        timing=self.query_one("#edit-timing", ChoiceLine).value)


class PairEditDialog(EditDialog):
    """Every field of a pair; its status changes through pause, resume and end instead."""

    AUTO_FOCUS = "#edit-name"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "cycle('#edit-role')", "Role", id="edit.role", priority=True),
        Binding("ctrl+o", "cycle('#edit-cadence')", "Cadence", id="edit.cadence", priority=True),
        SAVE,
        CANCEL,
    ]

    def __init__(self, pair: Pair) -> None:
        super().__init__(f"Edit the pair with {pair.name}", "Enter saves · Esc leaves it as it was")
        self.pair = pair

    def compose_fields(self) -> ComposeResult:
        pair = self.pair
        yield from _row("Partner", Input(pair.name, id="edit-name", max_length=120))
        yield ChoiceLine("My role", ROLES, pair.role.value, key_hint="ctrl+r changes", id="edit-role")
        yield ChoiceLine("Cadence", CADENCES, pair.cadence.value, key_hint="ctrl+o changes", id="edit-cadence")
        yield from _row("Minutes", Input(str(pair.minutes), type="integer", id="edit-minutes", max_length=3))
        yield from _row("Program", Input(pair.program, id="edit-program", max_length=120))
        yield from _row("Coordinator", Input(pair.coordinator, id="edit-coordinator", max_length=120))
        yield from _row("Started", Input(pair.start.isoformat() if pair.start else "", placeholder=DATE_HINT,
                                         id="edit-start", max_length=20))
        yield from _row("Planned end", Input(pair.planned_end.isoformat() if pair.planned_end else "",
                                             placeholder=DATE_HINT, id="edit-end", max_length=20))
        yield Static("The agreement's cadence and length, once written, are the ones that count.",
                     classes="pj-hint")

    def action_cycle(self, selector: str) -> None:
        self.query_one(selector, ChoiceLine).cycle()

    def submit(self) -> Pair:
        minutes = _minutes(self.value("#edit-minutes"), "The planned length")
        return self.journal.edit_pair(
            self.pair.id,
            name=self.value("#edit-name"),
            role=Role(self.query_one("#edit-role", ChoiceLine).value),
            cadence=Cadence(self.query_one("#edit-cadence", ChoiceLine).value),
            minutes=minutes if minutes is not None else self.pair.minutes,
            program=self.value("#edit-program").strip(),
            coordinator=self.value("#edit-coordinator").strip(),
            start=self.day("#edit-start"),
            planned_end=self.day("#edit-end"),
        )


def edit_dialog(entity: object) -> EditDialog | None:
    """The dialog that corrects this record; None for a kind edited in its own screen (a reflection)."""
    match entity:
        case Takeaway() | Recognition():
            return EditTextDialog(entity)
        case ActionItem():
            return ActionEditDialog(entity)
        case Session():
            return SessionEditDialog(entity)
        case ObjectiveProgress():
            return ProgressEditDialog(entity)
        case Prompt():
            return PromptEditDialog(entity)
        case Pair():
            return PairEditDialog(entity)
    return None


__all__ = [
    "ActionEditDialog",
    "EditDialog",
    "EditTextDialog",
    "PairEditDialog",
    "ProgressEditDialog",
    "PromptEditDialog",
    "SessionEditDialog",
    "edit_dialog",
]
