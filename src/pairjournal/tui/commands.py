"""The command palette (ctrl+p): everything the keys do, findable by name.

Two providers. ``JournalCommands`` is the app's: go home, start a session, the
agreement, actions, reflections, search (type a query and pick "Search the
journal for ..."), settings, lock now. ``BindingCommands`` belongs to each of our
screens and offers that screen's own key bindings, so whatever the footer shows
the palette can run too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from textual.actions import parse
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

Command = tuple[str, str, Callable[[], Any]]


class _Commands(Provider):
    def commands(self) -> Iterator[Command]:
        yield from ()

    async def discover(self) -> Hits:
        for title, help_text, callback in self.commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


class JournalCommands(_Commands):
    """App-wide places and actions; offered only while the journal is unlocked."""

    def commands(self) -> Iterator[Command]:
        app: Any = self.app
        if getattr(app, "journal", None) is None:
            return
        from pairjournal.tui.screens import DESTINATIONS

        pair_id = getattr(self.screen, "pair_id", None) or app.selected_pair_id
        yield "Home", "Back to the home screen", app.go_home
        if pair_id is not None:
            yield "Start or resume a session", "The live session for the selected pair", partial(
                app.start_session, pair_id
            )
        for destination in DESTINATIONS.values():
            if destination.pair == "required" and pair_id is None:
                continue
            yield destination.title, destination.help, partial(app.open_destination, destination.name, pair_id=pair_id)
        yield "Lock now", "Drop everything decrypted and show the unlock screen", app.action_lock

    async def search(self, query: str) -> Hits:
        async for hit in super().search(query):
            yield hit
        app: Any = self.app
        if getattr(app, "journal", None) is not None and query.strip():
            text = f"Search the journal for “{query.strip()}”"
            yield Hit(
                0.5,
                text,
                partial(app.open_destination, "search", query=query.strip()),
                text=text,
                help="Full-text search across everything",
            )


class BindingCommands(_Commands):
    """The calling screen's key bindings, as commands."""

    def commands(self) -> Iterator[Command]:
        screen = self.screen
        group = getattr(screen, "PALETTE_GROUP", "") or type(screen).__name__
        seen: set[str] = set()
        for cls in type(screen).__mro__:
            for binding in cls.__dict__.get("BINDINGS", ()):
                if not isinstance(binding, Binding) or not binding.description or binding.action in seen:
                    continue
                seen.add(binding.action)
                _, name, params = parse(binding.action)
                if screen.check_action(name, params) is not True:
                    continue
                title = f"{group}: {binding.tooltip or binding.description}"
                key = self.app.get_key_display(binding)
                yield title, f"key: {key}", partial(screen.run_action, binding.action)
