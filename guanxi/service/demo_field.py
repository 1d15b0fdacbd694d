"""Demo field service: three service points (北京, 上海, 广州) on the default business
calendar, with their teams and technicians (working hours of their own: full days with
Saturday mornings, or shorter days; one has leave next week), and visits for the demo
tickets with sold units, each in its technician's first free slot: done ones (some
fixed, some not), scheduled ones, requests left waiting long enough to be overdue, and
repeat repairs of the same units. Everything goes through the services (dated with
their ``now``), by a demo dispatcher who manages the three teams. Deterministic for a
seed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from guanxi.core.models import Role, Team, TeamMembership, User
from guanxi.service.models import ServicePoint, Technician, Ticket, Visit
from guanxi.service.services.calendars import default_calendar
from guanxi.service.services.field import complete_visit, request_visit, schedule_visit
from guanxi.service.services.field_hours import (
    add_time_off,
    set_technician_hours,
    technician_free_slots,
)
from guanxi.service.services.field_overdue import flag_overdue_visits
from guanxi.service.services.field_points import add_technician, create_service_point
from guanxi.service.services.tickets import open_ticket

POINTS = [
    ("北京服务站", "11", "北京", "朝阳区", [{"province": "11"}, {"province": "12"}]),
    ("上海服务站", "31", "上海", "浦东新区", [{"province": "31"}, {"province": "32"}]),
    ("广州服务站", "44", "广州", "天河区", [{"province": "44"}, {"province": "45"}]),
]
TECHNICIANS = [("王", "强"), ("李", "伟"), ("张", "敏"), ("刘", "洋"), ("陈", "静"), ("杨", "磊")]
SKILLS = [["Hardware repair", "Printers"], ["Hardware repair"], ["Printers", "Networks"]]
DISPATCHER_EMAIL = "field.dispatcher@demo.guanxi.test"
# Own weekly hours of the first and second technician of each point.
HOURS = [
    [
        *({"weekday": day, "starts": "09:00", "ends": "18:00"} for day in range(5)),
        {"weekday": 5, "starts": "09:00", "ends": "12:00"},
    ],
    [
        {"weekday": day, "starts": starts, "ends": ends}
        for day in range(5)
        for starts, ends in (("08:30", "12:00"), ("13:00", "17:30"))
    ],
]
REPORTS = [
    "更换了主板，测试正常。",
    "Replaced the fuser unit; printed 20 test pages.",
    "Cleaned the sensor and updated the firmware.",
    "客户不在现场，已留言。",
]


def _user(email: str, full_name: str, role: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name=full_name, password=None)
        user.roles.add(Role.objects.get(code=role))
    return user


def _dispatcher(teams: list[Team]) -> User:
    user = _user(DISPATCHER_EMAIL, "调度 王芳", "service_manager")
    for team in teams:
        TeamMembership.objects.update_or_create(team=team, user=user, defaults={"is_manager": True})
    return user


@transaction.atomic
def load_field_service(*, visits: int = 30, seed: int = 2026) -> dict[str, int]:
    """The demo points, technicians and visits (nothing when the points exist)."""
    if ServicePoint.objects.filter(name=POINTS[0][0]).exists():
        return {"points": 0, "visits": 0}
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    teams = [Team.objects.get_or_create(name=name)[0] for name, *_rest in POINTS]
    ticket_teams = list(Team.objects.filter(pk__in=Ticket.objects.values("team_id")))
    dispatcher = _dispatcher(teams + ticket_teams)
    points: list[ServicePoint] = []
    technicians: dict[int, list[Technician]] = {}
    for index, (name, province, city, district, coverage) in enumerate(POINTS):
        point = create_service_point(
            actor=dispatcher,
            name=name,
            province=province,
            city=city,
            district=district,
            coverage=coverage,
            team=teams[index],
            calendar=default_calendar(),
        )
        points.append(point)
        technicians[point.pk] = []
        for offset in (0, 1):
            family, given = TECHNICIANS[index * 2 + offset]
            user = _user(
                f"technician{index * 2 + offset + 1}@demo.guanxi.test",
                f"{family}{given}",
                "service_agent",
            )
            TeamMembership.objects.get_or_create(team=teams[index], user=user)
            technician = add_technician(
                actor=dispatcher,
                service_point=point,
                user=user,
                skills=SKILLS[(index + offset) % len(SKILLS)],
            )
            set_technician_hours(actor=dispatcher, technician=technician, hours=HOURS[offset])
            technicians[point.pk].append(technician)
    now = timezone.now()
    _leave_next_week(dispatcher, technicians[points[0].pk][1], now)
    tickets = list(
        Ticket.objects.filter(serial__isnull=False).select_related("serial").order_by("pk")[:visits]
    )
    made = 0
    for index, ticket in enumerate(tickets):
        point = points[index % len(points)]
        crew = technicians[point.pk]
        requested = now - timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 8))
        visit = request_visit(
            actor=dispatcher, ticket=ticket, service_point=point, skill="", now=requested
        )
        made += 1
        kind = index % 5
        if kind == 4:
            continue  # left waiting: overdue when requested more than a few days ago
        technician = crew[index % len(crew)]
        free = technician_free_slots(
            technician, after=requested + timedelta(days=1, hours=index % 4 * 2), count=1
        )
        if not free:
            continue
        start, end = free[0]
        schedule_visit(actor=dispatcher, visit=visit, technician=technician, start=start, end=end)
        if end > now or kind == 3:
            continue  # still to come (or past its window and not done: overdue)
        done_at = start + timedelta(hours=1, minutes=rng.randint(0, 50))
        complete_visit(
            actor=dispatcher,
            visit=visit,
            outcome="fixed" if kind != 2 else "another_visit",
            report=rng.choice(REPORTS),
            travel_minutes=rng.randint(15, 90),
            now=done_at,
        )
        if index % 3 == 0 and done_at + timedelta(days=3) < now:
            made += _repeat(dispatcher, ticket, point, done_at + timedelta(days=3))
    flag_overdue_visits(now=now)
    return {"points": len(points), "visits": made}


def _leave_next_week(dispatcher: User, technician: Technician, now: datetime) -> None:
    """Three days of leave from next Monday."""
    monday = timezone.localdate(now) + timedelta(days=7 - timezone.localdate(now).weekday())
    start = timezone.make_aware(datetime.combine(monday, datetime.min.time()))
    add_time_off(
        actor=dispatcher,
        technician=technician,
        starts_at=start,
        ends_at=start + timedelta(days=3),
        reason="leave",
        note="年假",
    )


def _repeat(dispatcher: User, ticket: Ticket, point: ServicePoint, at: datetime) -> int:
    """The customer calls again about the same unit: a new ticket and its visit, which
    the visit service flags as a repeat repair."""
    again = open_ticket(
        actor=None,
        subject=f"{ticket.subject}（再次故障）",
        body="The same fault is back after the repair.",
        channel="phone",
        category=ticket.category,
        team=ticket.team,
        contact=ticket.contact,
        account=ticket.account,
        product=ticket.product,
        serial=ticket.serial,
        requester_email=ticket.requester_email,
    )
    request_visit(actor=dispatcher, ticket=again, service_point=point, skill="", now=at)
    return 1


@transaction.atomic
def reset_field_service() -> None:
    """Delete the demo visits, technicians and points."""
    names = [name for name, *_rest in POINTS]
    Visit.objects.filter(service_point__name__in=names).delete()
    Technician.objects.filter(service_point__name__in=names).delete()
    ServicePoint.objects.filter(name__in=names).delete()
