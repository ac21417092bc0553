"""A one-record add whose rows were read while the key was derived (issue 16).

`pairjournal reflect TEXT` begins unlocking before click is imported, and the
Store reads every row (without the key) on a second connection meanwhile; the
add then only decrypts them. These tests hold that path to the judgement of the
ordinary one: a damaged journal (a record failing authentication, a manifest
that does not match the rows) refuses the write with the same error and leaves
the file as it was; rows read ahead are never trusted once another connection
has committed; a part read ahead and the rest read in the write agree; and the
command line is read ahead only when click would read it the same way.
"""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import PASSPHRASE, PYTHON, subprocess_env
from pairjournal.cli import _early_request
from pairjournal.errors import PairjournalError, ReadOnlyJournal, WrongPassphrase
from pairjournal.journal import Journal
from pairjournal.journal.backups import has_todays_backup
from pairjournal.model import Reflection
from pairjournal.vault import store as store_module
from pairjournal.vault.store import Store

RECORDS = 40


@pytest.fixture
def sound(make_journal: Callable[..., Journal], journal_path: Path) -> Path:
    """A closed journal of RECORDS reflections (one edited once), opened once today (so today's backup exists)."""
    with make_journal() as journal:
        made = [journal.add_reflection(f"entry {n}") for n in range(RECORDS)]
        made[3].text = "entry 3, edited"
        journal.save(made[3])
    Journal.open(journal_path, PASSPHRASE).close()
    assert has_todays_backup(journal_path)
    return journal_path


def _sql(path: Path, statement: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        with conn:
            return conn.execute(statement, params).fetchall()
    finally:
        conn.close()


def _flip(path: Path, where: str = "rowid = (SELECT MIN(rowid) FROM records)") -> None:
    [(rid, ct)] = _sql(path, f"SELECT id, ct FROM records WHERE {where}")
    assert isinstance(ct, bytes)
    _sql(path, "UPDATE records SET ct=? WHERE id=?", (bytes([ct[0] ^ 1]) + ct[1:], rid))


def _delete_one(path: Path) -> None:
    _sql(path, "DELETE FROM records WHERE rowid = (SELECT MAX(rowid) FROM records)")


def _rows(path: Path) -> list[tuple[object, ...]]:
    """The records and the sealed manifest, as they stand (whatever the WAL still holds)."""
    return [*_sql(path, "SELECT id, version, nonce, ct FROM records ORDER BY id"), *_sql(path, "SELECT * FROM manifest")]


def _texts(path: Path) -> list[str]:
    with Journal.open(path, PASSPHRASE) as journal:
        assert not journal.read_only, journal.damage_summary
        return sorted(r.text for r in journal.all(Reflection))


def _add_read_ahead(path: Path, text: str) -> None:
    """What `reflect TEXT` does: a Store opened with rows read ahead, a deferred journal over it."""
    store = Store.open(path, PASSPHRASE, read_ahead=True)
    assert store._ahead is not None  # the path under test
    with Journal(store, deferred=True) as journal:
        journal.add_reflection(text)
        assert not journal.loaded


def test_a_sound_journal_takes_the_record_and_keeps_every_other(sound: Path) -> None:
    before = _texts(sound)
    _add_read_ahead(sound, "added after reading ahead")
    assert _texts(sound) == sorted([*before, "added after reading ahead"])


def test_a_command_that_loads_after_all_lets_the_rows_read_ahead_go(sound: Path) -> None:
    """(`reflect --pair NAME`: the records are loaded to find the pair.)"""
    before = _texts(sound)
    store = Store.open(sound, PASSPHRASE, read_ahead=True)
    with Journal(store, deferred=True) as journal:
        assert len(journal.all(Reflection)) == RECORDS  # loaded: the rows read ahead are let go
        assert store._ahead is None
        journal.add_reflection("after a full load")
    assert _texts(sound) == sorted([*before, "after a full load"])


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (_flip, "1 record(s) fail authentication"),
        (_delete_one, "records were deleted or added outside pairjournal"),
    ],
)
def test_damage_read_ahead_refuses_the_write_and_changes_nothing(
    sound: Path, damage: Callable[[Path], None], words: str
) -> None:
    damage(sound)
    before = sound.read_bytes()
    with pytest.raises(ReadOnlyJournal, match="nothing was written") as refused:
        _add_read_ahead(sound, "over the evidence")
    assert words in str(refused.value)
    assert sound.read_bytes() == before


PLANTED = "INSERT INTO records (id, version, nonce, ct) VALUES "


@pytest.mark.parametrize(
    ("planted", "words"),
    [
        (PLANTED + "(7, 1, zeroblob(12), zeroblob(32))", "1 record(s) fail authentication"),  # an id not text
        (PLANTED + "('" + "f" * 32 + "', 'one', zeroblob(12), zeroblob(32))", "1 record(s) fail authentication"),
        (PLANTED + "('" + "é" * 32 + "', 1, zeroblob(12), zeroblob(32))", "impossible id"),  # not ASCII
        (PLANTED + "(CAST(x'92ff41' AS TEXT), 1, x'00', x'00')", "could not be read"),  # not UTF-8 (as on the ordinary path)
    ],
)
def test_a_row_planted_outside_pairjournal_is_refused_on_this_path_too(sound: Path, planted: str, words: str) -> None:
    _sql(sound, planted)
    before = sound.read_bytes()
    with pytest.raises(PairjournalError) as refused:
        _add_read_ahead(sound, "beside the planted row")
    assert words in str(refused.value)
    assert sound.read_bytes() == before


