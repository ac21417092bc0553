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
from textual.widgets import Header, Static

from pairjournal.journal.vocabulary import is_overdue
from pairjournal.model import ActionItem, Owner, Recognition, Role
from pairjournal.tui.compat import mark_styles_current
from pairjournal.tui.presenters import badge
from pairjournal.tui.screens import DESTINATIONS
from pairjournal.tui.screens.common import JournalScreen
from pairjournal.tui.widgets.dialogs import AskText, ConfirmDialog
from pairjournal.tui.widgets.footer import KeyFooter
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
        Binding("t", "add_agenda", "+Agenda", id="home.add_agenda",
                tooltip="Add a topic to the next session's agenda"),
        Binding("n", "add_pair", "+Pair", id="home.add_pair", tooltip="Add a pair"),
        Binding("p", "pair_menu", "Pair…", id="home.pair_menu", tooltip="Edit, pause, resume, end or delete the pair"),
        Binding("w", "add_recognition", "+Recognition", id="home.add_recognition", show=False,
                tooltip="Write recognition of your mentor's contribution"),
        # One key per place in pairjournal.tui.places (agreement, actions, reflections, search,
        # settings, export, history, archive, disclosures).
        *(
            Binding(d.key, f"open('{d.name}')", d.label, id=f"home.{d.name}", tooltip=d.title, show=d.footer)
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
        yield KeyFooter(compact=True)

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
        if self.focused is None or not self.focused.is_attached:
            self._focus_selected()

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
        self.call_next(self._rebuild, list(self._cards(home, today)))

    async def _rebuild(self, cards: list[Widget]) -> None:
        # Awaited, so focus lands on a card that is mounted: a card removed while it held focus
        # would take the footer and every key with it.
        container = self.query_one("#pairs", Vertical)
        await container.remove_children()
        await container.mount_all(cards)
        self._focus_selected()

    def _focus_selected(self) -> None:
        cards = [card for card in self.query(PairCard) if card.is_attached]
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
            self.refresh_bindings()  # what the keys offer depends on the pair (recognition: a mentee's)

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add_recognition":
            # From the card, not the journal: home may be showing the unlock cache while records load.
            selected = self.host.selected_pair_id
            pair = next((c.pair for c in self.query(PairCard) if c.pair_id == selected), None)
            # The mentee writes recognition of the mentor; in a pair where I mentor there is none to write.
            return pair is not None and pair.role is Role.MENTEE
        return True

    def action_add_agenda(self) -> None:
        pair = self._selected_pair()
        if pair is None:
            self.notify("Add a pair first: press n.", severity="warning", markup=False)
            return
        pair_id = pair.id

        def typed(text: str | None) -> None:
            if not text:
                return
            item = self.attempt(self.journal.add_agenda, pair_id, text)
            if item is not None:
                self.notify(f"On the agenda for the next session: {item.text}", markup=False)
                self.reload()

        def keep(text: str) -> str:
            self.journal.add_agenda(pair_id, text)
            return f"The agenda topic you were typing was added: {text[:60]}"

        self.app.push_screen(
            AskText(f"Next session with {pair.name}", label="Add a topic to the agenda",
                    placeholder="e.g. the rollout plan for the new chat tool", required=True, keep=keep),
            typed,
        )

    def action_add_recognition(self) -> None:
        pair = self._selected_pair()
        if pair is None or pair.role is not Role.MENTEE:
            return
        from pairjournal.tui.widgets.capture import RecognitionDialog

        def saved(recognition: Recognition | None) -> None:
            if recognition is not None:
                self.notify(f"Recognition saved ({badge(self.journal, recognition)}).", markup=False)
                self.reload()

        self.app.push_screen(RecognitionDialog(pair), saved)

    def action_pair_menu(self) -> None:
        pair = self._selected_pair()
        if pair is None:
            self.notify("Add a pair first: press n.", severity="warning", markup=False)
            return
        from pairjournal.tui.widgets.pair_menu import PairMenu

        self.app.push_screen(PairMenu(pair), lambda choice: self._pair_chosen(pair, choice))

    def _pair_chosen(self, pair: Pair, choice: str | None) -> None:
        from pairjournal.tui.screens import editing

        if choice == "edit":
            editing.edit_record(self, pair)
        elif choice == "delete":
            editing.delete_record(self, pair)
        elif choice == "pause":
            if self.attempt(self.journal.pause_pair, pair.id, on=self.today()) is not None:
                self.notify(f"Paused the pair with {pair.name}: no session is expected until you resume.",
                            markup=False)
                self.reload()
        elif choice == "resume":
            if self.attempt(self.journal.resume_pair, pair.id, on=self.today()) is not None:
                self.notify(f"Resumed the pair with {pair.name}.", markup=False)
                self.reload()
        elif choice == "end":
            self._end_pair(pair)

    def _end_pair(self, pair: Pair) -> None:
        closing = self.journal.closing_prompts(pair.id)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            if self.attempt(self.journal.end_pair, pair.id, on=self.today()) is None:
                return
            self.notify(f"Ended the pair with {pair.name}: it is in the archive (v), every record kept.",
                        markup=False)
            if self.host.selected_pair_id == pair.id:
                self.host.selected_pair_id = None
            self.reload()
            if closing:
                self.host.open_destination("reflections", pair_id=pair.id, prompt_id=closing[0].id)

        detail = ("It leaves home for the archive, read-only; every record stays and its exports still cover "
                  "the time it ran.")
        if closing:
            detail += " Then a closing prompt opens: " + closing[0].text
        self.app.push_screen(ConfirmDialog(f"End the pair with {pair.name}?", detail, yes="End it",
                                           no="Keep going"), answered)

    def action_open(self, name: str) -> None:
        if name not in DESTINATIONS:
            return
        pair = self._selected_pair()
        self.host.open_destination(name, pair_id=pair.id if pair else None)


__all__ = ["HomeScreen", "PairCard"]
