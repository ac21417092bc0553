"""Disk full: a write that fails for lack of space leaves the previous state intact, with a clear error.

Two real SQLITE_FULL paths: SQLite's own page limit (PRAGMA max_page_count) set
on every connection the store opens, which fails inside the pager exactly as a
full disk does; and, where the system allows it without privileges, a tiny
tmpfs mounted in a user namespace that the journal genuinely fills up.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import PASSPHRASE, CliResult, subprocess_env
from pairjournal.errors import StorageFull
from pairjournal.journal import Journal
from pairjournal.model import Reflection
from pairjournal.vault import store as store_module

BIG = "the same words, over and over; " * 8000  # about 250 KB: many new pages


class FullDisk:
    """While on, every connection the store opens cannot grow the file by one page."""

    def __init__(self) -> None:
        self._patch = pytest.MonkeyPatch()

    def on(self) -> None:
        original = store_module._apply_pragmas

        def with_limit(conn: sqlite3.Connection) -> None:
            original(conn)
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count={pages}")

        self._patch.setattr(store_module, "_apply_pragmas", with_limit)

    def off(self) -> None:
        self._patch.undo()


@pytest.fixture
def full_disk() -> Iterator[FullDisk]:
    disk = FullDisk()
    yield disk
    disk.off()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_cli_write_on_a_full_disk_says_so_and_keeps_everything(
    make_journal: Callable[..., Journal],
    journal_path: Path,
    cli: Callable[..., CliResult],
    full_disk: FullDisk,
) -> None:
    with make_journal() as journal:
        pair = journal.add_pair("Sam", "mentee")
        kept = [journal.add_reflection(f"kept {i}").text for i in range(3)]
        journal.add_takeaway(pair.id, "kept takeaway")
    assert cli("list", "pairs").exit_code == 0  # today's automatic backup is made before the fault
    before = _digest(journal_path)

    full_disk.on()
    result = cli("reflect", BIG)
    assert result.exit_code == StorageFull.exit_code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "disk is full" in lines[0] and "Traceback" not in result.stderr
    full_disk.off()

    assert _digest(journal_path) == before  # not one byte of the journal moved
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert sorted(r.text for r in journal.reflections()) == kept
        assert [t.text for t in journal.takeaways()] == ["kept takeaway"]
        assert journal.check().ok
    assert cli("check").exit_code == 0


def test_a_batch_that_runs_out_of_space_lands_not_at_all(
    make_journal: Callable[..., Journal], journal_path: Path, full_disk: FullDisk
) -> None:
    with make_journal() as journal:
        journal.add_reflection("before the disk filled")
    full_disk.on()
    with Journal.open(journal_path, PASSPHRASE) as journal:
        small = [Reflection(text=f"small {i}") for i in range(2)]
        with pytest.raises(StorageFull) as caught, journal.batch():
            for r in small:
                journal.save(r)
            journal.save(Reflection(text=BIG))
        assert "disk is full" in str(caught.value)
        # The open journal forgets the batch too, and keeps working for what fits.
        assert [r.text for r in journal.reflections()] == ["before the disk filled"]
    full_disk.off()
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert [r.text for r in journal.reflections()] == ["before the disk filled"]
        assert journal.check().ok
        journal.add_reflection("after space was freed")  # and writing resumes once there is room
        assert journal.check().ok


# -- a real, tiny filesystem -------------------------------------------------------------

INSIDE = r"""
import json, os, shutil, sys
from pathlib import Path
from click.testing import CliRunner
from pairjournal.cli import cli

mnt, source = Path(sys.argv[1]), Path(sys.argv[2])
journal = mnt / "j.pairjournal"
shutil.copyfile(source, journal)

def run(*args):
    r = CliRunner().invoke(cli, ["--journal", str(journal), *args], catch_exceptions=False)
    return {"code": r.exit_code, "out": r.stdout, "err": r.stderr}

saved, failure = [], None
for i in range(60):
    text = f"entry {i} " + os.urandom(20000).hex()
    r = run("reflect", text)
    if r["code"] != 0:
        failure = r
        break
    saved.append(text[:40])
listed = run("list", "reflections", "--json")
found = [x["text"][:40] for x in json.loads(listed["out"])] if listed["code"] == 0 else None
backup = run("backup", str(mnt / "copy.pairjournal"))
print(json.dumps({
    "saved": saved, "failure": failure, "check": run("check"), "found": found, "backup": backup,
    "leftovers": sorted(p.name for p in mnt.rglob("*") if "partial" in p.name or "creating" in p.name),
}))
"""


def test_a_real_tiny_filesystem_fills_up(make_journal: Callable[..., Journal], journal_path: Path, tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare(1): cannot make a small filesystem without privileges")
    probe = subprocess.run([unshare, "-Urm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("user namespaces are not available here: cannot mount a small filesystem")
    with make_journal() as journal:
        journal.add_reflection("written before the disk was small")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    script = tmp_path / "inside.py"
    script.write_text(INSIDE)
    done = subprocess.run(
        [unshare, "-Urm", "sh", "-c", 'mount -t tmpfs -o size=512k tmpfs "$1" || exit 77; shift; exec "$@"', "sh",
         str(mnt), sys.executable, str(script), str(mnt), str(journal_path)],
        env=subprocess_env(PAIRJOURNAL_PASSPHRASE=PASSPHRASE),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode == 77:
        pytest.skip("cannot mount tmpfs in a user namespace here")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)

    failure = result["failure"]
    assert failure is not None, "the small filesystem never filled up"
    assert len(result["saved"]) >= 1
    lines = failure["err"].strip().splitlines()
    assert failure["code"] == StorageFull.exit_code and len(lines) == 1 and "disk is full" in lines[0]
    # Everything acknowledged before the disk filled is still there, and sound.
    assert result["check"]["code"] == 0, result["check"]["err"]
    assert sorted(result["found"]) == sorted(["written before the disk was small"[:40], *result["saved"]])
    # A backup onto the full disk fails cleanly and leaves no half-written file.
    if result["backup"]["code"] != 0:
        assert len(result["backup"]["err"].strip().splitlines()) == 1
        assert "Traceback" not in result["backup"]["err"]
    assert result["leftovers"] == []
