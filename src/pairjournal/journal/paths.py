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


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def refuse_journal_paths(dest: Path, journal_path: Path) -> None:
    """Raises UsageError when `dest` is the journal, one of its companions, its lock or its backups.

    Compared by name (also ignoring case: on a case-insensitive disk `X.PAIRJOURNAL-WAL`
    is the WAL) and by the file itself (a hard link, a folder reached another way).
    """
    target = _resolved(Path(dest))
    files, folders = protected(journal_path)
    folders = [*folders, *(_resolved(f) for f in folders)]
    names = {str(f).casefold() for f in files}
    places = [str(target).casefold(), *(str(p).casefold() for p in target.parents)]
    inside = any(str(f).casefold() in places for f in folders)
    same_file = any(_same_file(target, f) for f in files if os.path.lexists(f))
    under_backups = any(_same_file(parent, f) for parent in target.parents for f in folders if os.path.isdir(f))
    if str(target).casefold() in names or inside or same_file or under_backups:
        raise UsageError(f"{dest} is the journal or one of its own files; choose another destination")


def refuse_journal_stream(fd: int, journal_path: Path) -> None:
    """The same refusal for an open file descriptor (standard output redirected onto the journal)."""
    try:
        info = os.fstat(fd)
    except OSError:
        return
    files, folders = protected(journal_path)
    for f in files:
        try:
            other = os.stat(f)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
            raise UsageError("standard output is the journal or one of its own files; write the export elsewhere")
    link = Path(f"/proc/self/fd/{fd}")
    if link.is_symlink():  # Linux names the open file: catch one inside the backups folder too
        try:
            named = Path(os.readlink(link))
        except OSError:
            return
        if named.is_absolute() and any(f in named.parents for f in (*folders, *(_resolved(f) for f in folders))):
            raise UsageError("standard output is the journal or one of its own files; write the export elsewhere")


__all__ = ["backup_folder", "lock_path_for", "protected", "refuse_journal_paths", "refuse_journal_stream"]
