"""A date field: what the person types, and beside or below it the day the journal will read it as.

"fri", "+2w" or "next week" are quick to type and easy to get wrong, so the
field says back, as it is typed, the ISO date it means (or why it is no date)
before anything is saved. Reading is the journal's one date rule
(``vocabulary.parse_day``); this widget only shows its answer.

The inner ``Input`` carries the id and classes given as ``input_id`` and
``input_classes``, so a form reads and fills it like any other field; ``day()``
gives the date it holds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Input, Static

from pairjournal.errors import UsageError
from pairjournal.journal.vocabulary import DATE_EXAMPLES, DATE_GRAMMAR, parse_day
from pairjournal.model import DateOutOfRange
from pairjournal.tui.seam import Hosted

# Longest thing a person types for a date ("next week", "2026-03-20", "wednesday"), with room to spare.
MAX_DATE_CHARS = 20


def echo_text(text: str, today: date, *, required: bool = False) -> tuple[str, bool]:
    """What the line beside a date field says for ``text``, and whether it is a problem."""
    try:
        day = parse_day(text, today)
    except DateOutOfRange as error:
        return f"✗ {error}", True
    except UsageError as error:
        message = str(error)
        # The whole grammar is too long for one line beside a field: examples say enough while typing.
        return (f"✗ not a date: try {DATE_EXAMPLES}" if DATE_GRAMMAR in message else f"✗ {message}"), True
    if day is None:
        return ("✗ needed", True) if required else ("no date", False)
    return f"→ {day.strftime('%a')} {day.isoformat()}", False


class DateInput(Hosted, Widget):
    """An Input for a date and the line that shows the date it resolves to, below it or (inline) beside it."""

    DEFAULT_CSS = """
    DateInput {
        height: auto;
        width: 1fr;
        layout: vertical;
    }
    DateInput.-inline {
        layout: horizontal;
    }
    DateInput > .date-echo {
        height: auto;
        width: 1fr;
        padding: 0 1;
        color: $text-muted;
    }
    DateInput.-inline > Input {
        width: 1fr;
    }
    DateInput.-inline > .date-echo {
        width: auto;
        max-width: 50%;
        /* level with the text of a bordered input, three rows tall */
        padding: 1 1 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    DateInput.-inline.-compact > .date-echo {
        padding: 0 1;
    }
    DateInput > .date-echo.-problem {
        color: $text-warning;
    }
    """

    def __init__(
        self,
        value: str = "",
        *,
        input_id: str | None = None,
        input_classes: str = "",
        placeholder: str = DATE_EXAMPLES,
        required: bool = False,
        inline: bool = False,
        compact: bool = False,
        today: Callable[[], date] | None = None,
        id: str | None = None,
        classes: str = "",
    ) -> None:
        shape = " ".join(name for name, on in (("-inline", inline), ("-compact", compact)) if on)
        super().__init__(id=id, classes=f"{classes} {shape}".strip() or None)
        self._value = value
        self._input_id = input_id
        self._input_classes = input_classes
        self._placeholder = placeholder
        self._required = required
        self._compact = compact
        self._today = today

    def compose(self) -> ComposeResult:
        yield Input(self._value, placeholder=self._placeholder, id=self._input_id, classes=self._input_classes,
                    max_length=MAX_DATE_CHARS, compact=self._compact)
        yield Static("", classes="date-echo", markup=False)

    def on_mount(self) -> None:
        self._echo(self._value)

    def reference_day(self) -> date:
        """The day relative dates count from: the form's own clock when it has one, else the app's."""
        return self._today() if self._today is not None else self.host.today()

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text

    def day(self) -> date | None:
        """The date the field holds (None when blank); raises UsageError saying what is wrong."""
        return parse_day(self.value, self.reference_day())

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        # Not stopped: the form around may want to know as well.
        self._echo(event.value)

    def _echo(self, text: str) -> None:
        line, problem = echo_text(text, self.reference_day(), required=self._required)
        echo = self.query_one(".date-echo", Static)
        echo.update(line)
        echo.set_class(problem, "-problem")


__all__ = ["MAX_DATE_CHARS", "DateInput", "echo_text"]
