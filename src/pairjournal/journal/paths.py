"""Where a journal's files are: the journal, SQLite's companions, the lock, the backups folder.

Every command that writes a file the person names (an export, a backup, a
card, a bundle, a report) refuses a destination that is one of these, resolved
through symbolic links, so no typo or hostile path can put an export where
the journal was.
"""

from __future__ import annotations

import os
from pathlib import Path

from pairjournal.errors import UsageError

COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")
LOCK_SUFFIX = ".lock"
BACKUPS_SUFFIX = ".backups"


def lock_path_for(journal_path: Path) -> Path:
    return journal_path.with_name(journal_path.name + LOCK_SUFFIX)


def backup_folder(journal_path: Path) -> Path:
    return journal_path.with_name(f"{journal_path.name}{BACKUPS_SUFFIX}")


def _resolved(path: Path) -> Path:
    # strict=False: a destination that does not exist yet still resolves its folders' links.
    return Path(os.path.realpath(path))


def protected(journal_path: Path) -> tuple[list[Path], list[Path]]:
    """(files, folders) that no user-named destination may be, or lie inside."""
    journal = _resolved(Path(journal_path))
    files = [journal, *(journal.with_name(journal.name + s) for s in COMPANION_SUFFIXES), lock_path_for(journal)]
    folders = [backup_folder(journal)]
    given = Path(journal_path).absolute()
    if given != journal:  # the journal named through a link: its own name's companions too
        files += [given, *(given.with_name(given.name + s) for s in COMPANION_SUFFIXES), lock_path_for(given)]
        folders.append(backup_folder(given))
    return files, folders


def refuse_journal_paths(dest: Path, journal_path: Path) -> None:
    """Raises UsageError when `dest` is the journal, one of its companions, its lock or its backups."""
    target = _resolved(Path(dest))
    files, folders = protected(journal_path)
    resolved_folders = [_resolved(f) for f in folders]
    inside = any(target == f or f in target.parents for f in (*folders, *resolved_folders))
    same_file = False
    try:
        same_file = os.path.samefile(target, journal_path)
    except OSError:
        pass
    if target in files or inside or same_file:
        raise UsageError(f"{dest} is the journal or one of its own files; choose another destination")


__all__ = ["backup_folder", "lock_path_for", "protected", "refuse_journal_paths"]
