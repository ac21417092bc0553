"""Records folded into segments at close: the same records back, nothing old left behind, damage named.

Real journal files, real encryption; the only shortcut is opening segments through
the store's own reader, to look at what the file holds sealed.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from tests.conftest import PASSPHRASE

from pairjournal.journal import Journal, codec
from pairjournal.model import Reflection
from pairjournal.vault import segments
from pairjournal.vault.crypto import Sealer
from pairjournal.vault.store import SEGMENTS, Batch, Store

FIXTURE = Path(__file__).parent / "fixtures" / "journal-v1.pairjournal"
MANY = segments.FOLD_AT + 44


def _sql(path: Path, query: str, *args: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(query, args).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


def _fill(journal: Journal, count: int) -> list[Reflection]:
    with journal.batch():
        return [journal.add_reflection(f"canary-{n:05d} thought, with [brackets], commas and \"quotes\"") for n in range(count)]


def _sealed_plaintexts(path: Path) -> list[bytes]:
    """Every segment's plaintext, opened with the journal's key."""
    store = Store.open(path, PASSPHRASE)
    try:
        found = []
        for (segment,) in store.conn.execute("SELECT id FROM segments").fetchall():
            opened = store._read_segment(segment)
            assert opened is not None
            found.append(opened.plaintext)
        return found
    finally:
        store.close()


@pytest.fixture
def folded(make_journal: Callable[..., Journal], journal_path: Path) -> dict[str, str]:
    """A closed journal of MANY reflections, folded: their texts by id."""
    journal = make_journal()
    texts = {r.id: r.text for r in _fill(journal, MANY)}
    journal.close()
    return texts


def test_a_close_folds_the_rows_into_one_segment_and_every_record_reads_back(
    folded: dict[str, str], journal_path: Path
) -> None:
    assert _sql(journal_path, "SELECT count(*) FROM records") == [(0,)]
    assert _sql(journal_path, "SELECT count(*) FROM folded") == [(MANY,)]
    assert _sql(journal_path, "SELECT id, count FROM segments") == [(1, MANY)]
    assert b"canary-" not in journal_path.read_bytes()
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert journal.damaged == [] and not journal.read_only
        assert {r.id: r.text for r in journal.all(Reflection)} == folded
        assert set(journal._versions.values()) == {1}
        report = journal.check()
        assert report.ok and report.records == MANY


def test_more_records_than_a_segment_holds_fold_into_several_that_read_back(
    make_journal: Callable[..., Journal], journal_path: Path
) -> None:
    count = segments.SEGMENT_SIZE + 70
    journal = make_journal()
    texts = {r.id: r.text for r in _fill(journal, count)}
    journal.close()
    assert _sql(journal_path, "SELECT count FROM segments ORDER BY id") == [(segments.SEGMENT_SIZE,), (70,)]
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert journal.damaged == [] and not journal.read_only
        assert {r.id: r.text for r in journal.all(Reflection)} == texts
        assert journal.check().records == count


def test_a_larger_segment_from_an_earlier_pairjournal_reads_back_and_is_split_when_refolded(
    make_journal: Callable[..., Journal], journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = segments.SEGMENT_SIZE + 70
    # The first pairjournal with segments folded 2,048 records to a segment.
    monkeypatch.setattr("pairjournal.vault.store.SEGMENT_SIZE", 2048)
    journal = make_journal()
    texts = {r.id: r.text for r in _fill(journal, count)}
    journal.close()
    monkeypatch.undo()
    assert _sql(journal_path, "SELECT count FROM segments") == [(count,)]
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert journal.damaged == [] and not journal.read_only
        assert {r.id: r.text for r in journal.all(Reflection)} == texts
        edited = journal.all(Reflection)[0]
        edited.text = "edited after the fold"
        journal.save(edited)
        texts[edited.id] = edited.text
    assert _sql(journal_path, "SELECT count FROM segments ORDER BY id") == [(segments.SEGMENT_SIZE,), (70,)]
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert {r.id: r.text for r in journal.all(Reflection)} == texts
        assert journal.check().ok


def test_a_segment_kept_past_the_next_one_keeps_its_own_records(
    make_journal: Callable[..., Journal], journal_path: Path
) -> None:
    """Loading opens one segment after another into the same buffers, unless something still views
    the last one: a batch (or a slice of one) kept is never written over with the next segment's."""
    journal = make_journal()
    _fill(journal, 2 * segments.SEGMENT_SIZE + 70)  # the last segment is the smallest
    journal.close()
    store = Store.open(journal_path, PASSPHRASE)
    try:
        _, rows = store.snapshot()
        kept = [batch for batch in rows if isinstance(batch, Batch) and batch.array is not None]
        assert len(kept) == 3
        slices = [bytes(batch.array[-200:]) for batch in kept if batch.array is not None]
        texts = [codec.decode_array(batch.array) for batch in kept if batch.array is not None]
        # Every segment's records as its own ids say: none was overwritten by a later one.
        for batch, decoded in zip(kept, texts, strict=True):
            assert [entity.id for entity in decoded] == batch.ids
        assert len(set(slices)) == 3
    finally:
        store.close()


