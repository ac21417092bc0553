"""The command palette (ctrl+p): everything the keys do, findable by name.

One provider, ``JournalCommands``, offers two things. While the journal is
unlocked, the app's places: home, a session, every destination in
pairjournal.tui.places (the agreement, actions, reflections, search, settings,
export, disclosures), lock now, and, for whatever is typed, "Search the journal
for ...". And always "Help" (the calling screen's keys, pairjournal.tui.screens.help)
and the calling screen's own key bindings, each with the key it has after the
person's keymap, so whatever the footer shows the palette can run too. Every screen and dialog base of ours lists
it in COMMANDS, so any host app (the real one, or a test's) offers the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from textual.actions import parse
from textual.command import DiscoveryHit, Hit, Hits, Provider

from pairjournal.tui.compat import current_keymap
from pairjournal.tui.keys import HELP, bindings_of, key_text
from pairjournal.tui.places import DESTINATIONS
from pairjournal.tui.seam import Hosted, JournalHost

Command = tuple[str, str, Callable[[], Any]]
# What a COMMANDS class variable holds (Textual's own annotation of App.COMMANDS and Screen.COMMANDS).
Providers = set[type[Provider] | Callable[[], type[Provider]]]


class JournalCommands(Provider):
    """The app's places and the calling screen's keys, as palette commands."""

    def _host(self) -> JournalHost | None:
        screen = self.screen
        return screen.host if isinstance(screen, Hosted) else None

    def commands(self) -> Iterator[Command]:
        yield from self.place_commands()
        # Always, locked or not: after the palette closes, the screen underneath gets its help.
        yield "Help", "The keys of this screen, and what it is for", partial(self.screen.run_action, HELP.action)
        yield from self.binding_commands()

    def place_commands(self) -> Iterator[Command]:
        """Where the app can go; nothing while the journal is locked."""
        host = self._host()
        if host is None or host.journal is None:
            return
        pair_id: str | None = getattr(self.screen, "pair_id", None) or host.selected_pair_id
        yield "Home", "Back to the home screen", host.go_home
        if pair_id is not None:
            yield "Start or resume a session", "The live session for the selected pair", partial(
                host.start_session, pair_id
            )
        for destination in DESTINATIONS.values():
            if destination.pair == "required" and pair_id is None:
                continue
            yield destination.title, destination.help, partial(host.open_destination, destination.name, pair_id=pair_id)
        yield "Lock now", "Drop everything decrypted and show the unlock screen", host.lock

    def binding_commands(self) -> Iterator[Command]:
        """The calling screen's own bindings (not Textual's: focus next and the like are not looked for)."""
        screen = self.screen
        group = getattr(screen, "PALETTE_GROUP", "") or type(screen).__name__
        keymap = current_keymap(self.app)
        for binding in bindings_of(type(screen)):
            if not binding.description:
                continue
            _, name, params = parse(binding.action)
            # An action in another namespace (app.lock, say) is not the screen's to allow.
            if "." not in binding.action and screen.check_action(name, params) is not True:
                continue
            title = f"{group}: {binding.tooltip or binding.description}"
            # The key it has after the person's keymap, not the one in the source.
            yield title, f"key: {key_text(self.app, binding, keymap)}", partial(screen.run_action, binding.action)

    async def discover(self) -> Hits:
        for title, help_text, callback in self.commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
        host = self._host()
        if host is not None and host.journal is not None and query.strip():
            text = f"Search the journal for “{query.strip()}”"
            yield Hit(
                0.5,
                text,
                partial(host.open_destination, "search", query=query.strip()),
                text=text,
                help="Full-text search across everything",
            )


__all__ = ["JournalCommands", "Providers"]
