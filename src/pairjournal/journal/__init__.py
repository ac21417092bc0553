"""The unlocked journal: the domain API the CLI and TUI talk to."""

from pairjournal.journal.indexing import SearchHit
from pairjournal.journal.service import Journal

# Re-exported so the interface can choose key-derivation cost, and show the passphrase
# policy, without importing the vault.
from pairjournal.vault.crypto import MIN_PASSPHRASE_LENGTH, KdfParams, passphrase_problem

__all__ = ["MIN_PASSPHRASE_LENGTH", "Journal", "KdfParams", "SearchHit", "passphrase_problem"]
