"""Snapshots of help, the export wizard and settings at 80x24 and 160x50, in the dark and high-contrast themes.

Help, the form and settings use test_tui_snapshots' journal (fixed dates, clock and signing key),
with one coordinator takeaway still waiting for the partner's consent, so the wizard's notice shows.
The preview shows the file itself, which names the pair by its id and ends in a hash of every
byte: it uses sharing_world's journal, whose ids, dates and key are fixed, at that world's clock.
Home is a fixed, fake folder, so the suggested file name is the same on every machine.
Update with `pytest tests/test_tui_snapshots_help_export.py --snapshot-update` and read the SVGs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

import sharing_world
from pairjournal.journal import Journal, KdfParams
from pairjournal.tui.app import PairJournalApp
from test_tui_snapshots import JOURNAL, build_journal, steady_cursors, unlocked  # noqa: F401 (an autouse fixture)
from tui_support import PASSPHRASE, FakeClock, make_app, wait_for_screen

SIZES = [(80, 24), (160, 50)]
THEMES = ["pairjournal-dark", "pairjournal-contrast"]
CASES = [pytest.param(size, theme, id=f"{size[0]}x{size[1]}-{theme.removeprefix('pairjournal-')}")
         for theme in THEMES for size in SIZES]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", "/home/mentor")  # where the wizard suggests saving
    return tmp_path


def build(theme: str) -> None:
    build_journal(theme=theme)
    with Journal.open(JOURNAL, PASSPHRASE) as journal:
        ana = journal.pair("Ana")
        journal.add_takeaway(ana.id, "Pilots need a named owner", scope="coordinator")


async def open_export(pilot: Pilot[Any]) -> None:
    await pilot.press("e")
    await wait_for_screen(pilot, "ExportScreen")


@pytest.mark.parametrize("size,theme", CASES)
def test_help_over_home(size: tuple[int, int], theme: str, here: Path, snap_compare: Any) -> None:
    build(theme)

    async def open_help(pilot: Pilot[Any]) -> None:
        await pilot.press("question_mark")
        await wait_for_screen(pilot, "HelpScreen")

    assert snap_compare(make_app(JOURNAL), terminal_size=size, run_before=unlocked(open_help))


@pytest.mark.parametrize("size,theme", CASES)
def test_export_form_with_pending_consent(size: tuple[int, int], theme: str, here: Path, snap_compare: Any) -> None:
    build(theme)
    assert snap_compare(make_app(JOURNAL), terminal_size=size, run_before=unlocked(open_export))


def build_world(theme: str) -> PairJournalApp:
    """sharing_world's journal in the real app, at that world's date, so the period covers its sessions."""
    with Journal.create(JOURNAL, PASSPHRASE, KdfParams.cheap()) as journal:
        sharing_world.build(journal)
        journal.save_settings(theme=theme)
    return PairJournalApp(JOURNAL, kdf=KdfParams.cheap(), clock=FakeClock(),
                          today=lambda: sharing_world.TODAY, now=lambda: sharing_world.NOW)


@pytest.mark.parametrize("size,theme", CASES)
def test_export_preview(size: tuple[int, int], theme: str, here: Path, snap_compare: Any) -> None:
    app = build_world(theme)

    async def preview(pilot: Pilot[Any]) -> None:
        await open_export(pilot)
        await pilot.press("ctrl+r")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=unlocked(preview))


@pytest.mark.parametrize("size,theme", CASES)
def test_settings(size: tuple[int, int], theme: str, here: Path, snap_compare: Any) -> None:
    build(theme)

    async def settings(pilot: Pilot[Any]) -> None:
        await pilot.press("comma")
        await wait_for_screen(pilot, "SettingsScreen")

    assert snap_compare(make_app(JOURNAL), terminal_size=size, run_before=unlocked(settings))
