"""Keeping the in-memory search index: built once (in a worker if need be), then kept in step.

The rules and the index itself are journal/search.py; this module owns the
index's life. A build takes each record's searchable text under the journal's
lock (quick: no folding, no cutting), then hands it to SQLite without the lock
(FTS5, in memory, in a few large statements that let other threads run), then
replays every edit made meanwhile and publishes. Until it is published, and
for a one-shot search, `scan` answers with the same rules. Once published, an
edit only marks its record stale; the next search re-indexes each stale record
once, as it is then. A live session is saved several times a second as it is
typed, and re-indexing its whole text on every save was most of the save's
cost, for an index no one asks until the next search. Closing the journal,
or a rolled-back transaction, makes a running build moot: it stops at its next
statement and publishes nothing. The index never touches the disk.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from pairjournal.journal.describe import index_text, rank_key
from pairjournal.journal.records import RecordSet
from pairjournal.journal.search import IndexClosed, Query, TextIndex, index_form, rank_number
from pairjournal.journal.search import scan as scan_documents
from pairjournal.model import Entity, Settings

# Makes the index sealed in the file (the journal's search cache), or None when its image fails.
IndexMaker = Callable[[], TextIndex | None]


@dataclass(frozen=True)
class SearchHit:
    kind: str
    id: str
    title: str
    snippet: str
    when: date | None
    pair_id: str | None


def indexed(entity: Entity | None) -> bool:
    return entity is not None and not isinstance(entity, Settings)


def rank_of(entity: Entity) -> int:
    day, record_id = rank_key(entity)
    return rank_number(day, record_id)


def documents(entities: Iterable[Entity]) -> Iterator[tuple[str, int, str]]:
    """(id, rank number, searchable text) of every entity search covers."""
    for entity in entities:
        if indexed(entity):
            yield entity.id, rank_of(entity), index_text(entity)


def in_rank_order(entities: list[Entity]) -> Iterator[tuple[str, int, str]]:
    """documents() newest first, each text made only when it is reached: a build takes them a
    chunk at a time, so the texts of the whole journal (as large as the records) are never all
    held at once."""
    order = sorted((rank_of(entity), entity.id, n) for n, entity in enumerate(entities) if indexed(entity))
    for rank, record_id, n in order:
        yield record_id, rank, index_form(index_text(entities[n]))


def scan(query: Query, entities: Iterable[Entity], limit: int) -> list[str]:
    """The scan over entities: the ids of the newest `limit` that match (the index's answer, without it)."""
    return scan_documents(query, documents(entities), limit)


class IndexKeeper:
    def __init__(self, journal_lock: threading.RLock) -> None:
        self._journal_lock = journal_lock
        self._index: TextIndex | None = None
        self._build_lock = threading.Lock()  # one build at a time
        # While a build runs, edits are noted here and replayed before it is published;
        # the gate makes "publish" and "note" exclusive.
        self._gate = threading.Lock()
        self._missed: list[str] | None = None
        # Written since the index was published, not yet re-indexed (a dict: ordered, each once).
        self._stale: dict[str, None] = {}
        self._epoch = 0
        self._closed = False
        self.from_file = False  # the index published is the one sealed in the file (not built here)

    @property
    def ready(self) -> bool:
        return self._index is not None

    @property
    def index(self) -> TextIndex | None:
        return self._index

    def build(self, records: RecordSet, sealed: Callable[[], IndexMaker | None] | None = None) -> None:
        """Builds the index unless it is there; safe from a worker thread.

        `sealed()`, asked once under the journal's lock, may give a maker of the index as it
        was sealed into the file for exactly these records (the journal's search cache),
        called outside the lock (an edit meanwhile is replayed, as after a build): the index
        it makes is taken instead of a build, if it holds exactly their documents.
        """
        with self._build_lock:
            while self._index is None and not self._closed:
                with self._journal_lock, self._gate:
                    self._missed = []
                    epoch = self._epoch
                    entities = records.values()
                    maker = sealed() if sealed is not None else None
                    sealed = None
                found = maker() if maker is not None else None
                maker = None
                if found is not None and found.ids() != {e.id for e in entities if indexed(e)}:
                    found.close()  # not these records after all: built afresh
                    found = None
                index = found if found is not None else self._built_from(entities, epoch)
                del entities
                if index is None:
                    break  # closed or rolled back meanwhile: this build is moot
                published = False
                while True:  # replay what changed meanwhile, then publish
                    with self._gate:
                        missed, self._missed = self._missed or [], []
                        if epoch != self._epoch:
                            break
                        if not missed:
                            self._index, self._missed = index, None
                            self.from_file = index is found
                            published = True
                            break
                    with self._journal_lock:
                        for record_id in missed:
                            self._apply(index, record_id, records.find(record_id))
                if not published:
                    index.close()

    def _built_from(self, entities: list[Entity], epoch: int) -> TextIndex | None:
        # Outside the lock: an edit made meanwhile is replayed before publishing.
        index = TextIndex()

        def stopped(started: int = epoch) -> bool:
            return started != self._epoch

        try:
            index.build(in_rank_order(entities), stopped, in_order=True)
        except IndexClosed:
            index.close()
            return None
        return index

    def fresh(self, records: RecordSet) -> TextIndex:
        """A new index of the records as they stand, built here and now (the caller holds the
        journal's lock): what is sealed at close when the one in use has seen edits."""
        index = TextIndex()
        index.build(in_rank_order(records.values()), lambda: False, in_order=True)
        return index

    @property
    def has_stale(self) -> bool:
        """Whether records were written since the last search that the index has not taken in."""
        return bool(self._stale)

    def noted(self, record_id: str) -> None:
        """A record was written or removed: the index follows at the next search (or at publish)."""
        with self._gate:
            if self._index is not None:
                self._stale[record_id] = None
            elif self._missed is not None:
                self._missed.append(record_id)

    def _catch_up(self, index: TextIndex, records: RecordSet) -> None:
        """Re-indexes every record written since the last search, as it is now (under the journal's lock)."""
        with self._gate:
            if index is not self._index:
                return
            stale, self._stale = self._stale, {}
        for record_id in stale:
            self._apply(index, record_id, records.find(record_id))

    @staticmethod
    def _apply(index: TextIndex, record_id: str, entity: Entity | None) -> None:
        if entity is None or not indexed(entity):
            index.remove(record_id)
        else:
            index.add(record_id, rank_of(entity), index_form(index_text(entity)))

    def reset(self) -> None:
        """The records were replaced (a rollback, a reload): any index, built or building, is stale."""
        with self._gate:
            old, self._index = self._index, None
            self._stale = {}
            self._epoch += 1
            self.from_file = False
        if old is not None:
            old.close()

    def close(self) -> None:
        with self._gate:
            old, self._index = self._index, None
            self._stale = {}
            self._closed = True
            self._epoch += 1
        if old is not None:
            old.close()

    def top(self, query: Query, limit: int, records: RecordSet) -> list[str]:
        """From the index when it is ready, else by the scan: the same ids either way."""
        index = self._index
        if index is None:
            return scan(query, records.values(), limit)
        self._catch_up(index, records)

        def verify(record_id: str) -> bool:
            entity = records.find(record_id)
            return indexed(entity) and query.matches_text(index_text(entity))  # type: ignore[arg-type]

        return index.top(query, limit, verify)


__all__ = ["IndexKeeper", "SearchHit", "documents", "indexed", "rank_of", "scan"]
