"""Review of the sealed search index (issue 16): attacks on the `search` cache entry.

Each test states what must hold; a failing test is a flaw found by the review. Two
found this way are fixed (an edit between the load and build_index; a damaged
journal answering from the index sealed for its newer records). Not covered, by
choice: an image written by someone holding the data key (a damaged FTS5 structure
that SQLite 3.40's quick_check cannot see, or ids permuted in the head) can make
search wrong; whoever has the key can rewrite the records themselves.
"""

# The threads and closures below run, and are joined, within the loop iteration that made them.
# ruff: noqa: B023

from __future__ import annotations

import random
import sqlite3
import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from msgspec.structs import replace

from conftest import PASSPHRASE, cache_entry
from pairjournal.journal import Journal
from pairjournal.journal.indexing import scan
from pairjournal.journal.search import Query, TextIndex
from pairjournal.model import Session, Takeaway
from pairjournal.vault.store import CACHE, RECORDS

TODAY = date(2026, 3, 10)
QUERIES = ["budget", "tol", "ag", "roadmap review", "zzz", "onboarding", "mentor", "gone", "fresh", "ghostword"]


def seed(journal: Journal, n: int = 12) -> None:
    ana = journal.add_pair("Ana Ruiz", "mentee", start=TODAY - timedelta(days=300))
    ben = journal.add_pair("Ben Okafor", "mentor", start=TODAY - timedelta(days=100))
    for i in range(n):
        pair = ana if i % 2 else ben
        session = journal.add_session(
            pair.id, on=TODAY - timedelta(days=i * 5), notes=f"Roadmap review {i}: tools, agenda, budget line {i}."
        )
        journal.add_takeaway(pair.id, f"Onboarding takeaway {i}", session_id=session.id)


def close_as_interface(journal: Journal) -> None:
    journal.keeps_home_cache = True
    journal.close(today=TODAY)


def entry(path: Path) -> tuple[bytes, bytes] | None:
    return cache_entry(path, "search")


def scanned(journal: Journal, query: str) -> list[str]:
    return scan(Query.parse(query), journal._records.values(), 200)


def indexed_hits(journal: Journal, query: str) -> list[str]:
    return [h.id for h in journal.search(query)]


def assert_index_agrees_with_scan(journal: Journal, queries: list[str] = QUERIES) -> None:
    for query in queries:
        assert indexed_hits(journal, query) == scanned(journal, query), query


def sealed_raw(path: Path) -> bytes | None:
    """The `search` entry, opened (a non-lazy open that never builds or writes anything)."""
    with Journal.open(path, PASSPHRASE) as reader:
        return reader._store.read_cache("search")


@pytest.fixture
def sealed(make_journal: Callable[..., Journal], journal_path: Path) -> Path:
    journal = make_journal()
    seed(journal)
    journal.build_index()
    close_as_interface(journal)
    assert entry(journal_path) is not None
    return journal_path


def first_session(journal: Journal) -> Session:
    return sorted(journal.all(Session), key=lambda s: s.id)[0]


# -- 1. edits made after the load, before the index is taken ---------------------------------


def test_an_edit_between_the_load_and_build_index_is_searched_and_never_sealed(sealed: Path) -> None:
    """The interface: load_behind decrypts the records, a save waiting on the load lands, then the
    worker calls build_index. The sealed index (taken before the load) must not hide that edit."""
    journal = Journal.open(sealed, PASSPHRASE, lazy=True)
    journal.finish_loading()  # _before_load took the sealed index
    session = first_session(journal)
    journal.save(replace(session, notes="completely rewritten: xylophonefresh"))
    journal.build_index()  # the keeper takes the early index: same ids as the records
    taken_from_file = journal.index_from_file
    stale_hit = indexed_hits(journal, "roadmap review")
    fresh_hit = indexed_hits(journal, "xylophonefresh")
    close_as_interface(journal)
    raw = sealed_raw(sealed)
    assert fresh_hit == [session.id], f"the edited record is missed (index from file: {taken_from_file})"
    assert session.id not in stale_hit, "the edited record is found by words it no longer holds"
    assert raw is None or b"xylophonefresh" in raw, "the index sealed at close is the one from before the edit"


