"""Writing a file the person names: private to its owner (0600) from the first byte, never half-written.

The bytes go to a hidden temporary file made with O_EXCL and mode 0600 in the
destination's folder and are synced, then linked into place (which refuses to
clobber) or, with force, renamed over the old file, and the folder is synced.
Until publish() the destination is untouched, so a failure in between leaves
nothing behind. No destination may be the journal or one of its own files.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from pairjournal.errors import UsageError
from pairjournal.journal.paths import refuse_journal_paths

FILE_MODE = 0o600


class FileExists(UsageError):
    """The destination is taken. Each front end says its own way to replace it (a flag, a question)."""

    def __init__(self, dest: Path) -> None:
        super().__init__(f"{dest} already exists")
        self.dest = dest


def check_destination(dest: Path, *, force: bool, journal_path: Path | None = None) -> None:
    """Refuses early, before anything is rendered or logged."""
    if journal_path is not None:
        refuse_journal_paths(dest, journal_path)
    try:
        info = os.lstat(dest)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UsageError(f"cannot write {dest}: {exc.strerror or exc.__class__.__name__}") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise UsageError(f"{dest} is a symbolic link; name the file itself")
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{dest} is not a regular file")
        if not force:
            raise FileExists(dest)
    if not dest.parent.is_dir():
        raise UsageError(f"the folder {dest.parent} does not exist")


class StagedFile:
    """Bytes written and synced next to their destination, not yet visible under its name."""

    def __init__(self, dest: Path, data: bytes) -> None:
        self.dest = dest
        self.data = data
        self.tmp = dest.with_name(f".{dest.name}.partial-{secrets.token_hex(4)}")
        fd = os.open(self.tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            self.discard()
            raise

    def publish(self, *, force: bool) -> None:
        """Makes the file visible under its name, durably (the folder is synced too)."""
        try:
            if force:
                os.replace(self.tmp, self.dest)
            else:
                try:
                    os.link(self.tmp, self.dest)
                except FileExistsError:
                    raise FileExists(self.dest) from None
                except OSError:
                    # Some file systems have no hard links: create the name exclusively instead.
                    _write_exclusive(self.dest, self.data)
            _sync_folder(self.dest.parent)
        finally:
            self.discard()

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.tmp)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_exclusive(dest: Path, data: bytes) -> None:
    try:
        fd = os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        raise FileExists(dest) from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def write_private(dest: Path, data: bytes, *, force: bool = False, journal_path: Path | None = None) -> None:
    """Writes a file readable only by its owner; refuses to overwrite unless forced."""
    check_destination(dest, force=force, journal_path=journal_path)
    StagedFile(dest, data).publish(force=force)


def unique_path(folder: Path, name: str) -> Path:
    """`folder/name`, or with -2, -3... before the extension when that is taken."""
    candidate = folder / name
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    n = 2
    while os.path.lexists(candidate):
        candidate = folder / (f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}")
        n += 1
    return candidate


__all__ = ["FILE_MODE", "FileExists", "StagedFile", "check_destination", "unique_path", "write_private"]
