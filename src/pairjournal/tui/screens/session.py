"""The live session, beside the conversation: timer, check-in, agenda, notes, one-key capture.

Everything typed is saved as it is typed: a change starts a short timer
(SAVE_DELAY) and the session is written when it fires, however fast the typing
goes on, so a crash loses at most that fraction of a second. Leaving the screen,
locking and quitting write at once. Starting a session for a pair that already
has a live one resumes it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Label, SelectionList, TextArea

from pairjournal.errors import PairjournalError
from pairjournal.model import ActionItem, AgendaItem, Pair, Session, Takeaway
from pairjournal.tui.compat import markdown_language
from pairjournal.tui.messages import JournalChanged
from pairjournal.tui.presenters import badge, captured_lines, role_phrase
from pairjournal.tui.screens.common import JournalScreen
from pairjournal.tui.screens.summary import SessionSummaryScreen
from pairjournal.tui.widgets.capture import ActionDialog, TakeawayDialog
from pairjournal.tui.widgets.captured import CapturedList
from pairjournal.tui.widgets.dialogs import ConfirmDialog
from pairjournal.tui.widgets.mood import MoodPicker
from pairjournal.tui.widgets.plain import Plain, PlainStatic
from pairjournal.tui.widgets.timer import SessionTimer

SAVE_DELAY = 0.25
RETRY_DELAY = 3.0


class SessionScreen(JournalScreen):
    """The live session of one pair; opening it for a pair with a live session resumes that one."""

    SUB_TITLE = "Live session"
    CSS_PATH = None  # laid out in app.tcss, read at start-up: opening this parses no CSS
    PALETTE_GROUP = "Session"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "takeaway", "Takeaway", id="session.takeaway", priority=True,
                tooltip="Capture a takeaway"),
        Binding("ctrl+a", "action", "Action", id="session.action", priority=True,
                tooltip="Capture an action item"),
        Binding("ctrl+e", "end", "End", id="session.end", priority=True, tooltip="End the session"),
        Binding("ctrl+n", "focus('#notes')", "Notes", id="session.notes", priority=True, tooltip="Go to the notes"),
        Binding("ctrl+g", "focus('#agenda')", "Agenda", id="session.agenda", priority=True,
                tooltip="Go to the agenda"),
        Binding("ctrl+b", "focus('#mood')", "Check-in", id="session.checkin", priority=True,
                tooltip="Go to the check-in"),
        Binding("escape", "leave", "Home", id="session.leave", tooltip="Back home; the session keeps running"),
    ]

    def __init__(self, pair_id: str) -> None:
        super().__init__(classes="session")
        self.pair_id = pair_id
        self.pair: Pair | None = None
        self.session: Session | None = None
        self.resumed = False
        self._dirty = False
        self._save_timer: Timer | None = None
        self._base_elapsed = 0.0
        self._mount_clock = 0.0

    @property
    def live_pair_id(self) -> str | None:
        """Read by the app when it locks, to come back here after unlocking."""
        return self.pair_id if self.session is not None and self.session.live else None

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        journal = self.journal
        self.pair = journal.get(Pair, self.pair_id)
        self.resumed = journal.live_session(self.pair_id) is not None
        self.session = journal.start_session(self.pair_id, at=self.now())
        session, pair = self.session, self.pair
        role = role_phrase(pair)

        yield Header(show_clock=False)
        with Horizontal(id="session-bar"):
            yield PlainStatic(f"Session with {pair.name} · {role}", id="session-title")
            yield SessionTimer(session.planned_minutes, id="timer")
        with Horizontal(id="session-body"):
            with VerticalScroll(id="session-side"):
                yield Plain("Check-in · feelings first", classes="pj-section")
                yield MoodPicker(session.checkin_mood, id="mood")
                yield Input(
                    session.checkin_note,
                    placeholder="How are you arriving?",
                    id="checkin-note",
                    max_length=500,
                )
                yield Plain("Agenda", classes="pj-section")
                yield SelectionList[int](
                    *[(Content(item.text), index, item.done) for index, item in enumerate(session.agenda)],
                    id="agenda",
                )
                yield Plain("Nothing yet: add one below.", id="agenda-empty", classes="captured-empty")
                yield Input(placeholder="Add to the agenda…", id="agenda-new", max_length=300)
                yield CapturedList(id="captured-side", classes="captured")
            with Vertical(id="session-notes"):
                with Horizontal(classes="notes-head"):
                    yield Plain("Notes", classes="pj-section")
                    yield Plain("saved", id="save-state", classes="save-state")
                yield TextArea(
                    session.notes,
                    language=markdown_language(),
                    soft_wrap=True,
                    tab_behavior="focus",
                    show_line_numbers=False,
                    id="notes",
                    placeholder="Notes as you talk. Everything is saved as you type.",
                )
            with VerticalScroll(id="session-captured"):
                yield CapturedList(id="captured-wide", classes="captured")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        assert self.session is not None and self.session.started_at is not None
        started = self.session.started_at
        now = self.now()
        # Time already used before this screen opened (a resumed session), then the app's clock.
        self._base_elapsed = max(0.0, (now - started).total_seconds())
        self._mount_clock = self.host.clock()
        self.update_timer()
        self.set_interval(1.0, self.update_timer)
        self._show_agenda()
        self.show_captured()
        if self.resumed:
            self.notify("Resumed the session in progress. Nothing was lost.", title="Welcome back", markup=False)
            self.set_focus(self.query_one("#notes", TextArea))
        else:
            self.set_focus(self.query_one("#mood", MoodPicker))

    def _show_agenda(self) -> None:
        empty = self.session is None or not self.session.agenda
        self.query_one("#agenda", SelectionList).display = not empty
        self.query_one("#agenda-empty").display = empty

    def update_timer(self) -> None:
        elapsed = self._base_elapsed + self.host.clock() - self._mount_clock
        self.query_one("#timer", SessionTimer).elapsed = elapsed

    def show_captured(self) -> None:
        journal = self.host.journal
        if journal is None or self.session is None:
            return
        lines = captured_lines(journal, self.session)
        for panel in self.query(CapturedList):
            panel.show(lines)

    def on_journal_changed(self, message: JournalChanged) -> None:
        self.show_captured()

    # -- saving as typed ----------------------------------------------------------------------

    def _changed(self) -> None:
        self._dirty = True
        self._set_save_state("saving…")
        if self._save_timer is None:
            self._save_timer = self.set_timer(SAVE_DELAY, self.flush_pending)

    def flush_pending(self) -> None:
        """Writes the session now if anything changed; safe to call at any time."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        # The host's journal, not self.journal: after a lock this runs as the screen is torn down.
        journal, session = self.host.journal, self.session
        if not self._dirty or journal is None or session is None:
            return
        try:
            journal.save(session)
        except PairjournalError as error:
            self._set_save_state("NOT SAVED", error=True)
            self.notify(f"{error}. Your text is still here; trying again in a few seconds.",
                        title="Not saved", severity="error", markup=False)
            if self.is_attached:
                self._save_timer = self.set_timer(RETRY_DELAY, self.flush_pending)
            return
        self._dirty = False
        self._set_save_state("saved")

    def _set_save_state(self, text: str, *, error: bool = False) -> None:
        try:
            state = self.query_one("#save-state", Label)
        except Exception:
            return
        state.update(text)
        state.set_class(error, "-error")

    # Each change goes into the session object at once, so a flush never needs the widgets
    # (they may already be gone when the screen is torn down).

    @on(TextArea.Changed, "#notes")
    def _notes_changed(self, event: TextArea.Changed) -> None:
        text = event.text_area.text
        if self.session is not None and text != self.session.notes:
            self.session.notes = text
            self._changed()

    @on(Input.Changed, "#checkin-note")
    def _note_changed(self, event: Input.Changed) -> None:
        if self.session is not None and event.value != self.session.checkin_note:
            self.session.checkin_note = event.value
            self._changed()

    @on(MoodPicker.Changed)
    def _mood_changed(self, event: MoodPicker.Changed) -> None:
        if self.session is not None and event.mood != self.session.checkin_mood:
            self.session.checkin_mood = event.mood
            self._dirty = True
            self.flush_pending()

    @on(SelectionList.SelectedChanged, "#agenda")
    def _agenda_toggled(self, event: SelectionList.SelectedChanged[int]) -> None:
        if self.session is None:
            return
        done = set(event.selection_list.selected)
        changed = False
        for index, item in enumerate(self.session.agenda):
            if item.done != (index in done):
                item.done = index in done
                changed = True
        if changed:
            self._dirty = True
            self.flush_pending()

    @on(Input.Submitted, "#agenda-new")
    def _agenda_added(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if self.session is None or not text:
            return
        self.session.agenda.append(AgendaItem(text=text))
        index = len(self.session.agenda) - 1
        self.query_one("#agenda", SelectionList).add_option((Content(text), index, False))
        self._show_agenda()
        event.input.value = ""
        self._dirty = True
        self.flush_pending()

    @on(Input.Submitted, "#checkin-note")
    def _note_entered(self) -> None:
        self.flush_pending()
        self.set_focus(self.query_one("#notes", TextArea))

    def on_screen_suspend(self) -> None:
        self.flush_pending()

    def on_unmount(self) -> None:
        self.flush_pending()

    # -- actions ----------------------------------------------------------------------------------

    def action_takeaway(self) -> None:
        self._capture("takeaway")

    def action_action(self) -> None:
        self._capture("action")

    def _capture(self, kind: str) -> None:
        if self.session is None or self.pair is None:
            return
        self.flush_pending()
        dialog_class = TakeawayDialog if kind == "takeaway" else ActionDialog
        dialog = dialog_class([self.pair], session_id=self.session.id)

        def saved(item: Takeaway | ActionItem | None) -> None:
            if item is None:
                return
            self.show_captured()
            what = "Takeaway" if kind == "takeaway" else "Action"
            self.notify(f"{what} saved ({badge(self.journal, item)}).", markup=False)

        self.app.push_screen(dialog, saved)

    def action_leave(self) -> None:
        self.flush_pending()
        self.app.pop_screen()

    def action_end(self) -> None:
        self.flush_pending()

        def answered(end: bool | None) -> None:
            if end:
                self.end_session()

        self.app.push_screen(
            ConfirmDialog(
                "End this session?",
                "Its notes, takeaways and actions are all saved. Ending records its length "
                "and shows a summary.",
                yes="End it",
                no="Keep going",
            ),
            answered,
        )

    def end_session(self) -> None:
        journal, session = self.host.journal, self.session
        if journal is None or session is None:
            return
        self.flush_pending()
        try:
            journal.end_session(session, at=self.now())
        except PairjournalError as error:
            self.notify(str(error), title="Not ended", severity="error", markup=False)
            return
        self.app.switch_screen(SessionSummaryScreen(session.id))


__all__ = ["SessionScreen"]
