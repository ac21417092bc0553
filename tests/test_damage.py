"""Issue 12, item 5: damage is never silent, and nothing writes over its evidence.

Every open checks the manifest against the rows. A deleted or rolled-back
record, a record that fails to open, a table or trigger pairjournal did not
make, or a forged unlock cache opens the journal read-only: the CLI says so in
one line on stderr, the interface in a banner; every write is refused pointing
to `check` and `restore`; no daily backup is made from it. `check` reports all
of it, and `check --accept-damage` (after a confirmation) makes the journal
consistent again, keeping the damaged file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import PASSPHRASE, CliResult
from pairjournal import errors
from pairjournal.journal import Journal
from pairjournal.journal.backups import auto_backup, list_backups
from pairjournal.model import Reflection
from tui_support import TODAY, make_app, screen_text, unlock, wait_for

Cli = Callable[..., CliResult]


def _sql(path: Path, statement: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        with conn:
            return conn.execute(statement, params).fetchall()
    finally:
        conn.close()


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith(("-shm", ".lock")) and not (p.name.endswith("-wal") and p.stat().st_size == 0)
    }


@pytest.fixture
def history(make_journal: Callable[..., Journal], journal_path: Path) -> dict[str, object]:
    """A closed journal: a pair, two reflections (one edited after its first version)."""
    with make_journal() as journal:
        pair = journal.add_pair("Lee", "mentor", start=TODAY - timedelta(days=30))
        kept = journal.add_reflection("an unrelated entry")
        edited = journal.add_reflection("first words")
    old_row = _sql(journal_path, "SELECT version, nonce, ct FROM records WHERE id=?", (edited.id,))[0]
    with Journal.open(journal_path, PASSPHRASE) as journal:
        entity = journal.get(Reflection, edited.id)
        entity.text = "second words"
        journal.save(entity)
    return {"pair": pair.id, "kept": kept.id, "edited": edited.id, "old_row": old_row}


def _delete_kept(history: dict[str, object], path: Path) -> None:
    _sql(path, "DELETE FROM records WHERE id=?", (history["kept"],))


def _roll_back(history: dict[str, object], path: Path) -> None:
    version, nonce, ct = history["old_row"]  # type: ignore[misc]
    _sql(path, "UPDATE records SET version=?, nonce=?, ct=? WHERE id=?", (version, nonce, ct, history["edited"]))


DAMAGE = {
    "deleted": (_delete_kept, "records were deleted or added outside pairjournal"),
    "rolled back": (_roll_back, "replaced by an older version of itself"),
}


@pytest.mark.parametrize("kind", DAMAGE)
def test_every_open_checks_the_manifest_and_opens_read_only(
    history: dict[str, object], journal_path: Path, cli: Cli, kind: str
) -> None:
    damage, words = DAMAGE[kind]
    damage(history, journal_path)
    before = _files(journal_path.parent)

    listed = cli("list", "reflections")
    assert listed.exit_code == 0  # reading still works...
    [warning] = listed.stderr.strip().splitlines()  # ...with one line saying what is wrong
    assert warning.startswith("pairjournal: warning: the journal is damaged and was opened read-only")
    assert words in warning and "pairjournal check" in warning and "pairjournal restore" in warning

    for write in (["reflect", "written over the evidence"], ["pair", "add", "Mo", "--role", "mentee"],
                  ["passwd"]):
        refused = cli(*write, env={"PAIRJOURNAL_NEW_PASSPHRASE": "another long passphrase"})
        assert refused.exit_code == 6, refused.stderr
        [line] = refused.stderr.strip().splitlines()
        assert line.startswith("pairjournal: error: the journal is damaged (")
        assert words in line and "nothing was written" in line
        assert "`pairjournal check`" in line and "`pairjournal restore`" in line
    assert _files(journal_path.parent) == before  # no manifest sealed over it, no cache, no backup

    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert journal.read_only and words in (journal.damage_summary or "")
        with pytest.raises(errors.ReadOnlyJournal):  # a DamagedJournal: exit 6
            journal.add_reflection("not this either")
    checked = cli("check")
    assert checked.exit_code == 6 and words in checked.stderr


def test_a_sound_journal_is_writable_and_says_nothing(history: dict[str, object], journal_path: Path, cli: Cli) -> None:
    listed = cli("list", "pairs")
    assert listed.exit_code == 0 and listed.stderr == ""
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert not journal.read_only and journal.damage_summary is None


def test_a_record_that_fails_to_open_makes_it_read_only_too(history: dict[str, object], journal_path: Path, cli: Cli) -> None:
    (ct,) = _sql(journal_path, "SELECT ct FROM records WHERE id=?", (history["kept"],))[0]  # type: ignore[misc]
    _sql(journal_path, "UPDATE records SET ct=? WHERE id=?", (bytes([ct[0] ^ 1]) + ct[1:], history["kept"]))  # type: ignore[index]
    refused = cli("reflect", "more")
    assert refused.exit_code == 6 and "1 record(s) fail authentication" in refused.stderr


def test_a_planted_table_or_trigger_is_damage(history: dict[str, object], journal_path: Path, cli: Cli) -> None:
    _sql(journal_path, "CREATE TABLE exfil (ct BLOB)")
    _sql(journal_path, "CREATE TRIGGER copy_out AFTER INSERT ON records BEGIN INSERT INTO exfil VALUES (NEW.ct); END")
    checked = cli("check")
    assert checked.exit_code == 6
    lines = checked.stderr.strip().splitlines()
    assert any("table pairjournal did not make ('exfil')" in line for line in lines), lines
    assert any("trigger pairjournal did not make ('copy_out')" in line for line in lines), lines
    refused = cli("reflect", "would have fired the trigger")
    assert refused.exit_code == 6
    assert _sql(journal_path, "SELECT count(*) FROM exfil") == [(0,)]


def _seal_cache(path: Path) -> None:
    with Journal.open(path, PASSPHRASE) as journal:
        assert journal.save_home_cache(TODAY)


def test_a_forged_unlock_cache_is_reported_and_kept(history: dict[str, object], journal_path: Path, cli: Cli) -> None:
    _seal_cache(journal_path)
    (ct,) = _sql(journal_path, "SELECT ct FROM cache WHERE name='home'")[0]
    forged = bytes([ct[0] ^ 1]) + ct[1:]  # type: ignore[index]
    _sql(journal_path, "UPDATE cache SET ct=? WHERE name='home'", (forged,))
    checked = cli("check")
    assert checked.exit_code == 6
    assert "BAD journal: the unlock cache entry 'home' fails authentication" in checked.stderr
    with Journal.open(journal_path, PASSPHRASE, lazy=True) as journal:  # the interface's way in
        assert journal.loaded and journal.read_only
        journal.keeps_home_cache = True
    assert _sql(journal_path, "SELECT ct FROM cache WHERE name='home'") == [(forged,)]  # not sealed over


def test_an_old_unlock_cache_put_back_is_reported(history: dict[str, object], journal_path: Path, cli: Cli) -> None:
    _seal_cache(journal_path)
    old = _sql(journal_path, "SELECT nonce, ct FROM cache WHERE name='home'")[0]
    assert cli("reflect", "a later entry").exit_code == 0  # removes the entry and, closing, seals a new one
    _sql(journal_path, "INSERT OR REPLACE INTO cache (name, nonce, ct) VALUES ('home', ?, ?)", old)
    checked = cli("check")
    assert checked.exit_code == 6 and "put back from an older copy" in checked.stderr


# -- backups -------------------------------------------------------------------------------------


def test_a_week_of_opening_a_damaged_journal_keeps_every_good_backup(
    history: dict[str, object], journal_path: Path, cli: Cli
) -> None:
    with Journal.open(journal_path, PASSPHRASE) as journal:
        for n in range(7):
            auto_backup(journal, today=date.today() - timedelta(days=7 - n))
    good = {p.name: p.read_bytes() for p in list_backups(journal_path)}
    assert len(good) == 7
    _delete_kept(history, journal_path)
    for _ in range(3):
        assert cli("list", "pairs").exit_code == 0
        with Journal.open(journal_path, PASSPHRASE) as journal:
            assert journal.auto_backup is not None and journal.auto_backup.path is None
            assert "damaged" in (journal.auto_backup.error or "")
    assert {p.name: p.read_bytes() for p in list_backups(journal_path)} == good


def test_rotation_never_drops_the_backup_just_made_and_checked(history: dict[str, object], journal_path: Path) -> None:
    """With the clock set back, today's copy sorts oldest: it is kept, an older-named one goes."""
    with Journal.open(journal_path, PASSPHRASE) as journal:
        future = [auto_backup(journal, today=date(2030, 1, 1) + timedelta(days=n)) for n in range(7)]
        made = auto_backup(journal, today=date(2026, 1, 1))
    kept = list_backups(journal_path)
    assert made is not None and made in kept and len(kept) == 7
    assert future[0] not in kept


