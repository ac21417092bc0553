"""The base every journal screen derives from: the typed handle, reloading, saving, keys.

A journal screen reads the unlocked journal (``self.journal``) and today's date
(``self.today()``) through the app's seam (pairjournal.tui.seam), re-reads what
it shows when the app posts ``JournalChanged`` (``reload``), and writes any
edit still waiting when the app asks (``flush_pending``). Its keys go in its own
BINDINGS, in the order the footer shows them; ``BACK`` is the escape key most
screens start with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from textual.actions import SkipAction, parse
from textual.binding import Binding, BindingType
from textual.screen import Screen

from pairjournal.errors import PairjournalError
from pairjournal.tui.commands import JournalCommands, Providers
from pairjournal.tui.messages import JournalChanged
from pairjournal.tui.seam import Hosted

T = TypeVar("T")

# Side-by-side layouts switch on at this many columns (the app's breakpoints: -narrow, -wide).
WIDE_AT = 120

BACK = Binding("escape", "back", "Back", id="screen.back", tooltip="Go back")


class JournalScreen(Hosted, Screen[None]):
    """A screen that shows part of the unlocked journal."""

    # A screen's layout is in screens.tcss, read when the first such screen opens; the few shown
    # without parsing more CSS (home, the session, its summary, settings) say CSS_PATH = None.
    CSS_PATH: ClassVar[str | None] = "screens.tcss"
    COMMANDS: ClassVar[Providers] = {JournalCommands}
    # Textual declares it "ClassVar[...] | None", which mypy takes for an instance variable.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (WIDE_AT, "-wide")]  # type: ignore[misc]
    PALETTE_GROUP: ClassVar[str] = "Screen"
    BINDINGS: ClassVar[list[BindingType]] = []
    _binding_states: list[bool | None] | None = None

    def reload(self) -> None:
        """Re-read everything this screen shows from the journal."""

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
        if states != self._binding_states:
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


__all__ = ["BACK", "WIDE_AT", "JournalScreen"]
