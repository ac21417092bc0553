"""Pairs that ended: off home, read-only, every record kept, their exports still possible.

Pairs rotate, and a journal outlives any one of them. The archive lists each
ended pair with the time it ran and the sessions held; the highlighted one is
described beside the list with where each objective got to. Enter opens its
session history, g its agreement, e an export for the period it ran; delete
removes it and everything recorded for it (after its name is typed).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Header, Static

from pairjournal.model import Pair, PairStatus
from pairjournal.tui.presenters import archive_rows, fmt_day
from pairjournal.tui.rows import MUTED
from pairjournal.tui.screens.common import BACK
from pairjournal.tui.screens.editing import EditingScreen
from pairjournal.tui.widgets.document import Document
from pairjournal.tui.widgets.footer import KeyFooter


class ArchiveScreen(EditingScreen):
    """Every ended pair; the highlighted one in full beside the list."""

    PALETTE_GROUP = "Archive"
    HELP = "Pairs that ended: read their history and agreement, export the period they ran."
    BINDINGS: ClassVar[list[BindingType]] = [
        BACK,
        Binding("h", "history", "History", id="archive.history", tooltip="The pair's sessions (or Enter)"),
        Binding("g", "agreement", "Agreement", id="archive.agreement", tooltip="The pair's agreement"),
        Binding("e", "export", "Export", id="archive.export", tooltip="Export for the period the pair ran"),
        Binding("delete", "delete", "Delete", id="archive.delete", tooltip="Delete the pair and all of its records"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="archive-title", classes="pane-title")
        with Horizontal(id="archive-body"):
            with Vertical(id="archive-list"):
                yield DataTable(id="archive-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="archive-empty", classes="empty")
            with VerticalScroll(id="archive-detail"):
                yield Document(id="archive-pair")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Archive"
        table: DataTable[Any] = self.query_one("#archive-table", DataTable)
        table.add_column("Partner", key="name", width=18)
        table.add_column("Ran", key="ran", width=23)
        table.add_column("Sessions", key="held", width=8)
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    def ended(self) -> list[Pair]:
        return [p for p in self.journal.pairs() if p.status is PairStatus.ENDED]

    def current(self) -> Pair | None:
        table: DataTable[Any] = self.query_one("#archive-table", DataTable)
        if table.row_count == 0:
            return None
        try:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        except Exception:
            return None
        found = self.journal.find(str(row_key.value)) if row_key.value else None
        return found if isinstance(found, Pair) else None

    def reload(self) -> None:
        table: DataTable[Any] = self.query_one("#archive-table", DataTable)
        current = self.current()
        pairs = self.ended()
        count = len(pairs)
        self.query_one("#archive-title", Static).update(Content.assemble(
            ("Ended pairs", "bold"),
            (f"  {count} archived · read-only, every record kept" if count else "", MUTED),
        ))
        with self.app.batch_update():
            table.clear()
            for pair in pairs:
                held = sum(1 for s in self.journal.sessions(pair.id) if not s.live)
                ran = f"{fmt_day(pair.start)} – {fmt_day(pair.ended_on)}"
                table.add_row(pair.name, ran, str(held), key=pair.id)
            if current is not None and any(p.id == current.id for p in pairs):
                table.move_cursor(row=table.get_row_index(current.id), animate=False)
            table.display = bool(pairs)
            empty = self.query_one("#archive-empty", Static)
            empty.display = not pairs
            empty.update(Content.styled(
                "No pair has ended yet. When a pairing rotates, end it from home (p, then x): it moves here, "
                "read-only, with every record kept.", MUTED) if not pairs else "")
            self._show_detail()
        self.sync_bindings()

    def _show_detail(self) -> None:
        pair = self.current()
        detail = self.query_one("#archive-pair", Document)
        if pair is None:
            detail.update(Content.styled("Highlight a pair to read about it here.", MUTED) if self.ended() else "")
            return
        detail.update(archive_rows(self.journal, pair))

    @on(DataTable.RowHighlighted, "#archive-table")
    def _on_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    @on(DataTable.RowSelected, "#archive-table")
    def _on_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_history()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("history", "agreement", "export", "delete"):
            return True if not self.query("#archive-table") or self.current() is not None else None
        return True

    def action_history(self) -> None:
        pair = self.current()
        if pair is not None:
            self.host.open_destination("history", pair_id=pair.id)

    def action_agreement(self) -> None:
        pair = self.current()
        if pair is not None:
            self.host.open_destination("agreement", pair_id=pair.id)

    def action_export(self) -> None:
        pair = self.current()
        if pair is not None:
            self.host.open_destination("export", pair_id=pair.id)

    def action_delete(self) -> None:
        pair = self.current()
        if pair is not None:
            self.delete_record(pair)


__all__ = ["ArchiveScreen"]
