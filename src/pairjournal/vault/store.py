"""The journal file: one SQLite database holding a header and sealed records.

On disk there is only: the header (authenticated, see crypto.Header), the
wrapped data key, and rows of (opaque id, version, nonce, ciphertext). Kinds,
names, dates and text exist only inside ciphertexts. docs/FORMAT.md describes
every byte; keep it in step with this module.

Writers from several processes take turns through SQLite's write lock
(``BEGIN IMMEDIATE`` plus a busy timeout). Every write transaction also
re-seals a manifest holding a running digest of all (id, version) pairs, so a
row deleted or rolled back to an older version of itself is detected by check().
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import secrets
import sqlite3
import stat
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import methodcaller
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pairjournal.errors import (
    DamagedJournal,
    JournalBusy,
    JournalExists,
    JournalMissing,
    NewerFormat,
    NotAJournal,
    PairjournalError,
    ReadOnlyJournal,
    StorageFull,
    WrongPassphrase,
)
from pairjournal.folders import secure_folder
from pairjournal.vault import crypto, segments
from pairjournal.vault.crypto import Header, InvalidTag, KdfParams, Sealer
from pairjournal.vault.segments import FOLD_AT, SEGMENT_SIZE, Segment

if TYPE_CHECKING:
    from sqlite_utils import Database

RECORDS = "records"
MANIFEST = "manifest"
# Optional, made on first use: sealed data derived from the records (see FORMAT.md, "The unlock cache").
CACHE = "cache"
CACHE_AAD_VERSION = 1  # the "version" slot of a cache entry's associated data
# Records sealed together (vault/segments.py), and which record each segment holds.
SEGMENTS = "segments"
FOLDED = "folded"
FOLDED_INDEX = "folded_by_segment"
SEGMENT_AAD_VERSION = 1  # the "version" slot of a segment's associated data
SCHEMA_VERSION = 2
BUSY_TIMEOUT_S = 30.0
_DIGEST_MOD = segments.DIGEST_MOD
_BAD = "fails authentication (altered, swapped or damaged)"
_PLAIN = "typeof(id) = 'text' AND typeof(version) = 'integer'"  # what pairjournal writes in id and version


def _row_digest(record_id: str, version: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{record_id}|{version}".encode("ascii")).digest(), "big")


@dataclass
class Manifest:
    """Sealed summary of the records table: epoch, count and a set digest."""

    epoch: int = 0
    count: int = 0
    digest: int = 0

    def add(self, record_id: str, version: int) -> None:
        self.count += 1
        self.digest = (self.digest + _row_digest(record_id, version)) % _DIGEST_MOD

    def remove(self, record_id: str, version: int) -> None:
        self.count -= 1
        self.digest = (self.digest - _row_digest(record_id, version)) % _DIGEST_MOD

    def to_bytes(self) -> bytes:
        return crypto.canonical_json({"epoch": self.epoch, "count": self.count, "digest": f"{self.digest:064x}"})

    @classmethod
    def from_bytes(cls, raw: bytes) -> Manifest:
        data = json.loads(raw)
        return cls(int(data["epoch"]), int(data["count"]), int(data["digest"], 16))


class _Tally:
    """The manifest the rows themselves imply, counted as they stream past."""

    __slots__ = ("impossible", "manifest")

    def __init__(self) -> None:
        self.manifest = Manifest()
        self.impossible: object | None = None

    def add(self, record_id: object, version: object) -> None:
        if self.impossible is not None:
            return
        try:
            self.manifest.add(record_id, version)  # type: ignore[arg-type]
        except UnicodeEncodeError:  # pairjournal writes only hex ids: this row was planted
            self.impossible = record_id

    def add_keys(self, keys: list[bytes], digests: int | None = None) -> None:
        """add() for many rows at once, given each one's `<id>|<version>` in ASCII: the same sum.

        `digests` is _digest_sum(keys), when the rows were read (and summed) ahead."""
        if self.impossible is not None:
            return
        manifest = self.manifest
        manifest.count += len(keys)
        manifest.digest = (manifest.digest + (_digest_sum(keys) if digests is None else digests)) % _DIGEST_MOD


def _digest_sum(keys: list[bytes]) -> int:
    """The sum of the rows' _row_digest, given each one's `<id>|<version>` in ASCII (not yet reduced)."""
    digests = map(methodcaller("digest"), map(hashlib.sha256, keys))
    big: Callable[[bytes], int] = functools.partial(int.from_bytes, byteorder="big")
    return sum(map(big, digests))


def _same_keys(members: list[tuple[str, int]], sealed: bytes) -> bool:
    """Whether (id, version) rows, as `<id>|<version>` lines, are exactly a segment's sealed keys.

    As many rows as keys, and the sealed ids hold no line end or bar: equal texts mean
    the same records in the same order."""
    try:
        return "\n".join(map("%s|%d".__mod__, members)).encode("ascii") == sealed
    except UnicodeEncodeError:  # an id pairjournal never writes: the slow way names it
        return False


@dataclass(frozen=True)
class Rewrap:
    """A data key wrapped under a new passphrase, ready to be written."""

    header: Header
    header_bytes: bytes
    nonce: bytes
    wrapped: bytes


@dataclass
class StoredRecord:
    id: str
    version: int
    plaintext: bytes


@dataclass
class Batch:
    """Records opened together at load: ids, versions and plaintexts, in the same order.

    A whole segment comes as `array` instead: its plaintexts as one JSON array (in the
    order of `ids`), for one decoding call, and `plaintexts` is then empty."""

    ids: list[str]
    versions: list[int]
    plaintexts: list[bytes]
    array: memoryview | None = None


@dataclass
class BadRecord:
    id: str
    reason: str


@dataclass
class CheckReport:
    records: int = 0
    bad: list[BadRecord] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.bad and not self.problems


def _translate(exc: sqlite3.Error) -> PairjournalError:
    text = str(exc).lower()
    if "disk is full" in text or "database or disk is full" in text:
        return StorageFull("the disk is full: the change was not saved and the journal is unchanged")
    if "locked" in text or "busy" in text:
        return JournalBusy("the journal is busy in another process; try again in a moment")
    if "not a database" in text or "file is encrypted" in text:
        return NotAJournal("this file is not a pairjournal journal")
    if "malformed" in text or "corrupt" in text or "disk i/o" in text:
        return DamagedJournal("the journal file is damaged or truncated")
    if "readonly" in text or "read-only" in text:
        return PairjournalError("the journal file is read-only")
    return DamagedJournal(f"the journal file could not be read ({exc.__class__.__name__})")


@contextlib.contextmanager
def sqlite_errors() -> Iterator[None]:
    """Turns SQLite's exceptions into one-line, user-facing errors."""
    try:
        yield
    except sqlite3.Error as exc:
        raise _translate(exc) from exc
    except UnicodeDecodeError as exc:  # a text cell that is not UTF-8: only damage does that
        raise DamagedJournal("the journal file is damaged (unreadable text in its structure)") from exc


def _connect(path: Path, *, create: bool = False) -> sqlite3.Connection:
    mode = "rwc" if create else "rw"
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    return conn


def _apply_pragmas(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA secure_delete=ON")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA cell_size_check=ON")
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")


def _migrate_to_1(db: Database) -> None:
    db.table("vault").create(
        {"id": int, "header": bytes, "header_sha256": str, "wrap_nonce": bytes, "wrapped_key": bytes},
        pk="id",
    )
    db.table(RECORDS).create(
        {"id": str, "version": int, "nonce": bytes, "ct": bytes}, pk="id", not_null={"version", "nonce", "ct"}
    )
    db.table(MANIFEST).create({"id": int, "epoch": int, "nonce": bytes, "ct": bytes}, pk="id")


def _migrate_to_2(db: Database) -> None:
    db.table(SEGMENTS).create(
        {"id": int, "count": int, "nonce": bytes, "ct": bytes}, pk="id", not_null={"count", "nonce", "ct"}
    )
    db.table(FOLDED).create({"id": str, "version": int, "segment": int}, pk="id", not_null={"version", "segment"})
    # Covering: loading reads each segment's records, in id order, from the index alone.
    db.table(FOLDED).create_index(["segment", "id", "version"], index_name=FOLDED_INDEX)


