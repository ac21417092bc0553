"""Reading a program's files: each one verified with `verify`'s own code, then read for its numbers.

A file is **accepted** when its signature holds (format binding and file name
included), every consent receipt holds for the exported bytes, the author's key
and every receipt's key are on the roster, and it is a JSON export of version 2
(the one format whose numbers a machine reads without guessing). Anything else
is **refused**, with one reason a coordinator can act on, except a Markdown or
HTML export whose signature and receipts hold: it is genuine, only its numbers
cannot be read, so it is set apart as **verified, not counted** (`Uncountable`),
never listed beside tampered files.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pairjournal.boundedio import VERIFY_LIMIT, read_bounded
from pairjournal.errors import PairjournalError
from pairjournal.program.roster import Participant, Roster
from pairjournal.sharing import receipts, signing

# Why a file was refused: a code a script can test, beside a sentence a person reads.
UNKNOWN_KEY = "unknown-key"
TAMPERED = "tampered"
FORGED_RECEIPT = "forged-receipt"
NOT_AN_EXPORT = "not-an-export"
LOG_BACKWARDS = "disclosure-log-backwards"
DUPLICATE = "duplicate"
PARTNER_DISOWNS = "partner-disowns"
UNREADABLE = "unreadable"
CODES = (UNKNOWN_KEY, TAMPERED, FORGED_RECEIPT, NOT_AN_EXPORT, LOG_BACKWARDS, DUPLICATE, PARTNER_DISOWNS, UNREADABLE)

LEVELS = ("not-started", "emerging", "progressing", "achieved")


def latest(a: tuple[str, str] | None, b: tuple[str, str] | None) -> tuple[str, str] | None:
    """Of two (day, level) ratings of one objective, the later day's; on one day, the higher on the scale (by
    position in LEVELS, never by the level's name: "achieved" would sort first)."""
    rated = [r for r in (a, b) if r is not None]
    return max(rated, key=lambda r: (r[0], LEVELS.index(r[1]))) if rated else None


@dataclass(frozen=True)
class Refused:
    file: str
    code: str
    reason: str


@dataclass(frozen=True)
class Uncountable:
    """A genuine export (signature, receipts and keys all hold) in a format whose numbers are not read."""

    file: str
    format: str  # md or html
    author: str
    reason: str


@dataclass(frozen=True)
class SharedText:
    kind: str  # takeaway or recognition
    on: str
    text: str
    consent: str  # "partner" or "author"


@dataclass
class Export:
    """The facts the report takes from one accepted export (all of them signed by its author)."""

    file: str
    sha256: str
    author: Participant
    partner_fingerprint: str | None
    period_from: date
    period_to: date
    generated: datetime
    seq: int
    pair_ref: str
    pair_partner: str
    pseudonymized: bool
    held: int
    expected: int
    cadence: str
    actions_created: int
    actions_done: int
    actions_overdue: int
    agreement_signed: str | None  # the sha256 of the version both signed
    objectives: dict[str, tuple[str, str] | None] = field(default_factory=dict)  # id -> (on, level) of latest
    texts: list[SharedText] = field(default_factory=list)
    items_partner_signed: int = 0
    items_author_recorded: int = 0


class Unreadable(PairjournalError):
    """A signed export whose payload is not what version 2 writes (possible only for its own author)."""


def _int(value: Any, what: str) -> int:
    if type(value) is not int or value < 0:
        raise Unreadable(f"its {what} is not a count")
    return value


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise Unreadable(f"its {what} is not text")
    return value


def _day(value: Any, what: str) -> date:
    try:
        return date.fromisoformat(_str(value, what))
    except ValueError:
        raise Unreadable(f"its {what} is not a date") from None


