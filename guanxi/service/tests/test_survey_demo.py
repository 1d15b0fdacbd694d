"""Demo surveys: CSAT on the demo's solved tickets, NPS to their customers, most
answered, in the past, no e-mail sent, not twice."""

import pytest
from django.utils import timezone

from guanxi.service.demo import load_service
from guanxi.service.demo_surveys import load_surveys
from guanxi.service.models import Survey, Ticket
from guanxi.testing.customers import make_contact
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


def test_demo_surveys_answer_solved_tickets_without_mail(mailoutbox):
    agent = make_user(role="service_agent")
    make_team(name="Service", members=[agent])
    for i in range(6):
        make_contact(emails=[{"value": f"kunde{i}@example.cn"}])
    load_service(tickets=30, seed=3)
    mailoutbox.clear()

    counts = load_surveys(seed=1)
    solved = Ticket.objects.filter(status__in=["solved", "closed"]).exclude(requester_email="")
    csat = Survey.objects.filter(kind="csat")
    assert csat.count() == solved.count() > 0
    assert counts["surveys"] == Survey.objects.count()
    assert counts["answers"] == Survey.objects.filter(score__isnull=False).count() > 0
    assert Survey.objects.filter(kind="nps").exists()
    assert all(s.sent_at <= timezone.now() for s in Survey.objects.all())
    assert all(s.answered_at >= s.sent_at for s in Survey.objects.filter(score__isnull=False))
    assert mailoutbox == []
    assert load_surveys(seed=1) == {"surveys": 0, "answers": 0}  # not twice
