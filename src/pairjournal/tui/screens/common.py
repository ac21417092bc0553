"""What every journal screen shares: the journal, today's date, palette commands, small dialogs.

Screens read the unlocked journal from ``app.journal`` and today's date from
``app.today()`` when the app has one (tests inject a fixed date that way), and
re-read what they show when the app posts ``JournalChanged``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.actions import SkipAction, parse
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Select, Static

from pairjournal.errors import PairjournalError, UsageError
from pairjournal.tui.messages import JournalChanged

if TYPE_CHECKING:
    from pairjournal.journal import Journal

T = TypeVar("T")

CSS_FILE = "screens.tcss"
# Side-by-side layouts switch on at this many columns.
WIDE_AT = 120
BREAKPOINTS = [(0, "-narrow"), (WIDE_AT, "-wide")]

EMPTY = "—"


def fmt_day(day: date | None) -> str:
    return day.isoformat() if day else EMPTY


def parse_day(text: str, today: date) -> date | None:
    """A date typed by a person: blank, YYYY-MM-DD, today, tomorrow, or +N days."""
    value = text.strip().casefold()
    if not value:
        return None
    if value == "today":
        return today
    if value == "tomorrow":
        return today + timedelta(days=1)
    if value.startswith("+") and value[1:].isdigit():
        return today + timedelta(days=int(value[1:]))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{text.strip()!r} is not a date: use YYYY-MM-DD, today, tomorrow or +7") from None


class ScreenCommands(Provider):
    """Offers the calling screen's own key bindings as command-palette commands."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], Any]]]:
        screen = self.screen
        group = getattr(screen, "PALETTE_GROUP", type(screen).__name__)
        seen: set[str] = set()
        # Only our own screens' bindings: Textual's (focus next, ...) are not commands a person looks for.
        for cls in (c for c in type(screen).__mro__ if issubclass(c, JournalScreen)):
            for binding in cls.__dict__.get("BINDINGS", ()):
                if not isinstance(binding, Binding) or not binding.description or binding.action in seen:
                    continue
                seen.add(binding.action)
                _, name, params = parse(binding.action)
                if "." not in binding.action and screen.check_action(name, params) is not True:
                    continue
                title = f"{group}: {binding.tooltip or binding.description}"
                yield title, f"key: {binding.key}", partial(screen.run_action, binding.action)

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


class JournalScreen(Screen[None]):
    """A screen that shows part of the unlocked journal."""

    CSS_PATH = CSS_FILE
    COMMANDS = {ScreenCommands}
    HORIZONTAL_BREAKPOINTS = BREAKPOINTS
    PALETTE_GROUP: ClassVar[str] = "Screen"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="screen.back", tooltip="Go back"),
    ]

    @property
    def journal(self) -> Journal:
        return self.app.journal  # type: ignore[attr-defined, no-any-return]

    def today(self) -> date:
        clock = getattr(self.app, "today", None)
        return clock() if callable(clock) else date.today()

    def reload(self) -> None:
        """Re-read everything this screen shows from the journal."""

    def flush_pending(self) -> None:
        """Writes any edit still waiting to be saved (the app calls this before it locks or quits)."""

    def sync_bindings(self) -> None:
        """Refreshes the footer only when some binding became enabled or disabled.

        A footer refresh rebuilds its widgets, so doing it on every cursor move is wasteful.
        """
        states = []
        for cls in (c for c in type(self).__mro__ if issubclass(c, JournalScreen)):
            for binding in cls.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding):
                    _, name, params = parse(binding.action)
                    states.append(self.check_action(name, params))
        if states != getattr(self, "_binding_states", None):
            self._binding_states = states
            self.refresh_bindings()

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_journal_changed(self, message: JournalChanged) -> None:
        self.reload()

    def attempt(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Runs one journal operation; a problem becomes a one-line notification."""
        try:
            return work(*args, **kwargs)
        except PairjournalError as error:
            self.notify(str(error), severity="error", title="Not saved", markup=False)
            return None

    def go_to(self, screen: Screen[Any] | None) -> None:
        if screen is None:
            raise SkipAction()
        self.app.push_screen(screen)


class DialogScreen(ModalScreen[T]):
    """A small centred dialog; Enter (or ctrl+s) saves, Escape cancels."""

    CSS_PATH = CSS_FILE
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("ctrl+s", "submit", "Save", id="dialog.save"),
    ]

    def __init__(self, title: str, hint: str = "") -> None:
        super().__init__()
        self.dialog_title = title
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.dialog_title
            yield from self.compose_fields()
            yield Static(self.hint, classes="hint")
            yield Static("", classes="error")
        yield Footer()

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def show_error(self, text: str) -> None:
        error = self.query_one(".error", Static)
        error.update(text)
        error.set_class(bool(text), "-shown")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        try:
            result = self.result()
        except PairjournalError as error:
            self.show_error(str(error))
            return
        self.dismiss(result)

    def result(self) -> T:
        raise NotImplementedError


class AskText(DialogScreen[str]):
    """One line of text, e.g. the evidence that an action is done."""

    def __init__(self, title: str, *, label: str, placeholder: str = "", value: str = "", required: bool = False,
                 hint: str = "Enter saves · Esc cancels") -> None:
        super().__init__(title, hint)
        self.label = label
        self.placeholder = placeholder
        self.value = value
        self.required = required

    def compose_fields(self) -> ComposeResult:
        yield Label(self.label)
        yield Input(self.value, placeholder=self.placeholder, id="ask-text")

    def result(self) -> str:
        text = self.query_one("#ask-text", Input).value.strip()
        if self.required and not text:
            raise UsageError("this needs some text")
        return text


class Confirm(DialogScreen[str]):
    """A question with one-key answers; dismisses with the chosen key or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer('y')", "Yes", id="confirm.yes"),
        Binding("n", "answer('n')", "No", id="confirm.no"),
    ]

    def __init__(self, title: str, question: str, hint: str = "y yes · n no · Esc keep going") -> None:
        super().__init__(title, hint)
        self.question = question

    def compose_fields(self) -> ComposeResult:
        yield Label(self.question)

    def action_answer(self, key: str) -> None:
        self.dismiss(key)

    def action_submit(self) -> None:
        self.dismiss("y")


def select_value(select: Select[T]) -> T | None:
    value = select.value
    return None if value is Select.NULL else value  # type: ignore[return-value]
