"""Where the interface reaches into Textual's and Rich's internals: here only, each name tested.

Textual 8.2.8 is pinned exactly, and tests/test_tui_compat.py fails, one test per
name, when an upgrade renames or removes one of these. Everything else in the
interface uses public API only.

- ``App._modes``: whether a mode exists (there is ``add_mode``/``remove_mode``, but no
  public question).
- ``App._screen_stacks``: every mode's stack (``App.screen_stack`` is the current mode's).
- ``App._fatal_error``, and ``_exception``, ``_return_code``, ``_exit_renderables`` and
  ``_close_messages_no_wait`` that it uses: the hook that prints a traceback after an
  unhandled exception (``OneLineFatalError``).
- ``Screen._css_update_count`` and ``App._css_update_count``: telling Textual a new screen's
  styles are already current (``mark_styles_current``).
- ``textual._tree_sitter``: whether Markdown highlighting is installed (``markdown_language``).
- ``App._keymap``: the keymap as applied (there is ``set_keymap``/``update_keymap``, but no getter), so
  help and the palette show the key a binding really has (``current_keymap``).
- the control-code tables of ``textual.content`` and ``rich.control`` (``make_text_inert``).
- ``Footer._bindings_ready``: set as Textual's ``bindings_changed`` sets it (``mark_bindings_ready``),
  by the footer that redraws once for a burst of binding changes (widgets/footer.py).
- ``textual.widgets._footer.FooterKey`` and its ``action``: which of the footer's keys is which
  (``footer_keys``), so the footer can put help first; and that a compact footer's key takes the
  ``-compact`` class (``compact_key``), given before mounting so the key need not restyle itself.
- ``TextArea._draw_cursor``: whether the cursor shows now (focus and blink), part of what a notes row
  looks like (``cursor_drawn``, for widgets/notes.py's row cache).
- ``WrappedDocument._offset_to_line_info``: which line and which of its wrapped sections a row shows
  (``wrapped_row``); the public ``offset_to_location`` answers it by cutting the whole line into its
  sections, which is the very cost that row cache saves.
- ``Widget._scroll_update``: what a layout does for a scrolling widget whose size stayed and whose
  content grew (``scroll_update``: the scrollbars' lengths, the scroll kept in range), so the notes
  need not lay the whole screen out for a row more.
- ``Compositor.render_partial_update``, ``_get_renders``, ``_dirty_regions`` and ``visible_widgets``:
  a partial repaint draws only the rows it paints (``draw_only_what_shows``, below).

Textual draws text that came from the journal (a partner's name, an imported
title, notes) by writing it to the terminal between its own escape sequences.
It removes only a few control characters (BEL, BS, VT, FF, CR) on the way; an
ESC in a title would reach the terminal and be obeyed: set its title, clear the
screen, move the cursor. There is no public hook for this, so the tables both
libraries translate text through when they make their text objects (Textual's
Content, Rich's Text) are extended, once, at start-up: every other control
character, DEL, the C1 controls and the bidirectional overrides become a visible
stand-in of the same length (so styles laid over the text stay in place). The
journal keeps the text exactly as written; only the screen shows it inertly.
tests/test_terminal_text.py proves text drawn on screen reaches the terminal inert.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any, ClassVar, TypeVar

from textual._compositor import ChopsUpdate, Compositor
from textual.app import App
from textual.geometry import Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Footer, TextArea
from textual.widgets.text_area import WrappedDocument

ReturnType = TypeVar("ReturnType")

# -- modes and their stacks ------------------------------------------------------------------------


def has_mode(app: App[Any], mode: str) -> bool:
    """Whether ``mode`` was added to the app and not removed since."""
    return mode in app._modes


def screen_stacks(app: App[Any]) -> dict[str, list[Screen[Any]]]:
    """A copy of every mode's screen stack, bottom first."""
    return {mode: list(stack) for mode, stack in app._screen_stacks.items()}


