"""The machinery under every domain verb: the records, the lock, loading, writing, damage.

JournalCore owns the Store (the file), the RecordSet (the decrypted records), the
IndexKeeper (the search index) and the one concurrency contract:

    Every method that touches the records runs under the journal's re-entrant
    lock, whichever thread calls it; `reading()` holds it across several calls.

A lazy open (the interface's) shows home from the unlock cache and decrypts the
records afterwards, in a worker: until then every such method first waits for
(or does) the loading, outside the lock, so a worker loading and the interface
asking never wait on each other in the wrong order. The domain verbs live in
the aggregate modules that build on this one (pairs.py, items.py, sessions.py,
reflecting.py); the façade is service.Journal. Nothing here imports textual.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast

from pairjournal.errors import NotFound, PairjournalError, UsageError
from pairjournal.journal import codec
from pairjournal.journal.home import HomeData
from pairjournal.journal.indexing import IndexKeeper
from pairjournal.journal.records import RecordSet
from pairjournal.journal.search import TextIndex
from pairjournal.model import ConsentRequest, Entity, PartnerItem, check_values
from pairjournal.vault.crypto import KdfParams
from pairjournal.vault.store import BadRecord, Store

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

MIN_ID_PREFIX = 4
HOME_CACHE = "home"
SEARCH_CACHE = "search"  # the search index, sealed at close (journal/search.py, "the image")


def needs_records(method: F) -> F:
    """The concurrency contract, on one method: wait for (or do) a put-off load, then run
    under the journal's lock. Every public method that touches the records carries it."""

    @functools.wraps(method)
    def guarded(self: JournalCore, *args: Any, **kwargs: Any) -> Any:
        if self._pending:
            self.finish_loading()  # outside the lock: the load takes it only to publish
        with self._lock:
            return method(self, *args, **kwargs)

    return cast("F", guarded)


