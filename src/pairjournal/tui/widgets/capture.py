"""One-key capture during a session: a takeaway or an action item, each with its share scope.

Private is the default and the scope is always on screen. Choosing the
coordinator needs the partner's consent too; until it is ticked the dialog says
the item is waiting for it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Footer, Input, Label, Static

from pairjournal.tui.widgets.choice import ChoiceLine

SCOPES = (("private", "private"), ("partner", "partner"), ("coordinator", "coordinator"))
OWNERS = (("me", "me"), ("partner", "partner"), ("both", "both"))

SCOPE_HELP = {
    "private": "Only you will ever see this.",
    "partner": "Yours to share with your partner.",
    "coordinator": "For the coordinator's summary, once you both agree.",
}


def parse_due(text: str) -> date | None:
    """A due date typed as YYYY-MM-DD; empty means none. Raises ValueError with a message to show."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date: use YYYY-MM-DD, e.g. 2026-03-14") from None


class CaptureDialog(ModalScreen[Any]):
    """What takeaway and action capture share: the text, the scope and the consent."""

    KIND = "item"
    TITLE_TEXT = ""
    PLACEHOLDER = ""

    BINDINGS = [
        Binding("ctrl+r", "cycle_scope", "Share scope", id="capture.scope", priority=True),
        Binding("ctrl+s", "save", "Save", id="capture.save", priority=True),
        Binding("ctrl+g", "toggle_consent", "Partner consent", id="capture.consent", priority=True),
        Binding("escape", "cancel", "Cancel", id="capture.cancel"),
    ]

    def __init__(self, pair_id: str, session_id: str | None, partner_name: str) -> None:
        super().__init__(classes="pj-modal capture")
        self.pair_id = pair_id
        self.session_id = session_id
        self.partner_name = partner_name

    # -- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="pj-dialog"):
            yield Static(self.TITLE_TEXT, classes="pj-dialog-title")
            yield Input(placeholder=self.PLACEHOLDER, id="capture-text", max_length=2000)
            yield from self.compose_extra()
            yield ChoiceLine("Share with", SCOPES, "private", key_hint="ctrl+r changes", id="capture-scope")
            yield Static(SCOPE_HELP["private"], id="scope-help", classes="pj-hint")
            with Vertical(id="coordinator-box"):
                yield Checkbox(
                    Content(f"{self.partner_name} agreed to share this with the coordinator"),
                    id="capture-consent",
                    compact=True,
                )
                yield Input(placeholder="Wording for the coordinator (optional)", id="capture-coord-text", max_length=2000)
            yield Static("", id="capture-error", classes="pj-error", markup=False)
            yield Static("Enter saves · Esc cancels", classes="pj-hint pj-keys")
        yield Footer(compact=True)

    def compose_extra(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.show_error("")
        self._show_scope()
        self.set_focus(self.query_one("#capture-text", Input))

    # -- scope and consent --------------------------------------------------------------

    @property
    def scope(self) -> str:
        return self.query_one("#capture-scope", ChoiceLine).value

    @property
    def consent(self) -> bool:
        return self.query_one("#capture-consent", Checkbox).value

    def action_cycle_scope(self) -> None:
        self.query_one("#capture-scope", ChoiceLine).cycle()
        self._show_scope()

    def action_toggle_consent(self) -> None:
        if self.scope == "coordinator":
            self.query_one("#capture-consent", Checkbox).toggle()

    @on(Checkbox.Changed, "#capture-consent")
    def _consent_changed(self) -> None:
        self._show_scope()

    def _show_scope(self) -> None:
        scope = self.scope
        coordinator = scope == "coordinator"
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

    def show_error(self, message: str) -> None:
        line = self.query_one("#capture-error", Static)
        line.update(message)
        line.display = bool(message)

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        from pairjournal.errors import PairjournalError

        text = self.query_one("#capture-text", Input).value
        if not text.strip():
            self.show_error(f"Write the {self.KIND} first.")
            self.set_focus(self.query_one("#capture-text", Input))
            return
        try:
            item = self.save_item(text.strip(), self.scope)
        except ValueError as error:
            self.show_error(str(error))
            return
        except PairjournalError as error:
            self.show_error(str(error))
            return
        self.dismiss(item)

    def save_item(self, text: str, scope: str) -> Any:
        raise NotImplementedError

    def _apply_consent(self, item: Any) -> Any:
        """The coordinator wording, then my consent and (when ticked) the partner's, for a coordinator item."""
        from pairjournal.sharing import consent

        wording = self.query_one("#capture-coord-text", Input).value.strip()
        today = self.app.today()  # type: ignore[attr-defined]
        partner_how = "agreed during the session" if self.consent else None
        return consent.capture(self.app.journal, item, partner_how=partner_how, wording=wording, on=today)  # type: ignore[attr-defined]

    def save_draft(self) -> str | None:
        """Called before an auto-lock: keeps unfinished text, as a private item, so nothing typed is lost."""
        text = self.query_one("#capture-text", Input).value.strip()
        if not text:
            return None
        try:
            self.save_item(text, "private")
        except Exception:  # a draft that cannot be saved must not stop the lock
            return None
        return f"Your unfinished {self.KIND} was kept as a private {self.KIND}."


class TakeawayDialog(CaptureDialog):
    KIND = "takeaway"
    TITLE_TEXT = "Capture a takeaway"
    PLACEHOLDER = "What is worth keeping from this?"

    def save_item(self, text: str, scope: str) -> Any:
        journal = self.app.journal  # type: ignore[attr-defined]
        takeaway = journal.add_takeaway(self.pair_id, text, session_id=self.session_id, scope=scope)
        return self._apply_consent(takeaway)


class ActionDialog(CaptureDialog):
    KIND = "action"
    TITLE_TEXT = "Capture an action item"
    PLACEHOLDER = "What will be done?"

    BINDINGS = [Binding("ctrl+o", "cycle_owner", "Owner", id="capture.owner", priority=True)]

    def compose_extra(self) -> ComposeResult:
        yield ChoiceLine("Owner", OWNERS, "me", key_hint="ctrl+o changes", id="capture-owner")
        with Horizontal(classes="pj-row"):
            yield Label("Due", classes="pj-inline-label")
            yield Input(placeholder="YYYY-MM-DD (optional)", id="capture-due", max_length=10)

    def action_cycle_owner(self) -> None:
        self.query_one("#capture-owner", ChoiceLine).cycle()

    @property
    def owner(self) -> str:
        return self.query_one("#capture-owner", ChoiceLine).value

    def _due(self) -> date | None:
        return parse_due(self.query_one("#capture-due", Input).value)

    @on(Input.Changed, "#capture-due")
    def _due_changed(self, event: Input.Changed) -> None:
        # Say what is wrong as soon as a full-length date is typed, not only on save.
        if len(event.value.strip()) >= 10:
            try:
                parse_due(event.value)
            except ValueError as error:
                self.show_error(str(error))
                return
        self.show_error("")

    def action_save(self) -> None:
        try:
            self._due()
        except ValueError as error:
            self.show_error(str(error))
            self.set_focus(self.query_one("#capture-due", Input))
            return
        super().action_save()

    def save_item(self, text: str, scope: str) -> Any:
        journal = self.app.journal  # type: ignore[attr-defined]
        try:
            due = self._due()
        except ValueError:
            due = None  # only a draft saved at lock time gets here; a bad date is dropped, the text kept
        action = journal.add_action(
            self.pair_id, text, owner=self.owner, due=due, session_id=self.session_id, scope=scope
        )
        return self._apply_consent(action)