def test_a_backup_that_fails_its_check_is_not_kept(history: dict[str, object], journal_path: Path) -> None:
    with Journal.open(journal_path, PASSPHRASE) as journal:
        made = auto_backup(journal, today=date(2026, 1, 1))
        assert made is not None and journal.check_copy(made).ok
        (rid, ct) = _sql(made, "SELECT id, ct FROM records LIMIT 1")[0]
        _sql(made, "UPDATE records SET ct=? WHERE id=?", (bytes([ct[0] ^ 1]) + ct[1:], rid))  # type: ignore[index]
        report = journal.check_copy(made)
        assert not report.ok and [b.id for b in report.bad] == [rid]
    assert not Path(f"{made}-wal").exists()  # read without turning the copy into a WAL journal


# -- check --accept-damage -------------------------------------------------------------------------


def test_accepting_damage_asks_first_and_keeps_the_damaged_file(
    history: dict[str, object], journal_path: Path, cli: Cli
) -> None:
    _delete_kept(history, journal_path)
    (ct,) = _sql(journal_path, "SELECT ct FROM records WHERE id=?", (history["edited"],))[0]
    _sql(journal_path, "UPDATE records SET ct=? WHERE id=?", (bytes([ct[0] ^ 1]) + ct[1:], history["edited"]))  # type: ignore[index]
    _sql(journal_path, "CREATE TABLE planted (x)")
    before = _files(journal_path.parent)

    declined = cli("check", "--accept-damage", input="n\n")
    assert declined.exit_code == 130 and "nothing was changed" in declined.stderr
    assert "BAD record" in declined.stderr and "Accept the damage" in declined.stderr  # the report came first
    assert _files(journal_path.parent) == before
    no_answer = cli("check", "--accept-damage", input="")
    assert no_answer.exit_code == 130 and _files(journal_path.parent) == before

    accepted = cli("check", "--accept-damage", input="y\n")
    assert accepted.exit_code == 0, accepted.stderr
    assert "1 unreadable record(s) removed" in accepted.stdout
    kept = [p for p in journal_path.parent.iterdir() if ".damaged-" in p.name]
    assert len(kept) == 1 and str(kept[0]) in accepted.stdout

    assert cli("check").exit_code == 0  # sound again...
    assert cli("reflect", "writable again").exit_code == 0  # ...and writable
    assert _sql(journal_path, "SELECT name FROM sqlite_master WHERE name='planted'") == []
    with Journal.open(kept[0], PASSPHRASE) as damaged:  # the evidence, as it was
        assert damaged.read_only and not damaged.check().ok


