"""Concurrency: many CLI writers at once, and a CLI writer beside an open journal (the TUI's place).

Every writer is a real `python -m pairjournal` process; they take turns through
SQLite's write lock (BEGIN IMMEDIATE and a busy timeout) and each one re-reads
the sealed manifest inside its own transaction, so nothing is lost and check()
still matches afterwards.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from conftest import PASSPHRASE, PYTHON, subprocess_env
from pairjournal.journal import Journal
from pairjournal.vault.crypto import KdfParams

WRITERS = 12
WAITERS = 4  # beside the held lock; the twelve-at-once test above covers numbers


def _spawn(path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [PYTHON, "-m", "pairjournal", "--journal", str(path), *args],
        env=subprocess_env(PAIRJOURNAL_PASSPHRASE=PASSPHRASE),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def _cli(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "pairjournal", "--journal", str(path), *args],
        env=subprocess_env(PAIRJOURNAL_PASSPHRASE=PASSPHRASE),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _new_journal(path: Path) -> None:
    with Journal.create(path, PASSPHRASE, KdfParams.cheap()) as journal:
        journal.add_pair("Noor", "mentor")


def test_twelve_cli_writers_at_once_all_succeed_and_nothing_is_lost(tmp_path: Path) -> None:
    path = tmp_path / "busy.pairjournal"
    _new_journal(path)
    procs = []
    for i in range(WRITERS):
        # Three kinds of write, so different record kinds interleave in the file.
        match i % 3:
            case 0:
                procs.append(_spawn(path, "reflect", f"reflection from writer {i}"))
            case 1:
                procs.append(_spawn(path, "action", "add", f"action from writer {i}", "--pair", "Noor"))
            case _:
                procs.append(_spawn(path, "takeaway", "add", f"takeaway from writer {i}", "--pair", "Noor"))
    results = [_finish(p) for p in procs]
    for code, _, err in results:
        assert code == 0, err
        assert err == ""

    with Journal.open(path, PASSPHRASE) as journal:
        texts = {r.text for r in journal.reflections()}
        texts |= {a.text for a in journal.actions()}
        texts |= {t.text for t in journal.takeaways()}
        assert texts == {f"{kind} from writer {i}" for i, kind in enumerate(["reflection", "action", "takeaway"] * 4)}
        assert journal.check().ok

    checked = _cli(path, "check")
    assert checked.returncode == 0 and f"OK: {WRITERS + 1} records" in checked.stdout


def test_cli_writer_beside_an_open_journal_is_seen_by_refresh(tmp_path: Path) -> None:
    """The open Journal stands in for the running interface."""
    path = tmp_path / "shared.pairjournal"
    _new_journal(path)
    with Journal.open(path, PASSPHRASE) as held:
        assert held.refresh() == set()
        done = _cli(path, "reflect", "written by the command line")
        assert done.returncode == 0, done.stderr
        changed = held.refresh()
        assert len(changed) == 1
        assert [r.text for r in held.reflections()] == ["written by the command line"]

        # And the other way round: what the interface saves, the command line sees.
        mine = held.add_reflection("written by the interface")
        listed = _cli(path, "list", "reflections", "--json")
        assert listed.returncode == 0, listed.stderr
        assert {r["text"] for r in json.loads(listed.stdout)} == {"written by the command line", mine.text}
        assert held.check().ok


def test_cli_writers_wait_while_the_interface_holds_the_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "locked.pairjournal"
    _new_journal(path)
    with Journal.open(path, PASSPHRASE) as held:
        with held.batch():
            # The interface is mid-write (a batch holds SQLite's write lock) while
            # writers start; they must wait their turn, not fail.
            held.add_reflection("saved by the interface while writers waited")
            procs = [_spawn(path, "reflect", f"waiting writer {i}") for i in range(WAITERS)]
            time.sleep(1.5)  # long enough for the writers to reach the lock; not an assertion
        results = [_finish(p) for p in procs]
        for code, _, err in results:
            assert code == 0, err
        changed = held.refresh()
        assert len(changed) == WAITERS
        texts = {r.text for r in held.reflections()}
        assert texts == {"saved by the interface while writers waited"} | {f"waiting writer {i}" for i in range(WAITERS)}
        report = held.check()
        assert report.ok and report.records == WAITERS + 2
