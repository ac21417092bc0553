"""Crash safety: a writer SIGKILLed at random moments never loses an acknowledged change.

The writer is a forked child of this (already imported) test process, so each
of the 200+ runs costs a fork, not a Python start-up. It opens the journal once
and loops: it announces each change on a pipe ("intent"), saves it through the
Journal API, then acknowledges it ("ack") once save() has returned. Each line
is one write() of under PIPE_BUF bytes, so a line is either whole or absent.

After every kill the journal must open, pass check(), and hold every
acknowledged change; the one change in flight at the kill may have landed
entirely or not at all (a batch of three lands all together or not at all).
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import random
import select
import signal
import subprocess
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from conftest import PASSPHRASE, PYTHON, subprocess_env
from pairjournal.journal import Journal
from pairjournal.model import Reflection
from pairjournal.vault.crypto import KdfParams

KILLS = 210
LANES = 3  # writers on separate journals, killed independently, so the waits overlap
TARGET_SIZE = 40


def _say(fd: int, **line: object) -> None:
    os.write(fd, (json.dumps(line) + "\n").encode())


def _writer(path: Path, fd: int, seed: int) -> None:
    """The child's whole life: open once, then change the journal until killed."""
    rng = random.Random(seed)
    journal = Journal.open(path, PASSPHRASE)
    _say(fd, kind="ready")
    n = 0
    while True:
        n += 1
        mine = journal.reflections()
        # Past TARGET_SIZE deletions outnumber additions, so each check stays quick.
        add, delete = (0.25, 0.45) if len(mine) > TARGET_SIZE else (0.45, 0.15)
        roll = rng.random()
        if not mine or roll < add:
            r = Reflection(text=f"new {seed}-{n}")
            _say(fd, kind="intent", items={r.id: r.text})
            journal.save(r)
        elif roll < add + delete:
            r = rng.choice(mine)
            _say(fd, kind="intent", items={r.id: None})
            journal.delete(r)
        elif roll < 0.95:
            r = rng.choice(mine)
            r.text = f"edit {seed}-{n}"
            _say(fd, kind="intent", items={r.id: r.text})
            journal.save(r)
        else:  # three records in one transaction: all land or none do
            batch = [Reflection(text=f"batch {seed}-{n}-{i}") for i in range(3)]
            _say(fd, kind="intent", items={b.id: b.text for b in batch})
            with journal.batch():
                for b in batch:
                    journal.save(b)
        _say(fd, kind="ack")


@dataclass
class Lane:
    """One journal and the writer currently running on it."""

    path: Path
    expected: dict[str, str] = field(default_factory=dict)
    pid: int = 0
    fd: int = -1
    buffer: bytes = b""
    kill_at: float | None = None
    seed: int = 0

    def start(self, seed: int) -> None:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 0
            try:
                # A collection would touch every object inherited from pytest and
                # copy those pages; the child lives a fraction of a second.
                gc.disable()
                os.close(read_fd)
                _writer(self.path, write_fd, seed)
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        os.close(write_fd)  # so the next children do not inherit it, and EOF means the writer is gone
        self.pid, self.fd, self.buffer, self.kill_at, self.seed = pid, read_fd, b"", None, seed

    def pump(self, rng: random.Random) -> None:
        """Reads what the writer said; once it is ready, schedules its death 5-80 ms later."""
        self.buffer += os.read(self.fd, 65536)
        if self.kill_at is None and b'"ready"' in self.buffer:
            self.kill_at = time.monotonic() + rng.uniform(0.005, 0.080)

    def kill(self) -> list[dict[str, object]]:
        assert self.pid > 0  # os.kill(0, ...) would hit the whole process group
        os.kill(self.pid, signal.SIGKILL)
        _, status = os.waitpid(self.pid, 0)
        self.pid, self.kill_at = 0, None
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, "the writer died by itself"
        while chunk := os.read(self.fd, 65536):
            self.buffer += chunk
        os.close(self.fd)
        text = self.buffer.decode()
        complete = text[: text.rfind("\n") + 1]  # a torn last line was never acknowledged
        return [json.loads(line) for line in complete.splitlines()]


