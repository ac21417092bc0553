"""The Journal's queries: cadence, open actions, periods, search, other processes' writes."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import PASSPHRASE
from pairjournal.errors import NotFound, UsageError
from pairjournal.journal import Journal, cadence
from pairjournal.journal.outbound import ConsentStatus
from pairjournal.model import ActionItem, Cadence, ShareScope


@pytest.mark.parametrize(
    ("kind", "first", "last", "expected"),
    [
        (Cadence.BIWEEKLY, date(2026, 1, 1), date(2026, 3, 25), 6),  # 12 weeks
        (Cadence.WEEKLY, date(2026, 1, 1), date(2026, 3, 25), 12),
        (Cadence.MONTHLY, date(2026, 1, 1), date(2026, 3, 31), 3),
        (Cadence.MONTHLY, date(2026, 1, 31), date(2026, 2, 26), 1),  # due Jan 31; the next, Feb 28
        (Cadence.MONTHLY, date(2026, 1, 31), date(2026, 2, 28), 2),
        (Cadence.WEEKLY, date(2026, 1, 8), date(2026, 1, 1), 0),
        (Cadence.BIWEEKLY, date(2026, 1, 1), date(2026, 1, 1), 1),  # a pair that starts today: one due today
    ],
)
def test_expected_sessions(kind: Cadence, first: date, last: date, expected: int) -> None:
    assert cadence.expected_between(kind, first, last) == expected


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(list(Cadence)), anchor=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
       offset=st.integers(-60, 400), length=st.integers(0, 200))
def test_scheduled_dates_are_counted_as_a_walk_along_the_schedule_would(
    kind: Cadence, anchor: date, offset: int, length: int
) -> None:
    first = anchor + timedelta(days=offset)
    last = first + timedelta(days=length)
    walked, k = 0, 0
    while (due := cadence.add_interval(anchor, kind, k)) <= last:
        walked += first <= due
        k += 1
    assert cadence.scheduled_between(kind, anchor, first, last) == walked


def test_next_session_due_follows_the_cadence(journal: Journal) -> None:
    pair = journal.add_pair("Ana", "mentor", cadence="biweekly", start=date(2026, 3, 2))
    assert journal.next_session_due(pair.id) == date(2026, 3, 2)
    journal.add_session(pair.id, on=date(2026, 3, 4), minutes=30)
    assert journal.next_session_due(pair.id) == date(2026, 3, 18)
    monthly = journal.add_pair("Bo", "mentee", cadence="monthly", start=date(2026, 1, 1))
    journal.add_session(monthly.id, on=date(2026, 1, 31))
    assert journal.next_session_due(monthly.id) == date(2026, 2, 28)


def test_open_actions_soonest_first_undated_last(journal: Journal) -> None:
    pair = journal.add_pair("Ana", "mentor")
    journal.add_action(pair.id, "later", due=date(2026, 5, 1))
    journal.add_action(pair.id, "whenever")
    soon = journal.add_action(pair.id, "soon", due=date(2026, 4, 1))
    done = journal.add_action(pair.id, "finished", due=date(2026, 3, 1))
    journal.complete_action(done.id, evidence="sent")
    assert [a.text for a in journal.open_actions()] == ["soon", "later", "whenever"]
    assert journal.open_actions(pair.id)[0].id == soon.id


def test_sessions_in_a_period(journal: Journal) -> None:
    pair = journal.add_pair("Ana", "mentor")
    for day in (1, 15, 29):
        journal.add_session(pair.id, on=date(2026, 4, day))
    assert [s.date.day for s in journal.sessions(pair.id, date(2026, 4, 2), date(2026, 4, 29))] == [15, 29]


def test_live_session_resumes_and_prefills_agenda(journal: Journal) -> None:
    pair = journal.add_pair("Ana", "mentor", minutes=45)
    journal.add_action(pair.id, "Try the shared calendar")
    start = datetime(2026, 4, 1, 10, 0, tzinfo=UTC)
    live = journal.start_session(pair.id, at=start)
    assert live.planned_minutes == 45
    assert [i.text for i in live.agenda] == ["Follow up: Try the shared calendar"]
    assert journal.start_session(pair.id).id == live.id
    ended = journal.end_session(live, at=datetime(2026, 4, 1, 10, 38, tzinfo=UTC))
    assert ended.actual_minutes == 38 and journal.live_session(pair.id) is None


def test_search_matches_all_words_as_prefixes_accent_blind(journal: Journal) -> None:
    pair = journal.add_pair("Ana", "mentor")
    journal.add_takeaway(pair.id, "Her résumé advice was blunt and kind")
    journal.add_reflection("Blunt feedback from someone junior stung at first")
    journal.add_action(pair.id, "Unrelated task")
    assert {h.kind for h in journal.search("blunt")} == {"takeaway", "reflection"}
    assert [h.kind for h in journal.search("resume blu")] == ["takeaway"]
    assert journal.search("blunt unrelated") == []
    hit = journal.search("junior")[0]
    assert "junior" in hit.snippet


def test_search_index_follows_edits_and_deletes(journal: Journal) -> None:
    pair = journal.add_pair("Ana", "mentor")
    t = journal.add_takeaway(pair.id, "original wording")
    assert journal.search("original")
    t.text = "revised wording"
    journal.save(t)
    assert not journal.search("original") and journal.search("revised")
    journal.delete(t)
    assert not journal.search("revised")


def test_another_process_write_is_seen_by_refresh(journal: Journal, journal_path: Path) -> None:
    pair = journal.add_pair("Ana", "mentor")
    assert journal.refresh() == set()
    with Journal.open(journal_path, PASSPHRASE) as other:
        added = other.add_action(pair.id, "added elsewhere")
    changed = journal.refresh()
    assert added.id in changed
    assert journal.get(ActionItem, added.id).text == "added elsewhere"
    assert journal.search("elsewhere")[0].id == added.id


def test_home_is_made_once_per_state_of_the_records(journal: Journal, journal_path: Path) -> None:
    pair = journal.add_pair("Ana", "mentor")
    today = date(2026, 3, 2)
    first = journal.home(today)
    assert journal.home(today) is first  # asked again for the same records and day: the same data
    assert journal.home(today + timedelta(days=1)) is not first
    journal.add_action(pair.id, "a new one")
    assert [a.text for a in journal.home(today).pairs[0].open_actions] == ["a new one"]
    with Journal.open(journal_path, PASSPHRASE) as other:
        other.add_action(pair.id, "added elsewhere")
    journal.refresh()
    assert {a.text for a in journal.home(today).pairs[0].open_actions} == {"a new one", "added elsewhere"}
    done = journal.home(today).pairs[0].open_actions[0]
    journal.complete_action(done.id, evidence="sent")
    assert len(journal.home(today).pairs[0].open_actions) == 1


def test_lookups_by_name_prefix_and_errors(journal: Journal) -> None:
    journal.add_pair("Alex Rivera", "mentor")
    journal.add_pair("Alexa Chen", "mentee")
    assert journal.pair("alex rivera").name == "Alex Rivera"
    assert journal.pair("alexa").name == "Alexa Chen"
    with pytest.raises(NotFound, match="Alex Rivera, Alexa Chen"):
        journal.pair("Zed")
    with pytest.raises(UsageError):
        journal.add_pair("alex rivera", "mentor")
    with pytest.raises(NotFound):
        journal.get(ActionItem, "deadbeef")


def test_pending_and_complete_consent_flags(journal: Journal) -> None:
    pair = journal.add_pair("Ana", "mentor")
    t = journal.add_takeaway(pair.id, "share this", scope=ShareScope.COORDINATOR)
    assert journal.consent_status(t) is ConsentStatus.PENDING
    assert t.my_consent is not None and t.my_consent.sha256 == journal.outbound_digest(t)
    assert ShareScope.PRIVATE.next() is ShareScope.PARTNER
    assert ShareScope.COORDINATOR.next() is ShareScope.PRIVATE


def test_stats_count_only(journal: Journal) -> None:
    pair = journal.add_pair("Ana", "mentor", cadence="weekly", start=date(2026, 1, 1))
    journal.add_session(pair.id, on=date(2026, 1, 8))
    journal.add_action(pair.id, "late", due=date(2026, 1, 10))
    done = journal.add_action(pair.id, "done")
    journal.complete_action(done.id)
    stats = journal.stats(pair.id, today=date(2026, 1, 28))
    assert (stats.sessions_this_quarter, stats.expected_this_quarter) == (1, 4)
    assert (stats.actions_done, stats.actions_open, stats.actions_overdue) == (1, 1, 1)


def test_closing_stops_an_index_build_in_a_worker_and_keeps_nothing(journal: Journal) -> None:
    pair = journal.add_pair("Ana Ruiz", "mentee")
    journal.save_many([ActionItem(pair_id=pair.id, text=f"action number {n} about dashboards") for n in range(20_000)])
    worker = threading.Thread(target=journal.build_index)
    worker.start()
    journal.close()
    worker.join(timeout=60)
    assert not worker.is_alive()
    # No index of decrypted text outlives the close, not even an empty one built after it.
    assert journal._index is None
