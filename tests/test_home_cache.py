"""The unlock cache: home shown from one sealed entry, never different from the records.

A lazy open (the interface's) reads the sealed `home` cache entry when its stamp
matches the manifest, shows home from it, and decrypts the records later. These
tests hold it to that: the cached home equals the one computed from the records,
any write makes the entry stale, a damaged or replayed entry is ignored, nothing
readable reaches the file, and only the interface's journals write it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from msgspec.structs import replace

from conftest import PASSPHRASE, cache_entry
from pairjournal.errors import DamagedJournal
from pairjournal.journal import Journal, codec
from pairjournal.journal.home import HomeData, cache_since
from pairjournal.model import PairStatus, PromptTiming
from pairjournal.vault.store import CACHE, Store

TODAY = date(2026, 3, 10)


def seed(journal: Journal) -> None:
    ana = journal.add_pair("Ana Ruiz", "mentee", cadence="biweekly", start=TODAY - timedelta(days=200))
    ben = journal.add_pair("Ben Okafor", "mentor", cadence="monthly", start=TODAY - timedelta(days=90))
    ended = journal.add_pair("Cleo Park", "mentor", cadence="weekly", start=TODAY - timedelta(days=400))
    journal.save(replace(ended, status=PairStatus.ENDED))
    for days in (150, 100, 60, 30, 12):
        session = journal.add_session(ana.id, on=TODAY - timedelta(days=days), minutes=30, notes=f"notes {days}")
        journal.add_takeaway(ana.id, f"Takeaway from {days} days ago", session_id=session.id, scope="partner")
    done = journal.add_action(ana.id, "Finished thing", owner="me")
    journal.complete_action(done.id, evidence="did it", on=TODAY - timedelta(days=5))
    journal.add_action(ana.id, "Late thing", owner="me", due=TODAY - timedelta(days=3))
    journal.add_action(ana.id, "Their thing", owner="partner", due=TODAY + timedelta(days=4))
    journal.add_action(ben.id, "Shared thing", owner="both")
    journal.start_session(ben.id)  # live: home says "in progress"
    journal.add_reflection("A private answer", prompt_id=journal.prompts_waiting(ana.id)[0].id, pair_id=ana.id)


def close_as_interface(journal: Journal, today: date = TODAY) -> None:
    journal.keeps_home_cache = True
    journal.close(today=today)


def cache_row(path: Path) -> tuple[bytes, bytes] | None:
    return cache_entry(path, "home")


@pytest.fixture
def seeded(make_journal: Callable[..., Journal], journal_path: Path) -> Path:
    journal = make_journal()
    seed(journal)
    close_as_interface(journal)
    return journal_path


def full_home(path: Path, today: date = TODAY) -> HomeData:
    with Journal.open(path, PASSPHRASE) as journal:
        return journal.home(today)


def test_a_lazy_open_shows_home_from_the_cache_exactly_as_the_records_say(seeded: Path) -> None:
    journal = Journal.open(seeded, PASSPHRASE, lazy=True)
    try:
        assert not journal.loaded  # nothing but the cache decrypted yet
        cached = journal.home(TODAY)
        assert not journal.loaded
        assert [p.pair.name for p in cached.pairs] == ["Ana Ruiz", "Ben Okafor"]  # the ended pair is not on home
        for day in (TODAY, TODAY + timedelta(days=30), date(2026, 6, 30), date(2026, 9, 1)):
            assert journal.home(day) == cached  # served from the cache while it covers the day
            expected = full_home(seeded, day)
            assert [p.stats(day) for p in cached.pairs] == [p.stats(day) for p in expected.pairs]
            assert [p.next_due() for p in cached.pairs] == [p.next_due() for p in expected.pairs]
        assert cached.pairs == full_home(seeded).pairs
        assert cached.settings == journal.settings()
        assert not journal.loaded
    finally:
        journal.close()


def test_the_numbers_home_prints_match_the_journals_own_queries(seeded: Path) -> None:
    with Journal.open(seeded, PASSPHRASE, lazy=True) as journal:
        home = journal.home(TODAY)
        ana = home.pairs[0]
        assert ana.stats(TODAY) == journal.stats(ana.pair.id, TODAY)  # this call loads the records
        assert journal.loaded
        assert ana.next_due() == journal.next_session_due(ana.pair.id)
        assert [a.text for a in ana.open_actions] == [a.text for a in journal.open_actions(ana.pair.id)]
        assert ana.prompts_waiting == journal.prompts_waiting(ana.pair.id)
        assert [t.text for t in ana.last_takeaways] == ["Takeaway from 12 days ago"]
        assert ana.stats(TODAY).actions_done == 1 and ana.stats(TODAY).actions_overdue == 1
        assert home.pairs[1].live_session_id == journal.live_session(home.pairs[1].pair.id).id  # type: ignore[union-attr]


def test_any_method_needing_the_records_loads_them_first(seeded: Path) -> None:
    with Journal.open(seeded, PASSPHRASE, lazy=True) as journal:
        assert not journal.loaded
        assert {p.name for p in journal.pairs()} == {"Ana Ruiz", "Ben Okafor", "Cleo Park"}
        assert journal.loaded
        assert len(journal.sessions()) == 6


def test_a_write_removes_the_cache_and_the_writers_close_makes_it_again(seeded: Path) -> None:
    assert cache_row(seeded) is not None
    cli = Journal.open(seeded, PASSPHRASE)  # the CLI's way: everything loaded, no cache kept for reading
    cli.add_pair("Dana Lee", "mentee")
    # The write took the out-of-date entry with it, in the same transaction.
    assert cache_row(seeded) is None
    with Journal.open(seeded, PASSPHRASE, lazy=True) as meanwhile:
        assert meanwhile.loaded  # no cache: everything decrypted up front
        assert "Dana Lee" in [p.pair.name for p in meanwhile.home(TODAY).pairs]
        meanwhile.keeps_home_cache = False
    cli.close(today=TODAY)
    # A journal that wrote leaves a current cache behind when it closes.
    assert cache_row(seeded) is not None
    with Journal.open(seeded, PASSPHRASE, lazy=True) as journal:
        assert not journal.loaded
        assert "Dana Lee" in [p.pair.name for p in journal.home(TODAY).pairs]


def test_a_lazy_journal_that_writes_keeps_the_cache_current(seeded: Path) -> None:
    journal = Journal.open(seeded, PASSPHRASE, lazy=True)
    pair = journal.home(TODAY).pairs[0].pair
    journal.add_action(pair.id, "Written after a lazy unlock", owner="me")
    journal.close(today=TODAY)
    with Journal.open(seeded, PASSPHRASE, lazy=True) as again:
        assert not again.loaded
        texts = [a.text for a in again.home(TODAY).pairs[0].open_actions]
        assert "Written after a lazy unlock" in texts


def test_a_cache_that_does_not_cover_today_is_not_used(seeded: Path) -> None:
    with Journal.open(seeded, PASSPHRASE, lazy=True) as journal:
        cached = journal.home(TODAY)
        # Session dates are kept from the start of last quarter on: any later day is covered...
        assert cached.since == date(2025, 10, 1)
        assert cached.covers(date(2027, 1, 5))
        # ...an earlier one (the clock set back) is not, and the records answer instead.
        earlier = date(2025, 8, 20)
        assert not cached.covers(earlier)
        home = journal.home(earlier)
        assert journal.loaded
        assert home.since == cache_since(earlier)


def test_an_altered_cache_is_ignored_and_the_records_are_used(seeded: Path) -> None:
    _nonce, ct = cache_row(seeded)  # type: ignore[misc]
    flipped = bytes([ct[0] ^ 1]) + ct[1:]
    with sqlite3.connect(seeded) as conn:
        conn.execute(f"UPDATE {CACHE} SET ct = ? WHERE name = 'home'", (flipped,))
    conn.close()
    with Journal.open(seeded, PASSPHRASE, lazy=True) as journal:
        assert journal.loaded
        assert [p.pair.name for p in journal.home(TODAY).pairs] == ["Ana Ruiz", "Ben Okafor"]


def test_an_older_cache_put_back_is_ignored(seeded: Path) -> None:
    old = cache_row(seeded)
    journal = Journal.open(seeded, PASSPHRASE, lazy=True)
    journal.add_pair("Dana Lee", "mentee")
    close_as_interface(journal)
    assert cache_row(seeded) != old
    with sqlite3.connect(seeded) as conn:  # an attacker replays the earlier, authentic entry
        conn.execute(f"UPDATE {CACHE} SET nonce = ?, ct = ? WHERE name = 'home'", old)
    conn.close()
    with Journal.open(seeded, PASSPHRASE, lazy=True) as journal:
        assert journal.loaded
        assert "Dana Lee" in [p.pair.name for p in journal.home(TODAY).pairs]


def test_a_cache_under_another_name_does_not_open(seeded: Path) -> None:
    nonce, ct = cache_row(seeded)  # type: ignore[misc]
    with sqlite3.connect(seeded) as conn:  # moved to another entry name: the associated data differs
        conn.execute(f"DELETE FROM {CACHE}")
        conn.execute(f"INSERT INTO {CACHE} (name, nonce, ct) VALUES ('other', ?, ?)", (nonce, ct))
        conn.execute(f"INSERT INTO {CACHE} (name, nonce, ct) VALUES ('home', ?, ?)", (nonce, ct[:-1] + bytes([ct[-1] ^ 1])))
    conn.close()
    with Journal.open(seeded, PASSPHRASE, lazy=True) as journal:
        assert journal.loaded


def test_the_cache_holds_nothing_readable(make_journal: Callable[..., Journal], journal_path: Path) -> None:
    canary = "CANARY-cache-7f3a"
    journal = make_journal()
    pair = journal.add_pair(f"Pair {canary}", "mentee")
    session = journal.add_session(pair.id, on=TODAY - timedelta(days=2))
    journal.add_takeaway(pair.id, f"takeaway {canary}", session_id=session.id)
    journal.add_action(pair.id, f"action {canary}", owner="me")
    close_as_interface(journal)
    row = cache_row(journal_path)
    assert row is not None
    with Journal.open(journal_path, PASSPHRASE, lazy=True) as again:
        assert not again.loaded and canary in again.home(TODAY).pairs[0].pair.name  # the cache really holds it
    for suffix in ("", "-wal"):
        part = Path(f"{journal_path}{suffix}")
        if part.exists():
            data = part.read_bytes()
            assert canary.encode() not in data
            assert canary.encode("utf-16-le") not in data


def test_a_cache_is_not_written_when_another_process_wrote_meanwhile(seeded: Path) -> None:
    journal = Journal.open(seeded, PASSPHRASE)
    journal.keeps_home_cache = True
    other = Journal.open(seeded, PASSPHRASE)
    other.add_pair("Written elsewhere", "mentee")
    other.keeps_home_cache = False
    other._wrote = False
    other.close()
    assert cache_row(seeded) is None
    # This journal's records predate that write: a cache made from them would claim the wrong stamp.
    assert journal.save_home_cache(TODAY) is False
    journal.close(today=TODAY)
    assert cache_row(seeded) is None
    with Journal.open(seeded, PASSPHRASE, lazy=True) as fresh:
        assert fresh.loaded  # no cache: the records are used
        assert "Written elsewhere" in [p.pair.name for p in fresh.home(TODAY).pairs]


def test_after_the_load_home_stays_the_cache_until_the_records_change(seeded: Path) -> None:
    with Journal.open(seeded, PASSPHRASE, lazy=True) as journal:
        cached = journal.home(TODAY)
        assert journal.finish_loading()
        # The records read are those the cache was made from: home is not made again.
        assert journal.home(TODAY) is cached
        assert journal.home(TODAY).pairs == full_home(seeded).pairs
        ana = cached.pairs[0].pair
        journal.add_action(ana.id, "Written after the load", owner="me")
        fresh = journal.home(TODAY)
        assert fresh is not cached
        assert "Written after the load" in [a.text for a in fresh.pairs[0].open_actions]
        journal.keeps_home_cache = False


def test_after_the_load_on_another_day_home_is_made_from_the_records(
    make_journal: Callable[..., Journal], journal_path: Path
) -> None:
    # Which prompts wait moves with the day: "before the session" ones once it is two days off.
    made, later = date(2026, 4, 2), date(2026, 4, 30)
    journal = make_journal()
    pair = journal.add_pair("Ana Ruiz", "mentee", cadence="monthly", start=made - timedelta(days=60))
    journal.add_session(pair.id, on=made - timedelta(days=1), minutes=30, notes="n")
    for prompt in journal.prompts():
        if prompt.timing in (PromptTiming.BETWEEN, PromptTiming.AFTER) and prompt.for_role in (None, pair.role):
            journal.add_reflection("answered", prompt_id=prompt.id, pair_id=pair.id)
    close_as_interface(journal, today=made)
    want = [p.id for p in full_home(journal_path, later).pairs[0].prompts_waiting]
    assert want and want != [p.id for p in full_home(journal_path, made).pairs[0].prompts_waiting]
    with Journal.open(journal_path, PASSPHRASE, lazy=True) as lazy:
        assert lazy.from_cache and lazy.cached_home is not None and lazy.cached_home.made_on == made
        lazy.finish_loading()
        assert [p.id for p in lazy.home(later).pairs[0].prompts_waiting] == want
        assert lazy.home(made) is lazy.cached_home  # on its own day it still stands for home
        lazy.keeps_home_cache = False


def test_a_write_from_elsewhere_before_the_load_makes_home_from_the_records(seeded: Path) -> None:
    with Journal.open(seeded, PASSPHRASE, lazy=True) as journal:
        cached = journal.home(TODAY)
        with Journal.open(seeded, PASSPHRASE) as other:
            other.add_pair("Written elsewhere", "mentee")
        journal.finish_loading()
        home = journal.home(TODAY)
        assert home is not cached
        assert "Written elsewhere" in [p.pair.name for p in home.pairs]
        journal.keeps_home_cache = False


def test_a_journal_that_only_reads_leaves_the_file_alone(make_journal: Callable[..., Journal], journal_path: Path) -> None:
    journal = make_journal()
    journal.add_pair("Ana Ruiz", "mentee")
    journal.close()
    with sqlite3.connect(journal_path) as conn:
        conn.execute(f"DELETE FROM {CACHE}")  # say a crash lost it
    conn.close()
    before = journal_path.read_bytes()
    with Journal.open(journal_path, PASSPHRASE) as reader:  # `pairjournal list`, `export`, `check`...
        assert [p.name for p in reader.pairs()] == ["Ana Ruiz"]
    assert journal_path.read_bytes() == before
    assert cache_row(journal_path) is None


def test_loading_in_a_thread_while_the_main_thread_asks(seeded: Path) -> None:
    journal = Journal.open(seeded, PASSPHRASE, lazy=True)
    try:
        results: list[bool] = []
        worker = threading.Thread(target=lambda: results.append(journal.finish_loading()))
        worker.start()
        names = [p.name for p in journal.pairs()]  # waits for (or does) the load
        worker.join()
        assert sorted(names) == ["Ana Ruiz", "Ben Okafor", "Cleo Park"]
        assert journal.loaded
        assert journal.finish_loading() is False  # done once
        assert len(results) == 1
    finally:
        journal.close()


def add_an_unreadable_record(path: Path) -> HomeData:
    """A record that authenticates but no version of pairjournal understands, with the unlock
    cache sealed current over it; returns the home that cache shows."""
    with Journal.open(path, PASSPHRASE) as reader:
        home = reader.home(TODAY)
    store = Store.open(path, PASSPHRASE)
    store.put("f" * 32, b'{"k":"from-the-future","v":9,"d":{}}')
    assert store.write_cache("home", lambda stamp: codec.encode_home(stamp, home), store.data_version())
    store.close()
    return home


def test_a_record_that_fails_to_load_after_a_lazy_open_fails_every_later_call(seeded: Path) -> None:
    home = add_an_unreadable_record(seeded)
    journal = Journal.open(seeded, PASSPHRASE, lazy=True)
    try:
        assert journal.home(TODAY).pairs == home.pairs  # home still comes from the cache
        for _ in range(2):
            with pytest.raises(DamagedJournal, match="could not be understood"):
                journal.pairs()
        assert not journal.loaded
    finally:
        journal.close()


def test_loading_behind_brings_the_records_in_without_being_asked(seeded: Path) -> None:
    journal = Journal.open(seeded, PASSPHRASE, lazy=True)
    try:
        assert not journal.loaded
        journal.load_behind()  # as the interface does the moment the unlock returns
        deadline = time.monotonic() + 30
        while not journal.loaded and time.monotonic() < deadline:
            time.sleep(0.01)
        assert journal.loaded
        assert journal.finish_loading() is False  # the thread did it
        assert sorted(p.name for p in journal.pairs()) == ["Ana Ruiz", "Ben Okafor", "Cleo Park"]
    finally:
        journal.close()


def test_a_load_behind_that_fails_is_raised_by_the_next_call(seeded: Path) -> None:
    home = add_an_unreadable_record(seeded)
    journal = Journal.open(seeded, PASSPHRASE, lazy=True)
    try:
        journal.load_behind()
        for _ in range(2):
            with pytest.raises(DamagedJournal, match="could not be understood"):
                journal.finish_loading()
        assert not journal.loaded
        assert journal.home(TODAY).pairs == home.pairs  # home still comes from the cache
    finally:
        journal.close()
