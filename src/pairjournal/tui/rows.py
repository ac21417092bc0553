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


@dataclass(frozen=True)
class Prose:
    """A passage written in Markdown (session notes, a reflection): a record view draws it as Markdown."""

    text: str


# What a record's description holds: rows, and passages of prose between them.
Shown = Row | Prose


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


def prose(label: str, text: str) -> list[Shown]:
    """A heading and the Markdown beneath it; a muted line when nothing was written."""
    if not text.strip():
        return [Content.styled(label, LABEL), Content.styled("(nothing written)", MUTED)]
    return [Content.styled(label, LABEL), Prose(text)]


def rows_only(shown: list[Shown]) -> list[Row]:
    """A description as plain rows (prose as its text), for a view that draws no Markdown."""
    return [Content(item.text.strip()) if isinstance(item, Prose) else item for item in shown]