def test_rows_read_ahead_are_not_trusted_after_another_connection_commits(sound: Path) -> None:
    store = Store.open(sound, PASSPHRASE, read_ahead=True)
    try:
        with Journal(store, deferred=True) as journal:
            assert store._ahead is not None
            store._ahead._thread.join()  # the rows are in, read from the sound file...
            _flip(sound)  # ...and then someone else's commit damages one
            before = _rows(sound)
            with pytest.raises(ReadOnlyJournal, match="1 record"):
                journal.add_reflection("judged on the file as it is now")
    finally:
        store.close()
    assert _rows(sound) == before


@pytest.mark.parametrize("damaged", [False, True])
def test_a_journal_larger_than_the_read_ahead_is_read_the_rest_of_the_way_in_the_write(
    sound: Path, monkeypatch: pytest.MonkeyPatch, damaged: bool
) -> None:
    monkeypatch.setattr(store_module, "READ_AHEAD_BYTES", 1)  # one batch ahead, the rest later
    monkeypatch.setattr(store_module, "READ_AHEAD_CHUNK", 8)
    if damaged:
        _flip(sound, "rowid = (SELECT MAX(rowid) FROM records)")  # in the part not read ahead
        before = sound.read_bytes()
        with pytest.raises(ReadOnlyJournal, match="1 record"):
            _add_read_ahead(sound, "over the evidence")
        assert sound.read_bytes() == before
    else:
        before_texts = _texts(sound)
        _add_read_ahead(sound, "after a partial read ahead")
        assert _texts(sound) == sorted([*before_texts, "after a partial read ahead"])


def test_a_journal_not_in_wal_mode_still_takes_the_add(sound: Path) -> None:
    """(A copy made by `backup` is in rollback mode: the open converts it, and a reader of
    its own must not hold that up; whether it read ahead depends on who came first.)"""
    _sql(sound, "PRAGMA journal_mode=DELETE")
    store = Store.open(sound, PASSPHRASE, read_ahead=True)
    with Journal(store, deferred=True) as journal:
        journal.add_reflection("written all the same")
        assert not journal.loaded
    assert "written all the same" in _texts(sound)


def test_a_wrong_passphrase_read_ahead_leaves_nothing_beside_the_journal(sound: Path) -> None:
    beside = sorted(p.name for p in sound.parent.iterdir())
    with pytest.raises(WrongPassphrase):
        Store.open(sound, "not the passphrase", read_ahead=True)
    assert sorted(p.name for p in sound.parent.iterdir()) == beside


# -- the command line, read before click ------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--journal", "j", "--passphrase-file", "p", "reflect", "x"], ("reflect", Path("j"), Path("p"))),
        (["--passphrase-file=p", "--journal=j", "search", "x"], ("search", Path("j"), Path("p"))),
        (["--journal", "a", "--journal", "b", "list", "pairs"], ("list", Path("b"), None)),  # click: the last wins
        (["reflect", "--journal", "x"], ("reflect", None, None)),  # after the command: the command's own
    ],
)
def test_plain_command_lines_are_read_before_click(argv: list[str], expected: tuple[object, ...]) -> None:
    assert _early_request(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--journal", "j"],
        ["--journal"],
        ["--journal=", "reflect", "x"],
        ["--journal", "--passphrase-file", "p", "reflect", "x"],  # a value that looks like an option
        ["--version"],
        ["--jour", "j", "reflect", "x"],  # no abbreviations: click has none either
        ["--journal", "j", "init"],  # makes a journal: nothing to unlock
        ["--journal", "j", "export", "x"],  # not an everyday command
        ["--journal", "j", "reflect", "--help"],
        ["-h", "reflect"],
    ],
)
def test_any_other_command_line_is_left_to_click(argv: list[str]) -> None:
    assert _early_request(argv) is None


def test_the_journal_from_the_environment_as_click_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAIRJOURNAL_JOURNAL", "from-env")
    assert _early_request(["reflect", "x"]) == ("reflect", Path("from-env"), None)
    monkeypatch.setenv("PAIRJOURNAL_JOURNAL", "")  # empty is unset, for click too
    assert _early_request(["reflect", "x"]) == ("reflect", None, None)


def _reflect_process(path: Path, passfile: Path, text: str) -> subprocess.CompletedProcess[str]:
    env = subprocess_env()
    env.pop("PAIRJOURNAL_PASSPHRASE", None)
    env.pop("PAIRJOURNAL_JOURNAL", None)
    return subprocess.run(
        [PYTHON, "-m", "pairjournal", "--journal", str(path), "--passphrase-file", str(passfile), "reflect", text],
        capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL,
    )


def test_the_whole_process_adds_or_refuses_damage_in_one_line(sound: Path, tmp_path: Path) -> None:
    passfile = tmp_path / "passphrase"
    passfile.write_text(PASSPHRASE + "\n")
    passfile.chmod(0o600)
    done = _reflect_process(sound, passfile, "from a whole process")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Saved reflection [") and done.stderr == ""
    assert "from a whole process" in _texts(sound)

    _flip(sound)
    before = sound.read_bytes()
    refused = _reflect_process(sound, passfile, "over the evidence")
    assert refused.returncode == 6
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith("pairjournal: error: the journal is damaged (1 record(s) fail authentication)")
    assert "nothing was written" in line and "Traceback" not in refused.stderr
    assert sound.read_bytes() == before
    assert not [p for p in sound.parent.iterdir() if p.name.endswith(("-wal", "-shm"))]
