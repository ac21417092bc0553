"""The check-in's quick mood pick: feelings before facts, in one key."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

MOODS = ("drained", "tense", "steady", "curious", "energised")
# The picker's keys, listed together in help.
MOOD_KEYS = Binding.Group("Check-in mood")


class MoodPicker(Widget, can_focus=True):
    """Five moods on as few lines as fit; left/right or 1-5 pick one, 0 clears it."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"mood-picker--picked", "mood-picker--option"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1)", "Previous mood", show=False, id="mood.previous", group=MOOD_KEYS),
        Binding("right", "move(1)", "Next mood", show=False, id="mood.next", group=MOOD_KEYS),
        *(Binding(str(n), f"pick({n})", f"Pick “{name}”", show=False, id=f"mood.pick_{n}", group=MOOD_KEYS)
          for n, name in enumerate(MOODS, start=1)),
        Binding("0,backspace,delete", "pick(0)", "Clear the mood", show=False, id="mood.clear", group=MOOD_KEYS),
    ]

    mood: reactive[str] = reactive("", init=False)

    class Changed(Message):
        def __init__(self, picker: MoodPicker, mood: str) -> None:
            super().__init__()
            self.picker = picker
            self.mood = mood

        @property
        def control(self) -> Widget:
            return self.picker

    def __init__(self, mood: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id, classes="mood-picker")
        # A mood from an older version of the list still shows, as the picked text.
        self.set_reactive(MoodPicker.mood, mood)

    def _lines(self, width: int) -> list[Content]:
        picked = self.get_visual_style("mood-picker--picked")
        option = self.get_visual_style("mood-picker--option")
        parts: list[Content] = []
        # The picked one in brackets as well as in colour, so it reads in any theme and without colour;
        # the others padded to the same width, so picking moves nothing.
        for number, name in enumerate(MOODS, start=1):
            if name == self.mood:
                parts.append(Content(f"[{number} {name}]").stylize(picked))
            else:
                parts.append(Content(f" {number} {name} ").stylize(option))
        if self.mood and self.mood not in MOODS:
            parts.append(Content(f"[{self.mood}]").stylize(picked))
        # Break between moods, never inside one, however narrow the column.
        lines: list[list[Content]] = [[]]
        used = 0
        for part in parts:
            needed = part.cell_length + (1 if lines[-1] else 0)
            if lines[-1] and used + needed > width:
                lines.append([])
                used, needed = 0, part.cell_length
            lines[-1].append(part)
            used += needed
        return [Content(" ").join(line) for line in lines]

    def render(self) -> Content:
        return Content("\n").join(self._lines(max(1, self.content_region.width)))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(max(1, width)))

    def watch_mood(self, mood: str) -> None:
        self.refresh()
        self.post_message(self.Changed(self, mood))

    def action_pick(self, number: int) -> None:
        self.mood = MOODS[number - 1] if 1 <= number <= len(MOODS) else ""

    def action_move(self, step: int) -> None:
        index = MOODS.index(self.mood) if self.mood in MOODS else (-1 if step > 0 else len(MOODS))
        self.mood = MOODS[max(0, min(len(MOODS) - 1, index + step))]
