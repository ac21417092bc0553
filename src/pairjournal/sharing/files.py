"""Writing an export file: private to its owner (0600) from the first byte, never half-written.

The bytes go to a hidden temporary file made with O_EXCL and mode 0600 in the
destination's folder, then are linked into place (which refuses to clobber) or,
with force, renamed over the old file. Until publish() the destination is
untouched, so a failure in between leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from pairjournal.errors import UsageError

FILE_MODE = 0o600


def check_destination(dest: Path, *, force: bool) -> None:
    """Refuses early, before anything is rendered or logged."""
    if dest.exists() and not force:
        raise UsageError(f"{dest} already exists; choose another file or pass --force to replace it")
    if dest.exists() and not dest.is_file():
        raise UsageError(f"{dest} is not a regular file")
    if not dest.parent.is_dir():
        raise UsageError(f"the folder {dest.parent} does not exist")


class StagedFile:
    """Bytes written next to their destination, not yet visible under its name."""

    def __init__(self, dest: Path, data: bytes) -> None:
        self.dest = dest
        self.data = data
        self.tmp = dest.with_name(f".{dest.name}.partial-{secrets.token_hex(4)}")
        fd = os.open(self.tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            self.discard()
            raise

    def publish(self, *, force: bool) -> None:
        try:
            if force:
                os.replace(self.tmp, self.dest)
            else:
                try:
                    os.link(self.tmp, self.dest)
                except FileExistsError:
                    raise UsageError(
                        f"{self.dest} already exists; choose another file or pass --force to replace it"
                    ) from None
                except OSError:
                    # Some file systems have no hard links: create the name exclusively instead.
                    _write_exclusive(self.dest, self.data)
        finally:
            self.discard()

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.tmp)


def _write_exclusive(dest: Path, data: bytes) -> None:
    try:
        fd = os.open(dest, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        raise UsageError(f"{dest} already exists; choose another file or pass --force to replace it") from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def write_private(dest: Path, data: bytes, *, force: bool = False) -> None:
    """Writes a file readable only by its owner; refuses to overwrite unless forced."""
    check_destination(dest, force=force)
    StagedFile(dest, data).publish(force=force)


__all__ = ["FILE_MODE", "StagedFile", "check_destination", "write_private"]
