"""Capturing a takeaway or an action item, each with its share scope: the one form for both, anywhere.

The live session captures with one key (ctrl+t, ctrl+a); home (a) and the
actions screen (n) open the same action form. Private is the default and the
scope is always on screen. Choosing the coordinator needs the partner's consent
too; until it is ticked the form says the item is waiting for it. A due date is
read by the journal's one date rule (vocabulary.parse_day), as everywhere a
person types a date.

The form saves the item itself and answers with it; before a lock, unfinished
text is kept as a private item (``save_draft``), so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Checkbox, Input, Label, Static

from pairjournal.errors import PairjournalError, UsageError
from pairjournal.journal.vocabulary import SCOPE_HELP, kind_name, parse_day
from pairjournal.model import (
    ActionItem,
    Objective,
    ObjectiveProgress,
    Owner,
    Pair,
    ProgressLevel,
    Recognition,
    ShareScope,
    Takeaway,
)
from pairjournal.tui.widgets.choice import ChoiceLine
from pairjournal.tui.widgets.date_input import DateInput
from pairjournal.tui.widgets.dialogs import CANCEL, SAVE, Dialog
from pairjournal.tui.widgets.marks import MarkedCheckbox

ItemT = TypeVar("ItemT", Takeaway, ActionItem, ObjectiveProgress, Recognition)

SCOPES = tuple((scope.value, scope.value) for scope in ShareScope)
OWNERS = tuple((owner.value, owner.value) for owner in Owner)


class CaptureDialog(Dialog[ItemT]):
    """What takeaway and action capture share: the text, the pair, the scope and the consent."""

    HELP = ("Write it, choose who may see it (private unless you change it), and press Enter. For the "
            "coordinator, your partner's consent is needed too.")

    KIND: ClassVar[str] = "item"  # the journal's name for the kind (vocabulary.kind_name)
    PLACEHOLDER: ClassVar[str] = ""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "cycle_scope", "Share scope", id="capture.scope", priority=True),
        SAVE,
        Binding("ctrl+g", "toggle_consent", "Partner consent", id="capture.consent", priority=True),
        CANCEL,
        Binding("ctrl+y", "cycle_pair", "Pair", id="capture.pair", priority=True),
    ]

    def __init__(self, pairs: Sequence[Pair], pair_id: str | None = None, *, session_id: str | None = None,
                 title: str) -> None:
        super().__init__(title, "Enter saves · Esc cancels", classes="capture")
        if not pairs:
            raise ValueError("a capture needs a pair to belong to")
        self.pairs = list(pairs)
        self.pair_id = next((p.id for p in self.pairs if p.id == pair_id), self.pairs[0].id)
        self.session_id = session_id

    # -- layout ---------------------------------------------------------------------

    def compose_fields(self) -> ComposeResult:
        yield Input(placeholder=self.PLACEHOLDER, id="capture-text", max_length=2000)
        if len(self.pairs) > 1:
            yield ChoiceLine("Pair", [(p.id, p.name) for p in self.pairs], self.pair_id, key_hint="ctrl+y changes",
                             id="capture-pair")
        yield from self.compose_extra()
        yield ChoiceLine("Share with", SCOPES, ShareScope.PRIVATE.value, key_hint="ctrl+r changes",
                         id="capture-scope")
        yield Static(SCOPE_HELP[ShareScope.PRIVATE], id="scope-help", classes="pj-hint")
        with Vertical(id="coordinator-box"):
            yield MarkedCheckbox(self._consent_label(), id="capture-consent", compact=True)
            yield Input(placeholder="Wording for the coordinator (optional)", id="capture-coord-text",
                        max_length=2000)

    def compose_extra(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self._show_scope()
        self.set_focus(self.query_one("#capture-text", Input))

    # -- pair, scope and consent ---------------------------------------------------------

    @property
    def pair(self) -> Pair:
        return next(p for p in self.pairs if p.id == self.pair_id)

    def _consent_label(self) -> Content:
        return Content(f"{self.pair.name} agreed to share this with the coordinator")

    @property
    def scope(self) -> ShareScope:
        return ShareScope(self.query_one("#capture-scope", ChoiceLine).value)

    @property
    def consent(self) -> bool:
        return self.query_one("#capture-consent", Checkbox).value

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cycle_pair":
            return len(self.pairs) > 1  # one pair: nothing to choose, and no key in the footer
        return True

    def action_cycle_pair(self) -> None:
        if len(self.pairs) > 1:
            self.pair_id = self.query_one("#capture-pair", ChoiceLine).cycle()
            self.query_one("#capture-consent", Checkbox).label = self._consent_label()

    def action_cycle_scope(self) -> None:
        self.query_one("#capture-scope", ChoiceLine).cycle()
        self._show_scope()

    def action_toggle_consent(self) -> None:
        if self.scope is ShareScope.COORDINATOR:
            self.query_one("#capture-consent", Checkbox).toggle()

    @on(Checkbox.Changed, "#capture-consent")
    def _consent_changed(self) -> None:
        self._show_scope()

    def _show_scope(self) -> None:
        scope = self.scope
        coordinator = scope is ShareScope.COORDINATOR
        self.query_one("#coordinator-box").display = coordinator
        help_text = SCOPE_HELP[scope]
        if coordinator:
            help_text += (
                "  Partner consent recorded (today)."
                if self.consent
                else "  Pending partner consent: ctrl+g when they agree."
            )
        help_widget = self.query_one("#scope-help", Static)
        help_widget.update(help_text)
        help_widget.set_class(coordinator and not self.consent, "-pending")

    # -- saving ---------------------------------------------------------------------------

    TEXT_REQUIRED: ClassVar[bool] = True

    def submit(self) -> ItemT:
        field = self.query_one("#capture-text", Input)
        if self.TEXT_REQUIRED and not field.value.strip():
            self.set_focus(field)
            raise UsageError(f"Write the {kind_name(self.KIND)} first.")
        return self._apply_consent(self.save_item(field.value.strip(), self.scope))

    def save_item(self, text: str, scope: ShareScope) -> ItemT:
        raise NotImplementedError

    def _apply_consent(self, item: ItemT) -> ItemT:
        """The coordinator wording, then my consent and (when ticked) the partner's, for a coordinator item."""
        from pairjournal.sharing import consent

        wording = self.query_one("#capture-coord-text", Input).value.strip()
        partner_how = "agreed during the session" if self.consent else None
        return consent.capture(self.journal, item, partner_how=partner_how, wording=wording, on=self.today())

    def keeps_draft(self) -> bool:
        return bool(self.query_one("#capture-text", Input).value.strip())

    def save_draft(self) -> str | None:
        """Before an auto-lock: keeps unfinished text, as a private item, so nothing typed is lost."""
        text = self.query_one("#capture-text", Input).value.strip()
        if not text:
            return None
        try:
            self.save_item(text, ShareScope.PRIVATE)
        except PairjournalError:  # a draft that cannot be saved must not stop the lock
            return None
        return f"The {kind_name(self.KIND)} you were writing was saved."


