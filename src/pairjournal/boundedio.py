"""Reading files that come from outside: regular files only, and never more than a cap.

Everything pairjournal reads that a person (or an attacker) hands it, an import,
a passphrase file, an export to verify, goes through here. A FIFO would block
the read forever, a device such as /dev/zero would never end, and a file of
gigabytes would be read whole into memory; each is refused by name, with one
line, before a byte of it is used. No layer below the CLI is needed: this
module imports nothing of pairjournal's but its errors.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import BinaryIO

from pairjournal.errors import UsageError

MiB = 1024 * 1024

# A passphrase file holds one passphrase: a few words, not kilobytes.
PASSPHRASE_FILE_LIMIT = 4096
# An export (Markdown, HTML or JSON of one pair's period) is kilobytes; a year of
# a busy pair, a few hundred. Far above any real one, far below harm.
VERIFY_LIMIT = 64 * MiB

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link"),
)


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    for test, words in _KINDS:
        if test(mode):
            return words
    return "not a regular file"


def size_text(limit: int) -> str:
    if limit >= MiB and limit % MiB == 0:
        return f"{limit // MiB} MB"
    if limit >= 1024 and limit % 1024 == 0:
        return f"{limit // 1024} KB"
    return f"{limit} bytes"


def open_regular(path: Path | str, what: str) -> BinaryIO:
    """Opens path for reading, refusing anything but a regular file.

    The check is made on the opened descriptor (fstat), not on the name, so a
    file swapped for a FIFO between a check and the open cannot slip through;
    O_NONBLOCK keeps the open itself from waiting on a FIFO with no writer.
    """
    path = Path(path)
    # By name first, so a device is never even opened (opening some has effects);
    # then again on the descriptor, in case the name changed meanwhile.
    try:
        named = os.stat(path).st_mode
    except FileNotFoundError:
        raise UsageError(f"{what} not found: {path}") from None
    except OSError as exc:
        raise UsageError(f"cannot read the {what} {path}: {exc.strerror or type(exc).__name__}") from None
    if not stat.S_ISREG(named):
        raise UsageError(f"{what} {path} is {kind_of(named)}, not a regular file; nothing was read from it")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise UsageError(f"{what} not found: {path}") from None
    except IsADirectoryError:
        raise UsageError(f"{what} {path} is a folder, not a file") from None
    except OSError as exc:
        raise UsageError(f"cannot read the {what} {path}: {exc.strerror or type(exc).__name__}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UsageError(f"{what} {path} is {kind_of(mode)}, not a regular file; nothing was read from it")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise


def read_capped(handle: BinaryIO, limit: int, path: Path | str, what: str) -> bytes:
    """Reads at most `limit` bytes from an open file; one byte more is refused.

    The size in a file's metadata (or a zip member's header) is never trusted:
    reading stops at limit + 1 bytes whatever the file claims.
    """
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise UsageError(f"{what} {path} is larger than {size_text(limit)}; refusing to read it")
    return data


def read_bounded(path: Path | str, limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or a one-line UsageError (exit 2).

    `what` names the file in messages: "passphrase file", "export", "import file".
    """
    with open_regular(path, what) as handle:
        return read_capped(handle, limit, path, what)


def read_stream_bounded(stream: BinaryIO | io.BufferedIOBase, limit: int, what: str) -> bytes:
    """Standard input (or any stream) read under the same cap."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UsageError(f"{what} is larger than {size_text(limit)}; refusing to read it")
    return bytes(data)


__all__ = [
    "PASSPHRASE_FILE_LIMIT",
    "VERIFY_LIMIT",
    "kind_of",
    "open_regular",
    "read_bounded",
    "read_capped",
    "read_stream_bounded",
    "size_text",
]
