"""Keeping the journal safe: restore from a backup, list the automatic backups.

`backup` itself lives in core.py beside `check` and `passwd`.
"""

from __future__ import annotations

from pathlib import Path

import click

from pairjournal.cli.base import Options, emit_json, get_passphrase
from pairjournal.journal import backups
from pairjournal.termtext import printable


@click.command()
@click.argument("src", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
def restore(ctx: click.Context, src: Path) -> None:
    """Replace the journal with the backup SRC, after verifying all of it.

    The backup must open with the passphrase, pass the file check, and every
    record must authenticate; otherwise nothing changes. The journal it
    replaces is kept beside it as <journal>.before-restore-<timestamp>.
    """
    opts = ctx.find_object(Options)
    assert opts is not None
    passphrase = get_passphrase(opts, prompt="Passphrase of the backup")
    result = backups.restore(opts.journal, src, passphrase)
    click.echo(printable(f"Restored {result.records} records from {src} into {opts.journal}"))
    if result.previous is not None:
        click.echo(printable(f"The journal it replaced is kept at {result.previous}"))


@click.command("backups")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def backups_cmd(ctx: click.Context, as_json: bool) -> None:
    """List the automatic daily backups kept beside the journal (newest first)."""
    opts = ctx.find_object(Options)
    assert opts is not None
    found = backups.list_backups(opts.journal)
    if as_json:
        emit_json([{"path": str(p), "date": p.name.split(".")[0], "bytes": p.stat().st_size} for p in found])
        return
    if not found:
        click.echo(printable(f"No automatic backups yet in {backups.backup_folder(opts.journal)}"))
        return
    for path in found:
        click.echo(printable(f"{path.name.split('.')[0]}  {path.stat().st_size:>10} bytes  {path}"))


COMMANDS = [restore, backups_cmd]

__all__ = ["COMMANDS"]
