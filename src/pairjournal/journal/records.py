"""The decrypted records of an open journal, held in memory and indexed the ways the domain asks.

A journal is megabytes, not gigabytes: after unlock every record is an object
here, by id, by kind, and (for the kinds that belong to a pair) by pair, and
each kind's sorted list is cached until that kind next changes. Nothing here
reads or writes the file; the Journal (service.py) does that and tells the
RecordSet what it wrote. Not thread-safe on its own: the Journal's lock guards
every use (docs/ARCHITECTURE.md, "Threads").
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import Any, TypeVar, cast

from pairjournal.errors import DamagedJournal
from pairjournal.journal import codec
from pairjournal.model import ActionItem, Agreement, Entity, ObjectiveProgress, Reflection, Session, Takeaway
from pairjournal.vault.store import BadRecord, Batch

T = TypeVar("T")


def _due_key(action: ActionItem) -> tuple[bool, date, datetime]:
    return (action.due is None, action.due or date.max, action.created)


def _progress_key(entry: ObjectiveProgress) -> tuple[date, datetime]:
    return (entry.on or entry.created.date(), entry.created)


# The kinds grouped by pair, and the order each kind's lists come in.
ORDER: dict[type, Callable[[Any], Any]] = {
    Agreement: attrgetter("version"),
    Session: attrgetter("date", "created"),
    Takeaway: attrgetter("created"),
    ActionItem: _due_key,
    ObjectiveProgress: _progress_key,
    Reflection: attrgetter("created"),
}
_IN_SESSION = (Takeaway, ActionItem)
_ALL = "*"  # the views key for "every pair"


@dataclass(frozen=True)
class Saved:
    """What checkpoint() kept, for restore() after a rolled-back transaction."""

    entities: dict[str, Entity]
    versions: dict[str, int]


class RecordSet:
    def __init__(self) -> None:
        self._entities: dict[str, Entity] = {}
        self._by_kind: dict[type, dict[str, Entity]] = {}
        # The kinds in ORDER, grouped by pair (insertion order) so a pair's queries
        # never scan the whole journal; _views caches their sorted forms until that
        # kind next changes. Kept in step by remember/forget.
        self._by_pair: dict[type, dict[str | None, dict[str, Entity]]] = {}
        self._views: dict[type, dict[Any, Any]] = {}
        self._versions: dict[str, int] = {}
        # Counts every change to the set, so a value computed from all of it (home) can be kept until the next.
        self.generation = 0

    # -- reading ---------------------------------------------------------------

    def all(self, cls: type[T]) -> list[T]:
        return cast("list[T]", list(self._by_kind.get(cls, {}).values()))

    def find(self, record_id: str) -> Entity | None:
        return self._entities.get(record_id)

    def values(self) -> list[Entity]:
        return list(self._entities.values())

    def versions(self) -> dict[str, int]:
        return self._versions

    def ordered(self, cls: type[T], pair_id: str | None) -> list[T]:
        """Every `cls` record of one pair (or of all, for None) in the kind's order. Cached: never mutate it."""
        views = self._views.setdefault(cls, {})
        key = _ALL if pair_id is None else pair_id
        found: list[T] | None = views.get(key)
        if found is None:
            source = self._by_kind.get(cls, {}) if pair_id is None else self._by_pair.get(cls, {}).get(pair_id, {})
            found = views[key] = cast("list[T]", sorted(source.values(), key=ORDER[cls]))
        return found

    def derived(self, cls: type, key: Any, compute: Callable[[], T]) -> T:
        """A value computed from `cls` records, cached like ordered() until that kind next changes."""
        views = self._views.setdefault(cls, {})
        if key not in views:
            views[key] = compute()
        return cast("T", views[key])

    # -- keeping in step with the file ---------------------------------------------

    def remember(self, entity: Entity, version: int) -> None:
        self.generation += 1
        self._entities[entity.id] = entity
        self._by_kind.setdefault(type(entity), {})[entity.id] = entity
        self._group(entity)
        self._versions[entity.id] = version

    def forget(self, record_id: str) -> Entity | None:
        self.generation += 1
        entity = self._entities.pop(record_id, None)
        if entity is not None:
            self._by_kind.get(type(entity), {}).pop(record_id, None)
            self._ungroup(entity)
        self._versions.pop(record_id, None)
        return entity

    def _group(self, entity: Entity) -> None:
        cls = type(entity)
        self._views.pop(cls, None)
        if cls not in ORDER:
            return
        pair_id = getattr(entity, "pair_id", None)
        groups = self._by_pair.setdefault(cls, {})
        group = groups.setdefault(pair_id, {})
        if entity.id not in group:
            # New, or moved to another pair (edited in place): a kind has one group per pair, a handful.
            for other in groups.values():
                other.pop(entity.id, None)
        group[entity.id] = entity

    def _ungroup(self, entity: Entity) -> None:
        cls = type(entity)
        self._views.pop(cls, None)
        for group in self._by_pair.get(cls, {}).values():
            group.pop(entity.id, None)

    def checkpoint(self) -> Saved:
        return Saved(dict(self._entities), dict(self._versions))

    def restore(self, saved: Saved) -> None:
        self.generation += 1
        self._entities, self._versions = saved.entities, saved.versions
        self._by_kind, self._by_pair, self._views = {}, {}, {}
        for entity in self._entities.values():
            self._by_kind.setdefault(type(entity), {})[entity.id] = entity
            self._group(entity)

    def clear(self) -> None:
        self.generation += 1
        self._entities.clear()
        self._by_kind.clear()
        self._by_pair.clear()
        self._views.clear()
        self._versions.clear()

    # -- loading -----------------------------------------------------------------

    def load(self, batches: Iterable[Batch | BadRecord]) -> list[BadRecord]:
        """Decodes every record, a batch at a time; returns those that failed to open.

        A batch is decoded by one msgspec call over its payloads, and its plaintexts
        are let go at once, so no plaintext outlives its batch. This loop is what
        unlocking a large journal costs, hence its shape: per record, only what
        grouping by kind and pair needs.
        """
        decode_many, decode_array = codec.decode_many, codec.decode_array
        entities, by_kind, versions, by_pair = self._entities, self._by_kind, self._versions, self._by_pair
        # Ids that thousands of records repeat (their pair's, their session's) are
        # decoded as thousands of equal strings: keep one of each.
        seen: dict[str, str] = {}
        share = seen.setdefault
        bad: list[BadRecord] = []
        ordered, in_session = ORDER, _IN_SESSION
        self.generation += 1
        with gc_paused():
            for batch in batches:
                if isinstance(batch, BadRecord):
                    bad.append(batch)
                    continue
                ids = batch.ids
                if batch.array is not None:
                    decoded = decode_array(batch.array)
                    batch.array = None
                    if len(decoded) != len(ids):
                        raise DamagedJournal("a segment of records decrypted but could not be understood")
                else:
                    decoded = decode_many(batch.plaintexts)
                    batch.plaintexts.clear()
                entities.update(zip(ids, decoded, strict=True))
                versions.update(zip(ids, batch.versions, strict=True))
                for record_id, entity in zip(ids, decoded, strict=True):
                    cls = entity.__class__
                    kind = by_kind.get(cls)
                    if kind is None:
                        kind = by_kind[cls] = {}
                    kind[record_id] = entity
                    if cls in ordered:
                        grouped: Any = entity  # a kind in ORDER: it has pair_id (and maybe session_id)
                        pair_id = grouped.pair_id
                        if pair_id is not None:
                            pair_id = grouped.pair_id = share(pair_id, pair_id)
                        if cls in in_session and grouped.session_id is not None:
                            grouped.session_id = share(grouped.session_id, grouped.session_id)
                        groups = by_pair.get(cls)
                        if groups is None:
                            groups = by_pair[cls] = {}
                        group = groups.get(pair_id)
                        if group is None:
                            group = groups[pair_id] = {}
                        group[record_id] = entity
        return bad


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Loading makes hundreds of thousands of objects and none of them is garbage;
    without this the cycle collector walks the growing heap again and again,
    which was almost half of the decoding time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was loaded lives as long as the journal is open: move it out of
        # the collector's sight, or re-enabling would walk all of it at once (and
        # every later full collection again). Freed objects still go by refcount.
        gc.freeze()
        if enabled:
            gc.enable()


__all__ = ["ORDER", "RecordSet", "Saved", "gc_paused"]
