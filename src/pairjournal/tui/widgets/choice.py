"""A one-line choice that a key cycles: always visible, never a hidden dropdown."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Label


class ChoiceLine(Horizontal):
    """Shows every option with the current one marked; ``cycle()`` moves to the next.

    The current one is in brackets as well as in colour, so it reads without colour;
    the others are padded to the same width, so cycling moves nothing.

    It takes no focus: the key that cycles it is bound on the dialog, so the choice
    can change while the cursor stays in the text being written.
    """

    value: reactive[str] = reactive("", init=False)

    def __init__(
        self,
        title: str,
        options: Sequence[tuple[str, str]],
        value: str,
        *,
        key_hint: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="choice-line")
        self._title = title
        self._options = list(options)
        self._key_hint = key_hint
        self.set_reactive(ChoiceLine.value, value)

    def compose(self) -> ComposeResult:
        yield Label(self._title, classes="choice-title")
        for value, label in self._options:
            yield Label(self._shown(value, label), classes="choice-option", name=value, markup=False)
        if self._key_hint:
            yield Label(self._key_hint, classes="choice-hint")

    def on_mount(self) -> None:
        self._mark()

    def watch_value(self) -> None:
        self._mark()

    def _shown(self, value: str, label: str) -> str:
        return f"[{label}]" if value == self.value else f" {label} "

    def _mark(self) -> None:
        labels = dict(self._options)
        for label in self.query(".choice-option").results(Label):
            name = label.name or ""
            label.set_class(name == self.value, "-selected")
            label.update(self._shown(name, labels.get(name, name)))

    def cycle(self) -> str:
        values = [value for value, _ in self._options]
        index = values.index(self.value) if self.value in values else -1
        self.value = values[(index + 1) % len(values)]
        return self.value


__all__ = ["ChoiceLine"]
