"""`pairjournal import FILE --from jrnl|jrnl-json|dayone|markdown`: moving in from other journals.

The native `pairjournal import FILE` (a pairjournal backup) lives with the
sharing commands; it gains the options below and hands over to
``import_foreign`` whenever ``--from`` is given.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pairjournal.errors import UsageError
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

# Options only import_foreign reads. They reach it through the click context, so the
# command these options decorate keeps its signature as new ones are added.
FOREIGN_ONLY_OPTIONS: list[Callable[[Any], Any]] = [
    click.option(
        "--follow-symlinks",
        is_flag=True,
        help="With --from markdown: also import notes and folders that are links to places outside the folder.",
    ),
]
_META = "pairjournal.import."


def with_import_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Applies IMPORT_OPTIONS (in the order they are listed) and FOREIGN_ONLY_OPTIONS to a click command."""

    @functools.wraps(fn)
    def command(*args: Any, **kwargs: Any) -> Any:
        follow = bool(kwargs.pop("follow_symlinks", False))
        if follow and kwargs.get("source") is None:
            raise UsageError("--follow-symlinks goes with --from markdown")
        click.get_current_context().meta[f"{_META}follow_symlinks"] = follow
        return fn(*args, **kwargs)

    for option in reversed([*IMPORT_OPTIONS, *FOREIGN_ONLY_OPTIONS]):
        command = option(command)
    return command


def import_foreign(
    journal: Journal,
    path: Path,
    source: str,
    pair_name: str | None,
    dry_run: bool,
    time_format: str | None,
) -> None:
    """Runs one import and prints its report; errors propagate as one-line PairjournalErrors."""
    context = click.get_current_context(silent=True)
    follow = bool(context.meta.get(f"{_META}follow_symlinks", False)) if context is not None else False
    report = import_notes(
        journal, path, source, pair_name=pair_name, dry_run=dry_run, time_format=time_format, follow_symlinks=follow
    )
    for line in report.lines():
        click.echo(printable(line))  # file names and titles from someone's notes: shown, never obeyed


__all__ = ["FOREIGN_ONLY_OPTIONS", "IMPORT_OPTIONS", "import_foreign", "with_import_options"]
