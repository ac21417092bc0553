"""The `pairjournal` command: click plumbing over the journal and sharing layers.

Each module here holds one family of commands and lists them in COMMANDS;
this file only gathers them under the root group, and only when a subcommand is
asked for: a bare `pairjournal` starts the interface without importing the
storage, crypto and sharing code that every command module pulls in, which
keeps start-up to the unlock screen close to a bare Textual app.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import click

from pairjournal import __version__
from pairjournal.cli.base import JOURNAL_ENV, JournalGroup, Options, default_journal_path

COMMAND_MODULES = ("core", "lifecycle", "sharing", "exchange", "maintenance", "program")
# The module holding each everyday command, so that running one imports only its
# family (a whole-process `reflect` or `search` starts without sharing's code).
# tests/test_cli_core.py holds this equal to the modules' own COMMANDS lists.
EVERYDAY = ("init", "pair", "session", "takeaway", "action", "reflect", "list", "search", "check", "passwd", "backup")
HOME_OF = dict.fromkeys(EVERYDAY, "core")
# The everyday commands that open the journal: their key derivation starts before
# their code is imported (pairjournal.journal.unlocking), when the passphrase can be
# had without a prompt.
UNLOCKING = frozenset(EVERYDAY) - {"init"}


def _unlock_ahead(ctx: click.Context) -> None:
    import os

    from pairjournal.cli.base import PASSPHRASE_ENV
    from pairjournal.passfile import read_passphrase_file as read_secret_file

    path = ctx.params.get("journal") or default_journal_path()
    source = ctx.params.get("passphrase_file")
    try:
        secret = read_secret_file(source) if source is not None else os.environ.get(PASSPHRASE_ENV, "")
    except Exception:  # the command itself will say what is wrong with it, in its turn
        return
    if secret:
        from pairjournal.journal import unlocking

        unlocking.begin(path, secret)


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
            _unlock_ahead(ctx)
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


def main() -> None:
    from pairjournal.hardening import harden_process

    # Before a passphrase is read or a record decrypted: no core file can ever hold them.
    harden_process()
    cli.main(prog_name="pairjournal")


__all__ = ["cli", "main"]
