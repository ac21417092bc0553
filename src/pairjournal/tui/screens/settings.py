"""Settings: theme, auto-lock, passphrase; and where the journal lives.

Every choice is saved when it is made (no save button), sealed in the journal
like everything else, so the theme follows the journal to another computer.
"""

from __future__ import annotations

import contextlib
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist
from textual.worker import Worker, WorkerState

from pairjournal.errors import PairjournalError
from pairjournal.sharing import signing
from pairjournal.tui.screens.common import BACK, JournalScreen
from pairjournal.tui.widgets.footer import KeyFooter
from pairjournal.tui.widgets.passphrase import NewPassphrase
from pairjournal.tui.widgets.working import Working

MAX_AUTOLOCK = 24 * 60


def parse_minutes(text: str) -> int:
    """Auto-lock minutes from the field; ValueError carries the message to show."""
    try:
        minutes = int(text.strip())
    except ValueError:
        raise ValueError("Auto-lock needs a whole number of minutes.") from None
    if not 1 <= minutes <= MAX_AUTOLOCK:
        raise ValueError(f"Auto-lock must be between 1 and {MAX_AUTOLOCK} minutes.")
    return minutes


def _say(widget: Static, message: str) -> None:
    widget.update(message)
    widget.display = bool(message)


class SettingsScreen(JournalScreen):
    """Theme, auto-lock and passphrase, each saved as it is chosen; the signing key's fingerprint."""

    SUB_TITLE = "Settings"
    HELP = ("Theme, auto-lock and passphrase, each saved as you choose it; and the fingerprint of the key that "
            "signs your exports, to tell your coordinator.")
    CSS_PATH = None  # laid out in app.tcss, read at start-up: opening this parses no CSS
    PALETTE_GROUP = "Settings"
    AUTO_FOCUS = "#themes"
    BINDINGS: ClassVar[list[BindingType]] = [
        BACK,
        Binding("ctrl+t", "focus('#themes')", "Theme", id="settings.theme", priority=True, tooltip="Choose a theme"),
        Binding("ctrl+o", "focus('#autolock')", "Auto-lock", id="settings.autolock", priority=True,
                tooltip="Set the auto-lock minutes"),
        Binding("ctrl+n", "focus('#new-passphrase')", "Passphrase", id="settings.passphrase", priority=True,
                tooltip="Change the passphrase"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="settings")

    def compose(self) -> ComposeResult:
        journal = self.journal
        settings = journal.settings()
        yield Header(show_clock=False)
        with VerticalScroll(id="settings-body"), Horizontal(id="settings-columns"):
            with Vertical(classes="settings-section", id="theme-section"):
                yield Label("Theme", classes="pj-section")
                yield Static("Enter applies; the choice is kept in your journal.", classes="pj-hint")
                yield OptionList(*self._theme_options(), id="themes")
            with Vertical(classes="settings-section", id="other-section"):
                # First here, so at 80x24 it is on screen without scrolling: verify and the README send people to it.
                yield Label("Signing key", classes="pj-section")
                yield Static(self._fingerprint_text(), id="fingerprint", classes="fingerprint", markup=False)
                yield Static("Tell your coordinator this fingerprint in person or by phone: they check your "
                             "exports with `pairjournal verify FILE --expect \"...\"`.", classes="pj-hint",
                             markup=False)
                yield Label("Auto-lock", classes="pj-section")
                with Horizontal(classes="pj-row"):
                    yield Label("Lock after", classes="pj-inline-label")
                    yield Input(str(settings.autolock_minutes), type="integer", id="autolock", max_length=4)
                    yield Label("idle minutes (Enter saves)", classes="pj-inline-label")
                yield Static("", id="autolock-message", classes="pj-error", markup=False)
                yield Label("Change passphrase", classes="pj-section")
                yield NewPassphrase(placeholder="New passphrase", hint_when_empty=False)
                yield Button("Change passphrase", id="change-passphrase")
                yield Working(id="passphrase-working")
                yield Static("", id="passphrase-message", classes="pj-error", markup=False)
                yield Label("Journal file", classes="pj-section")
                yield Static(str(journal.path), id="journal-path", classes="path")
        yield KeyFooter(compact=True)

    def _fingerprint_text(self) -> str:
        """The key's fingerprint, made on first need as `pairjournal fingerprint` does; never crypto here."""
        journal = self.journal
        try:
            return signing.fingerprint(journal)
        except PairjournalError:
            # A journal open read-only (damaged) can make no key; one it already has still shows.
            return signing.existing_fingerprint(journal) or (
                "No signing key yet: it is made when this journal can be written to (your first export).")

    def _theme_options(self) -> list[Option]:
        names = sorted(self.app.available_themes)
        # Ours first: they are the ones designed for this app.
        names.sort(key=lambda n: (not n.startswith("pairjournal-"), n))
        return [Option(self._theme_label(name), id=name) for name in names]

    def _theme_label(self, name: str) -> str:
        return f"{name}  (current)" if name == self.app.theme else name

    def on_mount(self) -> None:
        self.query_one("#passphrase-working", Working).show_working(False)
        for message in self.query(".pj-error").results(Static):
            message.display = False
        # Focusing the theme list scrolls it into view; start at the top so its heading shows.
        self.call_after_refresh(self.query_one("#settings-body", VerticalScroll).scroll_home, animate=False)
        themes = self.query_one("#themes", OptionList)
        with contextlib.suppress(OptionDoesNotExist):  # a theme Textual knows but the list does not show
            themes.highlighted = themes.get_option_index(self.app.theme)

    # -- theme --------------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#themes")
    def _theme_chosen(self, event: OptionList.OptionSelected) -> None:
        name = event.option.id
        if name is None:
            return
        if self.host.apply_theme(name):
            themes = self.query_one("#themes", OptionList)
            for option in list(themes.options):
                if option.id is not None:
                    themes.replace_option_prompt(option.id, self._theme_label(option.id))
            self.notify(f"Theme {name} applied and saved.")

    # -- auto-lock ------------------------------------------------------------------------------

    @on(Input.Submitted, "#autolock")
    def _autolock_entered(self, event: Input.Submitted) -> None:
        message = self.query_one("#autolock-message", Static)
        try:
            minutes = parse_minutes(event.value)
        except ValueError as error:
            _say(message, str(error))
            return
        try:
            self.host.save_autolock(minutes)
        except PairjournalError as error:
            _say(message, str(error))
            return
        _say(message, "")
        word = "minute" if minutes == 1 else "minutes"
        self.notify(f"The journal now locks after {minutes} idle {word}.")

    # -- passphrase --------------------------------------------------------------------------------

    @on(Button.Pressed, "#change-passphrase")
    def _change_pressed(self) -> None:
        self.query_one(NewPassphrase).submit()

    @on(NewPassphrase.Refused)
    def _refused(self, event: NewPassphrase.Refused) -> None:
        _say(self.query_one("#passphrase-message", Static), event.reason)

    @on(NewPassphrase.Chosen)
    def _chosen(self, event: NewPassphrase.Chosen) -> None:
        _say(self.query_one("#passphrase-message", Static),
             "Changing the passphrase… deriving the new key takes a moment.")
        self._busy(True)
        self.change_passphrase(event.passphrase)

    def _busy(self, busy: bool) -> None:
        self.query_one("#passphrase-working", Working).show_working(busy)
        self.query_one(NewPassphrase).set_busy(busy)
        self.query_one("#change-passphrase", Button).disabled = busy

    @work(thread=True, exclusive=True, group="passphrase", exit_on_error=False)
    def change_passphrase(self, passphrase: str) -> None:
        # In a thread: the journal lets one call in at a time, so the app's tick simply waits for it.
        self.journal.change_passphrase(passphrase)

    @on(Worker.StateChanged)
    def _worker_done(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "passphrase" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self._busy(False)
        message = self.query_one("#passphrase-message", Static)
        self.query_one(NewPassphrase).clear()
        if event.state == WorkerState.SUCCESS:
            _say(message, "")
            self.notify("Passphrase changed. Use the new one from now on.", title="Passphrase changed")
        else:
            error = event.worker.error
            text = str(error) if isinstance(error, PairjournalError) else "the passphrase was not changed"
            _say(message, f"Not changed: {text}. The old passphrase still works.")



__all__ = ["SettingsScreen", "parse_minutes"]
