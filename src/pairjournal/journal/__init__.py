"""The unlocked journal: the domain API the CLI and TUI talk to."""

from pairjournal.journal.service import Journal

__all__ = ["Journal"]
