"""A read-only view of any one record, rendered field by field for a person to read.

Search shows the highlighted hit in it, the actions screen the highlighted item
(when the terminal is wide), the session history the highlighted session, and
the detail screen one record on its own. Labelled rows are drawn by
``Document``; the passages written in Markdown (session notes, a reflection)
by Textual's ``Markdown``, with links shown but never opened: nothing in a
journal should reach out of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Markdown

from pairjournal.termtext import printable
from pairjournal.tui.presenters import describe_record
from pairjournal.tui.rows import Prose, Shown
from pairjournal.tui.seam import Hosted
from pairjournal.tui.widgets.document import MUTED, Document, Row

# Controls other than newline and tab, written as visible escapes: Markdown keeps the lines,
# the terminal obeys nothing (see pairjournal.termtext).
_UNSAFE_IN_PROSE = re.compile("[^\n\t]+")


def safe_markdown(text: str) -> str:
    return _UNSAFE_IN_PROSE.sub(lambda m: printable(m.group()), text)


def segments(shown: Sequence[Shown]) -> list[list[Row] | Prose]:
    """Runs of rows, one Document each, with each passage of prose between them."""
    out: list[list[Row] | Prose] = []
    for item in shown:
        if isinstance(item, Prose):
            out.append(item)
        elif out and isinstance(out[-1], list):
            out[-1].append(item)
        else:
            out.append([item])
    return out


class RecordDetail(VerticalScroll, can_focus=True):
    """Scrollable, read-only rendering of one record, read through the screen it is on."""

    DEFAULT_CSS = """
    RecordDetail { padding: 0 1; }
    RecordDetail > Markdown { margin: 0; padding: 0; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None, placeholder: str = "") -> None:
        super().__init__(id=id, classes=classes)
        self.record_id: str | None = None
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        yield Document([Content.styled(self.placeholder, MUTED)], classes="detail-body")

    @property
    def document(self) -> Document:
        """The first block of rows (the only one for most records)."""
        return self.query(Document).first()

    @property
    def plain(self) -> str:
        """What the view says, rows and prose, for tests and for copying."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, Document):
                parts.append(child.plain)
            elif isinstance(child, Markdown):
                parts.append(child.source)
        return "\n".join(parts)

    def show(self, record_id: str | None) -> None:
        self.record_id = record_id
        self.refresh_record()
        self.scroll_home(animate=False)

    def follow(self, record_id: str | None) -> None:
        """The highlighted row's record: shown from its top when it is another one, redrawn in
        place when it is the one already shown (it may have been edited)."""
        if record_id is None or record_id != self.record_id:
            self.show(record_id)
        else:
            self.refresh_record()

    def refresh_record(self) -> None:
        screen = self.screen
        if not isinstance(screen, Hosted):
            return  # only our screens hold a journal to read
        journal = screen.journal
        entity = journal.find(self.record_id) if self.record_id else None
        if entity is None:
            text = self.placeholder if self.record_id is None else "This record is no longer in the journal."
            shown: Sequence[Shown] = [Content.styled(text, MUTED)]
        else:
            shown = describe_record(journal, entity, screen.today())
        self._draw(segments(shown))

    def _draw(self, parts: list[list[Row] | Prose]) -> None:
        children = list(self.children)
        same_shape = len(children) == len(parts) and all(
            isinstance(child, Markdown) == isinstance(part, Prose) for child, part in zip(children, parts, strict=True)
        )
        if not same_shape:
            with self.app.batch_update():
                self.remove_children()
                self.mount_all([self._make(part) for part in parts])
            return
        for child, part in zip(children, parts, strict=True):
            if isinstance(part, Prose) and isinstance(child, Markdown):
                text = safe_markdown(part.text)
                if child.source != text:
                    child.update(text)
            elif isinstance(child, Document) and isinstance(part, list):
                child.update(part)

    @staticmethod
    def _make(part: list[Row] | Prose) -> Widget:
        if isinstance(part, Prose):
            return Markdown(safe_markdown(part.text), open_links=False)
        return Document(part, classes="detail-body")


__all__ = ["RecordDetail", "safe_markdown", "segments"]
