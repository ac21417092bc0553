"""SIGKILL in the middle of a session loses nothing typed more than a second earlier.

The real `pairjournal` command runs in a child process on a pseudo-terminal, as a
person would run it: the test types the passphrase, starts a session, types notes,
watches the file (from this process) until they are in it, waits one more second,
types a little more and kills the process with SIGKILL. The journal file must then hold the first notes
whole, be undamaged, and open again in a new interface.
"""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from conftest import PASSPHRASE, PYTHON, subprocess_env
from pairjournal.journal import Journal
from pairjournal.tui.lock import InstanceLock

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

TIMEOUT = 60.0
CTRL_N = "\x0e"


class Terminal:
    """A child process on a pseudo-terminal, with everything it prints collected."""

    def __init__(self, args: list[str], env: dict[str, str], size: tuple[int, int] = (100, 30)) -> None:
        master, slave = pty.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.master = master
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True, start_new_session=True
        )
        os.close(slave)
        self._output = bytearray()
        self._lock = threading.Lock()
        # Drain the terminal all the time: a full pty buffer would block the app.
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self._output += chunk

    def mark(self) -> int:
        with self._lock:
            return len(self._output)

    def wait_for(self, text: str, since: int = 0) -> None:
        """Waits until the screen output (after position ``since``) contains text."""
        needle = text.encode()
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            with self._lock:
                if needle in self._output[since:]:
                    return
            if self.process.poll() is not None:
                raise AssertionError(f"the app exited ({self.process.returncode}) before showing {text!r}")
            time.sleep(0.05)
        raise AssertionError(f"the app never showed {text!r}; last output:\n{self.screen_tail()}")

    def screen_tail(self, chars: int = 2000) -> str:
        import re

        with self._lock:
            raw = bytes(self._output[-20000:]).decode(errors="replace")
        return re.sub(r"\x1b\[[0-9;?<>=]*[a-zA-Z~]", "", raw)[-chars:]

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=TIMEOUT)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=TIMEOUT)
        os.close(self.master)


def wait_for_notes(path: Path, pair_id: str, notes: str, term: Terminal) -> None:
    deadline = time.monotonic() + TIMEOUT
    with Journal.open(path, PASSPHRASE) as reader:
        while time.monotonic() < deadline:
            reader.refresh()
            live = [s for s in reader.sessions(pair_id) if s.live]
            if live and live[-1].notes == notes:
                return
            if term.process.poll() is not None:
                raise AssertionError(f"the app exited ({term.process.returncode})")
            time.sleep(0.05)
    raise AssertionError(f"the notes never reached the file as {notes!r}")


def test_sigkill_mid_session_loses_nothing_typed_a_second_earlier(make_journal, journal_path: Path) -> None:
    journal = make_journal()
    pair = journal.add_pair("Ana Ruiz", "mentee")
    journal.add_action(pair.id, "Bring the pilot plan")
    journal.close()

    env = subprocess_env(TERM="xterm-256color", COLUMNS="100", LINES="30")
    env.pop("PAIRJOURNAL_PASSPHRASE", None)
    term = Terminal([PYTHON, "-m", "pairjournal", "--journal", str(journal_path)], env)
    try:
        term.wait_for("Unlock your journal")
        term.type(PASSPHRASE + "\r")
        term.wait_for("open actions")
        mark = term.mark()
        term.type("s")
        term.wait_for("Check-in", since=mark)

        first = "alpha bravo charlie zulu"
        term.type(CTRL_N + first)
        # Read the file from this process while the app runs: the keys are saved as they come.
        wait_for_notes(journal_path, pair.id, first, term)
        time.sleep(1.0)
        term.type(" and then some words typed just before the kill")
        term.kill()
    finally:
        term.close()

    with Journal.open(journal_path, PASSPHRASE) as disk:
        assert disk.check().ok
        (live,) = [s for s in disk.sessions(pair.id) if s.live]
        assert live.notes.startswith(first)
        assert (first + " and then some words typed just before the kill").startswith(live.notes)

    # The dead process's interface lock went with it.
    lock = InstanceLock(journal_path)
    lock.acquire()
    lock.release()
