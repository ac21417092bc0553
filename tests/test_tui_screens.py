"""Pilot tests for the agreement, actions, reflections, search and detail screens.

Each runs a real Textual app (tests/tui_host.py) over a real encrypted journal,
and checks outcomes where they matter: on screen, and on disk after reopening
the file with a second Journal.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, OptionList, TextArea

from conftest import PASSPHRASE, SRC
from pairjournal.journal import Journal
from pairjournal.model import ActionItem, ActionStatus, Prompt, Reflection
from pairjournal.tui.screens.actions import ActionsScreen
from pairjournal.tui.screens.agreement import AgreementScreen
from pairjournal.tui.screens.agreement_editor import AgreementEditor
from pairjournal.tui.screens.detail import DetailScreen
from pairjournal.tui.screens.reflections import ReflectionsScreen
from pairjournal.tui.screens.search import SearchScreen
from pairjournal.tui.widgets.add_prompt import AddPrompt
from pairjournal.tui.widgets.capture import ActionDialog as AddAction  # the one action form
from pairjournal.tui.widgets.dialogs import AskText
from pairjournal.tui.widgets.dialogs import ConfirmDialog as Confirm  # the one confirm dialog
from pairjournal.tui.widgets.document import Document, Field
from pairjournal.tui.widgets.record import RecordDetail
from tui_host import TODAY, HostApp, seed

SIZE = (80, 24)


@pytest.fixture
def data(journal: Journal) -> dict[str, Any]:
    return seed(journal)


def host(journal: Journal, make: Callable[[], Screen[Any]]) -> HostApp:
    return HostApp(journal, make)


def reopen(journal: Journal) -> Journal:
    """A second Journal over the same file: what is on disk, not in this process's memory."""
    return Journal.open(journal.path, PASSPHRASE)


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.pause()


def table_keys(app: HostApp) -> list[str]:
    table = app.screen.query_one("#actions-table", DataTable)
    return [str(row.key.value) for row in table.ordered_rows] if table.display else []


# -- agreement ---------------------------------------------------------------------


