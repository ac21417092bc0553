"""What every importer shares: the entry shape, the report, errors, and the writer.

Importers only read: each turns a foreign file into ImportedEntry objects and
raises ImportFormatError (naming the file and the line or entry) on anything it
cannot understand. Writing is done here, once, for all of them: every entry
becomes a private Reflection with a deterministic id, ids already in the
journal are skipped (so importing twice never duplicates), and the whole
import lands in one transaction or not at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pairjournal.errors import UsageError
from pairjournal.model import Reflection

if TYPE_CHECKING:
    from pairjournal.journal.service import Journal

# How many problems / skipped attachments a report prints before summarising.
REPORT_LIMIT = 20


class ImportFormatError(UsageError):
    """The foreign file is malformed; the message names the file and the line or entry."""

    def __init__(self, path: Path | str, where: str, message: str) -> None:
        location = f"{path}: {where}" if where else str(path)
        super().__init__(f"cannot import {location}: {message}")
        self.path = str(path)
        self.where = where


@dataclass(slots=True)
class ImportedEntry:
    """One entry read from a foreign journal, before it becomes a Reflection."""

    created: datetime  # always timezone-aware
    title: str
    body: str
    tags: list[str]
    starred: bool
    # The source's own notion of "the same entry" (a Day One uuid, a jrnl
    # date + title + body); hashed into the Reflection's id.
    identity: str
    where: str  # "line 12", "entry 5", "notes/a.md": for messages
    attachments: dict[str, int] = field(default_factory=dict)


@dataclass
class ImportReport:
    kind: str
    path: Path
    dry_run: bool
    pair_name: str | None = None
    found: int = 0
    new: int = 0
    duplicates: int = 0
    first: datetime | None = None
    last: datetime | None = None
    problems: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)

    def note(self, entry: ImportedEntry) -> None:
        self.found += 1
        if self.first is None or entry.created < self.first:
            self.first = entry.created
        if self.last is None or entry.created > self.last:
            self.last = entry.created
        if entry.attachments:
            what = ", ".join(f"{n} {kind}" for kind, n in entry.attachments.items())
            self.attachments.append(f"{entry.where} ({entry.created.date().isoformat()}): {what}")

    def lines(self) -> list[str]:
        """The report as text for a terminal; counts and places, never entry text."""
        out: list[str] = []
        target = f" into pair {self.pair_name}" if self.pair_name else ""
        span = ""
        if self.first and self.last:
            span = f", dated {self.first.date().isoformat()} to {self.last.date().isoformat()}"
        if self.dry_run:
            out.append(f"Dry run: {self.path} holds {self.found} {_entries(self.found)}{span}.")
            out.append(f"Would import {self.new} as private reflections{target}; nothing was written.")
        elif self.found == 0:
            out.append(f"Found no entries in {self.path}; nothing was imported.")
        else:
            out.append(
                f"Imported {self.new} of {self.found} {_entries(self.found)} from {self.path}{span}"
                f" as private reflections{target}."
            )
        if self.duplicates:
            already = "would be skipped" if self.dry_run else "skipped"
            out.append(f"{self.duplicates} {_entries(self.duplicates)} already in the journal: {already}.")
        if self.attachments:
            out.append(f"Attachments not imported ({len(self.attachments)} {_entries(len(self.attachments))}):")
            out += _limited(self.attachments)
        if self.problems:
            out.append(f"Problems ({len(self.problems)}):")
            out += _limited(self.problems)
        return out


def _entries(n: int) -> str:
    return "entry" if n == 1 else "entries"


def _limited(items: list[str]) -> list[str]:
    shown = [f"  {item}" for item in items[:REPORT_LIMIT]]
    if len(items) > REPORT_LIMIT:
        shown.append(f"  ... and {len(items) - REPORT_LIMIT} more")
    return shown


def entry_id(namespace: str, identity: str) -> str:
    """A deterministic record id: the same source entry always maps to the same id."""
    return hashlib.sha256(f"{namespace}\x00{identity}".encode()).hexdigest()[:32]


def unique_tags(tags: Iterable[str]) -> list[str]:
    """Tags without their marker, empty ones dropped, first spelling kept, order kept."""
    seen: set[str] = set()
    out: list[str] = []
    for tag in tags:
        tag = tag.strip().lstrip("#@").strip()
        key = tag.casefold()
        if tag and key not in seen:
            seen.add(key)
            out.append(tag)
    return out


def collect(
    journal: Journal,
    entries: Iterable[ImportedEntry],
    report: ImportReport,
    *,
    namespace: str,
    source_of: Callable[[ImportedEntry], str],
    pair_id: str | None,
) -> list[Reflection]:
    """Reads every entry (so a malformed one fails before anything is written) and
    returns the Reflections that are new to the journal."""
    find = journal.find
    seen: set[str] = set()
    fresh: list[Reflection] = []
    for entry in entries:
        report.note(entry)
        rid = entry_id(namespace, entry.identity)
        if rid in seen or find(rid) is not None:
            report.duplicates += 1
            continue
        seen.add(rid)
        fresh.append(
            Reflection(
                id=rid,
                text=entry.body,
                title=entry.title,
                tags=entry.tags,
                starred=entry.starred,
                source=source_of(entry),
                created=entry.created,
                pair_id=pair_id,
            )
        )
    report.new = len(fresh)
    return fresh


def write(journal: Journal, reflections: list[Reflection]) -> None:
    """All or nothing: one transaction for the whole import (Journal.save_many)."""
    if not reflections:
        return
    journal.save_many(list(reflections))


__all__ = [
    "ImportFormatError",
    "ImportReport",
    "ImportedEntry",
    "collect",
    "entry_id",
    "unique_tags",
    "write",
]
