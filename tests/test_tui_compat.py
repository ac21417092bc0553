"""Every private Textual and Rich name the interface uses, one test each (src/pairjournal/tui/compat.py).

Textual is pinned exactly; these fail first, and say which name, when a release renames or
removes one. Each checks that Textual itself still reads or writes the name, not only that
an attribute of that name can be set.
"""

from __future__ import annotations

import ast
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest
from textual._compositor import Compositor
from textual.app import App
from textual.geometry import Offset, Region
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

from conftest import SRC
from pairjournal.tui import compat
from tui_support import make_app, unlock, wait_for_screen

TUI = SRC / "pairjournal" / "tui"


class Modes(App[None]):
    MODES: ClassVar = {"first": Screen, "second": Screen}


async def test_has_mode_reads_app_modes() -> None:
    app = Modes()
    async with app.run_test():
        assert compat.has_mode(app, "first") and not compat.has_mode(app, "third")
        app.add_mode("third", Screen)
        assert compat.has_mode(app, "third")
        await app.remove_mode("third")
        assert not compat.has_mode(app, "third")


async def test_screen_stacks_reads_every_modes_stack() -> None:
    app = Modes()
    async with app.run_test() as pilot:
        await app.switch_mode("first")
        first = app.screen
        await app.switch_mode("second")
        await pilot.pause()
        stacks = compat.screen_stacks(app)
        assert stacks["first"] == [first]  # not the current mode, still listed
        assert stacks["second"] == app.screen_stack
        stacks["first"].clear()  # a copy: the app's own stacks are untouched
        assert compat.screen_stacks(app)["first"] == [first]


async def test_mark_styles_current_uses_the_counters_textual_compares() -> None:
    app = Modes()
    async with app.run_test():
        refreshes: list[bool] = []
        original = app.refresh_css

        def counted(animate: bool = True) -> None:
            refreshes.append(True)
            original(animate)

        app.refresh_css = counted  # type: ignore[method-assign]
        app.refresh_css()  # the stylesheet changed since any screen was made
        refreshes.clear()

        fresh = Screen()
        compat.mark_styles_current(fresh, app)
        app.add_mode("marked", lambda: fresh)
        await app.switch_mode("marked")
        assert refreshes == []  # Textual saw the screen's styles were current

        app.add_mode("unmarked", Screen)
        await app.switch_mode("unmarked")
        assert refreshes  # and without the mark it refreshes them (twice, as home's comment says)


class Crashes(compat.OneLineFatalError[None]):
    def on_mount(self) -> None:
        raise RuntimeError("words from the journal")

    def fatal_error_line(self, error: BaseException | None) -> str:
        return f"one line instead ({type(error).__name__})"


async def test_one_line_fatal_error_replaces_textuals_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    """App._fatal_error, and the _exception, _return_code, _exit_renderables and
    _close_messages_no_wait it uses."""
    app = Crashes()
    with pytest.raises(RuntimeError):
        async with app.run_test():
            pass
    assert app.return_code == compat.OneLineFatalError.FATAL_EXIT_CODE == 70
    printed = capsys.readouterr().err
    assert "one line instead (RuntimeError)" in printed
    assert "Traceback" not in printed and "words from the journal" not in printed


async def test_current_keymap_reads_what_set_keymap_applies() -> None:
    app = Modes()
    async with app.run_test():
        assert compat.current_keymap(app) == {}
        app.set_keymap({"app.help": "?,f2"})
        assert compat.current_keymap(app) == {"app.help": "question_mark,f2"}  # normalised as Textual uses it
        compat.current_keymap(app).clear()  # a copy
        assert compat.current_keymap(app) == {"app.help": "question_mark,f2"}


def test_markdown_language_reads_textuals_tree_sitter_module() -> None:
    import textual._tree_sitter as tree_sitter

    assert callable(tree_sitter.get_language)
    expected = "markdown" if tree_sitter.get_language("markdown") is not None else None
    assert compat.markdown_language() == expected


