"""Journal text is shown as typed: square brackets are never read as Textual markup."""

from __future__ import annotations

from datetime import date

from textual.content import Content

from pairjournal.journal import Journal
from pairjournal.model import ActionItem, ActionStatus
from pairjournal.tui.screens.actions import ActionsScreen
from tui_host import HostApp

TRICKY = "[b]not bold[/b] and [unclosed"


async def test_marking_an_action_with_brackets_done_shows_its_text_literally(journal: Journal) -> None:
    pair = journal.add_pair("Ana", "mentor")
    action = journal.add_action(pair.id, TRICKY, due=date(2026, 3, 1))
    app = HostApp(journal, lambda: ActionsScreen())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("d", *"done it", "enter")
        await pilot.pause()
        # What a toast shows: its message, read as markup only when the notification asks for it.
        shown = [
            (Content.from_markup(n.message) if n.markup else Content(n.message)).plain
            for n in app._notifications
        ]
        assert f"Done: {TRICKY}" in shown
    assert journal.get(ActionItem, action.id).status is ActionStatus.DONE
