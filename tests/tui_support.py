"""Helpers for the interface tests: a fake clock, fixed dates, waiting for screens, reading screen text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from pairjournal.journal import KdfParams
from pairjournal.tui.app import PairJournalApp
from pairjournal.tui.screens.home import PairCard
from pairjournal.tui.widgets.document import Document

PASSPHRASE = "correct horse battery staple"
TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


class FakeClock:
    """The app's monotonic clock, moved by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.value = start

    def __call__(self) -> float:
        return self.value

    def advance(self, seconds: float) -> None:
        self.value += seconds


def make_app(path: Path, clock: FakeClock | None = None, **kwargs: Any) -> PairJournalApp:
    return PairJournalApp(
        path,
        kdf=KdfParams.cheap(),
        clock=clock or FakeClock(),
        today=lambda: TODAY,
        now=lambda: NOW,
        **kwargs,
    )


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object], what: str = "condition",
                   attempts: int = 500) -> None:
    """Lets the app run until condition() is true; fails the test after a few seconds."""
    for _ in range(attempts):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"timed out waiting for {what}")


async def wait_for_screen(pilot: Pilot[Any], name: str) -> None:
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == name, f"screen {name}")
    await pilot.pause()


async def enter_text(pilot: Pilot[Any], selector: str, text: str, *, submit: bool = True) -> None:
    """Puts text in a field at once (typing every key through Pilot is slow) and presses Enter."""
    field = pilot.app.screen.query_one(selector)
    field.focus()
    if isinstance(field, TextArea):
        field.insert(text)
    else:
        assert isinstance(field, Input)
        field.value = text
    await pilot.pause()
    if submit:
        await pilot.press("enter")


async def unlock(pilot: Pilot[Any], passphrase: str = PASSPHRASE, *, expect: str = "HomeScreen") -> None:
    await wait_for_screen(pilot, "UnlockScreen")
    await enter_text(pilot, "#passphrase", passphrase)
    await wait_for_screen(pilot, expect)


def screen_text(app: PairJournalApp) -> str:
    """The text of every displayed widget on the active screen (labels, inputs, notes)."""
    parts: list[str] = []
    for widget in app.screen.walk_children(with_self=False):
        if not widget.display or not all(a.display for a in widget.ancestors if hasattr(a, "display")):
            continue
        if isinstance(widget, Static):
            content = widget.content
            parts.append(content.plain if isinstance(content, Content) else str(content))
        elif isinstance(widget, PairCard):
            parts.append(widget.plain_text())
        elif isinstance(widget, Document):
            parts.append(widget.plain)
        elif isinstance(widget, Input):
            parts.append(widget.value)
        elif isinstance(widget, TextArea):
            parts.append(widget.text)
    return "\n".join(parts)
