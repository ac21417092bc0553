"""The unlocked journal: the domain API the CLI and TUI talk to.

The names below are imported on first use (PEP 562), so that a module of this
package (`unlocking`, say) can be imported without the whole domain: a CLI
command starts its key derivation while the rest of the code is still loading.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pairjournal.journal.indexing import SearchHit
    from pairjournal.journal.service import Journal
    from pairjournal.vault.crypto import MIN_PASSPHRASE_LENGTH, KdfParams, passphrase_problem

# Re-exported so the interface can choose key-derivation cost, and show the passphrase
# policy, without importing the vault.
_WHERE = {
    "Journal": "pairjournal.journal.service",
    "SearchHit": "pairjournal.journal.indexing",
    "KdfParams": "pairjournal.vault.crypto",
    "MIN_PASSPHRASE_LENGTH": "pairjournal.vault.crypto",
    "passphrase_problem": "pairjournal.vault.crypto",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = ["MIN_PASSPHRASE_LENGTH", "Journal", "KdfParams", "SearchHit", "passphrase_problem"]