def current_keymap(app: App[Any]) -> dict[str, str]:
    """A copy of the app's keymap (binding id -> keys), as ``set_keymap`` normalised it."""
    return dict(app._keymap)


def compact_key(widget: Widget) -> None:
    """Gives a footer key the class a compact footer's key takes when mounted (FooterKey._watch_compact)."""
    from textual.widgets._footer import FooterKey

    if isinstance(widget, FooterKey):
        widget.set_class(True, "-compact", update=False)


def mark_bindings_ready(footer: Footer) -> None:
    """What Footer.bindings_changed does first: from now on the footer's compose draws the keys."""
    footer._bindings_ready = True


def footer_keys(footer: Widget) -> list[tuple[str, Widget]]:
    """(action, widget) for each key the footer shows, in order (keys in a group included)."""
    from textual.widgets._footer import FooterKey

    return [(key.action, key) for key in footer.query(FooterKey)]


def cursor_drawn(text_area: TextArea) -> bool:
    """Whether the TextArea draws its cursor at this moment (it has focus, and the blink is on)."""
    return bool(text_area._draw_cursor)


def wrapped_row(wrapped: WrappedDocument, row: int) -> tuple[int, int] | None:
    """(line index, section) shown at a row of the wrapped document; None below its end."""
    rows = wrapped._offset_to_line_info
    return rows[row] if 0 <= row < len(rows) else None


def scroll_update(widget: Widget) -> None:
    """Brings a widget's scrollbars and scroll position in line with its virtual size, as
    the layout does when only the virtual size changed."""
    widget._scroll_update(widget.virtual_size)


# -- repainting ----------------------------------------------------------------------------------------

# Textual 8.2.8's own, kept to call for a whole repaint and for tests to compare against.
textual_get_renders = Compositor._get_renders
textual_partial_update = Compositor.render_partial_update

# The rows a partial repaint paints, while it draws: Compositor.render_partial_update knows
# them, its _get_renders is told only the rectangle around them.
_ROWS = "_pairjournal_rows"


def _partial_update(self: Compositor) -> ChopsUpdate | None:
    """Compositor.render_partial_update, telling _renders_that_show which rows it paints."""
    regions = self._dirty_regions
    rows = sorted({y for _, top, _, height in regions for y in range(top, top + height)})
    runs: list[tuple[int, int]] = []  # (first row, row after), each a run of consecutive rows
    for y in rows:
        if runs and runs[-1][1] == y:
            runs[-1] = (runs[-1][0], y + 1)
        else:
            runs.append((y, y + 1))
    setattr(self, _ROWS, runs)
    try:
        return textual_partial_update(self)
    finally:
        setattr(self, _ROWS, None)


def _renders_that_show(self: Compositor, crop: Region | None = None) -> Iterator[tuple[Region, Region, list[Strip]]]:
    """Compositor._get_renders, drawing only the rows of each widget that a partial repaint paints.

    Textual asks every widget whose *container* meets the rectangle around the
    repainted rows to draw all of its lines, and then keeps only those rows: a key
    typed at the end of the live session's notes (their last row, and the "saved"
    note above them) drew the header, the footer, the side panels and every row of
    every widget in between, most of a key's frame. Here each widget draws only its
    rows that are painted, clipped to them (the lines of a frame are independent, and
    the columns are left whole, as Textual cuts them); a widget with none draws
    nothing. What is sent to the terminal is the same: tests/test_tui_compat.py
    compares the two for many repaints of home and of a live session."""
    _rich_traceback_guard = True  # as in Textual's: Rich leaves this frame out of a traceback
    runs: list[tuple[int, int]] | None = getattr(self, _ROWS, None)
    if not crop or runs is None:
        yield from textual_get_renders(self, crop)
        return
    intersection, overlaps = Region.intersection, crop.overlaps
    for widget, (region, clip) in self.visible_widgets.items():
        shown = intersection(region, clip)
        if not overlaps(shown):
            continue
        x, top, width, height = shown
        bottom = top + height
        for first, after in runs:
            if after <= top or first >= bottom:
                continue
            start, end = max(first, top), min(after, bottom)
            painted = Region(x, start, width, end - start)
            yield region, painted, widget.render_lines(Region(x - region.x, start - region.y, width, end - start))


