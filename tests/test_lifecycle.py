"""A journal kept for years: every record correctable, pairs that pause, end and stay on record."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pairjournal.errors import NotFound, UsageError
from pairjournal.journal import Journal
from pairjournal.journal.outbound import ConsentStatus, progress_level
from pairjournal.model import (
    ActionItem,
    ActionStatus,
    Disclosure,
    Objective,
    ObjectiveProgress,
    PairStatus,
    ProgressLevel,
    PromptCategory,
    PromptTiming,
    Reflection,
    Role,
    Session,
    Takeaway,
)
from pairjournal.sharing import consent, export
from sharing_world import END, NOW, START, build, reconsent

PASSPHRASE = "correct horse battery staple"
TODAY = date(2026, 3, 18)


def _ids_on_disk(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM records")}


# -- edit and delete -----------------------------------------------------------------------------


def test_a_deleted_takeaway_leaves_the_file_the_index_and_home(journal: Journal) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee")
    session = journal.add_session(pair.id, on=TODAY - timedelta(days=3))
    gone = journal.add_takeaway(pair.id, "remove me zebracorn", session_id=session.id)
    kept = journal.add_takeaway(pair.id, "keep me", session_id=session.id)
    assert [h.id for h in journal.search("zebracorn")] == [gone.id]
    assert [t.id for t in journal.home(TODAY).pairs[0].last_takeaways] == [gone.id, kept.id]
    journal.delete_item(gone.id)
    assert journal.search("zebracorn") == []
    assert [t.id for t in journal.home(TODAY).pairs[0].last_takeaways] == [kept.id]
    assert journal.find(gone.id) is None
    assert gone.id not in _ids_on_disk(journal.path)
    with pytest.raises(NotFound):
        journal.delete_item(gone.id)


def test_every_kind_a_person_writes_can_be_corrected(journal: Journal) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee")
    journal.edit_pair(pair.id, name="Ana Ruiz-Lopez", coordinator="Dana", minutes=45, program="Cohort 4")
    assert (journal.get(type(pair), pair.id).name, journal.minutes_of(pair.id)) == ("Ana Ruiz-Lopez", 45)
    takeaway = journal.add_takeaway(pair.id, "first words")
    assert journal.edit_takeaway(takeaway.id, "better words").text == "better words"
    action = journal.add_action(pair.id, "try it")
    edited = journal.edit_action(action.id, text="try it twice", owner="both", due=TODAY, status="done",
                                 evidence="did it")
    assert (edited.owner.value, edited.status, edited.completed_on is not None) == ("both", ActionStatus.DONE, True)
    assert journal.reopen_action(action.id).status is ActionStatus.OPEN
    reflection = journal.add_reflection("a thought")
    assert journal.edit_reflection(reflection.id, text="a clearer thought", tags=["x"]).tags == ["x"]
    own = journal.add_prompt("What did I learn?")
    assert journal.edit_prompt(own.id, text="What did I learn today?", timing="after").timing is PromptTiming.AFTER
    session = journal.add_session(pair.id, on=TODAY, minutes=30, notes="draft")
    fixed = journal.edit_session(session.id, notes="final notes", date=TODAY - timedelta(days=1), actual_minutes=35,
                                 checkin_mood="curious")
    assert (fixed.notes, fixed.date, fixed.actual_minutes, fixed.checkin_mood) == (
        "final notes", TODAY - timedelta(days=1), 35, "curious")
    with Journal.open(journal.path, PASSPHRASE) as again:
        assert again.get(Session, session.id).notes == "final notes"
        assert again.get(Reflection, reflection.id).text == "a clearer thought"


def test_built_in_prompts_are_not_mine_to_change(journal: Journal) -> None:
    with pytest.raises(UsageError, match="built-in"):
        journal.edit_prompt("leader-01", text="mine now")
    with pytest.raises(UsageError, match="built-in"):
        journal.delete_prompt("leader-01")


def test_editing_a_shared_item_makes_it_pending_again(journal: Journal) -> None:
    world = build(journal)
    journal.edit_takeaway(world.shared_takeaway.id, "SECRET-REWRITTEN")
    journal.edit_action(world.shared_action.id, due=date(2025, 2, 20))
    for item in (world.shared_takeaway, world.shared_action):
        assert consent.status(journal, journal.find(item.id)) is ConsentStatus.CHANGED  # type: ignore[arg-type]
    text = export.prepare(journal, world.pair, START, END, "md", generated=NOW).text
    assert "SECRET-REWRITTEN" not in text and "SHARED-ACTION" not in text


def test_an_exported_item_deleted_since_keeps_its_log_entry(journal: Journal, tmp_path: Path,
                                                           cli: Callable[..., object]) -> None:
    world = build(journal)
    export.commit(journal, export.prepare(journal, world.pair, START, END, "md", generated=NOW), tmp_path / "a.md")
    journal.delete_item(world.shared_takeaway.id)
    (entry,) = journal.all(Disclosure)
    assert world.shared_takeaway.id in {i.id for i in entry.items}
    journal.close()
    listed = cli("disclosures")
    assert "1 deleted since" in listed.stdout  # type: ignore[attr-defined]
    shown = cli("disclosures", "show", "1")
    assert "deleted since; this is what left" in shown.stdout  # type: ignore[attr-defined]
    assert "SHARED-TAKEAWAY" in shown.stdout  # type: ignore[attr-defined]


# -- sessions -----------------------------------------------------------------------------------------


def test_a_discarded_session_leaves_no_trace_and_never_counts(journal: Journal) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee", start=date(2026, 1, 1))
    live = journal.start_session(pair.id, at=datetime(2026, 3, 18, 9, 0, tzinfo=UTC))
    captured = journal.add_takeaway(pair.id, "said by mistake", session_id=live.id)
    action = journal.add_action(pair.id, "by mistake", session_id=live.id)
    journal.discard_session(live.id)
    for record_id in (live.id, captured.id, action.id):
        assert journal.find(record_id) is None and record_id not in _ids_on_disk(journal.path)
    assert journal.live_session(pair.id) is None
    assert journal.stats(pair.id, TODAY).sessions_this_quarter == 0
    ended = journal.add_session(pair.id, on=TODAY, minutes=30)
    with pytest.raises(UsageError, match="still running"):
        journal.discard_session(ended.id)


def test_deleting_a_session_keeps_what_it_captured(journal: Journal) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee")
    session = journal.add_session(pair.id, on=TODAY)
    takeaway = journal.add_takeaway(pair.id, "still worth keeping", session_id=session.id)
    journal.delete_session(session.id)
    assert journal.find(session.id) is None
    assert journal.get(Takeaway, takeaway.id).session_id is None


def test_the_session_history_says_what_each_session_held(journal: Journal) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee", minutes=30)
    first = journal.add_session(pair.id, on=date(2026, 3, 2), minutes=28)
    second = journal.add_session(pair.id, on=date(2026, 3, 16), minutes=40)
    journal.add_takeaway(pair.id, "one", session_id=second.id)
    journal.add_takeaway(pair.id, "two", session_id=second.id)
    journal.add_action(pair.id, "act", session_id=first.id)
    lines = journal.session_history(pair.id)
    assert [(line.session.id, line.takeaways, line.actions) for line in lines] == [(second.id, 2, 0), (first.id, 0, 1)]
    assert lines[0].length_text == "40 of 30 min"


# -- the agreement drives the pair ----------------------------------------------------------------


def test_the_agreements_rhythm_is_the_one_that_counts(journal: Journal) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee", cadence="monthly", minutes=30, start=date(2026, 1, 1))
    assert (journal.cadence_of(pair.id).value, journal.minutes_of(pair.id)) == ("monthly", 30)
    journal.new_agreement_version(pair.id, cadence="weekly", minutes=45)
    assert (journal.cadence_of(pair.id).value, journal.minutes_of(pair.id)) == ("weekly", 45)
    assert journal.stats(pair.id, TODAY).expected_this_quarter == 11  # weekly, 1 Jan to 18 Mar
    home = journal.home(TODAY).pairs[0]
    assert (home.cadence, home.minutes, home.agreement_acknowledged) == (journal.cadence_of(pair.id), 45, False)
    live = journal.start_session(pair.id, at=datetime(2026, 3, 18, 9, 0, tzinfo=UTC))
    assert live.planned_minutes == 45
    last = journal.add_session(pair.id, on=date(2026, 3, 10), minutes=40)
    assert journal.next_session_due(pair.id) == last.date + timedelta(days=7)


def test_a_new_version_needs_both_acknowledgements_again(journal: Journal) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee")
    first = journal.new_agreement_version(pair.id, objectives=[Objective(outcome="run a meeting")])
    journal.acknowledge(first, me=TODAY, partner=TODAY)
    assert journal.home(TODAY).pairs[0].agreement_acknowledged is True
    second = journal.new_agreement_version(pair.id, scope="tools only")
    assert (second.my_ack, second.partner_ack) == (None, None)
    assert journal.home(TODAY).pairs[0].agreement_acknowledged is False


# -- progress on an objective ------------------------------------------------------------------------


def test_progress_is_rated_on_the_stated_scale_and_keeps_a_trail(journal: Journal) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee")
    version = journal.new_agreement_version(pair.id, objectives=[Objective(outcome="run a hybrid meeting")])
    objective = journal.objective_by_number(pair.id, 1)
    assert objective.id == version.objectives[0].id
    journal.add_progress(pair.id, objective.id, level="emerging", evidence="tried once", on=date(2026, 2, 1))
    journal.add_progress(pair.id, objective.id, level=ProgressLevel.ACHIEVED, evidence="ran two", on=date(2026, 3, 1))
    assert [progress_level(p) for p in journal.progress_of(objective.id)] == [
        ProgressLevel.EMERGING, ProgressLevel.ACHIEVED]
    with pytest.raises(UsageError, match="not a progress rating"):
        journal.add_progress(pair.id, objective.id, level="great")
    with pytest.raises(UsageError, match="no objective 2"):
        journal.objective_by_number(pair.id, 2)
    with pytest.raises(UsageError, match="current agreement"):
        journal.add_progress(pair.id, "deadbeef", level="emerging")


def test_an_old_one_to_five_rating_reads_onto_the_scale() -> None:
    levels = [progress_level(ObjectiveProgress(pair_id="p", objective_id="o", rating=r)) for r in range(1, 6)]
    assert levels == [ProgressLevel.NOT_STARTED, ProgressLevel.EMERGING, ProgressLevel.PROGRESSING,
                      ProgressLevel.ACHIEVED, ProgressLevel.ACHIEVED]


def test_shared_progress_leaves_with_its_level(journal: Journal) -> None:
    world = build(journal)
    entry = journal.find(world.shared_progress.id)
    assert isinstance(entry, ObjectiveProgress)
    journal.edit_progress(entry.id, level="progressing")
    reconsent(journal, entry.id)
    text = export.prepare(journal, world.pair, START, END, "md", generated=NOW).text
    assert "2025-02-03, progressing: SHARED-PROGRESS" in text


# -- rotation ---------------------------------------------------------------------------------------------


def test_a_pause_is_not_counted_as_missed_sessions(journal: Journal) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee", cadence="weekly", start=date(2026, 1, 1))
    journal.pause_pair(pair.id, on=date(2026, 2, 1))
    assert journal.next_session_due(pair.id) is None
    assert journal.home(TODAY).pairs[0].paused
    journal.resume_pair(pair.id, on=date(2026, 3, 1))
    # 1 Jan to 18 Mar is 11 weeks; the pause (1 Feb to 1 Mar) held 4 of them.
    assert journal.stats(pair.id, TODAY).expected_this_quarter == 7
    with pytest.raises(UsageError, match="not paused"):
        journal.resume_pair(pair.id)


def test_an_ended_pair_is_archived_read_only_and_still_exports(journal: Journal) -> None:
    world = build(journal)
    journal.end_pair(world.pair.id, on=date(2025, 6, 1))
    assert journal.get(type(world.pair), world.pair.id).status is PairStatus.ENDED
    assert journal.home(date(2025, 6, 2)).pairs == []
    assert world.pair in journal.pairs(include_ended=True) and world.pair not in journal.pairs(include_ended=False)
    for write in (
        lambda: journal.add_takeaway(world.pair.id, "too late"),
        lambda: journal.add_session(world.pair.id),
        lambda: journal.edit_takeaway(world.shared_takeaway.id, "too late"),
        lambda: journal.new_agreement_version(world.pair.id, scope="x"),
        lambda: journal.add_agenda(world.pair.id, "x"),
    ):
        with pytest.raises(UsageError, match="ended"):
            write()
    payload = export.prepare(journal, world.pair, START, END, "json", generated=NOW).text
    assert "SHARED-TAKEAWAY" in payload
    # Sessions expected stop at the end: biweekly from 6 Jan to 1 Jun is 146 days, 10 fortnights.
    import json

    assert json.loads(payload)["payload"]["sessions"]["expected"] == 11


def test_deleting_a_pair_takes_its_records_and_keeps_the_log(journal: Journal, tmp_path: Path) -> None:
    world = build(journal)
    export.commit(journal, export.prepare(journal, world.pair, START, END, "md", generated=NOW), tmp_path / "a.md")
    gone = journal.delete_pair(world.pair.id)
    assert gone["session"] == 4 and gone["takeaway"] == 5
    assert journal.pairs() == [] and journal.all(Takeaway) == [] and journal.all(ActionItem) == []
    assert len(journal.all(Disclosure)) == 1


# -- between sessions ---------------------------------------------------------------------------------------


def test_the_next_agenda_opens_the_live_session(journal: Journal) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee")
    journal.add_agenda(pair.id, "Ask about the dashboard")
    journal.add_action(pair.id, "send the checklist")
    live = journal.start_session(pair.id)
    assert [a.text for a in live.agenda] == ["Ask about the dashboard", "Follow up: send the checklist"]
    assert journal.agenda_for(pair.id) == []
    with pytest.raises(UsageError, match="needs some text"):
        journal.add_agenda(pair.id, "  ")


def test_topics_a_session_did_not_cover_wait_on_the_next_agenda(journal: Journal, journal_path: Path) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee")
    for topic in ("COVERED topic", "SKIPPED topic", "ANOTHER skipped"):
        journal.add_agenda(pair.id, topic)
    journal.add_action(pair.id, "send the checklist")  # a follow-up: made again while the action is open
    live = journal.start_session(pair.id)
    live.agenda[0].done = True
    journal.save(live)
    journal.add_agenda(pair.id, "ANOTHER skipped")  # already waiting for next time: not twice
    ended = journal.end_session(live)
    assert journal.carried_over(ended) == 2
    journal.close()
    with Journal.open(journal_path, PASSPHRASE) as reopened:
        assert [a.text for a in reopened.agenda_for(pair.id)] == ["SKIPPED topic", "ANOTHER skipped"]
        again = reopened.start_session(pair.id)
        assert [a.text for a in again.agenda] == ["SKIPPED topic", "ANOTHER skipped", "Follow up: send the checklist"]


def test_prompts_come_at_their_moment(journal: Journal) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee", cadence="biweekly", start=date(2026, 1, 1))
    journal.add_session(pair.id, on=date(2026, 3, 4), minutes=30)  # next due 18 March
    far = journal.prompts_waiting(pair.id, limit=50, today=date(2026, 3, 10))
    near = journal.prompts_waiting(pair.id, limit=50, today=date(2026, 3, 16))
    assert not any(p.timing is PromptTiming.BEFORE for p in far)
    assert any(p.timing is PromptTiming.BEFORE for p in near)
    during = journal.prompts_during(pair.id)
    assert during and all(p.timing is PromptTiming.DURING for p in during)
    assert not any(p.category is PromptCategory.CHECK_IN for p in during)  # those are offered at the check-in
    checkin = journal.checkin_prompts(pair.id)
    assert checkin
    journal.add_reflection("felt fine", prompt_id=checkin[0].id)
    assert checkin[0] in journal.checkin_prompts(pair.id)  # answering once does not retire it


def test_ending_offers_review_prompts_and_mentor_growth_only_to_a_mentor(journal: Journal) -> None:
    mentee = journal.add_pair("Ana Ruiz", "mentee")
    mentor = journal.add_pair("Chen Li", "mentor")
    as_mentee = journal.closing_prompts(mentee.id)
    as_mentor = journal.closing_prompts(mentor.id, limit=50)
    assert as_mentee and all(p.category is PromptCategory.REVIEW for p in as_mentee)
    assert any(p.category is PromptCategory.MENTOR for p in as_mentor)
    assert all(p.for_role in (None, Role.MENTOR) for p in as_mentor)


# -- recognition -------------------------------------------------------------------------------------------------


def test_recognition_is_the_mentees_and_leaves_in_its_own_section(journal: Journal) -> None:
    world = build(journal)
    text = export.prepare(journal, world.pair, START, END, "md", generated=NOW).text
    section = text.split("## Recognition", 1)[1].split("## Signature", 1)[0]
    assert "SHARED-RECOGNITION" in section and "SECRET-RECOGNITION" not in text
    mentor = journal.add_pair("Ben Okafor", "mentor")
    with pytest.raises(UsageError, match="mentee"):
        journal.add_recognition(mentor.id, "I recognise myself")
