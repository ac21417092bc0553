"""The unlocked Journal: what the CLI, the TUI and sharing talk to.

After unlock every record is decrypted into memory (a journal is megabytes, not
gigabytes); reads are dictionary look-ups and each edit is one sealed write.
The interface unlocks lazily: home comes from the sealed unlock cache (see
home.py) and the records are decrypted just after, in a worker thread.
Nothing here knows about SQL or ciphers beyond the Store's small API, and
nothing here imports textual.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import gc
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, TypeVar

from pairjournal.errors import NotFound, PairjournalError, UsageError
from pairjournal.journal import cadence, codec, outbound, vocabulary
from pairjournal.journal.backups import AutoBackupResult, daily_backup
from pairjournal.journal.home import HomeData, PairHome, PairStats, cache_since, next_session_due, pair_stats
from pairjournal.journal.outbound import ConsentStatus, Disclosable
from pairjournal.journal.prompts import BUILTIN_PROMPTS, builtin_prompt
from pairjournal.journal.search import SearchIndex, snippet
from pairjournal.model import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Agreement,
    Cadence,
    Consent,
    Entity,
    Objective,
    ObjectiveProgress,
    Owner,
    Pair,
    Prompt,
    PromptCategory,
    PromptTiming,
    Reflection,
    Role,
    Session,
    Settings,
    ShareScope,
    Takeaway,
    check_values,
    now,
)
from pairjournal.vault.crypto import KdfParams
from pairjournal.vault.store import BadRecord, CheckReport, Store

T = TypeVar("T")

MIN_ID_PREFIX = 4
MAX_AUTOLOCK_MINUTES = 24 * 60

KIND_LABELS = vocabulary.KIND_LABELS


def index_text(entity: Entity) -> str:
    """Everything in an entity a person might search for."""
    match entity:
        case Pair():
            return " ".join((entity.name, entity.program, entity.coordinator))
        case Agreement():
            parts = [entity.confidentiality, entity.scope, entity.scheduling, entity.feedback_norms, entity.repair_routine]
            for obj in entity.objectives:
                parts += [obj.outcome, obj.evidence]
            return " ".join(parts)
        case Session():
            agenda = " ".join(item.text for item in entity.agenda)
            return " ".join((agenda, entity.checkin_mood, entity.checkin_note, entity.notes))
        case Takeaway():
            return f"{entity.text} {entity.coordinator_text}"
        case ActionItem():
            return f"{entity.text} {entity.evidence} {entity.coordinator_text}"
        case ObjectiveProgress():
            return f"{entity.evidence} {entity.coordinator_text}"
        case Reflection():
            return " ".join((entity.title, entity.text, " ".join(entity.tags)))
        case Prompt():
            return entity.text
    return ""


def title_of(entity: Entity) -> str:
    """A one-line label for lists and search results."""
    match entity:
        case Pair():
            return entity.name
        case Agreement():
            return f"Agreement v{entity.version}"
        case Session():
            return f"Session {entity.date.isoformat()}"
        case Takeaway() | ActionItem():
            return entity.text.splitlines()[0] if entity.text else "(empty)"
        case ObjectiveProgress():
            return f"Progress {entity.on.isoformat() if entity.on else ''}".strip()
        case Reflection():
            first = entity.title or (entity.text.splitlines()[0] if entity.text else "")
            return first or "(empty reflection)"
        case Prompt():
            return entity.text
    return ""


def when_of(entity: Entity) -> date | None:
    match entity:
        case Session():
            return entity.date
        case ObjectiveProgress():
            return entity.on or entity.created.date()
    created = getattr(entity, "created", None)
    return created.date() if isinstance(created, datetime) else None


@dataclass(frozen=True)
class SearchHit:
    kind: str
    id: str
    title: str
    snippet: str
    when: date | None
    pair_id: str | None


HOME_CACHE = "home"
F = TypeVar("F", bound=Callable[..., Any])


def _loads_first(method: F) -> F:
    """Makes a method wait for (or do) the loading a lazy open put off, then run under
    the journal's lock: one call at a time, whichever thread makes it."""

    @functools.wraps(method)
    def loaded_first(self: Journal, *args: Any, **kwargs: Any) -> Any:
        if self._pending:
            self.finish_loading()  # outside the lock: loading takes it only to publish
        with self._lock:
            return method(self, *args, **kwargs)

    loaded_first.__loads_first__ = True  # type: ignore[attr-defined]
    return loaded_first  # type: ignore[return-value]


def _read_home_cache(store: Store) -> tuple[str, HomeData] | None:
    """The unlock cache, when it is there, authentic, readable and made from the records as they are."""
    raw = store.read_cache(HOME_CACHE)
    found = codec.decode_home(raw) if raw is not None else None
    if found is None or found[0] != store.manifest_stamp():
        return None
    return found


