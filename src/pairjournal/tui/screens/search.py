"""Full-text search across the journal, results as you type, a hit opened in place.

The index lives only in memory; it is built in a worker thread as the screen
opens, so the first query does not wait for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from pairjournal.journal.vocabulary import KIND_LABELS, kind_label
from pairjournal.tui.screens import where_it_lives
from pairjournal.tui.screens.common import BACK
from pairjournal.tui.screens.editing import EditingScreen, record_action_allowed
from pairjournal.tui.widgets.document import LABEL, MUTED, Hanging
from pairjournal.tui.widgets.footer import KeyFooter
from pairjournal.tui.widgets.record import RecordDetail

if TYPE_CHECKING:
    from pairjournal.journal import SearchHit

HELP = "Type to search sessions, takeaways, actions, reflections, agreements and prompts."


class SearchScreen(EditingScreen):
    """An input, hits grouped by kind, and the chosen hit's full record."""

    PALETTE_GROUP = "Search"
    BINDINGS: ClassVar[list[BindingType]] = [
        BACK,
        Binding("slash", "focus_input", "New search", id="search.focus_input", tooltip="Type a new search"),
        Binding("g", "go_to", "Open where it lives", id="search.go_to", tooltip="Open the hit where it lives"),
        # As on a record's own screen: a hit read here is corrected, shared or deleted in place.
        Binding("e", "edit", "Edit", id="search.edit", tooltip="Correct the record shown"),
        Binding("c", "share", "Share", id="search.share", tooltip="Who may see it; the partner's consent"),
        Binding("delete", "delete", "Delete", id="search.delete", tooltip="Delete the record shown"),
        Binding("down", "focus_results", "Results", id="search.focus_results", show=False),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial_query = query
        self.hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(self.initial_query, placeholder="Search everything you have written", id="search-input")
        yield Static(HELP, id="search-status", classes="hint")
        with Horizontal(id="search-body"):
            yield OptionList(id="search-results")
            yield RecordDetail(id="search-detail", placeholder="Highlight a result to read it here.")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = "Search"
        self.query_one("#search-input", Input).focus()
        self.build_index()
        if self.initial_query.strip():
            self.run_query()

    @work(thread=True, exclusive=True, group="search-index", exit_on_error=False)
    def build_index(self) -> None:
        journal = self.host.journal
        if journal is not None:  # None once the app has locked
            journal.build_index()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.reload()

    def reload(self) -> None:
        self.run_query()
        self.query_one(RecordDetail).refresh_record()

    # -- searching ------------------------------------------------------------------

    @on(Input.Changed, "#search-input")
    def _on_input_changed(self, event: Input.Changed) -> None:
        self.close_detail()
        self.run_query()

    def run_query(self) -> None:
        text = self.query_one("#search-input", Input).value
        results = self.query_one("#search-results", OptionList)
        status = self.query_one("#search-status", Static)
        detail = self.query_one(RecordDetail)
        keep = results.highlighted_option.id if results.highlighted_option else None
        self.hits = self.journal.search(text) if text.strip() else []
        if not text.strip():
            results.clear_options()
            status.update(HELP)
            detail.show(None)
            self.sync_bindings()
            return
        if not self.hits:
            results.clear_options()
            status.update(Content.styled(
                f"Nothing found for “{text.strip()}”. Every word must match the start of a word: "
                "try fewer or shorter words.", MUTED))
            detail.show(None)
            self.sync_bindings()
            return
        order = {kind: n for n, kind in enumerate(KIND_LABELS)}
        groups: dict[str, list[SearchHit]] = {}
        for hit in self.hits:
            groups.setdefault(hit.kind, []).append(hit)
        items: list[Option | None] = []
        for kind in sorted(groups, key=lambda k: (order.get(k, len(order)), k)):
            found = groups[kind]
            if items:
                items.append(None)
            items.append(Option(Content.styled(f"{kind_label(kind)} ({len(found)})", LABEL), id=f"hdr:{kind}",
                                disabled=True))
            items += [self._hit_option(hit) for hit in found]
        results.set_options(items)
        count = len(self.hits)
        status.update(f"{count} result{'s' if count != 1 else ''} · ↓ to browse · Enter opens one")
        ids = [hit.id for hit in self.hits]
        first = next(i for i, option in enumerate(results.options) if not option.disabled)
        results.highlighted = results.get_option_index(keep) if keep in ids else first
        self.sync_bindings()

    def _hit_option(self, hit: SearchHit) -> Option:
        when = hit.when.isoformat() if hit.when else ""
        title = " ".join(hit.title.split()) or "(untitled)"
        snippet = " ".join(hit.snippet.split())
        body = Content.styled(title, "bold")
        if snippet and snippet.strip("…") not in title and not title.startswith(snippet.strip("…")[:40]):
            body = Content.assemble(body, "\n", (snippet, MUTED))
        return Option(Hanging(Content.styled(f"{when:<10}  ", MUTED), body), id=hit.id)

    @on(OptionList.OptionHighlighted, "#search-results")
    def _on_highlight(self, event: OptionList.OptionHighlighted) -> None:
        detail = self.query_one(RecordDetail)
        if event.option_id and detail.record_id != event.option_id:
            detail.show(event.option_id)
        self.sync_bindings()

    @on(OptionList.OptionSelected, "#search-results")
    def _on_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_id:
            self.open_hit(event.option_id)

    @on(Input.Submitted, "#search-input")
    def _on_submitted(self, event: Input.Submitted) -> None:
        option = self.query_one("#search-results", OptionList).highlighted_option
        if option is not None and option.id:
            self.open_hit(option.id)

    # -- reading a hit ---------------------------------------------------------------

    def open_hit(self, record_id: str) -> None:
        """Shows the record in place: beside the results when wide, instead of them when narrow."""
        detail = self.query_one(RecordDetail)
        detail.show(record_id)
        self.add_class("-detail-open")
        detail.focus()
        self.sync_bindings()

    def close_detail(self) -> None:
        if self.has_class("-detail-open"):
            self.remove_class("-detail-open")
            self.sync_bindings()

    def action_back(self) -> None:
        if self.has_class("-detail-open"):
            self.close_detail()
            self.query_one("#search-results", OptionList).focus()
            return
        super().action_back()

    def action_focus_input(self) -> None:
        self.close_detail()
        self.query_one("#search-input", Input).focus()

    def action_focus_results(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if results.option_count:
            self.close_detail()
            results.focus()

    def _shown(self) -> object | None:
        record_id = self.query_one(RecordDetail).record_id if self.is_mounted else None
        return self.journal.find(record_id) if record_id else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go_to":
            return True if self._shown() is not None else None
        if action in ("edit", "share", "delete"):
            # Dimmed while no record is shown (as g is), hidden where the record's kind has none
            # (as on its own screen: an agreement is not edited here, a session not shared).
            entity = self._shown()
            return None if entity is None else record_action_allowed(entity, action)
        return True

    def action_edit(self) -> None:
        entity = self._shown()
        if entity is not None:
            self.edit_record(entity)

    def action_share(self) -> None:
        entity = self._shown()
        if entity is not None:
            self.share_record(entity)

    def action_delete(self) -> None:
        entity = self._shown()
        if entity is not None:
            self.delete_record(entity, self._deleted)

    def _deleted(self) -> None:
        # Its hit is gone: back to the results, the next one highlighted.
        self.close_detail()
        self.reload()
        results = self.query_one("#search-results", OptionList)
        (results if results.option_count else self.query_one("#search-input", Input)).focus()

    def action_go_to(self) -> None:
        record_id = self.query_one(RecordDetail).record_id
        entity = self.journal.find(record_id) if record_id else None
        self.go_to(where_it_lives(self.journal, entity) if entity is not None else None)


__all__ = ["SearchScreen"]
