"""The disclosure log: every export, hash-chained so an edited or removed entry shows.

Each Disclosure carries a sequence number, the hash of the entry before it and
its own hash: SHA-256 of the canonical JSON of every field but ``hash``. The
signing key record keeps the newest sequence number and hash (the head), so
removing the newest entry is detected too. Entries are sealed records like
everything else; the chain is what makes a change through the journal's own
API (an edit, a deletion) visible.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from pairjournal.journal.service import Journal
from pairjournal.model import DisclosedItem, Disclosure, now
from pairjournal.sharing.signing import canonical_json, current_key, ensure_key, fingerprint_of, public_bytes

GENESIS = "0" * 64


def _plain(value: Any) -> Any:
    """JSON-ready values spelled here, not by the storage codec, so hashes never move with it."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def entry_hash(entry: Disclosure) -> str:
    """SHA-256 of the canonical JSON of every field but ``hash`` (dates in ISO 8601)."""
    data = _plain(entry)
    data.pop("hash", None)
    return hashlib.sha256(canonical_json(data)).hexdigest()


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
) -> Disclosure:
    """Adds one entry at the head of the log, in one transaction with the new head."""
    with journal.batch():
        key = ensure_key(journal)
        entry = Disclosure(
            seq=key.log_seq + 1,
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
            signer=fingerprint_of(public_bytes(key)),
            prev_hash=key.log_head or GENESIS,
        )
        entry.hash = entry_hash(entry)
        journal.save(entry)
        key.log_seq, key.log_head = entry.seq, entry.hash
        journal.save(key)
    return entry


def entries(journal: Journal) -> list[Disclosure]:
    """The log, newest first."""
    return sorted(journal.all(Disclosure), key=lambda d: (d.when, d.seq), reverse=True)


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


def verify_chain(journal: Journal) -> ChainReport:
    """Walks each signer's chain in sequence order and reports every break."""
    report = ChainReport()
    chains: dict[str, list[Disclosure]] = {}
    for entry in journal.all(Disclosure):
        chains.setdefault(entry.signer, []).append(entry)
    key = current_key(journal)
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
                report.problems.append(f"the newest {gone} entr{'y is' if gone == 1 else 'ies are'} missing from the log")
            elif last is not None and (key.log_seq < last_seq or key.log_head != last.hash):
                report.broken.setdefault(last.id, []).append("it is not the entry the log recorded as its newest")
    return report


__all__ = ["GENESIS", "ChainReport", "append", "entries", "entry_hash", "verify_chain"]
