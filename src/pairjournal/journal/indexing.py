"""Keeping the in-memory search index: built once (in a worker if need be), then kept in step.

The index itself is journal/search.py; this module owns its life. A build takes
the list of records under the journal's lock, builds without it (seconds on a
large journal, while the interface stays usable), then replays every edit made
meanwhile and publishes. Closing the journal, or a rolled-back transaction,
makes a running build moot: it stops within a few thousand records and
publishes nothing. The index never touches the disk.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from pairjournal.journal.describe import index_text, rank_key
from pairjournal.journal.records import RecordSet
from pairjournal.journal.search import SearchIndex
from pairjournal.model import Entity, Settings


@dataclass(frozen=True)
class SearchHit:
    kind: str
    id: str
    title: str
    snippet: str
    when: date | None
    pair_id: str | None


def _indexed(entity: Entity | None) -> bool:
    return entity is not None and not isinstance(entity, Settings)


class IndexKeeper:
    def __init__(self, journal_lock: threading.RLock) -> None:
        self._journal_lock = journal_lock
        self._index: SearchIndex | None = None
        self._build_lock = threading.Lock()  # one build at a time
        # While a build runs, edits are noted here and replayed before it is published;
        # the gate makes "publish" and "note" exclusive.
        self._gate = threading.Lock()
        self._missed: list[str] | None = None
        self._epoch = 0
        self._closed = False

    @property
    def ready(self) -> bool:
        return self._index is not None

    @property
    def index(self) -> SearchIndex | None:
        return self._index

    def build(self, records: RecordSet) -> None:
        """Builds the index unless it is there; safe from a worker thread."""
        with self._build_lock:
            while self._index is None and not self._closed:
                with self._journal_lock, self._gate:
                    self._missed = []
                    epoch = self._epoch
                    entities = [e for e in records.values() if _indexed(e)]
                ranked = sorted(((rank_key(e), e) for e in entities), key=itemgetter(0))
                index = SearchIndex()
                for count, ((day, _), entity) in enumerate(ranked):
                    if not count % 4096 and epoch != self._epoch:
                        break  # closed or rolled back meanwhile: this build is moot
                    index.add(entity.id, index_text(entity), day)
                index.mark_ordered()
                del entities, ranked
                while True:  # replay what changed meanwhile, then publish
                    with self._gate:
                        missed, self._missed = self._missed or [], []
                        if epoch != self._epoch:
                            break
                        if not missed:
                            self._index, self._missed = index, None
                            break
                    with self._journal_lock:
                        for record_id in missed:
                            self._apply(index, record_id, records.find(record_id))

    def noted(self, record_id: str, entity: Entity | None) -> None:
        """A record was written (entity) or removed (None): the index follows, now or at publish."""
        with self._gate:
            index = self._index
            if index is None:
                if self._missed is not None:
                    self._missed.append(record_id)
                return
        self._apply(index, record_id, entity)

    @staticmethod
    def _apply(index: SearchIndex, record_id: str, entity: Entity | None) -> None:
        if entity is None or not _indexed(entity):
            index.remove(record_id)
        else:
            index.add(record_id, index_text(entity), rank_key(entity)[0])

    def reset(self) -> None:
        """The records were replaced (a rollback, a reload): any index, built or building, is stale."""
        with self._gate:
            self._index = None
            self._epoch += 1

    def close(self) -> None:
        with self._gate:
            self._closed = True
            self._index = None
            self._epoch += 1

    def top(self, query: str, limit: int) -> list[str]:
        assert self._index is not None, "build() first"
        return self._index.top(query, limit)


__all__ = ["IndexKeeper", "SearchHit"]
