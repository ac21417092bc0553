"""The lifecycle in the interface: history, archive, pausing and ending, editing and deleting, agenda, progress.

Real journals in tmp folders (cheap but real key derivation), the real app through Pilot.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pairjournal.journal import Journal
from pairjournal.model import Objective, Pair, PairStatus
from pairjournal.tui.screens.home import PairCard
from tui_support import PASSPHRASE, TODAY, enter_text, make_app, screen_text, unlock, wait_for, wait_for_screen


def seed(journal: Journal) -> Pair:
    pair = journal.add_pair("Ana Ruiz", "mentee", cadence="biweekly", minutes=30, start=TODAY - timedelta(days=40))
    journal.add_session(pair.id, on=TODAY - timedelta(days=20), minutes=30, notes="# Heading\n\nWe talked.")
    return pair


async def test_adding_a_pair_from_home_leaves_the_keys_working(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    seed(journal)
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("n")
        await wait_for_screen(pilot, "AddPairScreen")
        await enter_text(pilot, "#pair-name", "Chen Li")
        await wait_for_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: "Chen Li" in screen_text(app), "the new card")
        await pilot.pause()
        focused = app.focused
        assert isinstance(focused, PairCard) and focused.is_attached and focused.pair.name == "Chen Li"
        assert app.screen.active_bindings, "the footer lost its keys"
        await pilot.press("o")
        await wait_for_screen(pilot, "ActionsScreen")


# -- a pair's whole life from home: agenda, pause, end, archive -------------------------------------------


async def test_agenda_from_home_is_what_the_next_session_starts_with(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    pair = seed(journal)
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("t")
        await wait_for_screen(pilot, "AskText")
        await enter_text(pilot, "#ask-text", "The rollout plan")
        await wait_for_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: "› The rollout plan" in screen_text(app), "the agenda on the card")
        with Journal.open(journal_path, PASSPHRASE) as disk:
            assert [a.text for a in disk.agenda_for(pair.id)] == ["The rollout plan"]
        await pilot.press("s")
        await wait_for_screen(pilot, "SessionScreen")
        session = app.screen.session
        assert session is not None and [a.text for a in session.agenda] == ["The rollout plan"]


async def test_pausing_and_resuming_from_the_pair_menu(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    pair = seed(journal)
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("p")
        await wait_for_screen(pilot, "PairMenu")
        await pilot.press("r")  # not offered while active: nothing happens
        assert type(app.screen).__name__ == "PairMenu"
        await pilot.press("p")
        await wait_for_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: f"Paused since {TODAY.isoformat()}" in screen_text(app), "paused card")
        assert "Next session" not in screen_text(app)
        with Journal.open(journal_path, PASSPHRASE) as disk:
            assert disk.get(Pair, pair.id).status is PairStatus.PAUSED
        await pilot.press("p", "r")
        await wait_for_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: "Paused since" not in screen_text(app), "resumed card")
    with Journal.open(journal_path, PASSPHRASE) as disk:
        assert disk.get(Pair, pair.id).status is PairStatus.ACTIVE


async def test_ending_a_pair_archives_it_and_offers_a_closing_prompt(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    pair = seed(journal)
    journal.add_pair("Chen Li", "mentor")
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: isinstance(app.focused, PairCard) and app.focused.pair.name == "Ana Ruiz",
                       "Ana's card focused")
        await pilot.press("p", "x")
        await wait_for_screen(pilot, "ConfirmDialog")
        assert "closing prompt" in screen_text(app)
        await pilot.press("y")
        await wait_for_screen(pilot, "ReflectionsScreen")  # the closing prompt, ready to answer
        assert app.screen.mode == "write"
        await pilot.press("escape", "escape")
        await wait_for_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: "Ana Ruiz" not in screen_text(app), "Ana off home")
        await pilot.press("v")
        await wait_for_screen(pilot, "ArchiveScreen")
        assert "Ana Ruiz" in screen_text(app) and "Chen Li" not in screen_text(app)
        await pilot.press("enter")
        await wait_for_screen(pilot, "HistoryScreen")
        assert "read-only" in screen_text(app)
        notes_before = app.screen.current().notes
        await pilot.press("e")  # archived: editing is not offered
        await pilot.pause()
        assert type(app.screen).__name__ == "HistoryScreen"
    with Journal.open(journal_path, PASSPHRASE) as disk:
        ended = disk.get(Pair, pair.id)
        assert ended.status is PairStatus.ENDED and ended.ended_on == TODAY
        assert [s.notes for s in disk.sessions(pair.id)] == [notes_before]  # every record kept


async def test_editing_and_deleting_a_pair_from_the_menu(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    pair = seed(journal)
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("p", "e")
        await wait_for_screen(pilot, "PairEditDialog")
        await enter_text(pilot, "#edit-name", "Ana R. Ruiz", submit=False)
        await pilot.press("ctrl+o")  # cadence: biweekly -> monthly
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: "Ana R. Ruiz" in screen_text(app), "the new name")
        with Journal.open(journal_path, PASSPHRASE) as disk:
            edited = disk.get(Pair, pair.id)
            assert (edited.name, edited.cadence.value) == ("Ana R. Ruiz", "monthly")
        await pilot.press("p", "delete")
        await wait_for_screen(pilot, "AskText")
        await enter_text(pilot, "#ask-text", "someone else")  # the wrong name deletes nothing
        await wait_for_screen(pilot, "HomeScreen")
        assert "did not match" in " ".join(n.message for n in app._notifications)
        await pilot.press("p", "delete")
        await wait_for_screen(pilot, "AskText")
        await enter_text(pilot, "#ask-text", "ana r. ruiz")
        await wait_for_screen(pilot, "HomeScreen")
        await wait_for(pilot, lambda: "No pairs yet" in screen_text(app), "the empty home")
    with Journal.open(journal_path, PASSPHRASE) as disk:
        assert disk.pairs() == [] and disk.sessions() == []


# -- the live session --------------------------------------------------------------------------------------


async def test_resuming_a_session_puts_the_cursor_after_what_was_written(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    pair = seed(journal)
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("s")
        await wait_for_screen(pilot, "SessionScreen")
        await pilot.press("ctrl+n", *"first line")
        await pilot.press("escape")
        await wait_for_screen(pilot, "HomeScreen")
        await pilot.press("s")
        await wait_for_screen(pilot, "SessionScreen")
        await pilot.press(*" then more")
        await pilot.press("ctrl+home", *"> ")
        await pilot.press("ctrl+end", *"!")
        await pilot.press("escape")
        await wait_for_screen(pilot, "HomeScreen")
    with Journal.open(journal_path, PASSPHRASE) as disk:
        (live,) = [s for s in disk.sessions(pair.id) if s.live]
        assert live.notes == "> first line then more!"


async def test_the_agenda_key_with_an_empty_agenda_goes_to_adding_one(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    pair = journal.add_pair("Ana Ruiz", "mentee")  # no open actions: the agenda starts empty
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("s")
        await wait_for_screen(pilot, "SessionScreen")
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "agenda-new"
        await pilot.press(*"Budget", "enter")
        await pilot.pause()
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "agenda"
        await pilot.press("escape")
    with Journal.open(journal_path, PASSPHRASE) as disk:
        (live,) = [s for s in disk.sessions(pair.id) if s.live]
        assert [a.text for a in live.agenda] == ["Budget"]


async def test_at_80x24_the_latest_captures_are_in_sight(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    seed(journal)
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("s")
        await wait_for_screen(pilot, "SessionScreen")
        for text in ("first takeaway", "second takeaway", "third takeaway"):
            await pilot.press("ctrl+t")
            await wait_for_screen(pilot, "TakeawayDialog")
            await enter_text(pilot, "#capture-text", text)
            await wait_for_screen(pilot, "SessionScreen")
        strip = app.screen.query_one("#captured-strip")
        assert strip.display and strip.region.bottom <= 24  # on screen, no scrolling
        shown = strip.content.plain
        assert "Takeaways (3)" in shown and "third takeaway" in shown and "second takeaway" in shown
        assert "first takeaway" not in shown


async def test_progress_during_a_session_marks_the_objective_touched(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    pair = seed(journal)
    journal.new_agreement_version(pair.id, objectives=[Objective(outcome="Run a meeting with a live doc", id="o1"),
                                                       Objective(outcome="Set up two-factor sign-in", id="o2")])
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("s")
        await wait_for_screen(pilot, "SessionScreen")
        await pilot.press("ctrl+r")
        await wait_for_screen(pilot, "ProgressDialog")
        await pilot.press("ctrl+o")  # the second objective
        await enter_text(pilot, "#capture-text", "Enabled on two of five accounts")
        await wait_for_screen(pilot, "SessionScreen")
        await pilot.press("escape")
    with Journal.open(journal_path, PASSPHRASE) as disk:
        (live,) = [s for s in disk.sessions(pair.id) if s.live]
        assert live.objective_ids == ["o2"]
        (entry,) = disk.progress(pair.id)
        assert (entry.objective_id, entry.level.value, entry.evidence) == ("o2", "progressing",
                                                                          "Enabled on two of five accounts")


async def test_a_session_started_by_mistake_is_discarded_without_trace(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    pair = seed(journal)
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("s")
        await wait_for_screen(pilot, "SessionScreen")
        await pilot.press("ctrl+t")
        await wait_for_screen(pilot, "TakeawayDialog")
        await enter_text(pilot, "#capture-text", "oops")
        await wait_for_screen(pilot, "SessionScreen")
        await pilot.press("f8")
        await wait_for_screen(pilot, "ConfirmDialog")
        await pilot.press("y")
        await wait_for_screen(pilot, "HomeScreen")
        assert "Session in progress" not in screen_text(app)
    with Journal.open(journal_path, PASSPHRASE) as disk:
        assert len(disk.sessions(pair.id)) == 1  # only the one held before
        assert [t.text for t in disk.takeaways(pair.id)] == []
        assert disk.search("oops") == []