class TakeawayDialog(CaptureDialog[Takeaway]):
    KIND = "takeaway"
    PLACEHOLDER = "What is worth keeping from this?"

    def __init__(self, pairs: Sequence[Pair], pair_id: str | None = None, *, session_id: str | None = None) -> None:
        super().__init__(pairs, pair_id, session_id=session_id, title="Capture a takeaway")

    def save_item(self, text: str, scope: ShareScope) -> Takeaway:
        return self.journal.add_takeaway(self.pair_id, text, session_id=self.session_id, scope=scope)


class ActionDialog(CaptureDialog[ActionItem]):
    """The one action form: from a session, from home, from the actions screen."""

    KIND = "action"
    PLACEHOLDER = "What will be done?"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "cycle_owner", "Owner", id="capture.owner", priority=True),
    ]

    def __init__(self, pairs: Sequence[Pair], pair_id: str | None = None, *, session_id: str | None = None) -> None:
        title = "Capture an action item" if session_id else "New action item"
        super().__init__(pairs, pair_id, session_id=session_id, title=title)

    def compose_extra(self) -> ComposeResult:
        yield ChoiceLine("Owner", OWNERS, Owner.ME.value, key_hint="ctrl+o changes", id="capture-owner")
        with Horizontal(classes="pj-row"):
            yield Label("Due", classes="pj-inline-label")
            yield DateInput(input_id="capture-due", inline=True, id="capture-due-field")

    def action_cycle_owner(self) -> None:
        self.query_one("#capture-owner", ChoiceLine).cycle()

    @property
    def owner(self) -> Owner:
        return Owner(self.query_one("#capture-owner", ChoiceLine).value)

    def _due(self) -> date | None:
        # The field says back, as it is typed, the date it will be; saving reads the same rule.
        return self.query_one("#capture-due-field", DateInput).day()

    def submit(self) -> ActionItem:
        try:
            self._due()
        except UsageError:
            self.set_focus(self.query_one("#capture-due", Input))
            raise
        return super().submit()

    def save_item(self, text: str, scope: ShareScope) -> ActionItem:
        try:
            due = self._due()
        except UsageError:
            due = None  # only a draft saved at lock time gets here; a bad date is dropped, the text kept
        return self.journal.add_action(
            self.pair_id, text, owner=self.owner, due=due, session_id=self.session_id, scope=scope
        )


