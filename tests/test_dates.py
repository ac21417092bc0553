"""The date a person types (vocabulary.parse_day): the grammar, its decisions, its edges, and properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairjournal.errors import UsageError
from pairjournal.journal.vocabulary import DATE_GRAMMAR, WEEKDAYS, parse_day
from pairjournal.model import MAX_DATE, MIN_DATE, DateOutOfRange

FRIDAY = date(2026, 3, 13)
KEPT = st.dates(min_value=MIN_DATE, max_value=MAX_DATE)


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("", None),
        ("   ", None),
        ("today", FRIDAY),
        ("  TODAY ", FRIDAY),
        ("tomorrow", date(2026, 3, 14)),
        ("yesterday", date(2026, 3, 12)),
        # A weekday is its next occurrence, today included: "fri" on a Friday is today.
        ("fri", FRIDAY),
        ("Friday", FRIDAY),
        ("sat", date(2026, 3, 14)),
        ("thu", date(2026, 3, 19)),
        ("thursday", date(2026, 3, 19)),
        ("mon", date(2026, 3, 16)),
        # "next week" is the Monday of next week.
        ("next week", date(2026, 3, 16)),
        ("Next   Week", date(2026, 3, 16)),
        ("+3d", date(2026, 3, 16)),
        ("+3D", date(2026, 3, 16)),
        ("+2w", date(2026, 3, 27)),
        ("+7", date(2026, 3, 20)),
        ("+0d", FRIDAY),
        ("2026-02-28", date(2026, 2, 28)),
    ],
)
def test_what_a_person_may_type(typed: str, expected: date | None) -> None:
    assert parse_day(typed, FRIDAY) == expected


def test_next_week_from_a_monday_and_a_sunday() -> None:
    monday, sunday = date(2026, 3, 9), date(2026, 3, 15)
    assert parse_day("next week", monday) == date(2026, 3, 16)
    assert parse_day("next week", sunday) == date(2026, 3, 16)


@pytest.mark.parametrize("typed", ["next month", "fri next", "+3x", "3d", "+-3d", "2026-3-5", "20260305", "2026-W10-1",
                                   "+123456", "someday", "mo"])
def test_anything_else_says_what_is_accepted(typed: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_day(typed, FRIDAY)
    assert str(caught.value) == f"{typed!r} is not a date: use {DATE_GRAMMAR}"


def test_a_day_the_calendar_lacks() -> None:
    with pytest.raises(UsageError, match="not a date: the calendar has no such day"):
        parse_day("2026-02-30", FRIDAY)


@pytest.mark.parametrize(
    "typed,today",
    [
        ("+3d", date(9999, 12, 30)),
        ("+99999w", date(9999, 12, 30)),
        ("next week", date(9999, 12, 31)),
        ("sun", date(9999, 12, 31)),
        ("tomorrow", date(9999, 12, 31)),
        ("yesterday", date(1, 1, 1)),
        ("+99999w", FRIDAY),
        ("9999-12-31", FRIDAY),
        ("0001-01-01", FRIDAY),
    ],
)
def test_the_ends_of_the_calendar_are_a_clear_error(typed: str, today: date) -> None:
    with pytest.raises(DateOutOfRange) as caught:
        parse_day(typed, today)
    assert "outside the dates pairjournal keeps (1900-01-01 to 2199-12-31)" in str(caught.value)


def test_the_grammar_names_every_form() -> None:
    for word in ("YYYY-MM-DD", "today", "tomorrow", "yesterday", "mon…sun", "today included", "next week",
                 "Monday", "+3d", "+2w"):
        assert word in DATE_GRAMMAR


# -- properties -------------------------------------------------------------------------------------


@given(day=KEPT, today=KEPT, pad=st.sampled_from(["", " ", "\t", "  "]))
def test_any_iso_date_round_trips(day: date, today: date, pad: str) -> None:
    assert parse_day(f"{pad}{day.isoformat()}{pad}", today) == day


@given(today=KEPT, days=st.integers(min_value=0, max_value=99999), unit=st.sampled_from(["", "d", "D"]))
def test_plus_n_days_is_today_plus_n(today: date, days: int, unit: str) -> None:
    try:
        expected: date | None = today + timedelta(days=days)
    except OverflowError:
        expected = None
    if expected is not None and expected <= MAX_DATE:
        assert parse_day(f"+{days}{unit}", today) == expected
    else:
        with pytest.raises(DateOutOfRange):
            parse_day(f"+{days}{unit}", today)


@given(today=KEPT, weeks=st.integers(min_value=0, max_value=400))
def test_plus_n_weeks_is_seven_days_each(today: date, weeks: int) -> None:
    expected = today + timedelta(weeks=weeks)
    if expected <= MAX_DATE:
        assert parse_day(f"+{weeks}w", today) == expected


@given(today=st.dates(min_value=MIN_DATE, max_value=MAX_DATE - timedelta(days=7)),
       weekday=st.integers(min_value=0, max_value=6), data=st.data())
def test_a_weekday_name_lands_on_that_weekday_within_a_week(today: date, weekday: int, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(WEEKDAYS[weekday]))
    shown = data.draw(st.sampled_from([name, name.upper(), name.capitalize(), f" {name} "]))
    day = parse_day(shown, today)
    assert day is not None and day.weekday() == weekday
    assert 0 <= (day - today).days <= 6


@given(today=st.dates(min_value=MIN_DATE, max_value=MAX_DATE - timedelta(days=7)))
def test_next_week_is_a_monday_within_a_week(today: date) -> None:
    day = parse_day("next week", today)
    assert day is not None and day.weekday() == 0
    assert 1 <= (day - today).days <= 7


@given(text=st.text(max_size=30), today=st.dates())
def test_nothing_typed_raises_anything_but_a_usage_error(text: str, today: date) -> None:
    try:
        day = parse_day(text, today)
    except UsageError:
        return
    assert day is None or MIN_DATE <= day <= MAX_DATE
