"""The `pairjournal` command: click plumbing over the journal and sharing layers.

Each module here holds one family of commands and lists them in COMMANDS;
root.py gathers them under the root group, each only when it is asked for.

This file imports neither click nor any command: main() first begins the key
derivation of an everyday command whose journal and passphrase its arguments
already tell (`_early_request`), and only then loads click, the command's family
and the domain, all while Argon2id runs in a thread. `cli` (the root group) is
loaded on first use.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

PASSPHRASE_ENV = "PAIRJOURNAL_PASSPHRASE"
JOURNAL_ENV = "PAIRJOURNAL_JOURNAL"

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
# The one that may write a record without loading the others (`reflect TEXT`): the
# records are read (not opened) while the key is derived, for the check before the write.
READS_AHEAD = frozenset({"reflect"})

# The root group's options that take a value, by the name of their parameter.
_ROOT_OPTIONS = {"--journal": "journal", "--passphrase-file": "passphrase_file"}


def default_journal_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path("pairjournal", appauthor=False) / "journal.pairjournal"


def begin_unlock(command: str, journal: Path | None, passphrase_file: Path | None) -> None:
    """Begins opening the journal for `command` when the passphrase needs no prompt (else nothing)."""
    from pairjournal.passfile import read_passphrase_file as read_secret

    path = journal or default_journal_path()
    try:
        secret = os.environ.get(PASSPHRASE_ENV, "") if passphrase_file is None else read_secret(passphrase_file)
    except Exception:  # the command itself will say what is wrong with it, in its turn
        return
    if secret:
        from pairjournal.journal import unlocking

        unlocking.begin(path, secret, read_ahead=command in READS_AHEAD)


def _early_request(argv: list[str]) -> tuple[str, Path | None, Path | None] | None:
    """(command, --journal, --passphrase-file) when the arguments are plainly an everyday command's.

    Read as click will read them, or not at all: only `--journal` and `--passphrase-file`
    (each `--name VALUE` or `--name=VALUE`, the last one given winning) before a command
    of UNLOCKING, and no help asked for. Anything else (another option, a value that is
    empty or looks like an option) is left to click, which begins the unlock itself once
    it has parsed them (root.LazyRootGroup.resolve_command): so this never opens a file
    other than the one the command will.
    """
    given: dict[str, str] = {}
    at = 0
    while at < len(argv) and argv[at].startswith("-"):
        name, has_value, value = argv[at].partition("=")
        if name not in _ROOT_OPTIONS:
            return None
        if not has_value:
            if at + 1 == len(argv):
                return None
            value = argv[at + 1]
        at += 1 if has_value else 2
        if not value or value.startswith("-"):
            return None
        given[_ROOT_OPTIONS[name]] = value
    rest = argv[at:]
    if not rest or rest[0] not in UNLOCKING or {"-h", "--help"} & set(rest):
        return None
    journal = given.get("journal") or os.environ.get(JOURNAL_ENV) or None  # click: an empty variable is unset
    passphrase_file = given.get("passphrase_file")
    return rest[0], Path(journal) if journal else None, Path(passphrase_file) if passphrase_file else None


def main() -> None:
    from pairjournal.hardening import harden_process

    # Before a passphrase is read or a record decrypted: no core file can ever hold them.
    harden_process()
    early = _early_request(sys.argv[1:])
    if early is not None:
        begin_unlock(*early)
    from pairjournal.cli.root import cli

    try:
        cli.main(prog_name="pairjournal")
    finally:
        # Whatever the command left is let go at exit anyway (the journal is closed by
        # then): frozen, the interpreter's last collections skip the objects of every
        # module loaded, a tenth of a one-record add.
        import gc

        gc.freeze()


def __getattr__(name: str) -> Any:
    if name == "cli":  # the root group, and with it click: loaded when first wanted
        from pairjournal.cli.root import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["cli", "main"]