class Journal:
    """An unlocked journal. Open with Journal.open() or create with Journal.create()."""

    def __init__(self, store: Store, *, cached_home: HomeData | None = None) -> None:
        self._store = store
        # A lazy open (see open()) shows home from the unlock cache and decrypts the
        # rest later: until then every method but home(), settings() and close()
        # first finishes loading (see _loads_first).
        self._cached_home = cached_home
        self._pending = cached_home is not None
        self._load_lock = threading.Lock()
        # The concurrency contract (docs/ARCHITECTURE.md): every method that touches the
        # records runs under this lock, so a worker thread may call any of them; a worker
        # that needs several calls to see one state holds reading() around them.
        self._lock = threading.RLock()
        self._load_error: PairjournalError | None = None
        # Whether close() brings the unlock cache up to date even when this object wrote
        # nothing: the interface's journals do (one that wrote always does).
        self.keeps_home_cache = cached_home is not None
        self._cache_stamp: str | None = None
        self._entities: dict[str, Entity] = {}
        self._by_kind: dict[type, dict[str, Entity]] = {}
        # The kinds in _ORDER, grouped by pair (insertion order) so a pair's
        # queries never scan the whole journal; _views caches their sorted
        # forms until that kind next changes. Kept in step by _remember/_forget.
        self._by_pair: dict[type, dict[str | None, dict[str, Entity]]] = {}
        self._views: dict[type, dict[Any, Any]] = {}
        self._versions: dict[str, int] = {}
        self._index: SearchIndex | None = None
        self._index_lock = threading.Lock()  # one build at a time
        # While a worker builds the index, edits are noted here and replayed
        # before it is published; _index_gate makes "publish" and "note" exclusive.
        self._index_gate = threading.Lock()
        self._index_missed: list[str] | None = None
        self._index_epoch = 0
        self._closed = False
        # Set by this object's own writes: they removed the unlock cache, so close() writes it again.
        self._wrote = False
        self.damaged: list[BadRecord] = []
        self.auto_backup: AutoBackupResult | None = None
        self._data_version = 0
        if not self._pending:
            self._load_all()

    # -- lifecycle ------------------------------------------------------------

    @classmethod
    def create(cls, path: Path | str, passphrase: str, kdf: KdfParams | None = None) -> Journal:
        return cls(Store.create(Path(path), passphrase, kdf))

    @classmethod
    def open(cls, path: Path | str, passphrase: str, *, lazy: bool = False) -> Journal:
        """Unlocks a journal. With lazy, the interface's way: when the unlock cache is
        current, only it is decrypted now; the records wait for finish_loading() (or
        the first method that needs them), and close() keeps the cache current."""
        store = Store.open(Path(path), passphrase)
        try:
            if lazy:
                cached = _read_home_cache(store)
                if cached is not None:
                    journal = cls(store, cached_home=cached[1])
                    journal._cache_stamp = cached[0]
                    return journal
            journal = cls(store)
        except BaseException:
            store.close()  # a journal that cannot be loaded is not left open
            raise
        journal.keeps_home_cache = lazy
        # Once a day an encrypted copy goes beside the journal; a failure is
        # reported in journal.auto_backup and never blocks opening.
        journal.auto_backup = daily_backup(journal)
        return journal

    @contextlib.contextmanager
    def reading(self) -> Iterator[Journal]:
        """Holds the journal still for several calls (a worker rendering an export, say):
        no other thread's write lands until the block ends."""
        if self._pending:
            self.finish_loading()
        with self._lock:
            yield self

    @property
    def from_cache(self) -> bool:
        """True when a lazy open found the unlock cache current (and home came from it)."""
        return self._cached_home is not None

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
                self._load_all()
            except PairjournalError as error:
                self._load_error = error
                raise
            self._pending = False
            # Under the lock, so close() cannot shut the file in the middle of today's copy.
            self.auto_backup = daily_backup(self)
        return True

    def close(self, *, today: date | None = None) -> None:
        """Drops every decrypted object and closes the file.

        First the unlock cache is brought up to date (as of `today`) when this
        journal wrote something or keeps the cache, so the next unlock shows home
        at once. A journal that only read leaves the file as it found it.
        """
        with self._load_lock, self._lock:  # a background load, or a worker's call, finishes first
            if (self.keeps_home_cache or self._wrote) and not self._pending:
                with contextlib.suppress(PairjournalError, OSError):
                    self.save_home_cache(today)
            self._store.close()
        with self._index_gate:  # a build running in a worker stops and publishes nothing
            self._closed = True
            self._index = None
            self._index_epoch += 1
        self._entities.clear()
        self._by_kind.clear()
        self._by_pair.clear()
        self._views.clear()
        self._versions.clear()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self._store.path

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
        raw, stamp, problems = self._store.cache_state(HOME_CACHE)
        found = codec.decode_home(raw) if raw is not None else None
        if found is not None and found[0] != stamp:
            problems.append(self._store.stale_cache_problem(HOME_CACHE))
        return problems

    def accept_damage(self, keep: Path | str) -> CheckReport:
        """`pairjournal check --accept-damage`: the file as it is kept at `keep`, then made
        consistent (see Store.accept_damage) and loaded again, writable."""
        report = self._store.accept_damage(Path(keep))
        self._wrote = True
        self._reload()
        return report

    def _reload(self) -> None:
        self._entities.clear()
        self._by_kind.clear()
        self._by_pair.clear()
        self._views.clear()
        self._versions.clear()
        with self._index_gate:
            self._index = None
            self._index_epoch += 1
        self._load_all()

    @property
    def kdf(self) -> KdfParams:
        return self._store.header.kdf

    def _load_all(self) -> None:
        # One record at a time, from ciphertext to entity, so no plaintext outlives its decoding.
        self._data_version, records = self._store.snapshot()
        decode = codec.decode
        entities, by_kind, versions, by_pair = self._entities, self._by_kind, self._versions, self._by_pair
        # Ids that thousands of records repeat (their pair's, their session's) are
        # decoded as thousands of equal strings: keep one of each.
        share = {}.setdefault  # share(s, s): the one string equal to s seen so far
        bad: list[BadRecord] = []
        with _gc_paused(), contextlib.closing(records):  # closing ends the store's read transaction
            for item in records:
                if item.__class__ is BadRecord:
                    bad.append(item)  # type: ignore[arg-type]
                    continue
                record_id, version, plaintext = item  # type: ignore[misc]
                entity = decode(plaintext)
                del plaintext, item
                if entity.id == record_id:
                    record_id = entity.id  # one string for the key and the field
                cls = entity.__class__
                kind = by_kind.get(cls)
                if kind is None:
                    kind = by_kind[cls] = {}
                entities[record_id] = kind[record_id] = entity
                versions[record_id] = version
                if cls in _ORDER:
                    pair_id = entity.pair_id  # type: ignore[union-attr]
                    if pair_id is not None:
                        pair_id = entity.pair_id = share(pair_id, pair_id)  # type: ignore[union-attr]
                    if cls in _IN_SESSION and entity.session_id is not None:  # type: ignore[union-attr]
                        entity.session_id = share(entity.session_id, entity.session_id)  # type: ignore[union-attr]
                    groups = by_pair.get(cls)
                    if groups is None:
                        groups = by_pair[cls] = {}
                    group = groups.get(pair_id)
                    if group is None:
                        group = groups[pair_id] = {}
                    group[record_id] = entity
        self.damaged = bad
        self._judge_damage()

    def _group(self, entity: Entity) -> None:
        cls = type(entity)
        self._views.pop(cls, None)
        if cls not in _ORDER:
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

    def _ordered(self, cls: type[T], pair_id: str | None) -> list[T]:
        """Every `cls` record of one pair (or of all, for None) in the kind's order. Cached: never mutate it."""
        views = self._views.setdefault(cls, {})
        key = _ALL if pair_id is None else pair_id
        found: list[T] | None = views.get(key)
        if found is None:
            source = self._by_kind.get(cls, {}) if pair_id is None else self._by_pair.get(cls, {}).get(pair_id, {})
            found = views[key] = sorted(source.values(), key=_ORDER[cls])  # type: ignore[arg-type]
        return found

    def _derived(self, cls: type, key: tuple[str, str | None], compute: Callable[[], Any]) -> Any:
        """A value computed from `cls` records, cached like _ordered until that kind next changes."""
        views = self._views.setdefault(cls, {})
        if key not in views:
            views[key] = compute()
        return views[key]

    def _open_actions(self, pair_id: str | None) -> list[ActionItem]:
        return self._derived(  # type: ignore[no-any-return]
            ActionItem,
            ("open", pair_id),
            lambda: [a for a in self._ordered(ActionItem, pair_id) if a.status is ActionStatus.OPEN],
        )

    # -- generic access ---------------------------------------------------------

    def all(self, cls: type[T]) -> list[T]:
        return list(self._by_kind.get(cls, {}).values())  # type: ignore[arg-type]

    def get(self, cls: type[T], record_id: str) -> T:
        """By full id, or by a unique prefix of at least four characters (as git does)."""
        entity = self._entities.get(record_id)
        if isinstance(entity, cls):
            return entity
        label = getattr(cls, "KIND", cls.__name__.lower())
        if len(record_id) >= MIN_ID_PREFIX:
            matches = [e for e in self.all(cls) if e.id.startswith(record_id.lower())]  # type: ignore[attr-defined]
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise UsageError(f"id {record_id!r} matches {len(matches)} {label}s; give more characters")
        raise NotFound(f"no {label} with id {record_id!r}")

    def find(self, record_id: str) -> Entity | None:
        return self._entities.get(record_id)

    def save(self, entity: T) -> T:
        """Seals and writes one entity durably; the in-memory copy follows.

        Every write passes here (or save_many): the journal's rules for dates, numbers
        and text are checked first, so no stored value can break a later command.
        """
        self._store.refuse_if_read_only()
        check_values(entity)
        version = self._store.put(entity.id, codec.encode(entity))  # type: ignore[attr-defined]
        self._wrote = True
        self._remember(entity, version)  # type: ignore[arg-type]
        return entity

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

    def _remember(self, entity: Entity, version: int) -> None:
        self._entities[entity.id] = entity
        self._by_kind.setdefault(type(entity), {})[entity.id] = entity
        self._group(entity)
        self._versions[entity.id] = version
        self._index_update(entity.id, entity)

    def delete(self, entity: Entity) -> None:
        self._store.delete(entity.id)
        self._wrote = True
        self._forget(entity.id)

    def _forget(self, record_id: str) -> None:
        entity = self._entities.pop(record_id, None)
        if entity is not None:
            self._by_kind.get(type(entity), {}).pop(record_id, None)
            self._ungroup(entity)
        self._versions.pop(record_id, None)
        self._index_update(record_id, None)

    def _index_update(self, record_id: str, entity: Entity | None) -> None:
        with self._index_gate:
            index = self._index
            if index is None:
                if self._index_missed is not None:
                    self._index_missed.append(record_id)
                return
        if entity is None:
            index.remove(record_id)
        else:
            index.add(record_id, index_text(entity), _rank_key(entity)[0])

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Groups writes into one transaction: all land or none do."""
        before = dict(self._entities), dict(self._versions)
        try:
            with self._store.transaction():
                yield
        except BaseException:
            self._entities, self._versions = before
            self._by_kind, self._by_pair, self._views = {}, {}, {}
            for entity in self._entities.values():
                self._by_kind.setdefault(type(entity), {})[entity.id] = entity
                self._group(entity)
            with self._index_gate:
                self._index = None
                self._index_epoch += 1  # a build running now started from what was rolled back
            raise

    # -- other processes ------------------------------------------------------

    def refresh(self) -> set[str]:
        """Picks up changes another process committed; returns the ids that changed."""
        current = self._store.data_version()
        if current == self._data_version:
            return set()
        self._data_version = current
        on_disk = self._store.versions()
        changed = [rid for rid, v in on_disk.items() if self._versions.get(rid) != v]
        gone = [rid for rid in self._versions if rid not in on_disk]
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

    # -- pairs -----------------------------------------------------------------

    def pairs(self, include_ended: bool = True) -> list[Pair]:
        pairs = sorted(self.all(Pair), key=lambda p: p.name.casefold())
        return [p for p in pairs if include_ended or p.status.value != "ended"]

    def pair(self, name_or_id: str) -> Pair:
        """A pair by name (case-insensitive), unique name prefix, or id."""
        pairs = self.all(Pair)
        wanted = name_or_id.casefold().strip()
        for p in pairs:
            if p.name.casefold() == wanted or p.id == name_or_id:
                return p
        starts = [p for p in pairs if p.name.casefold().startswith(wanted)] if wanted else []
        if len(starts) == 1:
            return starts[0]
        known = ", ".join(p.name for p in self.pairs()) or "none yet"
        raise NotFound(f"no pair named {name_or_id!r} (pairs: {known})")

    def add_pair(
        self,
        name: str,
        role: Role | str,
        *,
        cadence: Cadence | str = Cadence.BIWEEKLY,
        minutes: int = 30,
        program: str = "",
        coordinator: str = "",
        start: date | None = None,
        planned_end: date | None = None,
    ) -> Pair:
        name = name.strip()
        if not name:
            raise UsageError("a pair needs a partner name")
        if any(p.name.casefold() == name.casefold() for p in self.all(Pair)):
            raise UsageError(f"a pair named {name!r} already exists")
        _check_minutes(minutes)
        pair = Pair(
            name=name,
            role=Role(role),
            cadence=Cadence(cadence),
            minutes=minutes,
            program=program,
            coordinator=coordinator,
            start=start or date.today(),
            planned_end=planned_end,
        )
        return self.save(pair)

    # -- agreements ----------------------------------------------------------------

    def agreement_history(self, pair_id: str) -> list[Agreement]:
        return list(self._ordered(Agreement, pair_id))

    def agreement(self, pair_id: str) -> Agreement | None:
        history = self.agreement_history(pair_id)
        return history[-1] if history else None

    def new_agreement_version(self, pair_id: str, **changes: object) -> Agreement:
        """Saves a new version built from the latest one; older versions stay as they were."""
        pair = self.get(Pair, pair_id)
        current = self.agreement(pair.id)
        base = current or Agreement(pair_id=pair.id, cadence=pair.cadence, minutes=pair.minutes, version=0)
        fresh = Agreement(pair_id=pair.id)
        draft = replace(base, **changes, version=base.version + 1, id=fresh.id, created=fresh.created)
        # Each version owns its objectives (a shared list would let an edit reach back into
        # history). An objective kept from the last version keeps its sharing: its consents
        # are bound to its text, so one whose text changed is "changed since consent".
        before = {o.id: o for o in base.objectives}
        draft.objectives = [_carry_sharing(before.get(o.id), copy.deepcopy(o)) for o in draft.objectives]
        if "my_ack" not in changes:
            draft.my_ack = None
        if "partner_ack" not in changes:
            draft.partner_ack = None
        return self.save(draft)

    def acknowledge(self, agreement: Agreement, *, me: date | None = None, partner: date | None = None) -> Agreement:
        """Acknowledgement dates are the one thing recorded on an existing version."""
        if me is not None:
            agreement.my_ack = me
        if partner is not None:
            agreement.partner_ack = partner
        return self.save(agreement)

    # -- sessions -------------------------------------------------------------------

    def sessions(self, pair_id: str | None = None, start: date | None = None, end: date | None = None) -> list[Session]:
        ordered = self._ordered(Session, pair_id)
        first = 0 if start is None else bisect_left(ordered, start, key=_session_date)
        last = len(ordered) if end is None else bisect_right(ordered, end, key=_session_date)
        return ordered[first:last]

    def add_session(
        self,
        pair_id: str,
        *,
        on: date | None = None,
        minutes: int | None = None,
        notes: str = "",
    ) -> Session:
        pair = self.get(Pair, pair_id)
        if minutes is not None:
            _check_minutes(minutes)
        session = Session(
            pair_id=pair.id,
            date=on or date.today(),
            planned_minutes=pair.minutes,
            actual_minutes=minutes,
            notes=notes,
        )
        return self.save(session)

    def live_session(self, pair_id: str) -> Session | None:
        """A session started and not ended, to resume after a quit or crash."""
        return self._derived(  # type: ignore[no-any-return]
            Session, ("live", pair_id), lambda: next((s for s in reversed(self._ordered(Session, pair_id)) if s.live), None)
        )

    def start_session(self, pair_id: str, *, at: datetime | None = None) -> Session:
        """Starts (or resumes) a live session, its agenda prefilled from open actions."""
        pair = self.get(Pair, pair_id)
        existing = self.live_session(pair.id)
        if existing is not None:
            return existing
        started = at or now()
        agenda = [AgendaItem(text=f"Follow up: {a.text}") for a in self.open_actions(pair.id)]
        session = Session(
            pair_id=pair.id,
            date=started.date(),
            planned_minutes=pair.minutes,
            started_at=started,
            agenda=agenda,
        )
        return self.save(session)

    def end_session(self, session: Session, *, at: datetime | None = None) -> Session:
        if session.started_at is None:
            raise UsageError("this session was never started")
        ended = at or now()
        session.ended_at = ended
        session.actual_minutes = max(1, round((ended - session.started_at).total_seconds() / 60))
        return self.save(session)

    def last_session(self, pair_id: str) -> Session | None:
        return next((s for s in reversed(self._ordered(Session, pair_id)) if not s.live), None)

    def next_session_due(self, pair_id: str) -> date:
        pair = self.get(Pair, pair_id)
        last = self.last_session(pair.id)
        return next_session_due(pair, last.date if last else None)

    # -- takeaways, actions, progress ---------------------------------------------------

    def takeaways(self, pair_id: str | None = None, session_id: str | None = None) -> list[Takeaway]:
        ordered = self._ordered(Takeaway, pair_id)
        if session_id is None:
            return list(ordered)
        return [t for t in ordered if t.session_id == session_id]

    def add_takeaway(
        self,
        pair_id: str,
        text: str,
        *,
        session_id: str | None = None,
        scope: ShareScope | str = ShareScope.PRIVATE,
        partner_consent: Consent | None = None,
        coordinator_text: str = "",
        on: date | None = None,
    ) -> Takeaway:
        """A new takeaway. Shared with the coordinator, it records my consent (and the
        partner's, when given) for exactly what it would export: see outbound.py."""
        pair = self.get(Pair, pair_id)
        if session_id is not None:
            session_id = self.get(Session, session_id).id
        takeaway = Takeaway(
            pair_id=pair.id,
            text=_required(text, "a takeaway"),
            session_id=session_id,
            scope=ShareScope(scope),
            coordinator_text=coordinator_text.strip(),
        )
        self._bind_new(takeaway, partner_consent, on)
        return self.save(takeaway)

    def actions(self, pair_id: str | None = None) -> list[ActionItem]:
        return list(self._ordered(ActionItem, pair_id))

    def open_actions(self, pair_id: str | None = None) -> list[ActionItem]:
        """Open action items, soonest due first; those without a due date last."""
        return list(self._open_actions(pair_id))

    def add_action(
        self,
        pair_id: str,
        text: str,
        *,
        owner: Owner | str = Owner.ME,
        due: date | None = None,
        session_id: str | None = None,
        objective_id: str | None = None,
        scope: ShareScope | str = ShareScope.PRIVATE,
        partner_consent: Consent | None = None,
        coordinator_text: str = "",
        on: date | None = None,
    ) -> ActionItem:
        pair = self.get(Pair, pair_id)
        action = ActionItem(
            pair_id=pair.id,
            text=_required(text, "an action item"),
            owner=Owner(owner),
            due=due,
            session_id=session_id,
            objective_id=objective_id,
            scope=ShareScope(scope),
            coordinator_text=coordinator_text.strip(),
        )
        self._bind_new(action, partner_consent, on)
        return self.save(action)

    def complete_action(self, action_id: str, *, evidence: str = "", on: date | None = None) -> ActionItem:
        action = self.get(ActionItem, action_id)
        action.status = ActionStatus.DONE
        action.evidence = evidence or action.evidence
        action.completed_on = on or date.today()
        return self.save(action)

    def drop_action(self, action_id: str) -> ActionItem:
        action = self.get(ActionItem, action_id)
        action.status = ActionStatus.DROPPED
        return self.save(action)

    def progress(self, pair_id: str | None = None) -> list[ObjectiveProgress]:
        return list(self._ordered(ObjectiveProgress, pair_id))

    def add_progress(
        self,
        pair_id: str,
        objective_id: str,
        *,
        rating: int,
        evidence: str = "",
        on: date | None = None,
        scope: ShareScope | str = ShareScope.PRIVATE,
        partner_consent: Consent | None = None,
    ) -> ObjectiveProgress:
        pair = self.get(Pair, pair_id)
        if not 1 <= rating <= 5:
            raise UsageError("a progress rating runs from 1 to 5")
        entry = ObjectiveProgress(
            pair_id=pair.id,
            objective_id=objective_id,
            rating=rating,
            evidence=evidence,
            on=on or date.today(),
            scope=ShareScope(scope),
        )
        self._bind_new(entry, partner_consent, None)
        return self.save(entry)

    # -- what would leave, and whether consent covers it ------------------------------------

    def item_date(self, item: outbound.Item) -> date:
        """The date that places an item in an export period and that its export shows.

        A takeaway belongs to its session's date when it came from one, an action
        item to the day it was created, a progress entry to the day it rates.
        """
        if isinstance(item, Takeaway) and item.session_id:
            session = self._entities.get(item.session_id)
            if isinstance(session, Session):
                return session.date
        if isinstance(item, ObjectiveProgress) and item.on is not None:
            return item.on
        return item.created.date()

    def outbound(self, item: Disclosable) -> dict[str, Any]:
        """The item's outbound content: exactly what a coordinator export would carry of it."""
        match item:
            case Takeaway():
                return outbound.takeaway_content(item, self.item_date(item))
            case ActionItem():
                return outbound.action_content(item)
            case ObjectiveProgress():
                return outbound.progress_content(item, self.item_date(item))
            case Objective():
                return outbound.objective_content(item)
        raise TypeError(f"{type(item).__name__} is not shared")

    def outbound_digest(self, item: Disclosable) -> str:
        return outbound.digest(self.outbound(item))

    def consent_status(self, item: Disclosable) -> ConsentStatus:
        return outbound.status_of(item, self.outbound_digest(item))

    def _bind_new(self, item: outbound.Item, partner_consent: Consent | None, on: date | None) -> None:
        """A new item shared with the coordinator at once: my consent (and the partner's) for its content."""
        check_values(item)  # a value out of range is refused before anything is computed from it
        sha = self.outbound_digest(item)
        if item.scope is ShareScope.COORDINATOR:
            given = on or (partner_consent.given_on if partner_consent else date.today())
            item.my_consent = Consent(given_on=given, how="", sha256=sha)
        if partner_consent is not None:
            item.partner_consent = outbound.bound(partner_consent, sha)

    # -- reflections and prompts ------------------------------------------------------

    def reflections(self, pair_id: str | None = None) -> list[Reflection]:
        return list(self._ordered(Reflection, pair_id))

    def add_reflection(
        self,
        text: str,
        *,
        prompt_id: str | None = None,
        pair_id: str | None = None,
        title: str = "",
        tags: Iterable[str] = (),
    ) -> Reflection:
        if prompt_id is not None:
            prompt_id = self.prompt(prompt_id).id
        if pair_id is not None:
            pair_id = self.get(Pair, pair_id).id
        reflection = Reflection(
            text=_required(text, "a reflection"), prompt_id=prompt_id, pair_id=pair_id, title=title, tags=list(tags)
        )
        return self.save(reflection)

    def prompts(self) -> list[Prompt]:
        custom = sorted(self.all(Prompt), key=lambda p: p.created)
        return [*BUILTIN_PROMPTS, *custom]

    def prompt(self, prompt_id: str) -> Prompt:
        found = builtin_prompt(prompt_id)
        return found if found is not None else self.get(Prompt, prompt_id)

    def add_prompt(self, text: str, *, timing: PromptTiming | str = PromptTiming.ANY) -> Prompt:
        prompt = Prompt(text=_required(text, "a prompt"), category=PromptCategory.CUSTOM, timing=PromptTiming(timing))
        return self.save(prompt)

    def prompts_waiting(self, pair_id: str, *, limit: int = 3) -> list[Prompt]:
        """Prompts for this pair's role not yet answered, the between-session ones first."""
        pair = self.get(Pair, pair_id)
        views = self._views.setdefault(Reflection, {})
        answered = views.get(_ANSWERED)
        if answered is None:
            answered = views[_ANSWERED] = {r.prompt_id for r in self.all(Reflection) if r.prompt_id}
        order = {PromptTiming.BETWEEN: 0, PromptTiming.AFTER: 1, PromptTiming.BEFORE: 2}
        waiting = [
            p
            for p in self.prompts()
            if p.id not in answered and (p.for_role is None or p.for_role is pair.role)
            and p.timing in order
        ]
        return sorted(waiting, key=lambda p: order[p.timing])[:limit]

    # -- numbers -----------------------------------------------------------------------

    def stats(self, pair_id: str, today: date | None = None) -> PairStats:
        today = today or date.today()
        pair = self.get(Pair, pair_id)
        held = [s.date for s in self.sessions(pair.id, cadence.quarter_bounds(today)[0], today) if not s.live]
        return pair_stats(pair, held, self._actions_done(pair.id), self._open_actions(pair.id), today)

    def _actions_done(self, pair_id: str) -> int:
        return self._derived(  # type: ignore[no-any-return]
            ActionItem,
            ("done", pair_id),
            lambda: sum(a.status is ActionStatus.DONE for a in self._ordered(ActionItem, pair_id)),
        )

    # -- home and the unlock cache ---------------------------------------------------------

    def home(self, today: date | None = None) -> HomeData:
        """Everything the home screen shows, for every pair not ended.

        From the unlock cache while a lazy open is still loading (when the cache
        covers `today`), else from the records: the same data either way.
        """
        today = today or date.today()
        cached = self._cached_home
        if self._pending and cached is not None and cached.covers(today):
            return cached
        return self._home(today)

    @_loads_first
    def _home(self, today: date) -> HomeData:
        since = cache_since(today)
        pairs = []
        for pair in self.pairs(include_ended=False):
            live = self.live_session(pair.id)
            last = self.last_session(pair.id)
            last_takeaways = self.takeaways(pair.id, session_id=last.id) if last is not None else []
            open_actions = list(self._open_actions(pair.id))
            pairs.append(
                PairHome(
                    pair=pair,
                    live_session_id=live.id if live is not None else None,
                    last_session_id=last.id if last is not None else None,
                    last_session_date=last.date if last is not None else None,
                    last_takeaways=last_takeaways,
                    open_actions=open_actions,
                    consent={
                        item.id: self.consent_status(item)
                        for item in (*last_takeaways, *open_actions)
                        if item.scope is not ShareScope.PRIVATE or item.withdrawals
                    },
                    actions_done=self._actions_done(pair.id),
                    held=[s.date for s in self.sessions(pair.id, since) if not s.live],
                    prompts_waiting=self.prompts_waiting(pair.id),
                )
            )
        return HomeData(since=since, pairs=pairs, settings=self.settings())

    @_loads_first
    def save_home_cache(self, today: date | None = None) -> bool:
        """Seals home as of `today` into the file when the cache there is not current.

        Written only if no other process has committed since this one last read the
        file (the data would not match the stamp); True when written.
        """
        store = self._store
        if self._cache_stamp is not None and self._cache_stamp == store.manifest_stamp():
            return False
        home = self._home(today or date.today())
        stamps: list[str] = []

        def make(stamp: str) -> bytes:
            stamps.append(stamp)
            return codec.encode_home(stamp, home)

        written = store.write_cache(HOME_CACHE, make, self._data_version)
        if written:
            self._cache_stamp = stamps[0]
        return written

    # -- search ---------------------------------------------------------------------------

    def build_index(self) -> None:
        """Builds the in-memory search index; cheap to call again. Safe from a worker thread.

        The journal's lock is held only to take the list of records and to replay
        edits made meanwhile, never for the build itself (seconds on a large journal).
        """
        if self._pending:
            self.finish_loading()
        with self._index_lock:
            while self._index is None and not self._closed:
                with self._lock, self._index_gate:
                    self._index_missed = []
                    epoch = self._index_epoch
                    entities = [e for e in self._entities.values() if not isinstance(e, Settings)]
                ranked = sorted(((_rank_key(e), e) for e in entities), key=itemgetter(0))
                index = SearchIndex()
                for count, ((day, _), entity) in enumerate(ranked):
                    if not count % 4096 and epoch != self._index_epoch:
                        break  # closed or rolled back meanwhile: this build is moot
                    index.add(entity.id, index_text(entity), day)
                index.mark_ordered()
                del entities, ranked
                while True:  # replay what changed meanwhile, then publish
                    with self._index_gate:
                        missed, self._index_missed = self._index_missed or [], []
                        if epoch != self._index_epoch:
                            break
                        if not missed:
                            self._index, self._index_missed = index, None
                            break
                    with self._lock:
                        for record_id in missed:
                            entity = self._entities.get(record_id)
                            if entity is None or isinstance(entity, Settings):
                                index.remove(record_id)
                            else:
                                index.add(record_id, index_text(entity), _rank_key(entity)[0])

    def search(self, query: str, *, limit: int = 200) -> list[SearchHit]:
        """Every record whose text holds all the query's words (as prefixes), newest first."""
        self.build_index()
        assert self._index is not None
        # The index ranks by recency, so snippets are built only for the few shown.
        found = [e for rid in self._index.top(query, limit) if (e := self._entities.get(rid)) is not None]
        return [
            SearchHit(
                kind=entity.KIND,
                id=entity.id,
                title=title_of(entity),
                snippet=snippet(index_text(entity), query),
                when=when_of(entity),
                pair_id=getattr(entity, "pair_id", None) or (entity.id if isinstance(entity, Pair) else None),
            )
            for entity in found
        ]

    # -- settings and vault operations ------------------------------------------------------

    def settings(self) -> Settings:
        if self._pending and self._cached_home is not None:
            return self._cached_home.settings
        found = self.all(Settings)
        return found[0] if found else Settings()

    def save_settings(self, **changes: object) -> Settings:
        settings = replace(self.settings(), **changes)
        if not 1 <= settings.autolock_minutes <= MAX_AUTOLOCK_MINUTES:
            raise UsageError(f"auto-lock must be between 1 and {MAX_AUTOLOCK_MINUTES} minutes")
        return self.save(settings)

    def change_passphrase(self, new_passphrase: str) -> None:
        self._store.change_passphrase(new_passphrase)
        self._wrote = True  # the write removed the unlock cache: close() seals a fresh one

    def check(self) -> CheckReport:
        """The store's full check, and the unlock cache's stamp, which only this layer can read."""
        report = self._store.check()
        raw, stamp, _ = self._store.cache_state(HOME_CACHE)
        found = codec.decode_home(raw) if raw is not None else None
        if found is not None and found[0] != stamp:
            report.problems.append(self._store.stale_cache_problem(HOME_CACHE))
        return report

    def backup(self, dest: Path | str) -> None:
        """An encrypted copy at dest; never over the journal or one of its own files."""
        from pairjournal.journal.paths import refuse_journal_paths

        refuse_journal_paths(Path(dest), self.path)
        self._store.backup(Path(dest))

    def daily_copy(self, dest: Path) -> None:
        """The automatic backup's copy, which belongs in the journal's own backups folder."""
        self._store.backup(Path(dest))

    def check_copy(self, path: Path | str) -> CheckReport:
        """The full check of a backup of this journal, read-only (no passphrase needed)."""
        return self._store.check_copy(Path(path))


# Every public method needs the records, except these few that a lazy open serves
# from the unlock cache (or that need nothing decrypted).
_WITHOUT_RECORDS = {"home", "settings", "close", "finish_loading", "build_index", "reading"}
for _name, _member in list(vars(Journal).items()):
    if (
        callable(_member)
        and not isinstance(_member, (classmethod, staticmethod, type))
        and not _name.startswith("_")
        and _name not in _WITHOUT_RECORDS
        and not getattr(_member, "__loads_first__", False)
    ):
        setattr(Journal, _name, _loads_first(_member))
del _name, _member


def _due_key(action: ActionItem) -> tuple[int, date, datetime]:
    return (action.due is None, action.due or date.max, action.created)


def _session_date(session: Session) -> date:
    return session.date


def _rank_key(entity: Entity) -> tuple[int, str]:
    """Search results come newest first (ties by id, so the order is stable)."""
    return ((when_of(entity) or date.min).toordinal(), entity.id)


# The kinds grouped by pair, and the order each kind's lists come in.
_ORDER: dict[type, Callable[[Any], Any]] = {
    Agreement: attrgetter("version"),
    Session: attrgetter("date", "created"),
    Takeaway: attrgetter("created"),
    ActionItem: _due_key,
    ObjectiveProgress: lambda p: (p.on or p.created.date(), p.created),
    Reflection: attrgetter("created"),
}
_IN_SESSION = (Takeaway, ActionItem)
# Keys in Journal._views besides pair ids (32 hex digits) and _derived's tuples.
_ALL = "*"
_ANSWERED = "answered-prompts"


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
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


def _carry_sharing(previous: Objective | None, objective: Objective) -> Objective:
    if previous is not None and previous is not objective and objective.scope is ShareScope.PRIVATE \
            and objective.my_consent is None and objective.partner_consent is None:
        objective.scope = previous.scope
        objective.my_consent = copy.deepcopy(previous.my_consent)
        objective.partner_consent = copy.deepcopy(previous.partner_consent)
        objective.withdrawals = copy.deepcopy(previous.withdrawals)
    return objective


def _required(text: str, what: str) -> str:
    if not text or not text.strip():
        raise UsageError(f"{what} needs some text")
    return text


def _check_minutes(minutes: int) -> None:
    if not 1 <= minutes <= 600:
        raise UsageError("minutes must be between 1 and 600")


__all__ = ["KIND_LABELS", "Journal", "PairStats", "SearchHit", "index_text", "title_of", "when_of"]
