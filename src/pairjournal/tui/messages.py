"""Messages the interface passes between the app and its screens."""

from __future__ import annotations

from textual.message import Message


class JournalChanged(Message):
    """The journal changed: an edit here, or another process (the CLI) wrote to the file.

    Screens that show journal data handle it by re-reading what they display.
    """

    def __init__(self, ids: frozenset[str] = frozenset(), external: bool = False) -> None:
        super().__init__()
        self.ids = ids
        self.external = external
