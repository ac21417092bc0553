"""Action items across pairs: filter them, finish them with evidence, drop them, add new ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, Header, Static

from pairjournal.journal.vocabulary import is_overdue, owned_by
from pairjournal.model import ActionItem, ActionStatus, Owner, Pair, PairStatus
from pairjournal.tui.presenters import fmt_day
from pairjournal.tui.screens.common import BACK, WIDE_AT
from pairjournal.tui.screens.detail import DetailScreen
from pairjournal.tui.screens.editing import EditingScreen
from pairjournal.tui.widgets.capture import ActionDialog
from pairjournal.tui.widgets.dialogs import AskText
from pairjournal.tui.widgets.document import MUTED
from pairjournal.tui.widgets.footer import KeyFooter
from pairjournal.tui.widgets.record import RecordDetail

# Each filter cycles through its choices; None is "all".
OWNERS: tuple[Owner | None, ...] = (None, *Owner)
STATUSES: tuple[ActionStatus | None, ...] = (*ActionStatus, None)
DUES = ("all", "overdue", "this week")
FILTERS = Binding.Group("Filter", compact=True)
DETAIL_WIDTH = 56


def _shown(choice: Owner | ActionStatus | None) -> str:
    return choice.value if choice is not None else "all"


class ActionsScreen(EditingScreen):
    """A table of action items with filters; the highlighted one in detail when wide."""

    PALETTE_GROUP = "Actions"
    BINDINGS: ClassVar[list[BindingType]] = [
        BACK,
        Binding("d", "mark_done", "Done", id="actions.mark_done", tooltip="Mark done with evidence"),
        Binding("x", "drop", "Drop", id="actions.drop", tooltip="Drop the action"),
        Binding("u", "reopen", "Reopen", id="actions.reopen", tooltip="Reopen a done or dropped action"),
        Binding("n", "add", "New", id="actions.add", tooltip="Add an action item"),
        Binding("e", "edit", "Edit", id="actions.edit", tooltip="Correct text, owner, due date, evidence, status"),
        Binding("c", "share", "Share", id="actions.share", tooltip="Who may see it; the partner's consent"),
        Binding("t", "agenda", "+Agenda", id="actions.agenda", tooltip="Put it on the next session's agenda"),
        Binding("delete", "delete", "Delete", id="actions.delete", tooltip="Delete the action item"),
        Binding("p", "cycle('pair')", "Pair", id="actions.filter_pair", group=FILTERS, tooltip="Filter by pair"),
        Binding("o", "cycle('owner')", "Owner", id="actions.filter_owner", group=FILTERS,
                tooltip="Filter by owner"),
        Binding("s", "cycle('status')", "Status", id="actions.filter_status", group=FILTERS,
                tooltip="Filter by status"),
        Binding("w", "cycle('due')", "Due", id="actions.filter_due", group=FILTERS, tooltip="Filter by due date"),
    ]

    def __init__(self, pair_id: str | None = None, *, select_id: str | None = None) -> None:
        super().__init__()
        self.pair_filter: str | None = pair_id
        self.owner_filter: Owner | None = None
        self.status_filter: ActionStatus | None = ActionStatus.OPEN
        self.due_filter = "all"
        self.select_id = select_id
        self._columns_for: tuple[int, bool] | None = None
        self._styles = ("bold red", "green")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="actions-filters")
        with Horizontal(id="actions-body"):
            with Vertical(id="actions-list"):
                yield DataTable(id="actions-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="actions-empty", classes="empty")
            yield RecordDetail(id="actions-detail", placeholder="Highlight an action to see all of it here.")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Actions"
        if self.select_id:
            chosen = self.journal.find(self.select_id)
            if isinstance(chosen, ActionItem) and chosen.status is not ActionStatus.OPEN:
                self.status_filter = None
        self.reload()
        self.query_one(DataTable).focus()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    def on_resize(self) -> None:
        if self.is_mounted and self._columns_for != self._layout_key():
            self.reload()

    # -- reading -----------------------------------------------------------------

    def _pairs(self) -> list[Pair]:
        return self.journal.pairs()

    def _pair_names(self) -> dict[str, str]:
        return {p.id: p.name for p in self._pairs()}

    def shown_actions(self) -> list[ActionItem]:
        """The action items the filters let through, in the journal's order."""
        today = self.today()
        week_start = today - timedelta(days=today.weekday())
        week_end = week_start + timedelta(days=6)
        found = []
        for action in self.journal.actions(self.pair_filter):
            if self.owner_filter is not None and not owned_by(action, self.owner_filter):
                continue
            if self.status_filter is not None and action.status is not self.status_filter:
                continue
            if self.due_filter == "overdue" and not is_overdue(action, today):
                continue
            if self.due_filter == "this week" and not (action.due and week_start <= action.due <= week_end):
                continue
            found.append(action)
        return found

    def _layout_key(self) -> tuple[int, bool]:
        names = self._pair_names()
        return self.size.width, self.pair_filter is None and len(names) > 1

    def _columns(self, table: DataTable[Any]) -> None:
        width, show_pair = self._layout_key()
        table.clear(columns=True)
        pair_width = 14 if width >= WIDE_AT else 10
        fixed = 10 + 7 + 7 + (pair_width if show_pair else 0)
        columns = 4 + (1 if show_pair else 0)
        table_width = width - DETAIL_WIDTH if width >= WIDE_AT else width
        text_width = max(16, table_width - fixed - 2 * columns - 2)
        table.add_column("Due", key="due", width=10)
        table.add_column("Status", key="status", width=7)
        table.add_column("Owner", key="owner", width=7)
        if show_pair:
            table.add_column("Pair", key="pair", width=pair_width)
        table.add_column("Action", key="text", width=text_width)
        self._columns_for = (width, show_pair)

    def _colour(self, variable: str, fallback: str) -> str:
        """A theme colour for Rich text in the table, so highlights follow the theme."""
        value = self.app.get_css_variables().get(variable, "")
        return value if value.startswith("#") else fallback

    def _cells(self, action: ActionItem, names: dict[str, str], show_pair: bool, today: date) -> list[Text]:
        late = is_overdue(action, today)
        error, success = self._styles
        if late:
            status = Text("overdue", style=error)
        else:
            tone = {ActionStatus.DONE: success, ActionStatus.DROPPED: "dim"}.get(action.status, "")
            status = Text(action.status.value, style=tone)
        due = Text(fmt_day(action.due) if action.due else "", style=error if late else "")
        text = Text(" ".join(action.text.split()), no_wrap=True, overflow="ellipsis",
                    style="dim" if action.status is ActionStatus.DROPPED else "")
        cells = [due, status, Text(action.owner.value)]
        if show_pair:
            cells.append(Text(names.get(action.pair_id, "?"), no_wrap=True, overflow="ellipsis"))
        cells.append(text)
        return cells

    def reload(self) -> None:
        table: DataTable[Any] = self.query_one("#actions-table", DataTable)
        if self.pair_filter is not None and self.pair_filter not in self._pair_names():
            self.pair_filter = None
        keep = self.select_id or self._current_id()
        self.select_id = None
        today = self.today()
        names = self._pair_names()
        rows = self.shown_actions()
        self._styles = (f"bold {self._colour('text-error', 'red')}", self._colour("text-success", "green"))
        with self.app.batch_update():
            if self._columns_for != self._layout_key():
                self._columns(table)
            else:
                table.clear()
            show_pair = self._columns_for[1] if self._columns_for else False
            for action in rows:
                table.add_row(*self._cells(action, names, show_pair, today), key=action.id)
            if keep and any(a.id == keep for a in rows):
                table.move_cursor(row=table.get_row_index(keep), animate=False)
            self._show_filters(rows, today)
            self._show_empty(rows)
            self._show_detail()
        self.sync_bindings()

    def _current_id(self) -> str | None:
        table: DataTable[Any] = self.query_one("#actions-table", DataTable)
        if table.row_count == 0:
            return None
        try:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        except Exception:
            return None
        return str(row_key.value) if row_key.value is not None else None

    def current(self) -> ActionItem | None:
        found = self.journal.find(self._current_id() or "")
        return found if isinstance(found, ActionItem) else None

    def _show_filters(self, rows: list[ActionItem], today: date) -> None:
        names = self._pair_names()
        pair = names.get(self.pair_filter or "", "all")

        def part(key: str, label: str, value: str) -> Content:
            return Content.assemble((key, "bold $accent"), f" {label} ", (value, "bold"), "   ")

        total = len(self.journal.actions(self.pair_filter))
        late = sum(1 for a in rows if is_overdue(a, today))
        bar = Content.assemble(
            part("p", "pair", pair),
            part("o", "owner", _shown(self.owner_filter)),
            part("s", "status", _shown(self.status_filter)),
            part("w", "due", self.due_filter),
            (f"{len(rows)} of {total}", MUTED),
            (f"  {late} overdue", "bold $text-error") if late else "",
        )
        self.query_one("#actions-filters", Static).update(bar)

    def _show_empty(self, rows: list[ActionItem]) -> None:
        empty = self.query_one("#actions-empty", Static)
        table = self.query_one("#actions-table", DataTable)
        table.display = bool(rows)
        empty.display = not rows
        if rows:
            return
        if not self._pairs():
            message = ("No pairs yet. Add your partner on the home screen (or with `pairjournal pair add`), "
                       "then action items can follow.")
        elif not self.journal.actions():
            message = ("No action items yet. Press n to add one, or capture them with one key during a "
                       "live session.")
        else:
            message = (f"Nothing matches these filters (status {_shown(self.status_filter)}, due {self.due_filter}, "
                       f"owner {_shown(self.owner_filter)}). Press s or w to widen them, or n to add an action.")
        empty.update(Content.styled(message, MUTED))

    def _show_detail(self) -> None:
        current = self.current()
        self.query_one("#actions-detail", RecordDetail).follow(current.id if current else None)

    @on(DataTable.RowHighlighted, "#actions-table")
    def _on_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()
        self.sync_bindings()

    @on(DataTable.RowSelected, "#actions-table")
    def _on_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.push_screen(DetailScreen(str(event.row_key.value)))

    # -- acting ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "share", "agenda", "delete"):
            if not self.query("#actions-table"):
                return True
            return True if self.current() is not None else None
        if action in ("mark_done", "drop", "reopen"):
            if not self.query("#actions-table"):
                return True
            current = self.current()
            if current is None:
                return None
            is_open = current.status is ActionStatus.OPEN
            return True if (is_open if action != "reopen" else not is_open) else None
        if action == "cycle" and parameters == ("pair",):
            return True if len(self._pairs()) > 1 else None
        return True

    def action_cycle(self, which: str) -> None:
        if which == "pair":
            choices: list[str | None] = [None, *(p.id for p in self._pairs())]
            self.pair_filter = choices[(choices.index(self.pair_filter) + 1) % len(choices)] \
                if self.pair_filter in choices else None
        elif which == "owner":
            self.owner_filter = OWNERS[(OWNERS.index(self.owner_filter) + 1) % len(OWNERS)]
        elif which == "status":
            self.status_filter = STATUSES[(STATUSES.index(self.status_filter) + 1) % len(STATUSES)]
        elif which == "due":
            self.due_filter = DUES[(DUES.index(self.due_filter) + 1) % len(DUES)]
        self.reload()

    def action_mark_done(self) -> None:
        action = self.current()
        if action is None or action.status is not ActionStatus.OPEN:
            return
        action_id = action.id

        def finish(evidence: str | None) -> None:
            if evidence is None:
                return
            done = self.attempt(self.journal.complete_action, action_id, evidence=evidence, on=self.today())
            if done is not None:
                self.notify(f"Done: {done.text[:60]}", markup=False)
                self.select_id = action_id
                self.reload()

        self.app.push_screen(
            AskText("Mark done", label=f"“{action.text[:140]}”\nWhat shows it is done? (optional)",
                    placeholder="e.g. shared the draft at Friday's team meeting"),
            finish,
        )

    def action_drop(self) -> None:
        action = self.current()
        if action is None or action.status is not ActionStatus.OPEN:
            return
        if self.attempt(self.journal.drop_action, action.id) is not None:
            self.notify(f"Dropped: {action.text[:60]} (u reopens it)", markup=False)
            self.reload()

    def action_reopen(self) -> None:
        action = self.current()
        if action is None or action.status is ActionStatus.OPEN:
            return
        if self.attempt(self.journal.reopen_action, action.id) is not None:
            self.notify(f"Reopened: {action.text[:60]}", markup=False)
            self.select_id = action.id
            self.reload()

    def _then_keep(self, action_id: str) -> Callable[[], None]:
        def then() -> None:
            self.select_id = action_id
            self.reload()
        return then

    def action_edit(self) -> None:
        current = self.current()
        if current is not None:
            self.edit_record(current, self._then_keep(current.id))

    def action_share(self) -> None:
        current = self.current()
        if current is not None:
            self.share_record(current, self._then_keep(current.id))

    def action_delete(self) -> None:
        current = self.current()
        if current is not None:
            self.delete_record(current)

    def action_agenda(self) -> None:
        current = self.current()
        if current is None:
            return
        item = self.attempt(self.journal.add_agenda, current.pair_id, current.text)
        if item is not None:
            name = self._pair_names().get(current.pair_id, "your partner")
            self.notify(f"On the agenda for the next session with {name}: {item.text[:60]}", markup=False)

    def action_add(self) -> None:
        pairs = [p for p in self._pairs() if p.status is not PairStatus.ENDED] or self._pairs()
        if not pairs:
            self.notify("Add a pair first, on the home screen or with `pairjournal pair add`.", severity="warning")
            return

        def added(action: ActionItem | None) -> None:
            if action is None:
                return
            self.notify(f"Added: {action.text[:60]}", markup=False)
            if all(a.id != action.id for a in self.shown_actions()):
                # Show what was just added rather than leave it hidden by a filter.
                self.owner_filter, self.due_filter = None, "all"
                if self.status_filter not in (ActionStatus.OPEN, None):
                    self.status_filter = ActionStatus.OPEN
                if self.pair_filter not in (None, action.pair_id):
                    self.pair_filter = None
            self.select_id = action.id
            self.reload()

        self.app.push_screen(ActionDialog(pairs, self.pair_filter), added)


__all__ = ["ActionsScreen"]
