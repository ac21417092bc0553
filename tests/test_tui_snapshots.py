"""Snapshot tests of the main screens: what a person sees, compared with approved SVGs.

Deterministic by construction: fixed dates and clock, a journal with fixed content,
a relative journal path (the test runs inside its tmp folder), cursor blink off.
Update after a deliberate change with `pytest tests/test_tui_snapshots.py --snapshot-update`,
then look at the SVGs that changed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from pairjournal.journal import Journal, KdfParams
from pairjournal.model import Consent, SigningKey
from sharing_world import FIXED_KEY
from tui_support import NOW, PASSPHRASE, TODAY, enter_text, make_app, unlock, wait_for_screen

JOURNAL = Path("journal.pairjournal")


@pytest.fixture(autouse=True)
def steady_cursors(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor would make every snapshot a coin toss."""
    monkeypatch.setattr(vars(Input)["cursor_blink"], "_default", False)
    monkeypatch.setattr(vars(TextArea)["cursor_blink"], "_default", False)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The unlock and settings screens show the journal's path: make it the same every run.
    monkeypatch.chdir(tmp_path)
    return tmp_path


def build_journal(theme: str | None = None, live: bool = False) -> None:
    journal = Journal.create(JOURNAL, PASSPHRASE, KdfParams.cheap())
    try:
        ana = journal.add_pair("Ana Ruiz", "mentee", cadence="biweekly", minutes=30,
                               program="Digital Leaders 2026", coordinator="Sam", start=TODAY - timedelta(days=60))
        ben = journal.add_pair("Ben Okafor", "mentor", cadence="monthly", minutes=45, start=TODAY - timedelta(days=20))
        held = journal.add_session(ana.id, on=TODAY - timedelta(days=18), minutes=32)
        journal.add_takeaway(ana.id, "Ask the team what they already automate before buying tools",
                             session_id=held.id, scope="partner")
        journal.add_takeaway(ana.id, "Short video updates beat long status emails", session_id=held.id,
                             scope="coordinator", partner_consent=Consent(given_on=TODAY - timedelta(days=18)))
        journal.add_takeaway(ana.id, "I interrupt more than I think", session_id=held.id)
        journal.add_action(ana.id, "Run a prompt-writing hour with the analysts", owner="me",
                           due=TODAY - timedelta(days=3), session_id=held.id)
        journal.add_action(ana.id, "Share the security checklist", owner="partner", due=TODAY + timedelta(days=5))
        journal.add_action(ana.id, "Replace one meeting with a written update", owner="both",
                           due=TODAY + timedelta(days=12))
        journal.add_action(ben.id, "Read the org chart notes", owner="partner")
        if live:
            session = journal.start_session(ana.id, at=NOW - timedelta(minutes=12))
            session.checkin_mood = "curious"
            session.checkin_note = "Slept badly, keen anyway"
            session.notes = "# AI pilots\n\n- Who owns the pilot? Nobody yet.\n- Ana: start with one team, one tool."
            session.agenda[0].done = True
            journal.save(session)
            journal.add_takeaway(ana.id, "Pilots need a named owner", session_id=session.id, scope="partner")
            journal.add_action(ana.id, "Draft the pilot charter", owner="me", due=TODAY + timedelta(days=7),
                               session_id=session.id)
        # Written dates show beside a highlighted item; the real clock would change them daily.
        written = [*journal.takeaways(), *journal.actions()]
        for second, record in enumerate(written):  # takeaways stay in the order they were written
            record.created = NOW + timedelta(seconds=second)
        journal.save_many(written)
        if theme is not None:
            journal.save_settings(theme=theme)
        # A fixed signing key: settings shows its fingerprint, which would otherwise differ every run.
        journal.save(SigningKey(private_key=FIXED_KEY, created=NOW - timedelta(days=60)))
    finally:
        journal.close()


