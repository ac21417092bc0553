"""The partner's shared items where the pair works: on home and in the live session (issue 17).

Two real linked journals; Bo shares a takeaway and an open action item from his own
journal, his bundle reaches Ana, and Ana's home card, her session's agenda and its side
column show them as his: read-only, never in her exports (test_exchange covers that).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import SelectionList

from exchange_world import Linked, link
from pairjournal.journal import Journal
from pairjournal.tui.screens.home import HomeScreen
from pairjournal.tui.screens.session import SessionScreen
from pairjournal.tui.widgets.pair_card import PairCard
from tui_support import TODAY, make_app, screen_text, unlock, wait_for_screen

BO_TAKEAWAY = "Leaders ask better questions when they go first"
BO_ACTION = "Send Ana the onboarding checklist"
BO_PRIVATE = "BO-PRIVATE-NOTE never leaves his journal"


@pytest.fixture
def world(make_journal: Callable[..., Journal], tmp_path: Path) -> Linked:
    world = link(make_journal, tmp_path / "pair")
    bo_pair = world.bo_pair.id
    world.bo.add_takeaway(bo_pair, BO_TAKEAWAY, scope="partner")
    world.bo.add_action(bo_pair, BO_ACTION, owner="me", due=TODAY + timedelta(days=4), scope="partner")
    world.bo.add_takeaway(bo_pair, BO_PRIVATE)
    world.send(world.bo, world.ana)
    return world


def test_home_data_carries_the_partners_open_actions_and_latest_items(world: Linked) -> None:
    [home] = world.ana.home(TODAY).pairs
    assert [i.text for i in home.partner_actions] == [BO_ACTION]
    assert [i.text for i in home.partner_recent] == [BO_TAKEAWAY]


def test_a_session_starts_with_the_partners_open_actions_to_go_through_together(world: Linked) -> None:
    session = world.ana.start_session(world.ana_pair.id)
    assert f"Follow up (Bo Lee's): {BO_ACTION}" in [item.text for item in session.agenda]
    assert not any(BO_PRIVATE in item.text for item in session.agenda)


def test_the_cached_home_keeps_the_partners_items(world: Linked, tmp_path: Path) -> None:
    """Home is first drawn from the unlock cache: what the partner shared is in it too."""
    path = world.ana.path
    world.ana.save_home_cache(TODAY)
    world.ana.close()
    reopened = Journal.open(path, "correct horse battery staple", lazy=True)
    try:
        [home] = reopened.home(TODAY).pairs
        assert [i.text for i in home.partner_actions] == [BO_ACTION]
    finally:
        reopened.close()


async def test_home_and_the_live_session_show_what_the_partner_shared(world: Linked) -> None:
    path = world.ana.path
    world.ana.close()
    app = make_app(path)
    async with app.run_test(size=(100, 40)) as pilot:
        await unlock(pilot)
        assert isinstance(app.screen, HomeScreen)
        card = app.screen.query_one(PairCard).plain_text()
        assert BO_ACTION in card and "shared by them" in card
        assert "Bo Lee shared" in card and BO_TAKEAWAY in card
        assert BO_PRIVATE not in card
        await pilot.press("s")
        await wait_for_screen(pilot, "SessionScreen")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        text: Any = screen_text(app)
        assert "Shared by Bo Lee" in text and BO_TAKEAWAY in text
        agenda = app.screen.query_one("#agenda", SelectionList)
        shown = [str(agenda.get_option_at_index(i).prompt) for i in range(agenda.option_count)]
        assert f"Follow up (Bo Lee's): {BO_ACTION}" in shown
        assert BO_PRIVATE not in text
