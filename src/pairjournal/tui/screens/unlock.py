"""The gate: create a journal on first run, or unlock an existing one.

Key derivation is deliberately slow (Argon2id), so it runs in a thread worker
while a loading indicator shows; the interface keeps answering keys meanwhile.
This module is imported at start-up, so it only needs Path: the journal layer is
imported inside the worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Header, Input, Static
from textual.worker import Worker, WorkerState

from pairjournal.tui.commands import JournalCommands, Providers
from pairjournal.tui.seam import Hosted
from pairjournal.tui.widgets.footer import KeyFooter
from pairjournal.tui.widgets.pair_form import PairForm, save_pair
from pairjournal.tui.widgets.passphrase import NewPassphrase
from pairjournal.tui.widgets.working import Working

if TYPE_CHECKING:
    from pairjournal.journal import Journal

WRONG_PASSPHRASE = "That passphrase does not unlock this journal. Check it (caps lock?) and try again."
FORGOTTEN_WARNING = (
    "Write your passphrase down somewhere safe. If you forget it, nobody can recover "
    "your journal: not you, not us, not anyone. That is what keeps it private."
)


def _import_home() -> None:
    """Home's modules, imported while the key is derived: Argon2id leaves part of a core
    free, and the 30 ms they take would otherwise come between the key and home."""
    import textual.scrollbar  # noqa: F401  (what home's scrolling container mounts)

    import pairjournal.tui.screens.home  # noqa: F401


def _describe(error: BaseException) -> str:
    """One line for any failure to open or create a journal."""
    from pairjournal.errors import PairjournalError, WrongPassphrase

    if isinstance(error, WrongPassphrase):
        return WRONG_PASSPHRASE
    if isinstance(error, PairjournalError):
        return str(error)
    if isinstance(error, OSError):
        where = f": {error.filename}" if error.filename else ""
        return f"{error.strerror or type(error).__name__}{where}"
    return f"the journal could not be opened ({type(error).__name__})"


class GateScreen(Hosted, Screen[None]):
    """What unlock and first run share: a centred box, a message line, a busy indicator."""

    COMMANDS: ClassVar[Providers] = {JournalCommands}
    PALETTE_GROUP = "Journal"

    def __init__(self, journal_path: Path) -> None:
        super().__init__(classes="gate")
        self.journal_path = journal_path
        self.busy = False

    def set_busy(self, busy: bool, message: str = "") -> None:
        self.busy = busy
        self.query_one("#gate-working", Working).show_working(busy)
        for field in self.query(".secret").results(Input):
            field.disabled = busy
        self.show_message(message)

    def on_screen_suspend(self) -> None:
        # Home replaces this gate still busy, and the gate is kept until the next lock.
        self.query_one("#gate-working", Working).hold()

    def on_screen_resume(self) -> None:
        self.query_one("#gate-working", Working).show_working(self.busy)

    def still_wanted(self, journal: Journal) -> bool:
        """Whether the journal a worker opened can be handed on: not when this gate has gone meanwhile."""
        if self.is_attached:
            return True
        journal.close()
        return False

    def show_message(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#gate-message", Static)
        line.update(message)
        line.display = bool(message)
        line.set_class(error, "-error")


class UnlockScreen(GateScreen):
    """The passphrase, then home; a wrong one is said and nothing else happens."""

    HELP = "Type your passphrase and press Enter to open your journal. Nothing is shown until it is unlocked."
    AUTO_FOCUS = "#passphrase"

    def __init__(self, journal_path: Path, *, notice: str = "", passphrase: str | None = None) -> None:
        super().__init__(journal_path)
        self.notice = notice
        self._passphrase = passphrase

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        # Scrolls like the first-run steps when the terminal is very short.
        with (
            VerticalScroll(classes="gate-scroll", can_focus=False),
            Center(classes="gate-center"),
            Vertical(classes="gate-box"),
        ):
            yield Static("Unlock your journal", classes="gate-title")
            yield Static(str(self.journal_path), classes="gate-path")
            yield Input(password=True, placeholder="Passphrase", id="passphrase", classes="secret")
            yield Working(id="gate-working")
            yield Static(self.notice, id="gate-message", markup=False)
            yield Static("Enter unlocks · ctrl+q quits", classes="gate-keys")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#gate-working", Working).show_working(False)
        self.show_message(self.notice)
        if self._passphrase:
            passphrase, self._passphrase = self._passphrase, None
            self._start(passphrase)

    @on(Input.Submitted, "#passphrase")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.busy:
            return  # a second Enter while the key is being derived
        if not event.value:
            self.show_message("Type your passphrase, then press Enter.", error=True)
            return
        self._start(event.value)

    def _start(self, passphrase: str) -> None:
        self.set_busy(True, "Unlocking… deriving the key takes a moment.")
        self.unlock(passphrase)
        self.call_after_refresh(_import_home)

    @work(thread=True, exclusive=True, group="unlock", exit_on_error=False)
    def unlock(self, passphrase: str) -> Journal:
        from pairjournal.journal import Journal

        # Lazy: home comes from the unlock cache while the rest is decrypted behind it.
        journal = Journal.open(self.journal_path, passphrase, lazy=True)
        journal.load_behind()
        return journal

    @on(Worker.StateChanged)
    def _worker_done(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "unlock":
            return
        if event.state == WorkerState.SUCCESS:
            journal = event.worker.result
            if journal is None or not self.still_wanted(journal):
                return
            # This screen may stay in the background (the first gate does): keep no passphrase in it.
            self.query_one("#passphrase", Input).value = ""
            self.host.attach_journal(journal)
            self.app.call_later(self.host.enter_journal)
        elif event.state == WorkerState.ERROR:
            assert event.worker.error is not None
            self.set_busy(False)
            field = self.query_one("#passphrase", Input)
            field.value = ""
            self.set_focus(field)
            self.show_message(_describe(event.worker.error), error=True)


class FirstRunScreen(GateScreen):
    """Create the journal (passphrase twice), then set up the first pair."""

    HELP = ("Create your journal: choose a passphrase (several random words are best; it cannot be recovered), "
            "then set up your first pair.")

    AUTO_FOCUS = "#new-passphrase"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "skip_pair", "Skip for now", id="first_run.skip")]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with ContentSwitcher(initial="create-step", id="first-run-steps"):
            with (
                VerticalScroll(id="create-step", classes="gate-scroll"),
                Center(classes="gate-center"),
                Vertical(classes="gate-box"),
            ):
                yield Static("Welcome to pairjournal", classes="gate-title")
                yield Static("Your journal is one encrypted file on this computer:", classes="gate-lead")
                yield Static(str(self.journal_path), classes="gate-path")
                yield NewPassphrase(placeholder="Choose a passphrase", hint_when_empty=True)
                yield Static(FORGOTTEN_WARNING, classes="gate-warning")
                yield Working(id="gate-working")
                yield Static("", id="gate-message", markup=False)
                yield Static("Enter creates the journal · ctrl+q quits", classes="gate-keys")
            with (
                VerticalScroll(id="pair-step", classes="gate-scroll"),
                Center(classes="gate-center"),
                Vertical(classes="gate-box wide-box"),
            ):
                yield Static("Set up your first pair", classes="gate-title")
                yield Static(
                    "Who are you meeting, and how often? You can change this later "
                    "and add more pairs from home.",
                    classes="gate-lead",
                )
                yield PairForm(submit_label="Start journaling", id="first-pair")
                yield Static("Esc skips this for now", classes="gate-keys")
        yield KeyFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#gate-working", Working).show_working(False)
        self.show_message("")
        self._prepare()

    @work(thread=True, group="prepare", exit_on_error=False)
    def _prepare(self) -> None:
        # The journal layer holds the passphrase rule the hint shows (and creates the
        # journal): loaded now, in the background, so the first key typed does not wait.
        import pairjournal.journal  # noqa: F401

    # -- step 1: the passphrase -----------------------------------------------------------

    @on(NewPassphrase.Refused)
    def _refused(self, event: NewPassphrase.Refused) -> None:
        self.show_message(event.reason, error=True)

    @on(NewPassphrase.Chosen)
    def _chosen(self, event: NewPassphrase.Chosen) -> None:
        if self.busy:
            return
        self.set_busy(True, "Creating your journal… deriving the key takes a moment.")
        self.create(event.passphrase)

    @work(thread=True, exclusive=True, group="create", exit_on_error=False)
    def create(self, passphrase: str) -> Journal:
        from pairjournal.journal import Journal

        return Journal.create(self.journal_path, passphrase, self.host.kdf)

    @on(Worker.StateChanged)
    def _worker_done(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "create":
            return
        if event.state == WorkerState.SUCCESS:
            journal = event.worker.result
            if journal is None or not self.still_wanted(journal):
                return
            self.query_one(NewPassphrase).clear()
            self.host.attach_journal(journal)
            self.query_one(ContentSwitcher).current = "pair-step"
            self.set_focus(self.query_one("#pair-name", Input))
        elif event.state == WorkerState.ERROR:
            assert event.worker.error is not None
            self.set_busy(False)
            self.show_message(_describe(event.worker.error), error=True)

    # -- step 2: the first pair --------------------------------------------------------------

    @property
    def on_pair_step(self) -> bool:
        return self.query_one(ContentSwitcher).current == "pair-step"

    @on(PairForm.Submitted)
    def _pair_submitted(self, event: PairForm.Submitted) -> None:
        if save_pair(self.host, event.form, event.details):
            self.app.call_later(self.host.enter_journal)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "skip_pair":
            return self.on_pair_step
        return True

    def action_skip_pair(self) -> None:
        self.app.call_later(self.host.enter_journal)


__all__ = ["FirstRunScreen", "GateScreen", "UnlockScreen"]
