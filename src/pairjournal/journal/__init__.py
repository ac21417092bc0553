"""The unlocked journal: the domain API the CLI and TUI talk to."""

from pairjournal.journal.service import Journal
# Re-exported so the interface can choose key-derivation cost without importing the vault.
from pairjournal.vault.crypto import KdfParams

__all__ = ["Journal", "KdfParams"]
