"""The search index sealed at close: the next unlock takes it instead of building one.

The interface's close seals the index (FTS5's database image and the documents'
ids) as the cache entry `search`, stamped like `home`. These tests hold it to the
same rules as the unlock cache: it is used only when it names exactly the records
in the file, it gives the same hits as a fresh index and as the scan, any write
removes it, a replayed or damaged one is ignored (and a replayed one reported),
and it never holds a word of something written over or deleted.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from msgspec.structs import replace

from conftest import PASSPHRASE, cache_entry
from pairjournal.journal import Journal
from pairjournal.journal.search import OpenedImage, TextIndex
from pairjournal.model import Session
from pairjournal.vault.store import CACHE

TODAY = date(2026, 3, 10)
QUERIES = ["budget", "tol", "ag", "roadmap review", "zzz", "onboarding", "résumé", "mentor"]


def seed(journal: Journal) -> None:
    ana = journal.add_pair("Ana Ruiz", "mentee", start=TODAY - timedelta(days=300))
    ben = journal.add_pair("Ben Okafor", "mentor", start=TODAY - timedelta(days=100))
    for n in range(30):
        pair = ana if n % 2 else ben
        session = journal.add_session(
            pair.id, on=TODAY - timedelta(days=n * 5), notes=f"Roadmap review {n}: tools, agenda, budget line {n}."
        )
        journal.add_takeaway(pair.id, f"Onboarding takeaway {n} about the résumé", session_id=session.id)
        journal.add_action(pair.id, f"Budget action {n}", owner="me")
    journal.add_reflection("What a mentor learns from tooling", pair_id=ana.id)


def close_as_interface(journal: Journal) -> None:
    journal.keeps_home_cache = True
    journal.close(today=TODAY)


def entry(path: Path) -> tuple[bytes, bytes] | None:
    return cache_entry(path, "search")


def hits(journal: Journal) -> list[list[str]]:
    return [[hit.id for hit in journal.search(query)] for query in QUERIES]


@pytest.fixture
def sealed(make_journal: Callable[..., Journal], journal_path: Path) -> tuple[Path, list[list[str]]]:
    """A journal the interface closed with its index built; and the hits that index gave."""
    journal = make_journal()
    seed(journal)
    journal.build_index()
    assert journal.index_ready and not journal.index_from_file
    found = hits(journal)
    close_as_interface(journal)
    return journal_path, found


def test_the_next_unlock_takes_the_sealed_index_and_gets_the_same_hits(sealed: tuple[Path, list[list[str]]]) -> None:
    path, found = sealed
    assert entry(path) is not None
    assert any(found) and any(not h for h in found)  # the queries find some things and miss others
    with Journal.open(path, PASSPHRASE, lazy=True) as journal:
        scanned = hits(journal)  # before the index: the scan
        journal.build_index()
        assert journal.index_from_file
        assert hits(journal) == scanned == found


def test_the_records_come_in_before_the_sealed_index_is_made(sealed: tuple[Path, list[list[str]]],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The interface waits for the records, not for the index: the image is opened with them
    (so its authenticity is judged in the same read), the index made from it only by the build."""
    path, found = sealed
    made: list[bool] = []
    added: list[str] = []
    original = OpenedImage.finish

    def finish(image: OpenedImage) -> TextIndex | None:
        made.append(journal.loaded)
        # Made outside the journal's lock: a write meanwhile is replayed into it.
        added.append(journal.add_takeaway(journal.pairs()[0].id, "A takeaway about a quokka").id)
        return original(image)

    monkeypatch.setattr(OpenedImage, "finish", finish)
    with Journal.open(path, PASSPHRASE, lazy=True) as journal:
        journal.finish_loading()
        assert made == [] and not journal.read_only
        journal.build_index()
        assert made == [True] and journal.index_from_file
        assert [h.id for h in journal.search("quokka")] == added
        journal.delete(journal.find(added[0]))  # type: ignore[arg-type]
        assert hits(journal) == found


def test_the_sealed_index_follows_edits_made_after_it_was_taken(sealed: tuple[Path, list[list[str]]]) -> None:
    path, _ = sealed
    with Journal.open(path, PASSPHRASE, lazy=True) as journal:
        journal.build_index()
        assert journal.index_from_file
        pair = journal.pairs()[0]
        added = journal.add_takeaway(pair.id, "A fresh zeppelin takeaway")
        assert [h.id for h in journal.search("zeppelin")] == [added.id]
        journal.delete(added)
        assert journal.search("zeppelin") == []


def test_a_write_removes_the_sealed_index_and_the_next_unlock_builds_one(sealed: tuple[Path, list[list[str]]]) -> None:
    path, _ = sealed
    with Journal.open(path, PASSPHRASE) as cli:  # a CLI command writes and closes
        pair = cli.pairs()[0]
        added = cli.add_takeaway(pair.id, "Written by the CLI: quokka")
    assert entry(path) is None
    with Journal.open(path, PASSPHRASE, lazy=True) as journal:
        journal.build_index()
        assert not journal.index_from_file
        assert [h.id for h in journal.search("quokka")] == [added.id]
        journal.keeps_home_cache = True
    assert entry(path) is not None  # sealed again by the interface's close


