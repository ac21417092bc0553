"""Snapshots of the agreement, actions, reflections, search and session screens.

Plain ``def`` tests (snap_compare runs its own event loop). The journal is the
fixed one from tests/tui_host.py and today is fixed too, so nothing in a
snapshot depends on when it runs. Update with ``--snapshot-update`` and look at
the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from textual.screen import Screen

from pairjournal.journal import Journal
from pairjournal.tui.screens.actions import ActionsScreen
from pairjournal.tui.screens.agreement import AgreementScreen
from pairjournal.tui.screens.archive import ArchiveScreen
from pairjournal.tui.screens.detail import DetailScreen
from pairjournal.tui.screens.history import HistoryScreen
from pairjournal.tui.screens.reflections import ReflectionsScreen
from pairjournal.tui.screens.search import SearchScreen
from tui_host import HostApp, seed

NARROW = (80, 24)
WIDE = (160, 50)


@pytest.fixture
def data(journal: Journal) -> dict[str, Any]:
    return seed(journal)


def app_for(journal: Journal, make: Callable[[], Screen[Any]]) -> HostApp:
    return HostApp(journal, make)


def test_agreement_narrow(snap_compare: Any, journal: Journal, data: dict[str, Any]) -> None:
    assert snap_compare(app_for(journal, lambda: AgreementScreen(data["alex"].id)), terminal_size=NARROW)


def test_agreement_wide(snap_compare: Any, journal: Journal, data: dict[str, Any]) -> None:
    assert snap_compare(app_for(journal, lambda: AgreementScreen(data["alex"].id)), terminal_size=WIDE)


def test_agreement_diff(snap_compare: Any, journal: Journal, data: dict[str, Any]) -> None:
    assert snap_compare(app_for(journal, lambda: AgreementScreen(data["alex"].id)), press=["d"],
                        terminal_size=NARROW)


def test_agreement_editor(snap_compare: Any, journal: Journal, data: dict[str, Any]) -> None:
    assert snap_compare(app_for(journal, lambda: AgreementScreen(data["alex"].id)), press=["e"],
                        terminal_size=NARROW)


def test_actions_narrow(snap_compare: Any, journal: Journal, data: dict[str, Any]) -> None:
    assert snap_compare(app_for(journal, ActionsScreen), terminal_size=NARROW)


def test_actions_wide(snap_compare: Any, journal: Journal, data: dict[str, Any]) -> None:
    assert snap_compare(app_for(journal, ActionsScreen), terminal_size=WIDE)


def test_actions_empty(snap_compare: Any, make_journal: Callable[..., Journal]) -> None:
    assert snap_compare(app_for(make_journal(), ActionsScreen), terminal_size=NARROW)


def test_reflections_narrow(snap_compare: Any, journal: Journal, data: dict[str, Any]) -> None:
    assert snap_compare(app_for(journal, ReflectionsScreen), terminal_size=NARROW)


def test_reflections_answering(snap_compare: Any, journal: Journal, data: dict[str, Any]) -> None:
    make = lambda: ReflectionsScreen(data["alex"].id, prompt_id="leader-04")  # noqa: E731
    assert snap_compare(app_for(journal, make), terminal_size=NARROW)


def test_search_narrow(snap_compare: Any, journal: Journal, data: dict[str, Any]) -> None:
    assert snap_compare(app_for(journal, lambda: SearchScreen("chat")), terminal_size=NARROW)


def test_search_hit_open(snap_compare: Any, journal: Journal, data: dict[str, Any]) -> None:
    # A hit read in place: its keys (g, e, c, del) in the footer, as on its own screen.
    assert snap_compare(app_for(journal, lambda: SearchScreen("chat")), press=["enter"], terminal_size=WIDE)


def test_session_detail(snap_compare: Any, journal: Journal, data: dict[str, Any]) -> None:
    assert snap_compare(app_for(journal, lambda: DetailScreen(data["sessions"][1].id)), terminal_size=NARROW)


# -- the lifecycle: session history, archive, the agreement with its progress trail --------------------------


def _with_progress(journal: Journal, data: dict[str, Any]) -> None:
    alex = data["alex"].id
    journal.add_progress(alex, "obj00001", level="emerging", evidence="First update drafted together",
                         on=date(2026, 2, 16))
    journal.add_progress(alex, "obj00001", level="progressing", evidence="Two updates sent, one by myself",
                         on=date(2026, 3, 2))
    journal.add_progress(alex, "obj00003", level="achieved", evidence="Checklist done on every account",
                         on=date(2026, 3, 9))


def _archived(journal: Journal, data: dict[str, Any]) -> None:
    priya = data["priya"].id
    journal.add_session(priya, on=date(2026, 2, 9), minutes=45, notes="Introductions.")
    journal.end_pair(priya, on=date(2026, 3, 16))


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x50"])
def test_agreement_with_its_progress_trail(snap_compare: Any, journal: Journal, data: dict[str, Any],
                                           size: tuple[int, int]) -> None:
    _with_progress(journal, data)
    assert snap_compare(app_for(journal, lambda: AgreementScreen(data["alex"].id)), terminal_size=size)


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x50"])
def test_session_history(snap_compare: Any, journal: Journal, data: dict[str, Any], size: tuple[int, int]) -> None:
    journal.edit_session(data["sessions"][1].id,
                         notes="## What we tried\n\n- chat first, **email** last\n- the notes assistant")
    assert snap_compare(app_for(journal, lambda: HistoryScreen(data["alex"].id)), terminal_size=size)


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "160x50"])
def test_archive(snap_compare: Any, journal: Journal, data: dict[str, Any], size: tuple[int, int]) -> None:
    _archived(journal, data)
    assert snap_compare(app_for(journal, ArchiveScreen), terminal_size=size)
