"""Rollback and deletion detection through the sealed manifest.

Every write transaction re-seals a manifest (epoch, count, and a digest of all
(id, version) pairs) beside the rows it changes. Someone with the file but not
the key can still copy an older, authentic row back, or delete a row; each row
then still authenticates on its own, but check() sees the manifest disagree.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import PASSPHRASE, CliResult
from pairjournal.errors import ReadOnlyJournal
from pairjournal.journal import Journal
from pairjournal.model import Reflection


def _raw(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        with conn:
            return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def history(make_journal: Callable[..., Journal], journal_path: Path) -> dict[str, object]:
    """A closed journal in which one reflection was edited after its first version was saved."""
    with make_journal() as journal:
        journal.add_pair("Lee", "mentor")
        kept = journal.add_reflection("an unrelated entry")
        edited = journal.add_reflection("first words")
    old_row = _raw(journal_path, "SELECT version, nonce, ct FROM records WHERE id=?", (edited.id,))[0]
    old_manifest = _raw(journal_path, "SELECT epoch, nonce, ct FROM manifest WHERE id=1")[0]
    old_file = journal_path.read_bytes()
    with Journal.open(journal_path, PASSPHRASE) as journal:
        entity = journal.get(Reflection, edited.id)
        entity.text = "second, corrected words"
        journal.save(entity)
    return {
        "edited": edited.id,
        "kept": kept.id,
        "old_row": old_row,
        "old_manifest": old_manifest,
        "old_file": old_file,
    }


def test_a_record_rolled_back_to_its_older_version_is_reported(
    history: dict[str, object], journal_path: Path, cli: Callable[..., CliResult]
) -> None:
    version, nonce, ct = history["old_row"]  # type: ignore[misc]
    _raw(journal_path, "UPDATE records SET version=?, nonce=?, ct=? WHERE id=?", (version, nonce, ct, history["edited"]))

    with Journal.open(journal_path, PASSPHRASE) as journal:
        # The old row is authentic on its own: only the manifest can tell.
        assert journal.get(Reflection, str(history["edited"])).text == "first words"
        report = journal.check()
    assert not report.ok and not report.bad
    assert any("older version" in p for p in report.problems)

    result = cli("check")
    assert result.exit_code != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "BAD journal: the manifest does not match the records: a record was replaced by an older version of itself"
    ]


def test_a_deleted_row_is_reported(history: dict[str, object], journal_path: Path, cli: Callable[..., CliResult]) -> None:
    _raw(journal_path, "DELETE FROM records WHERE id=?", (history["kept"],))

    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert journal.find(str(history["kept"])) is None
        report = journal.check()
    assert not report.ok
    assert any("deleted" in p for p in report.problems)

    result = cli("check")
    assert result.exit_code != 0
    [line] = result.stderr.strip().splitlines()
    assert "manifest lists 3 records but the file holds 2" in line and "deleted" in line


def test_a_row_copied_in_under_a_new_id_is_reported(
    history: dict[str, object], journal_path: Path, cli: Callable[..., CliResult]
) -> None:
    version, nonce, ct = _raw(journal_path, "SELECT version, nonce, ct FROM records WHERE id=?", (history["kept"],))[0]
    _raw(journal_path, "INSERT INTO records (id, version, nonce, ct) VALUES (?, ?, ?, ?)", ("f" * 32, version, nonce, ct))
    result = cli("check")
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert f"BAD record {'f' * 32}: fails authentication (altered, swapped or damaged)" in lines
    assert any("records were deleted or added outside pairjournal" in line for line in lines)


def test_the_manifest_rolled_back_alone_is_reported(
    history: dict[str, object], journal_path: Path, cli: Callable[..., CliResult]
) -> None:
    epoch, nonce, ct = history["old_manifest"]  # type: ignore[misc]
    _raw(journal_path, "UPDATE manifest SET epoch=?, nonce=?, ct=? WHERE id=1", (epoch, nonce, ct))
    result = cli("check")
    assert result.exit_code != 0
    assert "older version" in result.stderr


def test_a_write_never_heals_a_rollback(history: dict[str, object], journal_path: Path) -> None:
    """A rolled-back journal opens read-only: a later write is refused, so nothing re-seals
    the manifest over the evidence, and the file stays byte for byte as it was."""
    version, nonce, ct = history["old_row"]  # type: ignore[misc]
    _raw(journal_path, "UPDATE records SET version=?, nonce=?, ct=? WHERE id=?", (version, nonce, ct, history["edited"]))
    before = journal_path.read_bytes()
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert journal.read_only and "older version" in (journal.damage_summary or "")
        with pytest.raises(ReadOnlyJournal, match=r"pairjournal check.*pairjournal restore"):
            journal.add_reflection("written after the rollback")
        assert not journal.check().ok
    assert journal_path.read_bytes() == before


def test_limit_a_whole_older_copy_of_the_file_is_not_detectable(history: dict[str, object], journal_path: Path) -> None:
    """The documented limit: an entire older file (or row and manifest from the same moment) is self-consistent.

    Nothing inside the file can tell it from the present; only a record kept
    elsewhere could (see docs/SECURITY.md). This test pins the limit so any
    change to it is deliberate.
    """
    journal_path.write_bytes(history["old_file"])  # type: ignore[arg-type]
    for side in ("-wal", "-shm"):
        Path(f"{journal_path}{side}").unlink(missing_ok=True)
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert journal.get(Reflection, str(history["edited"])).text == "first words"
        assert journal.check().ok
