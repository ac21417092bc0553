"""Backup and restore, and the automatic daily backups kept beside the journal.

`restore` verifies the whole backup (passphrase, structure, every record, the
manifest) on a private copy before touching anything, keeps the journal it
replaces as <journal>.before-restore-<timestamp>, swaps with one atomic rename,
and leaves the journal byte-for-byte as it was whenever it refuses.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import stat
import time
import traceback
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import PASSPHRASE, CliResult
from pairjournal.errors import JournalBusy, WrongPassphrase
from pairjournal.journal import Journal
from pairjournal.journal.backups import auto_backup, backup_folder, list_backups, restore, rotate


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _texts(path: Path, passphrase: str = PASSPHRASE) -> set[str]:
    with Journal.open(path, passphrase) as journal:
        assert journal.check().ok and not journal.damaged
        return {r.text for r in journal.reflections()}


def _folder_state(folder: Path) -> dict[str, str]:
    """Every file in the journal's folder (not the automatic backups) and its hash."""
    return {p.name: _digest(p) for p in folder.iterdir() if p.is_file()}


@pytest.fixture
def journal_with_backup(make_journal: Callable[..., Journal], journal_path: Path, cli: Callable[..., CliResult], tmp_path: Path) -> Path:
    """A journal, a backup of it (two reflections), then a third reflection only in the journal."""
    with make_journal() as journal:
        journal.add_reflection("in the backup 1")
        journal.add_reflection("in the backup 2")
    dest = tmp_path / "elsewhere" / "copy.pairjournal"
    made = cli("backup", str(dest))
    assert made.exit_code == 0, made.stderr
    with Journal.open(journal_path, PASSPHRASE) as journal:
        journal.add_reflection("written after the backup")
    return dest


def test_backup_opens_with_the_passphrase_and_is_private(journal_with_backup: Path) -> None:
    assert _texts(journal_with_backup) == {"in the backup 1", "in the backup 2"}
    assert stat.S_IMODE(journal_with_backup.stat().st_mode) == 0o600


def test_restore_replaces_the_journal_and_keeps_the_previous_one(
    journal_with_backup: Path, journal_path: Path, cli: Callable[..., CliResult]
) -> None:
    result = cli("restore", str(journal_with_backup))
    assert result.exit_code == 0, result.stderr
    assert "Restored 2 records" in result.stdout
    assert _texts(journal_path) == {"in the backup 1", "in the backup 2"}

    [kept] = journal_path.parent.glob(f"{journal_path.name}.before-restore-*")
    assert str(kept) in result.stdout
    assert _texts(kept) == {"in the backup 1", "in the backup 2", "written after the backup"}
    assert stat.S_IMODE(journal_path.stat().st_mode) == 0o600
    leftovers = [p.name for p in journal_path.parent.iterdir() if ".restoring-" in p.name]
    assert leftovers == []
    assert cli("check").exit_code == 0


def _assert_refused(result: CliResult, journal_path: Path, before: dict[str, str], *words: str) -> None:
    assert result.exit_code != 0
    [line] = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr and "nothing was restored" in line
    for word in words:
        assert word in line
    assert _folder_state(journal_path.parent) == before  # byte for byte, and no new files


def test_restore_refuses_a_backup_with_an_altered_record(
    journal_with_backup: Path, journal_path: Path, cli: Callable[..., CliResult]
) -> None:
    conn = sqlite3.connect(journal_with_backup)
    with conn:
        (rid, ct) = conn.execute("SELECT id, ct FROM records LIMIT 1").fetchone()
        conn.execute("UPDATE records SET ct=? WHERE id=?", (bytes([ct[0] ^ 1]) + ct[1:], rid))
    conn.close()
    before = _folder_state(journal_path.parent)
    _assert_refused(cli("restore", str(journal_with_backup)), journal_path, before, "fails verification", rid)


def test_restore_refuses_a_backup_with_a_deleted_row(
    journal_with_backup: Path, journal_path: Path, cli: Callable[..., CliResult]
) -> None:
    conn = sqlite3.connect(journal_with_backup)
    with conn:
        conn.execute("DELETE FROM records WHERE rowid = (SELECT min(rowid) FROM records)")
    conn.close()
    before = _folder_state(journal_path.parent)
    _assert_refused(cli("restore", str(journal_with_backup)), journal_path, before, "manifest")


