"""Passphrase change killed midway: afterwards exactly one of old and new opens it, every record intact.

A forked child opens the journal, says so on a pipe, and changes the
passphrase; the test SIGKILLs it at a random moment within (and a little
beyond) the time a change takes, about thirty times in a row.
"""

from __future__ import annotations

import os
import random
import signal
import time
import traceback
from pathlib import Path

import pytest

from conftest import PASSPHRASE
from pairjournal.errors import WrongPassphrase
from pairjournal.journal import Journal
from pairjournal.vault.crypto import KdfParams

ROUNDS = 30


def _change_in_child(path: Path, old: str, new: str) -> tuple[int, int]:
    """Forks a child that opens with `old` and changes to `new`; returns (pid, read end)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(read_fd)
            journal = Journal.open(path, old)
            os.write(write_fd, b"ready\n")
            journal.change_passphrase(new)
            journal.close()
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    return pid, read_fd


def _wait_ready(fd: int) -> None:
    assert os.read(fd, 6) == b"ready\n", "the child could not open the journal"


def _opens(path: Path, passphrase: str) -> dict[str, object] | None:
    try:
        with Journal.open(path, passphrase) as journal:
            assert journal.check().ok and not journal.damaged
            return dict(journal._entities)
    except WrongPassphrase:
        return None


def test_passphrase_change_killed_at_random_points(tmp_path: Path) -> None:
    path = tmp_path / "passwd.pairjournal"
    with Journal.create(path, PASSPHRASE, KdfParams.cheap()) as journal:
        pair = journal.add_pair("Ines", "mentor")
        for i in range(20):
            journal.add_reflection(f"reflection {i}")
            journal.add_action(pair.id, f"action {i}")
        original = dict(journal._entities)

    # How long one uninterrupted change takes here, from "ready" to exit.
    current, spans = PASSPHRASE, []
    for i in range(3):
        new = f"calibration {i}"
        pid, fd = _change_in_child(path, current, new)
        _wait_ready(fd)
        started = time.monotonic()
        _, status = os.waitpid(pid, 0)
        spans.append(time.monotonic() - started)
        os.close(fd)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        current = new
    window = max(spans) * 1.3

    rng = random.Random(7)
    outcomes = {"old": 0, "new": 0}
    round_ = 0
    # Thirty rounds, then more (up to three times as many) until the kills have landed on
    # both sides of the commit: on a loaded machine a change can take much longer, or
    # much less, than it did while calibrating, so the window follows what is seen.
    while round_ < ROUNDS or (min(outcomes.values()) == 0 and round_ < 3 * ROUNDS):
        if round_ >= ROUNDS:
            window *= 1.5 if outcomes["new"] == 0 else 0.6
        round_ += 1
        old, new = current, f"new passphrase {round_}"
        pid, fd = _change_in_child(path, old, new)
        _wait_ready(fd)
        time.sleep(rng.uniform(0, window))
        os.kill(pid, signal.SIGKILL)  # a child that already finished is a zombie until waitpid: harmless
        os.waitpid(pid, 0)
        os.close(fd)

        with_old, with_new = _opens(path, old), _opens(path, new)
        assert (with_old is None) != (with_new is None), f"round {round_}: both or neither passphrase opens"
        entities = with_old if with_old is not None else with_new
        assert entities == original, f"round {round_}: records changed"
        current = old if with_old is not None else new
        outcomes["old" if with_old is not None else "new"] += 1

    # The kills landed on both sides of the commit.
    assert outcomes["old"] > 0 and outcomes["new"] > 0, outcomes


@pytest.mark.parametrize("which", ["old", "new"])
def test_the_other_passphrase_is_refused_cleanly(tmp_path: Path, which: str) -> None:
    """A completed change: the old passphrase fails with the usual one-line error."""
    path = tmp_path / "done.pairjournal"
    with Journal.create(path, PASSPHRASE, KdfParams.cheap()) as journal:
        journal.add_reflection("still here")
        journal.change_passphrase("a brand new passphrase")
    if which == "old":
        with pytest.raises(WrongPassphrase):
            Journal.open(path, PASSPHRASE)
    else:
        with Journal.open(path, "a brand new passphrase") as journal:
            assert [r.text for r in journal.reflections()] == ["still here"]
