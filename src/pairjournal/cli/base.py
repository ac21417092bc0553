"""Click plumbing shared by every command: the root group, errors, passphrases.

Commands stay thin: parse, call into journal/ or sharing/, print. Errors from
any layer become one line on stderr and the exit code of their class; nothing
ever prints a traceback (it could carry journal text).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, overload

import click

from pairjournal.boundedio import read_stream_bounded
from pairjournal.cli import PASSPHRASE_ENV
from pairjournal.errors import PairjournalError, ReadOnlyJournal, UsageError
from pairjournal.passfile import read_passphrase_file as read_secret_file
from pairjournal.termtext import json_text, printable

NEW_PASSPHRASE_ENV = "PAIRJOURNAL_NEW_PASSPHRASE"
INTERNAL_ERROR_EXIT = 70


def fail(message: str, code: int = 1) -> None:
    # Messages quote user input (a name, a file name, an import's line): shown, never obeyed.
    click.echo(f"pairjournal: error: {printable(message)}", err=True)
    sys.exit(code)


def warn(message: str) -> None:
    click.echo(f"pairjournal: warning: {printable(message)}", err=True)


class JournalGroup(click.Group):
    """A group whose failures are always a single line and a non-zero exit."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            # Click lays some messages out on lines of their own, indented by a tab
            # ("Choose from:\n\tpairs,\n\tsessions"): one line, those breaks as spaces.
            fail(re.sub(r"\n\t*", " ", exc.format_message()), exc.exit_code)
        except (click.exceptions.Abort, EOFError, KeyboardInterrupt):
            fail("aborted; nothing was changed", 130)
        except PairjournalError as exc:
            fail(str(exc), exc.exit_code)
        except OSError as exc:
            where = f": {exc.filename}" if exc.filename else ""
            fail(f"{exc.strerror or exc.__class__.__name__}{where}", 1)
        except Exception as exc:
            fail(
                f"internal error ({exc.__class__.__name__}); details are withheld to keep journal text off "
                "the screen. Your journal is unchanged unless a message above said otherwise.",
                INTERNAL_ERROR_EXIT,
            )
        sys.exit(result if isinstance(result, int) else 0)


@dataclass
class Options:
    journal: Path
    passphrase_file: Path | None


def get_passphrase(opts: Options, *, confirm: bool = False, prompt: str = "Passphrase") -> str:
    if opts.passphrase_file is not None:
        secret = read_secret_file(opts.passphrase_file)
    elif os.environ.get(PASSPHRASE_ENV):
        secret = os.environ[PASSPHRASE_ENV]
    else:
        secret = prompt_secret(prompt, confirm=confirm)
    if not secret:
        raise UsageError("the passphrase must not be empty")
    return secret


def prompt_secret(prompt: str, *, confirm: bool) -> str:
    if not sys.stdin or sys.stdin.closed:
        raise UsageError(f"no passphrase given: set {PASSPHRASE_ENV} or use --passphrase-file")
    try:
        return click.prompt(prompt, hide_input=True, confirmation_prompt=confirm, default="", show_default=False)
    except (click.exceptions.Abort, EOFError):
        raise UsageError(f"no passphrase given: set {PASSPHRASE_ENV} or use --passphrase-file") from None


@contextmanager
def open_journal(ctx: click.Context, *, warn_damaged: bool = True, deferred: bool = False) -> Iterator[Any]:
    """Unlocks the journal named by the global options, and closes it after the command.

    A damaged journal opens read-only, and the command says so in one line on
    stderr, after its own output (so that is the last thing read). A write it
    then refuses says so in its own error line, which names the damage: the
    warning is not repeated above it.

    deferred: for a command that may need no other record (`reflect`): the records
    are decrypted only if the command asks for them (Journal.open(deferred=True)).
    """
    from pairjournal.journal import Journal

    opts: Options = ctx.find_object(Options)  # type: ignore[assignment]
    journal = Journal.open(opts.journal, get_passphrase(opts), deferred=deferred)
    try:
        yield journal
    except ReadOnlyJournal:
        raise
    except BaseException:
        if warn_damaged:
            warn_if_damaged(journal)
        raise
    else:
        if warn_damaged:
            warn_if_damaged(journal)
    finally:
        journal.close()


def warn_if_damaged(journal: Any) -> None:
    if journal.read_only:
        warn(
            f"the journal is damaged and was opened read-only: {journal.damage_summary}; "
            "run `pairjournal check`, then `pairjournal restore` a backup or `pairjournal check --accept-damage`"
        )


class DateType(click.ParamType):  # type: ignore[type-arg]
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        from pairjournal.model import check_date

        if not isinstance(value, date):
            try:
                value = date.fromisoformat(str(value))
            except ValueError:
                self.fail(f"{value!r} is not a valid date (use YYYY-MM-DD)", param, ctx)
        try:
            return check_date(value, "the date")
        except UsageError as exc:
            self.fail(str(exc), param, ctx)


DATE = DateType()

# Text read with `-` from standard input: a day's notes is kilobytes; a book is a megabyte.
STDIN_TEXT_LIMIT = 1024 * 1024
_STDIN_TAKEN = "pairjournal.stdin-taken"


class PrivateTextType(click.ParamType):  # type: ignore[type-arg]
    """Text that may be private: given as the argument, or `-` to read it from standard input.

    An argument is visible to every user of the machine (`ps`, /proc/<pid>/cmdline)
    while the command runs, and stays in the shell's history; standard input is
    neither. One trailing newline is the input's, not the text's.
    """

    name = "TEXT|-"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        if text != "-":
            return text
        if ctx is not None:
            root = ctx.find_root()
            if root.meta.get(_STDIN_TAKEN):
                self.fail("only one value can be read from standard input (`-`) in one command", param, ctx)
            root.meta[_STDIN_TAKEN] = True
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            self.fail("there is no standard input to read the text from", param, ctx)
        if stream.isatty():
            click.echo("Type the text, then press Ctrl-D on a line of its own.", err=True)
        raw = read_stream_bounded(stream, STDIN_TEXT_LIMIT, "the text on standard input")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.fail("the text on standard input is not UTF-8", param, ctx)
        if text.endswith("\r\n"):
            return text[:-2]
        return text[:-1] if text.endswith("\n") else text


PRIVATE_TEXT = PrivateTextType()



def emit_json(data: Any) -> None:
    click.echo(json_text(data, indent=2, sort_keys=True))


@overload
def pass_journal(fn: Callable[..., Any]) -> Callable[..., Any]: ...


@overload
def pass_journal(
    fn: None = None, *, warn_damaged: bool = True, deferred: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]: ...


def pass_journal(
    fn: Callable[..., Any] | None = None, *, warn_damaged: bool = True, deferred: bool = False
) -> Callable[..., Any] | Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: the command receives the unlocked journal as its first argument.

    warn_damaged=False is for commands that report damaged records themselves;
    deferred=True for one that may need no other record (see open_journal).
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @click.pass_context
        def wrapper(ctx: click.Context, /, *args: Any, **kwargs: Any) -> Any:
            with open_journal(ctx, warn_damaged=warn_damaged, deferred=deferred) as journal:
                return fn(journal, *args, **kwargs)

        wrapper.__name__ = fn.__name__
        wrapper.__doc__ = fn.__doc__
        return wrapper

    return decorate(fn) if fn is not None else decorate
