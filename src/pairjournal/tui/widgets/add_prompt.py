"""A prompt of my own: the words to ask myself, and when they should be offered."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Input, Label, Select

from pairjournal.errors import UsageError
from pairjournal.model import Prompt, PromptTiming
from pairjournal.tui.widgets.dialogs import CANCEL, SAVE, Dialog

# When a prompt of my own is offered, in the order the choice lists them.
TIMING_CHOICES = (
    ("between sessions", PromptTiming.BETWEEN.value),
    ("after a session", PromptTiming.AFTER.value),
    ("before a session", PromptTiming.BEFORE.value),
    ("during a session", PromptTiming.DURING.value),
    ("any time", PromptTiming.ANY.value),
)


class AddPrompt(Dialog[Prompt]):
    """A prompt of my own: its words and when it should be offered; answers with the saved prompt."""

    HELP = "A reflection prompt of your own: its words, and whether it comes before, after or between sessions."

    AUTO_FOCUS = "#prompt-text"
    BINDINGS: ClassVar[list[BindingType]] = [SAVE, CANCEL]

    def __init__(self) -> None:
        super().__init__("New prompt", "Enter saves · Esc cancels")

    def compose_fields(self) -> ComposeResult:
        yield Label("The question to ask myself", classes="pj-label")
        yield Input(placeholder="e.g. What did I notice about how my team reacted this week?", id="prompt-text")
        yield Label("Offer it", classes="pj-label")
        yield Select(TIMING_CHOICES, value=PromptTiming.BETWEEN.value, allow_blank=False, id="prompt-timing")

    def _fields(self) -> tuple[str, PromptTiming]:
        text = self.query_one("#prompt-text", Input).value.strip()
        if not text:
            raise UsageError("a prompt needs some text")
        timing = self.query_one("#prompt-timing", Select).selection
        return text, PromptTiming(timing) if timing else PromptTiming.ANY

    def submit(self) -> Prompt:
        text, timing = self._fields()
        return self.journal.add_prompt(text, timing=timing)

    def keeps_draft(self) -> bool:
        try:
            self._fields()
        except UsageError:
            return False
        return True

    def save_draft(self) -> str | None:
        """Before a lock: a prompt already typed is kept, not thrown away."""
        try:
            text, timing = self._fields()
        except UsageError:
            return None
        self.journal.add_prompt(text, timing=timing)
        return "The prompt you were writing was added to My own prompts."


__all__ = ["TIMING_CHOICES", "AddPrompt"]
