"""Entry point from the CLI into the interface, imported only when it is needed."""

from __future__ import annotations

from pathlib import Path


def run_tui(journal_path: Path, passphrase_file: Path | None = None) -> None:
    from pairjournal.tui.app import PairJournalApp

    PairJournalApp(journal_path=journal_path).run()
