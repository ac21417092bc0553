"""Correcting and sharing from the interface: the session history, the detail view, actions, progress, reflections.

Each screen hosted on a real journal (tests/tui_host.py); every outcome is checked on disk
through a second Journal over the same file, not in this process's memory.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Markdown, TextArea

from conftest import PASSPHRASE
from pairjournal.journal import Journal
from pairjournal.journal.outbound import ConsentStatus
from pairjournal.model import ActionItem, ProgressLevel, Recognition, Reflection, Session, Takeaway
from pairjournal.sharing import disclosures, export
from pairjournal.tui.screens.actions import ActionsScreen
from pairjournal.tui.screens.agreement import AgreementScreen
from pairjournal.tui.screens.detail import DetailScreen
from pairjournal.tui.screens.history import HistoryScreen
from pairjournal.tui.screens.reflections import ReflectionsScreen
from pairjournal.tui.widgets.record import RecordDetail
from tui_host import TODAY, HostApp, seed
from tui_support import enter_text, screen_text, wait_for, wait_for_screen

SIZE = (80, 24)


@pytest.fixture
def data(journal: Journal) -> dict[str, Any]:
    return seed(journal)


def host(journal: Journal, make: Callable[[], Screen[Any]]) -> HostApp:
    return HostApp(journal, make)


def on_disk(journal: Journal) -> Journal:
    return Journal.open(journal.path, PASSPHRASE)


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.pause()


def table_text(app: HostApp, selector: str) -> str:
    """Every cell of a table, row by row, as the person reads them."""
    table = app.screen.query_one(selector, DataTable)
    return "\n".join("  ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count))


# -- the session history -----------------------------------------------------------------------------------


async def test_history_lists_sessions_and_renders_notes_as_markdown(journal: Journal, data: dict[str, Any]) -> None:
    _, s2 = data["sessions"]
    journal.edit_session(s2.id, notes="# What we tried\n\n- chat first\n- **email** last")
    app = host(journal, lambda: HistoryScreen(data["alex"].id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Sessions with Alex" in screen_text(app) and "2 sessions held" in screen_text(app)
        rows = table_text(app, "#history-table").splitlines()
        assert rows == ["2026-02-16  28 of 30 min  —  1 T · 1 A", "2026-02-02  32 of 30 min  —  1 T · 0 A"]
        markdown = app.screen.query_one("#history-detail", RecordDetail).query_one(Markdown)
        await wait_for(pilot, lambda: markdown.query("MarkdownH1"), "the heading rendered")
        assert "What we tried" in screen_text(app)
        assert "# What we tried" not in screen_text(app)  # drawn as a heading, not shown as source


async def test_correcting_a_session_from_the_history(journal: Journal, data: dict[str, Any]) -> None:
    s2 = data["sessions"][1]
    app = host(journal, lambda: HistoryScreen(data["alex"].id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await wait_for_screen(pilot, "SessionEditDialog")
        notes = app.screen.query_one("#edit-notes", TextArea)
        assert notes.cursor_location == notes.document.end  # what is typed follows what was written
        notes.insert(" Also: the intranet.")
        await enter_text(pilot, "#edit-held", "35", submit=False)
        await enter_text(pilot, "#edit-date", "2026-02-17", submit=False)
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, "HistoryScreen")
        assert "35 of 30 min" in table_text(app, "#history-table")
        await pilot.press("e")
        await wait_for_screen(pilot, "SessionEditDialog")
        await enter_text(pilot, "#edit-date", "not a day", submit=False)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "SessionEditDialog"  # refused in one line, nothing lost
        assert "not a date" in screen_text(app) or "is not" in screen_text(app)
        await pilot.press("escape")
    with on_disk(journal) as disk:
        saved = disk.get(Session, s2.id)
        assert saved.notes.endswith("email. Also: the intranet.")
        assert (saved.actual_minutes, saved.date) == (35, date(2026, 2, 17))


async def test_deleting_a_session_keeps_what_it_captured(journal: Journal, data: dict[str, Any]) -> None:
    s2 = data["sessions"][1]
    (takeaway,) = journal.takeaways(session_id=s2.id)
    app = host(journal, lambda: HistoryScreen(data["alex"].id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("delete")
        await wait_for_screen(pilot, "ConfirmDialog")
        assert "1 takeaway, 1 action item" in screen_text(app) and "stays" in screen_text(app)
        await pilot.press("n")
        await wait_for_screen(pilot, "HistoryScreen")
        assert journal.find(s2.id) is not None
        await pilot.press("delete", "y")
        await wait_for_screen(pilot, "HistoryScreen")
        await settle(pilot)
        assert "1 session held" in screen_text(app)
    with on_disk(journal) as disk:
        assert disk.find(s2.id) is None
        kept = disk.get(Takeaway, takeaway.id)
        assert kept.session_id is None
        assert takeaway.id in [hit.id for hit in disk.search("joiners")]  # still found by its words


# -- the detail view: edit, share, delete any record ----------------------------------------------------


async def test_sharing_an_item_with_the_partners_consent_and_withdrawing_it(journal: Journal, data: dict[str, Any]) -> None:
    (takeaway,) = journal.takeaways(session_id=data["sessions"][0].id)
    app = host(journal, lambda: DetailScreen(takeaway.id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await wait_for_screen(pilot, "ShareDialog")
        assert "Now: private" in screen_text(app)
        await pilot.press("ctrl+r", "ctrl+r")  # private -> partner -> coordinator
        await settle(pilot)
        assert "Ask for the why before proposing a tool" in screen_text(app)  # exactly what would leave
        await enter_text(pilot, "#share-wording", "Start from the why", submit=False)
        await settle(pilot)
        assert "Start from the why" in app.screen.query_one("#share-leaving").content
        await enter_text(pilot, "#share-how", "agreed in the session", submit=False)
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, "DetailScreen")
        assert "shared with the coordinator" in " ".join(n.message for n in app._notifications) or \
            "coordinator" in screen_text(app)
    with on_disk(journal) as disk:
        shared = disk.get(Takeaway, takeaway.id)
        assert disk.consent_status(shared) is ConsentStatus.CONSENTED
        assert shared.coordinator_text == "Start from the why"
        assert shared.partner_consent is not None and shared.partner_consent.how == "agreed in the session"
        alex = disk.pair(data["alex"].id)
        assert "Start from the why" in export.prepare(disk, alex, date(2026, 1, 1), date(2026, 3, 31), "md").text
    app = host(journal, lambda: DetailScreen(takeaway.id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c", "ctrl+n")
        await wait_for_screen(pilot, "DetailScreen")
    with on_disk(journal) as disk:
        assert disk.consent_status(disk.get(Takeaway, takeaway.id)) is ConsentStatus.WITHDRAWN


async def test_an_edited_shared_item_waits_for_consent_again(journal: Journal, data: dict[str, Any]) -> None:
    takeaway = journal.add_takeaway(data["alex"].id, "Video beats email", scope="coordinator")
    from pairjournal.sharing import consent

    consent.give_consent(journal, takeaway.id, how="in person", on=TODAY)
    assert journal.consent_status(takeaway) is ConsentStatus.CONSENTED
    app = host(journal, lambda: DetailScreen(takeaway.id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await wait_for_screen(pilot, "EditTextDialog")
        assert "waits for consent" in screen_text(app)
        await enter_text(pilot, "#edit-text", "Video beats long email")
        await wait_for_screen(pilot, "DetailScreen")
        assert "changed since consent" in screen_text(app)
    with on_disk(journal) as disk:
        edited = disk.get(Takeaway, takeaway.id)
        assert edited.text == "Video beats long email"
        assert disk.consent_status(edited) is ConsentStatus.CHANGED


async def test_deleting_an_exported_item_says_the_file_cannot_be_called_back(
    journal: Journal, data: dict[str, Any]
) -> None:
    takeaway = journal.add_takeaway(data["alex"].id, "Shared and sent", scope="coordinator",
                                    session_id=data["sessions"][1].id)  # in the exported period
    from pairjournal.sharing import consent

    consent.give_consent(journal, takeaway.id, how="in person", on=TODAY)
    prepared = export.prepare(journal, data["alex"], date(2026, 1, 1), date(2026, 3, 31), "md")
    out = journal.path.parent / "out.md"
    export.commit(journal, prepared, out)
    assert disclosures.carrying(journal, takeaway.id)
    app = host(journal, lambda: DetailScreen(takeaway.id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("delete")
        await wait_for_screen(pilot, "ConfirmDialog")
        assert "cannot be called back" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert type(app.screen).__name__ != "DetailScreen"  # the record is gone, so is its screen
    with on_disk(journal) as disk:
        assert disk.find(takeaway.id) is None
        assert disclosures.carrying(disk, takeaway.id)  # the log keeps what left


# -- actions: edit, delete, agenda ------------------------------------------------------------------------


async def test_actions_edit_delete_and_put_on_the_agenda(journal: Journal, data: dict[str, Any]) -> None:
    week = data["actions"]["week"]
    later = data["actions"]["later"]
    app = host(journal, lambda: ActionsScreen(select_id=week.id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await wait_for_screen(pilot, "ActionEditDialog")
        await enter_text(pilot, "#edit-due", "2026-03-27", submit=False)
        await pilot.press("ctrl+o")  # owner partner -> both
        await enter_text(pilot, "#edit-evidence", "sent on Friday")
        await wait_for_screen(pilot, "ActionsScreen")
        await pilot.press("t")
        await settle(pilot)
        app.screen.select_id = later.id
        app.screen.reload()
        await settle(pilot)
        await pilot.press("delete", "y")
        await wait_for_screen(pilot, "ActionsScreen")
    with on_disk(journal) as disk:
        edited = disk.get(ActionItem, week.id)
        assert (edited.due, edited.owner.value, edited.evidence) == (date(2026, 3, 27), "both", "sent on Friday")
        assert [a.text for a in disk.agenda_for(data["alex"].id)] == [week.text]
        assert disk.find(later.id) is None


# -- progress on an objective, and its trail -----------------------------------------------------------------


async def test_progress_from_the_agreement_and_its_trail(journal: Journal, data: dict[str, Any]) -> None:
    alex = data["alex"]
    journal.add_progress(alex.id, "obj00001", level="emerging", evidence="One update drafted", on=date(2026, 3, 2))
    app = host(journal, lambda: AgreementScreen(alex.id))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert "■□□ emerging  One update drafted" in screen_text(app)
        await pilot.press("r")
        await wait_for_screen(pilot, "ProgressDialog")
        await pilot.press("ctrl+t")  # progressing -> achieved
        await enter_text(pilot, "#capture-text", "Three updates sent")
        await wait_for_screen(pilot, "AgreementScreen")
        await settle(pilot)
        text = screen_text(app)
        assert text.index("■□□ emerging") < text.index("■■■ achieved  Three updates sent")
    with on_disk(journal) as disk:
        trail = disk.progress_of("obj00001", alex.id)
        assert [(e.level, e.evidence) for e in trail] == [
            (ProgressLevel.EMERGING, "One update drafted"), (ProgressLevel.ACHIEVED, "Three updates sent")]
        assert trail[-1].on == TODAY


# -- reflections: delete one, edit my prompt ------------------------------------------------------------------


async def test_deleting_a_reflection_and_rewording_my_prompt(journal: Journal, data: dict[str, Any]) -> None:
    custom = data["custom"]
    app = host(journal, lambda: ReflectionsScreen(reflection_id=data["free"].id))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        if app.screen.mode == "write":
            await pilot.press("escape")
            await settle(pilot)
        if app.screen.mode != "history":
            await pilot.press("h")
            await settle(pilot)
        app.screen._highlight("#refl-history", f"refl:{data['free'].id}")
        await settle(pilot)
        await pilot.press("delete")
        await wait_for_screen(pilot, "ConfirmDialog")
        await pilot.press("y")
        await wait_for_screen(pilot, "ReflectionsScreen")
        await pilot.press("h")  # back to the prompts
        await settle(pilot)
        app.screen._highlight("#refl-prompts", next(o.id for o in app.screen.query_one("#refl-prompts").options
                                                    if o.id and custom.id in o.id))
        await settle(pilot)
        await pilot.press("e")
        await wait_for_screen(pilot, "PromptEditDialog")
        await enter_text(pilot, "#edit-text", "What did my team notice this week?")
        await wait_for_screen(pilot, "ReflectionsScreen")
    with on_disk(journal) as disk:
        assert disk.find(data["free"].id) is None
        assert isinstance(disk.find(data["answer"].id), Reflection)
        assert disk.prompt(custom.id).text == "What did my team notice this week?"


async def test_recognition_is_offered_to_the_mentee_only(journal: Journal, data: dict[str, Any]) -> None:
    from pairjournal.tui.screens.home import HomeScreen

    app = host(journal, HomeScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.selected_pair_id = data["alex"].id  # I am Alex's mentee
        app.screen._focus_selected()
        await settle(pilot)
        await pilot.press("w")
        await wait_for_screen(pilot, "RecognitionDialog")
        await enter_text(pilot, "#capture-text", "Alex made the new tools feel safe to try")
        await wait_for_screen(pilot, "HomeScreen")
        app.selected_pair_id = data["priya"].id  # I mentor Priya: nothing to write
        app.screen._focus_selected()
        await settle(pilot)
        assert app.screen.check_action("add_recognition", ()) is False
        await pilot.press("w")
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
    with on_disk(journal) as disk:
        (recognition,) = disk.recognitions()
        assert isinstance(recognition, Recognition) and recognition.pair_id == data["alex"].id
        assert recognition.text == "Alex made the new tools feel safe to try"


# -- a record read in search: the same keys as on its own screen --------------------------------------


async def test_a_hit_read_in_search_is_corrected_shared_and_deleted_in_place(journal: Journal,
                                                                           data: dict[str, Any]) -> None:
    from pairjournal.tui.screens.search import SearchScreen

    takeaway = journal.add_takeaway(data["alex"].id, "Wombat meetings run short")
    journal.build_index()
    app = host(journal, lambda: SearchScreen("wombat"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Enter in the input opens the first hit
        await settle(pilot)
        assert "Wombat meetings run short" in app.screen.query_one(RecordDetail).plain
        for key in ("e", "c", "delete"):
            assert app.screen.check_action({"e": "edit", "c": "share", "delete": "delete"}[key], ()) is True
        await pilot.press("e")
        await wait_for_screen(pilot, "EditTextDialog")
        await enter_text(pilot, "#edit-text", "Wombat meetings run short and sweet")
        await wait_for_screen(pilot, "SearchScreen")
        await settle(pilot)
        assert "Wombat meetings run short and sweet" in app.screen.query_one(RecordDetail).plain
        await pilot.press("c")
        await wait_for_screen(pilot, "ShareDialog")
        await pilot.press("ctrl+r")  # private -> partner
        await settle(pilot)
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, "SearchScreen")
        await settle(pilot)
        shared = journal.get(Takeaway, takeaway.id)
        assert (shared.text, shared.scope.value) == ("Wombat meetings run short and sweet", "partner")
        await pilot.press("delete")
        await wait_for_screen(pilot, "ConfirmDialog")
        await pilot.press("y")
        await wait_for_screen(pilot, "SearchScreen")
        await settle(pilot)
        assert "Nothing found" in screen_text(app)
        assert app.screen.check_action("edit", ()) is None  # nothing shown: the keys leave the footer
    with on_disk(journal) as disk:
        assert disk.find(takeaway.id) is None
        assert disk.search("wombat") == []
