"""Home: every active pair at a glance, and the keys to everything else.

Each pair gets a card: when the next session is due (or how overdue it is), the
open action items on both sides, prompts waiting, the last session's takeaways
with their share scope, and a strip of counts. The focused card is the selected
pair that s, a, g and the rest act on. Two columns from 120 cells wide.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Static

from pairjournal.tui.commands import BindingCommands
from pairjournal.tui.messages import JournalChanged
from pairjournal.tui.widgets.plain import Plain, PlainStatic
from pairjournal.tui.screens import DESTINATIONS

if TYPE_CHECKING:
    from pairjournal.journal import Journal
    from pairjournal.model import ActionItem, Pair

CADENCE_WORDS = {"weekly": "weekly", "biweekly": "every two weeks", "monthly": "monthly"}


def days_phrase(days: int) -> str:
    return "1 day" if abs(days) == 1 else f"{abs(days)} days"


def due_text(due: date, today: date) -> tuple[str, bool]:
    """How a due date reads on home, and whether it is overdue."""
    delta = (due - today).days
    if delta < 0:
        return f"overdue by {days_phrase(delta)}", True
    if delta == 0:
        return "due today", False
    if delta == 1:
        return "due tomorrow", False
    return f"due {due.isoformat()}", False


def next_session_text(due: date, today: date) -> tuple[str, bool]:
    delta = (due - today).days
    if delta < 0:
        return f"Next session overdue by {days_phrase(delta)} (was due {due.isoformat()})", True
    if delta == 0:
        return "Next session due today", False
    return f"Next session due {due.isoformat()} (in {days_phrase(delta)})", False


def scope_badge(item: Any) -> str:
    scope = item.scope.value
    if scope == "coordinator" and item.partner_consent is None:
        return "coordinator, pending consent"
    return scope


def first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


def item_row(text: str, tag: str, modifier: str = "") -> Widget:
    """One list line: the text, cut short with an ellipsis, and its tag always visible at the right."""
    classes = f"item {modifier}".strip()
    if not tag:
        return Plain(text, classes=classes)
    return Horizontal(
        Plain(text, classes="item-text"),
        Plain(tag, classes="item-tag"),
        classes=f"item-row {modifier}".strip(),
    )


class PairCard(Widget, can_focus=True):
    """One pair's summary. Rebuilt from the journal whenever the home screen reloads."""

    def __init__(self, journal: Journal, pair: Pair, today: date) -> None:
        super().__init__(classes="pair-card")
        self.journal = journal
        self.pair = pair
        self.today = today

    @property
    def pair_id(self) -> str:
        return self.pair.id

    def compose(self) -> ComposeResult:
        journal, pair, today = self.journal, self.pair, self.today
        role = "you mentor" if pair.role.value == "mentor" else "you are mentored"
        facts = [role, CADENCE_WORDS.get(pair.cadence.value, pair.cadence.value), f"{pair.minutes} min"]
        if pair.program:
            facts.append(pair.program)
        yield Plain(pair.name, classes="card-title")
        yield Plain(" · ".join(facts), classes="card-facts")

        stats = journal.stats(pair.id, today=today)
        overdue = f", {stats.actions_overdue} overdue" if stats.actions_overdue else ""
        held = stats.sessions_this_quarter
        if stats.expected_this_quarter:
            sessions = f"This quarter {held} of {stats.expected_this_quarter} sessions"
        else:
            sessions = f"This quarter {held} session{'' if held == 1 else 's'} (none due yet)"
        yield Plain(
            f"{sessions} · actions {stats.actions_done} done, {stats.actions_open} open{overdue}",
            classes="card-strip",
        )

        if journal.live_session(pair.id) is not None:
            yield Plain("● Session in progress: press s to resume it", classes="card-next -live")
        else:
            text, late = next_session_text(journal.next_session_due(pair.id), today)
            yield Plain(text, classes="card-next" + (" -overdue" if late else ""))

        yield from self._actions(journal.open_actions(pair.id))
        yield from self._prompts()
        yield from self._takeaways()

    def _action_line(self, action: ActionItem) -> Widget:
        tags = []
        late = False
        if action.owner.value == "both":
            tags.append("both")
        if action.due is not None:
            phrase, late = due_text(action.due, self.today)
            tags.append(phrase)
        return item_row(f"□ {first_line(action.text)}", " · ".join(tags), "-overdue" if late else "")

    def _actions(self, actions: list[ActionItem]) -> ComposeResult:
        mine = [a for a in actions if a.owner.value in ("me", "both")]
        theirs = [a for a in actions if a.owner.value == "partner"]
        yield Plain("Your open actions", classes="card-section")
        if mine:
            for action in mine[:5]:
                yield self._action_line(action)
            if len(mine) > 5:
                yield Plain(f"… and {len(mine) - 5} more (o lists them all)", classes="item -more")
        else:
            yield Plain("No open actions. Press a to add one.", classes="item -empty")
        yield Plain(f"{self.pair.name}'s open actions", classes="card-section")
        if theirs:
            for action in theirs[:5]:
                yield self._action_line(action)
            if len(theirs) > 5:
                yield Plain(f"… and {len(theirs) - 5} more (o lists them all)", classes="item -more")
        else:
            yield Plain("Nothing open on their side.", classes="item -empty")

    def _prompts(self) -> ComposeResult:
        prompts = self.journal.prompts_waiting(self.pair.id)
        yield Plain("Prompts waiting", classes="card-section")
        if not prompts:
            yield Plain("All answered. Press r to write a free reflection.", classes="item -empty")
        for prompt in prompts:
            yield Plain(f"? {prompt.text}", classes="item -prompt")

    def _takeaways(self) -> ComposeResult:
        last = self.journal.last_session(self.pair.id)
        if last is None:
            yield Plain("Last session", classes="card-section")
            if self.journal.live_session(self.pair.id) is not None:
                yield Plain("None finished yet: the first is in progress.", classes="item -empty")
            else:
                yield Plain("No sessions yet. Press s to start the first.", classes="item -empty")
            return
        yield Plain(f"Last session {last.date.isoformat()}: takeaways", classes="card-section")
        takeaways = self.journal.takeaways(self.pair.id, session_id=last.id)
        if not takeaways:
            yield Plain("No takeaways captured in that session.", classes="item -empty")
        for takeaway in takeaways[:5]:
            yield item_row(f"• {first_line(takeaway.text)}", scope_badge(takeaway), f"-{takeaway.scope.value}")


