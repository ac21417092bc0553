"""Entry point from the CLI into the interface, imported only when it is needed."""

from __future__ import annotations

import sys
from pathlib import Path


def run_tui(journal_path: Path, passphrase_file: Path | None = None) -> None:
    """Runs the interface; exits non-zero (with one line on stderr) when it cannot run."""
    from pairjournal.passfile import read_passphrase_file
    from pairjournal.tui.app import PairJournalApp

    passphrase = read_passphrase_file(passphrase_file) if passphrase_file is not None else None
    app = PairJournalApp(journal_path, passphrase=passphrase or None)
    try:
        app.run()
    finally:
        # The app closes the journal on unmount; this covers an exit before it mounted.
        app.close_journal()
        app.instance_lock.release()
    code = app.return_code or 0
    if code:
        sys.exit(code)
