"""The disclosure log: every export, newest first, with the state of its hash chain.

Each row is one export: when, for whom, which pair and period, how many items,
the written file's hash, and whether the entry still fits the chain (OK) or was
edited or had a neighbour removed (BROKEN). The highlighted entry's items are
listed below, with those withdrawn after the export marked.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from pairjournal.model import DeliveryStatus, Disclosure, Pair
from pairjournal.sharing import consent, disclosures
from pairjournal.tui.screens.common import BACK, JournalScreen

# The chain's verdict comes early so a narrow terminal never hides it; the hash can be cut.
COLUMNS = ("#", "Chain", "Date", "Recipient", "Pair", "Period", "Format", "Items", "File SHA-256")


class DisclosuresScreen(JournalScreen):
    """A read-only table of the log and the details of the highlighted entry."""

    TITLE = "Disclosures"
    PALETTE_GROUP = "Disclosures"
    BINDINGS: ClassVar[list[BindingType]] = [BACK]
    def __init__(self) -> None:
        super().__init__()
        self.entries: list[Disclosure] = []
        self.report = disclosures.ChainReport()
        self.withdrawn: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="disclosures-chain")
        yield DataTable(id="disclosures-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="disclosures-detail"):
            yield Static("", id="disclosures-items")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.reload()
        self.query_one(DataTable).focus()

    def reload(self) -> None:
        journal = self.journal
        self.entries = disclosures.entries(journal)
        self.report = disclosures.verify_chain(journal)
        self.withdrawn = {s.id for s in consent.overview(journal) if s.withdrawn_after_export}
        table = self.query_one(DataTable)
        table.clear()
        for entry in self.entries:
            pair = journal.find(entry.pair_id)
            state = self.report.status(entry)
            table.add_row(
                str(entry.seq),
                Text(state, style="bold red" if state == "BROKEN" else "green"),
                entry.when.strftime("%Y-%m-%d %H:%M"),
                entry.recipient,
                pair.name if isinstance(pair, Pair) else "?",
                f"{entry.period_from.isoformat()}..{entry.period_to.isoformat()}",
                entry.format if entry.status is DeliveryStatus.DELIVERED else f"{entry.format}, failed",
                str(len(entry.items)),
                entry.file_sha256[:12] + "…",
                key=entry.id,
            )
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
        lines = [
            f"#{entry.seq} to {entry.recipient}, {entry.format}"
            f"{', pseudonymized' if entry.pseudonymized else ''}: {where}",
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
