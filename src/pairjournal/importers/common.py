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
from typing import IO, TYPE_CHECKING, BinaryIO

from pairjournal.boundedio import open_regular, size_text
from pairjournal.errors import UsageError
from pairjournal.model import DateOutOfRange, Reflection, check_moment, check_values

if TYPE_CHECKING:
    from pairjournal.journal.service import Journal

# How many problems / skipped attachments a report prints before summarising.
REPORT_LIMIT = 20

# Everything one import may read, in all: a file, every note of a folder, every
# journal inside a zip (unpacked). Years of a busy journal are a few megabytes of
# text; this is far above any real one, and keeps a hostile file (a zip bomb, a
# link to /dev/zero) from taking the machine's memory.
MAX_IMPORT_BYTES = 128 * 1024 * 1024


class ImportFormatError(UsageError):
    """The foreign file is malformed; the message names the file and the line or entry."""

    def __init__(self, path: Path | str, where: str, message: str) -> None:
        location = f"{path}: {where}" if where else str(path)
        super().__init__(f"cannot import {location}: {message}")
        self.path = str(path)
        self.where = where


class ReadBudget:
    """What is left of MAX_IMPORT_BYTES for one import; every read draws on it."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_IMPORT_BYTES if limit is None else limit
        self.left = self.limit

    def refuse(self, label: Path | str) -> ImportFormatError:
        return ImportFormatError(
            label,
            "",
            f"more than {size_text(self.limit)} to read in all; pairjournal does not import a source that large",
        )

    def take(self, count: int, label: Path | str) -> None:
        """Counts bytes read some other way (a stream read in blocks)."""
        self.left -= count
        if self.left < 0:
            raise self.refuse(label)

    def read(self, handle: IO[bytes], label: Path | str) -> bytes:
        """The rest of an open stream, read under the budget (never trusting a stated size)."""
        data = handle.read(self.left + 1)
        self.take(len(data), label)
        return bytes(data)

    def open(self, path: Path) -> BinaryIO:
        """A regular file opened for reading (FIFOs, devices and sockets are refused by name)."""
        return open_regular(path, "import file")

    def read_file(self, path: Path, label: Path | str | None = None) -> bytes:
        """A regular file's bytes (FIFOs, devices and sockets are refused by name)."""
        with open_regular(path, "import file") as handle:
            return self.read(handle, label if label is not None else path)


def check_entry_date(moment: datetime, path: Path | str, where: str) -> datetime:
    """An entry's date, or ImportFormatError naming it when it is outside the journal's range."""
    try:
        return check_moment(moment, "the date")
    except DateOutOfRange as exc:
        raise ImportFormatError(path, where, str(exc)) from None


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
        try:
            check_values(entry)  # the journal's rules, here where the entry can still be named
        except UsageError as exc:
            raise ImportFormatError(report.path, entry.where, str(exc)) from None
        report.note(entry)
        rid = entry_id(namespace, entry.identity)
        if rid in seen or find(rid) is not None:
            report.duplicates += 1
            continue
        seen.add(rid)
        reflection = Reflection(
            id=rid,
            text=entry.body,
            title=entry.title,
            tags=entry.tags,
            starred=entry.starred,
            source=source_of(entry),
            created=entry.created,
            pair_id=pair_id,
        )
        fresh.append(reflection)
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
