"""The one action form and the one confirm dialog, where they now serve more than one screen.

Real journal, real app (tests/tui_host.py); outcomes read back from the file.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from textual.widgets import Input, TextArea

from conftest import PASSPHRASE
from pairjournal.journal import Journal
from pairjournal.model import Owner, ShareScope
from pairjournal.tui.screens.actions import ActionsScreen
from pairjournal.tui.screens.agreement import AgreementScreen
from pairjournal.tui.screens.agreement_editor import AgreementEditor
from pairjournal.tui.widgets.capture import ActionDialog
from pairjournal.tui.widgets.dialogs import ConfirmDialog
from tui_host import TODAY, HostApp, seed

SIZE = (100, 40)


@pytest.fixture
def data(journal: Journal) -> dict[str, Any]:
    return seed(journal)


async def test_the_action_form_chooses_among_pairs_from_the_actions_screen(journal: Journal,
                                                                            data: dict[str, Any]) -> None:
    app = HostApp(journal, lambda: ActionsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActionDialog) and form.pair.name == "Alex"
        await pilot.press(*"Book the platform lead", "ctrl+y", "ctrl+o")  # Priya's; the partner owns it
        assert form.pair.name == "Priya"
        form.query_one("#capture-due", Input).value = "tomorrow"  # the journal's date words, as anywhere
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ActionsScreen)
    with Journal.open(journal.path, PASSPHRASE) as disk:
        (added,) = [a for a in disk.actions() if a.text == "Book the platform lead"]
        assert added.pair_id == data["priya"].id and added.owner is Owner.PARTNER
        assert added.due == TODAY + timedelta(days=1) and added.scope is ShareScope.PRIVATE


async def test_the_action_form_has_no_pair_key_for_one_pair(journal: Journal) -> None:
    journal.add_pair("Alex", "mentee")
    app = HostApp(journal, lambda: ActionsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ActionDialog)
        assert "ctrl+y" not in app.screen.active_bindings  # nothing to choose, nothing in the footer
        assert not app.screen.query("#capture-pair")


async def test_escape_in_the_confirm_dialog_keeps_the_draft(journal: Journal, data: dict[str, Any]) -> None:
    alex = data["alex"]
    app = HostApp(journal, lambda: AgreementScreen(alex.id))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#f-scope", TextArea).insert("Also: ")
        await pilot.press("escape")  # unsaved: asks
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # neither save nor discard: back to the draft
        await pilot.pause()
        assert isinstance(app.screen, AgreementEditor)
        assert app.screen.query_one("#f-scope", TextArea).text.startswith("Also: ")
    assert len(journal.agreement_history(alex.id)) == 2
