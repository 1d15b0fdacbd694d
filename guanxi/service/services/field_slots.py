"""A technician's free time, as pure functions (no database): their working spans come
from a business-time ``Calendar`` (``None``: they may work at any time), and the busy
intervals (booked visits, time off) are taken out of them.

* ``working_spans`` merges intervals that touch (09:00–12:00 and 12:00–13:00 are one
  span); a lunch break splits a day into two spans.
* ``is_working(calendar, start, end)``: the whole window lies inside one span.
* ``free_slots``: the first windows of a given length, in order, each inside one span,
  overlapping no busy interval nor each other, starting on the ``step`` grid of the
  local clock (or at a span's start) and not before ``after``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, time, timedelta, tzinfo

from guanxi.lib.business_time import Calendar

Span = tuple[datetime, datetime]
STEP = timedelta(minutes=30)
HORIZON = timedelta(days=31)


def working_spans(calendar: Calendar | None, start: datetime, end: datetime) -> Iterator[Span]:
    """The working spans overlapping ``start``–``end`` (aware), in order; with no
    calendar, the whole period is one span."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    if end <= start:
        return
    if calendar is None:
        yield start, end
        return
    zone = calendar.zone
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    pending: Span | None = None
    while day <= last:
        for opens, closes in calendar.intervals_on(day):
            span = (
                datetime.combine(day, opens, tzinfo=zone),
                datetime.combine(day, closes, tzinfo=zone),
            )
            if pending is not None and span[0] <= pending[1]:
                pending = (pending[0], max(pending[1], span[1]))
                continue
            if pending is not None and pending[1] > start and pending[0] < end:
                yield pending
            pending = span
        day += timedelta(days=1)
    if pending is not None and pending[1] > start and pending[0] < end:
        yield pending


def is_working(calendar: Calendar | None, start: datetime, end: datetime) -> bool:
    """Whether the window ``start``–``end`` lies inside one working span."""
    if end <= start:
        return False
    return any(s <= start and end <= e for s, e in working_spans(calendar, start, end))


def round_up(moment: datetime, step: timedelta, zone: tzinfo) -> datetime:
    """The first moment at or after ``moment`` on the ``step`` grid of the local clock
    (steps counted from local midnight)."""
    local = moment.astimezone(zone)
    midnight = datetime.combine(local.date(), time(0), tzinfo=zone)
    steps = -((midnight - local) // step)  # ceiling division
    return midnight + steps * step


def overlaps(busy: Iterable[Span], start: datetime, end: datetime) -> list[Span]:
    """The busy intervals overlapping ``start``–``end`` (touching ones do not)."""
    return [(s, e) for s, e in busy if s < end and e > start]


def free_slots(
    calendar: Calendar | None,
    busy: Iterable[Span],
    *,
    length: timedelta,
    after: datetime,
    count: int = 3,
    step: timedelta = STEP,
    horizon: timedelta = HORIZON,
) -> list[Span]:
    """The first ``count`` free windows of ``length`` starting from ``after`` up to
    ``horizon`` later: inside working time, clear of every busy interval, one after
    the other (a window never overlaps the previous one)."""
    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
    if length <= timedelta(0) or step <= timedelta(0):
        raise ValueError("length and step must be positive")
    zone = calendar.zone if calendar is not None else after.tzinfo
    assert zone is not None
    intervals = sorted(busy)
    limit = after + horizon
    slots: list[Span] = []
    if count <= 0:
        return slots
    for span_start, span_end in working_spans(calendar, after, limit):
        moment = max(span_start, round_up(after, step, zone))
        while moment < limit and moment + length <= span_end:
            clashes = overlaps(intervals, moment, moment + length)
            if clashes:
                busy_until = max(e for _s, e in clashes)
                moment = max(span_start, round_up(busy_until, step, zone))
                continue
            slots.append((moment, moment + length))
            if len(slots) == count:
                return slots
            moment += length
    return slots
