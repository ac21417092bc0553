"""The disclosure log: every export, newest first, with the state of its hash chain.

Each row is one export: when, for whom, which pair and period, how many items,
the written file's hash, and whether the entry still fits the chain (OK) or was
edited or had a neighbour removed (BROKEN). The highlighted entry's items are
listed below, with those withdrawn after the export marked.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from pairjournal.model import DeliveryStatus, Disclosure, Pair
from pairjournal.sharing import consent, disclosures
from pairjournal.tui.screens.common import BACK, WIDE_AT, JournalScreen
from pairjournal.tui.widgets.footer import KeyFooter

# The chain's verdict comes early so a narrow terminal never hides it.
COLUMNS = ("#", "Chain", "Date", "Recipient", "Pair", "Period", "Format", "Items", "File SHA-256")
# Below WIDE_AT columns the period and the hash go (the details below the table show both, in full),
# and long names are cut, so the table fits 80 columns.
NARROW_COLUMNS = ("#", "Chain", "Date", "Recipient", "Pair", "Format", "Items")
NARROW_WIDTHS = {"Recipient": 14, "Pair": 12}


class DisclosuresScreen(JournalScreen):
    """A read-only table of the log and the details of the highlighted entry."""

    TITLE = "Disclosures"
    HELP = ("Everything you have exported, newest first, and whether the log is intact; "
            "the highlighted export's items are listed below the table.")
    PALETTE_GROUP = "Disclosures"
    BINDINGS: ClassVar[list[BindingType]] = [BACK]
    def __init__(self) -> None:
        super().__init__()
        self.entries: list[Disclosure] = []
        self.report = disclosures.ChainReport()
        self.withdrawn: set[str] = set()
        self._wide: bool | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="disclosures-chain")
        yield DataTable(id="disclosures-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="disclosures-detail"):
            yield Static("", id="disclosures-items")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(DataTable).focus()

    def on_resize(self, event: events.Resize) -> None:
        if (event.size.width >= WIDE_AT) != self._wide:
            self.reload()

    def _set_columns(self, table: DataTable[Any]) -> tuple[str, ...]:
        wide = self.size.width >= WIDE_AT if self.size.width else self.app.size.width >= WIDE_AT
        if wide != self._wide:
            self._wide = wide
            table.clear(columns=True)
            if wide:
                table.add_columns(*COLUMNS)
            else:
                for name in NARROW_COLUMNS:
                    table.add_column(name, width=NARROW_WIDTHS.get(name))
        return COLUMNS if wide else NARROW_COLUMNS

    def reload(self) -> None:
        journal = self.journal
        self.entries = disclosures.entries(journal)
        self.report = disclosures.verify_chain(journal)
        self.withdrawn = {s.id for s in consent.overview(journal) if s.withdrawn_after_export}
        table = self.query_one(DataTable)
        table.clear()
        columns = self._set_columns(table)
        for entry in self.entries:
            pair = journal.find(entry.pair_id)
            state = self.report.status(entry)
            cells: dict[str, str | Text] = {
                "#": str(entry.seq),
                "Chain": Text(state, style="bold red" if state == "BROKEN" else "green"),
                "Date": entry.when.strftime("%Y-%m-%d %H:%M"),
                "Recipient": entry.recipient,
                "Pair": pair.name if isinstance(pair, Pair) else "?",
                "Period": f"{entry.period_from.isoformat()}..{entry.period_to.isoformat()}",
                "Format": entry.format if entry.status is DeliveryStatus.DELIVERED else f"{entry.format}, failed",
                "Items": str(len(entry.items)),
                "File SHA-256": entry.file_sha256[:12] + "…",
            }
            table.add_row(*(cells[name] for name in columns), key=entry.id)
        chain = self.query_one("#disclosures-chain", Static)
        chain.set_class(not self.report.ok, "-broken")
        if not self.entries and self.report.ok:
            chain.update("No exports yet. Everything you have written is still only yours.")
        elif self.report.ok:
            chain.update(f"Chain OK: {len(self.entries)} export(s), every entry in place and unchanged.")
        else:
            chain.update("Chain BROKEN: " + "; ".join(self.report.lines()))
        self._show_detail(self.entries[0] if self.entries else None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        found = next((e for e in self.entries if e.id == event.row_key.value), None)
        self._show_detail(found)

    def _show_detail(self, entry: Disclosure | None) -> None:
        target = self.query_one("#disclosures-items", Static)
        if entry is None:
            target.update("")
            return
        where = entry.file_name if entry.file_name not in ("", "-") else "(standard output)"
        pair = self.journal.find(entry.pair_id)
        lines = [
            f"#{entry.seq} to {entry.recipient}, {entry.format}"
            f"{', pseudonymized' if entry.pseudonymized else ''}: {where}",
            f"{pair.name if isinstance(pair, Pair) else 'A removed pair'}, "
            f"{entry.period_from.isoformat()} to {entry.period_to.isoformat()}, {len(entry.items)} item(s)",
            f"File SHA-256 {entry.file_sha256}",
            f"Signed by the key {entry.signer}",
        ]
        if entry.status is not DeliveryStatus.DELIVERED:
            lines.append(f"Not delivered: {entry.failure or 'the file was not written'}; nothing left.")
        for problem in self.report.broken.get(entry.id, []):
            lines.append(f"BROKEN: {problem}")
        for item, text in disclosures.item_texts(entry):
            late = "  (withdrawn after this export)" if item.id in self.withdrawn else ""
            lines.append(f"  {item.kind:<9} {item.id[:8]}  sha256 {item.sha256[:16]}…{late}")
            if text is not None:
                words = text.get("text") or text.get("outcome") or ""
                if words:
                    lines.append(f"      {' '.join(str(words).split())}")
        target.update(Text("\n".join(lines)))


__all__ = ["DisclosuresScreen"]
