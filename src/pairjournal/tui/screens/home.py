"""Home: every active pair at a glance, and the keys to everything else.

Each pair gets a card: when the next session is due (or how overdue it is), the
open action items on both sides, prompts waiting, the last session's takeaways
with their share scope, and a strip of counts. The focused card is the selected
pair that s, a, g and the rest act on. Two columns from 120 cells wide.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Footer, Header, Static

from pairjournal.journal.vocabulary import is_overdue
from pairjournal.model import ActionItem, Owner
from pairjournal.tui.compat import mark_styles_current
from pairjournal.tui.presenters import badge
from pairjournal.tui.screens import DESTINATIONS
from pairjournal.tui.screens.common import JournalScreen
from pairjournal.tui.widgets.pair_card import PairCard
from pairjournal.tui.widgets.pair_form import AddPairScreen, PairDetails
from pairjournal.tui.widgets.plain import PlainStatic

if TYPE_CHECKING:
    from pairjournal.journal.home import HomeData
    from pairjournal.model import Pair


class HomeScreen(JournalScreen):
    """Every active pair's card; the focused one is the pair the keys act on."""

    PALETTE_GROUP = "Home"
    CSS_PATH = None  # laid out in app.tcss, read at start-up: opening this parses no CSS
    AUTO_FOCUS = ""  # on_mount focuses the selected card, without scrolling the summary away
    BINDINGS: ClassVar[list[BindingType]] = [
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
        self._shown = False
        # Made right after unlocking, from a stylesheet that is already current: without
        # this, switching to the new screen's mode parses every stylesheet again, twice
        # (a tenth of a second of the unlock, for nothing).
        mark_styles_current(self, self.app)

    def compose(self) -> ComposeResult:
        # Built here from journal.home() (the unlock cache, right after a lazy unlock),
        # so the cards mount with the screen: one pass of styles and layout, not two.
        home, today = self._home()
        yield Header(show_clock=False)
        with VerticalScroll(id="home-body"):
            yield PlainStatic("", id="damage-banner")
            yield PlainStatic("", id="home-summary")
            with Vertical(id="pairs"):
                if home is not None:
                    yield from self._cards(home, today)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        home, today = self._home()
        self._show_damage()
        if home is not None:
            self._show_summary(home, today)
        self._focus_selected()

    def _show_damage(self) -> None:
        """A damaged journal is open read-only: say so above everything, for as long as it is."""
        banner = self.query_one("#damage-banner", Static)
        journal = self.host.journal
        if journal is None or not journal.read_only:
            banner.display = False
            return
        banner.update(
            f"DAMAGED JOURNAL, OPEN READ-ONLY: {journal.damage_summary}. Nothing you change here can be "
            "saved. In a terminal, `pairjournal check` shows the damage; `pairjournal restore` puts a "
            "backup in its place, or `pairjournal check --accept-damage` accepts it."
        )
        banner.display = True

    def on_screen_resume(self) -> None:
        # The first resume belongs to mounting, which shows everything itself.
        if not self._shown:
            self._shown = True
            return
        self.reload()

    def _home(self) -> tuple[HomeData | None, date]:
        # The host's journal, which may be None: a refresh can arrive as a lock tears home down.
        today, journal = self.today(), self.host.journal
        return (journal.home(today) if journal is not None else None), today

    def _cards(self, home: HomeData, today: date) -> Iterator[Widget]:
        if not home.pairs:
            yield PlainStatic(
                "No pairs yet.\n\nPress n to add the person you are meeting: your partner's name, "
                "who mentors whom, and how often you meet.",
                classes="home-empty",
            )
            return
        for pair_home in home.pairs:
            yield PairCard(pair_home, today)

    def reload(self) -> None:
        """Shows the journal as it is now; cards of the same pairs are redrawn in place."""
        home, today = self._home()
        if home is None or not self.is_attached:
            return
        self._show_damage()
        self._show_summary(home, today)
        container = self.query_one("#pairs", Vertical)
        cards = list(container.query_children(PairCard))
        if cards and [c.pair_id for c in cards] == [p.pair.id for p in home.pairs]:
            # Same pairs: the focused card (and a key pressed meanwhile) stays where it is.
            for card, pair_home in zip(cards, home.pairs, strict=True):
                card.show(pair_home, today)
            return
        container.remove_children()
        container.mount_all(list(self._cards(home, today)))
        self.call_after_refresh(self._focus_selected)

    def _focus_selected(self) -> None:
        cards = list(self.query(PairCard))
        if not cards:
            self.host.selected_pair_id = None
            return
        selected = self.host.selected_pair_id
        target = next((c for c in cards if c.pair_id == selected), cards[0])
        self.host.selected_pair_id = target.pair_id
        if self.focused is not target:
            self.set_focus(target, scroll_visible=False)

    def _show_summary(self, home: HomeData, today: date) -> None:
        summary = self.query_one("#home-summary", Static)
        if not home.pairs:
            summary.update("")
            return
        open_actions = home.open_actions()
        late = sum(1 for a in open_actions if is_overdue(a, today))
        mine = sum(1 for a in open_actions if a.owner in (Owner.ME, Owner.BOTH))
        count = len(home.pairs)
        pair_word = "pair" if count == 1 else "pairs"
        summary.update(
            f"{today.isoformat()}  ·  {count} active {pair_word}  ·  "
            f"{mine} open action{'s' if mine != 1 else ''} of yours"
            + (f", {late} overdue" if late else "")
        )
        summary.set_class(bool(late), "-overdue")

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, PairCard):
            self.host.selected_pair_id = event.widget.pair_id

    # -- actions -----------------------------------------------------------------------------

    def _selected_pair(self) -> Pair | None:
        """The focused card's pair; the first active one when no card has been focused yet."""
        journal = self.host.journal
        if journal is None:
            return None
        pairs = journal.pairs(include_ended=False)
        pair_id = self.host.selected_pair_id
        return next((p for p in pairs if p.id == pair_id), pairs[0] if pairs else None)

    def action_move(self, step: int) -> None:
        cards = list(self.query(PairCard))
        if not cards:
            return
        selected = self.host.selected_pair_id
        index = next((i for i, c in enumerate(cards) if c.pair_id == selected), 0)
        self.set_focus(cards[max(0, min(len(cards) - 1, index + step))])

    def action_start_session(self) -> None:
        pair = self._selected_pair()
        if pair is None:
            self.notify("Add a pair first: press n.", severity="warning", markup=False)
            return
        self.host.start_session(pair.id)

    def action_add_pair(self) -> None:
        def added(details: PairDetails | None) -> None:
            if details is not None:
                self.host.selected_pair_id = self.journal.pair(details.name).id
                self.notify(f"Pair with {details.name} added.", markup=False)
                self.reload()

        self.app.push_screen(AddPairScreen(), added)

    def action_add_action(self) -> None:
        pair = self._selected_pair()
        if pair is None:
            self.notify("Add a pair first: press n.", severity="warning", markup=False)
            return
        # Imported when first wanted: home is the screen drawn right after unlocking.
        from pairjournal.tui.widgets.capture import ActionDialog

        def saved(action: ActionItem | None) -> None:
            if action is not None:
                self.notify(f"Action saved ({badge(self.journal, action)}).", markup=False)
                self.reload()

        self.app.push_screen(ActionDialog([pair]), saved)

    def action_open(self, name: str) -> None:
        if name not in DESTINATIONS:
            return
        pair = self._selected_pair()
        self.host.open_destination(name, pair_id=pair.id if pair else None)


__all__ = ["HomeScreen", "PairCard"]
