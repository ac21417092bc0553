"""The session timer: time used against the planned length, warning near the end and when over."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

WARN_SECONDS = 5 * 60


def clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:d}:{secs:02d}"


def timer_state(elapsed: float, planned_minutes: int) -> tuple[str, str]:
    """The line to show and its state: "ok", "ending" (last five minutes) or "over"."""
    # Whole seconds throughout, so "0:00 used" and "30:00 left" agree.
    elapsed = int(elapsed)
    planned = planned_minutes * 60
    used = f"{clock_text(elapsed)} of {clock_text(planned)}"
    left = planned - elapsed
    if left < 0:
        return f"{used} · over by {clock_text(-left)}", "over"
    if left <= WARN_SECONDS:
        return f"{used} · {clock_text(left)} left: time to wrap up", "ending"
    return f"{used} · {clock_text(left)} left", "ok"


class SessionTimer(Static):
    elapsed: reactive[float] = reactive(0.0)

    def __init__(self, planned_minutes: int, *, id: str | None = None) -> None:
        super().__init__("", id=id, classes="session-timer")
        self.planned_minutes = planned_minutes
        self._text_shown = ""

    def watch_elapsed(self, elapsed: float) -> None:
        text, state = timer_state(elapsed, self.planned_minutes)
        # Its width follows its text: a layout only when the text's length changes, not every
        # second (each one lays out and repaints the whole session screen).
        self.update(text, layout=len(text) != len(self._text_shown))
        self._text_shown = text
        self.set_class(state == "ending", "-ending")
        self.set_class(state == "over", "-over")

    @property
    def state(self) -> str:
        return timer_state(self.elapsed, self.planned_minutes)[1]
