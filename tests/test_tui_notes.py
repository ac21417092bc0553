"""The session notes' row cache (widgets/notes.py): what it draws from memory is what TextArea draws fresh.

Every check draws each visible row twice: as the cache answers, and as TextArea itself
does (its own render_line, past the cache), and compares them, through the edits and moves
that change rows: typing at the end and in the middle of a long wrapped paragraph, a new
line, deleting, moving the cursor across sections, brackets, a selection, tabs, scrolling,
blur and the blink, a resize, a change of theme.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Input, TextArea

from pairjournal.tui.widgets.notes import NotesArea

PARAGRAPH = " ".join(f"word{n} (said) [{n}]" for n in range(60))
SPANNING = "(a bracket that opens here and closes two rows further on)"


class NotesApp(App[None]):
    CSS: ClassVar[str] = "NotesArea { width: 30; height: 12; }"

    def compose(self) -> ComposeResult:
        yield NotesArea(f"{PARAGRAPH}\n\n{SPANNING}\nshort line\n{PARAGRAPH}", soft_wrap=True, id="notes")
        yield Input(id="elsewhere")


def rows(notes: NotesArea) -> list[Strip]:
    return [notes.render_line(y) for y in range(notes.size.height)]


async def same_as_fresh(pilot: Pilot[None], notes: NotesArea) -> list[Strip]:
    await pilot.pause()
    remembered = rows(notes)
    assert rows(notes) == remembered  # asked again: answered from memory
    fresh = [TextArea.render_line(notes, y) for y in range(notes.size.height)]  # past the row cache
    assert remembered == fresh
    return fresh


async def test_remembered_rows_are_the_rows_textarea_draws() -> None:
    app = NotesApp()
    async with app.run_test(size=(60, 20)) as pilot:
        notes = app.query_one(NotesArea)
        notes.cursor_blink = False  # the blink is checked on its own below
        notes.focus()
        notes.move_cursor(notes.document.end)
        before = await same_as_fresh(pilot, notes)
        for key in "typed at the end":
            await pilot.press("space" if key == " " else key)
            await same_as_fresh(pilot, notes)
        assert rows(notes) != before
        await pilot.press("enter", *"next", "backspace", "backspace")
        await same_as_fresh(pilot, notes)
        notes.move_cursor((0, 40))  # the middle of the first long paragraph
        await same_as_fresh(pilot, notes)
        for key in ("x", "y", "space", "z", "backspace", "left", "left", "right", "down", "down", "up", "end", "home"):
            await pilot.press(key)
            await same_as_fresh(pilot, notes)
        notes.move_cursor((0, 13))  # on a bracket: its partner is drawn matched
        assert notes.matching_bracket_location is not None
        await same_as_fresh(pilot, notes)
        notes.move_cursor((2, len(SPANNING) - 1))  # its partner is rows further up, in another section
        assert notes.matching_bracket_location == (2, 0)
        await same_as_fresh(pilot, notes)
        notes.move_cursor((2, len(SPANNING) - 2))
        await same_as_fresh(pilot, notes)
        await pilot.press("shift+right", "shift+right", "shift+down")  # a selection
        await same_as_fresh(pilot, notes)
        await pilot.press("right")
        await same_as_fresh(pilot, notes)
        notes.insert("\ttabbed\tline\n", (3, 0))
        await same_as_fresh(pilot, notes)
        notes.scroll_end(animate=False)
        await same_as_fresh(pilot, notes)
        notes.scroll_home(animate=False)
        await same_as_fresh(pilot, notes)
        app.query_one("#elsewhere", Input).focus()  # no cursor drawn now
        await same_as_fresh(pilot, notes)
        notes.focus()
        notes.cursor_blink = True
        await same_as_fresh(pilot, notes)
        notes.styles.width = 22  # rewrapped
        await same_as_fresh(pilot, notes)
        await pilot.resize_terminal(40, 16)
        await same_as_fresh(pilot, notes)
        before = await same_as_fresh(pilot, notes)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        assert await same_as_fresh(pilot, notes) != before
        # The same characters with a tab, at the start of a line and wrapped to a later section,
        # are drawn wider in one than in the other: a tab's width depends on where its line started.
        notes.load_text("ab\tc\n" + "y" * (notes.wrap_width - 2) + " ab\tc\nthe cursor's line")
        notes.move_cursor((2, 0))
        tabbed = await same_as_fresh(pilot, notes)
        assert tabbed[0].text.rstrip() != tabbed[2].text.rstrip()
        notes.load_text("")  # the placeholder's case
        await same_as_fresh(pilot, notes)


async def painted(pilot: Pilot[None]) -> str:
    """The screen as painted (every widget's drawn lines, styles included)."""
    await pilot.pause()
    return pilot.app.export_screenshot()


async def same_as_repainted(pilot: Pilot[None], notes: NotesArea) -> None:
    """What is on screen after an edit or a move equals the screen laid out and redrawn in
    full: the rows the notes did not repaint had not changed, and the scrollbar is where a
    layout puts it when the text grew by a row."""
    shown = await painted(pilot)
    TextArea.refresh(notes, layout=True)  # Textual's own: a layout, a whole repaint
    assert shown == await painted(pilot)


async def test_a_key_repaints_the_rows_it_changed_and_the_screen_shows_all_of_it() -> None:
    app = NotesApp()
    async with app.run_test(size=(60, 20)) as pilot:
        notes = app.query_one(NotesArea)
        notes.cursor_blink = False
        notes.focus()
        notes.move_cursor(notes.document.end)
        await same_as_repainted(pilot, notes)
        rows = notes.wrapped_document.height
        for key in [*"typed at the end of it all", "enter", *"new", "backspace", "ctrl+left", "up", "up"]:
            await pilot.press("space" if key == " " else key)
            await same_as_repainted(pilot, notes)
        assert notes.wrapped_document.height > rows + 1  # it grew, row by row
        for _ in range(8):  # and shrinks
            await pilot.press("ctrl+w")
            await same_as_repainted(pilot, notes)
        notes.move_cursor((0, 40))
        await same_as_repainted(pilot, notes)
        for key in [*"inserted here", "backspace", "home", "end", "shift+left", "shift+left", "right", "pageup"]:
            await pilot.press("space" if key == " " else key)
            await same_as_repainted(pilot, notes)
        notes.move_cursor((2, len(SPANNING) - 1))  # a matched bracket two rows away
        await same_as_repainted(pilot, notes)
        await pilot.press("left")
        await same_as_repainted(pilot, notes)
        app.query_one("#elsewhere", Input).focus()
        await same_as_repainted(pilot, notes)
        notes.focus()
        await same_as_repainted(pilot, notes)
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await same_as_repainted(pilot, notes)
        await pilot.resize_terminal(44, 18)
        await same_as_repainted(pilot, notes)


async def test_a_key_that_wraps_onto_a_new_row_at_the_bottom_is_on_screen_at_once() -> None:
    app = NotesApp()
    async with app.run_test(size=(60, 20)) as pilot:
        notes = app.query_one(NotesArea)
        notes.focus()
        notes.move_cursor(notes.document.end)
        await pilot.pause()
        grew = 0
        for key in "every key typed here shows on screen as it is typed, wrapped or not":
            rows = notes.wrapped_document.height
            await pilot.press("space" if key == " " else key)
            grew += notes.wrapped_document.height > rows
            cursor_row = notes.wrapped_document.location_to_offset(notes.cursor_location).y
            top = notes.scroll_offset.y
            assert top <= cursor_row < top + notes.scrollable_content_region.height
        assert grew >= 2


async def test_the_cursor_row_follows_the_blink() -> None:
    app = NotesApp()
    async with app.run_test(size=(60, 20)) as pilot:
        notes = app.query_one(NotesArea)
        notes.focus()
        notes.move_cursor((0, 5))
        await pilot.pause()
        notes.blink_timer.pause()
        notes._cursor_visible = True  # each half of the blink, as Textual's blink timer sets it
        shown = await same_as_fresh(pilot, notes)
        notes._cursor_visible = False
        hidden = await same_as_fresh(pilot, notes)
        assert shown[0] != hidden[0] and shown[1:] == hidden[1:]