# Forward migrations: index i migrates a file at user_version i to i + 1.
MIGRATIONS = [_migrate_to_1, _migrate_to_2]
assert len(MIGRATIONS) == SCHEMA_VERSION


def _run_migrations(conn: sqlite3.Connection) -> None:
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current < 0:
        raise DamagedJournal("the journal file is damaged (impossible storage schema version)")
    if current > SCHEMA_VERSION:
        raise NewerFormat(
            f"this journal's storage schema is version {current}, newer than this pairjournal "
            f"understands ({SCHEMA_VERSION}); upgrade pairjournal to open it"
        )
    if current == SCHEMA_VERSION:
        return  # the usual case: no sqlite_utils Database (its first one loads plugins, ~30 ms)
    from sqlite_utils import Database

    db = Database(conn)
    for version in range(current, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version](db)
            conn.execute(f"PRAGMA user_version={version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _refuse_truncated(path: Path, head: bytes) -> None:
    """A file shorter than its own SQLite header says was cut off (a failed copy, a full disk).

    SQLite would read the missing pages as empty and might open it anyway. The
    header's page count is trusted only when SQLite marks it valid and no WAL
    holds pages still to be copied in (a checkpoint cut short legitimately
    leaves the main file short until the WAL is replayed).
    """
    if len(head) < 100:
        raise DamagedJournal("the journal file is truncated (shorter than its own header)")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    if head[24:28] != head[92:96] or pages == 0:
        return
    with contextlib.suppress(OSError):
        if os.path.getsize(f"{path}-wal") > 0:
            return
    expected, actual = pages * page_size, os.path.getsize(path)
    if actual < expected:
        raise DamagedJournal(f"the journal file is truncated: {actual} bytes of the {expected} it records")


def _check_file(path: Path) -> None:
    """What can be told from the file's bytes alone, before SQLite opens it."""
    if not path.exists():
        raise JournalMissing(f"no journal at {path} (create one with `pairjournal init`)")
    if not path.is_file():
        raise NotAJournal(f"{path} is not a journal file")
    with open(path, "rb") as fh:
        head = fh.read(100)
    if head[:16] != b"SQLite format 3\x00":
        raise NotAJournal(f"{path} is not a pairjournal journal")
    _refuse_truncated(path, head)


def _read_vault(conn: sqlite3.Connection, path: Path) -> tuple[Header, bytes, bytes, bytes]:
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"vault", RECORDS, MANIFEST} <= tables:
            raise NotAJournal(f"{path} is not a pairjournal journal")
        row = conn.execute("SELECT header, header_sha256, wrap_nonce, wrapped_key FROM vault WHERE id=1").fetchone()
    except sqlite3.Error as exc:
        raise _translate(exc) from exc
    except UnicodeDecodeError as exc:
        raise DamagedJournal("the journal file is damaged (unreadable text in its structure)") from exc
    if row is None:
        raise DamagedJournal("the journal has no header (damaged or truncated)")
    raw, digest, nonce, wrapped = row
    if not isinstance(raw, bytes) or crypto.header_digest(raw) != digest:
        raise DamagedJournal("the journal header is damaged (checksum mismatch)")
    if not isinstance(nonce, bytes) or not isinstance(wrapped, bytes):
        raise DamagedJournal("the journal's key block is damaged")
    return Header.from_bytes(raw), raw, nonce, wrapped


def read_header(path: Path) -> tuple[Header, bytes, bytes, bytes]:
    """Reads the header and wrapped key; writes nothing to the file, and leaves nothing beside it.

    The connection reads and writes where the file allows it, so that SQLite, as the
    last connection to close, removes the -wal and -shm its reading made; a read-only
    connection cannot, and would leave them behind.
    """
    path = Path(path)
    _check_file(path)
    with sqlite_errors():
        conn = _connect(path)
    try:
        return _read_vault(conn, path)
    finally:
        conn.close()


# Everything a journal's schema holds (FORMAT.md, "Tables and columns"). Anything
# else was put there by something other than pairjournal: a table could hold
# anything, and a trigger would run inside pairjournal's own writes.
KNOWN_SCHEMA = {
    ("table", "vault"),
    ("table", RECORDS),
    ("table", MANIFEST),
    ("table", CACHE),
    ("table", SEGMENTS),
    ("table", FOLDED),
    ("index", f"sqlite_autoindex_{RECORDS}_1"),
    ("index", f"sqlite_autoindex_{CACHE}_1"),
    ("index", f"sqlite_autoindex_{FOLDED}_1"),
    ("index", FOLDED_INDEX),
}


def schema_problems(conn: sqlite3.Connection) -> list[str]:
    """One line for each table, index, view or trigger in the file that pairjournal did not make."""
    with sqlite_errors():
        found = conn.execute("SELECT type, name FROM sqlite_master ORDER BY rowid").fetchall()
    return [
        f"the file holds a {kind} pairjournal did not make ({str(name)[:60]!r}): it was changed outside pairjournal"
        for kind, name in found
        if (kind, name) not in KNOWN_SCHEMA
    ]


