"""The live session: saved as typed, captures with every share scope, the timer, the end and the summary.

Every check of "saved" reopens the journal file from disk with a second Journal object.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from textual.widgets import SelectionList

from pairjournal.journal import Journal
from pairjournal.model import Pair
from pairjournal.tui.widgets.timer import timer_state
from tui_support import (
    PASSPHRASE,
    TODAY,
    FakeClock,
    enter_text,
    make_app,
    screen_text,
    unlock,
    wait_for,
    wait_for_screen,
)


def seed(journal: Journal) -> Pair:
    pair = journal.add_pair("Ana Ruiz", "mentee", cadence="biweekly", minutes=30, start=TODAY - timedelta(days=30))
    journal.add_action(pair.id, "Try a prompt-writing hour", owner="me", due=TODAY + timedelta(days=2))
    return pair


def from_disk(path: Path, pair_id: str):  # type: ignore[no-untyped-def]
    """The live (or last) session as stored, with what it captured."""
    with Journal.open(path, PASSPHRASE) as disk:
        sessions = disk.sessions(pair_id)
        session = sessions[-1]
        takeaways = disk.takeaways(pair_id, session_id=session.id)
        actions = [a for a in disk.actions(pair_id) if a.session_id == session.id]
        return session, takeaways, actions


async def start(pilot, journal_path: Path) -> None:  # type: ignore[no-untyped-def]
    await unlock(pilot)
    await pilot.press("s")
    await wait_for_screen(pilot, "SessionScreen")


async def test_notes_and_check_in_are_saved_as_typed(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    pair = seed(journal)
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot, journal_path)
        text = screen_text(app)
        assert "Session with Ana Ruiz" in text
        assert "0:00 of 30:00" in text
        agenda = app.screen.query_one("#agenda", SelectionList)
        assert [str(o.prompt) for o in agenda.options] == ["Follow up: Try a prompt-writing hour"]

        await pilot.press("3")  # mood: the picker has focus when a session starts
        await pilot.press("tab", *"keen")
        await pilot.press("ctrl+n", *"# Pilots", "enter", *"- owner")
        # Saved within the throttle, without leaving the screen or quitting.
        await wait_for(pilot, lambda: from_disk(journal_path, pair.id)[0].notes == "# Pilots\n- owner",
                       "the notes on disk")
        session, _, _ = from_disk(journal_path, pair.id)
        assert session.live and session.checkin_mood == "steady" and session.checkin_note == "keen"
        assert "saved" in screen_text(app)

        await pilot.press("ctrl+g", "space")  # tick the first agenda item
        await enter_text(pilot, "#agenda-new", "Plan the demo")
        await wait_for(pilot, lambda: len(from_disk(journal_path, pair.id)[0].agenda) == 2, "the agenda")
        agenda_on_disk = from_disk(journal_path, pair.id)[0].agenda
        assert [(i.text, i.done) for i in agenda_on_disk] == [
            ("Follow up: Try a prompt-writing hour", True),
            ("Plan the demo", False),
        ]


async def test_takeaways_with_each_share_scope_and_an_action(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    pair = seed(journal)
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(150, 40)) as pilot:  # wide: the column of everything captured
        await start(pilot, journal_path)

        async def takeaway(text: str, cycles: int, consent: bool = False, wording: str = "") -> None:
            await pilot.press("ctrl+t")
            await wait_for_screen(pilot, "TakeawayDialog")
            assert "private" in screen_text(app)  # the scope is always on screen
            await enter_text(pilot, "#capture-text", text, submit=False)
            for _ in range(cycles):
                await pilot.press("ctrl+r")
            if cycles == 2:
                assert "Pending partner consent" in screen_text(app)
            if consent:
                await pilot.press("ctrl+g")
                assert "Partner consent recorded" in screen_text(app)
            if wording:
                await enter_text(pilot, "#capture-coord-text", wording, submit=False)
            await pilot.press("enter")
            await wait_for_screen(pilot, "SessionScreen")

        await takeaway("Kept to myself", 0)
        await takeaway("Worth telling Ana", 1)
        await takeaway("For the program, no consent yet", 2)
        await takeaway("For the program, agreed", 2, consent=True, wording="Video updates help the team")
        await takeaway("Round the loop back to private", 3)

        await pilot.press("ctrl+o")
        await wait_for_screen(pilot, "ActionDialog")
        await enter_text(pilot, "#capture-text", "Send the checklist", submit=False)
        await pilot.press("ctrl+o")  # owner: partner
        await enter_text(pilot, "#capture-due", "next fortnight")
        assert "is not a date" in screen_text(app)
        assert type(app.screen).__name__ == "ActionDialog"
        await enter_text(pilot, "#capture-due", "2026-03-17")
        await wait_for_screen(pilot, "SessionScreen")

        text = screen_text(app)
        assert "Kept to myself  [private]" in text
        assert "For the program, no consent yet  [coordinator, waiting for your partner]" in text
        assert "Send the checklist  [partner, due 2026-03-17; private]" in text

    session, takeaways, actions = from_disk(journal_path, pair.id)
    scopes = {t.text: (t.scope.value, t.partner_consent, t.coordinator_text) for t in takeaways}
    assert scopes["Kept to myself"] == ("private", None, "")
    assert scopes["Worth telling Ana"] == ("partner", None, "")
    assert scopes["For the program, no consent yet"] == ("coordinator", None, "")
    scope, consent, wording = scopes["For the program, agreed"]
    assert scope == "coordinator" and consent is not None and consent.given_on == TODAY
    assert wording == "Video updates help the team"
    assert scopes["Round the loop back to private"][0] == "private"
    (action,) = actions
    assert (action.text, action.owner.value, action.due) == ("Send the checklist", "partner", date(2026, 3, 17))
    assert session.live


async def test_end_session_shows_a_summary_and_offers_a_reflection(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    pair = seed(journal)
    journal.add_agenda(pair.id, "A topic left for next time")
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await start(pilot, journal_path)
        await pilot.press("ctrl+t")
        await wait_for_screen(pilot, "TakeawayDialog")
        await enter_text(pilot, "#capture-text", "Listen before proposing")
        await wait_for_screen(pilot, "SessionScreen")
        await pilot.press("ctrl+o")
        await wait_for_screen(pilot, "ActionDialog")
        await enter_text(pilot, "#capture-text", "Book the follow-up")
        await wait_for_screen(pilot, "SessionScreen")

        await pilot.press("ctrl+f")
        await wait_for_screen(pilot, "ConfirmDialog")
        await pilot.press("n")  # keep going
        await wait_for_screen(pilot, "SessionScreen")
        assert from_disk(journal_path, pair.id)[0].live

        await pilot.press("ctrl+f")
        await wait_for_screen(pilot, "ConfirmDialog")
        await pilot.press("y")
        await wait_for_screen(pilot, "SessionSummaryScreen")
        text = screen_text(app)
        assert "Session with Ana Ruiz ended" in text
        assert "min of 30 planned" in text
        # The follow-up comes back while its action is open; the topic waits on the next agenda.
        assert "Agenda: 0 of 2 items covered  ·  1 not covered wait on the next agenda" in text
        assert "Listen before proposing  [private]" in text
        assert "Book the follow-up  [me; private]" in text
        assert "Press r to answer it privately" in text
        prompt_id = app.screen.prompt_id
        assert prompt_id is not None

        session, _, _ = from_disk(journal_path, pair.id)
        assert not session.live and session.ended_at is not None and session.actual_minutes is not None

        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        if type(screen).__name__ == "ReflectionsScreen":
            assert getattr(screen, "pair_id", pair.id) == pair.id
        else:  # the reflections screen is another module's; without it, a notice and home
            assert type(screen).__name__ == "HomeScreen"


async def test_a_session_resumes_after_quitting(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    pair = seed(journal)
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot, journal_path)
        await pilot.press("ctrl+n", *"first part")
        await pilot.press("ctrl+q")
    first, _, _ = from_disk(journal_path, pair.id)

    again = make_app(journal_path)
    async with again.run_test(size=(100, 30)) as pilot:
        await unlock(pilot)
        assert "Session in progress" in screen_text(again)
        await pilot.press("s")
        await wait_for_screen(pilot, "SessionScreen")
        assert again.screen.session.id == first.id
        assert "first part" in screen_text(again)
        assert any("Resumed" in n.message for n in again._notifications)
        await pilot.press("ctrl+n", "end", *" and more")
        await pilot.press("escape")  # home: the session keeps running
        await wait_for_screen(pilot, "HomeScreen")
    session, _, _ = from_disk(journal_path, pair.id)
    assert session.id == first.id and session.live and session.notes == "first part and more"


async def test_a_session_of_another_pair_interrupted_by_quitting_is_offered_on_reopening(
    make_journal, journal_path: Path
) -> None:
    journal = make_journal()
    seed(journal)
    second = journal.add_pair("Zoe Park", "mentor", cadence="weekly", minutes=30, start=TODAY - timedelta(days=30))
    live = journal.start_session(second.id)
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        assert app.selected_pair_id == second.id
        assert any("session with Zoe Park is still in progress" in n.message for n in app._notifications)
        await pilot.press("s")
        await wait_for_screen(pilot, "SessionScreen")
        assert app.screen.session.id == live.id


async def test_the_timer_warns_near_the_end_and_when_over(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    seed(journal)
    journal.close()
    clock = FakeClock()
    app = make_app(journal_path, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot, journal_path)
        timer = app.screen.query_one("#timer")
        clock.advance(26 * 60)
        app.note_activity()  # typing all along: this test is about the timer, not auto-lock
        app.screen.update_timer()
        await pilot.pause()
        assert timer.has_class("-ending") and "4:00 left: time to wrap up" in screen_text(app)
        clock.advance(6 * 60)
        app.note_activity()
        app.screen.update_timer()
        await pilot.pause()
        assert timer.has_class("-over") and "over by 2:00" in screen_text(app)
        # Laid out again when its text's length changes (and only then): the whole text fits.
        for _ in range(3):
            clock.advance(9 * 60)
            app.note_activity()
            app.screen.update_timer()
            await pilot.pause()
            assert timer.region.width == len(str(timer.render())) + 2  # its padding, one each side


def test_timer_text() -> None:
    assert timer_state(0, 30) == ("0:00 of 30:00 · 30:00 left", "ok")
    assert timer_state(25 * 60, 30)[1] == "ending"
    assert timer_state(30 * 60 + 5, 30) == ("30:05 of 30:00 · over by 0:05", "over")
    assert timer_state(3 * 3600, 30)[0].startswith("3:00:00 of 30:00")


async def test_check_in_note_input_is_not_lost_on_escape(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    pair = seed(journal)
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(pilot, journal_path)
        await pilot.press("f2", "tab", *"calm")
        await pilot.press("escape")
        await wait_for_screen(pilot, "HomeScreen")
    session, _, _ = from_disk(journal_path, pair.id)
    assert session.checkin_note == "calm"


async def test_the_notes_are_never_narrower_than_at_80_columns(make_journal, journal_path: Path) -> None:
    # At 120 columns three columns once left the notes 24 (a row every four words).
    journal = make_journal()
    seed(journal)
    journal.close()
    app = make_app(journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, journal_path)
        notes = app.screen.query_one("#notes")
        at_80 = notes.scrollable_content_region.width
        widths = {}
        for columns in [90, 100, 120, 130, 139, 140, 150, 160, 200]:
            await pilot.resize_terminal(columns, 40)
            await pilot.pause()
            widths[columns] = notes.scrollable_content_region.width
            assert widths[columns] >= at_80, widths
        assert app.screen.has_class("-wide")  # at 200: the captured list beside the notes
        assert "Takeaways (0)" in screen_text(app)
