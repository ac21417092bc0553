"""One pair's card on home: when the next session is due, open actions on both sides, prompts
waiting, the last session's takeaways with their share scope, and a strip of counts."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Size
from textual.style import Style as VisualStyle
from textual.widget import Widget

from pairjournal.journal.vocabulary import is_overdue, kind_name
from pairjournal.model import Owner, ShareScope
from pairjournal.tui.presenters import (
    CADENCE_WORDS,
    due_text,
    home_badge,
    next_session_text,
    pair_state,
    role_phrase,
)

if TYPE_CHECKING:
    from pairjournal.journal.home import PairHome
    from pairjournal.model import ActionItem, Pair

_UNBOUNDED = 1_000_000  # a width no line is cut to
# A takeaway's scope tag takes the scope's colour: sharing is never easy to miss.
_SCOPE_TAGS = {ShareScope.PARTNER: "card--tag-partner", ShareScope.COORDINATOR: "card--tag-coordinator"}


_PARTNER_MARKS = {"takeaway": "•", "recognition": "★", "progress": "■"}


def _first_line(text: str) -> str:
    # As written: home shows the start of the text itself, leading space and all.
    return text.splitlines()[0] if text else ""


class PairCard(Widget, can_focus=True):
    """One pair's summary, drawn as a single widget from a PairHome.

    Every line is one Content with its style from a component class below, not a
    widget of its own: home is the screen drawn right after unlocking, and a few
    widgets restyle and lay out many times faster than a hundred.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
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

    def _item(self, text: str, tag: str, width: int, *, tone: str = "", body: str = "card--item",
              tag_style: str = "card--tag") -> Content:
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
        # The agreement's rhythm is the one that counts; the pair's own until one is written.
        rhythm = (home.cadence or pair.cadence).value
        facts = [role_phrase(pair), CADENCE_WORDS.get(rhythm, rhythm), f"{home.minutes or pair.minutes} min"]
        if pair.program:
            facts.append(pair.program)
        yield self._line(pair.name, "card--title", width)
        yield self._line(" · ".join(facts), "card--facts", width)

        stats = home.stats(today)
        overdue = f", {stats.actions_overdue} overdue" if stats.actions_overdue else ""
        held = stats.sessions_this_quarter
        if stats.expected_this_quarter:
            expected = stats.expected_this_quarter
            sessions = f"This quarter {held} of {expected} session{'' if expected == 1 else 's'}"
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
        elif home.paused:
            yield from self._wrapped(f"‖ {pair_state(pair).capitalize()}: no session expected. p, then r "
                                     "resumes it.", "card--next", width)
        else:
            text, late = next_session_text(home.next_due(), today)
            yield from self._wrapped(text, "card--next-overdue" if late else "card--next", width)
        if home.agreement_version is not None and not home.agreement_acknowledged:
            yield from self._wrapped(f"! Agreement version {home.agreement_version} waits for both "
                                     "acknowledgements: g to read it and acknowledge.", "card--prompt", width)

        yield from self._agenda(width)
        yield from self._actions(width)
        yield from self._partner_recent(width)
        yield from self._prompts(width)
        yield from self._takeaways(width)

    def _section(self, title: str, width: int) -> Iterator[Content]:
        yield Content("")
        yield self._line(title, "card--section", width)

    def _action_line(self, action: ActionItem, width: int) -> Content:
        tags = []
        if action.owner is Owner.BOTH:
            tags.append(Owner.BOTH.value)
        if action.due is not None:
            tags.append(due_text(action.due, self.today))
        late = is_overdue(action, self.today)
        return self._item(f"□ {_first_line(action.text)}", " · ".join(tags), width,
                          tone="card--overdue" if late else "")

    def _action_list(self, actions: list[ActionItem], empty: str, width: int) -> Iterator[Content]:
        for action in actions[:5]:
            yield self._action_line(action, width)
        if len(actions) > 5:
            yield self._item(f"… and {len(actions) - 5} more (o lists them all)", "", width, body="card--empty")
        if not actions:
            yield self._item(empty, "", width, body="card--empty")

    def _agenda(self, width: int) -> Iterator[Content]:
        agenda = self.pair.next_agenda
        if not agenda:
            return
        yield from self._section("Next session's agenda", width)
        for item in agenda[:3]:
            yield self._item(f"› {_first_line(item.text)}", "", width)
        if len(agenda) > 3:
            yield self._item(f"… and {len(agenda) - 3} more", "", width, body="card--empty")

    def _actions(self, width: int) -> Iterator[Content]:
        yield from self._section("Your open actions", width)
        yield from self._action_list(self.home.mine(), "No open actions. Press a to add one.", width)
        yield from self._section(f"{self.pair.name}'s open actions", width)
        theirs, shared = self.home.theirs(), self.home.partner_actions
        yield from self._action_list(theirs, "" if shared else "Nothing open on their side.", width)
        # The ones from the partner's own journal, as their bundle brought them: theirs, read-only.
        for item in shared[:5]:
            due = due_text(item.due, self.today) if item.due is not None else ""
            yield self._item(f"□ {_first_line(item.text)}", f"shared by them{' · ' + due if due else ''}", width,
                             tag_style="card--tag-partner")
        if len(shared) > 5:
            yield self._item(f"… and {len(shared) - 5} more they shared (x opens the exchange)", "", width,
                             body="card--empty")

    def _partner_recent(self, width: int) -> Iterator[Content]:
        recent = self.home.partner_recent
        if not recent:
            return
        yield from self._section(f"{self.pair.name} shared", width)
        for item in recent:
            yield self._item(f"{_PARTNER_MARKS.get(item.kind, '•')} {_first_line(item.text)}",
                             kind_name(item.kind), width, tag_style="card--tag-partner")

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
                f"• {_first_line(takeaway.text)}",
                home_badge(home, takeaway),
                width,
                tag_style=_SCOPE_TAGS.get(takeaway.scope, "card--tag"),
            )


__all__ = ["PairCard"]