class Store:
    """An open, unlocked journal file."""

    def __init__(self, path: Path, conn: sqlite3.Connection, header: Header, data_key: bytes) -> None:
        self.path = path
        self.conn = conn
        self.header = header
        self._sealer = Sealer(data_key, header.vault_id, header.format)
        self._open_many = self._sealer.batch_opener(RECORDS)
        # Kept only to re-wrap it on a passphrase change; it never leaves the process.
        self._data_key = data_key
        self._depth = 0
        self._manifest: Manifest | None = None
        # Set (by the journal) when the file is damaged: every write is then refused with
        # this one-line reason, so nothing re-seals the manifest over the evidence.
        self.read_only_reason: str | None = None
        # What the last full load found wrong with the file as a whole (see snapshot()).
        self.load_problems: list[str] = []
        self._accepting = False
        self._opened: dict[str, bytes] = {}  # see _cache_problems
        # The records read while the key was derived, for a one-record add (see append_checked).
        self._ahead: _RowsAhead | None = None

    @functools.cached_property
    def db(self) -> Database:
        """sqlite_utils over the same connection, made on first use: unlocking never needs it
        (nor its import, a tenth of a CLI command's start)."""
        from sqlite_utils import Database

        return Database(self.conn)

    # -- opening -----------------------------------------------------------

    @classmethod
    def create(cls, path: Path, passphrase: str, kdf: KdfParams | None = None) -> Store:
        path = Path(path)
        crypto.check_new_passphrase(passphrase)  # refuse one against the policy before touching disk
        if path.exists():
            raise JournalExists(f"a journal already exists at {path}; refusing to overwrite it")
        secure_folder(path.parent)
        kdf = kdf or KdfParams.production()
        header = Header(vault_id=secrets.token_hex(16), kdf=kdf)
        header_bytes = header.to_bytes()
        data_key = crypto.new_data_key()
        nonce, wrapped = crypto.wrap_key(crypto.derive_key(passphrase, kdf), data_key, header_bytes)

        # Build under a temporary name and link it into place, so a crash
        # during creation never leaves a half-made journal at the real path.
        tmp = path.with_name(f".{path.name}.creating-{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            os.fchmod(fd, 0o600)  # whatever the umask: SQLite gives -wal and -shm this file's mode
        finally:
            os.close(fd)
        try:
            with sqlite_errors():
                conn = _connect(tmp, create=True)
                try:
                    _apply_pragmas(conn)
                    _run_migrations(conn)
                    store = cls(tmp, conn, header, data_key)
                    with store.transaction():
                        store.db.table("vault").insert(
                            {
                                "id": 1,
                                "header": header_bytes,
                                "header_sha256": crypto.header_digest(header_bytes),
                                "wrap_nonce": nonce,
                                "wrapped_key": wrapped,
                            }
                        )
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    conn.close()
            try:
                os.link(tmp, path)
            except FileExistsError as exc:
                raise JournalExists(f"a journal already exists at {path}; refusing to overwrite it") from exc
        finally:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(f"{tmp}{suffix}")
        return cls.open(path, passphrase, _data_key=data_key)

    @classmethod
    def open(
        cls,
        path: Path,
        passphrase: str,
        *,
        read_ahead: bool = False,
        _data_key: bytes | None = None,
    ) -> Store:
        """Unlocks the file. One connection does everything: when opening fails (a wrong
        passphrase, a damaged header) closing it is SQLite's last close, which removes
        any -wal and -shm its reading made, so a failed open leaves nothing beside the file.

        read_ahead: for a one-record add (append_checked), the records are read, not
        opened, on a second connection while the key is derived (_RowsAhead), which is
        always closed before this one."""
        return cls.begin_open(path, read_ahead=read_ahead, _data_key=_data_key)(passphrase)

    @classmethod
    def begin_open(
        cls, path: Path, *, read_ahead: bool = False, _data_key: bytes | None = None
    ) -> Callable[[str], Store]:
        """open() in two halves: what comes before the key derivation (the file's checks, its
        connection, the header) now, and the rest when the function returned is called,
        which must then be, once, from any thread (unlocking calls it in a thread of its own,
        so that nothing else in the process holds up this half on its way to Argon2id)."""
        path = Path(path)
        # Everything that opens the file itself comes before SQLite's connection: closing
        # any descriptor of the file drops every POSIX lock this process holds on it,
        # SQLite's included, and another process would then take itself for the last
        # connection and delete the WAL under this one.
        _check_file(path)
        if _data_key is None:
            _read_ahead(path)
        # Before SQLite opens it: the -wal and -shm it makes take the main file's mode
        # (SQLite sets it explicitly, whatever the umask), so 0600 from their first byte.
        _tighten_mode(path)
        with sqlite_errors():
            conn = _connect(path)
        try:
            header, raw, nonce, wrapped = _read_vault(conn, path)
        except BaseException:
            conn.close()
            raise

        def finish(passphrase: str) -> Store:
            # After the connection (as every descriptor this open closes must be), and just
            # before Argon2id, which leaves the interpreter to it.
            ahead = _RowsAhead(path) if read_ahead else None
            try:
                if _data_key is not None:
                    data_key = _data_key
                else:
                    data_key = crypto.unwrap_key(crypto.derive_key(passphrase, header.kdf), nonce, wrapped, raw)
                with sqlite_errors():
                    _apply_pragmas(conn)
                    _run_migrations(conn)
                store = cls(path, conn, header, data_key)
                store.load_problems = schema_problems(conn)
                store._ahead = ahead
            except BaseException:
                if ahead is not None:
                    ahead.close()
                conn.close()
                raise
            return store

        return finish

    def close(self) -> None:
        self._drop_ahead()  # first: this connection's close is to be the file's last
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    def _drop_ahead(self) -> None:
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            ahead.close()

    # -- transactions -------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; nested calls join the outer one.

        The manifest is read at the start (another process may have moved it)
        and sealed again at the end, inside the same transaction as the rows.
        """
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self.refuse_if_read_only()
        with sqlite_errors():
            self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            # Accepting damage seals a fresh manifest (accept_damage fills it in): the old
            # one may be the very thing that fails authentication.
            self._manifest = Manifest() if self._accepting else self._read_manifest()
            yield
            with sqlite_errors():
                self._write_manifest(self._manifest)
                self._drop_cache()
                self.conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0
            self._manifest = None

    def refuse_writes(self, reason: str) -> None:
        """From now on every write is refused, naming `reason` (one line) and the way out."""
        self.read_only_reason = reason

    def refuse_if_read_only(self) -> None:
        if self.read_only_reason is not None and not self._accepting:
            raise ReadOnlyJournal(
                f"the journal is damaged ({self.read_only_reason}), so it is open read-only and nothing was "
                "written; see the damage with `pairjournal check`, then put a good backup in its place with "
                "`pairjournal restore` (`pairjournal backups` lists them) or accept the damage with "
                "`pairjournal check --accept-damage`"
            )

    def _read_manifest(self) -> Manifest:
        return self._open_manifest(self.conn.execute(f"SELECT epoch, nonce, ct FROM {MANIFEST} WHERE id=1").fetchone())

    def _open_manifest(self, row: tuple[object, object, object] | None) -> Manifest:
        if row is None:
            return Manifest()
        epoch, nonce, ct = row
        try:
            return Manifest.from_bytes(self._sealer.open(MANIFEST, "1", epoch, nonce, ct))  # type: ignore[arg-type]
        except (InvalidTag, ValueError, KeyError, TypeError) as exc:
            raise DamagedJournal("the journal's manifest fails authentication (tampered or damaged)") from exc

    def _manifest_verdict(self, row: tuple[object, object, object] | None, tally: _Tally) -> list[str]:
        """What the sealed manifest says against the rows as counted: [] when they agree."""
        if tally.impossible is not None:
            return [f"a row with an impossible id {str(tally.impossible)[:40]!r} was added outside pairjournal"]
        try:
            manifest = self._open_manifest(row)
        except DamagedJournal as exc:
            return [str(exc)]
        expected = tally.manifest
        if manifest.count != expected.count:
            return [
                f"the manifest lists {manifest.count} records but the file holds {expected.count}: "
                "records were deleted or added outside pairjournal"
            ]
        if manifest.digest != expected.digest:
            return ["the manifest does not match the records: a record was replaced by an older version of itself"]
        return []

    def _write_manifest(self, manifest: Manifest) -> None:
        manifest.epoch += 1
        nonce, ct = self._sealer.seal(MANIFEST, "1", manifest.epoch, manifest.to_bytes())
        self.conn.execute(
            f"INSERT OR REPLACE INTO {MANIFEST} (id, epoch, nonce, ct) VALUES (1, ?, ?, ?)",
            (manifest.epoch, nonce, ct),
        )

    # -- the unlock cache ---------------------------------------------------

    def manifest_stamp(self) -> str:
        """Names the records as they stand: it changes with every write transaction.

        The hash of the sealed manifest row, whose nonce is fresh on every write, so
        two copies of one journal that went separate ways never share a stamp.
        """
        with sqlite_errors():
            row = self.conn.execute(f"SELECT nonce, ct FROM {MANIFEST} WHERE id=1").fetchone()
        if row is None:
            return "empty"
        return hashlib.sha256(bytes(row[0]) + bytes(row[1])).hexdigest()

    def _drop_cache(self) -> None:
        # A write makes every cache entry stale: gone in the same transaction, so no
        # out-of-date copy of anything (a deleted action, say) stays in the file, even sealed.
        if self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (CACHE,)).fetchone():
            self.conn.execute(f"DELETE FROM {CACHE}")

    def read_cache(self, name: str) -> bytes | None:
        """The cache entry `name`, opened; None when there is none or it fails authentication.

        A cache only ever saves work: whoever reads it checks the stamp sealed inside
        against manifest_stamp() and falls back to the records when they differ.
        """
        try:
            row = self.conn.execute(f"SELECT nonce, ct FROM {CACHE} WHERE name=?", (name,)).fetchone()
        except sqlite3.OperationalError:  # no cache table: written by a pairjournal without one
            return None
        if row is None:
            return None
        try:
            return self._sealer.open(CACHE, name, CACHE_AAD_VERSION, row[0], row[1])
        except (InvalidTag, ValueError, TypeError):
            return None

    def write_cache(
        self, name: str, make: Callable[[str], bytes | bytearray | Sequence[bytes]], seen_data_version: int
    ) -> bool:
        """Seals make(stamp) (the entry, or its pieces in order) as cache entry `name`, stamped with the
        manifest as it stands.

        Only when no other connection has committed since `seen_data_version` (what
        the caller's data reflects): otherwise the entry could claim a stamp its
        contents do not match, and nothing is written. Returns whether it was.
        """
        if self._depth or self.read_only_reason is not None:
            return False  # never inside someone's write transaction, never into a damaged file
        with sqlite_errors():
            # A cache is never worth waiting for: if another process is writing, skip it.
            self.conn.execute("PRAGMA busy_timeout=0")
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return False
            finally:
                self.conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            try:
                if int(self.conn.execute("PRAGMA data_version").fetchone()[0]) != seen_data_version:
                    self.conn.execute("ROLLBACK")
                    return False
                self.conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {CACHE} (name TEXT PRIMARY KEY, nonce BLOB NOT NULL, ct BLOB NOT NULL)"
                )
                # An entry can be megabytes (the search index): sealed a part at a time straight
                # into its row, instead of whole, then bound (SQLite copies it), then made into
                # a record (a copy again), which was three more of its size at the peak of a close.
                nonce, size, parts = self._sealer.seal_in_parts(
                    CACHE, name, CACHE_AAD_VERSION, make(self.manifest_stamp())
                )
                row = self.conn.execute(
                    f"INSERT OR REPLACE INTO {CACHE} (name, nonce, ct) VALUES (?, ?, zeroblob(?))", (name, nonce, size)
                ).lastrowid
                assert row is not None
                with self.conn.blobopen(CACHE, "ct", row) as blob:
                    for part in parts:
                        blob.write(part)
                self.conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                raise
        return True

    # -- records ------------------------------------------------------------

    def put(self, record_id: str, plaintext: bytes) -> int:
        """Seals and writes a record; returns its new version."""
        with self.transaction(), sqlite_errors():
            assert self._manifest is not None
            row = self.conn.execute(f"SELECT version FROM {RECORDS} WHERE id=?", (record_id,)).fetchone()
            if row is None and (row := self._unfold(record_id)) is not None:
                pass  # its copy in the segment is left behind, no longer named; the next fold drops it
            version = 1
            if row is not None:
                self._manifest.remove(record_id, row[0])
                version = row[0] + 1
            nonce, ct = self._sealer.seal(RECORDS, record_id, version, plaintext)
            self.conn.execute(
                f"INSERT OR REPLACE INTO {RECORDS} (id, version, nonce, ct) VALUES (?, ?, ?, ?)",
                (record_id, version, nonce, ct),
            )
            self._manifest.add(record_id, version)
            return version

    def append_checked(self, record_id: str, plaintext: bytes, problems: list[str]) -> int:
        """put() for a journal whose records were not loaded (a one-record CLI add).

        Loading judges the whole file before any write; so does this, inside the
        write's own transaction and without decoding a single record: every record
        is opened (authenticated) and let go, the sealed manifest is compared with
        the rows, the schema is checked, and `problems` (what the caller found in the
        unlock cache) are added. Any of them refuses the write, exactly as a damaged
        journal refuses every write, naming the same damage.

        Rows read ahead (Store.open(read_ahead=True)) stand in for reading them here
        only when no other connection has committed since: then they are the rows
        this transaction sees, and only their decryption is left (and the rows past
        what was read ahead, if any).
        """
        ahead, self._ahead = self._ahead, None
        try:
            with self.transaction(), sqlite_errors():
                _, rows = self._snapshot(ahead.take_if_current() if ahead is not None else None)
                failed = sum(isinstance(item, BadRecord) for item in rows)
                found = [f"{failed} record(s) fail authentication"] if failed else []
                found += [*self.load_problems, *problems]
                if found:
                    self.refuse_writes("; ".join(found))
                    self.refuse_if_read_only()
                return self.put(record_id, plaintext)
        finally:
            if ahead is not None:
                ahead.close()

    def delete(self, record_id: str) -> bool:
        with self.transaction(), sqlite_errors():
            assert self._manifest is not None
            row = self.conn.execute(f"SELECT version FROM {RECORDS} WHERE id=?", (record_id,)).fetchone()
            if row is not None:
                self.conn.execute(f"DELETE FROM {RECORDS} WHERE id=?", (record_id,))
            elif (row := self._unfold(record_id)) is None:
                return False
            self._manifest.remove(record_id, row[0])
            return True

    def _unfold(self, record_id: str) -> tuple[int] | None:
        """Takes a record out of the folded index (to be written as a row, or deleted): its version, if there."""
        row: tuple[int] | None = self.conn.execute(f"SELECT version FROM {FOLDED} WHERE id=?", (record_id,)).fetchone()
        if row is not None:
            self.conn.execute(f"DELETE FROM {FOLDED} WHERE id=?", (record_id,))
        return row

    def _open_row(self, record_id: str, version: int, nonce: bytes, ct: bytes) -> bytes:
        return self._sealer.open(RECORDS, record_id, version, nonce, ct)

    def load(self, ids: list[str] | None = None) -> tuple[list[StoredRecord], list[BadRecord]]:
        """Opens every record (or the given ones); bad records are reported, not fatal."""
        good: list[StoredRecord] = []
        bad: list[BadRecord] = []
        with sqlite_errors():
            rows = self._rows_of(RECORDS, "id, version, nonce, ct", ids)
        open_row = self._sealer.open
        for record_id, version, nonce, ct in rows:
            try:
                good.append(StoredRecord(record_id, version, open_row(RECORDS, record_id, version, nonce, ct)))
            except (InvalidTag, ValueError, TypeError):
                bad.append(BadRecord(str(record_id), _BAD))
        self._load_folded(ids, good, bad)
        return good, bad

    def _rows_of(self, table: str, columns: str, ids: list[str] | None) -> list[Any]:
        """`columns` of every row of `table`, or of the rows with the given ids (500 to a query)."""
        if ids is None:
            return self.conn.execute(f"SELECT {columns} FROM {table}").fetchall()
        rows: list[Any] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows += self.conn.execute(f"SELECT {columns} FROM {table} WHERE id IN ({marks})", chunk).fetchall()
        return rows

    def _load_folded(self, ids: list[str] | None, good: list[StoredRecord], bad: list[BadRecord]) -> None:
        """load()'s folded records: each segment holding one of them opened once."""
        wanted: dict[object, list[tuple[str, int]]] = {}
        with sqlite_errors():
            found = self._rows_of(FOLDED, "id, version, segment", ids)
            for record_id, version, segment in found:
                wanted.setdefault(segment, []).append((record_id, version))
            for segment, members in wanted.items():
                opened = self._read_segment(segment)
                payloads = dict(zip(opened.keys, opened.payloads(), strict=True)) if opened is not None else {}
                for record_id, version in members:
                    payload = payloads.get(f"{record_id}|{version}".encode("ascii", "replace"))
                    if payload is None:
                        bad.append(BadRecord(str(record_id), _BAD))
                    else:
                        good.append(StoredRecord(record_id, version, payload))

    def _read_segment(self, segment: object, into: _SegmentBuffers | None = None) -> Segment | None:
        """The segment `segment`, opened; None when it is missing or fails authentication.

        With `into`, opened in its buffers: its body is a view of them, which a later segment
        overwrites only once nothing views it any more (see _SegmentBuffers)."""
        # As blobs whatever the cells hold: a planted text cell need not even be UTF-8.
        # The row is found by its number, and read by SQLite's rowid: the same in a table made
        # by pairjournal (the number is the rowid), not in one rebuilt by hand.
        row = self.conn.execute(
            f"SELECT CAST(nonce AS BLOB), typeof(ct), rowid FROM {SEGMENTS} WHERE id IS ?", (segment,)
        ).fetchone()
        if row is None or type(segment) is not int or row[1] not in ("blob", "text"):
            return None
        return (into or _SegmentBuffers()).open(self, segment, row[0], row[2])

    def _segment_batches(self, tally: _Tally) -> Iterator[Batch | BadRecord]:
        """Every folded record, a segment at a time (inside the caller's read transaction).

        The usual case costs no Python step per record: the segment's members, read
        from the folded index in id order, are written out as `<id>|<version>` lines by
        one map() and compared with the keys sealed inside the segment in one
        comparison, and its digest sum (sealed too) stands for hashing each one for the
        manifest. A segment holding copies no longer named (replaced or deleted since the
        fold) gives the named ones only; a record the index names but its segment does
        not hold, or whose segment fails authentication or is gone, is a BadRecord.
        Either way every record the index names counts towards the manifest, as a row
        that fails to open does. Rows naming no segment, or not as pairjournal writes
        them, are looked for only when the members found do not add up to the index.
        """
        conn = self.conn
        named = 0
        buffers = _SegmentBuffers()
        for (segment,) in conn.execute(f"SELECT id FROM {SEGMENTS} ORDER BY id").fetchall():
            members = conn.execute(
                f"SELECT id, version FROM {FOLDED} WHERE segment = ? AND {_PLAIN} ORDER BY id", (segment,)
            ).fetchall()
            if not members:
                continue  # every record it held was replaced or deleted since: the next fold drops it
            named += len(members)
            opened = None  # the last segment's view let go first, so its buffer can be reused
            opened = self._read_segment(segment, buffers)
            if opened is not None and len(members) == len(opened.keys) and _same_keys(members, opened.key_text):
                tally.add_keys(opened.keys, opened.digest)
                ids, versions = zip(*members, strict=True)
                yield Batch(list(ids), list(versions), [], opened.body)
                continue
            yield from self._segment_members(segment, opened, tally)
        (total,) = conn.execute(f"SELECT count(*) FROM {FOLDED}").fetchone()
        if total == named:
            return
        for record_id, version in conn.execute(
            f"SELECT id, version FROM {FOLDED} WHERE {_PLAIN} AND "
            f"(segment IS NULL OR segment NOT IN (SELECT id FROM {SEGMENTS}))"
        ):
            tally.add(record_id, version)
            yield BadRecord(str(record_id), f"{_BAD}: the segment holding it is gone")
        for record_id, version in conn.execute(f"SELECT id, version FROM {FOLDED} WHERE NOT ({_PLAIN})"):
            tally.add(record_id, version)  # only a planted row has an id that is not text
            yield BadRecord(str(record_id)[:40], f"{_BAD}: it was added outside pairjournal")

    def _segment_members(self, segment: int, opened: Segment | None, tally: _Tally) -> Iterator[Batch | BadRecord]:
        """_segment_batches() the slow way, record by record: each member the segment does not hold is named."""
        members = self.conn.execute(
            f"SELECT id, version, id || '|' || version FROM {FOLDED} WHERE segment = ? AND {_PLAIN} ORDER BY id",
            (segment,),
        ).fetchall()
        payloads = dict(zip(opened.keys, opened.payloads(), strict=True)) if opened is not None else {}
        live = Batch([], [], [])
        for record_id, version, tail in members:
            tally.add(record_id, version)
            payload = payloads.get(tail.encode("ascii", "replace")) if isinstance(tail, str) else None
            if payload is None:
                yield BadRecord(str(record_id), _BAD)
                continue
            live.ids.append(record_id)
            live.versions.append(version)
            live.plaintexts.append(payload)
        if live.ids:
            yield live

    LOAD_BATCH = 2048

    def snapshot(self) -> tuple[int, Generator[Batch | BadRecord, None, None]]:
        """For loading a whole journal: the data version, then every record opened, in batches.

        Yields Batch(ids, versions, plaintexts) for up to LOAD_BATCH records at a
        time, or a BadRecord for a record failing authentication. Rows stream from
        SQLite's cursor and each batch's ciphertexts are let go once opened: no copy
        of the whole journal, sealed or open, is ever held.

        A batch costs a few calls into C rather than a dozen Python steps per record:
        SQLite writes each row's `<id>|<version>` (the tail of its associated data and
        what the manifest hashes), and the batch is opened and hashed with map().
        Rows whose id is not text or whose version is not an integer (only damage or a
        hostile file makes those), and any batch where one record fails, go the slow
        way, record by record, so each failure is named as before.

        The data version, the manifest and the rows are read in one read transaction,
        so they are one consistent state of the file; a write landing meanwhile is seen
        by the next refresh. Once every row has gone past, the manifest they imply is
        compared with the sealed one, and load_problems says what (if anything) does
        not match: every open checks the manifest, at the cost of one hash per row.
        """
        self._drop_ahead()  # a load has no use for rows read ahead for an add
        return self._snapshot(None)

    def _snapshot(self, ahead: _ReadAhead | None) -> tuple[int, Generator[Batch | BadRecord, None, None]]:
        """snapshot(), where `ahead` (when given) holds the first rows, already read in this state of the file."""
        own = not self._depth and not self.conn.in_transaction
        with sqlite_errors():
            if own:
                self.conn.execute("BEGIN")
            try:
                version = int(self.conn.execute("PRAGMA data_version").fetchone()[0])
                manifest_row = self.conn.execute(f"SELECT epoch, nonce, ct FROM {MANIFEST} WHERE id=1").fetchone()
                rest, after = ("", ()) if ahead is None else (" AND rowid > ?", (ahead.last_rowid,))
                cursor = None if ahead is not None and ahead.complete else self.conn.execute(
                    f"SELECT id, version, nonce, ct, id || '|' || version FROM {RECORDS} "
                    f"WHERE typeof(id) = 'text' AND typeof(version) = 'integer'{rest}",
                    after,
                )
            except BaseException:
                if own:
                    with contextlib.suppress(sqlite3.Error):
                        self.conn.execute("ROLLBACK")
                raise
        return version, self._verified_batches(cursor, manifest_row, own, ahead)

    def _verified_batches(
        self,
        cursor: sqlite3.Cursor | None,
        manifest_row: tuple[object, object, object] | None,
        own: bool,
        ahead: _ReadAhead | None = None,
    ) -> Generator[Batch | BadRecord, None, None]:
        tally = _Tally()
        try:
            while ahead is not None and ahead.chunks:
                chunk = ahead.chunks.pop()  # let go of each chunk's ciphertexts once opened
                yield from self._open_batch(chunk.rows, tally, chunk)
            with sqlite_errors():
                while cursor is not None and (rows := cursor.fetchmany(self.LOAD_BATCH)):
                    yield from self._open_batch(rows, tally)
                odd = [] if ahead is None else ahead.odd
                if ahead is None or not ahead.complete:  # (a second pass over the file: not after the key)
                    rest, after = ("", ()) if ahead is None else (" AND rowid > ?", (ahead.last_rowid,))
                    odd += self.conn.execute(
                        f"SELECT id, version, nonce, ct FROM {RECORDS} "
                        f"WHERE NOT (typeof(id) = 'text' AND typeof(version) = 'integer'){rest}",
                        after,
                    ).fetchall()
            for item in self._open_rows(odd, tally):
                yield item if isinstance(item, BadRecord) else Batch([item[0]], [item[1]], [item[2]])
            with sqlite_errors():
                yield from self._segment_batches(tally)
            self.load_problems = [*schema_problems(self.conn), *self._manifest_verdict(manifest_row, tally)]
        finally:
            if own:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("COMMIT")

    def _open_batch(
        self, rows: list[tuple[str, int, bytes, bytes, Any]], tally: _Tally, ahead: _Chunk | None = None
    ) -> Iterator[Batch | BadRecord]:
        # The fifth column: `<id>|<version>` from SQLite, or (rows read ahead) the rowid, the keys beside them.
        ids, versions, nonces, cts, tails = zip(*rows, strict=True)
        try:
            keys = ahead.keys if ahead is not None else list(map(str.encode, tails, repeat("ascii")))
            plaintexts = self._open_many(nonces, cts, keys)
        except (InvalidTag, ValueError, TypeError):  # one failed: find it (them) the slow way
            for item in self._open_rows(((r[0], r[1], r[2], r[3]) for r in rows), tally):
                yield item if isinstance(item, BadRecord) else Batch([item[0]], [item[1]], [item[2]])
            return
        tally.add_keys(keys, ahead.digests if ahead is not None else None)
        yield Batch(list(ids), list(versions), plaintexts)

    def _open_rows(
        self, rows: Iterable[tuple[str, int, bytes, bytes]], tally: _Tally | None = None
    ) -> Generator[tuple[str, int, bytes] | BadRecord, None, None]:
        open_row = self._sealer.opener(RECORDS)
        count = tally.add if tally is not None else None
        with sqlite_errors():
            for record_id, version, nonce, ct in rows:
                if count is not None:
                    count(record_id, version)
                try:
                    plaintext = open_row(record_id, version, nonce, ct)
                except (InvalidTag, ValueError, TypeError):
                    yield BadRecord(str(record_id), "fails authentication (altered, swapped or damaged)")
                    continue
                yield record_id, version, plaintext

    def versions(self) -> dict[str, int]:
        with sqlite_errors():
            return dict(
                self.conn.execute(f"SELECT id, version FROM {RECORDS} UNION ALL SELECT id, version FROM {FOLDED}")
            )

    def data_version(self) -> int:
        """Changes whenever another connection commits to the file."""
        with sqlite_errors():
            return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    # -- whole-file operations ----------------------------------------------

    def check(self) -> CheckReport:
        """SQLite's structure check, every record opened, the manifest, the schema and the cache.

        One read transaction, so the rows and the manifest are one state of the file;
        rows are opened one at a time and let go: checking costs no more memory than
        the open journal.
        """
        report = CheckReport()
        with sqlite_errors():
            result = self.conn.execute("PRAGMA quick_check").fetchall()
        if result != [("ok",)]:
            report.problems.append("SQLite structure check failed: the file is damaged")
        report.problems += schema_problems(self.conn)
        own = not self._depth and not self.conn.in_transaction
        with sqlite_errors():
            if own:
                self.conn.execute("BEGIN")
            try:
                manifest_row = self.conn.execute(f"SELECT epoch, nonce, ct FROM {MANIFEST} WHERE id=1").fetchone()
                cursor = self.conn.execute(f"SELECT id, version, nonce, ct FROM {RECORDS}")
                tally = _Tally()
                for item in self._open_rows(cursor, tally):
                    report.records += 1
                    if isinstance(item, BadRecord):
                        report.bad.append(item)
                for batch in self._segment_batches(tally):
                    if isinstance(batch, BadRecord):
                        report.records += 1
                        report.bad.append(batch)
                    else:
                        report.records += len(batch.ids)
                report.problems += self._manifest_verdict(manifest_row, tally)
                report.problems += self._cache_problems()
            finally:
                if own:
                    with contextlib.suppress(sqlite3.Error):
                        self.conn.execute("COMMIT")
        return report

    def _cache_problems(self, keep: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> list[str]:
        """Cache entries that fail authentication: only someone without the key writes those.

        (A cache is only ever ignored when it does not fit; but a forged one is
        evidence, and check is where evidence is reported.) The entries named in
        `keep` that authenticate are left, opened, in self._opened, so a caller
        that wants them does not open them a second time; those in `skip` are not opened
        (the caller opened them in this state of the file already).
        """
        self._opened = {}
        try:
            names = [row[0] for row in self.conn.execute(f"SELECT name FROM {CACHE}")]
        except sqlite3.OperationalError:  # no cache table: a journal without one is complete
            return []
        problems = []
        for name in names:  # one at a time: an entry may be megabytes (the search index)
            if name in skip:
                continue
            row = self.conn.execute(f"SELECT nonce, ct FROM {CACHE} WHERE name IS ?", (name,)).fetchone()
            try:
                opened = self._sealer.open(CACHE, name, CACHE_AAD_VERSION, row[0], row[1])
            except (InvalidTag, ValueError, TypeError):
                problems.append(
                    f"the unlock cache entry {str(name)[:40]!r} fails authentication: it was forged or altered "
                    "outside pairjournal"
                )
                continue
            if name in keep:
                self._opened[name] = opened
        return problems

    def cache_state(self, *names: str, skip: tuple[str, ...] = ()) -> tuple[dict[str, bytes], str, list[str]]:
        """(the entries `names` that are there, opened; the manifest stamp; the cache's problems),
        read in one read transaction, so the stamps sealed in the entries and the stamp of the
        manifest are compared at one moment: a writer in between cannot make a current entry look stale."""
        own = not self._depth and not self.conn.in_transaction
        with sqlite_errors():
            if own:
                self.conn.execute("BEGIN")
            try:
                problems = self._cache_problems(keep=names, skip=skip)
                entries, self._opened = self._opened, {}
                return entries, self.manifest_stamp(), problems
            finally:
                if own:
                    with contextlib.suppress(sqlite3.Error):
                        self.conn.execute("COMMIT")

    @staticmethod
    def stale_cache_problem(name: str) -> str:
        """pairjournal never leaves an entry whose stamp names other records (every write removes
        the entry in its own transaction): one on disk was put back from an older copy."""
        return (
            f"the unlock cache entry {name!r} was made from other records than the file holds: "
            "it was put back from an older copy, outside pairjournal"
        )

    def accept_damage(self, keep: Path) -> CheckReport:
        """Makes the file consistent with itself again, after the person has seen check's report.

        First the file as it is, damage and all, is copied to `keep` (so nothing is
        lost); then, in one transaction: every table, index, view or trigger
        pairjournal did not make is dropped, every row that fails authentication is
        removed (no one can ever open it), the cache is emptied, and the manifest is
        sealed again over the rows that remain. Returns the report it acted on.
        """
        report = self.check()
        self.backup(keep)
        self._accepting = True
        try:
            with self.transaction(), sqlite_errors():
                for kind, name in self.conn.execute("SELECT type, name FROM sqlite_master").fetchall():
                    if (kind, name) not in KNOWN_SCHEMA and kind in ("table", "index", "view", "trigger"):
                        quoted = '"' + str(name).replace('"', '""') + '"'
                        self.conn.execute(f"DROP {kind.upper()} IF EXISTS {quoted}")
                # Row by row under the write lock, by rowid: a planted row's id may not even be text.
                doomed = []
                open_row = self._sealer.opener(RECORDS)
                for rowid, record_id, version, nonce, ct in self.conn.execute(
                    f"SELECT rowid, id, version, nonce, ct FROM {RECORDS}"
                ):
                    try:
                        open_row(record_id, version, nonce, ct)
                    except (InvalidTag, ValueError, TypeError):
                        doomed.append((rowid,))
                self.conn.executemany(f"DELETE FROM {RECORDS} WHERE rowid = ?", doomed)
                self._drop_unreadable_folded()
                fresh = Manifest()
                for record_id, version in self.conn.execute(
                    f"SELECT id, version FROM {RECORDS} UNION ALL SELECT id, version FROM {FOLDED}"
                ):
                    fresh.add(record_id, version)
                (epoch,) = self.conn.execute(f"SELECT COALESCE(MAX(epoch), 0) FROM {MANIFEST}").fetchone()
                fresh.epoch = max(int(epoch) if isinstance(epoch, int) else 0, 0)
                assert self._manifest is not None
                self._manifest = fresh  # what the transaction seals when it commits
        finally:
            self._accepting = False
        self.read_only_reason = None
        self.load_problems = []
        return report

    def _drop_unreadable_folded(self) -> None:
        """accept_damage() for the folded records: a segment failing authentication goes with
        everything it held, as does an index entry its segment does not hold (or no segment)."""
        for (segment,) in self.conn.execute(f"SELECT id FROM {SEGMENTS}").fetchall():
            opened = self._read_segment(segment)
            if opened is None:
                self.conn.execute(f"DELETE FROM {FOLDED} WHERE segment = ?", (segment,))
                self.conn.execute(f"DELETE FROM {SEGMENTS} WHERE id = ?", (segment,))
                continue
            held = set(opened.keys)
            doomed = [
                (rowid,)
                for rowid, tail in self.conn.execute(
                    f"SELECT rowid, id || '|' || version FROM {FOLDED} WHERE segment = ? AND {_PLAIN}", (segment,)
                )
                if not (isinstance(tail, str) and tail.encode("ascii", "replace") in held)
            ]
            self.conn.executemany(f"DELETE FROM {FOLDED} WHERE rowid = ?", doomed)
        self.conn.execute(
            f"DELETE FROM {FOLDED} WHERE segment IS NULL OR segment NOT IN (SELECT id FROM {SEGMENTS})"
            " OR typeof(id) != 'text' OR typeof(version) != 'integer'"
        )

    def check_copy(self, path: Path) -> CheckReport:
        """check() of another file holding this journal (a backup), opened read-only with this data key.

        A backup keeps the data key however often the passphrase changed since, so no
        passphrase is needed; the copy is neither changed nor converted to WAL.
        """
        header, _, _, _ = read_header(path)
        if header.vault_id != self.header.vault_id:
            return CheckReport(problems=["the copy belongs to another journal"])
        with sqlite_errors():
            conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            return Store(Path(path), conn, header, self._data_key).check()
        finally:
            conn.close()

    def change_passphrase(self, new_passphrase: str, kdf: KdfParams | None = None) -> None:
        """Re-wraps the data key under a new passphrase, in one transaction."""
        self.write_rewrap(self.prepare_rewrap(new_passphrase, kdf))

    def prepare_rewrap(self, new_passphrase: str, kdf: KdfParams | None = None) -> Rewrap:
        """The slow half of a passphrase change (the key derivation): touches neither the file
        nor the connection, so the journal need not be held still while it runs."""
        self.refuse_if_read_only()  # before the key derivation, not after it
        crypto.check_new_passphrase(new_passphrase)
        kdf = (kdf or self.header.kdf).with_new_salt()
        header = Header(vault_id=self.header.vault_id, kdf=kdf)
        header_bytes = header.to_bytes()
        nonce, wrapped = crypto.wrap_key(crypto.derive_key(new_passphrase, kdf), self._data_key, header_bytes)
        return Rewrap(header, header_bytes, nonce, wrapped)

    def write_rewrap(self, rewrap: Rewrap) -> None:
        """The quick half: the new header and wrapped key, in one transaction."""
        with self.transaction(), sqlite_errors():
            self.conn.execute(
                "UPDATE vault SET header=?, header_sha256=?, wrap_nonce=?, wrapped_key=? WHERE id=1",
                (rewrap.header_bytes, crypto.header_digest(rewrap.header_bytes), rewrap.nonce, rewrap.wrapped),
            )
        self.header = rewrap.header
        self.checkpoint()

    def checkpoint(self) -> bool:
        """Moves the WAL into the main file and truncates it; True when complete."""
        with sqlite_errors():
            busy, _, _ = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return bool(busy == 0)

    def backup(self, dest: Path) -> None:
        """A consistent copy through SQLite's backup API; opens with the same passphrase."""
        dest = Path(dest)
        if dest.exists():
            raise JournalExists(f"{dest} already exists; choose a new file for the backup")
        secure_folder(dest.parent)
        tmp = dest.with_name(f".{dest.name}.partial-{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        try:
            with sqlite_errors():
                target = sqlite3.connect(str(tmp))
                try:
                    self.conn.backup(target)
                    target.execute("PRAGMA journal_mode=DELETE")
                finally:
                    target.close()
            os.replace(tmp, dest)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    # -- folding rows into segments ----------------------------------------------

    def fold(self) -> bool:
        """Seals the rows written since the last fold into segments, and re-seals each segment
        holding copies no longer named (so nothing replaced or deleted outlives this, even sealed).

        Only when FOLD_AT rows or more have gathered, or some segment holds such a copy; the
        segments not yet full are packed together with the rows. The records and their versions
        stay exactly as they were, so the manifest (and the unlock cache's stamp) does not change.
        Like write_cache, never inside a write transaction, never in a damaged file, and never
        waiting for another process. Returns whether anything was folded.
        """
        if self._depth or self.read_only_reason is not None:
            return False
        conn = self.conn
        with sqlite_errors():
            conn.execute("PRAGMA busy_timeout=0")
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return False
            finally:
                conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            try:
                folded = self._fold()
                conn.execute("COMMIT" if folded else "ROLLBACK")
            except sqlite3.IntegrityError:  # a planted row in the way: left for check to report
                conn.execute("ROLLBACK")
                return False
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
        return folded

    def _fold(self) -> bool:
        conn = self.conn
        (loose,) = conn.execute(f"SELECT count(*) FROM {RECORDS}").fetchone()
        counts = dict(conn.execute(f"SELECT segment, count(*) FROM {FOLDED} GROUP BY segment").fetchall())
        held = dict(conn.execute(f"SELECT id, count FROM {SEGMENTS}").fetchall())
        # A count that is not a number (only a hand edit makes one) marks its segment stale:
        # re-sealed, its row is written again as pairjournal writes it.
        stale = [
            segment for segment, count in held.items() if type(count) is not int or counts.get(segment, 0) != count
        ]
        if loose < FOLD_AT and not stale:
            return False
        partial = (segment for segment, count in held.items() if type(count) is int and count < SEGMENT_SIZE)
        pooled = sorted({*stale, *partial})
        (last,) = conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {SEGMENTS}").fetchone()
        writer = _SegmentWriter(self, int(last) + 1)
        open_row = self._sealer.opener(RECORDS)
        taken: list[tuple[int]] = []
        # Streamed from the cursor (writing other tables meanwhile is fine): an import's tens of
        # thousands of rows are never all held at once, only a segment's worth of plaintexts.
        rows = conn.execute(f"SELECT rowid, id, version, nonce, ct FROM {RECORDS}")
        for rowid, record_id, version, nonce, ct in rows:
            if not segments.foldable(record_id, version):
                continue  # not a row pairjournal wrote: left where check finds it
            try:
                plaintext = open_row(record_id, version, nonce, ct)
            except (InvalidTag, ValueError, TypeError):
                continue
            taken.append((rowid,))
            writer.add(record_id, version, plaintext)
        conn.executemany(f"DELETE FROM {RECORDS} WHERE rowid = ?", taken)
        for segment in pooled:
            opened = self._read_segment(segment)
            if opened is None:
                continue  # failing authentication: left where check finds it
            named = {
                tail.encode("ascii")
                for (tail,) in conn.execute(
                    f"SELECT id || '|' || version FROM {FOLDED} WHERE segment = ? AND {_PLAIN}", (segment,)
                )
                if tail.isascii()
            }
            conn.execute(f"DELETE FROM {FOLDED} WHERE segment = ?", (segment,))
            conn.execute(f"DELETE FROM {SEGMENTS} WHERE id = ?", (segment,))
            for key, payload in zip(opened.keys, opened.payloads(), strict=True):
                if key in named:
                    record_id, version = key.decode("ascii").rsplit("|", 1)
                    writer.add(record_id, int(version), payload)
        writer.finish()
        return True

    # -- bulk writes (imports) --------------------------------------------------

    PUT_MANY_CHUNK = 500

    def put_many(self, items: Iterable[tuple[str, bytes]]) -> list[int]:
        """put() for many records in one transaction: the same rows, versions and
        manifest, with one SELECT and one executemany per chunk instead of two
        statements per record. Returns the new versions in order."""
        versions: list[int] = []
        with self.transaction(), sqlite_errors():
            manifest = self._manifest
            assert manifest is not None
            seal = self._sealer.seal
            insert = f"INSERT OR REPLACE INTO {RECORDS} (id, version, nonce, ct) VALUES (?, ?, ?, ?)"
            chunk: list[tuple[str, bytes]] = []
            for item in items:
                chunk.append(item)
                if len(chunk) < self.PUT_MANY_CHUNK:
                    continue
                self._put_chunk(chunk, manifest, seal, insert, versions)
                chunk = []
            if chunk:
                self._put_chunk(chunk, manifest, seal, insert, versions)
        return versions

    def _put_chunk(
        self,
        chunk: list[tuple[str, bytes]],
        manifest: Manifest,
        seal: Callable[[str, str, int, bytes], tuple[bytes, bytes]],
        insert: str,
        versions: list[int],
    ) -> None:
        ids = [record_id for record_id, _ in chunk]
        marks = ",".join("?" * len(ids))
        current: dict[str, int] = dict(
            self.conn.execute(f"SELECT id, version FROM {FOLDED} WHERE id IN ({marks})", ids).fetchall()
        )
        if current:  # written again as rows: out of the folded index (their old copies wait for the next fold)
            self.conn.execute(f"DELETE FROM {FOLDED} WHERE id IN ({marks})", ids)
        current.update(self.conn.execute(f"SELECT id, version FROM {RECORDS} WHERE id IN ({marks})", ids).fetchall())
        rows = []
        for record_id, plaintext in chunk:
            old = current.get(record_id)
            version = 1
            if old is not None:
                manifest.remove(record_id, old)
                version = old + 1
            current[record_id] = version  # the same id twice in one call acts like two put()s
            nonce, ct = seal(RECORDS, record_id, version, plaintext)
            rows.append((record_id, version, nonce, ct))
            manifest.add(record_id, version)
            versions.append(version)
        self.conn.executemany(insert, rows)


class _SegmentWriter:
    """Gathers records for fold(), sealing and writing a segment each time SEGMENT_SIZE have come."""

    def __init__(self, store: Store, first_id: int) -> None:
        self._store, self._next = store, first_id
        self._entries: list[tuple[str, int, bytes]] = []

    def add(self, record_id: str, version: int, payload: bytes) -> None:
        self._entries.append((record_id, version, payload))
        if len(self._entries) >= SEGMENT_SIZE:
            self._write()

    def finish(self) -> None:
        if self._entries:
            self._write()

    def _write(self) -> None:
        entries, self._entries = self._entries, []
        segment, self._next = self._next, self._next + 1
        conn = self._store.conn
        nonce, ct = self._store._sealer.seal(SEGMENTS, str(segment), SEGMENT_AAD_VERSION, segments.pack(entries))
        conn.execute(
            f"INSERT INTO {SEGMENTS} (id, count, nonce, ct) VALUES (?, ?, ?, ?)", (segment, len(entries), nonce, ct)
        )
        conn.executemany(
            f"INSERT INTO {FOLDED} (id, version, segment) VALUES (?, ?, ?)",
            ((record_id, version, segment) for record_id, version, _ in entries),
        )


class _SegmentBuffers:
    """Where a load opens one segment after another: the same two buffers each time.

    A fresh ciphertext and plaintext per segment (most of a megabyte each) were two
    allocations the kernel faulted in page by page: 40,000 faults of 120,000 when loading
    200,000 records, on a virtual machine where each can cost 10 microseconds or more.
    A buffer that anything still views (a batch kept, or a slice of one) is never written
    again: the next segment goes into a new one, and what was kept keeps its own records.
    """

    READ_BYTES = 1 << 16  # read from the blob in pieces this size, which malloc reuses

    def __init__(self) -> None:
        self.ct = bytearray()
        self.plain = bytearray()

    def open(self, store: Store, segment: int, nonce: bytes, rowid: int) -> Segment | None:
        # The ciphertext straight from its pages into the buffer: a SELECT would assemble it in
        # a buffer of SQLite's first, another fresh megabyte per segment to fault in.
        self.plain = _unviewed(self.plain)
        with store.conn.blobopen(SEGMENTS, "ct", rowid, readonly=True) as blob:
            size = len(blob)
            if len(self.ct) < size:
                self.ct.extend(bytes(size - len(self.ct)))
            with memoryview(self.ct) as whole, whole[:size] as ct:
                for start in range(0, size, self.READ_BYTES):
                    piece = blob.read(self.READ_BYTES)
                    ct[start : start + len(piece)] = piece
                try:
                    length = store._sealer.open_into(SEGMENTS, str(segment), SEGMENT_AAD_VERSION, nonce, ct, self.plain)
                    return segments.unpack(self.plain, length)
                except (InvalidTag, ValueError, TypeError):
                    return None


def _unviewed(buffer: bytearray) -> bytearray:
    """`buffer` if nothing views it (so it may be written over), else a new one of its size."""
    try:
        buffer.append(0)  # a bytearray refuses to change size while any view of it lives
    except BufferError:
        return bytearray(len(buffer))
    del buffer[-1]
    return buffer


def _read_ahead(path: Path) -> None:
    """Asks the kernel to start reading the file into its cache: the disk works while Argon2id runs.

    Nothing comes into this process (holding rows during key derivation would
    double the peak memory of a large journal); SQLite then reads from the cache.
    """
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            advise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        finally:
            os.close(fd)


# At most this much sealed data is held in memory while the key is derived: all of a
# journal of ordinary size (tens of thousands of records), a bounded part of a larger one.
READ_AHEAD_BYTES = 32 * 1024 * 1024
# Rows per chunk read ahead, each opened in one call: small enough that a chunk's
# plaintexts (let go at once: the add only counts failures) stay in the CPU's cache,
# which at 10,000 records makes the decryption about 15 ms instead of 25 (2048 a chunk).
READ_AHEAD_CHUNK = 256


# (Plain classes, not dataclasses: made at import, before the key derivation can begin.)
class _Chunk:
    """Rows read ahead, (id, version, nonce, ct, rowid), with their `<id>|<version>` keys and _digest_sum."""

    __slots__ = ("digests", "keys", "rows")

    def __init__(self, rows: list[tuple[str, int, bytes, bytes, int]], keys: list[bytes], digests: int) -> None:
        self.rows, self.keys, self.digests = rows, keys, digests


class _ReadAhead:
    """The rows read ahead, last chunk first, and those whose id is not text or whose version is
    not an integer (only damage makes those); `complete` when no row after `last_rowid` was left."""

    __slots__ = ("chunks", "complete", "last_rowid", "odd")

    def __init__(
        self,
        chunks: list[_Chunk],
        odd: list[tuple[str, int, bytes, bytes]],  # as SQLite hands them over: whatever the cells hold
        last_rowid: int,
        complete: bool,
    ) -> None:
        self.chunks, self.odd, self.last_rowid, self.complete = chunks, odd, last_rowid, complete


class _RowsAhead:
    """The records read, not opened, on a connection of its own while Argon2id runs.

    Reading every row and hashing each one's id and version for the manifest need
    no key: done during the key derivation (which releases the interpreter), they
    leave a one-record add only the decryption. The rows are one read transaction,
    ended as soon as they are in, so nothing is held against other writers; the
    data version read in it tells later whether any other connection has committed
    since (take_if_current). A file that is not in WAL mode is not read ahead:
    a reader there would stop the open from converting it.
    """

    def __init__(self, path: Path) -> None:
        self._read: _ReadAhead | None = None
        self._version: object = None
        self._conn: sqlite3.Connection | None = None
        self._stop = False  # set by close(): an open that failed need not wait for the rest
        self._thread = threading.Thread(target=self._run, args=(path,), name="pairjournal-read-ahead", daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            self._conn = conn = _connect(path)
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                return
            conn.execute("BEGIN")
            try:
                version = conn.execute("PRAGMA data_version").fetchone()[0]
                # One pass over the file, the odd rows included (snapshot makes two). The rows'
                # `<id>|<version>` keys are made here, not by SQLite: a fifth less work on the
                # core Argon2id shares (Python's str and int are SQLite's text and integer).
                cursor = conn.execute(f"SELECT id, version, nonce, ct, rowid FROM {RECORDS} ORDER BY rowid")
                chunks: list[_Chunk] = []
                odd: list[tuple[str, int, bytes, bytes]] = []
                size, last, complete = 0, 0, True
                while rows := cursor.fetchmany(READ_AHEAD_CHUNK):
                    good = [row for row in rows if type(row[0]) is str and type(row[1]) is int]
                    if len(good) < len(rows):
                        odd += [row[:4] for row in rows if not (type(row[0]) is str and type(row[1]) is int)]
                    keys = [f"{row[0]}|{row[1]}".encode("ascii") for row in good]
                    if good:
                        chunks.append(_Chunk(good, keys, _digest_sum(keys)))
                    last = rows[-1][4]
                    size += sum(len(row[3]) for row in rows if isinstance(row[3], bytes))
                    if size >= READ_AHEAD_BYTES or self._stop:
                        complete = False
                        break
            finally:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("COMMIT")
            chunks.reverse()
            self._read, self._version = _ReadAhead(chunks, odd, last, complete), version
        except Exception:
            # Only a head start: whatever stopped it (damage, such as a text cell that is not
            # UTF-8 or an id that is not ASCII), the add reads the rows itself and names it.
            self._read = None

    def take_if_current(self) -> _ReadAhead | None:
        """The rows, if no other connection has committed since they were read; None otherwise.

        Asked under the write lock, so nothing can commit between this answer and the write."""
        self._thread.join()
        read, self._read = self._read, None
        if read is None or self._conn is None:
            return None
        try:
            now = self._conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error:
            return None
        return read if now == self._version else None

    def close(self) -> None:
        self._stop = True
        self._thread.join()
        self._read = None
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None


def _tighten_mode(path: Path) -> None:
    with contextlib.suppress(OSError):
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, 0o600)


__all__ = [
    "BadRecord",
    "Batch",
    "CheckReport",
    "KdfParams",
    "Manifest",
    "Store",
    "StoredRecord",
    "WrongPassphrase",
    "read_header",
    "secure_folder",
]