def draw_only_what_shows() -> None:
    """Makes every partial repaint draw only the rows it paints; safe to call again."""
    Compositor.render_partial_update = _partial_update  # type: ignore[method-assign]
    Compositor._get_renders = _renders_that_show  # type: ignore[method-assign]


# -- styles --------------------------------------------------------------------------------------------


def mark_styles_current(screen: Screen[Any], app: App[Any]) -> None:
    """For a screen made from a stylesheet that is already current: switching to its mode then
    skips parsing every stylesheet again (Textual compares these two counters)."""
    screen._css_update_count = app._css_update_count


# -- an unhandled exception ----------------------------------------------------------------------------


class OneLineFatalError(App[ReturnType]):
    """An app that ends an unhandled exception with one line of its own instead of Textual's traceback.

    Textual's default (``App._fatal_error``) prints a traceback with the local
    variables of every frame. A subclass says what to do instead in
    ``fatal_error_line``; the app then exits with ``FATAL_EXIT_CODE``.
    """

    FATAL_EXIT_CODE: ClassVar[int] = 70

    def fatal_error_line(self, error: BaseException | None) -> str:
        """Called once, after an unhandled exception: saves what can be saved, returns the line to print."""
        name = type(error).__name__ if error is not None else "error"
        return f"internal error ({name})"

    def _fatal_error(self) -> None:
        line = self.fatal_error_line(self._exception)
        self._return_code = self.FATAL_EXIT_CODE
        self._exit_renderables.append(line)
        self._close_messages_no_wait()


# -- optional syntax highlighting ------------------------------------------------------------------------


def markdown_language() -> str | None:
    """"markdown" when tree-sitter and its Markdown grammar are installed, so a TextArea can highlight it."""
    try:
        from textual._tree_sitter import get_language
    except ImportError:
        return None
    try:
        return "markdown" if get_language("markdown") is not None else None
    except Exception:  # a grammar that fails to load means plain text, not a crash
        return None


# -- text from the journal reaches the terminal inert ----------------------------------------------------

# Already removed by both libraries, and left to them: BEL, BS, VT, FF, CR.
_ALREADY_STRIPPED = {7, 8, 11, 12, 13}
_KEPT = {9, 10}  # tab and newline are layout, not commands
_REPLACEMENT = "\ufffd"


def inert_table() -> dict[int, str]:
    """Code point -> its visible stand-in, for everything a terminal could act on."""
    table: dict[int, str] = {}
    for code in range(0x20):
        if code not in _ALREADY_STRIPPED and code not in _KEPT:
            table[code] = chr(0x2400 + code)  # the Unicode control pictures: ␀ … ␛ … ␟
    table[0x7F] = "\u2421"  # ␡
    for code in (*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029):
        table[code] = _REPLACEMENT
    return table


def control_tables() -> list[dict[int, str]]:
    """The translation tables Textual's Content and Rich's Text pass all text through."""
    from rich import control as rich_control
    from textual import content as textual_content

    modules: tuple[ModuleType, ...] = (textual_content, rich_control)
    return [module._CONTROL_STRIP_TRANSLATE for module in modules]


_done = False


def make_text_inert() -> None:
    """Extends Textual's and Rich's control-code tables in place; safe to call again."""
    global _done
    if _done:
        return
    table = inert_table()
    for translate in control_tables():
        translate.update(table)
    _done = True


__all__ = [
    "OneLineFatalError",
    "control_tables",
    "current_keymap",
    "draw_only_what_shows",
    "has_mode",
    "inert_table",
    "make_text_inert",
    "mark_bindings_ready",
    "mark_styles_current",
    "markdown_language",
    "screen_stacks",
]
