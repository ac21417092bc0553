"""A read-only view of any one record, rendered field by field for a person to read.

Search shows the highlighted hit in it, the actions screen the highlighted item
(when the terminal is wide), and the detail screen one record on its own.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content

from pairjournal.tui.presenters import describe_record
from pairjournal.tui.seam import Hosted
from pairjournal.tui.widgets.document import MUTED, Document, Row


class RecordDetail(VerticalScroll, can_focus=True):
    """Scrollable, read-only rendering of one record, read through the screen it is on."""

    DEFAULT_CSS = """
    RecordDetail { padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None, placeholder: str = "") -> None:
        super().__init__(id=id, classes=classes)
        self.record_id: str | None = None
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        yield Document([Content.styled(self.placeholder, MUTED)], classes="detail-body")

    @property
    def document(self) -> Document:
        return self.query_one(".detail-body", Document)

    def show(self, record_id: str | None) -> None:
        self.record_id = record_id
        self.refresh_record()
        self.scroll_home(animate=False)

    def refresh_record(self) -> None:
        screen = self.screen
        if not isinstance(screen, Hosted):
            return  # only our screens hold a journal to read
        journal = screen.journal
        entity = journal.find(self.record_id) if self.record_id else None
        if entity is None:
            text = self.placeholder if self.record_id is None else "This record is no longer in the journal."
            rows: list[Row] = [Content.styled(text, MUTED)]
        else:
            rows = describe_record(journal, entity, screen.today())
        self.document.update(rows)


__all__ = ["RecordDetail"]
