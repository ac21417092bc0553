"""One record on its own screen, read-only; for a session, this is the session's read-only view."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header

from pairjournal.journal.vocabulary import kind_title
from pairjournal.model import Session, Takeaway
from pairjournal.tui.presenters import record_kind
from pairjournal.tui.screens import where_it_lives
from pairjournal.tui.screens.common import BACK
from pairjournal.tui.screens.editing import EditingScreen, record_action_allowed
from pairjournal.tui.widgets.footer import KeyFooter
from pairjournal.tui.widgets.record import RecordDetail


class DetailScreen(EditingScreen):
    """One record, every field worth reading; g opens it where it lives."""

    PALETTE_GROUP = "Record"
    BINDINGS: ClassVar[list[BindingType]] = [
        BACK,
        Binding("g", "go_to_owner", "Open where it lives", id="detail.go_to"),
        Binding("e", "edit", "Edit", id="detail.edit", tooltip="Correct this record"),
        Binding("c", "share", "Share", id="detail.share", tooltip="Who may see it; the partner's consent"),
        Binding("delete", "delete", "Delete", id="detail.delete", tooltip="Delete this record"),
    ]

    def __init__(self, record_id: str) -> None:
        super().__init__()
        self.record_id = record_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield RecordDetail(id="detail-view")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = kind_title(record_kind(self.journal.find(self.record_id)))
        self.query_one(RecordDetail).show(self.record_id)
        self.query_one(RecordDetail).focus()

    def reload(self) -> None:
        self.query_one(RecordDetail).refresh_record()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        entity = self.journal.find(self.record_id)
        if action in ("edit", "delete", "share"):
            return record_action_allowed(entity, action)
        if action == "go_to_owner":
            entity = self.journal.find(self.record_id)
            # A session's own screen is this one already.
            return entity is not None and not isinstance(entity, Session) and (
                not isinstance(entity, Takeaway) or bool(entity.session_id)
            )
        return True

    def _gone(self) -> None:
        self.app.pop_screen()

    def action_edit(self) -> None:
        entity = self.journal.find(self.record_id)
        if entity is not None:
            self.edit_record(entity)

    def action_share(self) -> None:
        entity = self.journal.find(self.record_id)
        if entity is not None:
            self.share_record(entity)

    def action_delete(self) -> None:
        entity = self.journal.find(self.record_id)
        if entity is not None:
            self.delete_record(entity, self._gone)

    def action_go_to_owner(self) -> None:
        entity = self.journal.find(self.record_id)
        self.go_to(where_it_lives(self.journal, entity) if entity is not None else None)


__all__ = ["DetailScreen", "RecordDetail"]
