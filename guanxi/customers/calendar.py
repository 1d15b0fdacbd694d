"""Meetings and tasks as iCalendar (RFC 5545), for any calendar program."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from icalendar import Calendar, Event

from guanxi.customers.choices import ActivityKind, TaskStatus
from guanxi.customers.models import Activity

DEFAULT_LENGTH = timedelta(hours=1)


def meetings_ics(activities: Iterable[Activity]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Guanxi CRM//guanxi//EN")
    calendar.add("version", "2.0")
    host = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".") or "localhost"
    for activity in activities:
        event = Event()
        event.add("uid", f"activity-{activity.pk}@{host}")
        event.add("summary", activity.subject)
        event.add("dtstart", activity.at)
        length = DEFAULT_LENGTH if activity.kind == ActivityKind.MEETING else timedelta(0)
        event.add("dtend", activity.ends_at or activity.at + length)
        event.add("dtstamp", activity.updated_at)
        if activity.body:
            event.add("description", activity.body)
        if activity.location:
            event.add("location", activity.location)
        event.add("status", "CANCELLED" if activity.status == TaskStatus.CANCELLED else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
