"""Business calendars as the SLA clock reads them, and the default calendar Guanxi
ships: Monday to Friday 09:00–12:00 and 13:00–18:00 in Asia/Shanghai, with the Chinese
public holidays and make-up working days of 2025 and 2026 (editable rows)."""

from __future__ import annotations

from datetime import time

from django.db import transaction

from guanxi.lib.business_time import Calendar
from guanxi.lib.cn_holidays import HOLIDAYS, MAKEUP_WORKDAYS
from guanxi.service.choices import CalendarDayKind
from guanxi.service.models import BusinessCalendar, CalendarDay, OpeningHours

DEFAULT_NAME = "China (Mon–Fri 9:00–18:00)"
DEFAULT_HOURS = ((time(9), time(12)), (time(13), time(18)))


def as_calendar(calendar: BusinessCalendar) -> Calendar:
    """The rows of a business calendar as the pure calculator's ``Calendar``."""
    hours: dict[int, list[tuple[time, time]]] = {}
    for row in calendar.hours.all():
        hours.setdefault(row.weekday, []).append((row.opens, row.closes))
    days = list(calendar.days.all())
    return Calendar(
        timezone=calendar.timezone,
        hours={weekday: tuple(sorted(spans)) for weekday, spans in hours.items()},
        holidays=frozenset(d.date for d in days if d.kind == CalendarDayKind.HOLIDAY),
        workdays=frozenset(d.date for d in days if d.kind == CalendarDayKind.WORKDAY),
    )


def default_calendar() -> BusinessCalendar:
    calendar = BusinessCalendar.objects.filter(is_default=True).first()
    return calendar or ensure_default_calendar()


@transaction.atomic
def ensure_default_calendar() -> BusinessCalendar:
    """Make the shipped calendar when there is no default one (after ``migrate``); an
    existing default calendar is left exactly as administrators made it."""
    existing = BusinessCalendar.objects.filter(is_default=True).first()
    if existing is not None:
        return existing
    calendar, _created = BusinessCalendar.objects.get_or_create(
        name=DEFAULT_NAME, defaults={"timezone": "Asia/Shanghai", "is_default": True}
    )
    if not calendar.is_default:
        calendar.is_default = True
        calendar.save(update_fields=["is_default"])
    if not calendar.hours.exists():
        OpeningHours.objects.bulk_create(
            OpeningHours(calendar=calendar, weekday=day, opens=opens, closes=closes)
            for day in range(5)
            for opens, closes in DEFAULT_HOURS
        )
    if not calendar.days.exists():
        rows = [
            CalendarDay(calendar=calendar, date=day, kind=CalendarDayKind.HOLIDAY, name=zh)
            for year in HOLIDAYS.values()
            for _en, zh, days in year
            for day in days
        ]
        rows += [
            CalendarDay(calendar=calendar, date=day, kind=CalendarDayKind.WORKDAY, name="调休")
            for year in MAKEUP_WORKDAYS.values()
            for day in year
        ]
        CalendarDay.objects.bulk_create(rows)
    return calendar
