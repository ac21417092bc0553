"""Moving in: notes from jrnl, Day One and Markdown folders become private reflections.

``import_notes`` is the one entry point: it reads the whole source first (so a
malformed entry stops everything before a byte is written), skips entries the
journal already holds, and writes the rest in one transaction.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pairjournal.boundedio import kind_of
from pairjournal.errors import UsageError
from pairjournal.importers import dayone, jrnl, jrnl_json, markdown
from pairjournal.importers.common import ImportedEntry, ImportFormatError, ImportReport, ReadBudget, collect, write

if TYPE_CHECKING:
    from pairjournal.journal.service import Journal

class Reader(Protocol):
    """One source's reader: entries in order, everything read counted against the budget."""

    def __call__(self, path: Path, problems: list[str], *, budget: ReadBudget) -> Iterator[ImportedEntry]: ...

# --from name -> id namespace. jrnl's text file and its JSON export share one,
# so the same entry imported both ways is still one reflection.
NAMESPACES = {"jrnl": "jrnl", "jrnl-json": "jrnl", "dayone": "dayone", "markdown": "markdown"}
SOURCES = tuple(NAMESPACES)


def _reader(kind: str, time_format: str | None, follow_symlinks: bool = False) -> Reader:
    if time_format is not None and kind != "jrnl":
        raise UsageError("--time-format applies only to --from jrnl")
    if follow_symlinks and kind != "markdown":
        raise UsageError("--follow-symlinks applies only to --from markdown")
    match kind:
        case "jrnl":
            return partial(jrnl.read, time_format=time_format or jrnl.DEFAULT_TIME_FORMAT)
        case "jrnl-json":
            return jrnl_json.read
        case "dayone":
            return dayone.read
        case "markdown":
            return partial(markdown.read, follow_symlinks=follow_symlinks)
    raise UsageError(f"unknown source {kind!r} (choose from {', '.join(SOURCES)})")


def _check_path(path: Path, kind: str) -> None:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise UsageError(f"no such file or folder: {path}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    if kind == "markdown":
        if stat.S_ISDIR(mode):
            return
        if path.suffix.lower() not in markdown.SUFFIXES:
            raise UsageError(f"{path} is neither a folder nor a Markdown (.md) file")
    if not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise UsageError(f"{path} is not a file (--from {kind} reads one file)")
        raise UsageError(f"{path} is {kind_of(mode)}, not a regular file; nothing was imported")


def import_notes(
    journal: Journal,
    path: Path | str,
    kind: str,
    *,
    pair_name: str | None = None,
    dry_run: bool = False,
    time_format: str | None = None,
    follow_symlinks: bool = False,
) -> ImportReport:
    """Imports (or, with dry_run, only inspects) one source; returns what happened.

    Everything read counts against one budget (common.MAX_IMPORT_BYTES); only
    regular files are read, and (Markdown) nothing a link outside the folder points
    to unless follow_symlinks. Each refusal is one line, and nothing is written.
    """
    path = Path(path)
    read = _reader(kind, time_format, follow_symlinks)
    _check_path(path, kind)
    pair = journal.pair(pair_name) if pair_name else None
    report = ImportReport(kind=kind, path=path, dry_run=dry_run, pair_name=pair.name if pair else None)

    def source_of(entry: ImportedEntry) -> str:
        return f"markdown:{entry.where}" if kind == "markdown" else f"{kind}:{path.name}"

    fresh = collect(
        journal,
        read(path, report.problems, budget=ReadBudget()),
        report,
        namespace=NAMESPACES[kind],
        source_of=source_of,
        pair_id=pair.id if pair else None,
    )
    if not dry_run:
        write(journal, fresh)
    return report


__all__ = ["NAMESPACES", "SOURCES", "ImportFormatError", "ImportReport", "ImportedEntry", "import_notes"]
