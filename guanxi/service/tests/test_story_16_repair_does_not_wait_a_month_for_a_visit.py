"""Story 16: "A repair request has waited a month for a visit."

A visit requested and left unscheduled becomes overdue after FIELD_VISIT_OVERDUE_DAYS:
the periodic check flags it, tells the managers of the service point's team once, and
the dispatch board shows it first, in red.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guanxi.core.models import Notification
from guanxi.service.models import Visit
from guanxi.service.services.field_overdue import flag_overdue_visits
from guanxi.service.tasks_field import flag_overdue_field_visits
from guanxi.testing.field import customer_ticket, make_point, make_technician, make_visit
from guanxi.testing.users import make_team, make_user


@pytest.fixture
def setup(settings):
    settings.FIELD_VISIT_OVERDUE_DAYS = 3
    manager = make_user(role="service_manager")
    agent = make_user(role="service_agent")
    team = make_team(members=[manager, agent], managers=[manager])
    point = make_point(team=team, name="北京服务站")
    make_technician(point, skills=["Washers"])
    return manager, agent, point


@pytest.mark.django_db
def test_an_unscheduled_request_becomes_overdue_and_the_manager_is_told_once(setup):
    manager, agent, point = setup
    t0 = timezone.now() - timedelta(days=30)
    waiting = make_visit(customer_ticket(), point=point, now=t0)
    newer = make_visit(customer_ticket(), point=point, now=t0 + timedelta(days=2))

    assert flag_overdue_visits(now=t0 + timedelta(days=2, hours=23)) == 0
    assert Visit.objects.filter(overdue_at__isnull=False).count() == 0

    check = t0 + timedelta(days=3, hours=1)
    assert flag_overdue_visits(now=check) == 1
    waiting.refresh_from_db()
    newer.refresh_from_db()
    assert waiting.overdue_at == check
    assert waiting.is_overdue
    assert newer.overdue_at is None
    told = Notification.objects.filter(kind="visit_overdue")
    assert list(told.values_list("recipient_id", "url")) == [
        (manager.pk, reverse("service:visit_detail", args=[waiting.pk]))
    ]

    # Running again (and again later) tells nobody twice.
    assert flag_overdue_visits(now=check + timedelta(hours=1)) == 0
    assert flag_overdue_visits(now=check + timedelta(days=2)) == 1  # only the newer one
    assert told.filter(object_id=str(waiting.pk)).count() == 1
    assert told.count() == 2


@pytest.mark.django_db
def test_a_visit_past_its_window_and_not_done_is_overdue(setup):
    manager, agent, point = setup
    from guanxi.service.services.field import schedule_visit
    from guanxi.testing.field import field_admin

    technician = point.technicians.get()
    now = timezone.now()
    visit = make_visit(customer_ticket(), point=point, now=now - timedelta(hours=5))
    schedule_visit(
        actor=field_admin(),
        visit=visit,
        technician=technician,
        start=now - timedelta(hours=3),
        end=now - timedelta(hours=1),
    )
    assert flag_overdue_visits(now=now) == 1
    visit.refresh_from_db()
    assert visit.overdue_at == now


@pytest.mark.django_db
def test_the_periodic_task_flags_overdue_visits(setup):
    manager, agent, point = setup
    visit = make_visit(customer_ticket(), point=point, now=timezone.now() - timedelta(days=4))
    assert flag_overdue_field_visits.call() == 1
    visit.refresh_from_db()
    assert visit.overdue_at is not None


@pytest.mark.django_db
def test_the_overdue_request_heads_the_dispatch_board_in_red(client, setup):
    manager, agent, point = setup
    t0 = timezone.now() - timedelta(days=30)
    newer = make_visit(customer_ticket(), point=point, now=timezone.now() - timedelta(hours=2))
    waiting = make_visit(customer_ticket(), point=point, now=t0)
    flag_overdue_visits(now=timezone.now())
    client.force_login(manager)

    page = client.get(reverse("service:dispatch_board")).content.decode()

    first = page.index(f'data-visit="{waiting.pk}"')
    assert first < page.index(f'data-visit="{newer.pk}"')
    row = page[first : page.index("</tr>", first)]
    assert 'class="message error overdue"' in row
    assert (
        'data-overdue="1"' not in page[page.index(f'data-visit="{newer.pk}"') :].split("</tr>")[0]
    )
