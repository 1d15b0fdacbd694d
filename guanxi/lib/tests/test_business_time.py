"""The business-hours calculator: examples on the Chinese calendar and properties over
random calendars, holidays, make-up days and durations (hypothesis)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guanxi.lib.business_time import (
    Calendar,
    ClosedCalendar,
    add_business_time,
    business_time_between,
    is_open,
    office_hours,
)
from guanxi.lib.cn_holidays import holiday_dates, makeup_dates

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHINA = Calendar(
    hours={d: ((time(9), time(12)), (time(13), time(18))) for d in range(5)},
    holidays=holiday_dates(),
    workdays=makeup_dates(),
)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_hours_count_only_within_opening_hours_and_skip_lunch():
    assert add_business_time(at(2026, 3, 2, 11), timedelta(hours=2), CHINA) == at(2026, 3, 2, 14)


def test_a_start_in_closed_time_counts_from_the_next_opening():
    friday_night = at(2026, 3, 6, 20)
    assert add_business_time(friday_night, timedelta(hours=1), CHINA) == at(2026, 3, 9, 10)
    assert add_business_time(friday_night, timedelta(0), CHINA) == at(2026, 3, 9, 9)


def test_a_closing_moment_is_where_a_full_day_ends():
    assert add_business_time(at(2026, 3, 2, 9), timedelta(hours=8), CHINA) == at(2026, 3, 2, 18)


def test_spring_festival_is_skipped_and_the_make_up_saturday_is_worked():
    # Friday 13 February 2026, 17:00, plus two hours: Saturday 14 February is a make-up
    # working day (调休), then 15–23 February are the Spring Festival holiday.
    start = at(2026, 2, 13, 17)
    assert add_business_time(start, timedelta(hours=2), CHINA) == at(2026, 2, 14, 10)
    assert add_business_time(start, timedelta(hours=9), CHINA) == at(2026, 2, 14, 18)
    assert add_business_time(start, timedelta(hours=10), CHINA) == at(2026, 2, 24, 10)


def test_national_day_2025_and_its_make_up_days():
    assert not is_open(at(2025, 10, 8, 10), CHINA)  # Mid-Autumn joined National Day
    assert is_open(at(2025, 9, 28, 10), CHINA)  # a Sunday worked instead
    assert is_open(at(2025, 10, 11, 10), CHINA)  # a Saturday worked instead
    assert business_time_between(at(2025, 9, 30, 18), at(2025, 10, 9, 9), CHINA) == timedelta(0)


def test_the_shipped_years_have_their_holiday_counts():
    assert len([d for d in holiday_dates((2025,)) if d.year == 2025]) == 28
    assert len(holiday_dates((2026,))) == 33
    assert all(d.weekday() >= 5 for d in makeup_dates())  # make-up days are weekend days


def test_bad_calendars_and_inputs_are_refused():
    with pytest.raises(ValueError, match="overlap"):
        Calendar(hours={0: ((time(9), time(12)), (time(11), time(13)))})
    with pytest.raises(ValueError, match="before"):
        Calendar(hours={0: ((time(12), time(9)),)})
    with pytest.raises(ValueError, match="aware"):
        add_business_time(datetime(2026, 1, 5, 9), timedelta(hours=1), CHINA)
    with pytest.raises(ValueError, match="negative"):
        add_business_time(at(2026, 1, 5, 9), timedelta(hours=-1), CHINA)
    with pytest.raises(ClosedCalendar):
        add_business_time(at(2026, 1, 5, 9), timedelta(hours=1), Calendar(hours={}))


def test_a_calendar_in_another_time_zone_counts_its_own_hours():
    berlin = office_hours(timezone="Europe/Berlin")
    # 09:00 in Shanghai on a winter Monday is 02:00 in Berlin: closed until 09:00 there.
    due = add_business_time(at(2026, 1, 5, 9), timedelta(hours=1), berlin)
    assert due == datetime(2026, 1, 5, 10, tzinfo=ZoneInfo("Europe/Berlin"))


# --- properties --------------------------------------------------------------------------


@st.composite
def calendars(draw: st.DrawFn) -> Calendar:
    """Random weekly hours (some days closed, some split), holidays and make-up days
    around 2026, in a zone with or without daylight saving time."""
    hours = {}
    for weekday in range(7):
        cuts = sorted(draw(st.sets(st.integers(0, 24 * 4), max_size=4)))
        if len(cuts) % 2:
            cuts = cuts[:-1]
        intervals = [
            (_quarter(cuts[i]), _quarter(cuts[i + 1]))
            for i in range(0, len(cuts), 2)
            if cuts[i] < cuts[i + 1] and cuts[i + 1] < 24 * 4
        ]
        if intervals:
            hours[weekday] = tuple(intervals)
    if not hours:
        hours[0] = ((time(9), time(17)),)
    days = st.dates(date(2025, 12, 1), date(2026, 6, 30))
    return Calendar(
        timezone=draw(st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/New_York"])),
        hours=hours,
        holidays=frozenset(draw(st.sets(days, max_size=20))),
        workdays=frozenset(draw(st.sets(days, max_size=5))),
        makeup_weekday=draw(st.integers(0, 6)),
    )


def _quarter(n: int) -> time:
    return time(n // 4, (n % 4) * 15)


starts = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 4, 30), timezones=st.just(SHANGHAI)
)
durations = st.integers(0, 200 * 60).map(lambda minutes: timedelta(minutes=minutes))


@settings(max_examples=150, deadline=None)
@given(calendar=calendars(), start=starts, duration=durations)
def test_adding_then_measuring_gives_the_duration_back(calendar, start, duration):
    due = add_business_time(start, duration, calendar)
    assert business_time_between(start, due, calendar) == duration


@settings(max_examples=150, deadline=None)
@given(calendar=calendars(), start=starts, duration=durations)
def test_the_result_never_lies_in_closed_time(calendar, start, duration):
    assert is_open(add_business_time(start, duration, calendar), calendar)


@settings(max_examples=150, deadline=None)
@given(calendar=calendars(), start=starts, first=durations, second=durations)
def test_later_or_longer_never_makes_it_earlier(calendar, start, first, second):
    short, long = sorted([first, second])
    assert add_business_time(start, short, calendar) <= add_business_time(start, long, calendar)
    later = start + (long - short)
    assert add_business_time(start, short, calendar) <= add_business_time(later, short, calendar)


def test_measuring_up_to_the_last_open_minute_of_the_horizon_needs_no_later_span():
    # A quarter of an hour a week: 7,831 minutes end near the ten-year horizon, and
    # measuring back must not look for an open span beyond it (found by hypothesis).
    calendar = Calendar(timezone="Asia/Shanghai", hours={6: ((time(0), time(0, 15)),)})
    start = datetime(2026, 1, 1, tzinfo=SHANGHAI)
    duration = timedelta(minutes=7831)
    due = add_business_time(start, duration, calendar)
    assert business_time_between(start, due, calendar) == duration
