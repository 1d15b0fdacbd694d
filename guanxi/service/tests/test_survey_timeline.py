"""Survey answers on the customer's timeline, for readers who may see the survey."""

import pytest

from guanxi.customers.timeline import timeline_page
from guanxi.service.models import Ticket
from guanxi.testing.customers import make_account, make_contact
from guanxi.testing.service import make_ticket
from guanxi.testing.surveys import make_survey
from guanxi.testing.users import make_user

pytestmark = pytest.mark.django_db


def test_an_answer_shows_on_the_contact_and_account_timelines():
    owner = make_user(role="administrator")
    account = make_account(owner=owner)
    contact = make_contact(owner=owner, accounts=[{"account": account}])
    ticket = make_ticket(contact=contact, account=account)
    make_survey(ticket=ticket, contact=contact, account=account, score=2, comment="Slow")
    make_survey(ticket=ticket, contact=contact, account=account, kind="nps")  # unanswered

    for subject in (contact, account):
        entries, _ = timeline_page(owner, subject, kinds=["survey_csat", "survey_nps"])
        assert [(e.kind, e.title, e.body) for e in entries] == [
            ("survey_csat", f"Rated ticket {ticket.number} 2 of 5", "Slow")
        ]


def test_a_reader_who_may_not_see_the_survey_does_not_get_it():
    agent, other = make_user(role="service_agent"), make_user(role="service_agent")
    contact = make_contact()
    ticket = make_ticket(contact=contact)
    Ticket.objects.filter(pk=ticket.pk).update(owner=other)
    make_survey(ticket=ticket, contact=contact, score=5)
    entries, _ = timeline_page(agent, contact, kinds=["survey_csat"])
    assert entries == []
    entries, _ = timeline_page(other, contact, kinds=["survey_csat"])
    assert len(entries) == 1
