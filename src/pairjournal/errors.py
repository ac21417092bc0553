"""Errors every layer may raise.

Each carries a message fit to show a person on one line; the CLI prints it and
exits with the class's exit code, the TUI shows it in place. None of them ever
carries journal plaintext.
"""

from __future__ import annotations


class PairjournalError(Exception):
    """Base class: a problem the user can act on, shown as one line."""

    exit_code = 1


class UsageError(PairjournalError):
    """Bad input from the user: an unknown name, an invalid date, an empty value."""

    exit_code = 2


class NotFound(UsageError):
    """No record (pair, action, session...) matches what the user named."""


class WrongPassphrase(PairjournalError):
    """The key derived from the passphrase does not unwrap the data key."""

    exit_code = 3


class JournalMissing(PairjournalError):
    """There is no journal at the given path."""

    exit_code = 4


class JournalExists(PairjournalError):
    """init refuses to overwrite an existing journal."""

    exit_code = 4


class NotAJournal(PairjournalError):
    """The file exists but is not a pairjournal journal."""

    exit_code = 5


class DamagedJournal(PairjournalError):
    """The file is a journal but is truncated, corrupt or fails authentication."""

    exit_code = 6


class ReadOnlyJournal(DamagedJournal):
    """A damaged journal is open read-only: every write is refused, with the way out."""


class NewerFormat(PairjournalError):
    """The journal was written by a newer pairjournal than this one."""

    exit_code = 7


class JournalBusy(PairjournalError):
    """Another process holds the journal (or its interface lock) too long."""

    exit_code = 8


class StorageFull(PairjournalError):
    """The disk is full: the write was rolled back and nothing was lost."""

    exit_code = 9
