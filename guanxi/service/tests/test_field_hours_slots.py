"""The pure slot finder: working spans from a business-time calendar, the working-time
check and the first free windows (examples, then properties over random calendars,
visits and absences with hypothesis)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guanxi.lib.business_time import Calendar, office_hours
from guanxi.service.services.field_slots import (
    free_slots,
    is_working,
    overlaps,
    round_up,
    working_spans,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
LUNCH = Calendar(hours=dict.fromkeys(range(5), ((time(9), time(12)), (time(13), time(18)))))
HOUR = timedelta(hours=1)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of January 2026 in Shanghai (the 5th is a Monday)."""
    return datetime(2026, 1, day, hour, minute, tzinfo=SHANGHAI)


def test_touching_intervals_make_one_span_and_lunch_splits_the_day():
    calendar = Calendar(
        hours={0: ((time(9), time(12)), (time(12), time(14)), (time(15), time(17)))}
    )
    assert list(working_spans(calendar, at(5, 0), at(6, 0))) == [
        (at(5, 9), at(5, 14)),
        (at(5, 15), at(5, 17)),
    ]
    assert is_working(calendar, at(5, 11), at(5, 13))
    assert not is_working(calendar, at(5, 13), at(5, 16))
    assert not is_working(LUNCH, at(5, 11), at(5, 13))
    assert is_working(LUNCH, at(5, 9), at(5, 12))
    assert not is_working(LUNCH, at(10, 9), at(10, 11))  # a Saturday


def test_without_a_calendar_any_time_is_working_time():
    assert is_working(None, at(10, 2), at(10, 23))
    assert not is_working(None, at(10, 3), at(10, 3))


def test_round_up_uses_the_local_clock_grid():
    step = timedelta(minutes=30)
    assert round_up(at(5, 10, 7), step, SHANGHAI) == at(5, 10, 30)
    assert round_up(at(5, 10, 30), step, SHANGHAI) == at(5, 10, 30)
    assert round_up(at(5, 23, 50), step, SHANGHAI) == at(6, 0)


def test_slots_skip_visits_absences_lunch_and_the_weekend():
    busy = [(at(9, 9), at(9, 11, 15)), (at(9, 14), at(9, 18))]  # Friday
    slots = free_slots(LUNCH, busy, length=2 * HOUR, after=at(9, 8, 10), count=3)
    # Friday: 11:30–13:30 would cross lunch and 13:00–14:00 is too short.
    assert slots == [(at(12, 9), at(12, 11)), (at(12, 13), at(12, 15)), (at(12, 15), at(12, 17))]


def test_slots_follow_one_another_and_honour_a_holiday():
    calendar = office_hours(holidays=[date(2026, 1, 5)])
    slots = free_slots(calendar, [], length=3 * HOUR, after=at(5, 9), count=4)
    assert slots == [
        (at(6, 9), at(6, 12)),
        (at(6, 12), at(6, 15)),
        (at(6, 15), at(6, 18)),
        (at(7, 9), at(7, 12)),
    ]


def test_slots_start_on_the_grid_after_now_and_stop_at_the_horizon():
    slots = free_slots(None, [], length=HOUR, after=at(5, 10, 1), count=2)
    assert slots == [(at(5, 10, 30), at(5, 11, 30)), (at(5, 11, 30), at(5, 12, 30))]
    closed = Calendar(hours={})
    assert free_slots(closed, [], length=HOUR, after=at(5, 9)) == []
    assert free_slots(LUNCH, [], length=HOUR, after=at(5, 9), count=0) == []


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="aware"):
        free_slots(None, [], length=HOUR, after=datetime(2026, 1, 5, 9))
    with pytest.raises(ValueError, match="positive"):
        free_slots(None, [], length=timedelta(0), after=at(5, 9))


# --- properties -------------------------------------------------------------------------------


@st.composite
def calendars(draw: st.DrawFn) -> Calendar | None:
    if draw(st.booleans()) and draw(st.booleans()):
        return None
    hours = {}
    for weekday in range(7):
        cuts = sorted(draw(st.sets(st.integers(0, 48), max_size=4)))  # half hours
        pairs = list(zip(cuts[::2], cuts[1::2], strict=False))
        spans = tuple(
            (time(a // 2, 30 * (a % 2)), time(b // 2, 30 * (b % 2)) if b < 48 else time(23, 30))
            for a, b in pairs
            if a < b and a < 47
        )
        hours[weekday] = tuple(s for s in spans if s[0] < s[1])
    days = st.dates(date(2026, 1, 1), date(2026, 2, 28))
    return Calendar(
        hours=hours,
        holidays=frozenset(draw(st.sets(days, max_size=6))),
        workdays=frozenset(draw(st.sets(days, max_size=3))),
    )


moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 1, 31), timezones=st.just(SHANGHAI)
)
intervals = st.tuples(moments, st.integers(15, 3 * 24 * 60)).map(
    lambda pair: (pair[0], pair[0] + timedelta(minutes=pair[1]))
)


@settings(max_examples=150, deadline=None)
@given(
    calendar=calendars(),
    busy=st.lists(intervals, max_size=12),
    after=moments,
    minutes=st.integers(15, 8 * 60),
    count=st.integers(1, 5),
)
def test_slots_are_free_working_in_order_and_none_earlier_was_missed(
    calendar, busy, after, minutes, count
):
    length = timedelta(minutes=minutes)
    step = timedelta(minutes=30)
    slots = free_slots(calendar, busy, length=length, after=after, count=count, step=step)
    assert len(slots) <= count
    for start, end in slots:
        assert end - start == length
        assert start >= after
        assert is_working(calendar, start, end)
        assert overlaps(busy, start, end) == []
    for (_start, end), (next_start, _end) in pairwise(slots):
        assert end <= next_start
    # No window on the grid between ``after`` and the first slot was free.
    if slots:
        moment = round_up(after, step, SHANGHAI)
        while moment < slots[0][0]:
            assert not is_working(calendar, moment, moment + length) or overlaps(
                busy, moment, moment + length
            )
            moment += step
