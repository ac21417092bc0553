"""The disclosure log: every export, hash-chained so an edited or removed entry shows.

Each Disclosure carries a sequence number, the hash of the entry before it and
its own hash: SHA-256 of the canonical JSON of every field of its version but
``hash``. The signing key record keeps the newest sequence number and hash (the
head), so removing the newest entry is detected too. Entries are sealed records
like everything else; the chain is what makes a change through the journal's
own API (an edit, a deletion, an edited backup) visible.

From log version 2 an entry is written once its outcome is known: "delivered"
after the file was completely written and synced (or standard output took every
byte), "failed" with the reason otherwise, and it seals the exact text of every
item that left. Every export also carries, in its signed part, the sequence
number it is logged under and the head it follows, so a coordinator holding two
exports of one journal can tell a log that went backwards.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

import msgspec
from msgspec.structs import replace

from pairjournal.canonical import canonical_json
from pairjournal.errors import PairjournalError
from pairjournal.journal.service import Journal
from pairjournal.model import DeliveryStatus, DisclosedItem, Disclosure, SigningKey, now
from pairjournal.sharing.signing import current_key, ensure_key, fingerprint_of, public_bytes

GENESIS = "0" * 64
LOG_VERSION = 2
# The fields each log version hashes; a later version's additions stay out of an older entry's hash.
_V1_ENTRY = {"seq", "when", "recipient", "pair_id", "period_from", "period_to", "format", "pseudonymized", "items",
             "file_sha256", "file_name", "signer", "prev_hash", "id"}
_V1_ITEM = {"kind", "id", "sha256"}


class LogMoved(PairjournalError):
    """Another export was logged after this one was prepared: the file's log position is stale."""

    exit_code = 8


def _plain(value: Any) -> Any:
    """JSON-ready values spelled here, not by the storage codec, so hashes never move with it."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, msgspec.Struct):
        return {name: _plain(getattr(value, name)) for name in value.__struct_fields__}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def entry_hash(entry: Disclosure) -> str:
    """SHA-256 of the canonical JSON of every field of the entry's version but ``hash`` (dates in ISO 8601)."""
    data = _plain(entry)
    data.pop("hash", None)
    if entry.version < 2:
        data = {k: v for k, v in data.items() if k in _V1_ENTRY}
        data["items"] = [{k: v for k, v in item.items() if k in _V1_ITEM} for item in data["items"]]
    return hashlib.sha256(canonical_json(data)).hexdigest()


def entry_id(signer: str, seq: int) -> str:
    """A log entry's record id: fixed by its signer and number, so the chain (which hashes
    the id) is the same however often the same exports are made, and two entries can
    never claim one place in one signer's log unseen."""
    return hashlib.sha256(f"pairjournal disclosure|{signer}|{seq}".encode()).hexdigest()[:32]


def next_seq(journal: Journal) -> int:
    """The sequence number the next entry will get; makes no key (a read-only journal may ask)."""
    key = current_key(journal)
    return key.log_seq + 1 if key is not None else 1


def position(journal: Journal) -> tuple[int, str]:
    """(the sequence number the next entry gets, the head it will follow)."""
    key = ensure_key(journal)
    return key.log_seq + 1, key.log_head or GENESIS


def append(
    journal: Journal,
    *,
    recipient: str,
    pair_id: str,
    period: tuple[Any, Any],
    fmt: str,
    items: list[DisclosedItem],
    file_sha256: str,
    file_name: str,
    pseudonymized: bool,
    when: datetime | None = None,
    expect_seq: int | None = None,
    status: DeliveryStatus = DeliveryStatus.DELIVERED,
    failure: str = "",
) -> Disclosure:
    """Adds one entry at the head of the log, in one transaction with the new head.

    With expect_seq, refuses (LogMoved) unless the entry gets that sequence number:
    the number the exported file already carries.
    """
    with journal.batch():
        key = ensure_key(journal)
        seq = key.log_seq + 1
        if expect_seq is not None and seq != expect_seq and status is DeliveryStatus.DELIVERED:
            raise LogMoved("another export was logged after this one was prepared; prepare it again")
        signer = fingerprint_of(public_bytes(key))
        entry = Disclosure(
            id=entry_id(signer, seq),
            seq=seq,
            when=when or now(),
            recipient=recipient,
            pair_id=pair_id,
            period_from=period[0],
            period_to=period[1],
            format=fmt,
            pseudonymized=pseudonymized,
            items=list(items),
            file_sha256=file_sha256,
            file_name=file_name,
            signer=signer,
            prev_hash=key.log_head or GENESIS,
            version=LOG_VERSION,
            status=status,
            failure=failure,
        )
        entry.hash = entry_hash(entry)
        journal.save(entry)
        # A copy, not the key in place: if the transaction rolls back, the journal's
        # key (and the head it records) must be the one still on disk.
        journal.save(replace(key, log_seq=entry.seq, log_head=entry.hash))
    return entry


