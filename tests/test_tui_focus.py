"""Focus and state that read without colour (issue 15), in the real app, in each shipped theme.

A background shade alone is lost in the high-contrast theme, on a monochrome terminal and to a
colour-blind eye, so where the keys go is drawn in shape: a heavy border on a focused box, a bar
at the left of a focused compact field, reverse video on a focused toggle's label. And a ticked
checkbox or chosen radio button shows a mark, an unticked one a blank, not one glyph in two colours.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input

from conftest import ROOT
from pairjournal.tui.screens.home import PairCard
from pairjournal.tui.widgets.marks import MarkedCheckbox, MarkedRadioButton
from tui_support import TODAY, make_app, unlock, wait_for_screen

SIZE = (80, 24)
THEMES = sorted(path.stem for path in (ROOT / "themes").glob("*.toml"))


@pytest.fixture
def seeded(make_journal: Any, journal_path: Path) -> Path:
    journal = make_journal()
    journal.add_pair("Ana Ruiz", "mentee", start=TODAY)
    journal.add_pair("Ben Okafor", "mentor", start=TODAY)
    journal.close()
    return journal_path


def edge(widget: Widget, side: str = "top") -> str:
    """The kind of line drawn on one side of ``widget`` (heavy, round, outer, blank, ...), colour aside."""
    kind, _colour = getattr(widget.styles, f"border_{side}")
    return kind or "none"


async def focus(pilot: Pilot[Any], widget: Widget) -> None:
    widget.focus()
    await pilot.pause()


def test_every_shipped_theme_is_checked() -> None:
    assert {"pairjournal-dark", "pairjournal-light", "pairjournal-contrast"} <= set(THEMES)


@pytest.mark.parametrize("theme", THEMES)
async def test_focus_is_a_shape_not_only_a_shade(seeded: Path, theme: str) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        app.theme = theme
        await pilot.pause()

        first, second = app.screen.query(PairCard)
        await focus(pilot, first)
        assert edge(first) == "heavy" and edge(second) not in {"heavy", "none"}, "a pair card"
        await focus(pilot, second)
        assert edge(second) == "heavy" and edge(first) != "heavy"

        await pilot.press("n")  # a dialog of full-size fields
        await wait_for_screen(pilot, "AddPairScreen")
        name, minutes = app.screen.query_one("#pair-name", Input), app.screen.query_one("#pair-minutes", Input)
        await focus(pilot, name)
        assert edge(name) == "heavy" and edge(minutes) != "heavy", "a full-size field"
        await focus(pilot, minutes)
        assert edge(minutes) == "heavy" and edge(name) != "heavy"
        await pilot.press("escape")
        await wait_for_screen(pilot, "HomeScreen")

        await pilot.press("e")  # a form of compact, borderless fields
        await wait_for_screen(pilot, "ExportScreen")
        path, start = app.screen.query_one("#export-path", Input), app.screen.query_one("#export-from", Input)
        await focus(pilot, path)
        assert edge(path, "left") == "outer" and edge(start, "left") == "blank", "a compact field"
        await focus(pilot, start)
        assert edge(start, "left") == "outer" and edge(path, "left") == "blank"

        box = app.screen.query_one("#export-pseudonymize", MarkedCheckbox)
        await focus(pilot, box)
        assert box.get_component_styles("toggle--label").text_style.reverse, "a focused checkbox's label"
        await focus(pilot, path)
        assert not box.get_component_styles("toggle--label").text_style.reverse


async def test_a_ticked_box_and_a_chosen_button_show_a_mark(seeded: Path) -> None:
    app = make_app(seeded)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("e")
        await wait_for_screen(pilot, "ExportScreen")
        box = app.screen.query_one("#export-pseudonymize", MarkedCheckbox)
        assert "✓" not in str(box.render()) and not box.value
        await focus(pilot, box)
        await pilot.press("space")
        await pilot.pause()
        assert box.value and "✓" in str(box.render())
        await pilot.press("escape")
        await wait_for_screen(pilot, "HomeScreen")

        await pilot.press("n")
        await wait_for_screen(pilot, "AddPairScreen")
        buttons = list(app.screen.query(MarkedRadioButton))
        chosen = [b for b in buttons if b.value]
        assert chosen and all("●" in str(b.render()) for b in chosen)
        assert all("●" not in str(b.render()) for b in buttons if not b.value)
