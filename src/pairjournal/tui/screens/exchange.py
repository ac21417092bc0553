"""The partner exchange for one pair: link a card, write and read bundles, answer consent requests.

Top: whom the pair is linked to (the partner's fingerprint, whether it was
compared directly) and the bundles both ways. Then the partner's consent
requests, the highlighted one's exact text (what would leave for the
coordinator, and its SHA-256) below them, and what the partner shared. Every
rule and format is the domain's and sharing's (journal/exchange.py,
sharing/bundles.py, cards.py, requests.py): this screen asks and renders.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Header, Static

from pairjournal.errors import PairjournalError, UsageError
from pairjournal.model import ConsentRequest, Decision, Pair, PartnerItem, PartnerKeys
from pairjournal.sharing import bundles, cards, requests
from pairjournal.tui.presenters import fmt_day
from pairjournal.tui.screens.common import BACK, JournalScreen
from pairjournal.tui.widgets.dialogs import AskText, ConfirmDialog
from pairjournal.tui.widgets.footer import KeyFooter

ANSWERS = {Decision.PENDING: "waiting for you", Decision.APPROVED: "approved", Decision.DECLINED: "declined"}
OWNERS = {"me": "theirs", "partner": "yours", "both": "both"}


def request_text(request: ConsentRequest) -> str:
    """The exact words that would leave, field by field, and the hash a receipt signs."""
    content = requests.content_of(request)
    lines = [f"{request.kind} [{request.item_id[:8]}] for {request.coordinator or 'the coordinator'}: "
             f"{ANSWERS[request.decision]}"]
    for name in sorted(content):
        if name not in ("kind", "pair", "coordinator") and content[name] not in (None, ""):
            lines.append(f"  {name}: {content[name]}")
    lines.append(f"  sha256 {request.sha256}")
    return "\n".join(lines)


def item_facts(item: PartnerItem) -> str:
    facts = []
    if item.kind == "action":
        facts.append(item.status or "open")
        if item.due:
            facts.append(f"due {fmt_day(item.due)}")
        if item.owner:
            facts.append(OWNERS.get(item.owner, item.owner))
    if item.kind == "progress" and item.level:
        facts.append(item.level.replace("-", " "))
    if item.for_coordinator:
        facts.append("for the coordinator")
    return ", ".join(facts)


class ExchangeScreen(JournalScreen):
    """One pair's exchange with the partner's journal."""

    PALETTE_GROUP = "Exchange"
    DEFAULT_CSS = """
    ExchangeScreen #exchange-link { padding: 0 1; height: auto; }
    ExchangeScreen #exchange-link.-unlinked { color: $warning; }
    ExchangeScreen #exchange-arrived { padding: 0 1; height: auto; color: $text-muted; }
    ExchangeScreen .exchange-title { padding: 0 1; height: 1; color: $text-accent; text-style: bold; }
    ExchangeScreen #exchange-requests { height: 1fr; min-height: 3; }
    ExchangeScreen #exchange-request-text { height: auto; max-height: 7; padding: 0 1;
                                            border-top: solid $primary; }
    ExchangeScreen #exchange-items { height: 1fr; min-height: 3; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        BACK,
        Binding("w", "write_bundle", "Write", id="exchange.write", tooltip="Write a bundle for your partner"),
        Binding("r", "read_bundle", "Read", id="exchange.read", tooltip="Read a bundle from your partner"),
        Binding("a", "answer('approved')", "Approve", id="exchange.approve",
                tooltip="Approve the highlighted request: sign a receipt for exactly its text"),
        Binding("x", "answer('declined')", "Decline", id="exchange.decline",
                tooltip="Decline the highlighted request"),
        Binding("l", "link_card", "Link card", id="exchange.link", tooltip="Link your partner's card to this pair"),
    ]

    def __init__(self, pair_id: str) -> None:
        super().__init__()
        self.pair_id = pair_id
        self.requests: list[ConsentRequest] = []
        self.arrived = ""

    @property
    def pair(self) -> Pair:
        return self.journal.get(Pair, self.pair_id)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="exchange-link", markup=False)
        yield Static("", id="exchange-arrived", markup=False)
        with Vertical():
            yield Static("Consent requests", id="exchange-requests-title", classes="exchange-title", markup=False)
            yield DataTable(id="exchange-requests", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="exchange-request-text"):
                yield Static("", id="exchange-request-body", markup=False)
            yield Static("Shared with you", id="exchange-items-title", classes="exchange-title", markup=False)
            yield DataTable(id="exchange-items", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = f"Exchange with {self.pair.name}"
        self.query_one("#exchange-requests", DataTable).add_columns("Id", "Kind", "Answer", "What would leave")
        self.query_one("#exchange-items", DataTable).add_columns("Date", "Kind", "Their item", "")
        self.reload()
        self.query_one("#exchange-requests", DataTable).focus()

    # -- reading -------------------------------------------------------------------

    def reload(self) -> None:
        journal, pair = self.journal, self.pair
        link = journal.partner_link(pair.id)
        head = self.query_one("#exchange-link", Static)
        head.set_class(link is None, "-unlinked")
        if link is None:
            head.update(f"Not linked: consent for {pair.name}'s pair is recorded by you alone. "
                        "Press l to link your partner's card.")
        else:
            checked = "compared directly" if link.verified else "NOT compared directly"
            head.update(f"Linked to {link.partner.name}: {link.partner.fingerprint} ({checked})\n"
                        f"Bundles: you wrote {link.out_seq} (they confirmed {link.confirmed_seq}), "
                        f"you read {link.in_seq}")
        self.query_one("#exchange-arrived", Static).update(self.arrived)
        self.requests = journal.consent_requests(pair.id)
        table = self.query_one("#exchange-requests", DataTable)
        table.clear()
        for request in self.requests:
            words = " ".join(str(requests.content_of(request).get("text") or
                                 requests.content_of(request).get("outcome") or "").split())
            answer = Text(ANSWERS[request.decision],
                          style="bold" if request.decision is Decision.PENDING else "")
            # Text, never str: a DataTable reads a str cell as markup, and these are the partner's words.
            table.add_row(Text(request.item_id[:8]), Text(request.kind), answer, Text(words), key=request.id)
        if not self.requests:
            self.query_one("#exchange-request-body", Static).update("No consent requests from your partner.")
        else:
            self._show_request(self._highlighted() or self.requests[0])
        items = self.query_one("#exchange-items", DataTable)
        items.clear()
        for item in journal.partner_items(pair.id):
            items.add_row(Text(fmt_day(item.on)), Text(item.kind), Text(" ".join(item.text.split())),
                          Text(item_facts(item)), key=item.id)

    def _highlighted(self) -> ConsentRequest | None:
        table = self.query_one("#exchange-requests", DataTable)
        if not self.requests or table.cursor_row < 0 or table.cursor_row >= len(self.requests):
            return None
        return self.requests[table.cursor_row]

    def _show_request(self, request: ConsentRequest) -> None:
        self.query_one("#exchange-request-body", Static).update(request_text(request))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "exchange-requests":
            found = next((r for r in self.requests if r.id == event.row_key.value), None)
            if found is not None:
                self._show_request(found)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer":
            return True if self._highlighted() is not None else None  # shown dimmed without a request
        return True

    # -- acting ----------------------------------------------------------------------

    def action_answer(self, decision: str) -> None:
        request = self._highlighted()
        if request is None:
            return
        verb = requests.approve if decision == Decision.APPROVED.value else requests.decline
        done = self.attempt(verb, self.journal, request.item_id, on=self.today())
        if done is not None:
            said = "approved: you signed a receipt for exactly this text" if done.decision is Decision.APPROVED \
                else "declined"
            self.notify(f"[{done.item_id[:8]}] {said}; your answer leaves with your next bundle.", markup=False)
            self.reload()

    def action_write_bundle(self) -> None:
        try:
            name = bundles.suggested_name(self.journal, self.pair)
        except PairjournalError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        ask = AskText("Write a bundle for your partner", label="Save it as", value=str(Path.cwd() / name),
                      required=True, hint="Enter writes it (encrypted to your partner, signed by you) · Esc cancels")
        self.app.push_screen(ask, self._write_to)

    def _write_to(self, answer: str | None) -> None:
        if not answer:
            return
        written = self.attempt(bundles.write, self.journal, self.pair, Path(answer).expanduser())
        if written is not None:
            counts = ", ".join(f"{n} {kind}" for kind, n in sorted(written.counts().items())) or "nothing new"
            self.arrived = f"Wrote bundle {written.seq} to {answer}: {counts}. Send it by any channel."
            self.reload()

    def action_read_bundle(self) -> None:
        ask = AskText("Read a bundle from your partner", label="The bundle file", placeholder="pairjournal-to-….age",
                      required=True, hint="Enter reads it: checked in full, then applied, or refused whole")
        self.app.push_screen(ask, self._read_from)

    def _read_from(self, answer: str | None) -> None:
        if not answer:
            return
        arrived = self.attempt(bundles.read, self.journal, Path(answer).expanduser(), pair=self.pair)
        if arrived is not None:
            lines = [f"Read bundle {arrived.seq} from {arrived.partner}:"]
            lines += [line.strip() for line in arrived.lines] or ["nothing new in it"]
            self.arrived = "\n".join(lines)
            self.reload()

    def action_link_card(self) -> None:
        ask = AskText("Link your partner's card", label="The card file", placeholder="their.card", required=True,
                      hint="Enter reads it and shows its fingerprint · Esc cancels")
        self.app.push_screen(ask, self._link_from)

    def _link_from(self, answer: str | None) -> None:
        if not answer:
            return
        keys = self.attempt(cards.read_card, Path(answer).expanduser())
        if keys is None:
            return
        link = self.journal.partner_link(self.pair_id)
        changed = link is not None and link.partner.fingerprint != keys.fingerprint
        detail = f"Fingerprint of {keys.name}'s card:\n{keys.fingerprint}"
        if changed and link is not None:
            detail += f"\n\nThis REPLACES the linked key {link.partner.fingerprint}."
        question = f"Did you compare this fingerprint with {keys.name} directly (in person or on a call)?"
        self.app.push_screen(ConfirmDialog(question, detail, yes="Compared, link it", no="Not yet"),
                             lambda yes: self._confirmed(keys, yes, changed))

    def _confirmed(self, keys: PartnerKeys, yes: bool | None, relink: bool) -> None:
        if not yes:
            self.notify("Nothing was linked: compare the fingerprint with your partner first.", markup=False)
            return
        linked = self.attempt(self._link, keys, relink)
        if linked is not None:
            self.notify(f"Linked to {keys.name}'s journal ({keys.fingerprint}).", markup=False)
            self.reload()

    def _link(self, keys: PartnerKeys, relink: bool) -> object:
        from pairjournal.sharing import identity

        if keys.signing_key == identity.mine(self.journal).signing_key_b64:
            raise UsageError("this is your own card: link the card your partner gave you")
        return self.journal.link_partner(self.pair_id, keys, verified=True, relink=relink, on=self.today())


__all__ = ["ExchangeScreen", "item_facts", "request_text"]
