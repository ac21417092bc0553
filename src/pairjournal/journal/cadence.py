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


def expected_sessions(cadence: Cadence, first: date, last: date) -> int:
    """Whole cadence intervals in the inclusive period first..last.

    Biweekly over 12 weeks (84 days) is 6; monthly from 1 Jan to 31 Mar is 3.
    """
    if last < first:
        return 0
    days = (last - first).days + 1
    if cadence in _DAYS:
        return days // _DAYS[cadence]
    count = 0
    while add_interval(first, cadence, count + 1) <= last + timedelta(days=1):
        count += 1
    return count


def expected_between(cadence: Cadence, first: date, last: date, pauses: list[Pause] | None = None) -> int:
    """expected_sessions over first..last, less what the pair's pauses would have expected:
    a pair that agreed to pause is not behind for the weeks it paused."""
    expected = expected_sessions(cadence, first, last)
    for pause in pauses or ():
        start = max(first, pause.start)
        end = min(last, pause.end or last)
        if start <= end:
            expected -= expected_sessions(cadence, start, end)
    return max(0, expected)


def paused_on(pauses: list[Pause], day: date) -> bool:
    return any(p.start <= day and (p.end is None or day <= p.end) for p in pauses)


def quarter_bounds(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = add_interval(start, Cadence.MONTHLY, 3) - timedelta(days=1)
    return start, end
