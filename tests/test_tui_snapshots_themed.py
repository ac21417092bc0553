"""The main screens in the dark and the high-contrast themes, at 80x24 and 160x50.

The real app on the journal test_tui_snapshots builds, reached by the keys a person
presses from home. The high-contrast theme is the one where a lost focus border or a
state told only by colour would show first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from pairjournal.journal import Journal
from pairjournal.model import Objective
from test_tui_snapshots import JOURNAL, build_journal, open_session, steady_cursors, unlocked
from tui_support import NOW, PASSPHRASE, TODAY, make_app, wait_for_screen

__all__ = ["steady_cursors"]  # the autouse fixture takes effect by being in this module

THEMES = ["pairjournal-dark", "pairjournal-contrast"]
SIZES = [(80, 24), (160, 50)]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def with_agreement() -> None:
    """A first version, acknowledged by one side, so the agreement screen has something to show."""
    journal = Journal.open(JOURNAL, PASSPHRASE)
    try:
        pair = journal.pairs()[0]
        version = journal.new_agreement_version(
            pair.id,
            objectives=[Objective(outcome="Run one meeting with a shared live document", id="obj00001",
                                  evidence="Team feedback in retro", timebox=TODAY + timedelta(days=60)),
                        Objective(outcome="Set up two-factor sign-in on every work account", id="obj00002")],
            scope="Digital tools and how younger colleagues see our products.",
            confidentiality="What we say stays between us unless we both agree to share it.",
        )
        version.created = NOW
        journal.acknowledge(version, me=TODAY)
    finally:
        journal.close()


def opened(key: str, screen: str) -> Callable[[Pilot[Any]], Any]:
    async def run(pilot: Pilot[Any]) -> None:
        await pilot.press(key)
        await wait_for_screen(pilot, screen)
        await pilot.pause()

    return run


async def on_home(pilot: Pilot[Any]) -> None:
    await wait_for_screen(pilot, "HomeScreen")


SCREENS: dict[str, tuple[Callable[[Pilot[Any]], Any], bool, Callable[[], None] | None]] = {
    "home": (on_home, False, None),
    "session": (open_session, True, None),
    "agreement": (opened("g", "AgreementScreen"), False, with_agreement),
    "actions": (opened("o", "ActionsScreen"), False, None),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_main_screen(screen: str, theme: str, size: tuple[int, int], here: Path, snap_compare) -> None:
    steps, live, extra = SCREENS[screen]
    build_journal(theme=theme, live=live)
    if extra is not None:
        extra()

    async def check(pilot: Pilot[Any]) -> None:
        assert pilot.app.theme == theme
        await steps(pilot)

    assert snap_compare(make_app(JOURNAL), terminal_size=size, run_before=unlocked(check))