def test_a_segments_table_rebuilt_by_hand_is_read_by_segment_number(
    folded: dict[str, str], journal_path: Path
) -> None:
    conn = sqlite3.connect(journal_path)
    conn.executescript(
        "CREATE TABLE s2 AS SELECT * FROM segments; DROP TABLE segments; "
        "CREATE TABLE segments (id INTEGER, count INTEGER, nonce BLOB, ct BLOB); "
        "INSERT INTO segments (rowid, id, count, nonce, ct) SELECT id + 10, id, count, nonce, ct FROM s2; DROP TABLE s2;"
    )
    conn.close()
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert journal.damaged == []
        assert {r.id: r.text for r in journal.all(Reflection)} == folded
        assert journal.check().records == MANY


def test_a_segment_count_that_is_not_a_number_is_written_again_at_the_next_fold(
    folded: dict[str, str], journal_path: Path
) -> None:
    conn = sqlite3.connect(journal_path)
    conn.execute("UPDATE segments SET count = 'abc'")
    conn.commit()
    conn.close()
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert {r.id: r.text for r in journal.all(Reflection)} == folded
        journal.add_reflection("one more, so the close folds")
    assert _sql(journal_path, "SELECT typeof(count), count FROM segments") == [("integer", MANY + 1)]
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert len(journal.all(Reflection)) == MANY + 1 and journal.check().ok


def test_a_plaintext_opened_in_place_is_zeros_when_it_fails_authentication() -> None:
    sealer = Sealer(bytes(32), "vault")
    nonce, ct = sealer.seal(SEGMENTS, "1", 1, b"canary-segment plaintext")
    out = bytearray()
    with memoryview(ct) as view:
        size = sealer.open_into(SEGMENTS, "1", 1, nonce, view, out)
    assert bytes(out[:size]) == b"canary-segment plaintext"
    altered = bytearray(ct)
    altered[-1] ^= 1
    out = bytearray()
    with memoryview(altered) as view, pytest.raises(InvalidTag):
        sealer.open_into(SEGMENTS, "1", 1, nonce, view, out)
    assert out == bytes(len(out)) and len(out) == len(b"canary-segment plaintext")


def test_a_few_rows_stay_rows(make_journal: Callable[..., Journal], journal_path: Path) -> None:
    journal = make_journal()
    _fill(journal, 10)
    journal.close()
    assert _sql(journal_path, "SELECT count(*) FROM folded") == [(0,)]
    assert _sql(journal_path, "SELECT count(*) FROM records") == [(10,)]


def test_an_edit_and_a_delete_leave_no_old_copy_once_closed(folded: dict[str, str], journal_path: Path) -> None:
    first, second, third = sorted(folded)[:3]
    with Journal.open(journal_path, PASSPHRASE) as journal:
        edited = journal.get(Reflection, first)
        edited.text = "edited-once"
        journal.save(edited)
        journal.delete(journal.get(Reflection, second))
        # Until the close, the old copies wait in the segment, named by no row.
        assert _sql(journal_path, "SELECT count(*) FROM folded") == [(MANY - 2,)]
        assert _sql(journal_path, "SELECT version FROM records WHERE id = ?", first) == [(2,)]
    assert _sql(journal_path, "SELECT count(*) FROM records") == [(0,)]
    plaintexts = b"".join(_sealed_plaintexts(journal_path))
    def mark(record_id: str) -> bytes:  # each text's own canary (the rest is JSON-escaped)
        return folded[record_id].split(" ")[0].encode()

    assert mark(first) not in plaintexts and mark(second) not in plaintexts
    assert b"edited-once" in plaintexts and mark(third) in plaintexts
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert journal.find(second) is None
        assert journal.get(Reflection, first).text == "edited-once"
        assert journal._versions[first] == 2
        assert journal.check().ok


def test_a_stale_copy_is_skipped_by_a_reader_before_any_fold(folded: dict[str, str], journal_path: Path) -> None:
    """A writer killed before its close leaves the old copy in its segment: it must not come back."""
    first = sorted(folded)[0]
    with Journal.open(journal_path, PASSPHRASE) as journal:
        edited = journal.get(Reflection, first)
        edited.text = "edited-before-a-crash"
        journal.save(edited)
        journal._store.close()  # as a killed process would: no close, so no fold
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert [r.text for r in journal.all(Reflection) if r.id == first] == ["edited-before-a-crash"]
        assert len(journal.all(Reflection)) == MANY
        assert journal.check().ok


def test_another_process_reloads_a_record_that_was_folded_again(folded: dict[str, str], journal_path: Path) -> None:
    first = sorted(folded)[0]
    with Journal.open(journal_path, PASSPHRASE) as reader:
        assert reader.get(Reflection, first).text == folded[first]
        with Journal.open(journal_path, PASSPHRASE) as writer:
            edited = writer.get(Reflection, first)
            edited.text = "edited-elsewhere"
            writer.save(edited)
        # The writer's close folded it into a new segment: the reader finds it there.
        assert _sql(journal_path, "SELECT segment FROM folded WHERE id = ?", first) == [(2,)]
        assert reader.refresh() == {first}
        assert reader.get(Reflection, first).text == "edited-elsewhere"


