"""Home: every active pair at a glance, and the keys to everything else.

Each pair gets a card: when the next session is due (or how overdue it is), the
open action items on both sides, prompts waiting, the last session's takeaways
with their share scope, and a strip of counts. The focused card is the selected
pair that s, a, g and the rest act on. Two columns from 120 cells wide.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len

from textual import events
from textual.app import ComposeResult
from textual.content import Content
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.geometry import Size
from textual.screen import Screen
from textual.style import Style as VisualStyle
from textual.widget import Widget
from textual.widgets import Footer, Header, Static

from pairjournal.journal.outbound import BADGES
from pairjournal.tui.commands import BindingCommands
from pairjournal.tui.messages import JournalChanged
from pairjournal.tui.widgets.plain import PlainStatic
from pairjournal.tui.screens import DESTINATIONS

if TYPE_CHECKING:
    from pairjournal.journal import Journal
    from pairjournal.journal.home import HomeData, PairHome
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


def scope_badge(home: PairHome, item: Any) -> str:
    return BADGES[home.consent_of(item.id)]


def first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


class PairCard(Widget, can_focus=True):
    """One pair's summary, drawn as a single widget from a PairHome.

    Every line is one Content with its style from a component class below, not a
    widget of its own: home is the screen drawn right after unlocking, and a few
    widgets restyle and lay out many times faster than a hundred.
    """

    COMPONENT_CLASSES = {
        "card--title",
        "card--facts",
        "card--strip",
        "card--next",
        "card--next-overdue",
        "card--next-live",
        "card--section",
        "card--item",
        "card--empty",
        "card--prompt",
        "card--tag",
        "card--tag-partner",
        "card--tag-coordinator",
        "card--overdue",
    }

    def __init__(self, home: PairHome, today: date) -> None:
        super().__init__(classes="pair-card")
        self.home = home
        self.today = today
        self._lines_cache: tuple[int, list[Content]] | None = None

    @property
    def pair(self) -> Pair:
        return self.home.pair

    @property
    def pair_id(self) -> str:
        return self.home.pair.id

    def show(self, home: PairHome, today: date) -> None:
        """New data for the same pair: drawn again in place, focus untouched."""
        self.home, self.today = home, today
        self._lines_cache = None
        self.refresh(layout=True)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines_cache = None  # the component styles (a theme, focus) are baked into the lines

    # -- drawing ------------------------------------------------------------------------------

    def plain_text(self) -> str:
        """Every line in full, none cut short: what the card says, for tests and for copying."""
        return "\n".join(line.plain.rstrip() for line in self._build(_UNBOUNDED))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def lines(self) -> list[Content]:
        """The card's lines as drawn at its present width."""
        return self._lines(self.size.width)

    def render(self) -> Content:
        return Content("\n").join(self._lines(self.size.width))

    def _lines(self, width: int) -> list[Content]:
        width = max(width, 8)
        if self._lines_cache is None or self._lines_cache[0] != width:
            self._lines_cache = (width, list(self._build(width)))
        return self._lines_cache[1]

    def _style(self, name: str) -> VisualStyle:
        return self.get_visual_style(name)

    def _line(self, text: str, style: str, width: int) -> Content:
        return Content.styled(text, self._style(style)).truncate(width, ellipsis=True)

    def _wrapped(self, text: str, style: str, width: int, *, pad: int = 0) -> Iterator[Content]:
        visual = self._style(style)
        if width >= _UNBOUNDED:
            yield Content.styled(" " * pad + text, visual)
            return
        inner = max(1, width - 2 * pad)
        for part in textwrap.wrap(text, inner) or [""]:
            yield Content.styled(" " * pad + part.ljust(inner) + " " * pad, visual)

    def _item(self, text: str, tag: str, width: int, *, tone: str = "", body: str = "card--item", tag_style: str = "card--tag") -> Content:
        """One list line: the text cut short with an ellipsis, its tag always whole at the right.

        `tone` (overdue) colours the whole line; otherwise `body` the text and `tag_style` the tag.
        """
        room = width - 1  # one column of indent
        body_style = self._style(tone or body)
        if width >= _UNBOUNDED:
            return Content.assemble(" ", (text, body_style), "  " if tag else "", (tag, self._style(tone or tag_style)))
        if not tag:
            return Content.assemble(" ", Content.styled(text, body_style).truncate(room, ellipsis=True))
        if cell_len(tag) > room // 2:
            tag = Content(tag).truncate(max(1, room // 2), ellipsis=True).plain
        text_room = max(1, room - cell_len(tag) - 2)
        line = Content.styled(text, body_style).truncate(text_room, ellipsis=True, pad=True)
        return Content.assemble(" ", line, "  ", Content.styled(tag, self._style(tone or tag_style)))

    def _build(self, width: int) -> Iterator[Content]:
        home, pair, today = self.home, self.home.pair, self.today
        role = "you mentor" if pair.role.value == "mentor" else "you are mentored"
        facts = [role, CADENCE_WORDS.get(pair.cadence.value, pair.cadence.value), f"{pair.minutes} min"]
        if pair.program:
            facts.append(pair.program)
        yield self._line(pair.name, "card--title", width)
        yield self._line(" · ".join(facts), "card--facts", width)

        stats = home.stats(today)
        overdue = f", {stats.actions_overdue} overdue" if stats.actions_overdue else ""
        held = stats.sessions_this_quarter
        if stats.expected_this_quarter:
            sessions = f"This quarter {held} of {stats.expected_this_quarter} sessions"
        else:
            sessions = f"This quarter {held} session{'' if held == 1 else 's'} (none due yet)"
        yield Content("")
        yield from self._wrapped(
            f"{sessions} · actions {stats.actions_done} done, {stats.actions_open} open{overdue}",
            "card--strip",
            width,
            pad=1,
        )

        yield Content("")
        if home.live_session_id is not None:
            yield from self._wrapped("● Session in progress: press s to resume it", "card--next-live", width)
        else:
            text, late = next_session_text(home.next_due(), today)
            yield from self._wrapped(text, "card--next-overdue" if late else "card--next", width)

        yield from self._actions(width)
        yield from self._prompts(width)
        yield from self._takeaways(width)

    def _section(self, title: str, width: int) -> Iterator[Content]:
        yield Content("")
        yield self._line(title, "card--section", width)

    def _action_line(self, action: ActionItem, width: int) -> Content:
        tags = []
        late = False
        if action.owner.value == "both":
            tags.append("both")
        if action.due is not None:
            phrase, late = due_text(action.due, self.today)
            tags.append(phrase)
        return self._item(f"□ {first_line(action.text)}", " · ".join(tags), width, tone="card--overdue" if late else "")

    def _action_list(self, actions: list[ActionItem], empty: str, width: int) -> Iterator[Content]:
        for action in actions[:5]:
            yield self._action_line(action, width)
        if len(actions) > 5:
            yield self._item(f"… and {len(actions) - 5} more (o lists them all)", "", width, body="card--empty")
        if not actions:
            yield self._item(empty, "", width, body="card--empty")

    def _actions(self, width: int) -> Iterator[Content]:
        yield from self._section("Your open actions", width)
        yield from self._action_list(self.home.mine(), "No open actions. Press a to add one.", width)
        yield from self._section(f"{self.pair.name}'s open actions", width)
        yield from self._action_list(self.home.theirs(), "Nothing open on their side.", width)

    def _prompts(self, width: int) -> Iterator[Content]:
        yield from self._section("Prompts waiting", width)
        if not self.home.prompts_waiting:
            yield self._item("All answered. Press r to write a free reflection.", "", width, body="card--empty")
        for prompt in self.home.prompts_waiting:
            yield self._item(f"? {prompt.text}", "", width, body="card--prompt")

    def _takeaways(self, width: int) -> Iterator[Content]:
        home = self.home
        if home.last_session_date is None:
            yield from self._section("Last session", width)
            if home.live_session_id is not None:
                yield self._item("None finished yet: the first is in progress.", "", width, body="card--empty")
            else:
                yield self._item("No sessions yet. Press s to start the first.", "", width, body="card--empty")
            return
        yield from self._section(f"Last session {home.last_session_date.isoformat()}: takeaways", width)
        if not home.last_takeaways:
            yield self._item("No takeaways captured in that session.", "", width, body="card--empty")
        for takeaway in home.last_takeaways[:5]:
            yield self._item(
                f"• {first_line(takeaway.text)}",
                scope_badge(home, takeaway),
                width,
                tag_style=_SCOPE_TAGS.get(takeaway.scope.value, "card--tag"),
            )


_UNBOUNDED = 1_000_000  # a width no line is cut to
# A takeaway's scope tag takes the scope's colour: sharing is never easy to miss.
_SCOPE_TAGS = {"partner": "card--tag-partner", "coordinator": "card--tag-coordinator"}


class HomeScreen(Screen[None]):
    COMMANDS = {BindingCommands}
    PALETTE_GROUP = "Home"
    AUTO_FOCUS = ""  # on_mount focuses the selected card, without scrolling the summary away
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
        self._shown = False
        # Made right after unlocking, from a stylesheet that is already current: without
        # this, switching to the new screen's mode parses every stylesheet again, twice
        # (a tenth of a second of the unlock, for nothing). Textual 8's private counter.
        self._css_update_count = self.app._css_update_count

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
        journal = self.journal
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

    def on_journal_changed(self, message: JournalChanged) -> None:
        self.reload()

    @property
    def journal(self) -> Journal | None:
        return self.app.journal  # type: ignore[attr-defined, no-any-return]

    def _home(self) -> tuple[HomeData | None, date]:
        today: date = self.app.today()  # type: ignore[attr-defined]
        journal = self.journal
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
            self.app.selected_pair_id = None  # type: ignore[attr-defined]
            return
        selected = self.app.selected_pair_id  # type: ignore[attr-defined]
        target = next((c for c in cards if c.pair_id == selected), cards[0])
        self.app.selected_pair_id = target.pair_id  # type: ignore[attr-defined]
        if self.focused is not target:
            self.set_focus(target, scroll_visible=False)

    def _show_summary(self, home: HomeData, today: date) -> None:
        summary = self.query_one("#home-summary", Static)
        if not home.pairs:
            summary.update("")
            return
        open_actions = home.open_actions()
        late = sum(1 for a in open_actions if a.due is not None and a.due < today)
        mine = sum(1 for a in open_actions if a.owner.value in ("me", "both"))
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
                self.reload()

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
                self.reload()

        self.app.push_screen(ActionDialog(pair.id, None, pair.name), saved)

    def action_open(self, name: str) -> None:
        if name not in DESTINATIONS:
            return
        pair = self._selected_pair()
        self.app.open_destination(name, pair_id=pair.id if pair else None)  # type: ignore[attr-defined]