class JournalCore:
    def __init__(self, store: Store, *, cached_home: HomeData | None = None, deferred: bool = False) -> None:
        self._store = store
        self._records = RecordSet()
        self._lock = threading.RLock()
        self._indexer = IndexKeeper(self._lock)
        # A lazy open shows home from the unlock cache and decrypts the rest later.
        self._cached_home = cached_home
        # Home as last made from the records: (records generation, day), and the data (Journal._home).
        self._home_made: tuple[tuple[int, date], HomeData] | None = None
        self._pending = cached_home is not None or deferred
        # A deferred open (a CLI command): records load when a method needs them, and a
        # save before then writes only its own record (see save()).
        self._deferred = deferred
        # A deferred open's unlock cache as it was found current (the data version it was
        # read at, and home), while every write since has been one home does not show
        # (see _leaves_home_alone): close() seals it again under the new stamp.
        self._home_before_append: tuple[int, HomeData] | None = None
        self._load_lock = threading.Lock()
        self._load_error: PairjournalError | None = None
        # Whether close() brings the unlock cache up to date even when this object wrote
        # nothing: the interface's journals do (one that wrote always does).
        self.keeps_home_cache = cached_home is not None
        self._cache_stamp: str | None = None
        # The data version a lazy open read the unlock cache at, and (once the load found the
        # records as they were then) the records' generation the cache still stands for.
        self._cached_at: int | None = None
        self._cache_generation: int | None = None
        # Set by this object's own writes: they removed the unlock cache, so close() writes it again.
        self._wrote = False
        self._data_version = 0
        self.damaged: list[BadRecord] = []
        if not self._pending:
            self._load_all()

    # -- loading ---------------------------------------------------------------------

    @property
    def from_cache(self) -> bool:
        """True when a lazy open found the unlock cache current (and home came from it)."""
        return self._cached_home is not None

    @property
    def cached_home(self) -> HomeData | None:
        """What the unlock cache said home is, when a lazy open used it (what home first showed)."""
        return self._cached_home

    @property
    def loaded(self) -> bool:
        """False while a lazy open has records still sealed."""
        return not self._pending

    def finish_loading(self) -> bool:
        """Decrypts the records a lazy open left sealed; True when this call did it.

        Safe from a worker thread: a method needing the records meanwhile waits here.
        """
        with self._load_lock:
            if not self._pending:
                return False
            if self._load_error is not None:
                raise self._load_error  # once is enough: the same records would fail again
            try:
                with self._lock:
                    self._before_load()
                    self._load_all()
                    self._keep_cached_home()  # under the lock: no write can come between
            except PairjournalError as error:
                self._load_error = error
                raise
            self._pending = False
            # Under the load lock, so close() cannot shut the file in the middle of it.
            self._after_load()
        return True

    def _keep_cached_home(self) -> None:
        """After a lazy open's load: home from the records would be the cache again when no other
        connection committed between reading the cache and reading the records (this one cannot
        write before they are in), so home() keeps serving it until the records next change, on the
        day it was made for (Journal.home): 70 ms at 50,000 records not spent again as the load ends."""
        if self._cached_home is not None and self._cached_at == self._data_version and not self.read_only:
            self._cache_generation = self._records.generation

    def load_behind(self) -> None:
        """Starts decrypting the records a lazy open left sealed, in a thread of its own, at once:
        the interface calls it as the unlock returns, so the records come in while home is drawn.

        A method needing the records meanwhile waits for them (finish_loading); a failure is
        raised by the next call that needs them, finish_loading included.
        """
        if not self._pending:
            return

        def load() -> None:
            # Kept for the next call, which raises it (or, for anything else, loads again).
            with contextlib.suppress(Exception):
                self.finish_loading()

        threading.Thread(target=load, name="pairjournal-load", daemon=True).start()

    def _before_load(self) -> None:
        """What the façade does before a lazy open's records come in (the sealed search index)."""

    def _after_load(self) -> None:
        """What the façade does once the records are in (today's backup)."""

    def _load_all(self) -> None:
        self._data_version, rows = self._store.snapshot()
        with contextlib.closing(rows):  # closing ends the store's read transaction
            self.damaged = self._records.load(rows)
        self._judge_damage()

    def _reload(self) -> None:
        self._records.clear()
        self._indexer.reset()
        self._load_all()

    @contextlib.contextmanager
    def reading(self) -> Iterator[JournalCore]:
        """Holds the journal still for several calls (a worker rendering an export, say):
        no other thread's write lands until the block ends."""
        if self._pending:
            self.finish_loading()
        with self._lock:
            yield self

    # What tests and the benchmark look at, read-only: the records by id, their
    # versions, and the built search index (None until built, and after close).
    @property
    def _entities(self) -> dict[str, Entity]:
        return {e.id: e for e in self._records.values()}

    @property
    def _versions(self) -> dict[str, int]:
        return dict(self._records.versions())

    @property
    def _index(self) -> object | None:
        return self._indexer.index

    # -- the file ------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self._store.path

    @property
    def kdf(self) -> KdfParams:
        return self._store.header.kdf

    # -- damage ------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        """True when loading found damage: records that fail authentication, a manifest
        that does not match the rows, or tables pairjournal did not make. Every write is
        then refused (ReadOnlyJournal, exit 6), so nothing re-seals the manifest over
        the evidence and no daily backup is made from it. False while a lazy open has
        not loaded yet: the load, which every write waits for, decides."""
        return self._store.read_only_reason is not None

    @property
    def damage_summary(self) -> str | None:
        """One line saying what is damaged (for a warning or a banner); None when nothing is."""
        return self._store.read_only_reason

    def require_writable(self) -> None:
        """Raises ReadOnlyJournal (with the way out) when the journal is open read-only."""
        self._store.refuse_if_read_only()

    def _judge_damage(self) -> None:
        parts = [f"{len(self.damaged)} record(s) fail authentication"] if self.damaged else []
        parts += self._store.load_problems
        parts += self._cache_problems()
        if parts:
            self._store.refuse_writes("; ".join(parts))

    def _cache_problems(self) -> list[str]:
        """A forged unlock cache, or one put back from an older copy, is evidence of tampering:
        reported (and, at open, kept: the journal goes read-only rather than seal a new one over it)."""
        entries, stamp, problems = self._store.cache_state(HOME_CACHE, SEARCH_CACHE, skip=self._cache_known())
        return problems + self._stale_caches(entries, stamp)

    def _cache_known(self) -> tuple[str, ...]:
        """Cache entries already opened, and found current, in the file's present state."""
        return ()

    def _stale_caches(self, entries: dict[str, bytes], stamp: str) -> list[str]:
        """Entries whose stamp names other records than the file holds (put back from a copy)."""
        home, image = entries.get(HOME_CACHE), entries.get(SEARCH_CACHE)
        stamps = {
            HOME_CACHE: found[0] if home is not None and (found := codec.decode_home(home)) is not None else None,
            SEARCH_CACHE: TextIndex.image_stamp(image) if image is not None else None,
        }
        return [self._store.stale_cache_problem(name) for name, made in stamps.items() if made not in (None, stamp)]

    # -- generic access ---------------------------------------------------------

    @needs_records
    def all(self, cls: type[T]) -> list[T]:
        return self._records.all(cls)

    @needs_records
    def get(self, cls: type[T], record_id: str) -> T:
        """By full id, or by a unique prefix of at least four characters (as git does)."""
        entity = self._records.find(record_id)
        if isinstance(entity, cls):
            return entity
        label = getattr(cls, "KIND", cls.__name__.lower())
        if len(record_id) >= MIN_ID_PREFIX:
            wanted = record_id.lower()
            matches = [e for e in self._records.all(cls) if getattr(e, "id", "").startswith(wanted)]
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise UsageError(f"id {record_id!r} matches {len(matches)} {label}s; give more characters")
        if label in _SHAREABLE_KINDS:
            self._refuse_partners(record_id, label)
        raise NotFound(f"no {label} with id {record_id!r}")

    def _refuse_partners(self, record_id: str, label: str) -> None:
        """An id of the partner's own item names something read-only here: every verb says so in one line."""
        wanted = record_id.strip().lower()
        if len(wanted) < MIN_ID_PREFIX:
            return
        theirs: list[PartnerItem | ConsentRequest] = [*self._records.all(PartnerItem),
                                                       *self._records.all(ConsentRequest)]
        for found in theirs:
            if found.item_id.startswith(wanted) or found.id == wanted:
                mine = (e for e in self._records.values() if getattr(e, "KIND", "") in _SHAREABLE_KINDS)
                if any(e.id.startswith(wanted) for e in mine):
                    return  # one of my own items (of another kind) has this id: the caller finds it
                raise PartnersItem(
                    f"[{found.item_id[:8]}] is your partner's {found.kind}: it is read-only in your journal "
                    "(they change it in theirs, and their next bundle brings the change)"
                )

    @needs_records
    def find(self, record_id: str) -> Entity | None:
        return self._records.find(record_id)

    # -- writing --------------------------------------------------------------------

    def save(self, entity: T) -> T:
        """Seals and writes one entity durably; the in-memory copy follows.

        Every write passes here (or save_many): the journal's rules for dates, numbers
        and text are checked first, so no stored value can break a later command.

        On a deferred journal whose records are still sealed (a CLI add), the one
        record is written without decrypting the others: the write checks what can
        be told without them (Store.append_checked) and the records, loaded later,
        come from the file with it. Only once today's automatic backup exists.
        """
        if self._pending and self._deferred and self._may_append():
            with self._load_lock:
                if self._pending:
                    check_values(entity)
                    record = cast("Entity", entity)
                    version = self._store.append_checked(record.id, codec.encode(record), self._append_problems())
                    self._wrote = True
                    if version != 1 or not self._leaves_home_alone(record):
                        self._home_before_append = None  # an edit: what it replaced is not known here
                    return entity
        return self._save(entity)

    def _may_append(self) -> bool:
        """Whether a save on a deferred journal may skip loading (the façade says: once today's backup exists)."""
        return False

    def _leaves_home_alone(self, record: Entity) -> bool:
        """Whether a new record of this shape changes nothing home shows (the façade knows)."""
        return False

    def _append_problems(self) -> list[str]:
        """What the façade finds wrong without the records (the unlock cache), for append_checked."""
        return []

    @needs_records
    def _save(self, entity: T) -> T:
        self._store.refuse_if_read_only()
        check_values(entity)
        record = cast("Entity", entity)
        version = self._store.put(record.id, codec.encode(record))
        self._wrote = True
        self._remember(record, version)
        return entity

    @needs_records
    def save_many(self, entities: list[Entity]) -> None:
        """save() for a bulk import: one transaction, written in chunks (all land or none do)."""
        self._store.refuse_if_read_only()
        for entity in entities:
            check_values(entity)
        with self.batch():
            encode = codec.encode
            versions = self._store.put_many((e.id, encode(e)) for e in entities)
            self._wrote = True
            for entity, version in zip(entities, versions, strict=True):
                self._remember(entity, version)

    @needs_records
    def delete(self, entity: Entity) -> None:
        self._store.delete(entity.id)
        self._wrote = True
        self._forget(entity.id)

    def _remember(self, entity: Entity, version: int) -> None:
        self._records.remember(entity, version)
        self._indexer.noted(entity.id)

    def _forget(self, record_id: str) -> None:
        self._records.forget(record_id)
        self._indexer.noted(record_id)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Groups writes into one transaction: all land or none do (the records in memory too)."""
        if self._pending:
            self.finish_loading()
        with self._lock:
            saved = self._records.checkpoint()
            try:
                with self._store.transaction():
                    yield
            except BaseException:
                self._records.restore(saved)
                self._indexer.reset()  # a build running now started from what was rolled back
                raise

    # -- other processes ------------------------------------------------------

    @needs_records
    def refresh(self) -> set[str]:
        """Picks up changes another process committed; returns the ids that changed."""
        current = self._store.data_version()
        if current == self._data_version:
            return set()
        self._data_version = current
        on_disk = self._store.versions()
        known = self._records.versions()
        changed = [rid for rid, v in on_disk.items() if known.get(rid) != v]
        gone = [rid for rid in known if rid not in on_disk]
        for rid in gone:
            self._forget(rid)
        good, bad = self._store.load(changed)
        for rec in good:
            self._remember(codec.decode(rec.plaintext), rec.version)
        known_bad = {b.id for b in self.damaged}
        self.damaged += [b for b in bad if b.id not in known_bad]
        if bad:
            self._judge_damage()
        return set(changed) | set(gone)


_SHAREABLE_KINDS = ("takeaway", "action", "progress", "recognition")


class PartnersItem(UsageError):
    """An edit or delete aimed at an item the partner shared: theirs, so read-only here."""


def required(text: str, what: str) -> str:
    if not text or not text.strip():
        raise UsageError(f"{what} needs some text")
    return text


def check_minutes(minutes: int) -> None:
    if not 1 <= minutes <= 600:
        raise UsageError("minutes must be between 1 and 600")


__all__ = [
    "HOME_CACHE",
    "MIN_ID_PREFIX",
    "SEARCH_CACHE",
    "JournalCore",
    "PartnersItem",
    "check_minutes",
    "needs_records",
    "required",
]
