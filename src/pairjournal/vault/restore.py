"""Putting a backup file in the journal's place, without ever risking either.

The backup is copied into the journal's own folder and proven sound there (it
unlocks with the passphrase, SQLite's structure check passes, every record
authenticates and the sealed manifest matches) before anything is touched.
Only then is the current journal settled into one self-contained file, kept
under a new name (``<journal>.before-restore-<timestamp>``), and the verified
copy moved into place with one atomic rename. At every moment a complete
journal sits at the journal's path.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pairjournal.errors import DamagedJournal, JournalBusy, JournalMissing, PairjournalError, UsageError
from pairjournal.vault.store import BUSY_TIMEOUT_S, Store, read_header, secure_folder, sqlite_errors

# Settling the current journal needs it to ourselves; a running instance holds
# it open, and waiting the full busy timeout would only delay the refusal.
SETTLE_TIMEOUT_S = 1.0
SIDE_FILES = ("-wal", "-shm", "-journal")
STALE_COPY_S = 3600.0


@dataclass(frozen=True)
class RestoreResult:
    records: int
    previous: Path | None  # where the replaced journal now lives (None when there was none)


def _remove_with_side_files(path: Path) -> None:
    for suffix in ("", *SIDE_FILES):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")


def _private_temp(folder: Path, label: str) -> Path:
    tmp = folder / f".{label}-{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    return tmp


def _copy_database(src: Path, dest: Path) -> None:
    """A consistent copy through SQLite (it includes a WAL beside src, if any)."""
    with sqlite_errors():
        source = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            target = sqlite3.connect(str(dest))
            try:
                source.backup(target)
            finally:
                target.close()
        finally:
            source.close()


def verify_copy(src: Path, passphrase: str, folder: Path, label: str) -> tuple[Path, int]:
    """Copies src into folder and proves the copy sound; returns (copy, record count).

    Raises the PairjournalError that explains why the backup cannot be used;
    the copy is then already gone.
    """
    read_header(src)  # missing, not a journal, damaged or newer header: refuse before copying
    tmp = _private_temp(folder, label)
    try:
        _copy_database(src, tmp)
        store = Store.open(tmp, passphrase)
        try:
            report = store.check()
            if not report.ok:
                first = report.problems[0] if report.problems else f"record {report.bad[0].id} {report.bad[0].reason}"
                count = len(report.bad) + len(report.problems)
                raise DamagedJournal(f"the backup fails verification ({count} problem(s); first: {first})")
            store.checkpoint()
        finally:
            store.close()
        for suffix in SIDE_FILES:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{tmp}{suffix}")
        return tmp, report.records
    except BaseException:
        _remove_with_side_files(tmp)
        raise


def _settle(journal: Path) -> sqlite3.Connection | None:
    """Takes the current journal for ourselves and folds its WAL into the main file.

    Exclusive locking mode keeps SQLite's lock after the (empty) transaction,
    so nobody can read or write the old journal until the swap is done, and the
    checkpoint leaves nothing in its WAL: the old file is whole on its own. No
    page of it is rewritten here, so a kill at any point leaves it as it was.

    Returns the locking connection (close it after the swap), or None when
    SQLite cannot open the file at all (a damaged journal is kept as it is).
    Raises JournalBusy when another process has the journal open.
    """
    busy = JournalBusy("the journal is open in another pairjournal; close it, then restore")
    try:
        conn = sqlite3.connect(str(journal), isolation_level=None, timeout=SETTLE_TIMEOUT_S)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")  # before the first read: no shared memory used
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
        if conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] != 0:
            raise busy
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise busy from exc
        return None
    except sqlite3.Error:
        conn.close()
        return None
    except BaseException:
        conn.close()
        raise


def _clear_stale_copies(journal: Path) -> None:
    """Verified copies a killed restore left behind (encrypted, but clutter)."""
    cutoff = time.time() - STALE_COPY_S
    with contextlib.suppress(OSError):
        for p in journal.parent.glob(f".{glob.escape(journal.name)}.restoring-*"):
            if p.stat().st_mtime < cutoff:
                p.unlink(missing_ok=True)


def _keep_name(journal: Path, now: datetime) -> Path:
    base = f"{journal.name}.before-restore-{now:%Y%m%d-%H%M%S}"
    candidate = journal.with_name(base)
    n = 1
    while candidate.exists():
        n += 1
        candidate = journal.with_name(f"{base}-{n}")
    return candidate


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def restore_journal(journal: Path, src: Path, passphrase: str, *, now: datetime | None = None) -> RestoreResult:
    """Replaces journal by the verified contents of src; the old journal is kept beside it."""
    journal, src = Path(journal), Path(src)
    if not src.exists():
        raise JournalMissing(f"no backup at {src}; nothing was restored, the journal is unchanged")
    if journal.exists() and src.resolve() == journal.resolve():
        raise UsageError("that backup is the journal itself; name a backup file")
    secure_folder(journal.parent)
    _clear_stale_copies(journal)
    try:
        verified, records = verify_copy(src, passphrase, journal.parent, f"{journal.name}.restoring")
    except PairjournalError as exc:
        raise type(exc)(f"backup {src}: {exc}; nothing was restored, the journal is unchanged") from exc
    try:
        previous: Path | None = None
        if journal.exists():
            lock = _settle(journal)
            try:
                previous = _keep_name(journal, now or datetime.now())
                try:
                    os.link(journal, previous)
                except OSError:  # a filesystem without hard links
                    # Imported here: shutil brings bz2 and lzma, and every command that opens a
                    # journal imports this module (through the daily backups), rarely to restore.
                    import shutil

                    shutil.copy2(journal, previous)
                if lock is None:
                    # Logs SQLite could not fold in belong to the damaged old file:
                    # they go with it, never with the new one (SQLite would replay
                    # them into the wrong file).
                    for suffix in ("-wal", "-journal"):
                        with contextlib.suppress(FileNotFoundError):
                            os.replace(f"{journal}{suffix}", f"{previous}{suffix}")
                os.replace(verified, journal)
            finally:
                if lock is not None:
                    # Closing also removes the old journal's emptied WAL by name.
                    lock.close()
        else:
            os.replace(verified, journal)
        _fsync_dir(journal.parent)
    finally:
        if verified.exists():  # only when something above failed before the swap
            _remove_with_side_files(verified)
    return RestoreResult(records=records, previous=previous)


__all__ = ["RestoreResult", "restore_journal", "verify_copy"]
