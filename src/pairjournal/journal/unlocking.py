"""Unlocking ahead: a CLI command's key derivation, started while the rest of the code loads.

Argon2id (a quarter of a second by design) releases the interpreter while it
runs, and a command spends about as long importing the domain. `begin()` opens
the vault as soon as the command knows which journal and which passphrase: the
steps before the key derivation at once, the rest in a thread (for `reflect`,
with the rows read meanwhile: Store.open(read_ahead=True)); Journal.open() then
takes that Store (`take()`), or opens its own when none was started for the
same file and passphrase. Nothing is kept that
the ordinary open does not keep: the Store holds the data key as it always
does, in this process only, and a Store that no open took is closed at exit.
Importing this module loads only the vault, not the domain.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable
from pathlib import Path

from pairjournal.vault.store import Store


class _Ahead:
    def __init__(self, path: Path, passphrase: str, read_ahead: bool) -> None:
        self.path, self.passphrase = path, passphrase
        self.store: Store | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="pairjournal-unlock", daemon=True)
        # The half of the open before Argon2id, here: in a thread, each of its steps would
        # wait for the interpreter while the caller goes on importing (milliseconds each).
        self._finish: Callable[[str], Store] | None = None
        try:
            self._finish = Store.begin_open(path, read_ahead=read_ahead)
        except BaseException as error:  # raised by take(), as the open would raise it
            self.error = error

    def _run(self) -> None:
        if self._finish is None:
            return
        try:
            self.store = self._finish(self.passphrase)
        except BaseException as error:  # handed to the open that takes it, in its own thread
            self.error = error


_lock = threading.Lock()
_pending: _Ahead | None = None


def begin(path: Path, passphrase: str, *, read_ahead: bool = False) -> None:
    """Starts opening the journal at `path`; one begun before and never taken is closed,
    unless it was begun for the same file and passphrase (the CLI begins as soon as it
    can tell them from its arguments, and again once click has parsed them).

    read_ahead: for a one-record add, the records are read (not opened) meanwhile too
    (Store.open(read_ahead=True))."""
    global _pending
    path = Path(path)
    with _lock:
        if _pending is not None and _pending.path == path and _pending.passphrase == passphrase:
            return
        stale, _pending = _pending, None
    # Closed first: the new open opens and closes descriptors of the file, which would drop
    # the POSIX locks of a Store of the same file still open in this process.
    _close(stale)
    ahead = _Ahead(path, passphrase, read_ahead)
    ahead.thread.start()
    with _lock:
        _pending = ahead


def take(path: Path, passphrase: str) -> Store | None:
    """The Store begun for this file and passphrase (its error raised here), or None.

    One begun for another file or passphrase is closed first, whatever happens: the
    caller opens its own next, and a second Store of one file in one process must
    never outlive the first one's descriptors (closing any descriptor of a file drops
    every POSIX lock this process holds on it, SQLite's included).
    """
    global _pending
    with _lock:
        ahead, _pending = _pending, None
    if ahead is None:
        return None
    if ahead.path != Path(path) or ahead.passphrase != passphrase:
        _close(ahead)
        return None
    ahead.thread.join()
    if ahead.error is not None:
        raise ahead.error
    return ahead.store


def _close(ahead: _Ahead | None) -> None:
    if ahead is not None:
        ahead.thread.join()
        if ahead.store is not None:
            ahead.store.close()


@atexit.register
def discard() -> None:
    """Closes a Store begun and never taken (a command that failed before opening)."""
    global _pending
    with _lock:
        ahead, _pending = _pending, None
    _close(ahead)


__all__ = ["begin", "discard", "take"]
