"""The agreement as text: its parts in reading order, and what changed between two versions.

Both partners acknowledge a version after seeing what changed since the one
before; the CLI's `agreement diff` and the interface's diff view show the same
lines from here.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from pairjournal.canonical import canonical_json
from pairjournal.model import Agreement

NONE = "—"

# The free-text parts of an agreement, in reading order: (field name, label, hint for a blank one).
TEXT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("confidentiality", "Confidentiality", "What stays between us, and what may be shared with whom."),
    ("scope", "Scope", "What we will and will not cover, so neither of us carries more than agreed."),
    ("scheduling", "Scheduling", "When we meet and how we move a session: days, times, notice."),
    ("feedback_norms", "Feedback norms", "How we give and take feedback across the gap in seniority."),
    ("repair_routine", "Repair routine", "After a misstep: pause, name the impact, share intent, recommit."),
)


def _day(day: date | None) -> str:
    return day.isoformat() if day else NONE


def agreement_lines(agreement: Agreement, *, with_acks: bool = True) -> list[str]:
    """A plain-text rendering of one version: what a diff compares, line by line."""
    lines: list[str] = []

    def put(label: str, value: str) -> None:
        first, *rest = (value.strip() or NONE).splitlines() or [NONE]
        lines.append(f"{label}: {first}")
        lines.extend(f"    {line}" for line in rest)

    put("Cadence", agreement.cadence.value)
    put("Session length", f"{agreement.minutes} minutes")
    if not agreement.objectives:
        lines.append("Objectives: none")
    for number, objective in enumerate(agreement.objectives, 1):
        put(f"Objective {number}", objective.outcome)
        put(f"  Evidence {number}", objective.evidence)
        put(f"  Timebox {number}", _day(objective.timebox))
    for name, label, _ in TEXT_FIELDS:
        put(label, getattr(agreement, name))
    put("Review date", _day(agreement.review_date))
    if with_acks:
        put("My acknowledgement", _day(agreement.my_ack))
        put("Partner acknowledgement", _day(agreement.partner_ack))
    return lines


@dataclass(frozen=True)
class DiffLine:
    mark: str  # "+" added, "-" removed, " " the same
    text: str


def diff(old: Agreement | None, new: Agreement) -> list[DiffLine]:
    """Every line of both versions, marked as removed, added or unchanged (old None: all added)."""
    before = agreement_lines(old, with_acks=False) if old is not None else []
    after = agreement_lines(new, with_acks=False)
    found: list[DiffLine] = []
    for line in difflib.unified_diff(before, after, lineterm="", n=max(len(before), len(after))):
        if line.startswith(("---", "+++", "@@")):
            continue
        found.append(DiffLine(mark=line[:1], text=line[1:]))
    return found


def changed(lines: list[DiffLine]) -> bool:
    return any(line.mark in "+-" for line in lines)


def agreement_terms(agreement: Agreement) -> dict[str, Any]:
    """What both partners acknowledge of a version: its terms, the same in both journals.

    No ids of either journal's pair, no version number (each journal numbers its own
    history), no acknowledgements and no sharing state: only what the charter says.
    docs/EXCHANGE.md, "Agreement acknowledgements", gives the same list.
    """
    return {
        "objectives": [
            {"id": o.id, "outcome": o.outcome, "evidence": o.evidence,
             "timebox": o.timebox.isoformat() if o.timebox else None}
            for o in agreement.objectives
        ],
        "cadence": agreement.cadence.value,
        "minutes": agreement.minutes,
        **{name: getattr(agreement, name) for name, _, _ in TEXT_FIELDS},
        "review_date": agreement.review_date.isoformat() if agreement.review_date else None,
    }


def agreement_hash(agreement: Agreement) -> str:
    """SHA-256 (hex) of the canonical JSON of a version's terms: what an acknowledgement signs."""
    return hashlib.sha256(canonical_json(agreement_terms(agreement))).hexdigest()


def signed_by_both(agreement: Agreement | None) -> bool:
    return agreement is not None and bool(agreement.my_signature) and bool(agreement.partner_signature)


__all__ = ["TEXT_FIELDS", "DiffLine", "agreement_hash", "agreement_lines", "agreement_terms", "changed", "diff",
           "signed_by_both"]
