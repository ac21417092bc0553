"""Issue 12, item 6: nothing left behind by a failed open, nothing readable by others, ever.

A failed open (a wrong passphrase, a bad header) left an empty -wal and a -shm
beside the journal; a journal that was 0666 kept its -wal and -shm at 0666 for
the whole session; folders made above a new journal followed the umask.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import PASSPHRASE, CliResult
from pairjournal.errors import DamagedJournal, WrongPassphrase
from pairjournal.journal import Journal
from pairjournal.journal.backups import auto_backup, backup_folder

Cli = Callable[..., CliResult]


def _mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _companions(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


@pytest.fixture
def closed(make_journal: Callable[..., Journal], journal_path: Path) -> Path:
    with make_journal() as journal:
        journal.add_pair("Kai", "mentor")
    assert _companions(journal_path) == []
    return journal_path


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_a_wrong_passphrase_leaves_nothing_beside_the_journal(closed: Path, cli: Cli) -> None:
    before = closed.read_bytes()
    with pytest.raises(WrongPassphrase):
        Journal.open(closed, "not the passphrase at all")
    assert _companions(closed) == []
    result = cli("list", "pairs", env={"PAIRJOURNAL_PASSPHRASE": "still not it"})
    assert result.exit_code == 3
    assert _companions(closed) == []
    assert closed.read_bytes() == before


def test_a_bad_header_leaves_nothing_beside_the_journal(closed: Path) -> None:
    conn = sqlite3.connect(closed)
    with conn:
        (raw,) = conn.execute("SELECT header FROM vault").fetchone()
        header = json.loads(raw)
        header["kdf"]["memory_kib"] = 10**12  # refused before the key derivation
        conn.execute("UPDATE vault SET header=?", (json.dumps(header).encode(),))
    conn.close()
    with pytest.raises(DamagedJournal):
        Journal.open(closed, PASSPHRASE)
    assert _companions(closed) == []


def test_companions_of_an_open_journal_already_there_are_left_alone(closed: Path) -> None:
    """Only what the failed open made is gone: another process's -wal and -shm stay."""
    with Journal.open(closed, PASSPHRASE) as other:
        assert other.pairs()
        present = _companions(closed)
        assert present == [f"{closed.name}-shm", f"{closed.name}-wal"]
        with pytest.raises(WrongPassphrase):
            Journal.open(closed, "wrong, while the other has it open")
        assert _companions(closed) == present
        assert [p.name for p in other.pairs()] == ["Kai"]


def test_companions_are_private_from_their_first_byte(closed: Path, umask_022: None) -> None:
    os.chmod(closed, 0o666)
    with Journal.open(closed, PASSPHRASE) as journal:
        journal.add_reflection("written while open")
        for suffix in ("", "-wal", "-shm"):
            assert _mode(f"{closed}{suffix}") == 0o600, suffix
    assert _mode(closed) == 0o600


def test_init_makes_every_folder_private_whatever_the_umask(tmp_path: Path, cli: Cli, umask_022: None) -> None:
    deep = tmp_path / "a" / "b" / "c" / "journal.pairjournal"
    result = cli("--journal", str(deep), "init")
    assert result.exit_code == 0, result.stderr
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert _mode(folder) == 0o700, folder
    assert _mode(deep) == 0o600


def test_backup_folders_are_private_too(closed: Path, tmp_path: Path, cli: Cli, umask_022: None) -> None:
    dest = tmp_path / "elsewhere" / "deeper" / "copy.pairjournal"
    assert cli("backup", str(dest)).exit_code == 0
    assert _mode(dest.parent) == 0o700 and _mode(dest.parent.parent) == 0o700 and _mode(dest) == 0o600
    with Journal.open(closed, PASSPHRASE) as journal:
        from datetime import date

        auto_backup(journal, today=date(2026, 1, 2))
    assert _mode(backup_folder(closed)) == 0o700


def test_the_interfaces_lock_makes_private_folders(tmp_path: Path, umask_022: None) -> None:
    from pairjournal.tui.lock import InstanceLock

    lock = InstanceLock(tmp_path / "x" / "y" / "journal.pairjournal")
    lock.acquire()
    try:
        assert _mode(tmp_path / "x") == 0o700 and _mode(tmp_path / "x" / "y") == 0o700
    finally:
        lock.release()
