"""The unlocked Journal: the one object the CLI, the interface and sharing talk to.

A façade over parts it owns (docs/ARCHITECTURE.md, "The Journal"):

- core.py: the file, the decrypted records (records.py), the search index
  keeper (indexing.py), loading (at once, or lazily behind the unlock cache),
  writes, damage, and the one concurrency contract;
- the domain verbs, one module per aggregate, each building on the one before:
  pairs.py (pairs, agreements), items.py (takeaways, actions, progress, and what
  would leave of them), sessions.py, reflecting.py (reflections, prompts);
- here: opening and closing, home and its unlock cache, numbers, search,
  settings, and the operations on the whole vault.

After unlock every record is decrypted into memory (a journal is megabytes, not
gigabytes); reads are dictionary look-ups and each edit is one sealed write.
Nothing here knows about SQL or ciphers beyond the Store's small API, and
nothing here imports textual.
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

from msgspec.structs import replace

from pairjournal.errors import PairjournalError, UsageError
from pairjournal.journal import cadence, codec, unlocking, vocabulary
from pairjournal.journal.backups import AutoBackupResult, daily_backup, has_todays_backup
from pairjournal.journal.core import HOME_CACHE, MIN_ID_PREFIX, SEARCH_CACHE, needs_records
from pairjournal.journal.describe import index_text, title_of, when_of
from pairjournal.journal.exchange import ExchangeVerbs
from pairjournal.journal.home import HomeData, PairHome, PairStats, cache_since, pair_stats, partner_shared
from pairjournal.journal.indexing import IndexMaker, SearchHit
from pairjournal.journal.search import OpenedImage, Query, TextIndex, snippet
from pairjournal.model import ActionItem, Entity, Pair, Reflection, Settings, ShareScope, Takeaway
from pairjournal.vault.crypto import KdfParams
from pairjournal.vault.store import CheckReport, Store

MAX_AUTOLOCK_MINUTES = 24 * 60
# An index that followed edits is built afresh at close, to be sealed, up to this many
# documents (about half a second); a larger one is left for the next unlock to build.
REBUILD_AT_CLOSE = 20_000
KIND_LABELS = vocabulary.KIND_LABELS


def _read_home_cache(store: Store) -> tuple[str, HomeData] | None:
    """The unlock cache, when it is there, authentic, readable and made from the records as they are."""
    raw = store.read_cache(HOME_CACHE)
    found = codec.decode_home(raw) if raw is not None else None
    if found is None or found[0] != store.manifest_stamp():
        return None
    return found


class Journal(ExchangeVerbs):
    """An unlocked journal. Open with Journal.open() or create with Journal.create()."""

    def __init__(self, store: Store, *, cached_home: HomeData | None = None, deferred: bool = False) -> None:
        self.auto_backup: AutoBackupResult | None = None
        # The stamp of the search index sealed in the file, when this journal read or wrote it.
        self._search_stamp: str | None = None
        # The sealed index's image, opened and found current before the records came in:
        # (data version, stamp, image). The index is made from it once the records are in.
        self._early_index: tuple[int, str, OpenedImage] | None = None
        super().__init__(store, cached_home=cached_home, deferred=deferred)

    # -- opening and closing ------------------------------------------------------------

    @classmethod
    def create(cls, path: Path | str, passphrase: str, kdf: KdfParams | None = None) -> Journal:
        return cls(Store.create(Path(path), passphrase, kdf))

    @classmethod
    def open(cls, path: Path | str, passphrase: str, *, lazy: bool = False, deferred: bool = False) -> Journal:
        """Unlocks a journal. With lazy, the interface's way: when the unlock cache is
        current, only it is decrypted now; the records wait for finish_loading() (or
        the first method that needs them), and close() keeps the cache current.

        With deferred (a CLI command that may need no other record): nothing is
        decrypted until a method needs the records, and a save made before then
        writes that one record (see JournalCore.save)."""
        store = unlocking.take(Path(path), passphrase) or Store.open(Path(path), passphrase)
        if deferred:
            try:
                journal = cls(store, deferred=True)
                # Read before the cache, so a write by anyone else after this moment stops
                # close() from sealing it again (Store.write_cache compares the version).
                version = store.data_version()
                cached = _read_home_cache(store)
                if cached is not None:
                    journal._home_before_append = (version, cached[1])
                return journal
            except BaseException:
                store.close()
                raise
        try:
            if lazy:
                version = store.data_version()  # before the cache: see _keep_cached_home
                cached = _read_home_cache(store)
                if cached is not None:
                    journal = cls(store, cached_home=cached[1])
                    journal._cache_stamp, journal._cached_at = cached[0], version
                    return journal
            journal = cls(store)
        except BaseException:
            store.close()  # a journal that cannot be loaded is not left open
            raise
        journal.keeps_home_cache = lazy
        journal._after_load()
        return journal

    def _after_load(self) -> None:
        # Once a day an encrypted copy goes beside the journal; a failure is
        # reported in auto_backup and never blocks opening.
        self.auto_backup = daily_backup(self)

    def _may_append(self) -> bool:
        # Today's automatic backup is made by the first open of the day that loads the
        # records; a one-record write goes without loading only once it is there.
        return has_todays_backup(self.path)

    def _append_problems(self) -> list[str]:
        return self._cache_problems()

    def _leaves_home_alone(self, record: Entity) -> bool:
        # Home shows pairs, their sessions, takeaways, actions, agreements and the prompts
        # still unanswered: a new reflection tied to no pair and answering no prompt
        # (the CLI's `reflect TEXT`) is in none of them.
        return isinstance(record, Reflection) and record.pair_id is None and record.prompt_id is None

    def close(self, *, today: date | None = None) -> None:
        """Drops every decrypted object and closes the file.

        First the unlock cache is brought up to date (as of `today`) when this
        journal wrote something or keeps the cache, so the next unlock shows home
        at once. A journal that only read leaves the file as it found it.
        """
        with self._load_lock, self._lock:  # a background load, or a worker's call, finishes first
            if self._wrote:
                # Before the caches: folding moves records into segments without changing
                # them (the caches' stamp stays), and a cache is best written last.
                with contextlib.suppress(PairjournalError, OSError):
                    self._store.fold()
            if (self.keeps_home_cache or self._wrote) and not self._pending:
                with contextlib.suppress(PairjournalError, OSError):
                    self.save_home_cache(today)
                with contextlib.suppress(PairjournalError, OSError):
                    self.save_search_cache()
            elif self._pending and self._wrote and self._home_before_append is not None:
                # Records never loaded, every write one home does not show: the cache found
                # at open is still what home is, sealed again under the manifest as it now stands.
                seen, home = self._home_before_append
                with contextlib.suppress(PairjournalError, OSError):
                    self._store.write_cache(HOME_CACHE, lambda stamp: codec.encode_home(stamp, home), seen)
            if self._early_index is not None:
                self._early_index[2].close()
                self._early_index = None
            self._store.close()
            self._indexer.close()  # a build running in a worker stops and publishes nothing
            self._records.clear()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- numbers ---------------------------------------------------------------------------

    @needs_records
    def stats(self, pair_id: str, today: date | None = None) -> PairStats:
        today = today or date.today()
        pair = self.get(Pair, pair_id)
        held = [s.date for s in self.sessions(pair.id, cadence.quarter_bounds(today)[0], today) if not s.live]
        rhythm = self.cadence_of(pair.id)
        return pair_stats(pair, held, self._actions_done(pair.id), self._open_actions(pair.id), today, rhythm)

    # -- home and the unlock cache ---------------------------------------------------------

    def home(self, today: date | None = None) -> HomeData:
        """Everything the home screen shows, for every pair not ended.

        From the unlock cache while a lazy open is still loading (when the cache covers
        `today`), and after, until the records change, on the day it was made for; else
        from the records: the same data either way.
        """
        today = today or date.today()
        cached = self._cached_home
        if cached is None or not cached.covers(today):
            return self._home(today)
        # Once the records are in, only for the day it was made for: which prompts wait moves with the day.
        if self._pending or (self._cache_generation == self._records.generation and cached.made_on == today):
            return cached
        return self._home(today)

    @needs_records
    def _home(self, today: date) -> HomeData:
        # Home is asked for several times as one screen is drawn (compose, mount, the
        # check after loading); made once per state of the records and day.
        key = (self._records.generation, today)
        made = self._home_made
        if made is not None and made[0] == key:
            return made[1]
        home = self._make_home(today)
        self._home_made = (key, home)
        return home

    def _make_home(self, today: date) -> HomeData:
        since = cache_since(today)
        pairs = []
        for pair in self.pairs(include_ended=False):
            live = self.live_session(pair.id)
            last = self.last_session(pair.id)
            last_takeaways = self.takeaways(pair.id, session_id=last.id) if last is not None else []
            open_actions = list(self._open_actions(pair.id))
            shown: list[Takeaway | ActionItem] = [*last_takeaways, *open_actions]
            agreement = self.agreement(pair.id)
            partner_actions, partner_recent = partner_shared(self.partner_items(pair.id))
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
                        for item in shown
                        if item.scope is not ShareScope.PRIVATE or item.withdrawals
                    },
                    actions_done=self._actions_done(pair.id),
                    held=[s.date for s in self.sessions(pair.id, since) if not s.live],
                    prompts_waiting=self.prompts_waiting(pair.id, today=today),
                    cadence=self.cadence_of(pair.id),
                    minutes=self.minutes_of(pair.id),
                    agreement_version=agreement.version if agreement else None,
                    agreement_acknowledged=(
                        agreement.my_ack is not None and agreement.partner_ack is not None if agreement else None
                    ),
                    partner_actions=partner_actions,
                    partner_recent=partner_recent,
                )
            )
        return HomeData(since=since, pairs=pairs, settings=self.settings(), made_on=today)

    @needs_records
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

    def save_search_cache(self) -> bool:
        """Seals the search index into the file, so the next unlock need not build it; True when written.

        Only an index holding nothing but the records as they stand is sealed: one that
        has followed edits still holds words of what was written over or deleted, so it
        is built afresh here (when that is quick), else nothing is sealed and the next
        unlock builds it. Written on the same conditions as home (Store.write_cache).
        """
        store = self._store
        if self._search_stamp is not None and self._search_stamp == store.manifest_stamp():
            return False
        index = self._indexer.index
        if index is None:
            return False
        fresh = None
        # Edits not yet re-indexed (that waits for the next search) make it out of date as well.
        if not index.pristine or self._indexer.has_stale:
            if len(index) > REBUILD_AT_CLOSE:
                return False
            index = fresh = self._indexer.fresh(self._records)
        stamps: list[str] = []

        def make(stamp: str) -> list[bytes]:
            stamps.append(stamp)
            return index.image(stamp)

        try:
            written = store.write_cache(SEARCH_CACHE, make, self._data_version)
        finally:
            if fresh is not None:
                fresh.close()
        if written:
            self._search_stamp = stamps[0]
        return written

    def _before_load(self) -> None:
        # The interface's lazy open opens the sealed index before the records come in, while
        # memory is low (the entry sealed, open, and SQLite's copy of it at once), and in the
        # load's read of the file, so _judge_damage need not authenticate its megabytes again.
        # Reading its head (the ids of 50,000 documents, the words' counts) and checking its
        # database wait until the records are in: the records are what the interface waits
        # for, and the index is only needed by the first search.
        early = self._read_sealed_image()
        if early is not None:
            self._early_index = early

    def _cache_known(self) -> tuple[str, ...]:
        # The sealed index taken before the load authenticated and was current then; if no
        # other connection has committed since, opening its megabytes again (at the moment
        # memory peaks) would only say so again.
        early = self._early_index
        return (SEARCH_CACHE,) if early is not None and early[0] == self._store.data_version() else ()

    def _read_sealed_image(self) -> tuple[int, str, OpenedImage] | None:
        """(data version, stamp, image) of the sealed index, opened, when current at that data version."""
        store = self._store
        version = store.data_version()
        raw = store.read_cache(SEARCH_CACHE)
        if raw is None:
            return None
        stamp = store.manifest_stamp()
        if TextIndex.image_stamp(raw) != stamp or store.data_version() != version:
            return None
        opened = TextIndex.open_image(raw)
        return (version, stamp, opened) if opened is not None else None

    def _sealed_index(self) -> IndexMaker | None:
        """Makes the index sealed at the last close, if it was made from exactly the records
        loaded: asked under the journal's lock, which the index's making (tens of ms: its head
        decoded, its database checked) does not need, so the maker returned is called outside it."""
        early, self._early_index = self._early_index, None
        found = early or self._read_sealed_image()
        if found is None:
            return None
        version, stamp, image = found
        # No other connection committed between reading the index and reading the records
        # (or since), and this one has not written since either (its writes leave the data
        # version alone but move the manifest): the stamp it carries names the records as
        # they are. A damaged journal's records may not be the ones it was made from.
        store = self._store
        if (
            version != self._data_version
            or store.data_version() != version
            or store.manifest_stamp() != stamp
            or store.read_only_reason is not None
        ):
            image.close()
            return None

        def make() -> TextIndex | None:
            index = image.finish()
            if index is not None:
                self._search_stamp = stamp
            return index

        return make

    # -- search ---------------------------------------------------------------------------

    def build_index(self) -> None:
        """Builds the in-memory search index, or takes the one sealed at the last close when it
        is current; cheap to call again. Safe from a worker thread: the journal's lock is held
        only to take the records' texts (or the sealed index) and to replay edits made
        meanwhile; SQLite builds the index without it (docs/ARCHITECTURE.md, "Threads")."""
        if self._pending:
            self.finish_loading()
        self._indexer.build(self._records, self._sealed_index)

    @property
    def index_from_file(self) -> bool:
        """Whether the index in use is the one sealed in the file at the last close (not built here)."""
        return self._indexer.from_file

    @property
    def index_ready(self) -> bool:
        """Whether searches are answered by the index (until then, by a scan: the same hits)."""
        return self._indexer.ready

    @needs_records
    def search(self, query: str, *, limit: int = 200) -> list[SearchHit]:
        """The newest `limit` records whose text matches every word of the query (journal/search.py
        has the rules). From the index once it is built, else by scanning the records: a one-shot
        search (the CLI) never builds one."""
        # Snippets are built only for the few shown.
        parsed = Query.parse(query)
        ids = self._indexer.top(parsed, limit, self._records)
        found = [e for rid in ids if (e := self._records.find(rid)) is not None]
        words = [term.text for term in parsed.terms]
        return [
            SearchHit(
                kind=entity.KIND,
                id=entity.id,
                title=title_of(entity),
                snippet=snippet(index_text(entity), query, terms=words),
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

    @needs_records
    def save_settings(self, **changes: object) -> Settings:
        settings = replace(self.settings(), **changes)
        if not 1 <= settings.autolock_minutes <= MAX_AUTOLOCK_MINUTES:
            raise UsageError(f"auto-lock must be between 1 and {MAX_AUTOLOCK_MINUTES} minutes")
        return self.save(settings)

    def change_passphrase(self, new_passphrase: str) -> None:
        """A new passphrase for the same data key. The key derivation (a third of a second,
        by design) runs outside the journal's lock, so the interface stays responsive."""
        rewrap = self._store.prepare_rewrap(new_passphrase)
        with self._lock:
            self._store.write_rewrap(rewrap)
            self._wrote = True  # the write removed the unlock cache: close() seals a fresh one

    @needs_records
    def check(self) -> CheckReport:
        """The store's full check, and the unlock cache's stamp, which only this layer can read."""
        report = self._store.check()
        entries, stamp, _ = self._store.cache_state(HOME_CACHE, SEARCH_CACHE)
        report.problems += self._stale_caches(entries, stamp)
        return report

    @needs_records
    def accept_damage(self, keep: Path | str) -> CheckReport:
        """`pairjournal check --accept-damage`: the file as it is kept at `keep`, then made
        consistent (see Store.accept_damage) and loaded again, writable."""
        report = self._store.accept_damage(Path(keep))
        self._wrote = True
        self._reload()
        return report

    @needs_records
    def backup(self, dest: Path | str) -> None:
        """An encrypted copy at dest; never over the journal or one of its own files."""
        from pairjournal.journal.paths import refuse_journal_paths

        refuse_journal_paths(Path(dest), self.path)
        self._store.backup(Path(dest))

    @needs_records
    def daily_copy(self, dest: Path) -> None:
        """The automatic backup's copy, which belongs in the journal's own backups folder."""
        self._store.backup(Path(dest))

    @needs_records
    def check_copy(self, path: Path | str) -> CheckReport:
        """The full check of a backup of this journal, read-only (no passphrase needed)."""
        return self._store.check_copy(Path(path))


__all__ = [
    "KIND_LABELS",
    "MIN_ID_PREFIX",
    "Journal",
    "PairStats",
    "SearchHit",
    "index_text",
    "title_of",
    "when_of",
]
