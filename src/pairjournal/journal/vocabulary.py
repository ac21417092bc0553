"""The journal's words and small rules, decided once: the CLI and the interface only render them.

What a kind is called (one and many), when an action is overdue, how a date a
person types is read, what each share scope means. A rule written twice
drifts (docs/ARCHITECTURE.md, "Rules live in the domain"); so each lives here,
below both front ends, and nothing here imports textual or click.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from pairjournal.errors import UsageError
from pairjournal.model import (
    ActionItem,
    ActionStatus,
    DateOutOfRange,
    Owner,
    ShareScope,
    check_date,
    date_range_text,
)

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

# The date a person types, wherever one is typed (the interface's date fields; the CLI keeps ISO).
# Decided once, here, and said in DATE_GRAMMAR:
# - a weekday name means its next occurrence, today included: "fri" typed on a Friday is today,
#   the least surprising reading for a due date ("by Friday");
# - "next week" is the Monday of next week (the calendar week after this one), not today + 7:
#   a due date "next week" is met at its start, and +7d or +1w say the other thing;
# - +N, +Nd and +Nw count days or weeks from today.
DATE_GRAMMAR = (
    "YYYY-MM-DD, today, tomorrow, yesterday, a weekday (mon…sun: the next one, today included), "
    "next week (its Monday), +3d or +2w"
)
# Short enough for a placeholder in a narrow field.
DATE_EXAMPLES = "YYYY-MM-DD, fri, +3d"

WEEKDAYS: tuple[tuple[str, ...], ...] = (
    ("mon", "monday"),
    ("tue", "tues", "tuesday"),
    ("wed", "wednesday"),
    ("thu", "thur", "thurs", "thursday"),
    ("fri", "friday"),
    ("sat", "saturday"),
    ("sun", "sunday"),
)
_WEEKDAY_OF = {name: number for number, names in enumerate(WEEKDAYS) for name in names}
_NAMED_OFFSETS = {"today": 0, "tomorrow": 1, "yesterday": -1}
# +N, +Nd, +Nw: at most five digits, far past any date the journal keeps (a clear error, not a hang).
_RELATIVE = re.compile(r"\+(\d{1,5})([dw]?)")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _offset(text: str, today: date) -> int | None:
    """Days from today that ``text`` (already folded) names, or None when it names no relative day."""
    if text in _NAMED_OFFSETS:
        return _NAMED_OFFSETS[text]
    if text in _WEEKDAY_OF:
        return (_WEEKDAY_OF[text] - today.weekday()) % 7
    if text == "next week":
        return 7 - today.weekday()
    relative = _RELATIVE.fullmatch(text)
    if relative is not None:
        number, unit = int(relative.group(1)), relative.group(2)
        return number * 7 if unit == "w" else number
    return None


def parse_day(text: str, today: date) -> date | None:
    """A date typed by a person (DATE_GRAMMAR), relative to ``today``; blank means none.

    Case and surrounding space do not matter, and "next   week" is "next week".
    Raises UsageError saying what is accepted; the result is within the journal's date range.
    """
    value = " ".join(text.split()).casefold()
    if not value:
        return None
    offset = _offset(value, today)
    if offset is not None:
        try:
            day = today + timedelta(days=offset)
        except OverflowError:
            # Past year 9999 (or before year 1): no calendar date at all, let alone one the journal keeps.
            raise DateOutOfRange(
                f"{text.strip()!r} falls outside the dates pairjournal keeps ({date_range_text()})"
            ) from None
    elif _ISO.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise UsageError(f"{text.strip()!r} is not a date: the calendar has no such day") from None
    else:
        raise UsageError(f"{text.strip()!r} is not a date: use {DATE_GRAMMAR}")
    return check_date(day, "the date")


__all__ = [
    "DATE_EXAMPLES",
    "DATE_GRAMMAR",
    "KIND_LABELS",
    "KIND_NAMES",
    "SCOPE_HELP",
    "WEEKDAYS",
    "count_of",
    "is_overdue",
    "kind_label",
    "kind_name",
    "kind_title",
    "owned_by",
    "parse_day",
]
