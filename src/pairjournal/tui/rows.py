"""Rows of labelled text: what the presenters make and ``Document`` draws.

A plain line, or a label with its value, laid out later once the width is
known (pairjournal.tui.widgets.document). Here, apart from the widget, so the
presenters can build rows without importing the widgets package (which
imports the presenters).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content

LABEL_WIDTH = 17
MUTED = "$text-muted"
LABEL = "bold $text-secondary"
EMPTY = "—"


@dataclass(frozen=True)
class Field:
    """A labelled value; laid out with a hanging indent once the width is known."""

    label: str
    value: Content
    indent: int = 0
    label_width: int = LABEL_WIDTH
    label_style: str = ""


Row = Content | Field


def field(label: str, value: str | Content | None, *, indent: int = 0, label_width: int = LABEL_WIDTH,
          label_style: str = "") -> Field:
    if value is None or (isinstance(value, str) and not value.strip()):
        shown: Content = Content.styled(EMPTY, MUTED)
    else:
        shown = value if isinstance(value, Content) else Content(value.strip())
    return Field(label, shown, indent, label_width, label_style)


def bullet(value: str | Content, mark: str = "•") -> Field:
    """A list item whose wrapped lines stay indented past the mark."""
    return field(mark, value, label_width=2, label_style=MUTED)


def block(label: str, text: str) -> list[Row]:
    """A heading and a paragraph beneath it, for the long free-text fields."""
    body = Content(text.strip()) if text.strip() else Content.styled("(nothing written)", MUTED)
    return [Content.styled(label, LABEL), body]
