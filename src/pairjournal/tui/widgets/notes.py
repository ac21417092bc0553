"""The live session's notes: a TextArea that draws and repaints only the rows whose look changed.

Textual's TextArea forgets every drawn row on each edit and on each cursor move
(with soft wrap its row cache is keyed on the whole selection), and draws a
wrapped row by styling its whole paragraph and cutting it into every row
(Text.divide; its own source marks this as a TODO). A session's notes are long
paragraphs in a narrow column, typed into at the cursor: each key redrew every
visible row, each row at the cost of its paragraph, most of a key's time on a
long session (issue 16).

Here a row is remembered by what it shows: the characters of its section of the
line, where the cursor is in it (if it is), and the settings that change how it
looks; styles changing (focus, the theme) forget them all, as Textual's own
cache does. A row is drawn by TextArea itself, so it looks exactly as it would
there. Cases that depend on more than that (a selection, syntax highlighting,
tabs, line numbers, a suggestion, the placeholder) are left to TextArea as they
are.

TextArea also asks for a whole repaint on every edit and cursor move, and each
painted row is then styled, bordered and cut again. Here such a repaint covers
only the rows whose look (the same key) differs from what each row was last drawn
from; after a style change, or when a row's look depends on more, it is whole.
tests/test_tui_notes.py checks the remembered rows against TextArea's own, and the
screen as painted against the screen repainted in full.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Self

from textual.geometry import Region
from textual.selection import Selection
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import Edit, EditResult

from pairjournal.tui.compat import cursor_drawn, scroll_update, wrapped_row

# Rows remembered at most (a few screens' worth); past it they are forgotten at once and drawn again.
MAX_ROWS = 2048

RowKey = tuple[object, ...]


class NotesArea(TextArea):
    """Long prose typed at the cursor, soft-wrapped: a key redraws the rows it changed."""

    _grown = False  # (a class default: TextArea's own __init__ already refreshes)

    def __init__(self, text: str = "", **options: Any) -> None:
        super().__init__(text, **options)
        self._drawn_rows: dict[RowKey, Strip] = {}
        # What each row on screen was last drawn from: a repaint redraws only the rows that differ.
        self._shown: dict[int, RowKey | None] = {}

    def notify_style_update(self) -> None:
        self._drawn_rows.clear()
        self._shown.clear()  # the next repaint is a whole one
        super().notify_style_update()

    def selection_updated(self, selection: Selection | None) -> None:
        self._shown.clear()
        super().selection_updated(selection)

    def edit(self, edit: Edit) -> EditResult:
        rows = self.virtual_size.height
        result = super().edit(edit)
        if self.virtual_size.height != rows and self.is_mounted:
            # TextArea brings the cursor into view before its size follows the edit, so a key
            # that wrapped onto a new row at the bottom showed only with the next key.
            self.scroll_cursor_visible()
        return result

    def watch_virtual_size(self) -> None:
        self._grown = True  # the layout asked next is for the scrollbar only (see refresh)

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        """A whole repaint (what TextArea asks on every edit and cursor move) becomes a repaint
        of the rows whose look changed since they were drawn; the rest stay as painted.

        A layout asked because the text grew or shrank by a row (its virtual size) lays out
        the whole screen and repaints all of it, for a scrollbar's thumb: when the notes'
        own size does not follow their text, the scrollbar is updated as that layout would
        (compat.scroll_update) and only the notes repaint; a scrollbar appearing or going
        still lays the screen out."""
        grown, self._grown = self._grown, False
        if grown and layout and repaint and not (regions or recompose) and self.is_mounted and self._sized_apart():
            scrollbars = (self.show_vertical_scrollbar, self.show_horizontal_scrollbar)
            scroll_update(self)
            if (self.show_vertical_scrollbar, self.show_horizontal_scrollbar) != scrollbars:
                return super().refresh(layout=True)
            layout = False
        if regions or not repaint or layout or recompose or not self.is_mounted or not self._shown:
            return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
        shown, changed = self._shown, []
        for y, key in enumerate(self._row_keys(range(self.size.height))):
            if key is None or shown.get(y) is None:
                return super().refresh()
            if shown[y] != key:
                changed.append(y)
        width = max(self.virtual_size.width, self.size.width)
        # Regions are in the widget's content coordinates, as refresh_lines gives them.
        return super().refresh(*[Region(0, y, width, 1) for y in changed]) if changed else self

    def _sized_apart(self) -> bool:
        """Whether the notes' height is set by the layout around them, not by their text."""
        height = self.styles.height
        return height is not None and not height.is_auto

    def render_line(self, y: int) -> Strip:
        key = self._shown[y] = self._row_keys((y,))[0]
        if key is None:
            return super().render_line(y)
        drawn = self._drawn_rows.get(key)
        if drawn is None:
            if len(self._drawn_rows) >= MAX_ROWS:
                self._drawn_rows.clear()
            drawn = self._drawn_rows[key] = super().render_line(y)
        return drawn

    def _row_keys(self, rows: Iterable[int]) -> list[RowKey | None]:
        """Everything each row's look depends on, or None for a row that depends on more
        (TextArea draws it). What all rows share is read once: a repaint asks every row."""
        selection = self.selection
        document = self.document
        if (
            not self.soft_wrap
            or self.is_syntax_aware
            or self.show_line_numbers
            or self.suggestion
            or selection.start != selection.end
            or document.end == (0, 0)  # the placeholder
        ):
            return [None for _ in rows]
        shared = (
            self.size,
            self.scrollable_content_region.width,
            self.theme,
            self.has_focus,
            self.highlight_cursor_line,
            self.read_only,
            self.show_cursor,
        )
        wrapped = self.wrapped_document
        top = self.scroll_offset.y
        cursor_line, cursor_column = selection.end
        bracket = self.matching_bracket_location if self.match_cursor_bracket else None
        keys: list[RowKey | None] = []
        for y in rows:
            shown = wrapped_row(wrapped, top + y)
            if shown is None:
                keys.append(None)  # below the text
                continue
            line_index, section = shown
            line = document.get_line(line_index)
            if "\t" in line:
                keys.append(None)  # a tab's width depends on the sections before it
                continue
            offsets = wrapped.get_offsets(line_index)
            start = offsets[section - 1] if section else 0
            last = section == len(offsets)
            end = len(line) + 1 if last else offsets[section]  # the last section ends in the cursor's cell
            on_cursor_line = cursor_line == line_index
            cursor = None
            if on_cursor_line and start <= cursor_column < end:
                cursor = (cursor_column - start, cursor_drawn(self), bracket is not None)
            bracket_here = None
            if bracket is not None and bracket[0] == line_index and start <= bracket[1] < end:
                bracket_here = bracket[1] - start
            keys.append((line[start:end], last, on_cursor_line, cursor, bracket_here, shared))
        return keys


__all__ = ["NotesArea"]
