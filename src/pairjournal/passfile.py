"""Reading a passphrase from a file, for scripts: shared by the CLI and the interface."""

from __future__ import annotations

from pathlib import Path

from pairjournal.boundedio import PASSPHRASE_FILE_LIMIT, read_bounded
from pairjournal.errors import UsageError


def read_passphrase_file(path: Path) -> str:
    """The passphrase in a regular file of at most a few KB; FIFOs and devices are refused by name."""
    raw = read_bounded(path, PASSPHRASE_FILE_LIMIT, "passphrase file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"passphrase file is not UTF-8 text: {path}") from None
    # Line endings read as text files are (\r\n and \r become \n), and one
    # trailing newline is the file's, not the passphrase's.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[:-1] if text.endswith("\n") else text