LEVELS = tuple((level.value, level.value) for level in ProgressLevel)


class ProgressDialog(CaptureDialog[ObjectiveProgress]):
    """Where an objective of the current agreement stands: a rating on the scale, the evidence, the day."""

    KIND = "progress"
    PLACEHOLDER = "What shows it? (what you saw or did)"
    TEXT_REQUIRED = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+o", "cycle_objective", "Objective", id="capture.objective", priority=True),
        Binding("ctrl+t", "cycle_level", "Rating", id="capture.level", priority=True),
    ]

    def __init__(self, pair: Pair, objectives: Sequence[tuple[int, Objective]], *,
                 objective_id: str | None = None, session_id: str | None = None) -> None:
        if not objectives:
            raise ValueError("progress needs an objective in the current agreement")
        super().__init__([pair], pair.id, session_id=session_id, title="Record progress on an objective")
        self.objectives = list(objectives)
        ids = [o.id for _, o in self.objectives]
        self.first_objective = objective_id if objective_id in ids else ids[0]

    def compose_extra(self) -> ComposeResult:
        choices = [(o.id, str(n)) for n, o in self.objectives]
        yield ChoiceLine("Objective", choices, self.first_objective, key_hint="ctrl+o changes", id="capture-objective")
        yield Static(self._outcome(self.first_objective), id="capture-outcome", classes="pj-hint", markup=False)
        yield ChoiceLine("Rating", LEVELS, ProgressLevel.PROGRESSING.value, id="capture-level")
        with Horizontal(classes="pj-row"):
            yield Label("On", classes="pj-inline-label")
            yield Input(self.today().isoformat(), placeholder="YYYY-MM-DD", id="capture-on", max_length=20)

    def _outcome(self, objective_id: str) -> str:
        return next((f"{n}. {o.outcome}" for n, o in self.objectives if o.id == objective_id), "")

    def action_cycle_objective(self) -> None:
        chosen = self.query_one("#capture-objective", ChoiceLine).cycle()
        self.query_one("#capture-outcome", Static).update(self._outcome(chosen))

    def action_cycle_level(self) -> None:
        self.query_one("#capture-level", ChoiceLine).cycle()

    @property
    def objective_id(self) -> str:
        return self.query_one("#capture-objective", ChoiceLine).value

    def submit(self) -> ObjectiveProgress:
        field = self.query_one("#capture-on", Input)
        try:
            parse_day(field.value, self.today())
        except UsageError:
            self.set_focus(field)
            raise
        return super().submit()

    def save_item(self, text: str, scope: ShareScope) -> ObjectiveProgress:
        try:
            day = parse_day(self.query_one("#capture-on", Input).value, self.today())
        except UsageError:
            day = None  # only a draft saved at lock time gets here
        return self.journal.add_progress(
            self.pair_id, self.objective_id, level=self.query_one("#capture-level", ChoiceLine).value,
            evidence=text, on=day or self.today(), scope=scope,
        )


class RecognitionDialog(CaptureDialog[Recognition]):
    """The mentee's written recognition of what the mentor contributed."""

    KIND = "recognition"
    PLACEHOLDER = "What did your mentor's help make possible?"

    def __init__(self, pair: Pair) -> None:
        super().__init__([pair], pair.id, title=f"Recognise {pair.name}'s contribution")

    def save_item(self, text: str, scope: ShareScope) -> Recognition:
        return self.journal.add_recognition(self.pair_id, text, scope=scope)


__all__ = ["ActionDialog", "CaptureDialog", "ProgressDialog", "RecognitionDialog", "TakeawayDialog"]
