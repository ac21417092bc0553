"""The `pairjournal` command: click plumbing over the journal and sharing layers.

Each module here holds one family of commands and lists them in COMMANDS;
this file only gathers them under the root group, and only when a subcommand is
asked for: a bare `pairjournal` starts the interface without importing the
storage, crypto and sharing code that every command module pulls in, which
keeps start-up to the unlock screen close to a bare Textual app.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import click

from pairjournal import __version__
from pairjournal.cli.base import JOURNAL_ENV, JournalGroup, Options, default_journal_path

COMMAND_MODULES = ("core", "lifecycle", "sharing", "exchange", "maintenance", "program")


class LazyRootGroup(JournalGroup):
    """Registers the command modules on first need (click's lazy-loading pattern)."""

    _loaded = False

    def _load(self) -> None:
        if not self._loaded:
            self._loaded = True
            for name in COMMAND_MODULES:
                module: Any = importlib.import_module(f"pairjournal.cli.{name}")
                for command in module.COMMANDS:
                    self.add_command(command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._load()
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyRootGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
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


def main() -> None:
    from pairjournal.hardening import harden_process

    # Before a passphrase is read or a record decrypted: no core file can ever hold them.
    harden_process()
    cli.main(prog_name="pairjournal")


__all__ = ["cli", "main"]
