"""Folders pairjournal makes: private to their owner (0700), every one of them.

Used by the vault (the journal's folder, a backup's), the daily backups and the
interface's lock file; no layer below this one, so any of them may use it.
"""

from __future__ import annotations

import os
from pathlib import Path


def secure_folder(folder: Path) -> None:
    """Creates `folder` and every missing folder above it with mode 0700, whatever the umask.

    mkdir(parents=True, mode=...) gives only the last folder the mode; the ones above
    it get the umask's (often 0755, readable by everyone). Here each is made and then
    set to 0700 explicitly. A folder that already exists is left as it is: it is the
    person's own.
    """
    folder = Path(folder)
    missing: list[Path] = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for made in reversed(missing):
        try:
            made.mkdir(mode=0o700)
        except FileExistsError:  # made meanwhile by another process: theirs, as it is
            continue
        os.chmod(made, 0o700)


__all__ = ["secure_folder"]