def test_an_edit_between_the_load_and_build_index_does_not_survive_the_next_unlock(sealed: Path) -> None:
    journal = Journal.open(sealed, PASSPHRASE, lazy=True)
    journal.finish_loading()
    session = first_session(journal)
    journal.save(replace(session, notes="nothing left but quokkaword"))
    journal.build_index()
    close_as_interface(journal)
    with Journal.open(sealed, PASSPHRASE, lazy=True) as again:
        again.build_index()
        assert_index_agrees_with_scan(again, [*QUERIES, "quokkaword", "line 0"])


def test_a_delete_between_the_load_and_build_index(sealed: Path) -> None:
    journal = Journal.open(sealed, PASSPHRASE, lazy=True)
    journal.finish_loading()
    doomed = sorted(journal.all(Takeaway), key=lambda t: t.id)[0]
    journal.delete(doomed)
    journal.build_index()
    assert not journal.index_from_file  # the ids differ: built afresh
    assert_index_agrees_with_scan(journal)
    close_as_interface(journal)


def test_a_passphrase_change_between_the_load_and_build_index(sealed: Path) -> None:
    journal = Journal.open(sealed, PASSPHRASE, lazy=True)
    journal.finish_loading()
    journal.change_passphrase(PASSPHRASE)
    journal.build_index()
    assert_index_agrees_with_scan(journal)
    close_as_interface(journal)
    with Journal.open(sealed, PASSPHRASE, lazy=True) as again:
        again.build_index()
        assert_index_agrees_with_scan(again)


# -- 2. random sequences: index vs scan, and no sealed word of something gone ----------------


@pytest.mark.parametrize("seed_no", range(6))
def test_random_sequences_keep_index_equal_to_scan_and_seal_nothing_gone(
    make_journal: Callable[..., Journal], journal_path: Path, seed_no: int
) -> None:
    rng = random.Random(seed_no)
    journal = make_journal()
    seed(journal, 6)
    journal.build_index()
    close_as_interface(journal)
    gone: set[str] = set()
    counter = 0
    for _round in range(4):
        journal = Journal.open(journal_path, PASSPHRASE, lazy=True)
        if rng.random() < 0.5:
            journal.load_behind()
        for _step in range(rng.randint(1, 6)):
            op = rng.choice(["edit", "add", "delete", "search", "build", "finish"])
            if op == "finish":
                journal.finish_loading()
                continue
            if op == "build":
                journal.build_index()
                continue
            if op == "search":
                journal.finish_loading()
                assert_index_agrees_with_scan(journal, [*QUERIES, *sorted(gone)])
                continue
            sessions = sorted(journal.all(Session), key=lambda s: s.id)
            counter += 1
            word = f"gone{chr(97 + counter % 26)}{counter}zz"
            if op == "edit" and sessions:
                target = rng.choice(sessions)
                old = [w for w in target.notes.split() if w.startswith("gone")]
                gone.update(w.rstrip(".") for w in old)
                journal.save(replace(target, notes=f"fresh notes {word}"))
            elif op == "add":
                pair = journal.pairs()[0]
                journal.add_session(pair.id, on=TODAY - timedelta(days=rng.randint(0, 50)), notes=f"added {word}")
            elif op == "delete" and sessions:
                target = rng.choice(sessions)
                gone.update(w for w in target.notes.split() if w.startswith("gone"))
                journal.delete(target)
        journal.finish_loading()
        journal.build_index()
        assert_index_agrees_with_scan(journal, [*QUERIES, *sorted(gone)])
        current = " ".join(s.notes for s in journal.all(Session))
        close_as_interface(journal)
        raw = sealed_raw(journal_path)
        if raw is not None:
            for word in gone:
                if word not in current:
                    assert word.encode() not in raw, f"round {_round}: sealed index holds {word!r}"
        with Journal.open(journal_path, PASSPHRASE, lazy=True) as check:
            check.build_index()
            assert_index_agrees_with_scan(check, [*QUERIES, *sorted(gone)])
            check.keeps_home_cache = False  # only look


# -- 3. another connection writing around the early read -----------------------------------


