"""Two screens that told people to look for something that was not there (issue 15).

Settings shows the signing fingerprint that the README and `verify` send people to
compare; an empty session summary offers keys that work on it, not the live
session's ctrl+t.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from textual.widgets import Input, Static

from conftest import PASSPHRASE
from pairjournal.journal import Journal
from pairjournal.model import Pair, Session
from pairjournal.sharing import export, signing
from pairjournal.tui.screens.settings import SettingsScreen
from pairjournal.tui.screens.summary import SessionSummaryScreen
from tui_host import TODAY, HostApp
from tui_support import make_app, unlock, wait_for_screen

SIZE = (80, 24)


def _texts(app: HostApp) -> str:
    return "\n".join(str(s.render()) for s in app.screen.query(Static) if s.display)


def _pair_and_empty_session(journal: Journal) -> tuple[Pair, Session]:
    pair = journal.add_pair("Ana Ruiz", "mentee", start=date(2026, 1, 5))
    return pair, journal.add_session(pair.id, on=TODAY, minutes=25)


async def test_settings_shows_the_signing_fingerprint(journal: Journal) -> None:
    app = HostApp(journal, SettingsScreen)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        shown = str(app.screen.query_one("#fingerprint", Static).render())
        assert "pairjournal verify" in _texts(app)
    fingerprint = signing.fingerprint(journal)
    assert fingerprint in shown and len(fingerprint.split()) == 8
    # The very key that signs exports: the same one an export names as its signer.
    pair = journal.add_pair("Ana Ruiz", "mentee")
    prepared = export.prepare(journal, pair, date(2026, 1, 1), TODAY, "md")
    assert signing.verify_bytes(prepared.data).fingerprint == fingerprint


async def test_settings_says_so_when_there_is_no_key_and_none_can_be_made(make_journal: Any,
                                                                          journal_path: Path) -> None:
    """A journal open read-only (damaged) takes no writes: no key is made, and the screen says why."""
    made = make_journal()
    gone = made.add_reflection("a record removed behind the journal's back")
    made.close()
    with sqlite3.connect(journal_path) as db:  # the damage: a record deleted outside pairjournal
        db.execute("DELETE FROM records WHERE id=?", (gone.id,))
    journal = Journal.open(journal_path, PASSPHRASE)
    try:
        assert journal.read_only
        app = HostApp(journal, SettingsScreen)
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            shown = str(app.screen.query_one("#fingerprint", Static).render())
        assert "No signing key yet" in shown
        assert signing.current_key(journal) is None
    finally:
        journal.close()


async def test_an_empty_summary_offers_keys_that_work_there(journal: Journal) -> None:
    pair, session = _pair_and_empty_session(journal)
    app = HostApp(journal, lambda: SessionSummaryScreen(session.id))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = _texts(app) + "\n".join(str(w.render()) for w in app.screen.query(".captured-empty"))
        assert "ctrl+t" not in text and "ctrl+a" not in text  # the live session's keys do nothing here
        assert "t captures one" in text and "a captures one" in text

        await pilot.press("t")
        await pilot.pause()
        assert type(app.screen).__name__ == "TakeawayDialog"
        app.screen.query_one("#capture-text", Input).value = "Ask the team first"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionSummaryScreen)
        lines = [str(w.render()) for w in app.screen.query(".captured-item")]
        assert "• Ask the team first  [private]" in lines

        await pilot.press("a")
        await pilot.pause()
        assert type(app.screen).__name__ == "ActionDialog"
    (takeaway,) = journal.takeaways(pair.id)
    assert takeaway.session_id == session.id and takeaway.text == "Ask the team first"


async def test_the_fingerprint_is_on_screen_at_80x24_without_scrolling(make_journal: Any, journal_path: Path) -> None:
    """In the real app, laid out by its own stylesheet: the first thing beside the themes."""
    made = make_journal()
    made.add_pair("Ana Ruiz", "mentee")
    made.close()
    app = make_app(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("comma")
        await wait_for_screen(pilot, "SettingsScreen")
        shown = app.screen.query_one("#fingerprint", Static)
        assert shown.region.height > 0 and shown.region.bottom <= SIZE[1] - 1  # above the footer
        assert len(str(shown.render()).split()) == 8
