"""Rows of labelled text laid out for the width they get: the read-only views' building blocks.

A record's detail, an agreement version and a diff are lists of rows (a plain
line, or a label with its value), laid out once the width is known so that a
wrapped value stays indented under its column. The presenters
(pairjournal.tui.presenters) make the rows; ``Document`` draws them.
"""

from __future__ import annotations

from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Size
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widget import Widget

from pairjournal.tui.rows import EMPTY, LABEL, LABEL_WIDTH, MUTED, Field, Row, block, bullet, field


def lay_out(rows: list[Row], width: int) -> Content:
    """Rows as one Content at ``width`` columns, wrapped values indented under their value column."""
    out: list[Content] = []
    for row in rows:
        if not isinstance(row, Field):
            out.append(row)
            continue
        lead = " " * row.indent
        value_width = width - row.indent - row.label_width
        label = Content.styled(row.label, row.label_style or (MUTED if row.indent else LABEL))
        paragraphs = row.value.split("\n")
        if value_width < 20:
            # Too narrow for two columns: the label goes above its value.
            out.append(Content.assemble(lead, label))
            out += [Content.assemble(lead, "  ", line) for para in paragraphs
                    for line in (para.wrap(max(8, width - row.indent - 2)) or [Content("")])]
            continue
        lines = [line for para in paragraphs for line in (para.wrap(value_width) or [Content("")])]
        pad = " " * row.label_width
        out.append(Content.assemble(lead, label, " " * max(1, row.label_width - len(row.label)), lines[0]))
        out += [Content.assemble(lead, pad, line) for line in lines[1:]]
    return Content("\n").join(out)


class Hanging(Visual):
    """A marker and text whose wrapped lines stay indented past the marker (for list items)."""

    def __init__(self, mark: Content, body: Content) -> None:
        self.mark = mark
        self.body = body
        self._laid_out: tuple[int, Content] | None = None

    def _lay(self, width: int) -> Content:
        if self._laid_out is None or self._laid_out[0] != width:
            indent = self.mark.cell_length
            lines = [line for para in self.body.split("\n") for line in (para.wrap(max(4, width - indent))
                                                                        or [Content("")])]
            pad = " " * indent
            laid = Content("\n").join([Content.assemble(self.mark, lines[0]),
                                       *(Content.assemble(pad, line) for line in lines[1:])])
            self._laid_out = (width, laid)
        return self._laid_out[1]

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        return self._lay(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.mark.cell_length + self.body.get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._lay(width).get_height(rules, width)


class Document(Widget):
    """Rows laid out for the width the widget gets; height follows the content."""

    DEFAULT_CSS = """
    Document { height: auto; }
    """

    def __init__(self, rows: list[Row] | None = None, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[Row] = rows or []
        self._laid_out: tuple[int, Content] | None = None

    def update(self, rows: list[Row] | Content | str) -> None:
        if isinstance(rows, str):
            rows = [Content(rows)]
        self.rows = [rows] if isinstance(rows, Content) else rows
        self._laid_out = None
        self.refresh(layout=True)

    @property
    def plain(self) -> str:
        return self._content(self.content_size.width or 80).plain

    def _content(self, width: int) -> Content:
        if self._laid_out is None or self._laid_out[0] != width:
            self._laid_out = (width, lay_out(self.rows, max(width, 10)))
        return self._laid_out[1]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Textual documents "a widget's styles object" as the rules here; its annotation says RulesMap only.
        return self._content(width).get_height(self.styles, width) if width else 0  # type: ignore[arg-type]

    def render(self) -> Content:
        return self._content(self.content_size.width)


__all__ = [
    "EMPTY", "LABEL", "LABEL_WIDTH", "MUTED", "Document", "Field", "Hanging", "Row", "block", "bullet", "field",
    "lay_out",
]