@pytest.mark.parametrize("damage", ["truncated", "not a journal", "missing", "zero bytes"])
def test_restore_refuses_a_damaged_file(
    journal_with_backup: Path, journal_path: Path, cli: Callable[..., CliResult], damage: str
) -> None:
    raw = journal_with_backup.read_bytes()
    match damage:
        case "truncated":
            journal_with_backup.write_bytes(raw[: len(raw) // 2])
        case "not a journal":
            journal_with_backup.write_text("dear diary, this is not a journal\n")
        case "missing":
            journal_with_backup.unlink()
        case "zero bytes":
            journal_with_backup.write_bytes(b"")
    before = _folder_state(journal_path.parent)
    _assert_refused(cli("restore", str(journal_with_backup)), journal_path, before)


def test_restore_refuses_the_wrong_passphrase(
    journal_with_backup: Path, journal_path: Path, cli: Callable[..., CliResult]
) -> None:
    before = _folder_state(journal_path.parent)
    result = cli("restore", str(journal_with_backup), env={"PAIRJOURNAL_PASSPHRASE": "not the passphrase"})
    assert result.exit_code == WrongPassphrase.exit_code
    _assert_refused(result, journal_path, before, "wrong passphrase")


def test_restore_refuses_while_the_journal_is_open_elsewhere(journal_with_backup: Path, journal_path: Path) -> None:
    with Journal.open(journal_path, PASSPHRASE) as held:  # a running interface
        before = _digest(journal_path)
        with pytest.raises(JournalBusy):
            restore(journal_path, journal_with_backup, PASSPHRASE)
        assert _digest(journal_path) == before
        assert held.check().ok
    assert list(journal_path.parent.glob("*.before-restore-*")) == []


def test_restore_onto_a_new_computer(journal_with_backup: Path, tmp_path: Path) -> None:
    target = tmp_path / "new-laptop" / "journal.pairjournal"
    result = restore(target, journal_with_backup, PASSPHRASE)
    assert result.previous is None and result.records == 2
    assert _texts(target) == {"in the backup 1", "in the backup 2"}


def test_restore_from_a_live_copy_includes_its_write_ahead_log(make_journal: Callable[..., Journal], tmp_path: Path) -> None:
    """A copy taken with its -wal beside it (changes not yet folded in) restores whole."""
    source = tmp_path / "live" / "j.pairjournal"
    with make_journal(source) as journal:
        journal.add_reflection("only in the log, not yet in the main file")
        copy = tmp_path / "copy" / "j.pairjournal"
        copy.parent.mkdir()
        shutil.copyfile(source, copy)
        shutil.copyfile(f"{source}-wal", f"{copy}-wal")
    target = tmp_path / "restored" / "j.pairjournal"
    restore(target, copy, PASSPHRASE)
    assert _texts(target) == {"only in the log, not yet in the main file"}


def test_restore_killed_at_any_moment_leaves_a_whole_journal(make_journal: Callable[..., Journal], journal_path: Path, tmp_path: Path) -> None:
    """A journal is at the path at every moment: the old one or the restored one, never neither or a mix."""
    with make_journal() as journal:
        for i in range(30):
            journal.add_reflection(f"backup {i}")
    backup = tmp_path / "b.pairjournal"
    with Journal.open(journal_path, PASSPHRASE) as journal:
        journal.backup(backup)
        for i in range(5):
            journal.add_reflection(f"current {i}")
    current, restored = _texts(journal_path), {f"backup {i}" for i in range(30)}
    snapshot = tmp_path / "current-snapshot.pairjournal"
    shutil.copyfile(journal_path, snapshot)

    def fork_restore() -> int:
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                restore(journal_path, backup, PASSPHRASE)
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        return pid

    spans = []
    for _ in range(2):  # how long one restore takes here
        shutil.rmtree(journal_path.parent)
        journal_path.parent.mkdir()
        shutil.copyfile(snapshot, journal_path)
        started = time.monotonic()
        _, status = os.waitpid(fork_restore(), 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        spans.append(time.monotonic() - started)

    rng = random.Random(3)
    outcomes = {"old": 0, "new": 0}
    for round_ in range(16):
        shutil.rmtree(journal_path.parent)
        journal_path.parent.mkdir()
        shutil.copyfile(snapshot, journal_path)
        pid = fork_restore()
        time.sleep(rng.uniform(0, max(spans) * 1.2))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        texts = _texts(journal_path)
        assert texts in (current, restored), f"round {round_}: a mix"
        outcomes["new" if texts == restored else "old"] += 1
        if texts == current:  # and an interrupted restore can simply be run again
            restore(journal_path, backup, PASSPHRASE)
            assert _texts(journal_path) == restored
    assert outcomes["old"] > 0 and outcomes["new"] > 0, outcomes


# -- automatic daily backups ---------------------------------------------------------------


def test_rotation_keeps_the_newest_seven_daily_backups(make_journal: Callable[..., Journal], journal_path: Path) -> None:
    first = date(2024, 3, 1)
    with make_journal() as journal:
        for day in range(10):
            journal.add_reflection(f"day {day}")
            made = auto_backup(journal, today=first + timedelta(days=day))
            assert made is not None and made.name == f"{(first + timedelta(days=day)).isoformat()}.pairjournal"
            assert auto_backup(journal, today=first + timedelta(days=day)) is None  # once a day
    kept = list_backups(journal_path)
    assert [p.name for p in kept] == [f"{(first + timedelta(days=d)).isoformat()}.pairjournal" for d in range(9, 2, -1)]
    # Each is a real, encrypted journal as it was that day.
    for back, d in zip(kept, range(9, 2, -1), strict=True):
        assert _texts(back) == {f"day {i}" for i in range(d + 1)}
        assert stat.S_IMODE(back.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup_folder(journal_path).stat().st_mode) == 0o700


def test_rotation_touches_only_its_own_files(make_journal: Callable[..., Journal], journal_path: Path) -> None:
    with make_journal() as journal:
        folder = backup_folder(journal_path)
        folder.mkdir(mode=0o700)
        (folder / "notes.txt").write_text("mine")
        stale = folder / ".2024-01-01.pairjournal.partial-abcd1234"
        fresh = folder / ".2024-01-02.pairjournal.partial-abcd1234"
        stale.write_bytes(b"half")
        fresh.write_bytes(b"half")
        os.utime(stale, (time.time() - 7200, time.time() - 7200))
        for day in range(3):
            auto_backup(journal, keep=1, today=date(2024, 1, 1) + timedelta(days=day))
    assert sorted(p.name for p in folder.iterdir()) == sorted(["notes.txt", "2024-01-03.pairjournal", fresh.name])
    assert rotate(journal_path, keep=1) == []


def test_opening_makes_todays_backup_once(make_journal: Callable[..., Journal], journal_path: Path, cli: Callable[..., CliResult]) -> None:
    with make_journal() as journal:
        journal.add_reflection("kept safe")
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert journal.auto_backup is not None and journal.auto_backup.error is None
        made = journal.auto_backup.path
        assert made == backup_folder(journal_path) / f"{date.today().isoformat()}.pairjournal"
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert journal.auto_backup is not None and journal.auto_backup.path is None
    assert _texts(made) == {"kept safe"}
    listed = cli("backups")
    assert listed.exit_code == 0 and str(made) in listed.stdout


def test_a_failed_backup_never_blocks_opening(make_journal: Callable[..., Journal], journal_path: Path) -> None:
    with make_journal() as journal:
        journal.add_reflection("opens anyway")
    backup_folder(journal_path).write_text("a file where the folder should be")
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert [r.text for r in journal.reflections()] == ["opens anyway"]
        assert journal.auto_backup is not None and journal.auto_backup.path is None
        assert journal.auto_backup.error and "\n" not in journal.auto_backup.error


def test_a_damaged_journal_is_not_backed_up(make_journal: Callable[..., Journal], journal_path: Path) -> None:
    with make_journal() as journal:
        journal.add_reflection("a")
        journal.add_reflection("b")
    conn = sqlite3.connect(journal_path)
    with conn:
        (rid, ct) = conn.execute("SELECT id, ct FROM records LIMIT 1").fetchone()
        conn.execute("UPDATE records SET ct=? WHERE id=?", (ct[:-1] + bytes([ct[-1] ^ 1]), rid))
    conn.close()
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert journal.damaged
        assert journal.auto_backup is not None and journal.auto_backup.path is None
        assert "skipped" in (journal.auto_backup.error or "")
    assert list_backups(journal_path) == []


def test_backups_of_a_changed_passphrase_open_with_the_passphrase_of_their_day(
    make_journal: Callable[..., Journal], journal_path: Path
) -> None:
    with make_journal() as journal:
        journal.add_reflection("before the change")
        old_day = auto_backup(journal, today=date(2024, 5, 1))
        journal.change_passphrase("the new one")
        new_day = auto_backup(journal, today=date(2024, 5, 2))
    assert old_day is not None and new_day is not None
    assert _texts(old_day, PASSPHRASE) == {"before the change"}
    assert _texts(new_day, "the new one") == {"before the change"}
    with pytest.raises(WrongPassphrase):
        Journal.open(new_day, PASSPHRASE)