TAMPERING = {
    "a folded record's version changed": "UPDATE folded SET version = 7 WHERE id = (SELECT min(id) FROM folded)",
    "a folded row deleted": "DELETE FROM folded WHERE id = (SELECT min(id) FROM folded)",
    "a segment deleted": "DELETE FROM segments",
    "a segment's ciphertext altered": "UPDATE segments SET ct = CAST(substr(ct, 1, 40) || X'00' || substr(ct, 42) AS BLOB)",
    "a segment's ciphertext made text": "UPDATE segments SET ct = substr(ct, 1, 40) || X'00' || substr(ct, 42)",
    "a segment's ciphertext made a number": "UPDATE segments SET ct = 5",
    "a segment renumbered": "UPDATE segments SET id = 9; UPDATE folded SET segment = 9",
    "a folded row planted with a blob id": "INSERT INTO folded (id, version, segment) VALUES (X'00ff', 1, 1)",
    "a folded row pointing nowhere": "UPDATE folded SET segment = 5 WHERE id = (SELECT min(id) FROM folded)",
    "a folded row's id changed": "UPDATE folded SET id = 'f' || substr(id, 2) WHERE id = (SELECT min(id) FROM folded)",
    "a folded row planted with a line end in its id": (
        "INSERT INTO folded (id, version, segment) VALUES ('ab' || char(10) || 'cd', 1, 1)"
    ),
    "a folded row planted with a non-ASCII id": "INSERT INTO folded (id, version, segment) VALUES ('caf\u00e9', 1, 1)",
}


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_tampering_with_segments_is_named_and_accepting_it_leaves_a_sound_journal(
    how: str, folded: dict[str, str], journal_path: Path, tmp_path: Path
) -> None:
    conn = sqlite3.connect(journal_path)
    conn.executescript(TAMPERING[how])
    conn.close()
    before = journal_path.read_bytes()
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert journal.read_only, how
        report = journal.check()
        assert not report.ok
        assert report.bad or report.problems
        keep = tmp_path / "damaged-copy.pairjournal"
        journal.accept_damage(keep)
        assert journal.check().ok
        journal.add_reflection("written after accepting the damage")
    assert Path(keep).exists()
    with Journal.open(journal_path, PASSPHRASE) as journal:
        assert not journal.read_only and journal.check().ok
        assert len(journal.all(Reflection)) >= 1
    assert before != journal_path.read_bytes()


def test_an_older_journal_is_migrated_and_folds_like_a_new_one(tmp_path: Path) -> None:
    copy = tmp_path / "v1.pairjournal"
    shutil.copyfile(FIXTURE, copy)
    with Journal.open(copy, "fixture passphrase v1") as journal:
        count = len(journal._entities)
        assert count == 9
    assert _sql(copy, "PRAGMA user_version") == [(2,)]
    assert _sql(copy, "SELECT count(*) FROM segments") == [(0,)]
    with Journal.open(copy, "fixture passphrase v1") as journal, journal.batch():
        for n in range(segments.FOLD_AT):
            journal.add_reflection(f"added {n}")
    assert _sql(copy, "SELECT count(*) FROM records") == [(0,)]
    with Journal.open(copy, "fixture passphrase v1") as journal:
        assert len(journal._entities) == count + segments.FOLD_AT and journal.check().ok


def test_a_segment_packs_and_unpacks_exactly() -> None:
    entries = [("b" * 32, 3, b'{"x":"],[,"}'), ("a" * 32, 1, b"[]"), ("c" * 32, 12, b'"\\n"')]
    opened = segments.unpack(segments.pack(entries))
    assert opened.keys == [b"a" * 32 + b"|1", b"b" * 32 + b"|3", b"c" * 32 + b"|12"]
    assert opened.payloads() == [b"[]", b'{"x":"],[,"}', b'"\\n"']
    assert bytes(opened.body) == b'[[],{"x":"],[,"},"\\n"]'
    assert opened.digest == segments.digest_sum(opened.keys) % segments.DIGEST_MOD


@pytest.mark.parametrize(
    "cut",
    [
        lambda raw: raw[:-1],
        lambda raw: raw.replace(b"pairjournal-segment 1", b"pairjournal-segment 2"),
        lambda raw: raw.replace(b"\n3 ", b"\n4 ", 1),
        lambda raw: b"",
    ],
)
def test_a_plaintext_that_is_not_a_segment_is_refused(cut: Callable[[bytes], bytes]) -> None:
    raw = segments.pack([("a" * 32, 1, b"{}"), ("b" * 32, 1, b"{}"), ("c" * 32, 1, b"{}")])
    with pytest.raises(ValueError):
        segments.unpack(cut(raw))
