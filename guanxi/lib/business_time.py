"""Business time: due dates that count only the hours a team works.

A ``Calendar`` has opening hours per weekday (several intervals a day, e.g. a lunch
break), closed days (public holidays) and make-up working days (调休: a weekend day
worked instead of a holiday, with the hours of ``makeup_weekday``), in one time zone.
Every SLA due time comes from ``add_business_time``:

* the result is the earliest moment at which ``duration`` of open time has passed
  since ``start`` (a start in closed time counts from the next opening);
* it never lies in closed time (an interval's closing moment counts as open, so nine
  hours from 09:00 on a 09:00–18:00 day is 18:00 that day, not 09:00 the next);
* it is monotone in the start and in the duration;
* ``business_time_between(start, add_business_time(start, d)) == d``.

Pure Python (``zoneinfo``), no Django: the service module turns its calendar rows into
a ``Calendar``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ZERO = timedelta(0)
# A calendar with no open time at all would loop forever: give up after ten years.
MAX_DAYS = 3660


class ClosedCalendar(ValueError):
    """The calendar has no open time within ten years of the start."""


@dataclass(frozen=True)
class Calendar:
    """Opening hours per weekday (0 = Monday) as (open, close) pairs, closed dates and
    make-up working days, in ``timezone``."""

    timezone: str = "Asia/Shanghai"
    hours: Mapping[int, tuple[tuple[time, time], ...]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    makeup_weekday: int = 0  # a make-up working day has Monday's hours by default

    def __post_init__(self) -> None:
        for weekday, intervals in self.hours.items():
            if not 0 <= weekday <= 6:
                raise ValueError(f"weekday {weekday} is not 0–6")
            previous = time.min
            for index, (opens, closes) in enumerate(sorted(intervals)):
                if opens >= closes:
                    raise ValueError(f"weekday {weekday}: {opens} is not before {closes}")
                if index and opens < previous:
                    raise ValueError(f"weekday {weekday}: intervals overlap at {opens}")
                previous = closes

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def intervals_on(self, day: date) -> tuple[tuple[time, time], ...]:
        """The opening hours of a date (none on a holiday)."""
        if day in self.holidays:
            return ()
        if day in self.workdays:
            return tuple(sorted(self.hours.get(self.makeup_weekday, ())))
        return tuple(sorted(self.hours.get(day.weekday(), ())))


def office_hours(
    opens: time = time(9),
    closes: time = time(18),
    *,
    weekdays: Iterable[int] = range(5),
    timezone: str = "Asia/Shanghai",
    holidays: Iterable[date] = (),
    workdays: Iterable[date] = (),
) -> Calendar:
    """Monday to Friday (by default) from ``opens`` to ``closes``."""
    return Calendar(
        timezone=timezone,
        hours=dict.fromkeys(weekdays, ((opens, closes),)),
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
    )


def _open_spans(calendar: Calendar, start: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The calendar's open spans (aware datetimes) that end after ``start``, in order,
    from the start's local day on."""
    zone = calendar.zone
    day = start.astimezone(zone).date()
    for offset in range(MAX_DAYS):
        current = day + timedelta(days=offset)
        for opens, closes in calendar.intervals_on(current):
            span_start = datetime.combine(current, opens, tzinfo=zone)
            span_end = datetime.combine(current, closes, tzinfo=zone)
            if span_end > start:
                yield span_start, span_end
    raise ClosedCalendar("no open time within ten years")


def add_business_time(start: datetime, duration: timedelta, calendar: Calendar) -> datetime:
    """The moment ``duration`` of open time after ``start`` (an aware datetime), in the
    calendar's time zone."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if duration < ZERO:
        raise ValueError("duration must not be negative")
    remaining = duration
    for span_start, span_end in _open_spans(calendar, start):
        begin = max(span_start, start)
        available = span_end - begin
        if remaining <= available:
            return (begin + remaining).astimezone(calendar.zone)
        remaining -= available
    raise ClosedCalendar("no open time within ten years")  # pragma: no cover


def business_time_between(start: datetime, end: datetime, calendar: Calendar) -> timedelta:
    """The open time from ``start`` to ``end`` (zero when ``end`` is not after it)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    if end <= start:
        return ZERO
    total = ZERO
    for span_start, span_end in _open_spans(calendar, start):
        if span_start >= end:
            break
        total += min(span_end, end) - max(span_start, start)
        if span_end >= end:  # done: no need to find the next span (it may be years away)
            break
    return total


def is_open(moment: datetime, calendar: Calendar) -> bool:
    """Whether ``moment`` lies in open time (a closing moment counts as open)."""
    local = moment.astimezone(calendar.zone)
    for opens, closes in calendar.intervals_on(local.date()):
        begin = datetime.combine(local.date(), opens, tzinfo=calendar.zone)
        end = datetime.combine(local.date(), closes, tzinfo=calendar.zone)
        if begin <= moment <= end:
            return True
    return False
