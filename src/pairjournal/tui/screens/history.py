"""A pair's sessions, newest first: how long each ran against plan, the check-in, what it captured.

The highlighted session is shown beside the list (below it when narrow), its
notes drawn as Markdown. e corrects it (date, lengths, check-in, notes), delete
removes it (what it captured stays), Enter opens it on its own screen. A live
session can be resumed (s) or discarded (delete). An archived pair's history is
read-only: the journal refuses the edits, and the keys are not offered.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, Header, Static

from pairjournal.journal.vocabulary import count_of
from pairjournal.model import Pair, PairStatus, Session
from pairjournal.tui.presenters import CADENCE_WORDS, fmt_day, pair_state
from pairjournal.tui.rows import MUTED
from pairjournal.tui.screens.common import BACK
from pairjournal.tui.screens.detail import DetailScreen
from pairjournal.tui.screens.editing import EditingScreen
from pairjournal.tui.widgets.footer import KeyFooter
from pairjournal.tui.widgets.record import RecordDetail


class HistoryScreen(EditingScreen):
    """Every session of one pair; the highlighted one in full beside the list."""

    PALETTE_GROUP = "History"
    HELP = "Every session of the pair: open one, correct it, or delete it."
    BINDINGS: ClassVar[list[BindingType]] = [
        BACK,
        Binding("enter", "open", "Open", id="history.open", tooltip="Open the session on its own screen",
                show=False),
        Binding("e", "edit", "Edit", id="history.edit", tooltip="Correct the session: date, lengths, notes"),
        Binding("delete", "delete", "Delete", id="history.delete",
                tooltip="Delete the session (discard it, if still running)"),
        Binding("s", "resume", "Resume", id="history.resume", tooltip="Resume the session still running"),
    ]

    def __init__(self, pair_id: str, *, select_id: str | None = None) -> None:
        super().__init__()
        self.pair_id = pair_id
        self.select_id = select_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="history-title", classes="pane-title")
        with Horizontal(id="history-body"):
            with Vertical(id="history-list"):
                yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="history-empty", classes="empty")
            yield RecordDetail(id="history-detail", placeholder="Highlight a session to read it here.")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Sessions"
        table: DataTable[Any] = self.query_one("#history-table", DataTable)
        table.add_column("Date", key="date", width=10)
        table.add_column("Length", key="length", width=14)
        table.add_column("Check-in", key="mood", width=10)
        table.add_column("Captured", key="captured", width=12)
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    # -- reading ------------------------------------------------------------------------------

    @property
    def pair(self) -> Pair | None:
        found = self.journal.find(self.pair_id)
        return found if isinstance(found, Pair) else None

    @property
    def archived(self) -> bool:
        pair = self.pair
        return pair is None or pair.status is PairStatus.ENDED

    def current(self) -> Session | None:
        table: DataTable[Any] = self.query_one("#history-table", DataTable)
        if table.row_count == 0:
            return None
        try:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        except Exception:
            return None
        found = self.journal.find(str(row_key.value)) if row_key.value else None
        return found if isinstance(found, Session) else None

    def reload(self) -> None:
        pair = self.pair
        table: DataTable[Any] = self.query_one("#history-table", DataTable)
        title = self.query_one("#history-title", Static)
        if pair is None:
            title.update("This pair is no longer in the journal.")
            table.clear()
            self._show_empty(0)
            return
        current = self.current()
        keep = self.select_id or (current.id if current else None)
        self.select_id = None
        history = self.journal.session_history(pair.id)
        held = sum(1 for line in history if not line.session.live)
        self.sub_title = pair.name
        rhythm = CADENCE_WORDS.get(self.journal.cadence_of(pair.id).value, "")
        state = "" if pair.status is PairStatus.ACTIVE else f" · {pair_state(pair)}"
        if self.archived:
            state += ", read-only"
        title.update(Content.assemble(
            (f"Sessions with {pair.name}", "bold"),
            (f"  {count_of('session', held)} held · {rhythm}, {self.journal.minutes_of(pair.id)} min{state}", MUTED),
        ))
        with self.app.batch_update():
            table.clear()
            for line in history:
                session = line.session
                length = Text("running now", style="bold") if session.live else Text(line.length_text)
                captured = f"{line.takeaways} T · {line.actions} A"
                table.add_row(fmt_day(session.date), length, session.checkin_mood or "—", captured, key=session.id)
            if keep and any(line.session.id == keep for line in history):
                table.move_cursor(row=table.get_row_index(keep), animate=False)
            self._show_empty(len(history))
            self._show_detail()
        self.sync_bindings()

    def _show_empty(self, count: int) -> None:
        empty = self.query_one("#history-empty", Static)
        self.query_one("#history-table", DataTable).display = count > 0
        empty.display = count == 0
        if count == 0:
            empty.update(Content.styled(
                "No sessions yet. On the home screen, s starts one beside the conversation; "
                "`pairjournal session add` records one afterwards.", MUTED))

    def _show_detail(self) -> None:
        current = self.current()
        self.query_one("#history-detail", RecordDetail).follow(current.id if current else None)

    @on(DataTable.RowHighlighted, "#history-table")
    def _on_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()
        self.sync_bindings()

    @on(DataTable.RowSelected, "#history-table")
    def _on_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    # -- acting -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open", "edit", "delete", "resume"):
            if not self.query("#history-table"):
                return True  # asked before the screen is built: the footer asks again once it is
            current = self.current()
            if current is None:
                return None
            if action == "resume":
                return current.live and not self.archived  # hidden unless there is one to resume
            if action in ("edit", "delete"):
                return None if self.archived else True
        return True

    def action_open(self) -> None:
        current = self.current()
        if current is not None:
            self.app.push_screen(DetailScreen(current.id))

    def action_edit(self) -> None:
        current = self.current()
        if current is not None:
            self.select_id = current.id
            self.edit_record(current)

    def action_delete(self) -> None:
        current = self.current()
        if current is not None:
            self.delete_record(current)

    def action_resume(self) -> None:
        current = self.current()
        if current is not None and current.live:
            self.host.start_session(current.pair_id)


__all__ = ["HistoryScreen"]