def _replay(expected: dict[str, str], lines: list[dict[str, object]]) -> dict[str, str | None] | None:
    """Applies acknowledged changes to `expected`; returns the change in flight, if any."""
    pending: dict[str, str | None] | None = None
    for line in lines:
        if line["kind"] == "intent":
            pending = line["items"]  # type: ignore[assignment]
        elif line["kind"] == "ack":
            assert pending is not None
            for rid, text in pending.items():
                if text is None:
                    expected.pop(rid, None)
                else:
                    expected[rid] = text
            pending = None
    return pending


@dataclass
class Tally:
    kills: int = 0
    acknowledged: int = 0
    in_flight: int = 0
    landed_in_flight: int = 0


def _verify(lane: Lane, lines: list[dict[str, object]], tally: Tally) -> None:
    """After a kill: the journal opens, check passes, every acknowledged change is there."""
    tally.kills += 1
    tally.acknowledged += sum(line["kind"] == "ack" for line in lines)
    expected = lane.expected
    pending = _replay(expected, lines)
    with Journal.open(lane.path, PASSPHRASE) as journal:
        report = journal.check()
        assert report.ok, f"kill {tally.kills}: {report.bad} {report.problems}"
        assert not journal.damaged
        on_disk = {r.id: r.text for r in journal.reflections()}
    if pending is not None:
        tally.in_flight += 1
        before = {rid: expected.get(rid) for rid in pending}
        after = {rid: on_disk.get(rid) for rid in pending}
        assert after in (before, pending), f"kill {tally.kills}: a change landed in part: {after}"
        if after == pending and before != pending:
            tally.landed_in_flight += 1
        for rid, text in after.items():  # the file is the truth the next writer builds on
            if text is None:
                expected.pop(rid, None)
            else:
                expected[rid] = text
    assert on_disk == expected, f"kill {tally.kills}: acknowledged changes missing or altered"


def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path: Path) -> None:
    lanes = [Lane(tmp_path / f"crash-{i}.pairjournal") for i in range(LANES)]
    for lane in lanes:
        Journal.create(lane.path, PASSPHRASE, KdfParams.cheap()).close()
        Journal.open(lane.path, PASSPHRASE).close()  # today's automatic backup exists before the first kill
    rng = random.Random(20240501)
    tally = Tally()
    seeds = iter(range(10**6))
    for lane in lanes:
        lane.start(next(seeds))
    try:
        while tally.kills < KILLS:
            now = time.monotonic()
            due = [lane for lane in lanes if lane.kill_at is not None and lane.kill_at <= now]
            for lane in due:
                _verify(lane, lane.kill(), tally)
                if tally.kills + sum(1 for other in lanes if other.pid) < KILLS:
                    lane.start(next(seeds))
            running = [lane for lane in lanes if lane.pid]
            if not running:
                break
            waits = [lane.kill_at - time.monotonic() for lane in running if lane.kill_at is not None]
            ready, _, _ = select.select([lane.fd for lane in running], [], [], max(0.0, min(waits, default=0.05)))
            for lane in running:
                if lane.fd in ready:
                    lane.pump(rng)
    finally:
        for lane in lanes:
            if lane.pid > 0:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(lane.pid, signal.SIGKILL)
                os.waitpid(lane.pid, 0)

    assert tally.kills >= KILLS
    # The run was meaningful: many changes made, many kills landed mid-change.
    assert tally.acknowledged > 3 * KILLS
    assert tally.in_flight > KILLS // 4 and tally.landed_in_flight > 0

    # And the real command agrees, on every journal.
    for lane in lanes:
        done = subprocess.run(
            [PYTHON, "-m", "pairjournal", "--journal", str(lane.path), "check"],
            env=subprocess_env(PAIRJOURNAL_PASSPHRASE=PASSPHRASE),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert f"OK: {len(lane.expected)} records" in done.stdout