def unlocked(*then: Callable[[Pilot[Any]], Any]) -> Callable[[Pilot[Any]], Any]:
    """run_before: unlock, run the given steps, and clear notifications so they do not cover the screen."""

    async def run(pilot: Pilot[Any]) -> None:
        await unlock(pilot)
        for step in then:
            await step(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run


async def open_session(pilot: Pilot[Any]) -> None:
    await pilot.press("s")
    await wait_for_screen(pilot, "SessionScreen")
    # "Resumed the session" would time out at a moment that depends on the machine's speed.
    pilot.app.clear_notifications()
    await pilot.press("ctrl+n")


# -- the gate -----------------------------------------------------------------------------------


def test_unlock(here: Path, snap_compare) -> None:
    build_journal()
    assert snap_compare(make_app(JOURNAL), terminal_size=(80, 24))


def test_unlock_wrong_passphrase(here: Path, snap_compare) -> None:
    build_journal()

    async def wrong(pilot: Pilot[Any]) -> None:
        await unlock(pilot, "not the passphrase", expect="UnlockScreen")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(JOURNAL), terminal_size=(80, 24), run_before=wrong)


def test_first_run(here: Path, snap_compare) -> None:
    async def typed(pilot: Pilot[Any]) -> None:
        await wait_for_screen(pilot, "FirstRunScreen")
        await enter_text(pilot, "#new-passphrase", "four random words here")

    assert snap_compare(make_app(JOURNAL), terminal_size=(80, 24), run_before=typed)


def test_first_run_pair_step(here: Path, snap_compare) -> None:
    async def created(pilot: Pilot[Any]) -> None:
        await wait_for_screen(pilot, "FirstRunScreen")
        await enter_text(pilot, "#new-passphrase", PASSPHRASE)
        await enter_text(pilot, "#repeat-passphrase", PASSPHRASE)
        await pilot.app.workers.wait_for_complete()
        for _ in range(50):
            if pilot.app.journal is not None:
                break
            await pilot.pause(0.02)
        await pilot.pause()

    assert snap_compare(make_app(JOURNAL), terminal_size=(100, 40), run_before=created)


# -- home ------------------------------------------------------------------------------------------


def test_home_80x24(here: Path, snap_compare) -> None:
    build_journal()
    assert snap_compare(make_app(JOURNAL), terminal_size=(80, 24), run_before=unlocked())


def test_home_160x50(here: Path, snap_compare) -> None:
    build_journal()
    assert snap_compare(make_app(JOURNAL), terminal_size=(160, 50), run_before=unlocked())


@pytest.mark.parametrize("theme", ["pairjournal-dark", "pairjournal-light", "pairjournal-contrast"])
def test_home_in_each_theme(theme: str, here: Path, snap_compare) -> None:
    build_journal(theme=theme)

    async def check(pilot: Pilot[Any]) -> None:
        assert pilot.app.theme == theme

    assert snap_compare(make_app(JOURNAL), terminal_size=(120, 36), run_before=unlocked(check))


# -- the live session ------------------------------------------------------------------------------


def test_session_80x24(here: Path, snap_compare) -> None:
    build_journal(live=True)
    assert snap_compare(make_app(JOURNAL), terminal_size=(80, 24), run_before=unlocked(open_session))


def test_session_160x50(here: Path, snap_compare) -> None:
    build_journal(live=True)
    assert snap_compare(make_app(JOURNAL), terminal_size=(160, 50), run_before=unlocked(open_session))


def test_takeaway_dialog_for_the_coordinator(here: Path, snap_compare) -> None:
    build_journal(live=True)

    async def capture(pilot: Pilot[Any]) -> None:
        await open_session(pilot)
        await pilot.press("ctrl+t")
        await wait_for_screen(pilot, "TakeawayDialog")
        await enter_text(pilot, "#capture-text", "Video updates save the team an hour a week", submit=False)
        await pilot.press("ctrl+r", "ctrl+r")

    assert snap_compare(make_app(JOURNAL), terminal_size=(80, 24), run_before=unlocked(capture))


def test_session_summary(here: Path, snap_compare) -> None:
    build_journal(live=True)

    async def end(pilot: Pilot[Any]) -> None:
        await open_session(pilot)
        await pilot.press("ctrl+f")
        await wait_for_screen(pilot, "ConfirmDialog")
        await pilot.press("y")
        await wait_for_screen(pilot, "SessionSummaryScreen")

    assert snap_compare(make_app(JOURNAL), terminal_size=(80, 24), run_before=unlocked(end))


# -- settings ----------------------------------------------------------------------------------------


def test_settings(here: Path, snap_compare) -> None:
    build_journal()

    async def settings(pilot: Pilot[Any]) -> None:
        await pilot.press("comma")
        await wait_for_screen(pilot, "SettingsScreen")

    assert snap_compare(make_app(JOURNAL), terminal_size=(80, 24), run_before=unlocked(settings))