def test_control_tables_are_the_ones_text_passes_through() -> None:
    from rich.text import Text
    from textual.content import Content

    tables = compat.control_tables()
    assert len(tables) == 2 and all(isinstance(table, dict) for table in tables)
    compat.make_text_inert()
    assert all(table[0x1B] == "\u241b" for table in tables)
    assert Content("a\x1bb").plain == "a\u241bb" and Text("a\x1bb").plain == "a\u241bb"


async def test_cursor_drawn_follows_textareas_focus_and_blink() -> None:
    from textual.widgets import Input, TextArea

    class Editor(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield TextArea("some text", id="area")
            yield Input(id="other")

    app = Editor()
    async with app.run_test() as pilot:
        area = app.query_one(TextArea)
        area.cursor_blink = False
        area.focus()
        await pilot.pause()
        assert compat.cursor_drawn(area)
        app.query_one(Input).focus()
        await pilot.pause()
        assert not compat.cursor_drawn(area)
        area.focus()
        area.cursor_blink = True
        await pilot.pause()
        area._cursor_visible = False  # the blink's off half (what Textual's blink timer sets)
        assert not compat.cursor_drawn(area)
        area._cursor_visible = True
        assert compat.cursor_drawn(area)


def test_wrapped_row_names_the_line_and_section_textual_draws_at_a_row() -> None:
    from textual.document._document import Document
    from textual.document._wrapped_document import WrappedDocument

    wrapped = WrappedDocument(Document("one two three four five six\nshort\n\nseven eight nine"), width=10)
    rows = [compat.wrapped_row(wrapped, row) for row in range(wrapped.height)]
    assert rows[:5] == [(0, 0), (0, 1), (0, 2), (0, 3), (1, 0)]
    for row, shown in enumerate(rows):
        assert shown is not None
        line, section = shown
        offsets = wrapped.get_offsets(line)
        start = offsets[section - 1] if section else 0
        assert wrapped.offset_to_location(Offset(0, row)) == (line, start)  # the public answer, the slow way
    assert compat.wrapped_row(wrapped, wrapped.height) is None and compat.wrapped_row(wrapped, -1) is None


async def test_scroll_update_sets_the_scrollbars_as_a_layout_would() -> None:
    from textual.widgets import TextArea

    class Editor(App[None]):
        CSS: ClassVar[str] = "TextArea { height: 8; }"

        def compose(self):  # type: ignore[no-untyped-def]
            yield TextArea("\n".join(f"line {n}" for n in range(30)), id="area")

    app = Editor()
    async with app.run_test() as pilot:
        await pilot.pause()
        area = app.query_one(TextArea)
        bar = area.vertical_scrollbar
        assert bar.window_virtual_size == area.virtual_size.height == 30
        area.virtual_size = area.virtual_size.with_height(40)  # as TextArea's own resizing sets it
        compat.scroll_update(area)
        assert bar.window_virtual_size == 40
        area.scroll_end(animate=False)
        await pilot.pause()
        area.virtual_size = area.virtual_size.with_height(12)
        compat.scroll_update(area)
        assert bar.window_virtual_size == 12 and area.scroll_y == area.max_scroll_y  # kept in range


# -- nothing else reaches in ----------------------------------------------------------------------

PRIVATE_NAMES = {
    "_modes",
    "_screen_stacks",
    "_fatal_error",
    "_exception",
    "_return_code",
    "_exit_renderables",
    "_close_messages_no_wait",
    "_css_update_count",
    "_CONTROL_STRIP_TRANSLATE",
    "_draw_cursor",
    "_offset_to_line_info",
    "_scroll_update",
}


def _private_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in PRIVATE_NAMES:
            found.append(f"{path.name}:{node.lineno} .{node.attr}")
        elif isinstance(node, ast.FunctionDef) and node.name in PRIVATE_NAMES:
            found.append(f"{path.name}:{node.lineno} def {node.name}")
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("textual", "rich"):
            if any(part.startswith("_") for part in node.module.split(".")):
                found.append(f"{path.name}:{node.lineno} from {node.module}")
        elif isinstance(node, ast.Import):
            found += [f"{path.name}:{node.lineno} import {a.name}" for a in node.names
                      if a.name.split(".")[0] in ("textual", "rich") and "._" in a.name]
    return found


def test_only_compat_touches_textuals_private_names() -> None:
    outside = [use for path in sorted(TUI.rglob("*.py")) if path.name != "compat.py" for use in _private_uses(path)]
    assert outside == []
    assert _private_uses(TUI / "compat.py")  # the scan does see them where they are


def test_no_class_of_ours_shadows_a_textual_property() -> None:
    """ActionsScreen.visible once hid Textual's own: a method where Textual reads a bool."""
    import importlib
    import inspect

    from textual.dom import DOMNode

    shadowed = []
    for path in sorted(TUI.rglob("*.py")):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        module = importlib.import_module(name)
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and issubclass(cls, DOMNode) and cls.__module__ == name):
                continue
            textual_bases = [base for base in cls.__mro__ if base.__module__.startswith("textual")]
            for attribute in vars(cls):
                if any(isinstance(vars(base).get(attribute), property) for base in textual_bases):
                    shadowed.append(f"{cls.__name__}.{attribute}")
    assert shadowed == []


