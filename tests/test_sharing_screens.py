"""The export wizard and the disclosure log screen, driven through a real Textual app on a real journal."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Input, Select, Static, TextArea

from factories import words
from pairjournal.journal import Journal, KdfParams
from pairjournal.model import Disclosure
from pairjournal.sharing import export, signing
from pairjournal.tui.screens.disclosures import DisclosuresScreen
from pairjournal.tui.screens.export import ExportScreen
from pairjournal.tui.widgets.dialogs import ConfirmDialog
from sharing_world import END, NOW, START, build

SIZE = (100, 34)


class Host(App[None]):
    """Holds a real unlocked journal as app.journal and a fixed clock, and shows one screen.

    It satisfies pairjournal.tui.seam.JournalHost, as the real app does.
    """

    def __init__(self, journal: Journal, make_screen: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.journal: Journal | None = journal
        self.make_screen = make_screen
        self.selected_pair_id: str | None = None
        self.kdf: KdfParams | None = KdfParams.cheap()
        self.clock: Callable[[], float] = lambda: 0.0

    def now(self) -> datetime:
        return NOW

    def today(self) -> date:
        return NOW.date()

    def open_destination(self, name: str, *, pair_id: str | None = None, **extra: Any) -> bool:
        from pairjournal.tui.screens import make_screen

        self.push_screen(make_screen(name, pair_id=pair_id or self.selected_pair_id, **extra))
        return True

    def start_session(self, pair_id: str | None = None) -> bool:
        return False  # no sessions here: the export and the log only

    def go_home(self) -> None:
        while len(self.screen_stack) > 2:  # the default screen, then the hosted one
            self.pop_screen()

    async def lock(self, notice: str = "") -> None:
        self.exit()

    def attach_journal(self, journal: Journal) -> None:
        self.journal = journal

    async def enter_journal(self) -> None:
        pass

    def note_activity(self) -> None:
        pass

    def save_autolock(self, minutes: int) -> None:
        pass

    def apply_theme(self, name: str) -> bool:
        return False

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False  # type: ignore[attr-defined]


def _text(widget: Static) -> str:
    return str(widget.render())


async def _preview(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.click("#export-preview-button")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _set_form(screen: Screen[Any], **values: str) -> None:
    for name, value in values.items():
        screen.query_one(f"#export-{name}", Input).value = value


# -- the export wizard -------------------------------------------------------------------


async def test_preview_is_exactly_the_bytes_written(journal: Journal, out_dir: Path) -> None:
    world = build(journal)
    app = Host(journal, lambda: ExportScreen(pair_id=world.pair.id, out_dir=out_dir))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.query_one("#export-from", Input).value == "2024-07-01"
        assert screen.query_one("#export-to", Input).value == "2025-06-30"
        out = Path(screen.query_one("#export-path", Input).value)
        assert out.parent == out_dir and out.suffix == ".md"
        _set_form(screen, **{"from": START.isoformat(), "to": END.isoformat()})

        await _preview(pilot)
        preview = screen.query_one("#export-preview", TextArea).text
        assert preview.startswith("# Mentoring summary: Ana Souza and me")
        assert "SHARED-TAKEAWAY" in preview and "SECRET" not in preview
        assert "For Carla Mendes" in _text(screen.query_one("#export-summary", Static))
        assert not out.exists() and journal.all(Disclosure) == []

        await pilot.press("ctrl+s")
        await pilot.pause()
        data = out.read_bytes()
        assert data == preview.encode("utf-8")
        assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
        assert signing.verify_bytes(data).format == "md"
        (entry,) = journal.all(Disclosure)
        assert entry.file_sha256 == hashlib.sha256(data).hexdigest()
        assert entry.when == NOW
        assert "disclosure #1" in _text(screen.query_one("#export-done", Static))


async def test_format_and_pseudonyms_reach_the_preview(journal: Journal, out_dir: Path) -> None:
    world = build(journal)
    app = Host(journal, lambda: ExportScreen(pair_id=world.pair.id, out_dir=out_dir))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        screen.query_one("#export-format", Select).value = "html"
        screen.query_one("#export-pseudonymize", Checkbox).value = True
        await pilot.pause()
        assert screen.query_one("#export-path", Input).value.endswith(".html")
        await _preview(pilot)
        preview = screen.query_one("#export-preview", TextArea).text
        assert preview.startswith("<!DOCTYPE html>")
        # As words: the file's signature and key are base64, where "Ana" turns up by chance
        # about once in a thousand exports.
        for name in ("Ana", "Souza", "Carla", "Mendes"):
            assert not re.search(rf"(?<![A-Za-z0-9+/]){name}(?![A-Za-z0-9+/])", preview), name


async def test_a_pseudonymised_export_is_not_named_after_the_partner(journal: Journal, out_dir: Path) -> None:
    world = build(journal)
    app = Host(journal, lambda: ExportScreen(pair_id=world.pair.id, out_dir=out_dir))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        _set_form(screen, **{"from": START.isoformat(), "to": END.isoformat()})
        assert "ana-souza" in screen.query_one("#export-path", Input).value
        screen.query_one("#export-pseudonymize", Checkbox).value = True
        await pilot.pause()
        suggested = Path(screen.query_one("#export-path", Input).value)
        assert "ana" not in suggested.name and "souza" not in suggested.name
        assert suggested.name.startswith("pairjournal-pair-")
        await _preview(pilot)
        summary = _text(screen.query_one("#export-summary", Static))
        assert "names replaced" in summary and "“Ana” → Partner-" in summary
        await pilot.press("ctrl+s")
        await pilot.pause()
        (written,) = list(out_dir.iterdir())
        assert written == suggested
        assert not {"ana", "souza"} & words(written.read_bytes())


async def test_pending_items_are_pointed_out(journal: Journal, out_dir: Path) -> None:
    world = build(journal)
    app = Host(journal, lambda: ExportScreen(pair_id=world.pair.id, out_dir=out_dir))
    async with app.run_test(size=SIZE):
        note = _text(app.screen.query_one("#export-pending", Static))
        assert "1 item is waiting for your partner's consent" in note


@pytest.mark.parametrize(
    "values,message",
    [
        ({"from": "2025-02-30"}, "not a date"),
        ({"from": "2025-06-01", "to": "2025-05-01"}, "before it starts"),
    ],
)
async def test_bad_dates_stay_on_the_form(journal: Journal, out_dir: Path, values: dict[str, str],
                                          message: str) -> None:
    world = build(journal)
    app = Host(journal, lambda: ExportScreen(pair_id=world.pair.id, out_dir=out_dir))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        _set_form(screen, **values)
        await _preview(pilot)
        assert message in _text(screen.query_one("#export-error", Static))
        assert screen.query_one("#export-steps").current == "export-step-form"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert list(out_dir.iterdir()) == []
    assert journal.all(Disclosure) == []


async def test_an_existing_file_is_replaced_only_when_the_person_says_so(journal: Journal, out_dir: Path) -> None:
    """The wizard has no --force: a taken name is a question in place, and "no" leaves the file alone."""
    world = build(journal)
    taken = out_dir / "taken.md"
    taken.write_text("keep me")
    app = Host(journal, lambda: ExportScreen(pair_id=world.pair.id, out_dir=out_dir))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        _set_form(screen, path=str(taken))
        await _preview(pilot)
        preview = screen.query_one("#export-preview", TextArea).text
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.dialog_title == "Replace taken.md?"
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        error = _text(screen.query_one("#export-error", Static))
        assert "taken.md is still there, unchanged" in error and "--force" not in error
        assert screen.query_one("#export-steps").current == "export-step-preview"  # type: ignore[attr-defined]
        assert taken.read_text() == "keep me" and journal.all(Disclosure) == []

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert "replacing the old file" in _text(screen.query_one("#export-done", Static))
    assert taken.read_bytes() == preview.encode("utf-8")
    assert stat.S_IMODE(os.stat(taken).st_mode) == 0o600
    (entry,) = journal.all(Disclosure)
    assert entry.file_name == str(taken.resolve())
    assert sorted(p.name for p in out_dir.iterdir()) == ["taken.md"]


async def _export_once(app: Host, pilot: Pilot[None], pair_id: str, out_dir: Path) -> Path:
    """Opens the wizard as a person would, takes the suggested name, writes; returns the file."""
    app.push_screen(ExportScreen(pair_id=pair_id, out_dir=out_dir))
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ExportScreen)
    out = Path(screen.query_one("#export-path", Input).value)
    await _preview(pilot)
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert screen.written is not None, _text(screen.query_one("#export-error", Static))
    await pilot.press("escape")
    await pilot.pause()
    return out


async def test_the_second_export_of_a_day_has_a_name_of_its_own(journal: Journal, out_dir: Path,
                                                                tmp_path: Path) -> None:
    """Even when the first file was sent on and is gone from the folder: the coordinator gets both."""
    world = build(journal)
    app = Host(journal, Screen)
    async with app.run_test(size=SIZE) as pilot:
        first = await _export_once(app, pilot, world.pair.id, out_dir)
        sent = tmp_path / "sent"
        sent.mkdir()
        first.rename(sent / first.name)  # mailed to the coordinator, moved out of the way
        second = await _export_once(app, pilot, world.pair.id, out_dir)
    assert first.name != second.name
    assert first.name == "pairjournal-ana-souza-2025-06-30-1.md"
    assert second.name == "pairjournal-ana-souza-2025-06-30-2.md"
    assert [p.name for p in out_dir.iterdir()] == [second.name]
    logged = sorted(journal.all(Disclosure), key=lambda d: d.seq)
    assert [Path(d.file_name).name for d in logged] == [first.name, second.name]


async def test_a_name_the_person_typed_survives_a_change_of_format(journal: Journal, out_dir: Path) -> None:
    world = build(journal)
    app = Host(journal, lambda: ExportScreen(pair_id=world.pair.id, out_dir=out_dir))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        _set_form(screen, path=str(out_dir / "for-carla.md"))
        screen.query_one("#export-format", Select).value = "html"
        await pilot.pause()
        assert screen.query_one("#export-path", Input).value == str(out_dir / "for-carla.md")


async def test_the_pending_consent_notice_is_above_the_fold_at_80x24(journal: Journal, out_dir: Path) -> None:
    world = build(journal)
    app = Host(journal, lambda: ExportScreen(pair_id=world.pair.id, out_dir=out_dir))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        notice = app.screen.query_one("#export-pending", Static)
        assert "waiting for your partner's consent" in _text(notice)
        region = notice.region
        assert region.height > 0 and region.bottom <= 23  # above the footer, with nothing scrolled
        # And the whole form: the Preview button is on screen too.
        assert app.screen.query_one("#export-preview-button").region.bottom <= 23


async def test_relative_dates_are_said_back_before_the_preview(journal: Journal, out_dir: Path) -> None:
    world = build(journal)
    app = Host(journal, lambda: ExportScreen(pair_id=world.pair.id, out_dir=out_dir))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        _set_form(screen, **{"from": "2025-01-01", "to": "yesterday"})
        await pilot.pause()
        echo = screen.query_one("#export-to-field .date-echo", Static)
        assert _text(echo) == "→ Sun 2025-06-29"
        _set_form(screen, to="someday")
        await pilot.pause()
        assert _text(echo).startswith("✗ not a date")
        _set_form(screen, to="fri")
        await pilot.pause()
        await _preview(pilot)
        assert "Period: 2025-01-01 to 2025-07-04" in screen.query_one("#export-preview", TextArea).text


async def test_keys_preview_and_back(journal: Journal, out_dir: Path) -> None:
    world = build(journal)
    app = Host(journal, lambda: ExportScreen(pair_id=world.pair.id, out_dir=out_dir))
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#export-to", Input).focus()
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one("#export-preview", TextArea).text.startswith("# Mentoring summary")
        await pilot.press("escape")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.query_one("#export-steps").current == "export-step-form"  # type: ignore[attr-defined]
        assert screen.prepared is None


def test_snapshot_export_preview(snap_compare: Any, make_journal: Callable[..., Journal]) -> None:
    journal = make_journal()
    world = build(journal)

    async def run_before(pilot: Pilot[None]) -> None:
        _set_form(pilot.app.screen, **{"from": START.isoformat(), "to": END.isoformat()})
        await _preview(pilot)

    app = Host(journal, lambda: ExportScreen(pair_id=world.pair.id, out_dir=Path("/exports")))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_enter_in_a_field_previews(journal: Journal, out_dir: Path) -> None:
    world = build(journal)
    app = Host(journal, lambda: ExportScreen(pair_id=world.pair.id, out_dir=out_dir))
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#export-from", Input).focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one("#export-steps").current == "export-step-preview"  # type: ignore[attr-defined]


async def test_no_pair_no_export(journal: Journal, out_dir: Path) -> None:
    app = Host(journal, lambda: ExportScreen(out_dir=out_dir))
    async with app.run_test(size=SIZE) as pilot:
        assert "no pair to export" in _text(app.screen.query_one("#export-error", Static))
        await _preview(pilot)
        assert "choose a pair" in _text(app.screen.query_one("#export-error", Static))
        assert app.screen.query_one("#export-steps").current == "export-step-form"  # type: ignore[attr-defined]
    assert list(out_dir.iterdir()) == []


# -- the disclosure log ----------------------------------------------------------------------


def _log_three(journal: Journal) -> None:
    pair = journal.pair("Ana")
    for n, fmt in enumerate(export.FORMATS):
        when = datetime(2025, 7, 1 + n, 10, 0, tzinfo=UTC)
        prepared = export.prepare(journal, pair, START, END, fmt, generated=when)
        export.commit_stream(journal, prepared, lambda data: None, when=when)


async def test_the_log_lists_every_export_newest_first(journal: Journal) -> None:
    build(journal)
    _log_three(journal)
    app = Host(journal, DisclosuresScreen)
    async with app.run_test(size=(160, 50)):  # wide: every column, the period and the hash too
        table = app.screen.query_one(DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert [r[0] for r in rows] == ["3", "2", "1"]
        assert [r[6] for r in rows] == ["html", "json", "md"]
        assert all(r[3] == "Carla Mendes" and r[4] == "Ana Souza" for r in rows)
        assert [str(r[1]) for r in rows] == ["OK", "OK", "OK"]
        assert "Chain OK" in _text(app.screen.query_one("#disclosures-chain", Static))


async def test_the_log_shows_a_broken_chain(journal: Journal) -> None:
    build(journal)
    _log_three(journal)
    middle = next(d for d in journal.all(Disclosure) if d.seq == 2)
    middle.recipient = "someone else"
    journal.save(middle)
    app = Host(journal, DisclosuresScreen)
    async with app.run_test(size=SIZE):
        table = app.screen.query_one(DataTable)
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == ["OK", "BROKEN", "OK"]
        assert "Chain BROKEN" in _text(app.screen.query_one("#disclosures-chain", Static))


async def test_the_log_is_empty_at_first(journal: Journal) -> None:
    app = Host(journal, DisclosuresScreen)
    async with app.run_test(size=SIZE):
        assert app.screen.query_one(DataTable).row_count == 0
        assert "No exports yet" in _text(app.screen.query_one("#disclosures-chain", Static))


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_the_log_fits_the_terminal(journal: Journal, size: tuple[int, int]) -> None:
    build(journal)
    _log_three(journal)
    app = Host(journal, DisclosuresScreen)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width  # nothing off to the right
        details = _text(app.screen.query_one("#disclosures-items", Static))
        assert "Ana Souza, 2025-01-01 to 2025-06-30, 6 item(s)" in details  # the period, whatever the width
        headers = [str(c.label) for c in table.columns.values()]
        assert ("Period" in headers) is (size[0] >= 120)


def test_snapshot_disclosure_log(snap_compare: Any, make_journal: Callable[..., Journal]) -> None:
    journal = make_journal()
    build(journal)
    _log_three(journal)
    assert snap_compare(Host(journal, DisclosuresScreen), terminal_size=SIZE)