def test_another_connection_writing_between_the_early_read_and_the_load(
    sealed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = Journal.open(sealed, PASSPHRASE, lazy=True)
    original = Journal._before_load
    written: list[str] = []

    def before_then_write(self: Journal) -> None:
        original(self)
        assert self._early_index is not None
        # Another process edits (the lock is free: the interface holds no transaction).
        other = sqlite3.connect(sealed)
        other.close()
        with Journal.open(sealed, PASSPHRASE) as cli:
            s = first_session(cli)
            cli.save(replace(s, notes="cli wrote wombatword"))
            written.append(s.id)

    monkeypatch.setattr(Journal, "_before_load", before_then_write)
    journal.finish_loading()
    monkeypatch.undo()
    journal.build_index()
    assert not journal.index_from_file
    assert indexed_hits(journal, "wombatword") == written
    assert_index_agrees_with_scan(journal)
    assert not journal.read_only
    close_as_interface(journal)


def test_another_connection_writing_after_the_load_before_build(sealed: Path) -> None:
    journal = Journal.open(sealed, PASSPHRASE, lazy=True)
    journal.finish_loading()
    with Journal.open(sealed, PASSPHRASE) as cli:
        s = first_session(cli)
        cli.save(replace(s, notes="cli wrote dingoword"))
    journal.build_index()
    assert not journal.index_from_file  # data version changed: the early index is dropped
    journal.refresh()
    assert indexed_hits(journal, "dingoword") == [s.id]
    assert_index_agrees_with_scan(journal)
    close_as_interface(journal)
    with Journal.open(sealed, PASSPHRASE, lazy=True) as again:
        again.build_index()
        assert_index_agrees_with_scan(again, [*QUERIES, "dingoword"])


def test_refresh_after_another_process_wrote_then_close_seals_a_current_index(sealed: Path) -> None:
    journal = Journal.open(sealed, PASSPHRASE, lazy=True)
    journal.build_index()
    assert journal.index_from_file
    with Journal.open(sealed, PASSPHRASE) as cli:
        s = first_session(cli)
        cli.save(replace(s, notes="cli wrote emuword"))
    journal.refresh()  # the edit is stale in the index, not yet searched
    close_as_interface(journal)
    raw = sealed_raw(sealed)
    assert raw is None or (b"emuword" in raw and b"review 0:" not in raw)
    with Journal.open(sealed, PASSPHRASE, lazy=True) as again:
        again.build_index()
        assert_index_agrees_with_scan(again, [*QUERIES, "emuword"])


# -- 4. replayed, copied and forged entries ------------------------------------------------


def test_a_record_row_replayed_with_the_cache_kept_does_not_answer_from_the_newer_index(
    make_journal: Callable[..., Journal], journal_path: Path
) -> None:
    """Someone without the key puts back an older row of one record (keeping the manifest and the
    cache): the journal is damaged (read-only), but search must still answer for the records loaded."""
    journal = make_journal()
    pair = journal.add_pair("Ana Ruiz", "mentee")
    session = journal.add_session(pair.id, on=TODAY, notes="old text alphaword")
    conn = sqlite3.connect(journal_path)
    old = conn.execute(f"SELECT version, nonce, ct FROM {RECORDS} WHERE id = ?", (session.id,)).fetchone()
    conn.close()
    journal.save(replace(journal.get(Session, session.id), notes="new text omegaword"))
    journal.build_index()
    close_as_interface(journal)
    conn = sqlite3.connect(journal_path)
    with conn:
        conn.execute(f"UPDATE {RECORDS} SET version = ?, nonce = ?, ct = ? WHERE id = ?", (*old, session.id))
    conn.close()
    for lazy in (True, False):
        with Journal.open(journal_path, PASSPHRASE, lazy=lazy) as reader:
            reader.build_index()
            assert reader.read_only
            assert reader.get(Session, session.id).notes == "old text alphaword"
            assert indexed_hits(reader, "alphaword") == scanned(reader, "alphaword") == [session.id], (
                f"lazy={lazy}: index from file={reader.index_from_file}"
            )
            assert indexed_hits(reader, "omegaword") == scanned(reader, "omegaword") == []


def test_a_forged_search_entry_is_reported_on_the_non_lazy_path(sealed: Path) -> None:
    _nonce, ct = entry(sealed)  # type: ignore[misc]
    conn = sqlite3.connect(sealed)
    with conn:
        conn.execute(f"UPDATE {CACHE} SET ct = ? WHERE name = 'search'", (ct[:10] + bytes([ct[10] ^ 1]) + ct[11:],))
    conn.close()
    with Journal.open(sealed, PASSPHRASE) as reader:
        assert reader.read_only
        assert any("'search' fails authentication" in p for p in reader.check().problems)
        reader.build_index()
        assert not reader.index_from_file


def test_a_forged_search_entry_is_reported_after_load_behind(sealed: Path) -> None:
    nonce, _ct = entry(sealed)  # type: ignore[misc]
    conn = sqlite3.connect(sealed)
    with conn:
        conn.execute(f"UPDATE {CACHE} SET nonce = ? WHERE name = 'search'", (bytes(len(nonce)),))
    conn.close()
    journal = Journal.open(sealed, PASSPHRASE, lazy=True)
    assert journal.from_cache
    journal.load_behind()
    journal.build_index()
    assert journal.read_only and not journal.index_from_file
    assert any("'search' fails authentication" in p for p in journal.check().problems)
    journal.close()


def test_the_home_entry_copied_under_the_name_search_is_reported(sealed: Path) -> None:
    conn = sqlite3.connect(sealed)
    with conn:
        home = conn.execute(f"SELECT nonce, ct FROM {CACHE} WHERE name = 'home'").fetchone()
        conn.execute(f"UPDATE {CACHE} SET nonce = ?, ct = ? WHERE name = 'search'", home)
    conn.close()
    for lazy in (True, False):
        with Journal.open(sealed, PASSPHRASE, lazy=lazy) as reader:
            reader.build_index()
            assert reader.read_only and not reader.index_from_file
            assert any("'search' fails authentication" in p for p in reader.check().problems)


def test_an_entry_from_a_copy_that_went_its_own_way_is_not_used_and_is_reported(
    sealed: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.pairjournal"
    copy.write_bytes(sealed.read_bytes())
    # The copy: a record edited, then sealed afresh by the interface.
    with Journal.open(copy, PASSPHRASE, lazy=True) as other:
        other.build_index()
        s = first_session(other)
        other.save(replace(s, notes="only in the copy: koalaword"))
        other.search("koalaword")
        other.keeps_home_cache = True
    # The original: a different edit, then sealed.
    with Journal.open(sealed, PASSPHRASE, lazy=True) as mine:
        mine.build_index()
        mine.save(replace(first_session(mine), notes="only in the original: lemurword"))
        mine.search("lemurword")
        mine.keeps_home_cache = True
    theirs = entry(copy)
    assert theirs is not None and entry(sealed) is not None
    conn = sqlite3.connect(sealed)
    with conn:
        conn.execute(f"UPDATE {CACHE} SET nonce = ?, ct = ? WHERE name = 'search'", theirs)
    conn.close()
    for lazy in (True, False):
        with Journal.open(sealed, PASSPHRASE, lazy=lazy) as reader:
            reader.build_index()
            assert not reader.index_from_file
            assert indexed_hits(reader, "koalaword") == []
            assert reader.read_only
            assert any("'search' was made from other records" in p for p in reader.check().problems)


def test_a_restored_backup_takes_its_own_index(sealed: Path, tmp_path: Path) -> None:
    backup = tmp_path / "backup.pairjournal"
    with Journal.open(sealed, PASSPHRASE) as j:
        j.backup(backup)
    with Journal.open(sealed, PASSPHRASE, lazy=True) as j:
        j.save(replace(first_session(j), notes="after the backup: tapirword"))
        j.build_index()
        j.keeps_home_cache = True
    sealed.unlink()
    for side in ("-wal", "-shm"):
        Path(str(sealed) + side).unlink(missing_ok=True)
    sealed.write_bytes(backup.read_bytes())
    with Journal.open(sealed, PASSPHRASE, lazy=True) as j:
        j.build_index()
        assert not j.read_only
        assert indexed_hits(j, "tapirword") == []
        assert_index_agrees_with_scan(j)


# -- 5. crafted but authentic images (someone with the key, or a bug) ------------------------


def put_image(journal: Journal, raw: bytes) -> None:
    store = journal._store
    assert store.write_cache("search", lambda stamp: raw.replace(b"STAMP", stamp.encode(), 1), store.data_version())


def image_of(docs: list[tuple[str, int, str]], db_edit: Callable[[sqlite3.Connection], None] | None = None,
             head_edit: Callable[[dict], None] | None = None) -> bytes:
    import json

    index = TextIndex()
    index.build(docs, lambda: False)
    raw = b"".join(index.image("STAMP"))
    index.close()
    cut = raw.index(b"\n")
    head, db_bytes = json.loads(raw[:cut]), raw[cut + 1 :]
    if db_edit is not None:
        conn = sqlite3.connect(":memory:")
        conn.deserialize(db_bytes)
        db_edit(conn)
        conn.commit()
        db_bytes = conn.serialize()
        conn.close()
    if head_edit is not None:
        head_edit(head)
    return json.dumps(head, separators=(",", ":")).encode() + b"\n" + db_bytes


def crafted_open(path: Path, raw_of: Callable[[Journal], bytes]) -> Journal:
    """A lazy open whose `search` entry is replaced (authentically) before the records come in."""
    journal = Journal.open(path, PASSPHRASE, lazy=True)
    assert journal.from_cache
    put_image(journal, raw_of(journal))
    journal._data_version = journal._store.data_version()
    journal.finish_loading()
    return journal


def record_docs(journal: Journal) -> list[tuple[str, int, str]]:
    from pairjournal.journal.indexing import documents
    from pairjournal.journal.search import index_form

    with Journal.open(journal.path, PASSPHRASE) as plain:
        return [(i, r, index_form(t)) for i, r, t in documents(plain._records.values())]


def test_an_image_with_fts_rows_beyond_its_ids(sealed: Path) -> None:
    """FTS rows past the ids: a later edit's new row collides with one, and its words leak into search."""

    def raw_of(journal: Journal) -> bytes:
        docs = record_docs(journal)
        n = len(docs)

        def extra(conn: sqlite3.Connection) -> None:
            for k in range(1, 4):
                conn.execute("INSERT INTO docs(rowid, words) VALUES (?, ?)", (n + k, "ghostword"))

        return image_of(docs, db_edit=extra)

    journal = crafted_open(sealed, raw_of)
    journal.build_index()
    s = first_session(journal)
    journal.save(replace(s, notes="plain words only"))
    try:
        assert_index_agrees_with_scan(journal, [*QUERIES, "ghostword", "plain"])
    finally:
        journal.close()


def test_an_image_with_extra_tables_and_a_view(sealed: Path) -> None:
    def raw_of(journal: Journal) -> bytes:
        def extra(conn: sqlite3.Connection) -> None:
            conn.execute("CREATE TABLE spare(x)")
            conn.execute("CREATE VIEW v AS SELECT 1")
            conn.execute("CREATE TRIGGER t AFTER INSERT ON spare BEGIN SELECT 1; END")

        return image_of(record_docs(journal), db_edit=extra)

    journal = crafted_open(sealed, raw_of)
    try:
        journal.build_index()
        assert_index_agrees_with_scan(journal)
    finally:
        journal.close()


def test_a_plain_table_named_docs_is_refused(sealed: Path) -> None:
    def raw_of(journal: Journal) -> bytes:
        ids = [d[0] for d in record_docs(journal)]
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE TABLE docs(words)")
        conn.commit()
        db = conn.serialize()
        conn.close()
        import json

        head = {"v": 1, "stamp": "STAMP", "ids": ids, "ranks": list(range(len(ids))), "words": [], "docs": []}
        return json.dumps(head).encode() + b"\n" + db

    journal = crafted_open(sealed, raw_of)
    try:
        journal.build_index()
        assert not journal.index_from_file
        assert_index_agrees_with_scan(journal)
    finally:
        journal.close()


@pytest.mark.parametrize(
    "edit",
    [
        lambda h: h.update(ids=[1] * len(h["ids"])),
        lambda h: h.update(ranks=[2**80] * len(h["ranks"])),
        lambda h: h.update(ranks=[-(2**63) - 1] * len(h["ranks"])),
        lambda h: h.update(ids=h["ids"] + ["x" * 32] * 200_000),
        lambda h: h.update(docs=[-5] * len(h["docs"])),
        lambda h: h.update(words=list(reversed(h["words"]))),
        lambda h: h.update(v=True),
        lambda h: h.update(ids=None),
    ],
    ids=["ids-ints", "huge-ranks", "tiny-ranks", "many-ids", "negative-docs", "unsorted-words", "v-true", "ids-null"],
)
def test_a_crafted_head_neither_crashes_nor_changes_answers(sealed: Path, edit: Callable[[dict], None]) -> None:
    journal = crafted_open(sealed, lambda j: image_of(record_docs(j), head_edit=edit))
    try:
        journal.build_index()
        assert_index_agrees_with_scan(journal)
    finally:
        journal.close()


# -- 6. races ------------------------------------------------------------------------------


def test_load_behind_then_close_at_once(sealed: Path) -> None:
    for _ in range(10):
        journal = Journal.open(sealed, PASSPHRASE, lazy=True)
        journal.load_behind()
        close_as_interface(journal)
    with Journal.open(sealed, PASSPHRASE) as reader:
        assert not reader.read_only
        assert reader.check().problems == []


def test_load_behind_with_a_write_and_build_from_other_threads(sealed: Path) -> None:
    for round_no in range(5):
        journal = Journal.open(sealed, PASSPHRASE, lazy=True)
        journal.load_behind()
        errors: list[BaseException] = []
        word = f"racerword{round_no}x"

        def write() -> None:
            try:
                journal.save(replace(first_session(journal), notes=f"raced {word}"))
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        def build() -> None:
            try:
                journal.build_index()
            except BaseException as error:  # pragma: no cover
                errors.append(error)

        threads = [threading.Thread(target=write), threading.Thread(target=build)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors
        journal.build_index()
        assert_index_agrees_with_scan(journal, [*QUERIES, word])
        close_as_interface(journal)
        with Journal.open(sealed, PASSPHRASE, lazy=True) as again:
            again.build_index()
            assert_index_agrees_with_scan(again, [*QUERIES, word, "line 0"])
            again.keeps_home_cache = False


def test_close_while_build_index_runs_in_a_worker(sealed: Path) -> None:
    for _ in range(5):
        journal = Journal.open(sealed, PASSPHRASE, lazy=True)
        journal.load_behind()
        worker = threading.Thread(target=lambda: contextlib_suppress(journal.build_index))
        worker.start()
        close_as_interface(journal)
        worker.join(30)
        assert not worker.is_alive()
    with Journal.open(sealed, PASSPHRASE) as reader:
        assert reader.check().problems == []


def contextlib_suppress(fn: Callable[[], None]) -> None:
    try:
        fn()
    except Exception:
        pass


def test_a_search_entry_forged_between_the_early_read_and_the_load_is_reported(
    sealed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """_cache_known skips re-opening the entry taken early: not when another connection changed it since."""
    journal = Journal.open(sealed, PASSPHRASE, lazy=True)
    original = Journal._before_load

    def before_then_forge(self: Journal) -> None:
        original(self)
        assert self._early_index is not None
        conn = sqlite3.connect(sealed)
        with conn:
            _nonce, ct = conn.execute(f"SELECT nonce, ct FROM {CACHE} WHERE name = 'search'").fetchone()
            conn.execute(f"UPDATE {CACHE} SET ct = ? WHERE name = 'search'", (bytes([ct[0] ^ 1]) + ct[1:],))
        conn.close()

    monkeypatch.setattr(Journal, "_before_load", before_then_forge)
    journal.finish_loading()
    monkeypatch.undo()
    try:
        assert journal.read_only
        assert any("'search' fails authentication" in p for p in journal.check().problems)
        journal.build_index()
        assert not journal.index_from_file
    finally:
        journal.close()
