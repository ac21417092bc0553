"""After a session ends: how long it ran, what it captured, and a prompt to reflect on while it is fresh.

What was not captured during the session can still be, here: t and a add a takeaway
or an action item to the session that just ended (the live session's ctrl+t and
ctrl+a mean nothing once it is over, so the empty lists name these keys instead).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Header

from pairjournal.model import Pair, PromptTiming, Session
from pairjournal.tui.compat import current_keymap
from pairjournal.tui.keys import key_text
from pairjournal.tui.presenters import captured_lines
from pairjournal.tui.screens.common import JournalScreen
from pairjournal.tui.widgets.capture import ActionDialog, TakeawayDialog
from pairjournal.tui.widgets.footer import KeyFooter
from pairjournal.tui.widgets.plain import Plain, PlainStatic

TAKEAWAY = Binding("t", "takeaway", "Takeaway", id="summary.takeaway", tooltip="Add a takeaway to this session")
ACTION = Binding("a", "action", "Action", id="summary.action", tooltip="Add an action item to this session")


class SessionSummaryScreen(JournalScreen):
    """After a session: how long it ran, what it captured, and a prompt to reflect on."""

    SUB_TITLE = "Session summary"
    HELP = ("The session that just ended: how long it ran and what it captured. Add what was missed (t, a), "
            "or reflect while it is fresh (r).")
    CSS_PATH = None  # laid out in app.tcss, read at start-up: opening this parses no CSS
    PALETTE_GROUP = "Summary"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reflect", "Reflect", id="summary.reflect", tooltip="Answer the post-session prompt"),
        TAKEAWAY,
        ACTION,
        Binding("enter,escape", "done", "Home", id="summary.done", tooltip="Back home"),
    ]

    def __init__(self, session_id: str) -> None:
        super().__init__(classes="summary")
        self.session_id = session_id
        self.prompt_id: str | None = None

    @property
    def pair_id(self) -> str | None:
        """The session's pair: what the palette's places act on from here."""
        journal = self.host.journal
        return journal.get(Session, self.session_id).pair_id if journal is not None else None

    def compose(self) -> ComposeResult:
        journal = self.journal
        session = journal.get(Session, self.session_id)
        pair = journal.get(Pair, session.pair_id)
        minutes = session.actual_minutes or 0
        planned = session.planned_minutes
        prompts = journal.prompts_waiting(pair.id, limit=20)
        after = [p for p in prompts if p.timing is PromptTiming.AFTER] or prompts
        prompt = after[0] if after else None
        self.prompt_id = prompt.id if prompt else None
        keymap = current_keymap(self.app)

        yield Header(show_clock=False)
        with VerticalScroll(id="summary-body"), Vertical(classes="summary-box"):
            yield PlainStatic(f"Session with {pair.name} ended", classes="summary-title")
            yield PlainStatic(
                f"{session.date.isoformat()}  ·  {minutes} min of {planned} planned"
                + ("  ·  ran over" if minutes > planned else ""),
                classes="summary-facts",
            )
            if session.checkin_mood or session.checkin_note:
                mood = session.checkin_mood or "no mood picked"
                note = f": {session.checkin_note}" if session.checkin_note else ""
                yield PlainStatic(f"Check-in: {mood}{note}", classes="summary-line")
            agenda_done = sum(item.done for item in session.agenda)
            if session.agenda:
                carried = journal.carried_over(session)
                later = f"  ·  {carried} not covered wait on the next agenda" if carried else ""
                yield PlainStatic(f"Agenda: {agenda_done} of {len(session.agenda)} items covered{later}",
                                  classes="summary-line")
            # The keys that add one here, as the person's keymap has them.
            for text, css in captured_lines(journal, session, takeaway_key=key_text(self.app, TAKEAWAY, keymap),
                                            action_key=key_text(self.app, ACTION, keymap)):
                yield Plain(text, classes=css)
            yield Plain("Reflect while it is fresh", classes="captured-head")
            if prompt is not None:
                yield PlainStatic(f"? {prompt.text}", classes="summary-prompt")
                yield PlainStatic("Press r to answer it privately, or Enter to go home.", classes="pj-hint")
            else:
                yield PlainStatic("No prompts waiting. Press Enter to go home.", classes="pj-hint")
        yield KeyFooter(compact=True)

    def reload(self) -> None:
        # What was captured changed (here, or from the CLI): draw it again.
        self.refresh(recompose=True)

    def _capture(self, dialog: Any) -> None:
        def captured(item: object) -> None:
            if item is not None:
                self.reload()

        self.app.push_screen(dialog, captured)

    def action_takeaway(self) -> None:
        session = self.journal.get(Session, self.session_id)
        self._capture(TakeawayDialog(self.journal.pairs(), session.pair_id, session_id=session.id))

    def action_action(self) -> None:
        session = self.journal.get(Session, self.session_id)
        self._capture(ActionDialog(self.journal.pairs(), session.pair_id, session_id=session.id))

    def action_reflect(self) -> None:
        pair_id, prompt_id = self.pair_id, self.prompt_id
        self.app.pop_screen()
        self.host.open_destination("reflections", pair_id=pair_id, prompt_id=prompt_id)

    def action_done(self) -> None:
        self.app.pop_screen()


__all__ = ["SessionSummaryScreen"]
