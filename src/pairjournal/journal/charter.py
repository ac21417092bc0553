"""The agreement as text: its parts in reading order, and what changed between two versions.

Both partners acknowledge a version after seeing what changed since the one
before; the CLI's `agreement diff` and the interface's diff view show the same
lines from here.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date

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


__all__ = ["TEXT_FIELDS", "DiffLine", "agreement_lines", "changed", "diff"]
