"""Moving in: notes from jrnl, Day One and Markdown folders become private reflections.

``import_notes`` is the one entry point: it reads the whole source first (so a
malformed entry stops everything before a byte is written), skips entries the
journal already holds, and writes the rest in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from pairjournal.errors import UsageError
from pairjournal.importers import dayone, jrnl, jrnl_json, markdown
from pairjournal.importers.common import ImportedEntry, ImportFormatError, ImportReport, collect, write

if TYPE_CHECKING:
    from pairjournal.journal.service import Journal

Reader = Callable[[Path, list[str]], Iterator[ImportedEntry]]

# --from name -> id namespace. jrnl's text file and its JSON export share one,
# so the same entry imported both ways is still one reflection.
NAMESPACES = {"jrnl": "jrnl", "jrnl-json": "jrnl", "dayone": "dayone", "markdown": "markdown"}
SOURCES = tuple(NAMESPACES)


def _reader(kind: str, time_format: str | None) -> Reader:
    if time_format is not None and kind != "jrnl":
        raise UsageError("--time-format applies only to --from jrnl")
    match kind:
        case "jrnl":
            return partial(jrnl.read, time_format=time_format or jrnl.DEFAULT_TIME_FORMAT)
        case "jrnl-json":
            return jrnl_json.read
        case "dayone":
            return dayone.read
        case "markdown":
            return markdown.read
    raise UsageError(f"unknown source {kind!r} (choose from {', '.join(SOURCES)})")


def _check_path(path: Path, kind: str) -> None:
    if not path.exists():
        raise UsageError(f"no such file or folder: {path}")
    if kind == "markdown":
        if not path.is_dir() and path.suffix.lower() not in markdown.SUFFIXES:
            raise UsageError(f"{path} is neither a folder nor a Markdown (.md) file")
    elif not path.is_file():
        raise UsageError(f"{path} is not a file (--from {kind} reads one file)")


def import_notes(
    journal: Journal,
    path: Path | str,
    kind: str,
    *,
    pair_name: str | None = None,
    dry_run: bool = False,
    time_format: str | None = None,
) -> ImportReport:
    """Imports (or, with dry_run, only inspects) one source; returns what happened."""
    path = Path(path)
    read = _reader(kind, time_format)
    _check_path(path, kind)
    pair = journal.pair(pair_name) if pair_name else None
    report = ImportReport(kind=kind, path=path, dry_run=dry_run, pair_name=pair.name if pair else None)

    def source_of(entry: ImportedEntry) -> str:
        return f"markdown:{entry.where}" if kind == "markdown" else f"{kind}:{path.name}"

    fresh = collect(
        journal,
        read(path, report.problems),
        report,
        namespace=NAMESPACES[kind],
        source_of=source_of,
        pair_id=pair.id if pair else None,
    )
    if not dry_run:
        write(journal, fresh)
    return report


__all__ = ["NAMESPACES", "SOURCES", "ImportFormatError", "ImportReport", "ImportedEntry", "import_notes"]
