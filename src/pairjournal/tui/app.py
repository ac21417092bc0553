"""The pairjournal interface: unlock, home, the live session, settings, and the way between them.

The app is the only holder of the unlocked Journal (``app.journal``, None while
locked). Screens live in two kinds of mode: a *gate* (first run or unlock) and
*journal* (home and everything pushed on it). Locking switches to a fresh gate and
removes the journal mode entirely, so no decrypted text stays in any widget.

Start-up is cheap on purpose: this module imports neither the journal nor the
vault; they load when the passphrase is entered.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from pairjournal.errors import JournalBusy, PairjournalError
from pairjournal.tui.compat import (
    OneLineFatalError,
    current_keymap,
    draw_only_what_shows,
    has_mode,
    make_text_inert,
    screen_stacks,
)
from pairjournal.tui.keys import HELP
from pairjournal.tui.lock import InstanceLock
from pairjournal.tui.messages import JournalChanged
from pairjournal.tui.seam import Hosted

if TYPE_CHECKING:
    from pairjournal.journal import Journal, KdfParams
    from pairjournal.journal.home import HomeData
    from pairjournal.model import Pair
    from pairjournal.tui.seam import JournalHost

JOURNAL_MODE = "journal"


class PairJournalApp(OneLineFatalError[None]):
    """``PairJournalApp(path).run()``; tests pass cheap ``kdf`` and fake ``clock``/``today``/``now``.

    It is the JournalHost (pairjournal.tui.seam) every screen asks for the journal, the date and the
    way to other places.
    """

    TITLE = "pairjournal"
    CSS_PATH = "app.tcss"
    # Textual declares it "ClassVar[...] | None", which mypy takes for an instance variable.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (120, "-wide")]  # type: ignore[misc]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        Binding("ctrl+l", "lock", "Lock", id="app.lock", priority=True),
        HELP,
    ]

    def __init__(
        self,
        journal_path: Path,
        *,
        kdf: KdfParams | None = None,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] | None = None,
        now: Callable[[], datetime] | None = None,
        theme_dirs: Iterable[Path] = (),
        passphrase: str | None = None,
        config_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.journal_path = Path(journal_path)
        self.kdf = kdf
        self.clock = clock
        self._today = today
        self._now = now
        self._theme_dirs = list(theme_dirs)
        self.journal: Journal | None = None
        self.instance_lock = InstanceLock(self.journal_path)
        self.selected_pair_id: str | None = None
        self.theme_errors: list[str] = []
        # Only from --passphrase-file: unlocks once at start-up, then forgotten.
        self.initial_passphrase = passphrase
        self._last_input = clock()
        self._autolock_minutes = 5
        self._locking = False
        # "Quit and lose what was typed?" while it is asked (ctrl+q on it again means yes).
        self._quit_question: Screen[Any] | None = None
        self._refresh_error = ""
        self._gate_count = 0
        self._gate_mode: str | None = None
        self._resume_pair_id: str | None = None
        self._resume_place: tuple[str, str | None] | None = None  # (destination, its pair) a lock left
        self._notices: list[str] = []
        # None: $PAIRJOURNAL_CONFIG or the platform's config folder (pairjournal.tui.config).
        self._config_path = config_path
        self.config_problems: list[str] = []
        # Before anything is drawn: text from the journal reaches the terminal inert.
        make_text_inert()
        # A partial repaint (a key typed, the session clock) draws only what shows in it.
        draw_only_what_shows()
        # Before the first frame, so the stylesheet is built once, in the right colours.
        self._install_themes()

    # -- time, injectable for tests ------------------------------------------------------

    def now(self) -> datetime:
        if self._now is not None:
            return self._now()
        from pairjournal.model import now

        return now()

    def today(self) -> date:
        return self._today() if self._today is not None else self.now().date()

    # -- start-up ----------------------------------------------------------------------------

    def on_load(self) -> None:
        # Before the terminal is taken over: a second window on the same journal just says why it stops.
        try:
            self.instance_lock.acquire()
        except JournalBusy as error:
            self.exit(return_code=error.exit_code, message=f"pairjournal: error: {error}")
        except OSError as error:
            reason = error.strerror or type(error).__name__
            self.exit(return_code=1, message=f"pairjournal: error: cannot lock {self.instance_lock.path}: {reason}")

    def get_default_screen(self) -> Screen[Any]:
        """The first gate is the default screen: no extra mode (and no extra stylesheet pass) at start-up."""
        if not self.instance_lock.held:
            return Screen()
        return self._gate_screen()

    def on_mount(self) -> None:
        if not self.instance_lock.held:
            return
        if self.theme_errors:
            self.notify(
                "\n".join(self.theme_errors),
                title="Some themes could not be loaded",
                severity="warning",
                timeout=12,
                markup=False,
            )
        self._apply_config()
        self.set_interval(1.0, self.tick)

    # -- the person's keymap -------------------------------------------------------------------

    def _apply_config(self) -> None:
        """The keymap from config.toml, applied at once; its ids are checked in a worker, then reported once."""
        from pairjournal.tui.config import read_config

        config = read_config(self._config_path)
        if not config.keymap:
            self._report_config(config.problems)
            return
        self.set_keymap(config.keymap)

        applied = current_keymap(self)  # as Textual normalised it: "question_mark", not "?"

        def check() -> None:
            # Knowing every id imports every screen: in a thread, so the unlock screen is not held up.
            from pairjournal.tui.config import unknown_ids
            from pairjournal.tui.keys import all_bindings, clashes

            unknown = unknown_ids(config, all_bindings())
            kept = {i: keys for i, keys in applied.items() if i not in unknown}
            # Textual lets a remapped key win silently over another action's: say so, with the rest.
            config.problems += [f"{config.path}: {clash}" for clash in clashes(kept, type(self))]
            self.call_from_thread(self._config_checked, config.keymap, config.problems)

        self.run_worker(check, thread=True, group="keymap", exit_on_error=False)

    def _config_checked(self, keymap: dict[str, str], problems: list[str]) -> None:
        self.set_keymap(keymap)
        self._report_config(problems)

    def _report_config(self, problems: list[str]) -> None:
        """Everything wrong with the config, in one notification; the app runs on with what was usable."""
        self.config_problems = list(problems)
        if problems:
            self.notify("\n".join(problems), title="Your config.toml was not used in full", severity="warning",
                        timeout=15, markup=False)

    def action_help(self) -> None:
        """? or F1: this screen's keys (and closes help when it is open)."""
        from pairjournal.tui.screens.help import toggle_help

        toggle_help(self)

    def _install_themes(self) -> None:
        from pairjournal.tui.themes import DEFAULT_THEME, load_themes

        result = load_themes(self._theme_dirs)
        errors = list(result.errors)
        for theme in result.themes:
            try:
                self.register_theme(theme)
            except Exception as error:  # a theme Textual refuses is reported like a broken file
                errors.append(f"{theme.name}: not usable ({type(error).__name__})")
        self.theme_errors = errors
        self.apply_theme(DEFAULT_THEME)

    def apply_theme(self, name: str) -> bool:
        """Switches to a registered theme; an unknown name leaves the current one."""
        if name in self.available_themes:
            self.theme = name
            return True
        return False

    def watch_theme(self, theme: str) -> None:
        # Every way of choosing a theme (settings, the palette's "Change theme") persists it.
        journal = self.journal
        if journal is None:
            return
        try:
            if journal.settings().theme != theme:
                journal.save_settings(theme=theme)
        except PairjournalError as error:
            self.notify(str(error), title="Theme not saved", severity="error", markup=False)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        # A screenshot is an SVG of the screen, journal text included, written to disk: not from here.
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":
                yield command

    # -- gate and journal modes ------------------------------------------------------------

    def _gate_screen(self, notice: str = "") -> Screen[Any]:
        from pairjournal.tui.screens.unlock import FirstRunScreen, UnlockScreen

        passphrase, self.initial_passphrase = self.initial_passphrase, None
        if self.journal_path.exists():
            return UnlockScreen(self.journal_path, notice=notice, passphrase=passphrase)
        return FirstRunScreen(self.journal_path)

    def show_gate(self, notice: str = "") -> Any:
        """Shows unlock (or first run) in a new gate mode, replacing any earlier gate."""
        old = self._gate_mode
        self._gate_count += 1
        self._gate_mode = f"gate-{self._gate_count}"
        self.add_mode(self._gate_mode, lambda: self._gate_screen(notice))
        waiter = self.switch_mode(self._gate_mode)
        if old is not None:
            self.remove_mode(old)
        return waiter

    def attach_journal(self, journal: Journal) -> None:
        """The journal is unlocked (or was just created): the app holds it from now on."""
        if self.journal is not None:
            # Already unlocked (a second Enter raced the first): keep one open journal only.
            if journal is not self.journal:
                journal.close()
            return
        self.journal = journal
        # The interface keeps the journal's unlock cache current, so the next unlock is quick.
        journal.keeps_home_cache = True
        self._last_input = self.clock()
        self._read_settings()
        if journal.loaded:
            self._report_damage(journal)

    def _report_damage(self, journal: Journal) -> None:
        """A damaged journal is open read-only: home carries a banner, and this says it once more."""
        if journal.read_only:
            self.notify(
                f"{journal.damage_summary}. Nothing you change can be saved until it is repaired: "
                "run `pairjournal check`, then `pairjournal restore` a backup or "
                "`pairjournal check --accept-damage`.",
                title="Damaged journal: open read-only",
                severity="error",
                timeout=20,
                markup=False,
            )
            for screen in self.screen_stack:
                screen.post_message(JournalChanged(ids=frozenset(), external=True))

    def _load_rest(self) -> None:
        """After a lazy unlock, once home is on screen: the records, in a thread, then the index."""
        journal = self.journal
        if journal is None:
            return
        if not journal.from_cache:
            # No unlock cache (its last writer was killed): the records came in before home.
            # The index is built all the same, so searches stop scanning within a second.
            self.run_worker(journal.build_index, thread=True, group="load", exclusive=True, exit_on_error=False)
            return
        self.run_worker(
            lambda: self._finish_loading(journal), thread=True, group="load", exclusive=True, exit_on_error=False
        )

    def _finish_loading(self, journal: Journal) -> None:
        # Home came from the cache; the records may already be in (Journal.load_behind).
        shown = journal.cached_home or journal.home(self.today())
        try:
            journal.finish_loading()
        except PairjournalError as error:  # home was readable, a record is not
            # Textual's annotation (one callback type for "T or Awaitable[T]") cannot be solved for a
            # coroutine function, though call_from_thread awaits one as documented.
            self.call_from_thread(self._load_failed, journal, error)  # type: ignore[arg-type]
            return
        # Home from the records (70 ms at 50,000 when the cache is not today's), made here and kept by
        # the journal, so the check in _loaded finds it made instead of holding up the keys for it.
        with contextlib.suppress(PairjournalError):
            journal.home(self.today())
        self.call_from_thread(self._loaded, journal, shown)
        # Then the search index, so the first search answers at once (seconds of work on
        # a very large journal; locking or quitting stops it).
        journal.build_index()

    async def _load_failed(self, journal: Journal, error: PairjournalError) -> None:
        """Back to the unlock screen, saying why: a journal that cannot be read is not shown."""
        if journal is not self.journal:
            return
        # Nothing to save: the load ends within moments of unlocking, and no write can
        # go to a journal whose records cannot be read.
        self.journal = None
        self.selected_pair_id = None
        try:
            await self.show_gate(f"This journal could not be read: {error}")
            if has_mode(self, JOURNAL_MODE):
                await self.remove_mode(JOURNAL_MODE)
        finally:
            journal.close()

    def _loaded(self, journal: Journal, shown: HomeData) -> None:
        if journal is not self.journal:
            return  # locked meanwhile
        self._report_damage(journal)
        # Home came from the cache; another process may have written since it was made.
        if journal.home(self.today()).pairs != shown.pairs:
            for screen in self.screen_stack:
                screen.post_message(JournalChanged(ids=frozenset(), external=True))

    def _read_settings(self) -> None:
        assert self.journal is not None
        settings = self.journal.settings()
        self._autolock_minutes = max(1, settings.autolock_minutes)
        self.apply_theme(settings.theme)

    async def enter_journal(self) -> None:
        """From the gate to home (and back into a session the lock interrupted)."""
        if self.journal is None or self.current_mode == JOURNAL_MODE:
            return
        from pairjournal.tui.screens.home import HomeScreen

        # Chosen before home is made, so home focuses its card.
        returning = self._resume_pair_id is not None or self._resume_place is not None
        offered = None if returning else self._live_session_elsewhere()
        if offered is not None:
            self.selected_pair_id = offered.id
        if has_mode(self, JOURNAL_MODE):
            await self.remove_mode(JOURNAL_MODE)
        self.add_mode(JOURNAL_MODE, HomeScreen)
        await self.switch_mode(JOURNAL_MODE)
        gate, self._gate_mode = self._gate_mode, None
        if gate is not None:
            await self.remove_mode(gate)
        resume, self._resume_pair_id = self._resume_pair_id, None
        place, self._resume_place = self._resume_place, None
        if resume is not None and any(p.id == resume for p in self.journal.pairs()):
            from pairjournal.tui.screens.session import SessionScreen

            await self.push_screen(SessionScreen(resume))
        elif place is not None and (place[1] is None or any(p.id == place[1] for p in self.journal.pairs())):
            self.open_destination(place[0], pair_id=place[1])
        elif offered is not None:
            self.notify(f"The session with {offered.name} is still in progress: press s to resume it.",
                        title="Session in progress", markup=False, timeout=10)
        for notice in self._notices:
            self.notify(notice, title="Kept safe", markup=False)
        self._notices.clear()
        # Home is up: now the records the lazy unlock left sealed, without holding it up.
        self.call_after_refresh(self._load_rest)

    # -- saving, locking, quitting ----------------------------------------------------------

    def _all_screens(self) -> list[Screen[Any]]:
        return [screen for stack in screen_stacks(self).values() for screen in stack]

    def flush_saves(self, *, keep_drafts: bool = False) -> list[str]:
        """Writes every pending edit now; with keep_drafts, unfinished dialogs are saved too.

        Returns the dialogs holding typed text that nothing keeps (a lock closes them unanswered)."""
        lost: list[str] = []
        if self.journal is None or self.journal.read_only:
            return lost  # a damaged journal takes no writes (the banner on home says so)
        for screen in reversed(self._all_screens()):
            if not isinstance(screen, Hosted):
                continue
            if keep_drafts:
                notice = screen.save_draft()
                if notice:
                    self._notices.append(notice)
                elif (what := screen.lost_on_lock()) is not None:
                    lost.append(what)
            screen.flush_pending()
        return lost

    async def lock(self, reason: str = "Locked.") -> None:
        """Drops every decrypted thing and shows the unlock screen; what a form cannot keep is named."""
        journal = self.journal
        if journal is None or self._locking:
            return
        # The tick and a key can both ask to lock; the second must not start another gate.
        self._locking = True
        try:
            lost = self.flush_saves(keep_drafts=True)
            if lost:
                # Said, not promised away: an edit or a form left unanswered is not applied for the person.
                notice = f"{reason} Not kept: what you had typed in {', '.join(lost)}. Everything else is saved."
                self._notices.append(f"The lock closed {', '.join(lost)} without saving what you had typed there.")
            else:
                notice = f"{reason} Everything you typed is saved."
            self._resume_pair_id = self._live_session_pair()
            self._resume_place = self._open_place()
            await self.show_gate(notice)
            if has_mode(self, JOURNAL_MODE):
                await self.remove_mode(JOURNAL_MODE)
        finally:
            self.journal = None
            self.selected_pair_id = None
            self._locking = False
            journal.close(today=self.today())
            # The gate's footer was drawn while the journal was still open: ctrl+l no longer applies.
            self.screen.refresh_bindings()

    def _live_session_elsewhere(self) -> Pair | None:
        """After a quit or a crash mid-session: the pair whose session is still live, to select and name
        (its card may be below the fold at 80x24)."""
        assert self.journal is not None
        home = self.journal.cached_home or self.journal.home(self.today())
        return next((p.pair for p in home.pairs if p.live_session_id is not None), None)

    def _open_place(self) -> tuple[str, str | None] | None:
        """The place (a destination of places.py) topmost in the journal's screens, to open again after unlock."""
        from pairjournal.tui.places import DESTINATIONS

        names = {d.cls: d.name for d in DESTINATIONS.values()}
        for screen in reversed(screen_stacks(self).get(JOURNAL_MODE, [])):
            name = names.get(type(screen).__name__)
            if name is not None:
                pair_id = getattr(screen, "pair_id", None)
                return name, pair_id if isinstance(pair_id, str) else None
        return None

    def _live_session_pair(self) -> str | None:
        from pairjournal.tui.screens.session import SessionScreen

        for screen in screen_stacks(self).get(JOURNAL_MODE, []):
            if isinstance(screen, SessionScreen) and screen.live_pair_id:
                return screen.live_pair_id
        return None

    async def action_lock(self) -> None:
        await self.lock()

    async def action_quit(self) -> None:
        lost = self._lost_on_quit()
        if not lost or (self._quit_question is not None and self.screen is self._quit_question):
            self._quit()
            return
        # Asked before anything is saved, so going back leaves every form as it was.
        from pairjournal.tui.widgets.dialogs import ConfirmDialog

        def answered(quit_anyway: bool | None) -> None:
            self._quit_question = None
            if quit_anyway:
                self._quit()

        self._quit_question = ConfirmDialog(
            "Quit without saving?",
            f"What you typed in {', '.join(lost)} is not saved. Quit and lose it (y, or ctrl+q again), "
            "or go back to it (n or Esc) and save it first.",
            yes="Quit, lose it",
            no="Go back",
        )
        self.push_screen(self._quit_question, answered)

    def _quit(self) -> None:
        self.flush_saves(keep_drafts=True)
        self.exit()

    def _lost_on_quit(self) -> list[str]:
        """What quitting now would close unsaved: typed into, and no draft keeps it (nothing is saved here)."""
        if self.journal is None or self.journal.read_only:
            return []
        return [
            what
            for screen in reversed(self._all_screens())
            if isinstance(screen, Hosted) and not screen.keeps_draft() and (what := screen.lost_on_lock()) is not None
        ]

    def on_unmount(self) -> None:
        # Screens have flushed on their own unmount by now; close and let go of the lock.
        self.close_journal()
        self.instance_lock.release()

    def close_journal(self) -> None:
        journal, self.journal = self.journal, None
        if journal is not None:
            journal.close(today=self.today())

    def fatal_error_line(self, error: BaseException | None) -> str:
        # Textual's default prints a traceback with local variables: journal text could
        # be among them. Save what can be saved and say one line instead.
        with contextlib.suppress(Exception):  # whatever broke may break this too; the line still goes out
            self.flush_saves(keep_drafts=True)
        name = type(error).__name__ if error is not None else "error"
        return (
            f"pairjournal: error: internal error ({name}); details are withheld to keep journal "
            "text off the screen. Everything saved before this is safe."
        )

    # -- the one-second tick: other processes' writes, idle time -----------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseEvent, events.Paste)):
            self._last_input = self.clock()
        await super().on_event(event)

    def note_activity(self) -> None:
        """Counts as the person's activity for auto-lock, like a key."""
        self._last_input = self.clock()

    async def tick(self) -> None:
        # A passphrase change running in a worker holds the journal; this simply waits its turn.
        if self.journal is None or self._locking or not self.journal.loaded:
            return
        self.check_external_changes()
        await self.check_autolock()

    def check_external_changes(self) -> frozenset[str]:
        """Picks up what another process (the CLI) wrote, and tells the screens."""
        if self.journal is None:
            return frozenset()
        try:
            ids = frozenset(self.journal.refresh())
        except PairjournalError as error:
            # Once per distinct problem, not every second.
            if str(error) != self._refresh_error:
                self._refresh_error = str(error)
                self.notify(str(error), title="Could not read changes", severity="error", markup=False)
            return frozenset()
        self._refresh_error = ""
        if ids:
            if self.journal is not None:
                self._autolock_minutes = max(1, self.journal.settings().autolock_minutes)
            for screen in self.screen_stack:
                screen.post_message(JournalChanged(ids=ids, external=True))
        return ids

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "lock":
            return self.journal is not None
        return True

    def idle_seconds(self) -> float:
        return self.clock() - self._last_input

    async def check_autolock(self) -> bool:
        if self.journal is None:
            return False
        minutes = self._autolock_minutes
        if self.idle_seconds() < minutes * 60:
            return False
        # A live session on the stack (under a capture dialog, say) holds the lock off until its planned end.
        if any(isinstance(s, Hosted) and s.holds_autolock() for s in self.screen_stack):
            return False
        word = "minute" if minutes == 1 else "minutes"
        await self.lock(f"Locked after {minutes} idle {word}.")
        return True

    # -- settings the screens change -------------------------------------------------------------

    def save_autolock(self, minutes: int) -> None:
        assert self.journal is not None
        self.journal.save_settings(autolock_minutes=minutes)
        self._autolock_minutes = minutes

    # -- going places ---------------------------------------------------------------------

    def open_destination(self, name: str, *, pair_id: str | None = None, **extra: Any) -> bool:
        """Pushes one of the screens in screens.DESTINATIONS; tells the user when it cannot."""
        if self.journal is None:
            return False
        from pairjournal.tui.screens import ScreenNotAvailable, make_screen

        pair_id = pair_id or self.selected_pair_id
        try:
            screen = make_screen(name, pair_id=pair_id, **extra)
        except ScreenNotAvailable as error:
            self.notify(str(error), severity="warning", markup=False)
            return False
        self.push_screen(screen)
        return True

    def start_session(self, pair_id: str | None = None) -> bool:
        pair_id = pair_id or self.selected_pair_id
        if self.journal is None:
            return False
        if pair_id is None:
            self.notify("Add a pair first (n on the home screen).", severity="warning")
            return False
        if self.journal.read_only and self.journal.live_session(pair_id) is None:
            # Starting a session is a write, and this journal takes none.
            self.notify(
                "This journal is damaged and open read-only, so a session cannot be started. "
                "Run `pairjournal check` to see why.",
                title="Read-only",
                severity="error",
                markup=False,
            )
            return False
        from pairjournal.tui.screens.session import SessionScreen

        self.push_screen(SessionScreen(pair_id))
        return True

    def go_home(self) -> None:
        if self.current_mode != JOURNAL_MODE:
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()


if TYPE_CHECKING:

    def _is_a_host(app: PairJournalApp) -> JournalHost:
        return app  # mypy checks here that the app satisfies the seam every screen relies on
