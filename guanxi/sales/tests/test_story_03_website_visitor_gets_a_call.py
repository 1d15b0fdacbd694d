"""Story 3: a visitor asked through the website for a salesperson to call; a month later
no one has. Guanxi makes it impossible: the visitor's lead gets an owner at once (by the
assignment rules), the owner a call-back task due within the form's hours on My day, and
when the time passes without a call the owner and their manager are told — once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from guanxi.core.models import Notification
from guanxi.core.scheduling import periodic_tasks
from guanxi.customers.models import Activity
from guanxi.sales.models import Lead
from guanxi.sales.services.assignment import create_assignment_rule
from guanxi.sales.services.first_contact import flag_overdue_first_contacts
from guanxi.sales.tasks import flag_overdue_lead_contacts
from guanxi.testing.sales import make_lead_form
from guanxi.testing.users import make_team, make_user

pytestmark = pytest.mark.django_db


def test_website_visitor_who_asks_for_a_call_gets_one_or_the_manager_knows(client):
    # Given web leads go round robin in the inside sales team (two reps and their manager)
    rep1 = make_user(role="sales_rep", full_name="Rep One")
    rep2 = make_user(role="sales_rep", full_name="Rep Two")
    manager = make_user(role="sales_manager", full_name="Manager Ma")
    team = make_team(name="Inside sales", members=[manager, rep1, rep2], managers=[manager])
    create_assignment_rule(
        actor=manager,
        name="Web",
        field="source",
        value="web_form",
        method="round_robin",
        team=team,
    )
    make_lead_form(slug="call-me", call_within_hours=4)

    # When a visitor fills in the public form asking to be called
    before = timezone.now()
    response = client.post(
        "/f/call-me/",
        {"family_name": "陈", "given_name": "静", "phone": "13912345678", "wants_call": "on"},
    )

    # Then the lead has an owner at once, with the reason, and a first-contact task
    assert response.status_code == 200
    lead = Lead.objects.get()
    assert (lead.owner, lead.team, lead.source, lead.wants_call) == (rep1, team, "web_form", True)
    assert lead.assignment_reason == "Rule “Web”: source = web_form → round robin in Inside sales"
    task = Activity.objects.get()
    assert (task.kind, task.status, task.assignee, task.owner) == ("task", "open", rep1, rep1)
    assert task.subject == "Call back 陈静 (asked on the website)"
    assert list(lead.activities.all()) == [task]
    assert (
        before + timedelta(hours=4) <= lead.first_contact_due <= timezone.now() + timedelta(hours=4)
    )
    assert task.at == lead.first_contact_due

    # And the scheduler checks every 15 minutes
    assert any(
        p.task.module_path == flag_overdue_lead_contacts.module_path
        and p.every == timedelta(minutes=15)
        for p in periodic_tasks()
    )

    # While the call is not yet due, nobody is bothered
    assert flag_overdue_first_contacts(now=timezone.now() + timedelta(hours=3)) == 0
    assert Notification.objects.count() == 0

    # When the due time passes without a call, the owner and the manager are told, once
    later = timezone.now() + timedelta(hours=5)
    assert flag_overdue_first_contacts(now=later) == 1
    assert flag_overdue_first_contacts(now=later + timedelta(days=30)) == 0
    notes = Notification.objects.all()
    assert sorted((n.recipient.full_name, n.kind) for n in notes) == [
        ("Manager Ma", "lead.first_contact_overdue"),
        ("Rep One", "lead.first_contact_overdue"),
    ]
    assert {n.title for n in notes} == {"Nobody has called 陈静 back yet"}
    assert {n.url for n in notes} == {f"/leads/{lead.pk}/"}
    lead.refresh_from_db()
    assert lead.overdue_notified_at == later


def test_a_call_logged_in_time_means_no_alarm(client):
    rep = make_user(role="sales_rep")
    make_team(members=[rep])
    make_user(role="administrator")
    create_assignment_rule(
        actor=make_user(role="sales_manager"),
        name="All web",
        field="source",
        value="web_form",
        user=rep,
    )
    make_lead_form(slug="call-me", call_within_hours=4)
    client.post("/f/call-me/", {"family_name": "陈", "phone": "13912345678", "wants_call": "on"})
    lead = Lead.objects.get()
    client.force_login(rep)
    client.post(f"/leads/{lead.pk}/log/", {"kind": "call", "subject": "Called back"})
    lead.refresh_from_db()
    assert (lead.status, lead.first_contacted_at is not None) == ("contacted", True)
    assert flag_overdue_first_contacts(now=timezone.now() + timedelta(days=30)) == 0
    assert Notification.objects.filter(kind="lead.first_contact_overdue").count() == 0
