"""Keeping the passphrase and decrypted text inside the process: no core files, no dumps.

A process that crashes (or is sent SIGQUIT, SIGSEGV...) may leave a core file: a
copy of its memory, which for pairjournal holds the passphrase, the data key and
every record it decrypted, in plaintext, on disk. So before anything else runs,
the core-file size limit is set to zero (soft and hard: nothing later can raise
it again), and on Linux the process is marked non-dumpable, which also stops
other processes of the same user from reading its memory or its environment
(PAIRJOURNAL_PASSPHRASE) through /proc or a debugger.

Neither is a promise against root, or against malware running as the user from
the start; see docs/SECURITY.md.
"""

from __future__ import annotations

import sys

PR_SET_DUMPABLE = 4  # from <linux/prctl.h>
PR_GET_DUMPABLE = 3


def harden_process() -> None:
    """Called first thing by `pairjournal`; never raises (a platform without these keeps running)."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def is_dumpable() -> bool | None:
    """This process's dumpable flag (Linux); None where it cannot be read."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return bool(ctypes.CDLL(None, use_errno=True).prctl(PR_GET_DUMPABLE, 0, 0, 0, 0))
    except (OSError, AttributeError):
        return None


__all__ = ["harden_process", "is_dumpable"]
