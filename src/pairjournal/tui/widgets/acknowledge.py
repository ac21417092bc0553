"""Acknowledging an agreement version: what changed since the one before, read first, then one key.

Both partners acknowledge each version, and each sees the changes before doing
so (charter.diff, the same lines the CLI's `agreement diff` prints): a changed
confidentiality line is never agreed to by a key pressed without reading it.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from pairjournal.model import Agreement
from pairjournal.tui.presenters import diff_rows
from pairjournal.tui.widgets.dialogs import CANCEL, Dialog
from pairjournal.tui.widgets.document import Document


class AcknowledgeDialog(Dialog[bool]):
    """The changes from ``before`` (None: the first version, all of it) to ``current``; y acknowledges."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Acknowledge", id="acknowledge.yes"),
        Binding("n", "answer(False)", "Not yet", id="acknowledge.no"),
        CANCEL,
    ]

    def __init__(self, before: Agreement | None, current: Agreement, whose: str) -> None:
        super().__init__(f"Record {whose} acknowledgement of version {current.version}?",
                         "y acknowledges · n or Esc: not yet", classes="acknowledge")
        self.before = before
        self.current = current

    def compose_fields(self) -> ComposeResult:
        what = (f"What changed since version {self.before.version}:" if self.before is not None
                else "The whole of this first version:")
        yield Static(what, classes="pj-label", markup=False)
        with VerticalScroll(classes="acknowledge-diff"):
            yield Document(diff_rows(self.before, self.current, changes_only=self.before is not None))

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def submit(self) -> bool:
        return True


__all__ = ["AcknowledgeDialog"]
