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
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import Header, Input, Label, SelectionList, Static, TextArea

from pairjournal.errors import PairjournalError
from pairjournal.model import ActionItem, AgendaItem, Objective, ObjectiveProgress, Pair, Prompt, Session, Takeaway
from pairjournal.tui.compat import markdown_language
from pairjournal.tui.messages import JournalChanged
from pairjournal.tui.presenters import badge, captured_lines, partner_lines, role_phrase
from pairjournal.tui.screens.common import JournalScreen
from pairjournal.tui.screens.summary import SessionSummaryScreen
from pairjournal.tui.widgets.capture import ActionDialog, ProgressDialog, TakeawayDialog
from pairjournal.tui.widgets.captured import CapturedList, CapturedStrip
from pairjournal.tui.widgets.dialogs import ConfirmDialog
from pairjournal.tui.widgets.footer import KeyFooter
from pairjournal.tui.widgets.mood import MoodPicker
from pairjournal.tui.widgets.notes import NotesArea
from pairjournal.tui.widgets.plain import Plain, PlainStatic
from pairjournal.tui.widgets.timer import SessionTimer

SAVE_DELAY = 0.25
RETRY_DELAY = 3.0


# side panel (46) + captured list (44) + notes of 44 columns with their padding, border and scrollbar
SESSION_WIDE_AT = 140


