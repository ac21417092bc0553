"""Sharing one item from the interface: its scope, the coordinator wording, the partner's consent, withdrawing.

Everything the CLI's `share`, `consent` and `withdraw` do, for one item, with
what would leave shown word for word. The dialog decides nothing: the consent
verbs (pairjournal.sharing.consent) record each step and the journal's one
consent rule (outbound.status_of) says where the item stands, in the words
every screen uses ("waiting for your partner", "changed since consent").
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, Static

from pairjournal.errors import PairjournalError, UsageError
from pairjournal.journal.outbound import STATUS_EXPLANATIONS, STATUS_LABELS, ConsentStatus, Item
from pairjournal.journal.vocabulary import SCOPE_HELP, kind_name
from pairjournal.model import ShareScope
from pairjournal.sharing import consent
from pairjournal.tui.widgets.choice import ChoiceLine
from pairjournal.tui.widgets.dialogs import CANCEL, SAVE, Dialog

SCOPES = tuple((scope.value, scope.value) for scope in ShareScope)


def _leaving_text(content: dict[str, object]) -> str:
    text = str(content.get("text") or content.get("outcome") or "")
    evidence = content.get("evidence")
    return f"{text}\nEvidence: {evidence}" if evidence else text


class ShareDialog(Dialog[Item]):
    """Who may see one item, and (for the coordinator) the consents for exactly what would leave."""

    AUTO_FOCUS = "#share-how"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "cycle_scope", "Share with", id="share.scope", priority=True),
        SAVE,
        Binding("ctrl+n", "withdraw", "Withdraw", id="share.withdraw", priority=True,
                tooltip="Withdraw coordinator sharing: later exports leave it out"),
        CANCEL,
    ]

    def __init__(self, item: Item) -> None:
        super().__init__(f"Share this {kind_name(item.KIND)}", "ctrl+s saves · Esc leaves it as it was",
                         classes="share")
        self.item = item

    # -- layout -------------------------------------------------------------------------------

    def compose_fields(self) -> ComposeResult:
        yield Static(id="share-status", markup=False)
        yield ChoiceLine("Share with", SCOPES, self.item.scope.value, key_hint="ctrl+r changes", id="share-scope")
        yield Static(id="share-scope-help", classes="pj-hint", markup=False)
        with Vertical(id="share-coordinator"):
            yield Label("What the coordinator would read", classes="pj-label")
            yield Static(id="share-leaving", classes="share-leaving", markup=False)
            yield Label("Wording for the coordinator (optional: your own text leaves without one)",
                        classes="pj-label")
            yield Input(self.item.coordinator_text, id="share-wording", max_length=2000)
            yield Label("How did your partner agree? (leave empty while you wait)", classes="pj-label")
            yield Input(placeholder="e.g. agreed during the session", id="share-how", max_length=200)

    def on_mount(self) -> None:
        self._show()

    @property
    def scope(self) -> ShareScope:
        return ShareScope(self.query_one("#share-scope", ChoiceLine).value)

    def _show(self) -> None:
        journal, item = self.journal, self.item
        state = journal.consent_status(item)
        status = self.query_one("#share-status", Static)
        status.update(Content.assemble(("Now: ", "bold"), STATUS_LABELS[state], f" ({STATUS_EXPLANATIONS[state]})"))
        status.set_class(state in (ConsentStatus.PENDING, ConsentStatus.CHANGED), "-pending")
        scope = self.scope
        self.query_one("#share-scope-help", Static).update(SCOPE_HELP[scope])
        coordinator = scope is ShareScope.COORDINATOR
        self.query_one("#share-coordinator").display = coordinator
        if coordinator:
            self.query_one("#share-leaving", Static).update(self._leaving())

    def _leaving(self) -> str:
        wording = self.query_one("#share-wording", Input).value.strip()
        content = dict(self.journal.outbound(self.item))
        if wording != self.item.coordinator_text:
            content["text"] = wording or str(content.get("text", ""))
        return _leaving_text(content)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "withdraw":
            return True if self.item.scope is ShareScope.COORDINATOR else None
        return True

    def action_cycle_scope(self) -> None:
        self.query_one("#share-scope", ChoiceLine).cycle()
        self._show()

    @on(Input.Changed, "#share-wording")
    def _wording_changed(self) -> None:
        if self.scope is ShareScope.COORDINATOR:
            self.query_one("#share-leaving", Static).update(self._leaving())

    # -- saving -------------------------------------------------------------------------------

    def action_withdraw(self) -> None:
        try:
            consent.withdraw(self.journal, self.item.id, on=self.today())
        except PairjournalError as error:
            self.show_error(str(error))
            return
        self.dismiss(self.item)

    def submit(self) -> Item:
        journal, item, scope = self.journal, self.item, self.scope
        how = self.query_one("#share-how", Input).value.strip()
        wording = self.query_one("#share-wording", Input).value.strip()
        if how and scope is not ShareScope.COORDINATOR:
            raise UsageError("partner consent is for sharing with the coordinator: choose that scope first")
        with journal.batch():
            changed_wording = scope is ShareScope.COORDINATOR and wording != item.coordinator_text
            consent.share(journal, item.id, scope, wording=wording if changed_wording else None, on=self.today())
            if how:
                consent.give_consent(journal, item.id, how=how, on=self.today())
        return item


__all__ = ["ShareDialog"]
