"""What would leave the journal for each shareable item, and whether consent still covers it.

Consent, mine and my partner's, is recorded against the SHA-256 of an item's
*outbound content*: the representation a coordinator export carries, as
canonical JSON (docs/EXPORT.md, "What consent covers"). An edit that changes it
leaves both consents stale, so the item is "changed since consent" and stays
out of every export until consent is given again. The export gate, every badge
and every listing ask this module, so "consented" means one thing everywhere.

Pure functions over the model: the date a takeaway carries (its session's) is
passed in by the journal, which knows the sessions.
"""

from __future__ import annotations

import hashlib
from datetime import date
from enum import StrEnum
from typing import Any

from msgspec.structs import replace

from pairjournal.canonical import canonical_json
from pairjournal.model import (
    ActionItem,
    Consent,
    Consentable,
    Objective,
    ObjectiveProgress,
    Pair,
    ProgressLevel,
    Recognition,
    ShareScope,
    Takeaway,
)

Item = Takeaway | ActionItem | ObjectiveProgress | Recognition
Disclosable = Item | Objective


class ConsentStatus(StrEnum):
    PRIVATE = "private"
    PARTNER = "partner"
    PENDING = "pending"
    CHANGED = "changed"
    CONSENTED = "consented"
    WITHDRAWN = "withdrawn"


# One wording per status, for every listing, badge and message.
STATUS_LABELS: dict[ConsentStatus, str] = {
    ConsentStatus.PRIVATE: "private",
    ConsentStatus.PARTNER: "partner",
    ConsentStatus.PENDING: "waiting for your partner",
    ConsentStatus.CHANGED: "changed since consent",
    ConsentStatus.CONSENTED: "shared with the coordinator",
    ConsentStatus.WITHDRAWN: "withdrawn",
}

# The short tag beside an item wherever it is listed: who may see it, and what still stands in the way.
BADGES: dict[ConsentStatus, str] = {
    ConsentStatus.PRIVATE: "private",
    ConsentStatus.PARTNER: "partner",
    ConsentStatus.PENDING: "coordinator, waiting for your partner",
    ConsentStatus.CHANGED: "coordinator, changed since consent",
    ConsentStatus.CONSENTED: "coordinator",
    ConsentStatus.WITHDRAWN: "private (withdrawn)",
}

STATUS_EXPLANATIONS: dict[ConsentStatus, str] = {
    ConsentStatus.PRIVATE: "only you see it",
    ConsentStatus.PARTNER: "for your partner; never in a coordinator export",
    ConsentStatus.PENDING: "marked for the coordinator; it leaves once your partner's consent is recorded",
    ConsentStatus.CHANGED: (
        "what would leave changed after consent was given: share it again and record your partner's "
        "consent again, or it stays out of every export"
    ),
    ConsentStatus.CONSENTED: "both of you agreed to share exactly this with the coordinator",
    ConsentStatus.WITHDRAWN: "consent was withdrawn; it is private again",
}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def recipient(pair: Pair) -> dict[str, str]:
    """Whom an item would leave to: its pair, and that pair's coordinator. Part of every
    outbound content, so consent given for one pair and coordinator covers no other:
    an item moved to another pair, or a new coordinator, needs consent again."""
    return {"pair": pair.id, "coordinator": pair.coordinator.strip()}


def takeaway_content(takeaway: Takeaway, on: date, pair: Pair) -> dict[str, Any]:
    """`on`: the date the takeaway belongs to (its session's, or the day it was written)."""
    return {
        "kind": "takeaway",
        **recipient(pair),
        "on": on.isoformat(),
        "text": takeaway.coordinator_text or takeaway.text,
    }


def action_content(action: ActionItem, pair: Pair) -> dict[str, Any]:
    # A coordinator wording stands for the whole item: the private evidence stays home with it.
    return {
        "kind": "action",
        **recipient(pair),
        "created": action.created.date().isoformat(),
        "owner": action.owner.value,
        "due": _iso(action.due),
        "status": action.status.value,
        "completed_on": _iso(action.completed_on),
        "text": action.coordinator_text or action.text,
        "evidence": "" if action.coordinator_text else action.evidence,
    }