def test_accept_damage_with_yes_for_scripts_and_on_a_sound_journal(
    history: dict[str, object], journal_path: Path, cli: Cli
) -> None:
    sound = cli("check", "--accept-damage", "--yes")
    assert sound.exit_code == 0 and "Nothing to accept" in sound.stdout
    _roll_back(history, journal_path)
    accepted = cli("check", "--accept-damage", "--yes")
    assert accepted.exit_code == 0, accepted.stderr
    assert "0 unreadable record(s) removed" in accepted.stdout
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert not journal.read_only and journal.get(Reflection, str(history["edited"])).text == "first words"


# -- the interface ---------------------------------------------------------------------------------


@pytest.mark.parametrize("with_cache", [False, True])
async def test_the_interface_shows_a_banner_and_saves_nothing(
    history: dict[str, object], journal_path: Path, with_cache: bool
) -> None:
    if with_cache:
        _seal_cache(journal_path)  # a current cache: home shows first, the load finds the damage after
    _delete_kept(history, journal_path)
    before = _files(journal_path.parent)
    app = make_app(journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: "DAMAGED JOURNAL, OPEN READ-ONLY" in screen_text(app), "the banner")
        text = screen_text(app)
        assert "deleted or added outside pairjournal" in text and "pairjournal check" in text
        await pilot.press("s")  # starting a session is a write
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen"
        assert any("read-only" in n.message for n in app._notifications)
    assert _files(journal_path.parent) == before


async def test_a_sound_journal_shows_no_banner(history: dict[str, object], journal_path: Path) -> None:
    app = make_app(journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: app.journal is not None and app.journal.loaded, "the records")
        await pilot.pause()
        assert "DAMAGED" not in screen_text(app)
        assert not app.screen.query_one("#damage-banner").display
