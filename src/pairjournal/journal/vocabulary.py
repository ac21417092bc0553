"""The journal's words and small rules, decided once: the CLI and the interface only render them.

What a kind is called (one and many), when an action is overdue, how a date a
person types is read, what each share scope means. A rule written twice
drifts (docs/ARCHITECTURE.md, "Rules live in the domain"); so each lives here,
below both front ends, and nothing here imports textual or click.
"""

from __future__ import annotations

from datetime import date, timedelta

from pairjournal.errors import UsageError
from pairjournal.model import ActionItem, ActionStatus, Owner, ShareScope, check_date

# Plural headings, in the order lists and search results group kinds.
KIND_LABELS: dict[str, str] = {
    "pair": "Pairs",
    "agreement": "Agreements",
    "session": "Sessions",
    "takeaway": "Takeaways",
    "action": "Actions",
    "progress": "Objective progress",
    "reflection": "Reflections",
    "prompt": "Prompts",
    "partner-item": "Shared by your partner",
    "consent-request": "Your partner's consent requests",
}

# What one of each is called in a sentence ("1 action item", "this progress entry").
KIND_NAMES: dict[str, str] = {
    "pair": "pair",
    "agreement": "agreement",
    "session": "session",
    "takeaway": "takeaway",
    "action": "action item",
    "progress": "progress entry",
    "objective": "objective",
    "reflection": "reflection",
    "prompt": "prompt",
    "disclosure": "disclosure",
    "partner-item": "item your partner shared",
    "consent-request": "consent request from your partner",
}


def kind_label(kind: str) -> str:
    """The plural heading of a kind, e.g. "Actions"."""
    return KIND_LABELS.get(kind, kind.replace("-", " ").capitalize())


def kind_title(kind: str) -> str:
    """The singular name of a kind as a title, e.g. "Action"."""
    label = kind_label(kind)
    return label[:-1] if label.endswith("s") else label


def kind_name(kind: str) -> str:
    """The singular name of a kind in a sentence, e.g. "action item"."""
    return KIND_NAMES.get(kind, kind.replace("-", " "))


def count_of(kind: str, n: int) -> str:
    """ "1 takeaway", "3 action items", "2 progress entries"."""
    name = kind_name(kind)
    if n == 1:
        return f"1 {name}"
    plural = name[:-1] + "ies" if name.endswith("y") and name[-2:-1] not in "aeiou" else name + "s"
    return f"{n} {plural}"


def is_overdue(action: ActionItem, today: date) -> bool:
    """Open, with a due date before today."""
    return action.status is ActionStatus.OPEN and action.due is not None and action.due < today


def owned_by(action: ActionItem, owner: Owner) -> bool:
    """Whether an action is this side's to do: one owned by both is on each side's list."""
    return action.owner is owner or (owner is not Owner.BOTH and action.owner is Owner.BOTH)


SCOPE_HELP: dict[ShareScope, str] = {
    ShareScope.PRIVATE: "Only you will ever see this.",
    ShareScope.PARTNER: "Yours to share with your partner.",
    ShareScope.COORDINATOR: "For the coordinator's summary, once you both agree.",
}

DATE_GRAMMAR = "YYYY-MM-DD, today, tomorrow or +7"


def parse_day(text: str, today: date) -> date | None:
    """A date typed by a person: blank (none), YYYY-MM-DD, today, tomorrow, or +N days.

    Raises UsageError saying what is accepted; the result is within the journal's date range.
    """
    value = text.strip().casefold()
    if not value:
        return None
    if value == "today":
        day = today
    elif value == "tomorrow":
        day = today + timedelta(days=1)
    elif value.startswith("+") and value[1:].isdigit() and len(value) <= 6:
        day = today + timedelta(days=int(value[1:]))
    else:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise UsageError(f"{text.strip()!r} is not a date: use {DATE_GRAMMAR}") from None
    return check_date(day, "the date")


__all__ = [
    "DATE_GRAMMAR",
    "KIND_LABELS",
    "KIND_NAMES",
    "SCOPE_HELP",
    "count_of",
    "is_overdue",
    "kind_label",
    "kind_name",
    "kind_title",
    "owned_by",
    "parse_day",
]
