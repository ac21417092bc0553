"""One interface per journal: an advisory lock file beside it.

Two windows editing the same live session would overwrite each other's notes,
so a second interface on the same journal is refused. The CLI does not take this
lock: its commands are short, and SQLite already serialises their writes.

The lock is ``flock`` on ``<journal>.lock``. The kernel drops it when the holder
exits, however it exits (even SIGKILL), so a stale file never blocks anyone. The
file is left in place on release: deleting it would let two processes hold locks
on two different inodes of the same name.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from pairjournal.errors import JournalBusy
from pairjournal.folders import secure_folder


def lock_path_for(journal_path: Path) -> Path:
    return journal_path.with_name(journal_path.name + ".lock")


class InstanceLock:
    """Held by one running interface for one journal path."""

    def __init__(self, journal_path: Path) -> None:
        self.path = lock_path_for(Path(journal_path))
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Takes the lock or raises JournalBusy with a one-line message."""
        if self._fd is not None:
            return
        # The journal's own folder (and any above it), private to its owner, as the vault creates it.
        secure_folder(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise JournalBusy(
                f"this journal is already open in another pairjournal window ({self.path}); "
                "use that one, or close it first"
            ) from None
        except OSError:
            os.close(fd)
            raise
        # The holder's pid helps a person see who holds it; nothing else is written.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        with contextlib.suppress(OSError):
            os.close(fd)