async def test_edit_agreement_saves_a_new_version_and_keeps_the_old(journal: Journal, data: dict[str, Any]) -> None:
    alex = data["alex"]
    app = host(journal, lambda: AgreementScreen(alex.id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, AgreementEditor)
        area = editor.query_one("#f-confidentiality", TextArea)
        area.focus()
        area.select_all()  # typing then replaces the whole field
        await pilot.press(*"Kept private.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)
        history = app.screen.query_one("#agreement-history", OptionList)
        assert history.option_count == 3
        assert history.highlighted_option is not None and history.highlighted_option.id == "3"
        shown = app.screen.query_one("#agreement-text", Document).plain
        assert "Kept private." in shown

    on_disk = reopen(journal)
    try:
        versions = on_disk.agreement_history(alex.id)
        assert [v.version for v in versions] == [1, 2, 3]
        assert versions[2].confidentiality == "Kept private."
        assert versions[1].confidentiality == data["v2"].confidentiality
        assert versions[0].confidentiality.startswith("What we say stays between us unless")
        assert versions[2].my_ack is None and versions[2].partner_ack is None
        assert [o.id for o in versions[2].objectives] == ["obj00001", "obj00002", "obj00003"]
    finally:
        on_disk.close()


async def test_objectives_are_added_and_removed_in_a_new_version(journal: Journal, data: dict[str, Any]) -> None:
    alex = data["alex"]
    app = host(journal, lambda: AgreementScreen(alex.id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")  # opens the editor with a new, focused objective
        await settle(pilot)
        assert isinstance(app.screen, AgreementEditor)
        await pilot.press(*"Demo AI", "tab", *"Slides", "tab", *"+9")
        # Remove the first objective: move into it, then ctrl+r.
        app.screen.query(".outcome").first(Input).focus()
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)

    latest = reopen(journal)
    try:
        agreement = latest.agreement(alex.id)
        assert agreement is not None and agreement.version == 3
        outcomes = [o.outcome for o in agreement.objectives]
        assert outcomes == [
            "Run one meeting with a shared live document",
            "Set up two-factor sign-in on every work account",
            "Demo AI",
        ]
        assert agreement.objectives[-1].timebox == date(2026, 3, 27)  # today + 9
        assert agreement.objectives[-1].evidence == "Slides"
        assert len(latest.agreement_history(alex.id)[1].objectives) == 3
    finally:
        latest.close()


async def test_agreement_editor_rejects_a_bad_date_and_can_discard(journal: Journal, data: dict[str, Any]) -> None:
    alex = data["alex"]
    app = host(journal, lambda: AgreementScreen(alex.id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#f-review", Input).focus()
        await pilot.press("ctrl+a", "ctrl+k", *"spring", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AgreementEditor)  # not saved, still editing
        messages = [n.message for n in app._notifications]
        assert any("review date" in m and "not a date" in m for m in messages)
        await pilot.press("escape")  # an unsaved draft: asks first
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)
    assert len(reopen(journal).agreement_history(alex.id)) == 2


def diff_lines(app: HostApp) -> list[str]:
    document = app.screen.query_one("#agreement-text", Document)
    return [f"{row.label} {row.value.plain}" for row in document.rows if isinstance(row, Field)]


async def test_diff_shows_changed_fields_between_chosen_versions(journal: Journal, data: dict[str, Any]) -> None:
    alex = data["alex"]
    journal.new_agreement_version(alex.id, scheduling="Thursdays at noon.")
    app = host(journal, lambda: AgreementScreen(alex.id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "d")  # v2 against the version before it
        await settle(pilot)
        assert "version 1 to version 2" in str(app.screen.query_one("#agreement-title").render())
        lines = diff_lines(app)
        assert "- Confidentiality: What we say stays between us unless we both agree to share it." in lines
        assert "+ Confidentiality: What we say stays between us; takeaways marked for the coordinator " \
               "need both of us." in lines
        assert "+ Objective 3: Set up two-factor sign-in on every work account" in lines
        assert " Cadence: biweekly" in lines
        document = app.screen.query_one("#agreement-text", Document)
        styles = {str(span.style) for row in document.rows for span in getattr(row, "value", row).spans}
        assert "bold $text-success" in styles and "bold $text-error" in styles
        await pilot.press("escape")  # leaves the diff, not the screen
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)
        assert "Version 2" in str(app.screen.query_one("#agreement-title").render())

        await pilot.press("down", "m", "up", "up", "d")  # mark v1, compare it with v3
        await settle(pilot)
        assert "version 1 to version 3" in str(app.screen.query_one("#agreement-title").render())
        lines = diff_lines(app)
        assert "+ Scheduling: Thursdays at noon." in lines
        assert "- Scheduling: Every other Monday, 8:30, moved with a day's notice." in lines
        assert any(line.startswith("+ Objective 3") for line in lines)


async def test_acknowledge_records_today_for_me_and_partner(journal: Journal, data: dict[str, Any]) -> None:
    alex = data["alex"]
    app = host(journal, lambda: AgreementScreen(alex.id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        # What changed since version 1 is shown first; y records the acknowledgement.
        assert type(app.screen).__name__ == "AcknowledgeDialog"
        diff = app.screen.query_one(Document).plain
        assert "+ Objective 3: Set up two-factor sign-in on every work account" in diff
        assert "Scope:" not in diff  # only what changed
        await pilot.press("y")
        await settle(pilot)
        shown = app.screen.query_one("#agreement-text", Document).plain
        assert f"Alex ✓ {TODAY.isoformat()}" in shown
    latest = reopen(journal)
    try:
        current = latest.agreement(alex.id)
        assert current is not None and current.version == 2
        assert current.partner_ack == TODAY and current.my_ack == date(2026, 2, 21)
        assert latest.agreement_history(alex.id)[0].partner_ack == date(2026, 1, 13)
    finally:
        latest.close()


async def test_agreement_for_an_unknown_pair_and_for_a_pair_without_one(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: AgreementScreen("no-such-pair"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "not in the journal" in app.screen.query_one("#agreement-text", Document).plain
        await pilot.press("e", "a", "d")  # all disabled: nothing happens, nothing breaks
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)

    app = host(journal, lambda: AgreementScreen(data["priya"].id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Press e to write the first version" in app.screen.query_one("#agreement-text", Document).plain
        await pilot.press("e")
        await settle(pilot)
        await pilot.press(*"Meet", "ctrl+n", *"Lead", "ctrl+s")
        await settle(pilot)
    first = journal.agreement(data["priya"].id)
    assert first is not None and first.version == 1 and first.minutes == 45
    assert [o.outcome for o in first.objectives] == ["Meet", "Lead"]


# -- actions -------------------------------------------------------------------------


async def test_mark_done_with_evidence_is_on_disk(journal: Journal, data: dict[str, Any]) -> None:
    overdue = data["actions"]["overdue"]
    app = host(journal, lambda: ActionsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert table_keys(app)[0] == overdue.id
        await pilot.press("d", *"oops", "escape")  # cancelled: nothing changes
        await settle(pilot)
        assert reopen(journal).get(ActionItem, overdue.id).status is ActionStatus.OPEN
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, AskText)
        await pilot.press(*"Used it; notes sent", "enter")
        await settle(pilot)
        assert overdue.id not in table_keys(app)  # the open filter hides it now
    latest = reopen(journal)
    try:
        done = latest.get(ActionItem, overdue.id)
        assert done.status is ActionStatus.DONE
        assert done.evidence == "Used it; notes sent"
        assert done.completed_on == TODAY
    finally:
        latest.close()


async def test_filters_change_the_rows(journal: Journal, data: dict[str, Any]) -> None:
    a = data["actions"]
    app = host(journal, lambda: ActionsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert table_keys(app) == [a["overdue"].id, a["week"].id, a["priya"].id, a["later"].id]
        await pilot.press("s")  # done
        assert table_keys(app) == [a["done"].id]
        await pilot.press("s")  # dropped
        assert table_keys(app) == [a["dropped"].id]
        await pilot.press("s")  # all
        assert len(table_keys(app)) == 6
        await pilot.press("w")  # overdue
        assert table_keys(app) == [a["overdue"].id]
        await pilot.press("w")  # this week (16-22 March)
        assert table_keys(app) == [a["week"].id]
        await pilot.press("w", "o")  # all dates; owner me: mine, and those we both own
        assert set(table_keys(app)) == {a["overdue"].id, a["priya"].id, a["done"].id, a["dropped"].id,
                                        a["later"].id}
        await pilot.press("o", "o")  # owner both
        assert table_keys(app) == [a["later"].id]
        await pilot.press("o", "p")  # owner all; pair Alex (pairs sort by name)
        assert a["priya"].id not in table_keys(app) and len(table_keys(app)) == 5
        await pilot.press("p")  # Priya
        assert table_keys(app) == [a["priya"].id]
        filters = str(app.screen.query_one("#actions-filters").render())
        assert "pair Priya" in filters and "status all" in filters


async def test_overdue_is_highlighted(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: ActionsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#actions-table", DataTable)
        row = table.get_row(data["actions"]["overdue"].id)
        assert str(row[1]) == "overdue" and "bold" in str(row[1].style)
        assert str(table.get_row(data["actions"]["week"].id)[1]) == "open"
        assert "1 overdue" in str(app.screen.query_one("#actions-filters").render())


async def test_overdue_follows_the_injected_today(journal: Journal, data: dict[str, Any]) -> None:
    app = HostApp(journal, lambda: ActionsScreen(), today=date(2026, 3, 1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#actions-table", DataTable)
        assert str(table.get_row(data["actions"]["overdue"].id)[1]) == "open"


async def test_the_footer_follows_what_the_row_allows_and_keeps_its_keys_when_they_come_back_the_same(
    journal: Journal, data: dict[str, Any]
) -> None:
    week = data["actions"]["week"]
    journal.complete_action(week.id, evidence="sent")
    app = host(journal, lambda: ActionsScreen())
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s", "s", "s")  # every status

        def disabled() -> dict[str, bool]:
            return {key.action: key.has_class("-disabled") for key in app.screen.query("FooterKey")}

        table = app.screen.query_one("#actions-table", DataTable)
        table.move_cursor(row=table.get_row_index(data["actions"]["overdue"].id))
        await settle(pilot)
        assert disabled()["mark_done"] is False and disabled()["reopen"] is True
        table.move_cursor(row=table.get_row_index(week.id))
        await settle(pilot)
        assert disabled()["mark_done"] is True and disabled()["reopen"] is False
        keys = list(app.screen.query("FooterKey"))
        app.screen.refresh_bindings()  # the same row: the same keys, not rebuilt
        await settle(pilot)
        assert list(app.screen.query("FooterKey")) == keys


async def test_drop_and_reopen(journal: Journal, data: dict[str, Any]) -> None:
    week = data["actions"]["week"]
    app = host(journal, lambda: ActionsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "x")
        await settle(pilot)
        assert reopen(journal).get(ActionItem, week.id).status is ActionStatus.DROPPED
        await pilot.press("s", "s")  # dropped
        assert set(table_keys(app)) == {data["actions"]["dropped"].id, week.id}
        table = app.screen.query_one("#actions-table", DataTable)
        table.move_cursor(row=table.get_row_index(week.id))
        await pilot.press("u")
        await settle(pilot)
    assert reopen(journal).get(ActionItem, week.id).status is ActionStatus.OPEN


async def test_add_action(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: ActionsScreen(data["priya"].id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, AddAction)
        await pilot.press(*"Ask Priya")
        app.screen.query_one("#capture-due", Input).focus()
        await pilot.press(*"soon", "enter")  # not a date: said so, nothing saved
        await settle(pilot)
        assert isinstance(app.screen, AddAction)
        assert "'soon' is not a date" in str(app.screen.query_one(".error").render())
        assert len(reopen(journal).actions(data["priya"].id)) == 1
        await pilot.press("ctrl+u", *"+7", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ActionsScreen)
        assert len(table_keys(app)) == 2
    latest = reopen(journal)
    try:
        added = [a for a in latest.actions(data["priya"].id) if a.text == "Ask Priya"]
        assert len(added) == 1 and added[0].due == date(2026, 3, 25) and added[0].owner.value == "me"
    finally:
        latest.close()


async def test_an_action_added_by_another_process_appears(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: ActionsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        other = reopen(journal)  # as the CLI would, in another process
        try:
            added = other.add_action(data["alex"].id, "Added from the command line", due=date(2026, 3, 19))
        finally:
            other.close()
        assert added.id not in table_keys(app)
        app.announce_outside_change()
        await settle(pilot)
        assert added.id in table_keys(app)


async def test_enter_opens_the_action_in_detail(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: ActionsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        shown = app.screen.query_one(RecordDetail).plain
        assert "Try the meeting-notes assistant" in shown and "overdue" in shown


async def test_wide_actions_show_the_highlighted_item_beside_the_table(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: ActionsScreen())
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        detail = app.screen.query_one("#actions-detail", RecordDetail)
        assert detail.display and detail.region.width > 0
        await pilot.press("down")
        await settle(pilot)
        assert "customer-feedback dashboard" in detail.plain


async def test_actions_empty_states(make_journal: Callable[..., Journal]) -> None:
    empty = make_journal()
    app = host(empty, lambda: ActionsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "No pairs yet" in str(app.screen.query_one("#actions-empty").render())
        await pilot.press("n", "d", "x")
        await settle(pilot)
        assert isinstance(app.screen, ActionsScreen)
    empty.add_pair("Alex", "mentee")
    app = host(empty, lambda: ActionsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "No action items yet. Press n" in str(app.screen.query_one("#actions-empty").render())


async def test_command_palette_offers_the_screen_actions(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: ActionsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"mark done")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AskText)


# -- reflections -----------------------------------------------------------------------


async def test_answer_is_saved_as_typed(journal: Journal, data: dict[str, Any]) -> None:
    before = {r.id for r in journal.all(Reflection)}
    app = host(journal, lambda: ReflectionsScreen(data["alex"].id, prompt_id="leader-04"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReflectionsScreen) and screen.mode == "write"
        assert "Name one thing I tried this week" in screen.query_one("#refl-prompt", Document).plain
        await pilot.press("I")
        await settle(pilot)
        first = reopen(journal)  # the first keystroke already made a record on disk
        try:
            created = [r for r in first.all(Reflection) if r.id not in before]
            assert [(r.text, r.prompt_id, r.pair_id) for r in created] == [("I", "leader-04", data["alex"].id)]
        finally:
            first.close()
        await pilot.press(*" did it.")
        await pilot.press("escape")  # leaving the answer writes what is pending
        await settle(pilot)
        assert screen.mode == "browse"
    latest = reopen(journal)
    try:
        created = [r for r in latest.all(Reflection) if r.id not in before]
        assert [r.text for r in created] == ["I did it."]
        assert "leader-04" not in {p.id for p in latest.prompts_waiting(data["alex"].id)}
    finally:
        latest.close()


async def test_typing_is_flushed_when_the_app_quits(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: ReflectionsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f", *"first")
        await settle(pilot)
        await pilot.press(*" and more")
        app.exit()
    texts = {r.text for r in reopen(journal).all(Reflection)}
    assert "first and more" in texts


async def test_enter_on_a_waiting_prompt_answers_it(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: ReflectionsScreen(data["alex"].id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        waiting = journal.prompts_waiting(data["alex"].id)[0]
        await pilot.press("enter", *"Answer.", "escape")
        await settle(pilot)
    answers = [r for r in reopen(journal).all(Reflection) if r.prompt_id == waiting.id]
    assert [(r.text, r.pair_id) for r in answers] == [("Answer.", data["alex"].id)]


async def test_add_custom_prompt(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: ReflectionsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, AddPrompt)
        await pilot.press(*"Which habit?", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReflectionsScreen)
        highlighted = screen.query_one("#refl-prompts", OptionList).highlighted_option
        assert highlighted is not None and highlighted.id is not None
        assert journal.prompt(highlighted.id.removeprefix("lib:")).text == "Which habit?"
    mine = [p for p in reopen(journal).all(Prompt) if p.text == "Which habit?"]
    assert len(mine) == 1 and mine[0].timing.value == "between"


async def test_history_lists_newest_first_and_reopens_an_answer(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: ReflectionsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        history = app.screen.query_one("#refl-history", OptionList)
        ids = [o.id for o in history.options]
        assert ids == [f"refl:{data['free'].id}", f"refl:{data['answer'].id}"]
        await pilot.press("down", "enter")
        await settle(pilot)
        editor = app.screen.query_one("#refl-editor", TextArea)
        assert editor.text.startswith("Probably yes.")
        await pilot.press(*" Noted.", "escape")
        await settle(pilot)
        assert app.screen.mode == "history"  # type: ignore[attr-defined]
    latest = reopen(journal)
    try:
        assert latest.get(Reflection, data["answer"].id).text.endswith("someone new. Noted.")
        assert len(latest.all(Reflection)) == 2
    finally:
        latest.close()


async def test_reflections_without_anything_yet(make_journal: Callable[..., Journal]) -> None:
    empty = make_journal()
    app = host(empty, lambda: ReflectionsScreen(prompt_id="no-such-prompt"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.mode == "browse"  # type: ignore[attr-defined]
        await pilot.press("h")
        await settle(pilot)
        assert "Nothing written yet" in str(app.screen.query_one("#refl-history-empty").render())


# -- search and detail ----------------------------------------------------------------


async def test_search_as_you_type_and_open_a_hit(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: SearchScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await pilot.press(*"joiner")
        await settle(pilot)
        results = app.screen.query_one("#search-results", OptionList)
        ids = [o.id for o in results.options]
        assert ids[0] == "hdr:session" and data["sessions"][1].id in ids
        assert "hdr:takeaway" in ids
        await pilot.press("down", "enter")
        await settle(pilot)
        detail = app.screen.query_one(RecordDetail)
        assert detail.display and not results.display  # narrow: the hit replaces the list
        assert "Talked about how the new joiners use chat instead of email." in detail.plain
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen) and results.display


async def test_search_hit_jumps_to_its_screen(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: SearchScreen("dashboard"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Enter in the input opens the first hit
        await settle(pilot)
        assert "Send the customer-feedback dashboard link" in app.screen.query_one(RecordDetail).plain
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, ActionsScreen)
        table = app.screen.query_one("#actions-table", DataTable)
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == data["actions"]["week"].id


async def test_search_reflection_hit_opens_it_for_editing(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: SearchScreen("laptop"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "g")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReflectionsScreen) and screen.mode == "write"
        assert screen.query_one("#refl-editor", TextArea).text.startswith("Felt rushed today")


async def test_search_with_no_hits_says_so(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: SearchScreen("zebra"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Nothing found for “zebra”" in str(app.screen.query_one("#search-status").render())
        await pilot.press("enter", "g")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)


async def test_search_sees_changes_from_another_process(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: SearchScreen("zebra"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        other = reopen(journal)
        try:
            other.add_takeaway(data["alex"].id, "Zebra crossings: slow down before deciding")
        finally:
            other.close()
        app.announce_outside_change()
        await settle(pilot)
        options = app.screen.query_one("#search-results", OptionList).options
        assert options[0].id == "hdr:takeaway" and len(options) == 2


async def test_session_detail_is_read_only_and_complete(journal: Journal, data: dict[str, Any]) -> None:
    app = host(journal, lambda: DetailScreen(data["sessions"][1].id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = app.screen.query_one(RecordDetail).plain
        assert "New joiners read chat first, email last  [partner]" in shown
        assert "Try the meeting-notes assistant" in shown
        await pilot.press("a", "g")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    assert journal.get(type(data["sessions"][1]), data["sessions"][1].id).notes.startswith("Talked about")


# -- layers ------------------------------------------------------------------------------


def test_screens_never_touch_storage_or_crypto() -> None:
    forbidden = {"sqlite3", "sqlite_utils", "cryptography", "pairjournal.vault"}
    folder = SRC / "pairjournal" / "tui" / "screens"
    mine = ["agreement.py", "actions.py", "reflections.py", "search.py", "detail.py", "common.py"]
    for name in mine:
        tree = ast.parse((folder / name).read_text(), filename=name)
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for imported in names:
                assert not any(imported == f or imported.startswith(f + ".") for f in forbidden), (name, imported)


def test_every_binding_has_an_id() -> None:
    classes: list[type] = [AgreementScreen, AgreementEditor, ActionsScreen, ReflectionsScreen, SearchScreen,
                           DetailScreen, AddAction, AddPrompt, AskText, Confirm]
    for cls in classes:
        for klass in cls.__mro__:
            if klass.__module__.startswith("pairjournal"):
                for binding in klass.__dict__.get("BINDINGS", ()):
                    assert binding.id, (cls.__name__, binding.key)


async def test_drafts_are_kept_when_the_app_locks(journal: Journal, data: dict[str, Any]) -> None:
    """The app calls save_draft() and flush_pending() on every screen before it locks."""
    alex = data["alex"]
    app = host(journal, lambda: AgreementScreen(alex.id))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#f-scope", TextArea).focus()
        await pilot.press(*" More.")
        notice = app.screen.save_draft()  # type: ignore[attr-defined]
        assert notice == "Your agreement draft was saved as version 3."
        app.screen.flush_pending()  # type: ignore[attr-defined]
    current = reopen(journal).agreement(alex.id)
    assert current is not None and current.version == 3 and current.scope.startswith("More.Digital tools")

    app = host(journal, lambda: ActionsScreen())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", *"Half typed")
        assert app.screen.save_draft() == "The action item you were writing was saved."  # type: ignore[attr-defined]
    assert any(a.text == "Half typed" for a in reopen(journal).actions())