async def test_footer_keys_names_each_key_the_footer_shows_by_its_action() -> None:
    from textual.binding import Binding
    from textual.widgets import Footer

    class Keys(App[None]):
        BINDINGS: ClassVar = [Binding("a", "first", "First"), Binding("b", "second", "Second")]

        def compose(self):  # type: ignore[no-untyped-def]
            yield Footer()

    app = Keys()
    async with app.run_test() as pilot:
        await pilot.pause()
        keys = compat.footer_keys(app.query_one(Footer))
        actions = [action for action, _ in keys]
        assert actions[:2] == ["first", "second"]
        assert "First" in str(keys[0][1].render())


async def test_a_compact_footer_key_given_its_class_before_mounting_is_drawn_as_textual_draws_it() -> None:
    """compact_key gives the class FooterKey's watcher gives; the footer looks the same either way."""
    from textual.binding import Binding
    from textual.widgets import Footer

    from pairjournal.tui.widgets.footer import KeyFooter

    class Keys(App[None]):
        BINDINGS: ClassVar = [Binding("a", "first", "First"), Binding("b", "second", "Second")]

        def __init__(self, footer: type[Footer]) -> None:
            super().__init__()
            self.footer_class = footer

        def compose(self):  # type: ignore[no-untyped-def]
            yield self.footer_class(compact=True)

    drawn = []
    for footer in (Footer, KeyFooter):
        app = Keys(footer)
        async with app.run_test(size=(60, 3)) as pilot:
            await pilot.pause()
            keys = compat.footer_keys(app.query_one(Footer))
            assert keys and all(key.has_class("-compact") for _, key in keys)
            drawn.append([str(key.render()) for _, key in keys])
    assert drawn[0] == drawn[1]


# -- a partial repaint draws only the rows it paints (draw_only_what_shows) ---------------------------


def _partial_update(app: App[object], regions: list[Region], get_renders: object) -> tuple[str, list[str]]:
    """What the terminal is sent to repaint `regions` of the screen, and which widgets drew for it
    (each name once per row it drew)."""
    compositor = app.screen._compositor
    drawn: list[str] = []
    real_render_lines = Widget.render_lines

    def render_lines(widget: Widget, crop: Region) -> list[Strip]:
        drawn.extend([type(widget).__name__ if widget.id is None else f"#{widget.id}"] * crop.height)
        return real_render_lines(widget, crop)

    Compositor._get_renders = get_renders  # type: ignore[method-assign]
    Widget.render_lines = render_lines  # type: ignore[method-assign]
    try:
        compositor._dirty_regions.clear()
        compositor._dirty_regions.update(regions)
        update = compositor.render_partial_update()
    finally:
        Widget.render_lines = real_render_lines  # type: ignore[method-assign]
        Compositor._get_renders = compat._renders_that_show  # type: ignore[method-assign]
    assert update is not None
    return update.render_segments(app.console), drawn


