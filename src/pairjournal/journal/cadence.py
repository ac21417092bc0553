"""Cadence arithmetic: when the next session is due and how many were expected."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

from pairjournal.model import Cadence, Pause

_DAYS = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14}


def add_interval(day: date, cadence: Cadence, count: int = 1) -> date:
    """`count` intervals after `day`; date.max for one past the end of the calendar.

    The journal refuses dates outside model.MIN_DATE..MAX_DATE, but a journal written
    before that rule may hold a session in 9999: its next due date is then "never",
    not an error on every listing.
    """
    try:
        if cadence in _DAYS:
            return day + timedelta(days=_DAYS[cadence] * count)
        month_index = day.month - 1 + count
        year, month = day.year + month_index // 12, month_index % 12 + 1
        return date(year, month, min(day.day, monthrange(year, month)[1]))
    except (OverflowError, ValueError):
        return date.max


def next_due(cadence: Cadence, last_session: date | None, start: date) -> date:
    """The next session is one interval after the last, or the pair's start if none yet."""
    if last_session is None:
        return start
    return add_interval(last_session, cadence)


def scheduled_between(cadence: Cadence, anchor: date, first: date, last: date) -> int:
    """How many of the schedule's due dates (anchor, one interval on, two, ...) fall in first..last.

    The schedule is what "expected" counts: a pair that starts today has one session due
    today, so a period that holds a due date expects that session, however short it is.
    """
    first = max(first, anchor)
    if last < first:
        return 0
    if cadence in _DAYS:
        step = _DAYS[cadence]
        k_first = -(-(first - anchor).days // step)  # the first due date on or after `first`
        k_last = (last - anchor).days // step
        return max(0, k_last - k_first + 1)
    # Monthly: months from the anchor, each clipped to the month's last day.
    k = max(0, (first.year - anchor.year) * 12 + first.month - anchor.month - 1)
    count = 0
    while True:
        due = add_interval(anchor, cadence, k)
        if due > last or due == date.max:
            return count
        if due >= first:
            count += 1
        k += 1


def expected_between(cadence: Cadence, first: date, last: date, pauses: list[Pause] | None = None,
                     anchor: date | None = None) -> int:
    """Sessions due in first..last by the schedule that starts at `anchor` (the pair's start;
    `first` when None), less those due while the pair was paused: a pair that agreed to
    pause is not behind for the weeks it paused."""
    anchor = anchor or first
    expected = scheduled_between(cadence, anchor, first, last)
    for pause in pauses or ():
        start = max(first, pause.start)
        end = min(last, pause.end or last)
        if start <= end:
            expected -= scheduled_between(cadence, anchor, start, end)
    return max(0, expected)


def paused_on(pauses: list[Pause], day: date) -> bool:
    return any(p.start <= day and (p.end is None or day <= p.end) for p in pauses)


def quarter_bounds(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = add_interval(start, Cadence.MONTHLY, 3) - timedelta(days=1)
    return start, end
