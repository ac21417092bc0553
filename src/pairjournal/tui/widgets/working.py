"""The "working on it" dots of the unlock, create and passphrase screens."""

from __future__ import annotations

from textual.widgets import LoadingIndicator


class Working(LoadingIndicator):
    """Textual's loading indicator, animated only while it is shown, at 8 frames a second.

    Textual's redraws itself 16 times a second from the moment it is mounted, shown or
    not: a timer waking the interface for as long as its screen lives (the first gate
    stays behind home all session). And while a journal without its unlock cache loads,
    drawing the dots took a tenth of the load's time from the thread decrypting it.
    """

    FRAME_S = 1 / 8

    def on_mount(self) -> None:
        # After LoadingIndicator's own mount handler, which starts its 16 frames a second.
        self.call_later(self._pace)

    def show_working(self, busy: bool) -> None:
        self.display = busy
        self._pace()

    def hold(self) -> None:
        """No more frames until show_working() again: its screen went behind another."""
        self.auto_refresh = None

    def _pace(self) -> None:
        self.auto_refresh = self.FRAME_S if self.display else None
