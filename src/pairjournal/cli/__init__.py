"""The `pairjournal` command: click plumbing over the journal and sharing layers.

Each module here holds one family of commands and lists them in COMMANDS;
this file only gathers them under the root group.
"""

from __future__ import annotations

from pathlib import Path

import click

from pairjournal import __version__
from pairjournal.cli import core
from pairjournal.cli import sharing
from pairjournal.cli import maintenance
from pairjournal.cli.base import JOURNAL_ENV, JournalGroup, Options, default_journal_path


@click.group(cls=JournalGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--journal",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar=JOURNAL_ENV,
    default=None,
    help=f"The journal file (env {JOURNAL_ENV}; default: your user data folder).",
)
@click.option(
    "--passphrase-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Read the passphrase from this file instead of asking (or set PAIRJOURNAL_PASSPHRASE).",
)
@click.version_option(__version__, prog_name="pairjournal")
@click.pass_context
def cli(ctx: click.Context, journal: Path | None, passphrase_file: Path | None) -> None:
    """An encrypted journal for reverse-mentoring pairs. Run with no command for the interface."""
    ctx.obj = Options(journal=journal or default_journal_path(), passphrase_file=passphrase_file)
    if ctx.invoked_subcommand is None:
        from pairjournal.tui.launch import run_tui

        run_tui(ctx.obj.journal, ctx.obj.passphrase_file)


for command in core.COMMANDS:
    cli.add_command(command)

for command in sharing.COMMANDS:
    cli.add_command(command)
for command in maintenance.COMMANDS:
    cli.add_command(command)


def main() -> None:
    cli.main(prog_name="pairjournal")


__all__ = ["cli", "main"]