def entries(journal: Journal) -> list[Disclosure]:
    """The log, newest first."""
    return sorted(journal.all(Disclosure), key=lambda d: (d.when, d.seq), reverse=True)


def by_seq(journal: Journal, seq: int) -> Disclosure | None:
    return next((d for d in journal.all(Disclosure) if d.seq == seq), None)


def carrying(journal: Journal, item_id: str) -> list[Disclosure]:
    """The delivered exports that carried an item, newest first: what deleting or withdrawing it cannot undo."""
    return [
        d for d in entries(journal)
        if d.status == DeliveryStatus.DELIVERED and any(i.id == item_id for i in d.items)
    ]


def item_texts(entry: Disclosure) -> list[tuple[DisclosedItem, dict[str, Any] | None]]:
    """Each item of an entry with the exact text that left (None for entries from before log version 2)."""
    out: list[tuple[DisclosedItem, dict[str, Any] | None]] = []
    for item in entry.items:
        try:
            data = json.loads(item.entry) if item.entry else None
        except (ValueError, RecursionError):  # written by something other than pairjournal
            data = None
        out.append((item, data if isinstance(data, dict) else None))
    return out


@dataclass
class ChainReport:
    """What walking the chain found: a reason list per broken entry, and log-wide problems."""

    broken: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.broken and not self.problems

    def status(self, entry: Disclosure) -> str:
        return "BROKEN" if entry.id in self.broken else "OK"

    def lines(self) -> list[str]:
        out = [f"entry {eid[:8]}: {'; '.join(reasons)}" for eid, reasons in self.broken.items()]
        return out + self.problems


def check_entries(log: Iterable[Disclosure], key: SigningKey | None) -> ChainReport:
    """Walks each signer's chain in sequence order and reports every break; `key` holds the head."""
    report = ChainReport()
    chains: dict[str, list[Disclosure]] = {}
    for entry in log:
        chains.setdefault(entry.signer, []).append(entry)
    own = fingerprint_of(public_bytes(key)) if key else None
    if own is not None:
        chains.setdefault(own, [])

    for signer, chain in chains.items():
        chain.sort(key=lambda d: (d.seq, d.when))
        expected, prev = 1, GENESIS
        for entry in chain:
            report.checked += 1
            reasons: list[str] = []
            if entry.hash != entry_hash(entry):
                reasons.append("the entry was changed after it was logged")
            if entry.seq > expected:
                missing = f"entry {expected}" if entry.seq == expected + 1 else f"entries {expected}-{entry.seq - 1}"
                reasons.append(f"{missing} of the log are missing")
            elif entry.seq < expected:
                reasons.append(f"sequence number {entry.seq} appears twice")
            elif entry.prev_hash != prev:
                reasons.append("it does not follow the entry before it (the chain is broken)")
            if reasons:
                report.broken[entry.id] = reasons
            expected, prev = max(expected, entry.seq + 1), entry.hash
        if signer == own and key is not None:
            last = chain[-1] if chain else None
            last_seq = last.seq if last else 0
            if key.log_seq > last_seq:
                gone = key.log_seq - last_seq
                entries_are = "entry is" if gone == 1 else "entries are"
                report.problems.append(f"the newest {gone} {entries_are} missing from the log")
            elif last is not None and (key.log_seq < last_seq or key.log_head != last.hash):
                report.broken.setdefault(last.id, []).append("it is not the entry the log recorded as its newest")
    return report


def verify_chain(journal: Journal) -> ChainReport:
    return check_entries(journal.all(Disclosure), current_key(journal))


__all__ = [
    "GENESIS",
    "LOG_VERSION",
    "ChainReport",
    "LogMoved",
    "append",
    "by_seq",
    "carrying",
    "check_entries",
    "entries",
    "entry_hash",
    "item_texts",
    "next_seq",
    "position",
    "verify_chain",
]
