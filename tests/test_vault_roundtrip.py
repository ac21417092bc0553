"""Every entity survives a real file: saved, closed, reopened, equal field for field."""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from conftest import PASSPHRASE, cache_entry
from factories import fill
from pairjournal.journal import Journal, codec
from pairjournal.model import ActionItem, Pair
from pairjournal.vault.crypto import Sealer, record_aad
from pairjournal.vault.store import Store


def test_every_entity_round_trips_through_the_file(journal: Journal, journal_path: Path) -> None:
    saved = fill(journal)
    journal.close()
    with Journal.open(journal_path, PASSPHRASE) as reopened:
        for entity in saved:
            loaded = reopened.get(type(entity), entity.id)
            assert codec.to_dict(loaded) == codec.to_dict(entity)
        assert reopened.damaged == []
        assert reopened.check().ok


def test_edit_and_delete_persist(journal: Journal, journal_path: Path) -> None:
    pair = journal.add_pair("Sam", "mentee")
    action = journal.add_action(pair.id, "Draft the demo")
    gone = journal.add_action(pair.id, "Drop me")
    journal.complete_action(action.id[:6], evidence="Demo shipped")
    journal.delete(gone)
    journal.close()
    with Journal.open(journal_path, PASSPHRASE) as reopened:
        (left,) = reopened.all(ActionItem)
        assert left.status.value == "done" and left.evidence == "Demo shipped"
        assert reopened.get(Pair, pair.id).name == "Sam"
        assert reopened.check().ok


def test_agreement_versions_are_never_overwritten(journal: Journal) -> None:
    pair = journal.add_pair("Ira", "mentor")
    first = journal.new_agreement_version(pair.id, confidentiality="Chatham House")
    second = journal.new_agreement_version(pair.id, confidentiality="Nothing leaves the room")
    history = journal.agreement_history(pair.id)
    assert [a.version for a in history] == [1, 2]
    assert history[0].id == first.id and history[0].confidentiality == "Chatham House"
    assert journal.agreement(pair.id).id == second.id  # type: ignore[union-attr]


# -- cache entries, sealed a part at a time ----------------------------------------------------


def test_a_cache_entry_sealed_in_parts_is_what_one_aes_gcm_call_opens(journal: Journal, journal_path: Path) -> None:
    """Written a part at a time, an entry of any length (a part's boundaries included) is the
    AES-GCM ciphertext and tag docs/FORMAT.md describes, opened whole by the library."""
    journal.add_pair("Ana Ruiz", "mentee")
    journal.close()
    store = Store.open(journal_path, PASSPHRASE)
    try:
        part = Sealer.SEAL_PART_BYTES
        for size in [0, 1, 15, 16, 17, part - 1, part, part + 1, 3 * part + 5]:
            body = random.Random(size).randbytes(size)
            assert store.write_cache("search", lambda stamp, body=body: body, store.data_version())
            nonce, ct = cache_entry(journal_path, "search")  # type: ignore[misc]
            assert len(ct) == size + 16
            aad = record_aad(store.header.vault_id, "cache", "search", 1)
            assert AESGCM(store._sealer._key).decrypt(nonce, ct, aad) == body
            assert store.read_cache("search") == body
        # Given in pieces (the search index: its head, a newline, SQLite's image), sealed as one.
        pieces = [b"head", b"", random.Random(7).randbytes(part + 3), b"\n", random.Random(8).randbytes(2 * part)]
        assert store.write_cache("search", lambda stamp: pieces, store.data_version())
        assert store.read_cache("search") == b"".join(pieces)
    finally:
        store.close()


def test_sealing_a_large_cache_entry_holds_no_second_copy_of_it(journal: Journal, journal_path: Path) -> None:
    journal.add_pair("Ana Ruiz", "mentee")
    journal.close()
    store = Store.open(journal_path, PASSPHRASE)
    size = 24 * 1024 * 1024
    try:
        tracemalloc.start()
        try:
            assert store.write_cache("search", lambda stamp: bytearray(size), store.data_version())
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        # The entry itself, and a part of its ciphertext at a time (sealed whole, it was twice the entry).
        assert peak < size + 3 * Sealer.SEAL_PART_BYTES
        assert store.read_cache("search") == bytes(size)
    finally:
        store.close()
