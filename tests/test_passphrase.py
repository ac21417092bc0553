"""Passphrase change, KDF parameters and normalisation."""

from __future__ import annotations

import sqlite3
import unicodedata
from pathlib import Path

import pytest

from conftest import PASSPHRASE
from pairjournal.errors import DamagedJournal, WrongPassphrase
from pairjournal.journal import Journal
from pairjournal.model import Takeaway
from pairjournal.vault import crypto
from pairjournal.vault.crypto import KdfParams


def _wrapped(path: Path) -> bytes:
    conn = sqlite3.connect(path)
    key = conn.execute("SELECT wrapped_key FROM vault").fetchone()[0]
    conn.close()
    return key


def test_change_passphrase_old_fails_new_opens_old_key_gone(journal: Journal, journal_path: Path) -> None:
    pair = journal.add_pair("Kai", "mentor")
    journal.add_takeaway(pair.id, "Pair on the spreadsheet next time")
    old_wrapped = _wrapped(journal_path)
    journal.change_passphrase("a brand new passphrase")
    journal.close()

    with pytest.raises(WrongPassphrase):
        Journal.open(journal_path, PASSPHRASE)
    with Journal.open(journal_path, "a brand new passphrase") as reopened:
        (t,) = reopened.all(Takeaway)
        assert t.text == "Pair on the spreadsheet next time"
        assert reopened.check().ok

    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{journal_path}{suffix}")
        if part.exists():
            assert old_wrapped not in part.read_bytes(), f"old wrapped key still in {part.name}"


def test_production_parameters_meet_the_minimum() -> None:
    params = KdfParams.production()
    assert params.memory_kib >= 64 * 1024
    assert params.iterations >= 3
    assert params.lanes >= 4
    assert len(params.salt) == 16
    assert KdfParams.production().salt != params.salt


def test_cheap_parameters_are_recorded_in_the_header(journal_path: Path) -> None:
    Journal.create(journal_path, PASSPHRASE, KdfParams.cheap()).close()
    conn = sqlite3.connect(journal_path)
    header = crypto.Header.from_bytes(conn.execute("SELECT header FROM vault").fetchone()[0])
    conn.close()
    assert header.kdf.memory_kib == 8 and header.kdf.iterations == 1


@pytest.mark.parametrize(
    "params",
    [
        {"memory_kib": 64 * 1024 * 1024, "iterations": 3, "lanes": 4},
        {"memory_kib": 65536, "iterations": 100_000, "lanes": 4},
        {"memory_kib": 65536, "iterations": 3, "lanes": 0},
        {"memory_kib": 0, "iterations": 3, "lanes": 4},
    ],
)
def test_absurd_parameters_are_refused_before_the_kdf_runs(params: dict[str, int]) -> None:
    data = {"name": "argon2id", "length": 32, "salt": "AAAAAAAAAAAAAAAAAAAAAA==", **params}
    with pytest.raises(DamagedJournal, match="out of bounds"):
        KdfParams.from_json(data)


def test_passphrase_is_nfc_normalised(journal_path: Path) -> None:
    composed = unicodedata.normalize("NFC", "Café crème")
    decomposed = unicodedata.normalize("NFD", "Café crème")
    assert composed != decomposed
    Journal.create(journal_path, composed, KdfParams.cheap()).close()
    with Journal.open(journal_path, decomposed) as journal:
        assert journal.check().ok