class SessionScreen(JournalScreen):
    """The live session of one pair; opening it for a pair with a live session resumes that one."""

    SUB_TITLE = "Live session"
    CSS_PATH = None  # laid out in app.tcss, read at start-up: opening this parses no CSS
    PALETTE_GROUP = "Session"
    HELP = "The live session beside the conversation: notes saved as typed, one key to capture."
    # Three columns (the wide side panel and the captured list beside the notes) only where the
    # notes keep the width they have at 80 columns: at 120, three columns left them 24 columns
    # (a row every four words), narrower than at 80x24. Below this the captures are the strip
    # under the notes, as at 80x24.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (SESSION_WIDE_AT, "-wide")]  # type: ignore[misc]
    # Keys chosen to leave the notes' own editing keys alone (ctrl+a/ctrl+e: line start and end)
    # and tmux's prefix (ctrl+b).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "takeaway", "Takeaway", id="session.takeaway", priority=True,
                tooltip="Capture a takeaway"),
        Binding("ctrl+o", "action", "Action", id="session.action", priority=True,
                tooltip="Capture an action item"),
        Binding("ctrl+r", "progress", "Progress", id="session.progress", priority=True,
                tooltip="Record progress on an objective of the agreement"),
        Binding("ctrl+f", "end", "End", id="session.end", priority=True, tooltip="End the session"),
        Binding("ctrl+n", "notes", "Notes", id="session.notes", priority=True,
                tooltip="Go to the notes, at the end of what is written"),
        Binding("ctrl+g", "agenda", "Agenda", id="session.agenda", priority=True,
                tooltip="Go to the agenda (or to adding to it, when it is empty)"),
        Binding("f2", "focus('#mood')", "Check-in", id="session.checkin", tooltip="Go to the check-in"),
        Binding("f3", "next_prompt", "Prompt", id="session.next_prompt", show=False,
                tooltip="The next prompt for the middle of a session"),
        Binding("ctrl+home", "notes_edge('start')", "Notes start", id="session.notes_start", show=False),
        Binding("ctrl+end", "notes_edge('end')", "Notes end", id="session.notes_end", show=False),
        Binding("f8", "discard", "Discard", id="session.discard", show=False,
                tooltip="Discard a session started by mistake: it leaves no trace"),
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
        self._prompt_index = 0
        self._save_text = "saved"

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
                yield CapturedList(id="partner-side", classes="captured")
                yield CapturedList(id="captured-side", classes="captured")
            with Vertical(id="session-notes"):
                yield PlainStatic("", id="prompt-strip", classes="session-prompt")
                with Horizontal(classes="notes-head"):
                    yield Plain("Notes", classes="pj-section")
                    yield Plain("saved", id="save-state", classes="save-state")
                yield NotesArea(
                    session.notes,
                    language=markdown_language(),
                    soft_wrap=True,
                    tab_behavior="focus",
                    show_line_numbers=False,
                    id="notes",
                    placeholder="Notes as you talk. Everything is saved as you type.",
                )
                yield CapturedStrip(id="captured-strip")
            with VerticalScroll(id="session-captured"):
                yield CapturedList(id="captured-wide", classes="captured")
        yield KeyFooter(compact=True)

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
        self._show_partner()
        self._show_prompt()
        if self.resumed:
            self.notify("Resumed the session in progress. Nothing was lost.", title="Welcome back", markup=False)
            self.action_notes()  # at the end of what was written, so what is typed next follows it
        else:
            self.set_focus(self.query_one("#mood", MoodPicker))

    # -- prompts at their moment ---------------------------------------------------------------

    def _checkin_prompt(self) -> Prompt | None:
        """One check-in prompt, a different one each session: answering never retires them."""
        prompts = self.journal.checkin_prompts(self.pair_id)
        if not prompts:
            return None
        held = sum(1 for s in self.journal.sessions(self.pair_id) if not s.live)
        return prompts[held % len(prompts)]

    def _strip_prompts(self) -> list[tuple[str, Prompt]]:
        """The check-in prompt first, then the ones for the middle of a session; f3 moves along."""
        checkin = self._checkin_prompt()
        shown = [("Check-in", checkin)] if checkin is not None else []
        return shown + [("If it helps", p) for p in self.journal.prompts_during(self.pair_id)]

    def _show_prompt(self) -> None:
        strip = self.query_one("#prompt-strip", Static)
        prompts = self._strip_prompts()
        strip.display = bool(prompts)
        if prompts:
            label, prompt = prompts[self._prompt_index % len(prompts)]
            strip.update(f"{label}: {prompt.text}  (f3: another)")

    def action_next_prompt(self) -> None:
        self._prompt_index += 1
        self._show_prompt()

    def _show_partner(self) -> None:
        """What the partner shared from their journal (a linked pair): theirs, read-only here."""
        panel = self.query_one("#partner-side", CapturedList)
        lines = partner_lines(self.journal, self.pair) if self.pair is not None else []
        panel.display = bool(lines)
        panel.show(lines)

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
        self.query_one("#captured-strip", CapturedStrip).show(lines)

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
        if text != self._save_text:
            self._save_text = text
            state.update(text, layout=False)  # its width is fixed (app.tcss)
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
        self._add_topic(text)
        event.input.value = ""
        self.flush_pending()

    def _add_topic(self, text: str) -> None:
        assert self.session is not None
        self.session.agenda.append(AgendaItem(text=text))
        index = len(self.session.agenda) - 1
        self.query_one("#agenda", SelectionList).add_option((Content(text), index, False))
        self._show_agenda()
        self._dirty = True

    def save_draft(self) -> str | None:
        """Before a lock: a topic half-typed into the agenda goes on it, as Enter would have put it."""
        try:
            field = self.query_one("#agenda-new", Input)
        except NoMatches:
            return None
        text = field.value.strip()
        if self.session is None or not text:
            return None
        self._add_topic(text)
        field.value = ""
        return f"The agenda topic you were typing was added: {text[:60]}"

    @on(Input.Submitted, "#checkin-note")
    def _note_entered(self) -> None:
        self.flush_pending()
        self.set_focus(self.query_one("#notes", TextArea))

    def on_screen_suspend(self) -> None:
        self.flush_pending()

    def on_unmount(self) -> None:
        self.flush_pending()

    # -- actions ----------------------------------------------------------------------------------

    def action_notes(self) -> None:
        # set_focus, not notes.focus(): that waits a turn, and keys typed right after would miss the notes.
        notes = self.query_one("#notes", TextArea)
        self.set_focus(notes)
        notes.move_cursor(notes.document.end)

    def action_notes_edge(self, edge: str) -> None:
        notes = self.query_one("#notes", TextArea)
        self.set_focus(notes)
        notes.move_cursor((0, 0) if edge == "start" else notes.document.end)

    def action_agenda(self) -> None:
        # An empty agenda's list is hidden: focus lands where a topic can be typed.
        empty = self.session is None or not self.session.agenda
        self.set_focus(self.query_one("#agenda-new" if empty else "#agenda"))

    def holds_autolock(self) -> bool:
        """Quiet listening is not absence: no auto-lock before the planned end of a live session."""
        if self.session is None or not self.session.live:
            return False
        elapsed = self._base_elapsed + self.host.clock() - self._mount_clock
        return elapsed < self.session.planned_minutes * 60

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "progress":
            return True if self._objectives() else None
        return True

    def _objectives(self) -> list[tuple[int, Objective]]:
        agreement = self.journal.agreement(self.pair_id)
        return list(enumerate(agreement.objectives, 1)) if agreement else []

    def action_progress(self) -> None:
        objectives = self._objectives()
        if self.session is None or self.pair is None:
            return
        if not objectives:
            self.notify("The agreement has no objectives yet: write them on the agreement screen.",
                        severity="warning", markup=False)
            return
        self.flush_pending()
        session_id = self.session.id

        def saved(entry: ObjectiveProgress | None) -> None:
            if entry is None or self.session is None:
                return
            if entry.objective_id not in self.session.objective_ids:
                # Objectives touched in this session: what its record says it worked on.
                self.session.objective_ids.append(entry.objective_id)
                self._dirty = True
                self.flush_pending()
            self.notify(f"Progress saved ({badge(self.journal, entry)}).", markup=False)

        self.app.push_screen(ProgressDialog(self.pair, objectives, session_id=session_id), saved)

    def action_discard(self) -> None:
        if self.session is None:
            return
        session_id = self.session.id

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            if self.attempt(self.journal.discard_session, session_id) is None:
                return
            self.session = None
            self.notify("Session discarded: it left no trace.", markup=False)
            self.app.pop_screen()

        self.app.push_screen(
            ConfirmDialog("Discard this session?",
                          "For a session started by mistake: it goes with everything captured in it, and never "
                          "counts as held.", yes="Discard", no="Keep it"),
            answered,
        )

    def action_leave(self) -> None:
        # A topic half typed into the agenda goes on it, as at a lock: the session is only set aside.
        kept = self.save_draft()
        self.flush_pending()
        if kept:
            self.notify(kept, markup=False)
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