class HomeScreen(Screen[None]):
    COMMANDS = {BindingCommands}
    PALETTE_GROUP = "Home"
    BINDINGS = [
        Binding("s", "start_session", "Session", id="home.start_session", tooltip="Start or resume a session"),
        Binding("a", "add_action", "+Action", id="home.add_action", tooltip="Add an action item"),
        Binding("n", "add_pair", "+Pair", id="home.add_pair", tooltip="Add a pair"),
        # One key per place in screens.DESTINATIONS (agreement, actions, reflections, search,
        # settings, export, disclosures).
        *(
            Binding(d.key, f"open('{d.name}')", d.label, id=f"home.{d.name}", tooltip=d.title)
            for d in DESTINATIONS.values()
        ),
        Binding("down,j", "move(1)", "Next pair", id="home.next_pair", show=False),
        Binding("up,k", "move(-1)", "Previous pair", id="home.previous_pair", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._reload_lock = asyncio.Lock()
        self._shown = False

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="home-body"):
            yield PlainStatic("", id="home-summary")
            yield Container(id="pairs")
        yield Footer(compact=True)

    async def on_mount(self) -> None:
        await self.reload()

    async def on_screen_resume(self) -> None:
        # The first resume belongs to mounting, which loads everything itself; setting the
        # flag only after mount's reload let that resume rebuild every card a second time.
        if not self._shown:
            self._shown = True
            return
        if self.app.journal is not None:  # type: ignore[attr-defined]
            await self.reload()

    async def on_journal_changed(self, message: JournalChanged) -> None:
        await self.reload()

    @property
    def journal(self) -> Journal | None:
        return self.app.journal  # type: ignore[attr-defined, no-any-return]

    async def reload(self) -> None:
        # Resume, dialogs closing and other processes' changes can all ask at once: one at a time.
        async with self._reload_lock:
            await self._reload()

    async def _reload(self) -> None:
        journal = self.journal
        if journal is None or not self.is_attached:
            return
        today: date = self.app.today()  # type: ignore[attr-defined]
        pairs = journal.pairs(include_ended=False)
        self._show_summary(journal, pairs, today)
        container = self.query_one("#pairs", Container)
        cards = list(container.query_children(PairCard))
        if [c.pair_id for c in cards] == [p.id for p in pairs] and cards:
            # Same pairs: refresh each card in place, so the focused card (and a key pressed
            # meanwhile) stays where it is.
            for card, pair in zip(cards, pairs):
                card.pair, card.today = pair, today
                await card.recompose()
            return
        await container.remove_children()
        if not pairs:
            await container.mount(
                PlainStatic(
                    "No pairs yet.\n\nPress n to add the person you are meeting: your partner's name, "
                    "who mentors whom, and how often you meet.",
                    classes="home-empty",
                )
            )
            self.app.selected_pair_id = None  # type: ignore[attr-defined]
            return
        cards = [PairCard(journal, pair, today) for pair in pairs]
        await container.mount_all(cards)
        selected = self.app.selected_pair_id  # type: ignore[attr-defined]
        target = next((c for c in cards if c.pair_id == selected), cards[0])
        self.app.selected_pair_id = target.pair_id  # type: ignore[attr-defined]
        self.set_focus(target, scroll_visible=False)

    def _show_summary(self, journal: Journal, pairs: list[Pair], today: date) -> None:
        summary = self.query_one("#home-summary", Static)
        if not pairs:
            summary.update("")
            return
        active = {p.id for p in pairs}
        open_actions = [a for a in journal.open_actions() if a.pair_id in active]
        late = sum(1 for a in open_actions if a.due is not None and a.due < today)
        mine = sum(1 for a in open_actions if a.owner.value in ("me", "both"))
        pair_word = "pair" if len(pairs) == 1 else "pairs"
        summary.update(
            f"{today.isoformat()}  ·  {len(pairs)} active {pair_word}  ·  "
            f"{mine} open action{'s' if mine != 1 else ''} of yours"
            + (f", {late} overdue" if late else "")
        )
        summary.set_class(bool(late), "-overdue")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, PairCard):
            self.app.selected_pair_id = event.widget.pair_id  # type: ignore[attr-defined]

    # -- actions -----------------------------------------------------------------------------

    def _selected_pair(self) -> Pair | None:
        """The focused card's pair; the first active one when no card has been focused yet."""
        journal = self.journal
        if journal is None:
            return None
        pairs = journal.pairs(include_ended=False)
        pair_id = self.app.selected_pair_id  # type: ignore[attr-defined]
        return next((p for p in pairs if p.id == pair_id), pairs[0] if pairs else None)

    def action_move(self, step: int) -> None:
        cards = list(self.query(PairCard))
        if not cards:
            return
        selected = self.app.selected_pair_id  # type: ignore[attr-defined]
        index = next((i for i, c in enumerate(cards) if c.pair_id == selected), 0)
        self.set_focus(cards[max(0, min(len(cards) - 1, index + step))])

    def action_start_session(self) -> None:
        pair = self._selected_pair()
        if pair is None:
            self.notify("Add a pair first: press n.", severity="warning", markup=False)
            return
        self.app.start_session(pair.id)  # type: ignore[attr-defined]

    def action_add_pair(self) -> None:
        from pairjournal.tui.widgets.pair_form import AddPairScreen

        def added(details: Any) -> None:
            if details is not None:
                pair = self.journal.pair(details.name) if self.journal is not None else None
                if pair is not None:
                    self.app.selected_pair_id = pair.id  # type: ignore[attr-defined]
                self.notify(f"Pair with {details.name} added.", markup=False)
                self.run_worker(self.reload(), exclusive=True, group="reload")

        self.app.push_screen(AddPairScreen(), added)

    def action_add_action(self) -> None:
        pair = self._selected_pair()
        if pair is None:
            self.notify("Add a pair first: press n.", severity="warning", markup=False)
            return
        from pairjournal.tui.widgets.capture import ActionDialog

        def saved(action: Any) -> None:
            if action is not None:
                self.notify(f"Action saved ({action.scope.value}).", markup=False)
                self.run_worker(self.reload(), exclusive=True, group="reload")

        self.app.push_screen(ActionDialog(pair.id, None, pair.name), saved)

    def action_open(self, name: str) -> None:
        if name not in DESTINATIONS:
            return
        pair = self._selected_pair()
        self.app.open_destination(name, pair_id=pair.id if pair else None)  # type: ignore[attr-defined]
