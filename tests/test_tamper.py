"""Tamper matrix: every altered or swapped byte fails authentication and is reported."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import PASSPHRASE
from pairjournal.errors import DamagedJournal, WrongPassphrase
from pairjournal.journal import Journal
from pairjournal.model import ActionItem
from pairjournal.vault import crypto


def _flip(blob: bytes, index: int) -> bytes:
    data = bytearray(blob)
    data[index] ^= 0x01
    return bytes(data)


def _two_actions(make: Callable[..., Journal], path: Path) -> tuple[str, str]:
    journal = make(path)
    pair = journal.add_pair("Noor", "mentee")
    a = journal.add_action(pair.id, "first secret step")
    b = journal.add_action(pair.id, "second secret step")
    journal.close()
    return a.id, b.id


def _update(path: Path, sql: str, params: tuple) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(sql, params)
    conn.close()


def _row(path: Path, record_id: str) -> tuple[bytes, bytes]:
    conn = sqlite3.connect(path)
    row = conn.execute("SELECT nonce, ct FROM records WHERE id=?", (record_id,)).fetchone()
    conn.close()
    return row


def test_flipped_header_byte_is_reported_as_damage(make_journal, journal_path: Path) -> None:
    _two_actions(make_journal, journal_path)
    conn = sqlite3.connect(journal_path)
    header = conn.execute("SELECT header FROM vault").fetchone()[0]
    conn.close()
    _update(journal_path, "UPDATE vault SET header=?", (_flip(header, 40),))
    with pytest.raises(DamagedJournal, match="header"):
        Journal.open(journal_path, PASSPHRASE)


def test_header_altered_with_matching_checksum_fails_the_unwrap(make_journal, journal_path: Path) -> None:
    """The checksum is no defence; the key wrap's associated data is."""
    _two_actions(make_journal, journal_path)
    conn = sqlite3.connect(journal_path)
    header = crypto.Header.from_bytes(conn.execute("SELECT header FROM vault").fetchone()[0])
    conn.close()
    forged = crypto.Header(vault_id="f" * 32, kdf=header.kdf).to_bytes()
    _update(journal_path, "UPDATE vault SET header=?, header_sha256=?", (forged, crypto.header_digest(forged)))
    with pytest.raises(WrongPassphrase):
        Journal.open(journal_path, PASSPHRASE)


@pytest.mark.parametrize("column", ["wrapped_key", "wrap_nonce"])
def test_flipped_wrapped_key_or_its_nonce_fails(make_journal, journal_path: Path, column: str) -> None:
    _two_actions(make_journal, journal_path)
    conn = sqlite3.connect(journal_path)
    blob = conn.execute(f"SELECT {column} FROM vault").fetchone()[0]
    conn.close()
    _update(journal_path, f"UPDATE vault SET {column}=?", (_flip(blob, 3),))
    with pytest.raises(WrongPassphrase):
        Journal.open(journal_path, PASSPHRASE)


@pytest.mark.parametrize("where", ["nonce", "ciphertext", "tag"])
def test_flipped_record_byte_is_named_and_others_stay_readable(make_journal, journal_path: Path, where: str) -> None:
    bad_id, good_id = _two_actions(make_journal, journal_path)
    nonce, ct = _row(journal_path, bad_id)
    if where == "nonce":
        _update(journal_path, "UPDATE records SET nonce=? WHERE id=?", (_flip(nonce, 0), bad_id))
    elif where == "ciphertext":
        _update(journal_path, "UPDATE records SET ct=? WHERE id=?", (_flip(ct, 2), bad_id))
    else:
        _update(journal_path, "UPDATE records SET ct=? WHERE id=?", (_flip(ct, len(ct) - 1), bad_id))
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert [b.id for b in journal.damaged] == [bad_id]
        assert journal.get(ActionItem, good_id).text == "second secret step"
        report = journal.check()
        assert not report.ok and [b.id for b in report.bad] == [bad_id]


def test_ciphertexts_swapped_between_records_fail(make_journal, journal_path: Path) -> None:
    a, b = _two_actions(make_journal, journal_path)
    row_a, row_b = _row(journal_path, a), _row(journal_path, b)
    _update(journal_path, "UPDATE records SET nonce=?, ct=? WHERE id=?", (*row_b, a))
    _update(journal_path, "UPDATE records SET nonce=?, ct=? WHERE id=?", (*row_a, b))
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert sorted(x.id for x in journal.damaged) == sorted([a, b])
        assert journal.all(ActionItem) == []


def test_ciphertext_copied_from_another_journal_with_same_passphrase_fails(make_journal, tmp_path: Path) -> None:
    first, second = tmp_path / "one.pj", tmp_path / "two.pj"
    a, _ = _two_actions(make_journal, first)
    c, _ = _two_actions(make_journal, second)
    foreign = _row(first, a)
    # Same id and version in the other file: only the journal's id in the AAD tells them apart.
    conn = sqlite3.connect(second)
    with conn:
        version = conn.execute("SELECT version FROM records WHERE id=?", (c,)).fetchone()[0]
        conn.execute("INSERT INTO records (id, version, nonce, ct) VALUES (?, ?, ?, ?)", (a, 1, *foreign))
    conn.close()
    assert version == 1
    with Journal.open(second, PASSPHRASE) as journal:
        assert a in [b.id for b in journal.damaged]
        assert not journal.check().ok


def test_ciphertext_moved_into_the_manifest_table_fails(make_journal, journal_path: Path) -> None:
    a, _ = _two_actions(make_journal, journal_path)
    nonce, ct = _row(journal_path, a)
    _update(journal_path, "UPDATE manifest SET nonce=?, ct=?", (nonce, ct))
    with Journal.open(journal_path, PASSPHRASE) as journal:
        report = journal.check()
        assert any("manifest" in p for p in report.problems)


def test_the_file_bytes_are_untouched_by_a_failed_open(make_journal, journal_path: Path, tmp_path: Path) -> None:
    _two_actions(make_journal, journal_path)
    copy = tmp_path / "copy.pj"
    shutil.copy(journal_path, copy)
    before = copy.read_bytes()
    with pytest.raises(WrongPassphrase):
        Journal.open(copy, "not the passphrase")
    assert copy.read_bytes() == before
