"""Byte-flip fuzzing: a flipped byte anywhere gives a clean error or correct data, never wrong data.

The columns are altered through sqlite3 on a copy of a small, real journal
(the way an attacker with the file would), then opened through the public API.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from pairjournal.errors import DamagedJournal, PairjournalError, WrongPassphrase
from pairjournal.journal import Journal
from pairjournal.vault.crypto import KdfParams
from pairjournal.vault.store import Store

PASSPHRASE = "flip every byte"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """A small journal, closed (its WAL folded in), and its entities as written."""
    path = tmp_path_factory.mktemp("fuzz") / "small.pairjournal"
    journal = Journal.create(path, PASSPHRASE, KdfParams.cheap())
    pair = journal.add_pair("Rosa", "mentor")
    session = journal.add_session(pair.id, notes="we talked about passkeys")
    journal.add_takeaway(pair.id, "ask before assuming", session_id=session.id)
    journal.add_action(pair.id, "try the password manager", owner="partner")
    journal.add_reflection("I interrupted twice; notice it next time")
    entities = {rid: journal.find(rid) for rid in journal._entities}
    journal.close()
    return path, entities


@pytest.fixture
def copy(pristine: tuple[Path, dict[str, object]], tmp_path: Path) -> Path:
    dest = tmp_path / "copy.pairjournal"
    shutil.copyfile(pristine[0], dest)
    return dest


def _flips(value: bytes, indexes: Iterator[int] | range) -> Iterator[tuple[int, bytes]]:
    for i in indexes:
        for mask in (0x01, 0x80):
            yield i, value[:i] + bytes([value[i] ^ mask]) + value[i + 1 :]


def _set(path: Path, sql: str, params: tuple[object, ...]) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous=OFF")  # a test copy: durability is not the point here
        with conn:
            conn.execute(sql, params)
    finally:
        conn.close()


def _get(path: Path, sql: str) -> tuple[object, ...]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()
    finally:
        conn.close()


def _assert_refused(path: Path, expected: type[PairjournalError] = PairjournalError) -> PairjournalError:
    with pytest.raises(PairjournalError) as caught:
        Journal.open(path, PASSPHRASE).close()
    assert isinstance(caught.value, expected), f"{type(caught.value).__name__}: {caught.value}"
    assert "\n" not in str(caught.value)
    return caught.value


def test_every_header_byte_flipped_fails_authentication(copy: Path) -> None:
    header, digest = _get(copy, "SELECT header, header_sha256 FROM vault WHERE id=1")
    assert isinstance(header, bytes)
    kinds: set[str] = set()
    for _, flipped in _flips(header, range(len(header))):
        # The checksum alone catches a careless flip ...
        _set(copy, "UPDATE vault SET header=? WHERE id=1", (flipped,))
        _assert_refused(copy, DamagedJournal)
        # ... and with the checksum recomputed (an attacker can), the key wrap's
        # associated data still refuses it.
        _set(copy, "UPDATE vault SET header_sha256=? WHERE id=1", (hashlib.sha256(flipped).hexdigest(),))
        kinds.add(type(_assert_refused(copy)).__name__)
        _set(copy, "UPDATE vault SET header=?, header_sha256=? WHERE id=1", (header, digest))
    assert "WrongPassphrase" in kinds  # flips that still parse reach the key wrap and fail there
    Journal.open(copy, PASSPHRASE).close()  # restored: opens again


@pytest.mark.parametrize("column", ["wrapped_key", "wrap_nonce"])
def test_every_key_block_byte_flipped_fails_authentication(copy: Path, column: str) -> None:
    (value,) = _get(copy, f"SELECT {column} FROM vault WHERE id=1")
    assert isinstance(value, bytes)
    for _, flipped in _flips(value, range(len(value))):
        _set(copy, f"UPDATE vault SET {column}=? WHERE id=1", (flipped,))
        _assert_refused(copy, WrongPassphrase)
    for short in (value[:-1], value + b"\x00", b""):
        _set(copy, f"UPDATE vault SET {column}=? WHERE id=1", (short,))
        _assert_refused(copy)
    _set(copy, f"UPDATE vault SET {column}=? WHERE id=1", (value,))
    Journal.open(copy, PASSPHRASE).close()


def test_checksum_flip_is_reported_as_damage(copy: Path) -> None:
    (digest,) = _get(copy, "SELECT header_sha256 FROM vault WHERE id=1")
    assert isinstance(digest, str)
    _set(copy, "UPDATE vault SET header_sha256=? WHERE id=1", (("0" if digest[0] != "0" else "1") + digest[1:],))
    _assert_refused(copy, DamagedJournal)


def _sample(length: int) -> list[int]:
    """Nonce, the first cipher bytes, every seventh byte and the whole 16-byte tag."""
    return sorted({*range(min(16, length)), *range(0, length, 7), *range(max(0, length - 16), length)})


def test_record_byte_flips_damage_only_that_record(copy: Path, pristine: tuple[Path, dict[str, object]]) -> None:
    originals = pristine[1]
    rows = sqlite3.connect(copy).execute("SELECT id, version, nonce, ct FROM records").fetchall()
    assert len(rows) == len(originals)
    flips = 0
    for record_id, version, nonce, ct in rows[:3]:
        variants: list[tuple[str, tuple[object, ...]]] = []
        variants += [("nonce", (flipped, ct)) for _, flipped in _flips(nonce, range(len(nonce)))]
        variants += [("ct", (nonce, flipped)) for _, flipped in _flips(ct, _sample(len(ct)))]
        variants += [("ct", (nonce, ct[:-1])), ("ct", (nonce, b"")), ("nonce", (nonce[:5], ct))]
        for _, (new_nonce, new_ct) in variants:
            _set(copy, "UPDATE records SET nonce=?, ct=? WHERE id=?", (new_nonce, new_ct, record_id))
            with Journal.open(copy, PASSPHRASE) as journal:
                assert [b.id for b in journal.damaged] == [record_id]
                assert journal.find(record_id) is None  # never wrong data
                for other_id, entity in originals.items():
                    if other_id != record_id:
                        assert journal.find(other_id) == entity
                report = journal.check()
                assert [b.id for b in report.bad] == [record_id] and not report.ok
            flips += 1
        # The version is bound into the associated data too.
        _set(copy, "UPDATE records SET nonce=?, ct=?, version=? WHERE id=?", (nonce, ct, version + 1, record_id))
        with Journal.open(copy, PASSPHRASE) as journal:
            assert [b.id for b in journal.damaged] == [record_id]
        _set(copy, "UPDATE records SET version=? WHERE id=?", (version, record_id))
    assert flips > 300
    with Journal.open(copy, PASSPHRASE) as journal:
        assert not journal.damaged and journal.check().ok


def test_manifest_byte_flips_are_reported_and_block_writes(copy: Path) -> None:
    epoch, nonce, ct = _get(copy, "SELECT epoch, nonce, ct FROM manifest WHERE id=1")
    assert isinstance(nonce, bytes) and isinstance(ct, bytes) and isinstance(epoch, int)
    variants = [(epoch, f, ct) for _, f in _flips(nonce, range(len(nonce)))]
    variants += [(epoch, nonce, f) for _, f in _flips(ct, _sample(len(ct)))]
    variants += [(epoch + 1, nonce, ct), (epoch - 1, nonce, ct)]
    for row in variants:
        _set(copy, "UPDATE manifest SET epoch=?, nonce=?, ct=? WHERE id=1", row)
        store = Store.open(copy, PASSPHRASE)
        try:
            report = store.check()
            assert not report.ok and any("manifest" in p for p in report.problems)
            with pytest.raises(DamagedJournal):  # a write never re-seals over a forged manifest
                store.put("0" * 32, b"x")
        finally:
            store.close()
    _set(copy, "UPDATE manifest SET epoch=?, nonce=?, ct=? WHERE id=1", (epoch, nonce, ct))
    with Journal.open(copy, PASSPHRASE) as journal:
        assert journal.check().ok


def test_raw_file_bytes_flipped_give_clean_errors_or_correct_data(
    pristine: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    source, originals = pristine
    raw = source.read_bytes()
    target = tmp_path / "raw.pairjournal"
    outcomes = {"refused": 0, "intact": 0, "damage reported": 0}
    for offset in range(0, len(raw), 97):
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        target.write_bytes(raw[:offset] + bytes([raw[offset] ^ 0x55]) + raw[offset + 1 :])
        try:
            journal = Journal.open(target, PASSPHRASE)
        except PairjournalError as exc:
            assert "\n" not in str(exc)
            outcomes["refused"] += 1
            continue
        try:
            loaded = dict(journal._entities)
            assert set(loaded) <= set(originals)
            for record_id, entity in loaded.items():
                assert entity == originals[record_id]  # whatever opens is exactly what was written
            try:
                report = journal.check()
            except PairjournalError:
                outcomes["damage reported"] += 1
                continue
            if set(loaded) == set(originals) and not journal.damaged and report.ok:
                outcomes["intact"] += 1
            else:
                # Anything lost or unreadable is named by check, never silent.
                assert not report.ok, f"offset {offset}: records lost without check noticing"
                outcomes["damage reported"] += 1
        finally:
            journal.close()
    assert sum(outcomes.values()) == len(range(0, len(raw), 97))
    assert outcomes["refused"] > 0 and outcomes["intact"] > 0
