"""Automatic daily backups beside the journal, and restoring from any backup.

Once a day, the first time the journal is opened, an encrypted copy is written
to ``<journal-name>.backups/YYYY-MM-DD.pairjournal`` (the folder is private to
its owner) and only the newest ``keep`` copies stay. A copy is made with
SQLite's backup API, so it is consistent and opens with the passphrase the
journal had that day. Each copy is checked in full before it joins the rotation.
A damaged journal (records failing authentication, a manifest that does not
match) is never copied: it would only push good copies out of the rotation.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pairjournal.errors import DamagedJournal, JournalExists, PairjournalError, UsageError
from pairjournal.vault.restore import RestoreResult, restore_journal
from pairjournal.vault.store import secure_folder

if TYPE_CHECKING:
    from pairjournal.journal.service import Journal

DEFAULT_KEEP = 7
BACKUP_SUFFIX = ".pairjournal"
_BACKUP_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}\.pairjournal$")
# Store.backup writes to ".<name>.partial-<hex>" and renames it into place.
_PARTIAL_NAME = re.compile(r"^\.\d{4}-\d{2}-\d{2}\.pairjournal\.partial-[0-9a-f]+$")
STALE_PARTIAL_S = 3600.0


@dataclass(frozen=True)
class AutoBackupResult:
    """What the daily backup did when the journal was opened; opening never waits on it."""

    path: Path | None = None  # the copy made just now; None when today's already existed
    error: str | None = None  # one line saying why no copy was made, if one should have been


def backup_folder(journal_path: Path) -> Path:
    return journal_path.with_name(f"{journal_path.name}.backups")


def list_backups(journal_path: Path) -> list[Path]:
    """The automatic backups of a journal, newest first."""
    folder = backup_folder(Path(journal_path))
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if _BACKUP_NAME.match(p.name) and p.is_file()]
    return sorted(found, key=lambda p: p.name, reverse=True)


def auto_backup(journal: Journal, keep: int = DEFAULT_KEEP, today: date | None = None) -> Path | None:
    """Writes today's backup unless it exists, then keeps only the newest `keep`.

    Returns the new backup's path, or None when today's was already there.
    """
    if keep < 1:
        raise UsageError("keep at least one automatic backup")
    day = today or date.today()
    folder = backup_folder(journal.path)
    secure_folder(folder)
    dest = folder / f"{day.isoformat()}{BACKUP_SUFFIX}"
    if dest.exists():
        return None
    try:
        journal.daily_copy(dest)
    except JournalExists:  # another process made today's copy a moment ago
        return None
    # A copy joins the rotation only once it passes the full check itself (SQLite's
    # structure, every record, the manifest), so the rotation below, which keeps it,
    # never drops the newest backup known to be good for one that is not.
    report = journal.check_copy(dest)
    if not report.ok:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(dest)
        first = report.problems[0] if report.problems else f"record {report.bad[0].id} {report.bad[0].reason}"
        raise DamagedJournal(f"today's backup failed its check and was removed ({first}); older backups are kept")
    rotate(journal.path, keep, protect=dest)
    return dest


def rotate(
    journal_path: Path, keep: int = DEFAULT_KEEP, *, now: float | None = None, protect: Path | None = None
) -> list[Path]:
    """Deletes all but the newest `keep` automatic backups; returns what it removed.

    `protect` is the copy just made and checked: it is never removed, even if a
    clock set back makes it sort among the oldest. Also clears half-written copies
    a crash left behind, once they are old enough that no running backup can
    still be writing them.
    """
    found = list_backups(journal_path)
    others = [p for p in found if p != protect]
    removed = others[keep - 1 if protect in found else keep :]
    folder = backup_folder(Path(journal_path))
    cutoff = (now if now is not None else time.time()) - STALE_PARTIAL_S
    with contextlib.suppress(OSError):
        for p in folder.iterdir():
            if _PARTIAL_NAME.match(p.name) and p.stat().st_mtime < cutoff:
                removed.append(p)
    gone = []
    for old in removed:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(old)
            gone.append(old)
    return gone


def has_todays_backup(journal_path: Path, today: date | None = None) -> bool:
    """Whether today's automatic backup is already beside the journal (or this is one)."""
    journal_path = Path(journal_path)
    if journal_path.parent.name.endswith(".backups"):
        return True  # no backups of backups
    day = today or date.today()
    return (backup_folder(journal_path) / f"{day.isoformat()}{BACKUP_SUFFIX}").is_file()


def daily_backup(journal: Journal) -> AutoBackupResult:
    """auto_backup for Journal.open: never raises, so a backup problem never blocks opening.

    A damaged journal (open read-only) is never copied: a week of opening it would
    otherwise push every good copy out of the rotation.
    """
    if journal.damaged or journal.read_only:
        return AutoBackupResult(error="skipped: the journal is damaged (run `pairjournal check`)")
    if journal.path.parent.name.endswith(".backups"):
        return AutoBackupResult()  # an automatic backup being looked at: no backups of backups
    try:
        return AutoBackupResult(path=auto_backup(journal))
    except PairjournalError as exc:
        return AutoBackupResult(error=str(exc))
    except OSError as exc:
        return AutoBackupResult(error=f"automatic backup failed: {exc.strerror or exc.__class__.__name__}")
    except Exception as exc:
        return AutoBackupResult(error=f"automatic backup failed ({exc.__class__.__name__})")


def restore(journal_path: Path, src: Path, passphrase: str, *, now: datetime | None = None) -> RestoreResult:
    """Verifies the backup src completely, then puts it in the journal's place.

    The replaced journal is kept as ``<journal>.before-restore-<timestamp>``; a
    backup that fails any check is refused and the journal is left as it was.
    """
    return restore_journal(Path(journal_path), Path(src), passphrase, now=now)


__all__ = [
    "DEFAULT_KEEP",
    "AutoBackupResult",
    "RestoreResult",
    "auto_backup",
    "backup_folder",
    "daily_backup",
    "has_todays_backup",
    "list_backups",
    "restore",
    "rotate",
]