def _random_regions(rng: random.Random, width: int, height: int) -> list[Region]:
    regions = []
    for _ in range(rng.randint(1, 3)):
        x, y = rng.randrange(width), rng.randrange(height)
        regions.append(Region(x, y, rng.randint(1, width - x), rng.randint(1, min(4, height - y))))
    return regions


async def _repaints_agree(app: App[object], rng: random.Random) -> None:
    width, height = app.size
    for _ in range(60):
        regions = _random_regions(rng, width, height)
        ours, drew = _partial_update(app, regions, compat._renders_that_show)
        textuals, textual_drew = _partial_update(app, regions, compat.textual_get_renders)
        assert ours == textuals, regions
        assert len(drew) <= len(textual_drew)  # rows drawn


async def test_a_partial_repaint_paints_what_textual_paints_drawing_only_the_rows_it_paints(
    make_journal: Callable[..., object], journal_path: Path
) -> None:
    journal: Any = make_journal()
    journal.add_pair("Ana Ruiz", "mentee", cadence="weekly", minutes=30)
    journal.close()
    rng = random.Random(16)
    for size in [(80, 24), (160, 50)]:
        app = make_app(journal_path)
        assert Compositor._get_renders is compat._renders_that_show  # the app installs it
        async with app.run_test(size=size) as pilot:
            await unlock(pilot)
            await _repaints_agree(app, rng)
            await pilot.press("s")
            await wait_for_screen(pilot, "SessionScreen")
            await pilot.press("tab", "tab", *"notes typed in a session")
            await pilot.pause()
            await _repaints_agree(app, rng)
            # A cell of the notes: Textual draws the header and the footer too, we do not.
            notes = app.screen.query_one("#notes").region
            _, drew = _partial_update(app, [Region(notes.x + 1, notes.y + 1, 1, 1)], compat._renders_that_show)
            _, textual_drew = _partial_update(app, [Region(notes.x + 1, notes.y + 1, 1, 1)], compat.textual_get_renders)
            assert drew.count("#notes") == 1 and textual_drew.count("#notes") == notes.height
            assert {"Header", "KeyFooter"} <= set(textual_drew)
            assert not {"Header", "KeyFooter"} & set(drew)


async def test_a_burst_of_binding_changes_redraws_the_footer_once_with_the_last_of_them() -> None:
    """KeyFooter's bindings_changed (mark_bindings_ready: Footer draws no keys until it is set)."""
    from textual.binding import Binding

    from pairjournal.tui.widgets.footer import KeyFooter

    class Keys(App[None]):
        BINDINGS: ClassVar = [Binding("a", "first", "First"), Binding("b", "second", "Second")]
        ENABLE_COMMAND_PALETTE = False
        second_on = False

        def compose(self):  # type: ignore[no-untyped-def]
            yield KeyFooter()

        def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
            return self.second_on if action == "second" else True

    app = Keys()
    async with app.run_test() as pilot:
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        assert [action for action, _ in compat.footer_keys(footer)] == ["first"]
        redraws = []
        real = KeyFooter.recompose

        async def counted(self: KeyFooter) -> None:
            redraws.append(1)
            await real(self)

        KeyFooter.recompose = counted  # type: ignore[method-assign]
        try:
            for n in range(6):  # Textual queued a redraw for each
                app.second_on = n == 5
                app.screen.refresh_bindings()
            await pilot.pause()
            await pilot.pause()
        finally:
            KeyFooter.recompose = real  # type: ignore[method-assign]
        assert redraws == [1]
        assert [action for action, _ in compat.footer_keys(footer)] == ["first", "second"]

    fresh = KeyFooter()
    assert list(fresh.compose()) == []  # Textual's compose: no keys before the bindings are ready
    compat.mark_bindings_ready(fresh)
    assert fresh._bindings_ready
