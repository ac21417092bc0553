"""`pairjournal import FILE --from jrnl|jrnl-json|dayone|markdown`: moving in from other journals.

The native `pairjournal import FILE` (a pairjournal backup) lives with the
sharing commands; it gains the options below and hands over to
``import_foreign`` whenever ``--from`` is given.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pairjournal.importers import SOURCES, import_notes
from pairjournal.journal.service import Journal
from pairjournal.termtext import printable

IMPORT_OPTIONS: list[Callable[[Any], Any]] = [
    click.option(
        "--from",
        "source",
        type=click.Choice(SOURCES),
        default=None,
        help="Import another journal's notes as private reflections: a jrnl file, a jrnl JSON export, "
        "a Day One export (.json or .zip) or a folder of Markdown notes.",
    ),
    click.option("--pair", "pair_name", default=None, help="Attach the imported reflections to this pair."),
    click.option("--dry-run", is_flag=True, help="Show what would be imported and write nothing."),
    click.option(
        "--time-format",
        default=None,
        metavar="STRFTIME",
        help="With --from jrnl: your jrnl `timeformat` setting, if not %Y-%m-%d %H:%M.",
    ),
]


def with_import_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Applies IMPORT_OPTIONS to a click command (in the order they are listed)."""
    for option in reversed(IMPORT_OPTIONS):
        fn = option(fn)
    return fn


def import_foreign(
    journal: Journal,
    path: Path,
    source: str,
    pair_name: str | None,
    dry_run: bool,
    time_format: str | None,
) -> None:
    """Runs one import and prints its report; errors propagate as one-line PairjournalErrors."""
    report = import_notes(journal, path, source, pair_name=pair_name, dry_run=dry_run, time_format=time_format)
    for line in report.lines():
        click.echo(printable(line))  # file names and titles from someone's notes: shown, never obeyed


__all__ = ["IMPORT_OPTIONS", "import_foreign", "with_import_options"]