# Progress entries from before the stated scale were rated 1 to 5.
_LEGACY_LEVELS = {
    0: ProgressLevel.NOT_STARTED,
    1: ProgressLevel.NOT_STARTED,
    2: ProgressLevel.EMERGING,
    3: ProgressLevel.PROGRESSING,
    4: ProgressLevel.ACHIEVED,
    5: ProgressLevel.ACHIEVED,
}


def progress_level(entry: ObjectiveProgress) -> ProgressLevel:
    """An entry's place on the scale; an entry rated 1 to 5 before the scale is read onto it."""
    if entry.level is not None:
        return entry.level
    return _LEGACY_LEVELS.get(entry.rating, ProgressLevel.ACHIEVED if entry.rating > 5 else ProgressLevel.NOT_STARTED)


def progress_content(entry: ObjectiveProgress, on: date, pair: Pair) -> dict[str, Any]:
    return {
        "kind": "progress",
        **recipient(pair),
        "objective": entry.objective_id,
        "on": on.isoformat(),
        "level": progress_level(entry).value,
        "text": entry.coordinator_text or entry.evidence,
    }


def recognition_content(recognition: Recognition, pair: Pair) -> dict[str, Any]:
    return {
        "kind": "recognition",
        **recipient(pair),
        "on": recognition.created.date().isoformat(),
        "text": recognition.coordinator_text or recognition.text,
    }


def objective_content(objective: Objective, pair: Pair) -> dict[str, Any]:
    return {
        "kind": "objective",
        **recipient(pair),
        "outcome": objective.outcome,
        "evidence": objective.evidence,
        "timebox": _iso(objective.timebox),
    }


def digest(content: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of an outbound content: what a consent records."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


def status_of(item: Consentable, sha256: str) -> ConsentStatus:
    """The one consent rule. `sha256`: the digest of the item's outbound content as it is now."""
    if item.scope is ShareScope.PRIVATE:
        return ConsentStatus.WITHDRAWN if item.withdrawals else ConsentStatus.PRIVATE
    if item.scope is ShareScope.PARTNER:
        return ConsentStatus.PARTNER
    mine, theirs = item.my_consent, item.partner_consent
    if theirs is not None and theirs.receipt is not None and theirs.sha256 != sha256:
        # A receipt the partner signed covers the bytes it names and no others: after an edit the
        # item waits for a new one (pending once my consent is given again), not for a re-recording.
        theirs = None
    if mine is None or mine.sha256 != sha256 or (theirs is not None and theirs.sha256 != sha256):
        return ConsentStatus.CHANGED
    return ConsentStatus.PENDING if theirs is None else ConsentStatus.CONSENTED


class ConsentKind(StrEnum):
    """How the partner's consent to an item was given: signed by them, or recorded by the author."""

    PARTNER_SIGNED = "partner-signed"
    AUTHOR_RECORDED = "author-recorded"


CONSENT_KIND_LABELS: dict[ConsentKind, str] = {
    ConsentKind.PARTNER_SIGNED: "consent signed by the partner",
    ConsentKind.AUTHOR_RECORDED: "consent recorded by the author",
}


def consent_kind(item: Consentable) -> ConsentKind | None:
    """Which kind the partner's consent is (None when there is none)."""
    if item.partner_consent is None:
        return None
    return ConsentKind.PARTNER_SIGNED if item.partner_consent.receipt is not None else ConsentKind.AUTHOR_RECORDED


def bound(consent: Consent, sha256: str) -> Consent:
    """The same consent, recorded for the content with digest sha256."""
    return replace(consent, sha256=sha256)


__all__ = [
    "BADGES",
    "CONSENT_KIND_LABELS",
    "STATUS_EXPLANATIONS",
    "STATUS_LABELS",
    "ConsentKind",
    "ConsentStatus",
    "Disclosable",
    "Item",
    "action_content",
    "bound",
    "consent_kind",
    "digest",
    "objective_content",
    "progress_content",
    "progress_level",
    "recognition_content",
    "status_of",
    "takeaway_content",
]
