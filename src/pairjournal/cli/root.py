"""The root group: gathers the command modules' COMMANDS, each only when it is asked for.

A bare `pairjournal` starts the interface without importing the storage, crypto
and sharing code that every command module pulls in, which keeps start-up to the
unlock screen close to a bare Textual app.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import click

from pairjournal import __version__
from pairjournal.cli import COMMAND_MODULES, HOME_OF, JOURNAL_ENV, UNLOCKING, begin_unlock, default_journal_path
from pairjournal.cli.base import JournalGroup, Options


def _unlock_ahead(ctx: click.Context, command: str) -> None:
    begin_unlock(command, ctx.params.get("journal"), ctx.params.get("passphrase_file"))


class LazyRootGroup(JournalGroup):
    """Registers the command modules on first need (click's lazy-loading pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loaded: set[str] = set()

    def _load(self, names: tuple[str, ...] = COMMAND_MODULES) -> None:
        for name in names:
            if name not in self._loaded:
                self._loaded.add(name)
                module: Any = importlib.import_module(f"pairjournal.cli.{name}")
                for command in module.COMMANDS:
                    self.add_command(command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] in UNLOCKING and not {"-h", "--help"} & set(args):
            _unlock_ahead(ctx, args[0])
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        finally:
            # A command that failed before opening the journal (a bad argument, say) leaves
            # the Store begun for it open: closed here, not at exit, so that commands run
            # one after another in one process (tests, scripts) never meet a stale one.
            unlocking = sys.modules.get("pairjournal.journal.unlocking")
            if unlocking is not None:
                unlocking.discard()

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        home = HOME_OF.get(cmd_name)
        self._load((home,) if home is not None else COMMAND_MODULES)
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


__all__ = ["LazyRootGroup", "cli"]
