"""Reading a passphrase from a file, for scripts: shared by the CLI and the interface."""

from __future__ import annotations

from pathlib import Path

from pairjournal.errors import UsageError


def read_passphrase_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"passphrase file not found: {path}") from None
    except UnicodeDecodeError:
        raise UsageError(f"passphrase file is not UTF-8 text: {path}") from None
    except OSError as exc:
        raise UsageError(f"cannot read the passphrase file {path}: {exc.strerror}") from None
    # One trailing newline is the file's, not the passphrase's.
    return text[:-1] if text.endswith("\n") else text
