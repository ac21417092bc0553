"""The footer every screen shows: Textual's, with "? Help" always first.

Textual lays the keys out in binding order, screen before app, so at 80 columns the
app's help key was the first to fall off the right edge, on exactly the screens with
the most keys. Help is the key a new user needs to find the others (issue 15), so it
leads, as F1 Help leads in htop.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from pairjournal.tui.compat import compact_key, footer_keys, mark_bindings_ready
from pairjournal.tui.keys import HELP


class KeyFooter(Footer):
    _recompose_waiting = False
    _composed: tuple[object, ...] | None = None  # what the keys shown were made from

    def bindings_changed(self, screen: Screen) -> None:  # type: ignore[type-arg]
        """Textual's, but once a redraw is waiting, further changes wait for the same one.

        Textual queues a whole redraw of the footer for every change: an unlock made
        eleven of them in its first second, each laying the screen out again, while the
        records were being decrypted beside it. The one waiting reads the bindings as
        they are when it runs, after the last change before it."""
        mark_bindings_ready(self)
        if not screen.app.app_focus:
            return
        # A screen behind another (the unlock screen as home replaces it) is redrawn when it
        # is back on top: Textual refreshes its bindings then.
        if self.is_attached and screen is self.screen and screen.is_current and not self._recompose_waiting:
            self._recompose_waiting = True
            self.call_after_refresh(self._recompose_for_bindings)

    async def _recompose_for_bindings(self) -> None:
        self._recompose_waiting = False
        # Bindings are "changed" whenever focus moves, mostly to the same keys: home's came
        # back identical right after it showed, and rebuilding its 16 keys meant laying the
        # screen out again (45 ms) while the records were being decrypted beside it.
        if self._composed is not None and self._composed == self._shown():
            return
        await self.recompose()

    def _shown(self) -> tuple[object, ...]:
        """Everything Footer.compose makes the keys from, to tell whether they would differ."""
        if not self._bindings_ready or not self.is_attached:
            return ()
        shown = tuple(
            (binding.key, binding.key_display, binding.action, binding.description, binding.group, enabled, tooltip)
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show or binding.key == self.app.COMMAND_PALETTE_BINDING
        )
        return (self.compact, self.show_command_palette, self.app.ENABLE_COMMAND_PALETTE, *shown)

    def compose(self) -> ComposeResult:
        # Each key of a compact footer would take the "-compact" class from its own watcher
        # once mounted, restyling itself (a stylesheet pass per key: a sixth of a second for a
        # full footer, which competes with the records being decrypted right after unlock).
        # Given the class before it is mounted, the watcher finds nothing to change.
        self._composed = self._shown() or None
        for widget in super().compose():
            if self.compact:
                compact_key(widget)
            yield widget

    async def recompose(self) -> None:
        await super().recompose()
        helps = [key for action, key in footer_keys(self) if action == HELP.action]
        if helps and helps[0].parent is self and self.children and self.children[0] is not helps[0]:
            self.move_child(helps[0], before=0)
