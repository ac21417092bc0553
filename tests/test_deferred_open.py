"""A CLI command's open: the key derived ahead, and a one-record add without loading the rest.

Journal.open(deferred=True) (the CLI's `reflect`) decrypts nothing until a method
needs the records; a free reflection saved before then is written alone, after
the file is judged as a full load would judge it. unlocking.begin() starts the
key derivation in a thread before the command's code is imported. These tests
hold both to the ordinary open's results: the same records, the same refusals,
the same unlock cache, and no second Store left open.
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import PASSPHRASE, PYTHON, CliResult, subprocess_env
from pairjournal.errors import ReadOnlyJournal, WrongPassphrase
from pairjournal.journal import Journal, unlocking
from pairjournal.journal.backups import has_todays_backup
from pairjournal.model import Reflection
from pairjournal.vault.store import Store
from test_home_cache import TODAY, cache_row, close_as_interface, full_home, seed


@pytest.fixture
def backed_up(make_journal: Callable[..., Journal], journal_path: Path) -> Path:
    """A seeded journal with a current unlock cache, opened once today (so today's backup exists)."""
    journal = make_journal()
    seed(journal)
    close_as_interface(journal)
    Journal.open(journal_path, PASSPHRASE).close()  # the day's first full open makes the backup
    assert has_todays_backup(journal_path)
    return journal_path


def _records(path: Path) -> dict[str, object]:
    with Journal.open(path, PASSPHRASE) as journal:
        assert not journal.read_only, journal.damage_summary
        return dict(journal._entities)


def test_a_free_reflection_is_written_without_loading_and_every_record_is_still_there(backed_up: Path) -> None:
    before = _records(backed_up)
    with Journal.open(backed_up, PASSPHRASE, deferred=True) as journal:
        added = journal.add_reflection("written alone", title="t", tags=["cli"])
        assert not journal.loaded  # the path under test: nothing else was decrypted
    after = _records(backed_up)
    assert set(after) == set(before) | {added.id}
    assert {k: v for k, v in after.items() if k != added.id} == before
    assert after[added.id] == added


def test_the_unlock_cache_stays_current_after_a_free_reflection(backed_up: Path) -> None:
    with Journal.open(backed_up, PASSPHRASE, deferred=True) as journal:
        journal.add_reflection("home does not show this")
    with Journal.open(backed_up, PASSPHRASE, lazy=True) as journal:
        assert journal.from_cache and not journal.loaded
        cached = journal.home(TODAY)
        assert not journal.loaded  # served from the cache
        assert cached.settings == journal.settings()
        journal.keeps_home_cache = False
    assert cached.since == full_home(backed_up).since
    assert cached.pairs == full_home(backed_up).pairs


def test_a_reflection_home_shows_loads_first_and_the_writer_makes_a_fresh_cache(backed_up: Path) -> None:
    with Journal.open(backed_up, PASSPHRASE, deferred=True) as journal:
        pair = next(p for p in journal.pairs() if journal.prompts_waiting(p.id, today=TODAY))
        assert journal.loaded  # asking for the pairs loaded them
        prompt = journal.prompts_waiting(pair.id, today=TODAY)[0]
        journal.add_reflection("an answer", prompt_id=prompt.id, pair_id=pair.id)
    with Journal.open(backed_up, PASSPHRASE, lazy=True) as journal:
        assert journal.from_cache
        [shown] = [p for p in journal.home(TODAY).pairs if p.pair.id == pair.id]
        assert prompt.id not in [p.id for p in shown.prompts_waiting]
        journal.keeps_home_cache = False


def test_an_edit_on_a_deferred_journal_drops_the_cache_rather_than_guess(backed_up: Path) -> None:
    with Journal.open(backed_up, PASSPHRASE) as journal:
        answered = next(r for r in journal.all(Reflection) if r.prompt_id is not None)
    answered.prompt_id = None  # un-answers a prompt: home changes
    with Journal.open(backed_up, PASSPHRASE, deferred=True) as journal:
        journal.save(answered)
        assert not journal.loaded
    assert cache_row(backed_up) is None
    assert _records(backed_up)[answered.id] == answered


def test_without_todays_backup_a_deferred_add_loads_and_makes_it(
    make_journal: Callable[..., Journal], journal_path: Path
) -> None:
    journal = make_journal()
    journal.add_reflection("the first")
    journal.close()
    assert not has_todays_backup(journal_path)
    with Journal.open(journal_path, PASSPHRASE, deferred=True) as journal:
        journal.add_reflection("the second")
        assert journal.loaded
    assert has_todays_backup(journal_path)
    assert sorted(r.text for r in _records(journal_path).values() if isinstance(r, Reflection)) == [
        "the first",
        "the second",
    ]


def _flip_one_record(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        rid, ct = conn.execute("SELECT id, ct FROM records LIMIT 1").fetchone()
        conn.execute("UPDATE records SET ct=? WHERE id=?", (bytes([ct[0] ^ 1]) + ct[1:], rid))
    conn.close()


def test_a_deferred_add_to_a_damaged_journal_is_refused_and_writes_nothing(backed_up: Path) -> None:
    _flip_one_record(backed_up)
    before = backed_up.read_bytes()
    with Journal.open(backed_up, PASSPHRASE, deferred=True) as journal:
        with pytest.raises(ReadOnlyJournal, match="1 record"):
            journal.add_reflection("over the evidence")
        assert journal.read_only
    assert backed_up.read_bytes() == before


def test_a_key_derived_ahead_is_the_one_open_uses(backed_up: Path) -> None:
    unlocking.begin(backed_up, PASSPHRASE)
    with Journal.open(backed_up, PASSPHRASE) as journal:
        assert unlocking._pending is None  # taken, not derived twice
        assert journal.pairs()


def test_a_key_derived_ahead_for_another_passphrase_is_closed_and_not_used(backed_up: Path) -> None:
    unlocking.begin(backed_up, "not the passphrase at all")
    with Journal.open(backed_up, PASSPHRASE) as journal:
        assert unlocking._pending is None
        journal.add_reflection("written by the open's own Store")
    assert "written by the open's own Store" in [
        r.text for r in _records(backed_up).values() if isinstance(r, Reflection)
    ]


def test_a_wrong_passphrase_derived_ahead_fails_as_the_open_would(backed_up: Path) -> None:
    unlocking.begin(backed_up, "the wrong passphrase")
    with pytest.raises(WrongPassphrase):
        Journal.open(backed_up, "the wrong passphrase")
    assert unlocking._pending is None


def test_a_command_that_fails_before_opening_leaves_no_store_open(
    backed_up: Path, cli: Callable[..., CliResult]
) -> None:
    refused = cli("reflect", "x", "--prompt")  # a usage error, after the key was begun
    assert refused.exit_code != 0
    assert unlocking._pending is None
    assert cli("reflect", "from the CLI").exit_code == 0
    assert "from the CLI" in [r.text for r in _records(backed_up).values() if isinstance(r, Reflection)]


def test_the_unlocking_module_loads_no_domain_code() -> None:
    script = (
        "import sys, pairjournal.journal.unlocking\n"
        "print(sorted(m for m in sys.modules if m.startswith('pairjournal.journal.') or m == 'msgspec'))\n"
    )
    done = subprocess.run([PYTHON, "-c", script], capture_output=True, text=True, env=subprocess_env(), check=True)
    assert done.stdout.strip() == "['pairjournal.journal.unlocking']"


@pytest.mark.parametrize("with_cache", [True, False])
async def test_the_interface_builds_its_search_index_after_either_unlock(
    make_journal: Callable[..., Journal], journal_path: Path, with_cache: bool
) -> None:
    from tui_support import make_app, unlock, wait_for

    journal = make_journal()
    seed(journal)
    if with_cache:
        close_as_interface(journal)  # home from the cache, the records in a worker, then the index
    else:  # as after a writer killed before closing: no cache, so every record is in before home
        journal.close()
        store = Store.open(journal_path, PASSPHRASE)
        with store.transaction():
            pass  # a write transaction drops the cache, and nothing seals a new one
        store.close()
        assert cache_row(journal_path) is None
    app = make_app(journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        assert app.journal is not None
        await wait_for(pilot, lambda: app.journal is not None and app.journal.index_ready, "the search index")
        assert app.journal.search("takeaway")
