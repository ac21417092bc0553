"""Forms at the sizes people use: the agreement draft in two columns at 160x50 and one at 80x24,
and date fields that say back the day they will save before anything is saved."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, Static, TextArea

from pairjournal.journal import Journal
from pairjournal.tui.screens.agreement_editor import AgreementEditor
from pairjournal.tui.screens.settings import SettingsScreen
from pairjournal.tui.widgets.capture import ActionDialog
from pairjournal.tui.widgets.date_input import DateInput
from tui_host import HostApp, seed


@pytest.fixture
def data(journal: Journal) -> dict[str, Any]:
    return seed(journal)


async def test_the_agreement_draft_uses_two_columns_at_160x50(journal: Journal, data: dict[str, Any]) -> None:
    app = HostApp(journal, lambda: AgreementEditor(data["alex"].id))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        left = app.screen.query_one("#editor-left").region
        right = app.screen.query_one("#editor-right").region
        assert left.right <= right.x and left.y == right.y  # side by side
        for area in app.screen.query(TextArea):
            assert area.region.width <= 80  # no 150-column text boxes
        # The whole draft is on screen: nothing to scroll to.
        body = app.screen.query_one("#editor-form")
        assert body.max_scroll_y == 0


async def test_the_agreement_draft_is_one_column_at_80x24(journal: Journal, data: dict[str, Any]) -> None:
    app = HostApp(journal, lambda: AgreementEditor(data["alex"].id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        left = app.screen.query_one("#editor-left").region
        right = app.screen.query_one("#editor-right").region
        assert right.y >= left.bottom  # below, not squeezed beside
        assert left.width >= 70


async def test_a_relative_timebox_is_said_back_and_saved_as_that_day(journal: Journal,
                                                                     data: dict[str, Any]) -> None:
    app = HostApp(journal, lambda: AgreementEditor(data["alex"].id))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        third = list(screen.query(".timebox").results(Input))[2]
        third.value = "+2w"
        review = screen.query_one("#f-review", Input)
        review.value = "next week"
        await pilot.pause()
        echoes = [str(e.render()) for e in screen.query(".date-echo").results(Static)]
        # Today is Wednesday 2026-03-18 in the test host.
        assert "→ Wed 2026-04-01" in echoes and "→ Mon 2026-03-23" in echoes
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = journal.agreement(data["alex"].id)
    assert saved is not None and saved.version == 3
    assert saved.objectives[2].timebox is not None and saved.objectives[2].timebox.isoformat() == "2026-04-01"
    assert saved.review_date is not None and saved.review_date.isoformat() == "2026-03-23"


async def test_the_due_field_says_back_the_day_as_it_is_typed(journal: Journal, data: dict[str, Any]) -> None:
    app = HostApp(journal, SettingsScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ActionDialog([data["alex"]], data["alex"].id))
        await pilot.pause()
        field = app.screen.query_one("#capture-due-field", DateInput)
        echo = field.query_one(".date-echo", Static)
        assert str(echo.render()) == "no date"
        app.screen.query_one("#capture-text", Input).value = "Book the demo room"
        field.input.focus()
        await pilot.press(*"fri")
        assert str(echo.render()) == "→ Fri 2026-03-20"
        assert field.input.value == "fri"
        await pilot.press("backspace", "backspace", "backspace", *"soon")
        assert str(echo.render()).startswith("✗ not a date: try")
        assert echo.has_class("-problem")
        await pilot.press("enter")  # refused: the dialog stays, saying why in full
        await pilot.pause()
        assert isinstance(app.screen, ActionDialog)
        assert "'soon' is not a date" in str(app.screen.query_one(".error", Static).render())
        await pilot.press("ctrl+u", *"+2w", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, ActionDialog)
    (action,) = [a for a in journal.actions(data["alex"].id) if a.text == "Book the demo room"]
    assert action.due is not None and action.due.isoformat() == "2026-04-01"
