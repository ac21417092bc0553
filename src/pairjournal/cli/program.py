"""The coordinator's commands: the roster of participants' cards, and the program report.

Thin click plumbing over pairjournal.program; none of them opens a journal.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pairjournal.cli.base import emit_json
from pairjournal.program import render, report, roster
from pairjournal.sharing import cards
from pairjournal.sharing.files import check_destination, write_private
from pairjournal.termtext import printable

PROGRESS_ABOVE = 5  # folders of more files than this get a progress bar on standard error
ROSTER = click.option(
    "--roster",
    "roster_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The roster file (plain TOML; default: roster.toml in your user data folder).",
)


def _roster_path(value: Path | None) -> Path:
    return value or roster.default_path()


@click.group("program")
def program() -> None:
    """The coordinator's side: a roster of cards, and one report from many signed exports (no journal needed)."""


@program.group("roster")
def roster_group() -> None:
    """The participants whose exports a report accepts."""


@roster_group.command("add")
@click.argument("card_files", metavar="CARD...", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--program", "program_name", required=True, help="The program these participants are in.")
@click.option("--cohort", required=True, help="Their cohort within the program.")
@ROSTER
def roster_add(card_files: tuple[Path, ...], program_name: str, cohort: str, roster_path: Path | None) -> None:
    """Add participants from their cards (each card checked in full; all or none are added)."""
    path = _roster_path(roster_path)
    current = roster.load_or_empty(path)
    added = [roster.add(current, cards.read_card(card), program=program_name, cohort=cohort) for card in card_files]
    roster.save(current, path)
    for entry in added:
        what = "Added" if entry.new else "Already on the roster:"
        click.echo(f"{what} {printable(entry.person.name)} ({entry.person.fingerprint}) in "
                   f"{printable(entry.person.program)} / {printable(entry.person.cohort)}")
    click.echo("Compare each fingerprint with its owner directly (in person or on a call) before trusting it.")


@roster_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the roster as JSON.")
@ROSTER
def roster_list(as_json: bool, roster_path: Path | None) -> None:
    """Show the participants on the roster, by program and cohort."""
    current = roster.load(_roster_path(roster_path))
    people = sorted(current.participants, key=lambda p: (p.program, p.cohort, p.name.casefold()))
    if as_json:
        emit_json([{"name": p.name, "fingerprint": p.fingerprint, "program": p.program, "cohort": p.cohort,
                    "added": p.added.isoformat()} for p in people])
        return
    if not people:
        click.echo("The roster is empty.")
    for p in people:
        click.echo(f"{printable(p.program)} / {printable(p.cohort)}: {printable(p.name)}  {p.fingerprint}")


@program.command("report")
@click.argument("paths", metavar="FILE_OR_FOLDER...", nargs=-1, required=True, type=click.Path(path_type=Path))
@ROSTER
@click.option("--min-pairs", type=int, default=report.DEFAULT_MIN_PAIRS, show_default=True,
              help="K: every cell shown is drawn from at least this many pairs.")
@click.option("--format", "fmt", type=click.Choice(render.FORMATS), default="html", show_default=True,
              help="The report's format.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Write the report to this file (mode 0600) instead of standard output.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def report_command(paths: tuple[Path, ...], roster_path: Path | None, min_pairs: int, fmt: str, out: Path | None,
                   force: bool) -> None:
    """Verify every export against the roster and merge them into one k-anonymous program report."""
    if min_pairs < 1:
        raise click.BadParameter(f"must be at least 1 (got {min_pairs})", param_hint="--min-pairs")
    current = roster.load(_roster_path(roster_path))
    if out is not None:
        check_destination(out, force=force)
    files = report.collect(list(paths))
    if len(files) > PROGRESS_ABOVE:
        with click.progressbar(length=len(files), label="Verifying exports", file=sys.stderr) as bar:
            built = report.build(paths, current, min_pairs=min_pairs, progress=bar.update, files=files)
    else:
        built = report.build(paths, current, min_pairs=min_pairs, files=files)
    data = render.render(built.report, fmt)
    result = built.report
    summary = (f"{result['files_verified']} of {result['files_seen']} files verified, "
               f"{len(result['not_counted'])} of them not counted (Markdown or HTML), {len(result['refused'])} refused")
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_private(out, data, force=force)
        click.echo(f"Wrote the program report to {printable(str(out))}: {summary}.", err=True)
    if result["not_counted"]:
        click.echo(f"pairjournal: warning: {len(result['not_counted'])} genuine Markdown or HTML exports were not "
                   "counted; ask their authors for the JSON export.", err=True)
    if result["refused"]:
        click.echo(f"pairjournal: warning: {len(result['refused'])} files refused; the report lists each and why.",
                   err=True)


COMMANDS = [program]

__all__ = ["COMMANDS"]