def _read(payload: dict[str, Any], file: str, digest: str, author: Participant,
          consent: receipts.ConsentReport) -> Export:
    try:
        period, pair, sessions, actions = payload["period"], payload["pair"], payload["sessions"], payload["actions"]
        generated = datetime.fromisoformat(_str(payload["generated"], "date of making"))
        partner_key = pair["partner_key"]
        signed = payload["agreement"]["signed_by_both"]
        found = Export(
            file=file,
            sha256=digest,
            author=author,
            partner_fingerprint=_str(partner_key["fingerprint"], "partner key") if partner_key else None,
            period_from=_day(period["from"], "period"),
            period_to=_day(period["to"], "period"),
            generated=generated,
            seq=_int(payload["disclosure"]["seq"], "disclosure number"),
            pair_ref=_str(pair["ref"], "pair"),
            pair_partner=_str(pair["partner"], "partner"),
            pseudonymized=payload["pseudonymized"] is True,
            held=_int(sessions["held"], "sessions held"),
            expected=_int(sessions["expected"], "sessions expected"),
            cadence=_str(sessions["cadence"], "cadence"),
            actions_created=_int(actions["created"], "actions created"),
            actions_done=_int(actions["done"], "actions done"),
            actions_overdue=_int(actions["overdue"], "actions overdue"),
            agreement_signed=_str(signed["sha256"], "agreement hash") if signed else None,
        )
        for objective in payload["objectives"]:
            newest: tuple[str, str] | None = None
            for entry in objective["progress"]:
                rated = (_str(entry["on"], "progress date"), _str(entry["level"], "progress level"))
                if rated[1] not in LEVELS:
                    raise Unreadable("a progress level is not one pairjournal rates on")
                newest = latest(newest, rated)
            found.objectives[_str(objective["id"], "objective id")] = newest
        for kind, member in (("takeaway", "takeaways"), ("recognition", "recognitions")):
            for entry in payload[member]:
                by = "partner" if (entry["consent"] or {}).get("by") == "partner" else "author"
                found.texts.append(SharedText(kind, _str(entry["on"], "date"), _str(entry["text"], "text"), by))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        if isinstance(exc, Unreadable):
            raise
        raise Unreadable("its payload is not laid out as an export of version 2") from None
    found.items_partner_signed = sum(line.by == "partner" for line in consent.lines)
    found.items_author_recorded = sum(line.by == "author" for line in consent.lines)
    return found


def read_one(path: Path, shown: str, roster: Roster) -> Export | Refused | Uncountable:
    """One file, checked as `pairjournal verify --expect` would with every roster key expected."""
    try:
        data = read_bounded(path, VERIFY_LIMIT, "export")
    except PairjournalError as exc:
        return Refused(shown, UNREADABLE, f"cannot be read: {exc}")
    except OSError as exc:
        return Refused(shown, UNREADABLE, f"cannot be read: {exc.strerror or exc.__class__.__name__}")
    try:
        found = signing.verify_bytes(data, path.name)
        consent = receipts.consent_of(data, found)
    except receipts.BadReceipt as exc:
        return Refused(shown, FORGED_RECEIPT, f"forged or misplaced consent receipt: {exc}")
    except signing.BadSignature as exc:
        return Refused(shown, TAMPERED, f"tampered: {exc}")
    except signing.NotAnExport:
        return Refused(shown, NOT_AN_EXPORT, "not a signed pairjournal export")
    author = roster.find(found.fingerprint)
    if author is None:
        return Refused(shown, UNKNOWN_KEY, f"unknown key: signed by {found.fingerprint}, which is not on the roster")
    if consent is None:
        return Refused(shown, NOT_AN_EXPORT, "an export of version 1: the report reads version 2 exports only")
    for key in sorted(consent.partner_keys):
        if roster.find(key) is None:
            return Refused(shown, UNKNOWN_KEY,
                           f"unknown key: its consent receipts are signed by {key}, which is not on the roster")
    if found.format != "json":
        article = "an" if found.format == "html" else "a"
        return Uncountable(shown, found.format, author.name,
                           f"{article} {found.format_name} export by {author.name}, genuine, but its numbers cannot "
                           "be read: "
                           "ask them for the JSON export (`pairjournal export --format json`)")
    try:
        return _read(json.loads(data.decode("utf-8"))["payload"], shown, hashlib.sha256(data).hexdigest(), author,
                     consent)
    except Unreadable as exc:
        return Refused(shown, NOT_AN_EXPORT, f"signed by {author.name}, but not readable: {exc}")


__all__ = ["CODES", "LEVELS", "Export", "Refused", "SharedText", "Uncountable", "latest", "read_one"]