def test_an_edited_index_is_sealed_afresh_without_the_words_written_over(
    make_journal: Callable[..., Journal], journal_path: Path
) -> None:
    gone, kept = "xylophonecanary", "marimbacanary"
    journal = make_journal()
    pair = journal.add_pair("Ana Ruiz", "mentee")
    session = journal.add_session(pair.id, on=TODAY, notes=f"notes {gone} {kept}")
    doomed = journal.add_takeaway(pair.id, f"takeaway vibraphonecanary {kept}")
    journal.build_index()
    assert [h.id for h in journal.search(gone)] == [session.id]
    # No search after these edits: the index re-indexes them only when asked, so the close must.
    journal.save(replace(journal.get(Session, session.id), notes=f"notes {kept} glockenspielcanary"))
    journal.delete(doomed)
    close_as_interface(journal)
    with Journal.open(journal_path, PASSPHRASE, lazy=True) as again:
        store = again._store
        raw = store.read_cache("search")
        assert raw is not None and TextIndex.image_stamp(raw) == store.manifest_stamp()
        assert kept.encode() in raw  # the image does hold the index's words...
        assert gone.encode() not in raw and b"vibraphonecanary" not in raw  # ...and none written over
        again.build_index()
        assert again.index_from_file
        assert again.search(gone) == [] and again.search("vibraphonecanary") == []
        assert [h.id for h in again.search(kept)] == [session.id]
        assert b"glockenspielcanary" in raw and [h.id for h in again.search("glockenspiel")] == [session.id]


def test_an_older_sealed_index_put_back_is_ignored_and_reported(sealed: tuple[Path, list[list[str]]]) -> None:
    path, _ = sealed
    old = entry(path)
    journal = Journal.open(path, PASSPHRASE, lazy=True)
    journal.build_index()
    pair = journal.pairs()[0]
    added = journal.add_takeaway(pair.id, "Added after the old index: narwhal")
    close_as_interface(journal)
    assert entry(path) not in (None, old)
    with sqlite3.connect(path) as conn:  # the earlier, authentic entry replayed
        conn.execute(f"UPDATE {CACHE} SET nonce = ?, ct = ? WHERE name = 'search'", old)
    conn.close()
    with Journal.open(path, PASSPHRASE) as reader:
        assert any("'search' was made from other records" in p for p in reader.check().problems)
        assert reader.read_only
        reader.build_index()
        assert not reader.index_from_file
        assert [h.id for h in reader.search("narwhal")] == [added.id]


def test_an_altered_sealed_index_is_ignored(sealed: tuple[Path, list[list[str]]]) -> None:
    path, found = sealed
    _nonce, ct = entry(path)  # type: ignore[misc]
    with sqlite3.connect(path) as conn:
        conn.execute(f"UPDATE {CACHE} SET ct = ? WHERE name = 'search'", (ct[:-1] + bytes([ct[-1] ^ 1]),))
    conn.close()
    with Journal.open(path, PASSPHRASE, lazy=True) as journal:
        journal.build_index()
        assert not journal.index_from_file
        assert hits(journal) == found
        # Forged (only someone without the key writes one that fails): evidence, as for home.
        assert journal.read_only
        assert any("'search' fails authentication" in p for p in journal.check().problems)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda raw: raw.replace(b'"v":1', b'"v":9', 1),  # a layout this version does not read
        lambda raw: raw[: raw.index(b"\n") + 1] + b"not a database",
        lambda raw: raw[: raw.index(b"\n")],  # no database at all
        lambda raw: raw.replace(b'"ids":["', b'"ids":["0', 1),  # ids that are not the records'
    ],
    ids=["version", "garbage", "truncated", "ids"],
)
def test_an_image_that_does_not_fit_is_built_afresh(
    sealed: tuple[Path, list[list[str]]], mangle: Callable[[bytes], bytes]
) -> None:
    """Sealed by someone with the key but wrong anyway (a bug, a newer version): built afresh, same hits."""
    path, found = sealed
    with Journal.open(path, PASSPHRASE, lazy=True) as journal:
        store = journal._store
        raw = store.read_cache("search")
        assert raw is not None
        version = store.data_version()
        assert store.write_cache("search", lambda stamp: mangle(raw), version)
        journal._data_version = store.data_version()
        journal.finish_loading()
        journal.build_index()
        assert not journal.index_from_file
        assert hits(journal) == found


def test_an_image_round_trips_with_the_same_answers() -> None:
    docs = [(f"{n:032x}", n, f"word{n % 7} shared tool{n % 3} agenda") for n in range(1, 60)]
    index = TextIndex()
    index.build(docs, lambda: False)
    again = TextIndex.from_image(b"".join(index.image("stamp")))
    assert again is not None and again.ids() == index.ids()
    from pairjournal.journal.search import Query

    for text in ["word3", "tool", "ag", "shared word6", "nothing"]:
        query = Query.parse(text)
        assert again.top(query, 10, lambda _: True) == index.top(query, 10, lambda _: True)
    index.add("f" * 32, 0, "late words")
    with pytest.raises(ValueError):
        index.image("stamp")  # an edited index is never imaged: it holds the words written over
